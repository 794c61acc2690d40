"""Indicator values from the real statistics (``real_statistics``: 12411-02-03-5-B 31.12.2018, Zensus 2022).

Hand computation for Landkreis Hildburghausen (16069), 31.12.2018, from the
row of ``12411-02-03-5-B_kreise_2018.csv``:

* unter 20 Jahre: 1541 + 1568 + 2171 + 2540 + 1507 + 957 = 10,284
* 20 bis unter 65: 2051 + 2713 + 3934 + 4256 + 3577 + 4270 + 5156 + 6008 + 5480 = 37,445
* 65 und mehr: 7609 + 8215 = 15,824; insgesamt 63,553
* Jugendquotient 100 × 10,284 / 37,445 = 27.4643; Altenquotient 100 × 15,824 / 37,445 = 42.2593;
  Gesamtquotient 100 × 26,108 / 37,445 = 69.7236; Anteil 65+ 100 × 15,824 / 63,553 = 24.8989 %

Land Thüringen (16), same table: 20–65 = 1,232,361, 65+ = 261,380 + 289,910 = 551,290,
Altenquotient 100 × 551,290 / 1,232,361 = 44.7345.

The definitions are those of Destatis (Jugend-/Altenquotient: under 20 resp.
65 and over per 100 persons aged 20 to under 65), so our value for a Kreis
equals the published one by construction; we quote no published figure here
because none is at hand in the repository's files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from pytest_django.fixtures import DjangoAssertNumQueries, Settings

from sozialplan.indicators.areas import gemeinde_areas, kreis_area, land_area, planning_areas, region_area
from sozialplan.indicators.benchmarking import by_point_value, comparison
from sozialplan.indicators.catalogue import IndicatorDefinition, get_indicator
from sozialplan.indicators.compute import (
    Area,
    IndicatorValue,
    age_structure,
    benchmarked,
    compute,
    overview,
    periods,
    profile,
    projection,
    series,
)
from sozialplan.indicators.models import Dataset, DatasetFormat, DatasetKind, Observation
from sozialplan.indicators.store import ObservationStore
from sozialplan.regions.models import District, PlanningArea, Region, RegionKind
from sozialplan.sources.statistics import AGE_OPEN, Measure
from tests.statistics import STAND_2018, ZENSUS_DAY

pytestmark = pytest.mark.django_db


def indicator(code: str) -> IndicatorDefinition:
    definition = get_indicator(code)
    assert definition is not None
    return definition


def one(code: str, area: Area | None, period: dt.date | None = None, *, public: bool = False) -> float | None:
    assert area is not None
    (value,) = compute(indicator(code), [area], period, public=public)
    return value.value


def load_zensus_laender_ages() -> Dataset:
    """Land Thüringen by 10-year age groups, Zensus 2022 (``1000A-2022`` ffcsv, rows "Insgesamt" only)."""
    dataset = Dataset.objects.create(
        code="1000A-2022",
        title="Bevölkerung nach Alter (10er-Jahresgruppen), Zensus 2022",
        kind=DatasetKind.OFFICIAL,
        format=DatasetFormat.GENESIS_FFCSV,
        source="Statistische Ämter des Bundes und der Länder, Zensus 2022",
        licence="dl-de/by-2-0",
    )
    land = Region.objects.get(kind=RegionKind.LAND, key="16")
    path = next((Path(settings.DATA_DIR) / "statistics").glob("1000A-2022_*_de_flat.csv"))
    rows = []
    for line in path.read_text(encoding="utf-8-sig").splitlines()[1:]:
        cells = line.split(";")
        if cells[7] != "16" or cells[15] != "":
            continue
        age = cells[11]  # "ALT060B069", "ALT080BXXX" or "" (all ages)
        band = (0, AGE_OPEN) if not age else (int(age[3:6]), AGE_OPEN if age.endswith("XXX") else int(age[7:10]) + 1)
        rows.append(
            Observation(
                dataset=dataset,
                region=land,
                measure=Measure.POPULATION,
                period=ZENSUS_DAY,
                age_from=band[0],
                age_to=band[1],
                value=float(cells[17]),
            )
        )
    Observation.objects.bulk_create(rows)
    return dataset


# --- the Kreis and the Land from their own rows ------------------------------------------------


def test_the_kreis_numbers_of_2018_match_the_hand_computation(district: District, real_statistics: object) -> None:
    kreis = kreis_area(district)
    assert one("bevoelkerung", kreis, STAND_2018) == 63553
    assert one("jugendquotient", kreis, STAND_2018) == pytest.approx(100 * 10284 / 37445)
    assert one("altenquotient", kreis, STAND_2018) == pytest.approx(100 * 15824 / 37445)
    assert one("gesamtquotient", kreis, STAND_2018) == pytest.approx(100 * (10284 + 15824) / 37445)
    assert one("anteil_65_plus", kreis, STAND_2018) == pytest.approx(100 * 15824 / 63553)
    assert one("anteil_unter_6", kreis, STAND_2018) == pytest.approx(100 * (1541 + 1568) / 63553)
    assert one("anteil_6_17", kreis, STAND_2018) == pytest.approx(100 * (2171 + 2540 + 1507) / 63553)


def test_the_density_divides_by_the_gemeinden_area(district: District, real_statistics: object) -> None:
    # GV100AD gives no area for a Kreis record; the Kreis's area is the sum of its Gemeinden's.
    area_km2 = sum(g.area_km2 or 0 for g in district.gemeinden())
    assert area_km2 == pytest.approx(937, abs=5)
    assert one("bevoelkerungsdichte", kreis_area(district), STAND_2018) == pytest.approx(63553 / area_km2)


def test_the_land_values_come_from_the_laender_rows(district: District, real_statistics: object) -> None:
    land = land_area(district)
    assert one("bevoelkerung", land, STAND_2018) == 2143145
    assert one("altenquotient", land, STAND_2018) == pytest.approx(100 * 551290 / 1232361)


def test_a_kreis_without_own_value_is_the_sum_of_its_gemeinden(district: District, real_statistics: object) -> None:
    expected = sum(g.census_population or 0 for g in district.gemeinden())
    assert expected == 61411  # 32 Gemeinden in 1000A-0000
    (value,) = compute(indicator("bevoelkerung"), [kreis_area(district)], ZENSUS_DAY, public=True)
    assert value.value == expected
    assert value.sources == ("Statistische Ämter des Bundes und der Länder, Zensus 2022, 1000A-0000, dl-de/by-2-0",)


def test_the_latest_period_with_a_value_is_taken(district: District, real_statistics: object) -> None:
    kreis = kreis_area(district)
    (population,) = compute(indicator("bevoelkerung"), [kreis], public=False)
    assert population.period == ZENSUS_DAY  # the Zensus sum of the Gemeinden is newer than 2018
    (ratio,) = compute(indicator("altenquotient"), [kreis], public=False)
    assert ratio.period == STAND_2018  # the Zensus totals have no age groups
    assert periods(indicator("bevoelkerung"), [kreis]) == [STAND_2018, ZENSUS_DAY]


# --- Gemeinden and Planungsräume ---------------------------------------------------------------


def test_a_planning_area_is_the_sum_of_its_gemeinden(district: District, real_statistics: object) -> None:
    room = PlanningArea.objects.create(district=district, name="Heldburger Unterland")
    members = list(district.gemeinden().filter(name__in=["Heldburg, Stadt", "Ummerstadt, Stadt"]))
    room.gemeinden.set(members)
    (area,) = planning_areas(district)
    assert one("bevoelkerung", area, ZENSUS_DAY) == sum(g.census_population or 0 for g in members)
    density = one("bevoelkerungsdichte", area, ZENSUS_DAY)
    assert density == pytest.approx(
        sum(g.census_population or 0 for g in members) / sum(g.area_km2 or 0 for g in members)
    )


def test_a_gemeinde_without_age_groups_says_what_is_missing(district: District, real_statistics: object) -> None:
    ahlstaedt = region_area(Region.objects.get(kind=RegionKind.GEMEINDE, name="Ahlstädt"))
    (value,) = compute(indicator("anteil_80_plus"), [ahlstaedt], public=False)
    assert value.value is None
    assert value.period == ZENSUS_DAY
    assert value.missing.startswith(
        "Für „80 Jahre und mehr“ liegen für Ahlstädt zum 15.05.2022 keine passenden Altersgruppen vor. Benötigt: "
    )
    assert "1000A-2022" in value.missing  # the catalogue's data_hint


def test_the_kreis_table_ending_at_75_cannot_give_80_plus(district: District, real_statistics: object) -> None:
    (value,) = compute(indicator("anteil_80_plus"), [kreis_area(district)], STAND_2018, public=False)
    assert value.value is None
    assert "keine passenden Altersgruppen" in value.missing
    assert "75 und mehr" in value.missing


def test_a_land_with_80_plus_gets_the_share(district: District, real_statistics: object) -> None:
    load_zensus_laender_ages()
    land = land_area(district)
    assert land is not None
    assert one("anteil_80_plus", land, ZENSUS_DAY) == pytest.approx(100 * 183566 / 2110396)
    # The 10-year groups have no boundary at 65: no Altenquotient for 2022, so 2018 stays the latest.
    (value,) = compute(indicator("altenquotient"), [land], public=False)
    assert value.period == STAND_2018


# --- suppression, flags, precedence ------------------------------------------------------------


def test_small_counts_are_suppressed_in_public_only(
    district: District, real_statistics: object, settings: Settings
) -> None:
    # Ahlstädt has 121 inhabitants (Zensus 2022); with the threshold at 122 that is a small count,
    # exactly as a count of 2 is under the default threshold of 3.
    settings.SMALL_NUMBER_THRESHOLD = 122
    ahlstaedt = region_area(Region.objects.get(kind=RegionKind.GEMEINDE, name="Ahlstädt"))
    (public,) = compute(indicator("bevoelkerung"), [ahlstaedt], ZENSUS_DAY, public=True)
    assert public.suppressed and public.value is None and public.numerator is None
    (density,) = compute(indicator("bevoelkerungsdichte"), [ahlstaedt], ZENSUS_DAY, public=True)
    assert density.suppressed and density.value is None
    assert one("bevoelkerung", ahlstaedt, ZENSUS_DAY, public=False) == 121
    assert one("bevoelkerung", kreis_area(district), ZENSUS_DAY, public=True) == 61411


def test_a_secret_cell_makes_the_value_unknown_with_its_symbol(district: District, real_statistics: object) -> None:
    # Simulates a table in which the office kept "75 und mehr" secret (".").
    Observation.objects.filter(region=district.region, period=STAND_2018, sex="", age_from=75, age_to=AGE_OPEN).update(
        value=None, flag="."
    )
    kreis = kreis_area(district)
    (value,) = compute(indicator("altenquotient"), [kreis], STAND_2018, public=False)
    assert value.value is None and value.flag == "." and not value.missing
    assert value.flag_meaning == "Zahlenwert unbekannt oder geheim zu halten"
    assert one("jugendquotient", kreis, STAND_2018) == pytest.approx(100 * 10284 / 37445)
    assert one("bevoelkerung", kreis, STAND_2018) == 63553


def test_a_dash_counts_as_zero(district: District, real_statistics: object) -> None:
    Observation.objects.filter(region=district.region, period=STAND_2018, sex="", age_from=18, age_to=20).update(
        value=None, flag="-"
    )
    assert one("jugendquotient", kreis_area(district), STAND_2018) == pytest.approx(100 * (10284 - 957) / 37445)


def test_an_official_value_beats_an_estimate_of_the_same_key(district: District, real_statistics: object) -> None:
    gemeinde = Region.objects.get(kind=RegionKind.GEMEINDE, name="Ahlstädt")
    estimate = Dataset.objects.create(
        code="schaetzung-test", title="Schätzung", kind=DatasetKind.ESTIMATE, format=DatasetFormat.COMPUTED
    )
    # The GV100AD population (31.12.2022) stands in for an estimate of the Zensus day.
    assert gemeinde.population is not None and gemeinde.population != 121
    Observation.objects.create(
        dataset=estimate, region=gemeinde, measure=Measure.POPULATION, period=ZENSUS_DAY, value=gemeinde.population
    )
    area = region_area(gemeinde)
    (official,) = compute(indicator("bevoelkerung"), [area], ZENSUS_DAY, public=False)
    assert official.value == 121 and not official.estimate
    Observation.objects.filter(region=gemeinde, dataset__code="1000A-0000").delete()
    (estimated,) = compute(indicator("bevoelkerung"), [area], ZENSUS_DAY, public=False)
    assert estimated.value == gemeinde.population and estimated.estimate
    assert estimated.sources == ("schaetzung-test",)


# --- intervals, benchmarks, overview, profile --------------------------------------------------


def test_ratios_get_a_byar_interval_and_shares_a_wilson_interval(district: District, real_statistics: object) -> None:
    kreis = kreis_area(district)
    (ratio,) = compute(indicator("altenquotient"), [kreis], STAND_2018, public=False)
    assert ratio.lower is not None and ratio.upper is not None
    assert ratio.lower < ratio.value < ratio.upper  # type: ignore[operator]
    assert ratio.upper - ratio.lower == pytest.approx(2 * 1.96 * 100 * 15824**0.5 / 37445, rel=0.01)
    (share,) = compute(indicator("anteil_65_plus"), [kreis], STAND_2018, public=False)
    assert share.lower is not None and share.upper is not None
    p = 15824 / 63553
    assert share.upper - share.lower == pytest.approx(2 * 1.96 * 100 * (p * (1 - p) / 63553) ** 0.5, rel=0.01)
    (count,) = compute(indicator("bevoelkerung"), [kreis], STAND_2018, public=False)
    assert count.lower is None and count.upper is None


def test_the_kreis_is_benchmarked_against_the_land(district: District, real_statistics: object) -> None:
    kreis = kreis_area(district)
    (cell,) = benchmarked(indicator("altenquotient"), [kreis], district, STAND_2018, public=True)
    assert cell.land is not None and cell.land.value == pytest.approx(100 * 551290 / 1232361)
    assert cell.vs_land == "lower"  # 42.3 (CI about ±0.7) below 44.7; polarity "neither"
    assert cell.vs_kreis == "not_compared"  # the Kreis itself
    (people,) = benchmarked(indicator("bevoelkerung"), [kreis], district, STAND_2018, public=True)
    assert people.vs_land == "not_compared"  # counts have no interval


def test_gemeinden_are_compared_at_the_same_period(district: District, real_statistics: object) -> None:
    areas = gemeinde_areas(district)
    cells = benchmarked(indicator("bevoelkerung"), areas, district, public=True)
    assert len(cells) == 32
    assert {c.value.period for c in cells} == {ZENSUS_DAY}
    assert cells[0].kreis is not None and cells[0].kreis.value == 61411
    assert cells[0].land is not None and cells[0].land.value is None  # no Land row for the Zensus day


def test_the_overview_lists_indicators_with_values_and_the_rest_as_missing(
    district: District, real_statistics: object
) -> None:
    result = overview(district, "gemeinde", public=True)
    assert [d.code for d in result.indicators] == ["bevoelkerung", "bevoelkerungsdichte"]
    assert len(result.areas) == 32
    assert len(result.cells) == 64
    assert result.periods == {"bevoelkerung": ZENSUS_DAY, "bevoelkerungsdichte": ZENSUS_DAY}
    missing = {d.code: reason for d, reason in result.missing}
    assert "jugendquotient" in missing and missing["jugendquotient"].startswith("Für keines der 32 Gebiete")
    kreis_view = overview(district, "kreis", public=True)
    assert "altenquotient" in [d.code for d in kreis_view.indicators]


def test_the_kreis_profile_has_key_numbers_age_pyramid_and_series(district: District, real_statistics: object) -> None:
    result = profile(district, kreis_area(district), public=True)
    codes = [d.code for d, _ in result.key_numbers]
    assert codes[:2] == ["bevoelkerung", "bevoelkerungsdichte"]
    assert "altenquotient" in codes
    assert [v.value for v in result.series["bevoelkerung"]] == [63553, 61411]
    assert result.age_period == STAND_2018
    assert len(result.age_bands) == 17
    first, last = result.age_bands[0], result.age_bands[-1]
    assert (first.age_from, first.age_to, first.male, first.female, first.total) == (0, 3, 766, 775, 1541)
    assert (last.age_from, last.age_to, last.total) == (75, AGE_OPEN, 8215)
    assert result.projection == [] and result.projection_method == ""
    assert "anteil_80_plus" in [d.code for d, _ in result.missing]


def test_a_projection_is_summed_over_the_gemeinden(district: District, real_statistics: object) -> None:
    projected = Dataset.objects.create(
        code="projektion-test",
        title="Vorausberechnung",
        kind=DatasetKind.PROJECTION,
        format=DatasetFormat.COMPUTED,
        method="Anteilsmethode",
    )
    day = dt.date(2030, 12, 31)
    # The Zensus numbers stand in for projected ones: the test checks the summation only.
    Observation.objects.bulk_create(
        Observation(
            dataset=projected,
            region=g,
            measure=Measure.POPULATION,
            period=day,
            variant="G2L2W2",
            value=g.census_population,
        )
        for g in district.gemeinden()
    )
    kreis = kreis_area(district)
    points, method = projection(kreis)
    assert [(p.year, p.value, p.variant) for p in points] == [(2030, 61411, "G2L2W2")]
    assert method == "Anteilsmethode"
    values = series(indicator("bevoelkerung"), kreis, public=True)
    assert [(v.period, v.projected) for v in values] == [(STAND_2018, False), (ZENSUS_DAY, False), (day, True)]


def test_the_store_loads_all_gemeinden_in_few_queries(
    district: District, real_statistics: object, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    areas = gemeinde_areas(district)
    with django_assert_max_num_queries(4):
        store = ObservationStore.for_areas(areas)
    with django_assert_max_num_queries(0):
        values = compute(indicator("bevoelkerung"), areas, public=True, store=store)
    assert sum(v.value or 0 for v in values) == 61411


def test_age_structure_of_a_gemeinde_without_bands_is_empty(district: District, real_statistics: object) -> None:
    ahlstaedt = region_area(Region.objects.get(kind=RegionKind.GEMEINDE, name="Ahlstädt"))
    assert age_structure(ahlstaedt) == ([], None, ())


def test_a_change_names_the_missing_earlier_stichtag(district: District, real_statistics: object) -> None:
    (value,) = compute(indicator("bevoelkerung_veraenderung_5j"), [kreis_area(district)], STAND_2018, public=False)
    assert value.value is None
    assert value.missing.startswith(
        "Für Landkreis Hildburghausen liegt zum 31.12.2013 kein Wert „Bevölkerung“ vor, "
        "weder für das Gebiet selbst noch für seine Gemeinden. Benötigt: Bevölkerungsstand für zwei Stichtage"
    )


def test_a_planning_area_names_the_gemeinden_without_value(district: District, real_statistics: object) -> None:
    room = PlanningArea.objects.create(district=district, name="Heldburger Unterland")
    members = list(district.gemeinden().filter(name__in=["Heldburg, Stadt", "Ummerstadt, Stadt"]))
    room.gemeinden.set(members)
    # As for a Gemeinde formed after the Zensus day: no Zensus number for Ummerstadt.
    Observation.objects.filter(region__name="Ummerstadt, Stadt", period=ZENSUS_DAY).delete()
    (area,) = planning_areas(district)
    (value,) = compute(indicator("bevoelkerung"), [area], ZENSUS_DAY, public=False)
    assert value.value is None
    assert value.missing.startswith(
        "Für Heldburger Unterland fehlt „Bevölkerung“ zum 15.05.2022 bei 1 von 2 Gemeinden (Ummerstadt, Stadt)."
    )


# --- the default Stichtag, profile periods, estimates ------------------------------------------

GV100AD_DAY = dt.date(2022, 12, 31)


def load_gv100ad_population(count: int) -> list[Region]:
    """The GV100AD population (31.12.2022, ``Region.population``) of the first ``count`` Gemeinden by AGS.

    As a table a planner imports for only some Gemeinden of the Kreis.
    """
    dataset = Dataset.objects.create(
        code="gv100ad-2022", title="Gemeindeverzeichnis", kind=DatasetKind.OFFICIAL, format=DatasetFormat.COMPUTED
    )
    gemeinden = list(District.objects.get(slug="hildburghausen").gemeinden().order_by("key")[:count])
    Observation.objects.bulk_create(
        Observation(
            dataset=dataset, region=g, measure=Measure.POPULATION, period=GV100AD_DAY, value=float(g.population or 0)
        )
        for g in gemeinden
    )
    return gemeinden


def test_a_later_table_of_a_few_gemeinden_does_not_become_the_default_stichtag(
    district: District, real_statistics: object
) -> None:
    load_gv100ad_population(3)
    areas = gemeinde_areas(district)
    values = compute(indicator("bevoelkerung"), areas, public=False)
    assert {v.period for v in values} == {ZENSUS_DAY}  # 32 of 32, not 3 of 32
    assert sum(v.has_value for v in values) == 32
    (cell, *_rest) = benchmarked(indicator("bevoelkerung"), areas, district, public=False)
    assert cell.kreis is not None and cell.kreis.value == 61411  # the Kreis comparator exists at that day
    later = compute(indicator("bevoelkerung"), areas, GV100AD_DAY, public=False)
    assert sum(v.has_value for v in later) == 3  # still there when asked for
    assert overview(district, "gemeinde", public=False).periods["bevoelkerung"] == ZENSUS_DAY


def test_a_later_table_of_half_the_gemeinden_is_the_default_stichtag(
    district: District, real_statistics: object
) -> None:
    load_gv100ad_population(16)
    values = compute(indicator("bevoelkerung"), gemeinde_areas(district), public=False)
    assert {v.period for v in values} == {GV100AD_DAY}


def test_without_half_the_areas_the_stichtag_with_most_values_wins_and_ties_go_to_the_later(
    district: District, real_statistics: object
) -> None:
    three = load_gv100ad_population(3)
    areas = gemeinde_areas(district)
    census = Observation.objects.filter(dataset__code="1000A-0000", region__in=district.gemeinden())
    # The Zensus for four Gemeinden only: 4 values on 15.05.2022 beat 3 on 31.12.2022.
    keep = [*three, district.gemeinden().get(key="16069024")]  # and Hildburghausen, Stadt
    census.exclude(region__in=keep).delete()
    assert {v.period for v in compute(indicator("bevoelkerung"), areas, public=False)} == {ZENSUS_DAY}
    # Three each: the later.
    census.filter(region__key="16069024").delete()
    assert {v.period for v in compute(indicator("bevoelkerung"), areas, public=False)} == {GV100AD_DAY}


def test_profile_key_numbers_are_taken_where_a_comparator_has_a_value(
    district: District, real_statistics: object
) -> None:
    numbers = {d.code: cell for d, cell in profile(district, kreis_area(district), public=False).key_numbers}
    # Counts are not compared: the population is the newest value (the Kreis's Zensus sum).
    population = numbers["bevoelkerung"]
    assert (population.value.period, population.value.value) == (dt.date(2022, 5, 15), 61411)
    # Ratios are shown where a comparator exists: the Zensus sum has no Land value, 31.12.2018 has both.
    youth = numbers["jugendquotient"]
    assert youth.value.period == STAND_2018
    assert youth.land is not None and youth.land.value is not None
    gemeinde = region_area(Region.objects.get(key="16069024"))
    cell = {d.code: c for d, c in profile(district, gemeinde, public=False).key_numbers}["bevoelkerung"]
    assert cell.value.period == ZENSUS_DAY and cell.kreis is not None and cell.kreis.value == 61411


def test_without_any_comparator_a_profile_takes_the_areas_latest_stichtag(
    district: District, real_statistics: object
) -> None:
    Observation.objects.filter(region__kind=RegionKind.LAND).delete()
    numbers = {d.code: cell for d, cell in profile(district, kreis_area(district), public=False).key_numbers}
    assert (numbers["bevoelkerung"].value.period, numbers["bevoelkerung"].value.value) == (ZENSUS_DAY, 61411)


def test_an_estimate_has_no_interval_and_is_compared_by_point_value(
    district: District, real_statistics: object
) -> None:
    # The Kreis's 2018 rows stand in for an estimate of the Kreis (the Land's stay official).
    estimate = Dataset.objects.create(
        code="schaetzung-test", title="Schätzung", kind=DatasetKind.ESTIMATE, format=DatasetFormat.COMPUTED
    )
    Observation.objects.filter(region=district.region, period=STAND_2018).update(dataset=estimate)
    kreis = kreis_area(district)
    (cell,) = benchmarked(indicator("anteil_65_plus"), [kreis], district, STAND_2018, public=False)
    assert cell.value.estimate and cell.value.lower is None and cell.value.upper is None
    assert cell.land is not None and cell.land.lower is not None  # the official Land value keeps its interval
    assert (cell.vs_land, cell.vs_land_modelled) == ("lower", True)  # 24.9 < 25.7, no significance claimed
    assert not cell.vs_kreis_modelled  # the Kreis itself: not compared at all


def test_a_comparison_by_point_value_ignores_the_polarity_and_the_interval() -> None:
    definition = indicator("wanderungssaldo")  # "higher is better"
    assert definition.polarity == "higher_better" and definition.decimals == 1
    day = STAND_2018
    kreis = IndicatorValue("wanderungssaldo", "16069", day, 1.0)
    higher = IndicatorValue("wanderungssaldo", "16069024", day, 2.0, estimate=True)
    assert comparison(definition, higher, kreis) == "higher"  # not "better"
    assert by_point_value(higher, kreis)
    lower = IndicatorValue("wanderungssaldo", "16069024", day, -2.0, projected=True)
    assert comparison(definition, lower, kreis) == "lower"  # not "worse"
    rounded_equal = IndicatorValue("wanderungssaldo", "16069024", day, 1.04, estimate=True)
    assert comparison(definition, rounded_equal, kreis) == "similar"  # "1,0" both
    share = indicator("anteil_65_plus")
    official = IndicatorValue("anteil_65_plus", "16069024", day, 30.0, lower=29.0, upper=31.0)
    estimated_kreis = IndicatorValue("anteil_65_plus", "16069", day, 25.0, estimate=True)
    assert comparison(share, official, estimated_kreis) == "higher" and by_point_value(official, estimated_kreis)
    assert not by_point_value(official, IndicatorValue("anteil_65_plus", "16069", day, 25.0))
    assert not by_point_value(higher, None)
