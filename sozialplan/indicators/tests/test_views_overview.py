"""The overview ("tartan rug"): areas × indicators compared with Kreis or Land (real statistics)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from sozialplan.indicators.catalogue import get_indicator
from sozialplan.indicators.compute import IndicatorValue
from sozialplan.indicators.models import Dataset
from sozialplan.indicators.tests.view_data import estimate_ages
from sozialplan.indicators.views.overview import rug_cell
from sozialplan.regions.models import District, PlanningArea, Region
from tests.statistics import STAND_2018

OVERVIEW = "/zahlen/hildburghausen/uebersicht/"


def row_headers(html: str) -> list[str]:
    found = re.findall(r'<th scope="row" class="kern-table__cell">(?:<a class="kern-link" href="[^"]*">)?([^<]+)', html)
    return [name.strip() for name in found]


def test_it_puts_land_and_kreis_above_the_gemeinden(
    client: Client, district: District, real_statistics: tuple[Dataset, Dataset]
) -> None:
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    names = row_headers(response.content.decode())
    assert names[:2] == ["Thüringen", "Landkreis Hildburghausen"]
    assert names[2:] == list(district.gemeinden().order_by("name", "key").values_list("name", flat=True))


def test_it_abbreviates_the_column_heads_and_names_them_in_full(
    client: Client, real_statistics: tuple[Dataset, Dataset]
) -> None:
    html = client.get(OVERVIEW).content.decode()
    assert '<abbr title="Bevölkerungsdichte (Einw. je km²)">Dichte</abbr>' in html
    assert '<span class="sp-visually-hidden"> – Bevölkerungsdichte (Einw. je km²), 15.05.2022</span>' in html
    assert 'href="/zahlen/hildburghausen/atlas/?indikator=bevoelkerungsdichte&amp;ebene=gemeinde"' in html


def test_it_lists_the_indicators_it_cannot_compute_with_the_reason(
    client: Client, real_statistics: tuple[Dataset, Dataset]
) -> None:
    response = client.get(OVERVIEW)
    missing = {definition.code: reason for definition, reason in response.context["missing"]}
    assert "anteil_80_plus" in missing
    assert "80 Jahre und mehr" in missing["anteil_80_plus"]
    assert "Kennzahlen ohne Werte" in response.content.decode()


def test_it_colours_each_cell_and_says_the_comparison_in_words(
    client: Client, district: District, real_statistics: tuple[Dataset, Dataset]
) -> None:
    html = client.get(OVERVIEW).content.decode()
    cells = re.findall(
        r'<td class="kern-table__cell kern-table__cell--numeric ind-cmp ind-cmp--(\w+)">(.*?)</td>', html
    )
    # Zensus counts have no interval: not compared, and no estimate is involved.
    assert cells and {kind for kind, _text in cells} == {"reference", "not_compared"}
    assert "Vergleich ohne Signifikanzaussage" not in html


def test_a_significant_comparison_gets_colour_marker_and_words() -> None:
    definition = get_indicator("altenquotient")
    assert definition is not None
    # Landkreis Hildburghausen 31.12.2018 against Thüringen (see test_compute): significantly lower.
    value = IndicatorValue("altenquotient", "16069", STAND_2018, 100 * 15824 / 37445, lower=41.6, upper=42.9)
    cell = rug_cell(definition, value, "lower", "Land")
    assert (cell.text, cell.comparison, cell.marker, cell.label) == ("42,3", "lower", "▼", "niedriger als Land")
    modelled = rug_cell(definition, value, "lower", "Land", modelled=True)
    assert (modelled.comparison, modelled.marker) == ("estimate_lower", "▽")
    assert modelled.label == "niedriger als Land (Schätzung: Vergleich ohne Signifikanzaussage)"


def test_it_compares_estimates_by_value_only_and_says_so(
    client: Client, district: District, real_statistics: tuple[Dataset, Dataset]
) -> None:
    estimate_ages(district)
    html = client.get(OVERVIEW).content.decode()
    cells = re.findall(
        r'<td class="kern-table__cell kern-table__cell--numeric ind-cmp ind-cmp--(\w+)">(.*?)</td>', html
    )
    kinds = {kind for kind, _text in cells}
    # Estimated Gemeinde ages against their sum for the Kreis: never significant, never better/worse.
    assert kinds & {"estimate_higher", "estimate_lower"}
    assert not kinds & {"higher", "lower", "similar", "better", "worse"}
    labels = {
        "estimate_higher": ("höher als Kreis", "△"),
        "estimate_lower": ("niedriger als Kreis", "▽"),
        "estimate_similar": ("ähnlich wie Kreis", "≈"),
    }
    for kind, text in cells:
        if kind in labels:
            label, marker = labels[kind]
            note = "(Schätzung: Vergleich ohne Signifikanzaussage)"
            assert f'<span class="sp-visually-hidden">, {label} {note}</span>' in text
            assert f'<span class="ind-cmp__marker" aria-hidden="true">{marker}</span>' in text
    legend = html[html.index('id="legend-heading"') : html.index('id="rug-heading"')]
    assert "Schätzung: Vergleich ohne Signifikanzaussage" in legend
    assert "ind-cmp--estimate_higher ind-cmp--sample" in legend


def test_it_compares_with_the_land_when_asked(
    client: Client, district: District, real_statistics: tuple[Dataset, Dataset]
) -> None:
    estimate_ages(district)
    response = client.get(OVERVIEW, {"vergleich": "land"})
    html = response.content.decode()
    assert response.context["comparator"] == "Land"
    assert "Legende: Vergleich mit Land" in html
    assert "als Kreis</span>" not in html
    # The Land's numbers in the test data are of 31.12.2018, the Gemeinden's of 15.05.2022: nothing to compare.
    assert 'id="id_vergleich_land" name="vergleich" value="land" checked' in html


def test_it_shows_a_suppressed_density_as_unterdrueckt_with_the_reason(
    client: Client, real_statistics: tuple[Dataset, Dataset], settings: Settings
) -> None:
    settings.SMALL_NUMBER_THRESHOLD = 122  # Ahlstädt: 121 inhabitants (Zensus 2022)
    html = client.get(OVERVIEW).content.decode()
    note = "Anzahl unter 122, zum Schutz kleiner Fallzahlen nicht gezeigt"
    assert f'<abbr class="ind-suppressed" title="{note}">unterdrückt</abbr>' in html  # the density
    assert f'<abbr class="ind-suppressed" title="{note}">&lt; 122</abbr>' in html  # the count
    assert f"„unterdrückt“ (Anteile und Quoten) bzw. „&lt; 122“ (Anzahlen): {note}." in html


def test_it_shows_planungsraeume(client: Client, district: District, real_statistics: tuple[Dataset, Dataset]) -> None:
    room = PlanningArea.objects.create(district=district, name="Heldburger Unterland")
    room.gemeinden.set(Region.objects.filter(key__in=["16069063", "16069052"]))
    response = client.get(OVERVIEW, {"ebene": "planungsraum"})
    assert row_headers(response.content.decode())[2:] == ["Heldburger Unterland"]


def test_it_says_when_there_are_no_planungsraeume(client: Client, real_statistics: tuple[Dataset, Dataset]) -> None:
    response = client.get(OVERVIEW, {"ebene": "planungsraum"})
    assert response.status_code == 200
    assert "noch keine Planungsräume angelegt" in response.content.decode()


@pytest.mark.parametrize(
    "query", [{"ebene": "land"}, {"vergleich": "bund"}, {"ebene": "<script>"}, {"vergleich": "x" * 3000}]
)
def test_it_answers_bad_parameters_with_a_german_form_error(
    client: Client, district: District, query: dict[str, str]
) -> None:
    response = client.get(OVERVIEW, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte prüfen Sie Ihre Auswahl." in html
    assert "<script>" not in html
