"""CSV and GeoJSON exports of the Bedarfsanalyse: German Excel CSV, the method in every row and feature."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest
from django.test import Client

from sozialplan.needs.models import Gap
from sozialplan.needs.tests.views_data import real_run
from sozialplan.regions.models import District

BASE = "/planung/hildburghausen/bedarf/"
METHOD = "Luftlinie × 1,3 (kein Straßennetz geladen; zu Fuß 4,5 km/h, Auto 50 km/h)"


def read_csv(content: bytes) -> list[dict[str, str]]:
    assert content.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8
    text = content.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_the_reachability_csv_has_every_area_with_decimal_commas_and_the_method(
    client_as: Callable[[str], Client], district: District
) -> None:
    real_run(district, with_gaps=False)
    response = client_as("committee").get(
        BASE + "hf/6/erreichbarkeit.csv", {"zielgruppe": "senioren", "verkehrsmittel": "walk"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="erreichbarkeit-hf6-senioren-walk.csv"'
    rows = read_csv(response.content)
    levels = [r["Ebene"] for r in rows]
    assert levels.count("Gemeinde") == 32
    assert levels[-1] == "Landkreis"
    assert all(r["Methode"] == METHOD for r in rows)
    assert all(r["Bevölkerungsgrundlage"].startswith("Nachfragepunkte:") for r in rows)
    assert {r["Verkehrsmittel"] for r in rows} == {"zu Fuß"}
    assert {r["Zielgruppe"] for r in rows} == {"Senior:innen"}
    kreis = rows[-1]
    assert kreis["Gebiet"] == "Landkreis Hildburghausen"
    assert "," in kreis["Personen der Zielgruppe"] and "." not in kreis["Personen der Zielgruppe"]
    share = float(kreis["Anteil in 30 Minuten (%)"].replace(",", "."))
    assert 0 <= share <= 100
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Ebene;Schlüssel;Gebiet;")


def test_the_reachability_geojson_has_boundaries_and_the_method_in_every_feature(
    client_as: Callable[[str], Client], district: District
) -> None:
    real_run(district, with_gaps=False)
    response = client_as("planner").get(BASE + "hf/6/erreichbarkeit.geojson", {"zielgruppe": "hochbetagte"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    features = data["features"]
    assert all(f["properties"]["Methode"] == METHOD for f in features)
    gemeinden = [f for f in features if f["properties"]["Ebene"] == "Gemeinde"]
    assert len(gemeinden) == 32
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in gemeinden)
    kreis = next(f for f in features if f["properties"]["Ebene"] == "Landkreis")
    assert kreis["properties"]["Schlüssel"] == "16069"
    assert kreis["geometry"] is not None
    assert 0 <= kreis["properties"]["Anteil in 15 Minuten (%)"] <= 100
    # Every populated demand point (here the Gemeinde centres of the test data) with its own numbers.
    points = [f for f in features if f["properties"]["Ebene"] == "Nachfragepunkt"]
    assert len(points) == 32
    assert sum(p["properties"]["Personen der Zielgruppe"] for p in points) == pytest.approx(
        kreis["properties"]["Personen der Zielgruppe"]
    )
    first = points[0]["properties"]
    assert first["Zeit zum nächsten Angebot (Minuten)"] > 0 and first["Entfernung zum nächsten Angebot (km)"] > 0
    assert isinstance(first["Angebote in 15 Minuten"], int) and isinstance(first["Angebote in 30 Minuten"], int)


def test_the_gap_csv_follows_the_register_with_method_and_severity_factors(
    client_as: Callable[[str], Client], district: District
) -> None:
    real_run(district)
    response = client_as("planner").get(BASE + "luecken.csv", {"hf": "5"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="luecken.csv"'
    rows = read_csv(response.content)
    assert len(rows) == Gap.objects.filter(action_field__code=5).count()
    assert [r["Rang"] for r in rows[:3]] == ["1", "2", "3"]
    first = Gap.objects.filter(action_field__code=5).order_by("-severity", "area_name", "pk").first()
    assert first is not None
    assert rows[0]["Begründung"] == first.sentence
    assert rows[0]["Schweregrad"] == f"{first.severity:.2f}".replace(".", ",")
    assert rows[0]["Unterversorgung (0–1)"] == f"{first.shortfall:.4f}".replace(".", ",")
    assert all(r["Methode"].startswith("Luftlinie × 1,3") for r in rows)
    assert all(r["Status"] == "offen" and r["aktuell berechnet"] == "ja" for r in rows)


def test_the_gap_csv_is_safe_from_formulas(client_as: Callable[[str], Client], district: District) -> None:
    real_run(district)
    gap = Gap.objects.order_by("-severity").first()
    assert gap is not None
    Gap.objects.filter(pk=gap.pk).update(status="dismissed", reason='=HYPERLINK("http://example.org","x")')
    rows = read_csv(client_as("planner").get(BASE + "luecken.csv", {"status": "dismissed"}).content)
    assert rows[0]["Begründung der Entscheidung"] == '\'=HYPERLINK("http://example.org","x")'


def test_the_gap_geojson_has_the_gemeinde_polygon_sentence_severity_and_method(
    client_as: Callable[[str], Client], district: District
) -> None:
    real_run(district)
    response = client_as("committee").get(BASE + "luecken.geojson", {"hf": "6", "zielgruppe": "senioren"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="luecken.geojson"'
    data = json.loads(response.content)
    gaps = Gap.objects.filter(action_field__code=6, target_group__code="senioren")
    assert len(data["features"]) == gaps.count() > 0
    feature = data["features"][0]
    properties = feature["properties"]
    gap = gaps.get(pk=feature["id"])
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert properties["Begründung"] == gap.sentence
    assert properties["Schweregrad"] == gap.severity
    product = properties["betroffene Personen"] * properties["Unterversorgung"] * properties["demografischer Druck"]
    assert properties["Schweregrad"] == pytest.approx(product)
    assert properties["Status"] == "open"
    assert properties["Methode"].startswith("Luftlinie × 1,3")
    assert properties["Belege"]["threshold_min"] == 15


def test_a_gap_without_a_boundary_falls_back_to_the_centre(
    client_as: Callable[[str], Client], district: District
) -> None:
    real_run(district)
    gap = Gap.objects.order_by("-severity").first()
    assert gap is not None
    district.gemeinden().filter(key=gap.area_key).update(boundary=None)
    data = json.loads(client_as("planner").get(BASE + "luecken.geojson").content)
    feature = next(f for f in data["features"] if f["id"] == gap.pk)
    assert feature["geometry"]["type"] == "Point"


def test_planungsraeume_are_drawn_as_the_union_of_their_gemeinden(district: District) -> None:
    from shapely.geometry import shape

    from sozialplan.needs.exports import AreaShapes
    from sozialplan.regions.models import PlanningArea

    room = PlanningArea.objects.create(district=district, name="Heldburger Unterland")
    members = list(district.gemeinden().filter(key__in=["16069063", "16069052"]))  # Heldburg, Ummerstadt
    room.gemeinden.set(members)
    shapes = AreaShapes.of(district)
    union = shapes.get("planungsraum", f"pr{room.pk}", room.pk)
    assert union is not None
    area = sum(shape(g.boundary).area for g in members)
    assert shape(union).area == pytest.approx(area, rel=1e-6)
    assert shapes.get("planungsraum", f"pr{room.pk}", None) is None
    assert shapes.get("kreis", "16069") is not None
    assert shapes.get("kreis", "16070") is None  # not this district's Kreis
    assert shapes.get("gemeinde", "16070004") is None  # a Gemeinde of the Ilm-Kreis
