"""Area profiles of the Kreis, a Gemeinde and a Planungsraum (real statistics, estimate and projection)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from pytest_django.fixtures import Settings

from sozialplan.indicators.models import Dataset
from sozialplan.indicators.tests.test_compute import load_zensus_laender_ages
from sozialplan.indicators.tests.view_data import estimate_ages, project
from sozialplan.regions.models import District, PlanningArea, Region

PROFILE = "/zahlen/hildburghausen/gebiet/{}/"
KREIS = "16069"
HILDBURGHAUSEN = "16069024"  # Hildburghausen, Stadt
HELDBURG, UMMERSTADT = "16069063", "16069052"


def spine_rows(response: object) -> dict[str, tuple[str, ...]]:
    """Label → (value, centre, minimum, 25th, 75th percentile, maximum, comparison)."""
    spine = response.context["spine"]  # type: ignore[attr-defined]
    return {row[0]: row[1:-1] for row in spine.table().rows}


def spine_days(response: object) -> dict[str, str]:
    """Label → Stichtag of the row."""
    spine = response.context["spine"]  # type: ignore[attr-defined]
    return {row[0]: row[-1] for row in spine.table().rows}


def test_it_compares_the_kreis_with_the_land(client: Client, real_statistics: tuple[Dataset, Dataset]) -> None:
    response = client.get(PROFILE.format(KREIS))
    assert response.status_code == 200
    rows = spine_rows(response)
    # 12411-02-03-5-B, 31.12.2018: persons 65+ / all persons × 100.
    value, land, *_range, comparison = rows["Anteil der Personen ab 65 Jahren (%)"]
    assert (value, land, comparison) == ("24,9", "25,7", "niedriger")
    html = response.content.decode()
    assert "Kennzahlen von Landkreis Hildburghausen im Vergleich mit Land und Gemeinden des Kreises" in html
    assert 'aria-current="page">Kreisprofil' in html


def test_it_shows_the_range_of_the_gemeinden_on_the_kreis_profile(
    client: Client, district: District, real_statistics: tuple[Dataset, Dataset]
) -> None:
    load_zensus_laender_ages()  # Thüringen at the Zensus day: the Kreis's Zensus numbers have a comparator
    response = client.get(PROFILE.format(KREIS))
    value, _land, low, _q25, _q75, high, _cmp = spine_rows(response)["Bevölkerungsdichte (Einw. je km²)"]
    densities = [g.census_population / g.area_km2 for g in district.gemeinden() if g.area_km2 and g.census_population]
    assert low == f"{min(densities):.0f}" and high == f"{max(densities):.0f}"
    assert value == "65"
    assert spine_days(response)["Bevölkerungsdichte (Einw. je km²)"] == "15.05.2022"


def test_each_kreis_key_number_is_shown_at_the_latest_stichtag_with_a_land_value(
    client: Client, district: District, real_statistics: tuple[Dataset, Dataset]
) -> None:
    # The Kreis's Zensus 2022 sum and its sums of estimated Gemeinde ages have no Land value to compare with;
    # 12411-02-03-5-B has official numbers of 31.12.2018 for both.
    estimate_ages(district)
    response = client.get(PROFILE.format(KREIS))
    rows, days = spine_rows(response), spine_days(response)
    assert days["Anteil der Personen ab 65 Jahren (%)"] == "31.12.2018"
    value, land, *_range, comparison = rows["Anteil der Personen ab 65 Jahren (%)"]
    assert (value, land, comparison) == ("24,9", "25,7", "niedriger")  # official: with significance
    assert days["Bevölkerung (Personen)"] == "15.05.2022"  # counts: the newest value, not compared
    assert rows["Bevölkerung (Personen)"][:2] == ("61.411", "–")
    # The series still shows every Stichtag, the estimate in its own series.
    (series,) = [c for c in response.context["series_charts"] if c.ident == "ind-series-anteil_65_plus"]
    assert [s.label for s in series.series] == ["beobachtet", "geschätzt"]
    assert series.table().columns == ("Stichtag", "beobachtet", "geschätzt")
    assert [row[0] for row in series.table().rows] == ["31.12.2018", "15.05.2022"]
    assert series.table().rows[1][1] == "" and series.table().rows[1][2]
    html = response.content.decode()
    assert "ind-svg__series--estimate" in html
    assert "„geschätzt“: Werte aus einer Schätzung für kleine Gebiete" in html


def test_it_shows_time_series_age_pyramid_and_missing_indicators_of_the_kreis(
    client: Client, district: District, real_statistics: tuple[Dataset, Dataset]
) -> None:
    response = client.get(PROFILE.format(KREIS))
    html = response.content.decode()
    (series,) = [c for c in response.context["series_charts"] if c.ident == "ind-series-bevoelkerung"]
    assert [row[0] for row in series.table().rows] == ["31.12.2018", "15.05.2022"]
    pyramid = response.context["pyramid"]
    assert pyramid.by_sex and len(pyramid.bands) == 17
    assert pyramid.table().rows[-1][0] == "75 Jahre und mehr"
    missing = {definition.code: reason for definition, reason in response.context["missing"]}
    assert missing.get("anteil_80_plus")
    assert "Fehlende Kennzahlen" in html
    gemeinden = response.context["related"][0][1]
    assert len(gemeinden) == district.gemeinden().count()
    assert "Für dieses Gebiet liegt noch keine Vorausberechnung vor." in html


def test_it_shows_a_gemeinde_against_the_kreis_and_the_range_of_all_gemeinden(
    client: Client, real_statistics: tuple[Dataset, Dataset]
) -> None:
    response = client.get(PROFILE.format(HILDBURGHAUSEN))
    assert response.status_code == 200
    rows = spine_rows(response)
    value, kreis, low, _q25, _q75, high, _cmp = rows["Bevölkerung (Personen)"]
    assert (value, kreis, low, high) == ("11.684", "61.411", "121", "11.684")
    assert spine_days(response)["Bevölkerung (Personen)"] == "15.05.2022"
    assert response.context["pyramid"] is None
    assert "Für dieses Gebiet liegen keine Altersgruppen vor." in response.content.decode()


def test_it_shows_the_estimated_age_structure_of_a_gemeinde_with_its_method(
    client: Client, district: District, real_statistics: tuple[Dataset, Dataset]
) -> None:
    dataset = estimate_ages(district)
    response = client.get(PROFILE.format(HILDBURGHAUSEN))
    html = response.content.decode()
    assert response.context["age_estimate"]
    assert response.context["pyramid"].by_sex
    assert "Die Altersgruppen dieses Gebiets sind geschätzt" in html
    assert dataset.title in html
    value, kreis, *_range, comparison = spine_rows(response)["Anteil der Personen ab 65 Jahren (%)"]
    # An estimate against the sum of the estimates: by point value, without a claim of significance.
    ours, theirs = (float(text.replace(",", ".")) for text in (value, kreis))
    word = "höher" if ours > theirs else "niedriger" if ours < theirs else "ähnlich"
    assert comparison == f"{word} (Schätzung: Vergleich ohne Signifikanzaussage)"
    assert "Schätzung: Vergleich ohne Signifikanzaussage" in html
    numbers = dict((d.code, cell) for d, cell in response.context["numbers"])
    assert numbers["anteil_65_plus"].value.lower is None  # no confidence interval for an estimate


def test_it_shows_the_projection_with_the_plan_horizon_and_the_method(
    client: Client, district: District, real_statistics: tuple[Dataset, Dataset]
) -> None:
    dataset = project(district)
    response = client.get(PROFILE.format(HILDBURGHAUSEN))
    chart = response.context["projection"]
    table = chart.table()
    horizon = [row for row in table.rows if "Planungshorizont" in row[0]]
    assert [row[0][:4] for row in horizon] == [str(year) for year in settings.PROJECTION_YEARS]
    assert table.rows[0][:2] == ("15.05.2022", "11.684")
    html = response.content.decode()
    assert "Methode und Annahmen" in html
    assert dataset.method.splitlines()[0][:40] in html.replace("<br>", "\n")


def test_it_shows_a_planungsraum_with_its_gemeinden(
    client: Client, district: District, real_statistics: tuple[Dataset, Dataset]
) -> None:
    room = PlanningArea.objects.create(district=district, name="Heldburger Unterland")
    room.gemeinden.set(Region.objects.filter(key__in=[HELDBURG, UMMERSTADT]))
    response = client.get(PROFILE.format(f"pr{room.pk}"))
    assert response.status_code == 200
    heading, members = response.context["related"][0]
    assert heading == "Gemeinden des Planungsraums"
    assert [name for name, _url in members] == ["Heldburg, Stadt", "Ummerstadt, Stadt"]
    expected = sum(g.census_population or 0 for g in room.gemeinden.all())
    assert spine_rows(response)["Bevölkerung (Personen)"][0] == f"{expected:,}".replace(",", ".")
    gemeinde = client.get(PROFILE.format(HELDBURG))
    assert gemeinde.context["related"][0][1] == [
        ("Heldburger Unterland", f"/zahlen/hildburghausen/gebiet/pr{room.pk}/")
    ]


@pytest.mark.parametrize(
    "key",
    [
        "16",  # the Land: no profile
        "16070004",  # a Gemeinde of the Ilm-Kreis
        "16070",  # another Kreis
        "pr999999",
        "pr",
        "pr-1",
        "pr1e3",
        "9" * 30,
        "%3Cscript%3E",
        "1606902",
    ],
)
def test_it_is_404_for_keys_that_are_no_area_of_the_district(
    client: Client, real_statistics: tuple[Dataset, Dataset], key: str
) -> None:
    assert client.get(PROFILE.format(key)).status_code == 404


def test_it_shows_suppressed_key_numbers_with_the_reason(
    client: Client, real_statistics: tuple[Dataset, Dataset], settings: Settings
) -> None:
    settings.SMALL_NUMBER_THRESHOLD = 122  # Ahlstädt: 121 inhabitants (Zensus 2022)
    response = client.get(PROFILE.format("16069001"))
    rows = spine_rows(response)
    assert rows["Bevölkerung (Personen)"][0] == "< 122"
    assert rows["Bevölkerungsdichte (Einw. je km²)"][0] == "unterdrückt"  # not "< 122" next to "Einw. je km²"
    html = response.content.decode()
    assert "„unterdrückt“ (Anteile und Quoten) bzw. „&lt; 122“ (Anzahlen): Anzahl unter 122, zum Schutz" in html
