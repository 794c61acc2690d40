"""The indicator atlas: form, table, legend, chart and the map's GeoJSON (real statistics)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from sozialplan.indicators.models import Dataset
from sozialplan.indicators.tests.test_compute import load_gv100ad_population
from sozialplan.indicators.tests.view_data import estimate_ages
from sozialplan.regions.models import District, PlanningArea, Region
from tests.statistics import ZENSUS_DAY

ATLAS = "/zahlen/hildburghausen/atlas/"
GEOJSON = "/zahlen/hildburghausen/atlas/karte.geojson"
HILDBURGHAUSEN = "16069024"  # Hildburghausen, Stadt
AHLSTAEDT = "16069001"
HELDBURG, UMMERSTADT = "16069063", "16069052"


def row_of(html: str, key: str) -> str:
    match = re.search(rf'<tr class="kern-table__row ind-row" data-key="{key}".*?</tr>', html, re.S)
    assert match, key
    return match.group(0)


def test_it_lists_every_gemeinde_with_its_zensus_population(
    client: Client, district: District, real_statistics: tuple[Dataset, Dataset]
) -> None:
    response = client.get(ATLAS)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r'class="kern-table__row ind-row"', html)) == district.gemeinden().count() == 32
    row = row_of(html, HILDBURGHAUSEN)
    assert "11.684" in row  # Zensus 2022, 1000A-0000
    assert f'href="/zahlen/hildburghausen/gebiet/{HILDBURGHAUSEN}/"' in row
    assert "Bevölkerung, 15.05.2022" in html
    assert "Statistische Ämter des Bundes und der Länder, Zensus 2022, 1000A-0000, dl-de/by-2-0" in html


def test_it_classifies_the_values_and_explains_the_classes_in_a_legend(
    client: Client, real_statistics: tuple[Dataset, Dataset]
) -> None:
    response = client.get(ATLAS, {"indikator": "bevoelkerung", "klassen": "equal", "anzahl": "4"})
    assert response.status_code == 200
    result = response.context["result"]
    assert len(result.legend) == 4
    assert sum(entry.count for entry in result.legend) == 32
    assert result.legend[0].label.startswith("121 bis ")  # the smallest Gemeinde, Ahlstädt
    assert result.legend[-1].label.endswith(" bis 11.684")
    assert {row.colour for row in result.rows} <= {e.colour for e in result.legend}
    assert "Gleiche Abstände" in response.content.decode()


def test_it_draws_the_bar_chart_as_svg_with_its_table_without_javascript(
    client: Client, real_statistics: tuple[Dataset, Dataset]
) -> None:
    html = client.get(ATLAS, {"indikator": "bevoelkerungsdichte"}).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="ind-svg ind-svg--bars"' in html
    assert 'role="img"' in html
    assert "Diagramm als Tabelle" in html
    assert re.search(r"<caption[^>]*>Bevölkerungsdichte \(Einw. je km²\) nach Gemeinden, 15.05.2022</caption>", html)
    assert html.count('class="ind-bar" data-key="16069') == 32
    assert "<script>" not in html  # CSP: no inline script


def test_it_says_why_the_share_of_people_aged_80_and_over_is_missing(
    client: Client, real_statistics: tuple[Dataset, Dataset]
) -> None:
    response = client.get(ATLAS, {"indikator": "anteil_80_plus"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Für diese Auswahl gibt es keine Werte." in html
    assert "80 Jahre und mehr" in html
    assert "ind-map" not in html  # no empty map
    # No Stichtag over "no values", and the reason once, not once per Gemeinde.
    name = response.context["params"].definition.name
    assert f'id="indicator-heading">{name}</h2>' in html
    assert f'id="table-caption">{name} (%) je Gebiet</caption>' in html
    assert "Werte für" not in html
    assert html.count("Für keines der 32 Gebiete berechenbar") == 1


def test_it_marks_estimated_values_and_shows_the_method(
    client: Client, district: District, real_statistics: tuple[Dataset, Dataset]
) -> None:
    dataset = estimate_ages(district)
    response = client.get(ATLAS, {"indikator": "anteil_65_plus"})
    html = response.content.decode()
    assert response.context["result"].estimate
    assert "Schätzung" in row_of(html, HILDBURGHAUSEN)
    assert dataset.method.split("\n")[0][:40] in html.replace("<br>", "\n")
    assert all(row.cell.value.value is not None for row in response.context["result"].rows)
    # Estimates: no confidence interval, compared with the Kreis (sum of the estimates) by value only.
    assert "95-%-Konfidenzintervall</th>" not in html
    assert "Vergleich mit Kreis" in html
    assert "(Schätzung: Vergleich ohne Signifikanzaussage)</td>" in row_of(html, HILDBURGHAUSEN)
    assert 'class="ind-note ind-modelled-note"' in html
    assert "Werte für 32 von 32 Gemeinden" in html


def test_it_opens_at_the_stichtag_covering_the_most_gemeinden_and_says_how_many_have_values(
    client: Client, district: District, real_statistics: tuple[Dataset, Dataset]
) -> None:
    load_gv100ad_population(3)  # a later table of three Gemeinden
    response = client.get(ATLAS, {"indikator": "bevoelkerung"})
    html = response.content.decode()
    assert response.context["result"].period == ZENSUS_DAY
    assert "Bevölkerung, 15.05.2022" in html
    assert "Werte für 32 von 32 Gemeinden" in html
    assert "Landkreis Hildburghausen: 61.411" in html  # the Kreis comparator of that day
    later = client.get(ATLAS, {"indikator": "bevoelkerung", "stichtag": "2022-12-31"}).content.decode()
    assert "Werte für 3 von 32 Gemeinden" in later


def test_it_shows_a_suppressed_share_as_unterdrueckt_and_explains_it(
    client: Client, real_statistics: tuple[Dataset, Dataset], settings: Settings
) -> None:
    settings.SMALL_NUMBER_THRESHOLD = 122  # Ahlstädt: 121 inhabitants (Zensus 2022)
    note = "Anzahl unter 122, zum Schutz kleiner Fallzahlen nicht gezeigt"
    html = client.get(ATLAS, {"indikator": "bevoelkerungsdichte"}).content.decode()
    assert f'<abbr class="ind-suppressed" title="{note}">unterdrückt</abbr>' in row_of(html, AHLSTAEDT)
    assert f"{note}.</li>" in html
    counts = client.get(ATLAS, {"indikator": "bevoelkerung"}).content.decode()
    assert f'<abbr class="ind-suppressed" title="{note}">&lt; 122</abbr>' in row_of(counts, AHLSTAEDT)


def test_it_shows_planungsraeume_as_sums_of_their_gemeinden(
    client: Client, district: District, real_statistics: tuple[Dataset, Dataset]
) -> None:
    room = PlanningArea.objects.create(district=district, name="Heldburger Unterland")
    room.gemeinden.set(Region.objects.filter(key__in=[HELDBURG, UMMERSTADT]))
    response = client.get(ATLAS, {"ebene": "planungsraum"})
    assert response.status_code == 200
    (row,) = response.context["result"].rows
    expected = sum(g.census_population or 0 for g in room.gemeinden.all())
    assert row.cell.value.value == pytest.approx(expected)
    assert f'href="/zahlen/hildburghausen/gebiet/pr{room.pk}/"' in response.content.decode()
    data = client.get(GEOJSON, {"ebene": "planungsraum"}).json()
    (feature,) = data["features"]
    assert feature["properties"]["name"] == "Heldburger Unterland"
    assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_it_explains_that_there_are_no_planungsraeume_yet(
    client: Client, real_statistics: tuple[Dataset, Dataset]
) -> None:
    response = client.get(ATLAS, {"ebene": "planungsraum"})
    assert response.status_code == 200
    assert "Für diesen Kreis sind noch keine Planungsräume angelegt." in response.content.decode()


def test_it_gives_the_map_every_gemeinde_with_value_class_and_colour(
    client: Client, real_statistics: tuple[Dataset, Dataset]
) -> None:
    response = client.get(GEOJSON, {"indikator": "bevoelkerung", "anzahl": "5"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert len(data["features"]) == 32
    by_key = {f["properties"]["key"]: f["properties"] for f in data["features"]}
    town = by_key[HILDBURGHAUSEN]
    assert town["value"] == pytest.approx(11684)
    assert town["text"] == "11.684"
    assert town["class"] == 4
    assert town["colour"].startswith("#")
    assert town["url"] == f"/zahlen/hildburghausen/gebiet/{HILDBURGHAUSEN}/"
    assert {f["properties"]["class"] for f in data["features"]} == {0, 1, 2, 3, 4}
    assert "GeoBasis-DE / BKG" in data["attribution"][0]


def test_it_marks_missing_values_on_the_map(client: Client, real_statistics: tuple[Dataset, Dataset]) -> None:
    data = client.get(GEOJSON, {"indikator": "anteil_80_plus"}).json()
    assert all(f["properties"]["colour"] is None and f["properties"]["class"] is None for f in data["features"])


HOSTILE: list[dict[str, Any]] = [
    {"indikator": "<script>alert(1)</script>"},
    {"indikator": "bevoelkerung'; DROP TABLE indicators_observation;--"},
    {"ebene": "land"},
    {"ebene": "kreis"},
    {"stichtag": "2018-02-30"},
    {"stichtag": "31.12.2018"},
    {"stichtag": "9999-99-99"},
    {"stichtag": "x" * 5000},
    {"klassen": "jenks"},
    {"anzahl": "99"},
    {"anzahl": "-1"},
    {"anzahl": "2.5"},
    {"indikator": "bevoelkerung\x00"},
]


@pytest.mark.parametrize("query", HOSTILE)
def test_it_answers_bad_parameters_with_a_german_form_error(
    client: Client, district: District, query: dict[str, Any]
) -> None:
    response = client.get(ATLAS, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte prüfen Sie Ihre Auswahl." in html
    assert "<script>alert" not in html


@pytest.mark.parametrize("query", HOSTILE)
def test_it_answers_bad_map_parameters_with_404(client: Client, district: District, query: dict[str, Any]) -> None:
    assert client.get(GEOJSON, query).status_code == 404


def test_it_says_which_stichtage_exist_for_the_indicator(
    client: Client, real_statistics: tuple[Dataset, Dataset]
) -> None:
    response = client.get(ATLAS, {"indikator": "bevoelkerung", "stichtag": "2017-12-31"})
    assert response.status_code == 400
    # The Gemeinden have Zensus 2022; the Kreis also has 31.12.2018 (its reference stays selectable).
    assert "Verfügbare Stichtage: 15.05.2022, 31.12.2018." in response.content.decode()
    assert client.get(GEOJSON, {"stichtag": "2017-12-31"}).status_code == 404


def test_it_shows_the_chosen_stichtag(client: Client, real_statistics: tuple[Dataset, Dataset]) -> None:
    response = client.get(ATLAS, {"indikator": "bevoelkerung", "stichtag": "2022-05-15"})
    assert response.status_code == 200
    assert '<option value="2022-05-15" selected>15.05.2022</option>' in response.content.decode()


def test_it_is_404_for_an_unknown_district(client: Client, real_statistics: tuple[Dataset, Dataset]) -> None:
    assert client.get("/zahlen/gibt-es-nicht/atlas/").status_code == 404
    assert client.get("/zahlen/gibt-es-nicht/atlas/karte.geojson").status_code == 404


def test_it_works_without_any_statistics(client: Client, district: District) -> None:
    response = client.get(ATLAS)
    assert response.status_code == 200
    assert "Für diese Auswahl gibt es keine Werte." in response.content.decode()


def test_it_links_the_downloads_of_the_table(client: Client, real_statistics: tuple[Dataset, Dataset]) -> None:
    html = client.get(ATLAS, {"indikator": "bevoelkerung", "stichtag": "2022-05-15"}).content.decode()
    assert 'href="/zahlen/hildburghausen/download/atlas/bevoelkerung/gemeinde.csv?stichtag=2022-05-15"' in html
    assert 'href="/zahlen/hildburghausen/download/atlas/bevoelkerung/gemeinde.xlsx?stichtag=2022-05-15"' in html
