"""The Bedarfsanalyse pages on a real run: start page, progress, Handlungsfeld page, map data, gap register.

The run is computed once from the 72 real offers and the real statistics of
Landkreis Hildburghausen (``views_data.real_run``); straight-line distances,
because the district has no road network, which every page must say.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from sozialplan.needs.models import AnalysisRun, Gap, GapStatus, RunStatus
from sozialplan.needs.tests.views_data import load_real_inputs, real_run
from sozialplan.regions.models import District

BASE = "/planung/hildburghausen/bedarf/"
METHOD = "Luftlinie × 1,3 (kein Straßennetz geladen"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def read_csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


# Start page -----------------------------------------------------------------------------------------


def test_without_a_run_the_start_page_explains_how_to_compute(
    client_as: Callable[[str], Client], district: District
) -> None:
    html = client_as("planner").get(BASE).content.decode()
    assert "Es gibt noch keine Berechnung." in html
    assert "sozialplan compute-needs --kreis 16069" in html
    assert 'action="/planung/hildburghausen/bedarf/neu-berechnen/"' in html
    committee = client_as("committee").get(BASE).content.decode()
    assert "sozialplan compute-needs --kreis 16069" in committee
    assert "neu-berechnen/" not in committee  # only planners recompute


def test_the_start_page_shows_method_parameters_notes_fields_and_top_gaps(
    client_as: Callable[[str], Client], district: District
) -> None:
    run = real_run(district)
    response = client_as("planner").get(BASE)
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(html)
    assert METHOD in text
    assert "Parameter der Berechnung" in html
    assert "Schwellen der Erreichbarkeit 15, 30 Minuten" in text
    assert "Umwegfaktor auf die Luftlinie 1,3" in text
    assert "Gehgeschwindigkeit 4,5 km/h" in text
    assert "Lückenregel: Schwelle 15 Minuten" in text
    assert "Gauß (Dai 2010)" in text
    assert "8 von 72 veröffentlichten Angeboten haben keinen Standort mit Lage" in text  # run.notes
    assert "Anlass Test" in text
    fields = response.context["fields"]
    assert [f["field"].code for f in fields] == [1, 2, 3, 4, 5, 6]
    for item in fields:
        current = Gap.objects.filter(run=run, action_field__code=item["field"].code)
        assert item["open"] == current.count()
        assert item["confirmed"] == 0
        assert f'href="{BASE}hf/{item["field"].code}/"' in html
    top = response.context["top_gaps"]
    assert len(top) == 10
    severities = [line.gap.severity for line in top]
    assert severities == sorted(severities, reverse=True)
    assert severities[0] == max(Gap.objects.filter(run=run).values_list("severity", flat=True))
    assert top[0].gap.sentence in html


def test_confirmed_and_dismissed_gaps_are_counted_per_field(
    client_as: Callable[[str], Client], district: District
) -> None:
    real_run(district)
    gaps = list(Gap.objects.filter(action_field__code=6).order_by("-severity")[:3])
    Gap.objects.filter(pk=gaps[0].pk).update(status=GapStatus.CONFIRMED)
    Gap.objects.filter(pk=gaps[1].pk).update(status=GapStatus.DISMISSED, reason="Gibt es doch.")
    fields = {f["field"].code: f for f in client_as("planner").get(BASE).context["fields"]}
    total = Gap.objects.filter(action_field__code=6).count()
    assert fields[6]["confirmed"] == 1
    assert fields[6]["open"] == total - 2


def test_recompute_queues_one_run_and_says_so(client_as: Callable[[str], Client], district: District) -> None:
    planner = client_as("planner")
    response = planner.post(BASE + "neu-berechnen/", {"reason": "Neue Angebote"}, follow=True)
    assert response.redirect_chain == [(BASE, 302)]
    html = response.content.decode()
    assert "Die Neuberechnung ist angefordert." in html
    run = AnalysisRun.objects.get(district=district)
    assert run.status == RunStatus.QUEUED
    assert run.reason == "Neue Angebote"
    assert run.requested_by is not None and run.requested_by.username == "planerin"
    # A second request keeps the waiting run.
    planner.post(BASE + "neu-berechnen/", {})
    assert AnalysisRun.objects.filter(district=district).count() == 1
    # The page polls the progress while the run waits.
    assert 'hx-get="/planung/hildburghausen/bedarf/lauf/"' in html
    assert 'hx-trigger="every 2s"' in html
    assert 'role="status"' in html


def test_a_reason_without_text_is_filled_in(client_as: Callable[[str], Client], district: District) -> None:
    client_as("planner").post(BASE + "neu-berechnen/", {"reason": "   "})
    assert AnalysisRun.objects.get(district=district).reason == "von Hand angefordert"


# Progress fragment -----------------------------------------------------------------------------------


def test_the_progress_fragment_polls_while_a_run_is_running(
    client_as: Callable[[str], Client], district: District
) -> None:
    AnalysisRun.objects.create(
        district=district,
        status=RunStatus.RUNNING,
        progress=40,
        progress_text="Erreichbarkeit und Versorgung je Gebiet",
        reason="Angebote geändert",
    )
    response = client_as("committee").get(BASE + "lauf/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a fragment
    assert 'hx-trigger="every 2s"' in html
    assert 'hx-swap="outerHTML"' in html
    assert '<progress class="needs-progress__bar" id="needs-progress-bar" max="100" value="40">' in html
    assert "Fortschritt: 40 % – Erreichbarkeit und Versorgung je Gebiet" in html
    assert "Angefordert von automatisch; Anlass: Angebote geändert." in html
    assert f'href="{BASE}"' in html  # the link without JavaScript


def test_the_progress_fragment_stops_polling_when_the_run_is_done(
    client_as: Callable[[str], Client], district: District
) -> None:
    real_run(district)
    html = client_as("planner").get(BASE + "lauf/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html
    assert "Die Berechnung ist fertig" in html
    assert "Ergebnisse anzeigen" in html


def test_a_failed_run_is_reported(client_as: Callable[[str], Client], district: District) -> None:
    real_run(district)
    AnalysisRun.objects.create(district=district, status=RunStatus.FAILED, error="Es gibt keine Nachfragepunkte.")
    html = client_as("planner").get(BASE).content.decode()
    assert "Die letzte Berechnung ist fehlgeschlagen: Es gibt keine Nachfragepunkte." in html
    assert METHOD in html  # the last good run is still shown


# Handlungsfeld page ----------------------------------------------------------------------------------


def test_the_field_page_ranks_gemeinden_worst_first_with_planungsraum_and_kreis_rows(
    client_as: Callable[[str], Client], district: District
) -> None:
    real_run(district)
    response = client_as("planner").get(BASE + "hf/6/", {"zielgruppe": "senioren", "verkehrsmittel": "car"})
    assert response.status_code == 200
    html = response.content.decode()
    assert METHOD in text_of(html)
    rows = response.context["rows"]
    assert len(rows) == 32
    shares = [float(r.share_sort) for r in rows if r.share_sort]
    assert shares == sorted(shares)
    assert [r.level for r in response.context["reference_rows"]][-1] == "kreis"
    assert "Landkreis Hildburghausen (Landkreis)" in text_of(html)
    assert html.count('class="kern-table__row needs-reach-row"') == 32
    assert "Anteil in 15 Minuten" in html and "Anteil in 30 Minuten" in html
    assert 'data-url="/planung/hildburghausen/bedarf/hf/6/karte.geojson?' in html
    assert "zielgruppe=senioren" in response.context["map_url"]
    assert "erreichbarkeit.csv?" in html and "erreichbarkeit.geojson?" in html
    assert "<script>" not in html  # CSP: no inline script
    # The Handlungsfeld's gaps, ranked by severity, with a link to the whole register.
    gaps = response.context["field_gaps"]
    assert gaps and all(line.gap.action_field.code == 6 for line in gaps)
    assert [g.gap.severity for g in gaps] == sorted((g.gap.severity for g in gaps), reverse=True)
    assert f'href="{BASE}luecken/?hf=6"' in html


def test_a_gemeinde_with_a_gap_links_to_it(client_as: Callable[[str], Client], district: District) -> None:
    real_run(district)
    gap = Gap.objects.filter(action_field__code=6, target_group__code="senioren", mode="car").first()
    assert gap is not None
    response = client_as("planner").get(BASE + "hf/6/", {"zielgruppe": "senioren"})
    row = next(r for r in response.context["rows"] if r.key == gap.area_key)
    assert row.gap_url is not None and row.gap_url.startswith(BASE + "luecken/")


def test_the_first_zielgruppe_and_the_car_are_the_defaults(
    client_as: Callable[[str], Client], district: District
) -> None:
    real_run(district)
    response = client_as("planner").get(BASE + "hf/4/")
    result = response.context["result"]
    assert result.target_group.code == "familien"
    assert result.mode == "car"
    assert result.offer_type is None
    text = text_of(response.content.decode())
    assert "Familien mit Kindern, mit dem Auto" in text
    assert "Ersatzgröße Kinder und Jugendliche unter 18 als Maß für Familien" in text


def test_walking_and_an_offer_type_change_the_numbers(client_as: Callable[[str], Client], district: District) -> None:
    real_run(district)
    planner = client_as("planner")
    car = planner.get(BASE + "hf/4/", {"zielgruppe": "senioren", "verkehrsmittel": "car"}).context
    walk = planner.get(BASE + "hf/4/", {"zielgruppe": "senioren", "verkehrsmittel": "walk"}).context
    assert walk["kreis_shares"][0][1] != car["kreis_shares"][0][1]
    assert "zu Fuß" in walk["mode_label"]
    kinds = dict(car["form"].fields["art"].choices)
    assert kinds["lebensmittelhilfe"] == "Tafel / Lebensmittelhilfe"
    typed = planner.get(BASE + "hf/4/", {"zielgruppe": "senioren", "art": "lebensmittelhilfe"})
    assert typed.status_code == 200
    result = typed.context["result"]
    assert result.offer_type == "lebensmittelhilfe"
    assert {s.offer_type for s in result.supply} == {"lebensmittelhilfe"}
    assert len(result.supply) < len(car["result"].supply)
    assert "Angebotsart „Tafel / Lebensmittelhilfe“" in text_of(typed.content.decode())
    # A type of the Handlungsfeld without offers for this Zielgruppe: a notice, no shares of 0 % as findings.
    none = planner.get(BASE + "hf/4/", {"zielgruppe": "senioren", "art": "beratungsstelle"})
    assert none.status_code == 200
    assert none.context["result"].supply == []
    text = text_of(none.content.decode())
    assert (
        "Für diese Zielgruppe gibt es im Handlungsfeld 4 kein Angebot der Art „Beratungsstelle“ mit Standort; "
        "Entfernungen, Anteile und Versorgungsquoten lassen sich für diese Auswahl nicht berechnen."
    ) in text
    assert "erreichen in 15 Minuten ein Angebot" not in text
    assert 'id="needs-reach-table"' not in none.content.decode()
    assert none.context["all_types_url"] == BASE + "hf/4/?zielgruppe=senioren&verkehrsmittel=car"


def test_a_zielgruppe_whose_offers_have_no_position_gets_a_notice_instead_of_zero_shares(
    client_as: Callable[[str], Client], district: District
) -> None:
    # Landkreis Hildburghausen: the only offer of HF 5 for "Alle Generationen" is district-wide (no site).
    real_run(district, with_gaps=False)
    load_real_inputs(district)
    planner = client_as("planner")
    response = planner.get(BASE + "hf/5/", {"zielgruppe": "alle-generationen"})
    assert response.status_code == 200
    assert response.context["result"].supply == []
    html = response.content.decode()
    text = text_of(html)
    assert METHOD in text
    assert (
        "Für diese Zielgruppe gibt es im Handlungsfeld 5 kein Angebot mit Standort; Entfernungen und Lücken lassen "
        "sich nicht berechnen."
    ) in text
    assert [o.name for o in response.context["unplaced"]] == ["Netzwerk der Gemeinde- und Dorfkümmerer"]
    assert "Kreisweite Angebote und Angebote ohne Standortangabe" in text
    assert "Netzwerk der Gemeinde- und Dorfkümmerer" in text
    assert 'href="/planung/hildburghausen/angebote/' in html
    # No map, no table, no shares: "0,0 %" would look like a finding.
    assert 'id="needs-map"' not in html and "needs-map.js" not in html
    assert 'id="needs-reach-table"' not in html
    assert "erreichen in 15 Minuten ein Angebot" not in text
    assert "0,0 %" not in text
    assert "Personen der Zielgruppe im Kreis 61.411" in text
    # The export of the same selection leaves the shares empty and says why.
    rows = read_csv(planner.get(BASE + "hf/5/erreichbarkeit.csv", {"zielgruppe": "alle-generationen"}).content)
    assert len(rows) == 33
    assert {r["Anteil in 15 Minuten (%)"] for r in rows} == {""}
    assert {r["2SFCA-Versorgungsquote je 1.000"] for r in rows} == {""}
    assert all(r["Hinweis"].startswith("Kein Angebot dieser Auswahl hat einen Standort mit Lage") for r in rows)
    assert all(r["Methode"].startswith("Luftlinie × 1,3") for r in rows)
    geo = json.loads(planner.get(BASE + "hf/5/erreichbarkeit.geojson", {"zielgruppe": "alle-generationen"}).content)
    assert all(f["properties"]["Anteil in 30 Minuten (%)"] is None for f in geo["features"])
    assert all(f["properties"]["Hinweis"] and f["properties"]["Methode"] for f in geo["features"])


def test_offers_without_position_are_named_next_to_the_numbers(
    client_as: Callable[[str], Client], district: District
) -> None:
    real_run(district, with_gaps=False)
    load_real_inputs(district)
    response = client_as("planner").get(BASE + "hf/6/", {"zielgruppe": "senioren"})
    assert response.context["no_supply"] is None
    assert response.context["result"].supply
    names = [o.name for o in response.context["unplaced"]]
    assert "Rikscha des Kreisseniorenbeirats" in names  # district-wide, in the run's notes
    text = text_of(response.content.decode())
    assert "Nicht in den Entfernungen enthalten, weil ohne Standort mit Lage" in text
    assert 'id="needs-reach-table"' in response.content.decode()


def test_a_field_without_analysable_zielgruppen_says_so(client_as: Callable[[str], Client], district: District) -> None:
    run = real_run(district)
    run.parameters["categories"] = [c for c in run.parameters["categories"] if c[0] != 2]
    run.save(update_fields=["parameters"])
    response = client_as("planner").get(BASE + "hf/2/")
    assert response.status_code == 200
    assert "Für dieses Handlungsfeld gibt es keine auswertbare Zielgruppe." in response.content.decode()
    assert client_as("planner").get(BASE + "hf/2/karte.geojson").status_code == 404


def test_without_a_run_the_field_page_points_to_the_start_page(
    client_as: Callable[[str], Client], district: District
) -> None:
    response = client_as("planner").get(BASE + "hf/3/")
    assert response.status_code == 200
    assert "Es gibt noch keine Berechnung." in response.content.decode()
    assert client_as("planner").get(BASE + "hf/3/karte.geojson").status_code == 404
    assert client_as("planner").get(BASE + "hf/3/erreichbarkeit.csv").status_code == 404


@pytest.mark.parametrize("code", [0, 7, 99, 123456789012])
def test_an_unknown_field_is_404(client_as: Callable[[str], Client], district: District, code: int) -> None:
    real_run(district, with_gaps=False)
    assert client_as("planner").get(f"{BASE}hf/{code}/").status_code == 404
    assert client_as("planner").get(f"{BASE}hf/{code}/karte.geojson").status_code == 404


HOSTILE: list[dict[str, Any]] = [
    {"zielgruppe": "<script>alert(1)</script>"},
    {"zielgruppe": "alleinerziehende"},  # a Zielgruppe without an age basis: not analysed
    {"zielgruppe": "senioren'; DROP TABLE needs_gap;--"},
    {"zielgruppe": "x" * 5000},
    {"verkehrsmittel": "bike"},
    {"verkehrsmittel": "<img src=x onerror=alert(1)>"},
    {"art": "gibt-es-nicht"},
    {"art": "\x00"},
]


@pytest.mark.parametrize("query", HOSTILE)
def test_bad_selections_give_a_german_message_not_a_500(
    client_as: Callable[[str], Client], district: District, query: dict[str, Any]
) -> None:
    real_run(district, with_gaps=False)
    client = client_as("planner")
    response = client.get(BASE + "hf/4/", query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte prüfen Sie Ihre Auswahl." in html
    assert "bitte aus der Liste wählen" in html
    assert "<script>alert" not in html and "<img src=x" not in html
    for suffix in ("karte.geojson", "erreichbarkeit.csv", "erreichbarkeit.geojson"):
        assert client.get(BASE + "hf/4/" + suffix, query).status_code == 404


# Map data --------------------------------------------------------------------------------------------


def test_the_map_has_gemeinden_demand_points_and_offers(client_as: Callable[[str], Client], district: District) -> None:
    real_run(district)
    response = client_as("planner").get(BASE + "hf/6/karte.geojson", {"zielgruppe": "senioren"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    layers: dict[str, list[dict[str, Any]]] = {}
    for feature in data["features"]:
        layers.setdefault(feature["properties"]["layer"], []).append(feature)
    assert len(layers["area"]) == 32
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in layers["area"])
    assert len(layers["demand"]) == 32  # one centre per Gemeinde: no Zensus grid loaded here
    assert layers["offer"] and all(f["geometry"]["type"] == "Point" for f in layers["offer"])
    assert all(f["properties"]["url"].startswith("/planung/hildburghausen/angebote/") for f in layers["offer"])
    gap_keys = set(
        Gap.objects.filter(action_field__code=6, target_group__code="senioren", mode="car").values_list(
            "area_key", flat=True
        )
    )
    assert {f["properties"]["key"] for f in layers["area"] if f["properties"]["gap"]} == gap_keys
    hildburghausen = next(f for f in layers["area"] if f["properties"]["key"] == "16069024")
    assert hildburghausen["properties"]["tooltip"].startswith("Hildburghausen, Stadt: ")
    # A place's tooltip says how many offers it reaches within each threshold (German plural forms).
    assert all(
        re.search(r"\d+ Angebote? in 15 Minuten; \d+ Angebote? in 30 Minuten$", f["properties"]["tooltip"])
        for f in layers["demand"]
        if "kein Angebot" not in f["properties"]["tooltip"]
    )
    assert data["method"].startswith("Luftlinie × 1,3")
    assert any("GeoBasis-DE" in a for a in data["attribution"])


# Parameters and evidence as text ---------------------------------------------------------------------


def test_parameters_and_evidence_give_unknown_keys_a_readable_label() -> None:
    from sozialplan.needs.views._evidence import evidence_rows
    from sozialplan.needs.views._method import parameter_rows

    parameters = {
        "detour_factor": 1.3,
        "areas": {"x": 1},
        "neu": [1, 2],
        "gap": {"minutes": 15.0, "new_rule": None},
        "max_wait_s": 600,
    }
    rows = {r.key: r for r in parameter_rows(parameters)}
    assert rows["detour_factor"].value == "1,3"
    assert rows["gap.minutes"].value == "15 Minuten"
    assert rows["neu"].label == "weitere Einstellung: neu" and rows["neu"].value == "1, 2"
    assert rows["gap.new_rule"].label == "Lückenregel: weitere Einstellung: new rule"
    assert rows["gap.new_rule"].value == "–"  # not "None"
    assert rows["max_wait_s"].label == "weitere Einstellung: max wait"
    assert rows["max_wait_s"].value == "600 Sekunden"
    assert "areas" not in rows
    evidence = {
        r.key: r
        for r in evidence_rows(
            {"nearest_km": 12.345, "shares": {"15": 0.25}, "was_neues": "x", "run": 3, "rules": {"extra_regel": 2}}
        )
    }
    assert evidence["nearest_km"].value == "12,3 km"
    assert evidence["shares.15"].label == "Anteil der Zielgruppe mit einem Angebot in 15 Minuten"
    assert evidence["shares.15"].value == "25,0 %"
    assert evidence["was_neues"].label == "weitere Angabe: was neues"
    assert evidence["rules.extra_regel"].label == "Lückenregel: weitere Angabe: extra regel"
    assert "run" not in evidence


def test_every_parameter_of_a_computed_run_has_a_german_label(
    client_as: Callable[[str], Client], district: District
) -> None:
    from sozialplan.needs.views._method import parameter_rows

    run = real_run(district, with_gaps=False)
    rows = parameter_rows(run.parameters)
    assert {r.key for r in rows} >= {"gap.min_severity", "gap_counts.current", "thresholds_min", "car_access_kmh"}
    for row in rows:
        assert row.label != row.key
        assert "_" not in row.label and row.key not in row.label
        assert row.value and "None" not in row.value
    labelled = {r.key: r for r in rows}
    assert labelled["gap.min_severity"].label == "Lückenregel: kleinster Schweregrad einer Lücke"
    text = text_of(client_as("committee").get(BASE).content.decode())
    assert "Lückenregel: kleinster Schweregrad einer Lücke 25" in text
    assert "gap.min_severity" not in text and "min_severity" not in text
