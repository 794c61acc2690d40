"""The gap register and a gap's page: filters, ranking, evidence, severity formula, decisions, comments, audit."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from sozialplan.audit.models import AuditEntry
from sozialplan.indicators.numbers import format_number
from sozialplan.needs.models import Gap, GapComment, GapStatus
from sozialplan.needs.tests.views_data import real_run
from sozialplan.needs.views._common import percent
from sozialplan.regions.models import District

BASE = "/planung/hildburghausen/bedarf/"
REGISTER = BASE + "luecken/"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def top_gap(**filters: Any) -> Gap:
    gap = Gap.objects.filter(**filters).order_by("-severity", "pk").first()
    assert gap is not None
    return gap


# Register -------------------------------------------------------------------------------------------


def test_the_register_ranks_open_and_confirmed_gaps_by_severity(
    client_as: Callable[[str], Client], district: District
) -> None:
    real_run(district)
    dismissed = top_gap()
    Gap.objects.filter(pk=dismissed.pk).update(status=GapStatus.DISMISSED, reason="Es gibt ein Angebot.")
    response = client_as("committee").get(REGISTER)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == Gap.objects.count() - 1
    lines = response.context["gaps"]
    assert len(lines) == 50  # first page
    assert [line.gap.severity for line in lines] == sorted((line.gap.severity for line in lines), reverse=True)
    assert dismissed.pk not in {line.gap.pk for line in lines}
    html = response.content.decode()
    assert "Luftlinie × 1,3 (kein Straßennetz geladen" in text_of(html)
    assert lines[0].gap.sentence in html
    assert f'href="{REGISTER}{lines[0].gap.pk}/"' in html
    assert "offen" in html
    assert 'href="/planung/hildburghausen/bedarf/luecken.csv"' in html


def test_the_second_page_continues_the_ranks(client_as: Callable[[str], Client], district: District) -> None:
    real_run(district)
    response = client_as("planner").get(REGISTER, {"seite": "2"})
    assert response.context["offset"] == 50
    assert '<td class="kern-table__cell kern-table__cell--numeric">51</td>' in response.content.decode()


def test_the_register_filters_by_status_field_and_zielgruppe(
    client_as: Callable[[str], Client], district: District
) -> None:
    real_run(district)
    confirmed = top_gap(action_field__code=6, target_group__code="hochbetagte")
    Gap.objects.filter(pk=confirmed.pk).update(status=GapStatus.CONFIRMED)
    planner = client_as("planner")
    only = planner.get(REGISTER, {"status": "confirmed"}).context["page"]
    assert [g.pk for g in only.object_list] == [confirmed.pk]
    field = planner.get(REGISTER, {"hf": "6", "zielgruppe": "hochbetagte"})
    expected = Gap.objects.filter(action_field__code=6, target_group__code="hochbetagte").count()
    assert field.context["page"].paginator.count == expected
    assert {g.target_group.code for g in field.context["page"].object_list} == {"hochbetagte"}
    assert "hf=6" in field.context["downloads"][0][1]


def test_gaps_no_longer_computed_are_shown_only_on_request(
    client_as: Callable[[str], Client], district: District
) -> None:
    real_run(district)
    old = top_gap()
    Gap.objects.filter(pk=old.pk).update(is_current=False)
    planner = client_as("planner")
    assert old.pk not in {g.pk for g in planner.get(REGISTER).context["page"].object_list}
    response = planner.get(REGISTER, {"alle": "on", "status": "alle"})
    pks = [g.pk for g in response.context["page"].paginator.object_list]
    assert old.pk in pks
    assert pks.index(old.pk) > pks.index(top_gap(is_current=True).pk)  # current gaps first
    assert response.context["page"].paginator.count == Gap.objects.count()


def test_the_register_can_rank_by_the_share_of_the_zielgruppe_affected(
    client_as: Callable[[str], Client], district: District
) -> None:
    real_run(district)
    planner = client_as("planner")
    by_severity = list(planner.get(REGISTER).context["page"].paginator.object_list)
    assert [g.pk for g in planner.get(REGISTER, {"sortierung": "schwere"}).context["page"].paginator.object_list] == [
        g.pk for g in by_severity
    ]
    response = planner.get(REGISTER, {"sortierung": "anteil"})
    assert response.status_code == 200
    ranked = list(response.context["page"].paginator.object_list)
    assert {g.pk for g in ranked} == {g.pk for g in by_severity}

    def weight(gap: Gap) -> float:
        return gap.people_affected / float(gap.evidence["population"]) * gap.shortfall * gap.pressure

    weights = [weight(g) for g in ranked]
    assert weights == sorted(weights, reverse=True)
    assert weights[0] == pytest.approx(max(weight(g) for g in by_severity))
    # Small groups rise: the first gap of the Hochbetagte comes earlier than by severity.
    first_old = next(i for i, g in enumerate(by_severity) if g.target_group.code == "hochbetagte")
    first_new = next(i for i, g in enumerate(ranked) if g.target_group.code == "hochbetagte")
    assert first_new < first_old
    html = response.content.decode()
    text = text_of(html)
    assert "betroffener Anteil der Zielgruppe" in text and "Anteil × Unterversorgung × Druck" in text
    line = response.context["gaps"][0]
    assert line.share == percent(line.gap.people_affected / line.gap.evidence["population"])
    assert line.share_weight == format_number(weights[0], 3)
    assert 'value="anteil" selected' in html
    # The exports follow the same order and carry the share.
    assert "sortierung=anteil" in response.context["downloads"][0][1]
    rows = list(
        csv.DictReader(
            io.StringIO(planner.get(BASE + "luecken.csv", {"sortierung": "anteil"}).content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert [int(r["Nr."]) for r in rows] == [g.pk for g in ranked]
    share = 100 * ranked[0].people_affected / ranked[0].evidence["population"]
    assert rows[0]["betroffener Anteil der Zielgruppe (%)"] == f"{share:.2f}".replace(".", ",")


def test_a_gap_without_a_population_in_its_evidence_comes_last_by_share(
    client_as: Callable[[str], Client], district: District
) -> None:
    real_run(district)
    gap = top_gap()
    Gap.objects.filter(pk=gap.pk).update(evidence={"population": 0})
    response = client_as("planner").get(REGISTER, {"sortierung": "anteil", "status": "alle"})
    pks = [g.pk for g in response.context["page"].paginator.object_list]
    assert pks[-1] == gap.pk


HOSTILE: list[dict[str, str]] = [
    {"status": "<script>alert(1)</script>"},
    {"sortierung": "<script>alert(1)</script>"},
    {"sortierung": "severity"},
    {"sortierung": "anteil'; DROP TABLE needs_gap;--"},
    {"sortierung": "y" * 3000},
    {"hf": "7"},
    {"hf": "eins"},
    {"zielgruppe": "alleinerziehende"},
    {"zielgruppe": "x" * 3000},
    {"status": "offen'; DROP TABLE needs_gap;--"},
]


@pytest.mark.parametrize("query", HOSTILE)
def test_bad_filters_give_a_german_message_and_exports_404(
    client_as: Callable[[str], Client], district: District, query: dict[str, str]
) -> None:
    real_run(district, with_gaps=False)
    planner = client_as("planner")
    response = planner.get(REGISTER, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte prüfen Sie Ihre Auswahl." in html
    assert "bitte aus der Liste wählen" in html
    assert "<script>alert" not in html
    assert planner.get(BASE + "luecken.csv", query).status_code == 404
    assert planner.get(BASE + "luecken.geojson", query).status_code == 404


def test_an_empty_register_says_so(client_as: Callable[[str], Client], district: District) -> None:
    html = client_as("planner").get(REGISTER).content.decode()
    assert "Keine Lücken für diese Auswahl." in html


# Detail ---------------------------------------------------------------------------------------------


def test_the_gap_page_spells_out_sentence_evidence_severity_and_method(
    client_as: Callable[[str], Client], district: District
) -> None:
    real_run(district)
    gap = top_gap(kind="reach", action_field__code=6, target_group__code="senioren")
    response = client_as("committee").get(f"{REGISTER}{gap.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(html)
    assert gap.sentence in html
    formula = (
        f"{format_number(gap.people_affected, 1)} × {format_number(gap.shortfall, 3)} × "
        f"{format_number(gap.pressure, 3)} = {format_number(gap.severity, 1)}"
    )
    assert formula in text
    assert "Schweregrad = betroffene Personen × Unterversorgung (0 bis 1) × demografischer Druck (1 oder mehr)" in text
    assert "Luftlinie × 1,3 (kein Straßennetz geladen" in text
    labels = {row.key: row for row in response.context["evidence"]}
    assert labels["population"].label == "Personen der Zielgruppe in der Gemeinde"
    assert labels["threshold_min"].value == "15 min"
    assert labels["nearest_km"].value.endswith(" km")
    assert labels["shares.15"].value.endswith(" %")
    assert labels["rules.min_share"].value == "80,0 %"
    assert "pressure.value" in labels
    assert "run" not in labels and "method_note" not in labels
    # Every number has a German label, never its JSON key.
    unlabelled = [row.key for row in labels.values() if row.label == row.key or "_" in row.label]
    assert unlabelled == []
    assert 'data-url="/planung/hildburghausen/bedarf/luecken/' in html
    # Committee members read, planners decide.
    assert "Entscheidung speichern" not in html
    assert "Kommentar speichern" not in html


def test_the_gap_map_shows_its_gemeinde_demand_and_the_nearest_offers(
    client_as: Callable[[str], Client], district: District
) -> None:
    import json

    real_run(district)
    gap = top_gap(kind="reach", action_field__code=6, target_group__code="senioren")
    data = json.loads(client_as("planner").get(f"{REGISTER}{gap.pk}/karte.geojson").content)
    layers = [f["properties"]["layer"] for f in data["features"]]
    assert layers[0] == "area"
    assert data["features"][0]["properties"]["key"] == gap.area_key
    assert layers.count("demand") == 1  # the Gemeinde's centre
    assert 1 <= layers.count("offer") <= 5
    assert data["method"] == gap.method_note


def test_dismissing_needs_a_reason(client_as: Callable[[str], Client], district: District) -> None:
    real_run(district)
    gap = top_gap()
    response = client_as("planner").post(f"{REGISTER}{gap.pk}/entscheidung/", {"status": "dismissed", "reason": " "})
    assert response.status_code == 400
    assert "Bitte begründen Sie, warum Sie die Lücke verwerfen." in response.content.decode()
    gap.refresh_from_db()
    assert gap.status == GapStatus.OPEN
    assert not AuditEntry.objects.filter(object_type="gap").exists()


@pytest.mark.parametrize("data", [{}, {"status": "deleted"}, {"status": "<b>x</b>"}])
def test_an_unknown_decision_is_a_form_error(
    client_as: Callable[[str], Client], district: District, data: dict[str, str]
) -> None:
    real_run(district)
    gap = top_gap()
    response = client_as("planner").post(f"{REGISTER}{gap.pk}/entscheidung/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte prüfen Sie Ihre Eingaben." in html
    assert "<b>x</b>" not in html


def test_confirm_dismiss_and_reopen_are_recorded_in_the_history(
    client_as: Callable[[str], Client], district: District
) -> None:
    real_run(district)
    gap = top_gap()
    planner = client_as("planner")
    url = f"{REGISTER}{gap.pk}/"
    response = planner.post(url + "entscheidung/", {"status": "confirmed"}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "Die Lücke ist jetzt „bestätigt“." in response.content.decode()
    gap.refresh_from_db()
    assert gap.status == GapStatus.CONFIRMED
    assert gap.decided_by is not None and gap.decided_by.username == "planerin"
    planner.post(url + "entscheidung/", {"status": "dismissed", "reason": "Der Bürgerbus fährt zweimal täglich."})
    gap.refresh_from_db()
    assert (gap.status, gap.reason) == (GapStatus.DISMISSED, "Der Bürgerbus fährt zweimal täglich.")
    planner.post(url + "entscheidung/", {"status": "open"})
    gap.refresh_from_db()
    assert gap.status == GapStatus.OPEN
    entries = AuditEntry.objects.filter(object_type="gap", object_id=str(gap.pk))
    assert entries.count() == 3
    page = planner.get(url)
    history = text_of(page.content.decode())
    assert "Der Bürgerbus fährt zweimal täglich." in history
    assert "Verlauf der Entscheidungen" in history
    assert "planerin" in history
    assert len(page.context["history"]) == 3


def test_planners_comment_on_a_gap(client_as: Callable[[str], Client], district: District) -> None:
    real_run(district)
    gap = top_gap()
    planner = client_as("planner")
    url = f"{REGISTER}{gap.pk}/"
    empty = planner.post(url + "kommentar/", {"text": "   "})
    assert empty.status_code == 400
    assert "Bitte schreiben Sie einen Kommentar." in empty.content.decode()
    hostile = "<script>alert('x')</script> Mit dem Seniorenbeirat besprechen."
    response = planner.post(url + "kommentar/", {"text": hostile}, follow=True)
    assert response.redirect_chain == [(url + "#kommentare", 302)]
    assert GapComment.objects.get(gap=gap).text == hostile
    html = response.content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Mit dem Seniorenbeirat besprechen." in html
    assert "<script>alert" not in html


def test_a_gap_no_longer_computed_still_has_its_page(client_as: Callable[[str], Client], district: District) -> None:
    real_run(district)
    gap = top_gap()
    Gap.objects.filter(pk=gap.pk).update(is_current=False)
    html = client_as("planner").get(f"{REGISTER}{gap.pk}/").content.decode()
    assert "Die neueste Berechnung findet diese Lücke nicht mehr" in html


def test_an_unknown_gap_is_404(client_as: Callable[[str], Client], district: District) -> None:
    planner = client_as("planner")
    assert planner.get(f"{REGISTER}999999/").status_code == 404
    assert planner.post(f"{REGISTER}999999/entscheidung/", {"status": "confirmed"}).status_code == 404


def test_the_gap_page_lists_the_other_gaps_of_its_gemeinde(
    client_as: Callable[[str], Client], district: District
) -> None:
    real_run(district)
    gap = top_gap(kind="reach", action_field__code=6, target_group__code="senioren")
    others = Gap.objects.filter(district=district, area_key=gap.area_key, is_current=True).exclude(pk=gap.pk)
    response = client_as("planner").get(f"{REGISTER}{gap.pk}/")
    html = response.content.decode()
    assert f"Weitere Lücken in {gap.area_name}" in html
    profile = f'href="/planung/hildburghausen/zahlen/gebiet/{gap.area_key}/"'
    assert profile in html
    assert client_as("planner").get(f"/planung/hildburghausen/zahlen/gebiet/{gap.area_key}/").status_code == 200
    assert others.exists()
    for other in others:
        assert f'href="{REGISTER}{other.pk}/"' in html
    assert f'href="{REGISTER}{gap.pk}/"' not in html.split("Weitere Lücken")[1].split("</section>")[0]
