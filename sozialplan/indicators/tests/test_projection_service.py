from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings

from sozialplan.indicators.models import Dataset, DatasetFormat, DatasetKind, Observation
from sozialplan.indicators.population_inputs import MissingDataError
from sozialplan.indicators.projection_service import project_gemeinden
from sozialplan.regions.models import District, Region, RegionKind
from sozialplan.sources.projection_csv import read_projection_csv
from sozialplan.sources.statistics import Measure, StatValue
from tests.statistics import ZENSUS_DAY

STATISTICS = Path(settings.DATA_DIR) / "statistics"
PROJECTION = STATISTICS / "12421-0003_laender_2022-2070.csv"
ZENSUS_LAENDER = STATISTICS / "1000A-2022_1773175355216_de_flat.csv"


@cache
def thueringen_projection() -> tuple[StatValue, ...]:
    table = read_projection_csv(PROJECTION.name, PROJECTION.read_bytes())
    return tuple(v for v in table.values if v.region_key == "16")


@cache
def thueringen_zensus_total() -> float:
    """Thüringen on 15.05.2022, all ages and all Einwanderungsgeschichte (Zensus 2022, 1000A-2022)."""
    with ZENSUS_LAENDER.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f, delimiter=";"):
            codes = (
                row["1_variable_attribute_code"],
                row["2_variable_attribute_code"],
                row["3_variable_attribute_code"],
            )
            if codes == ("16", "", ""):
                return float(row["value"])
    raise AssertionError("Thüringen fehlt in 1000A-2022")


def load_land_inputs() -> Region:
    """Land Thüringen with its official projection (12421-0003) and its Zensus 2022 total (1000A-2022)."""
    land = Region.objects.get(kind=RegionKind.LAND, key="16")
    projection = Dataset.objects.create(
        code="12421-0003", title="Vorausberechnung", kind=DatasetKind.PROJECTION, format=DatasetFormat.PROJECTION_CSV
    )
    Observation.objects.bulk_create(
        Observation(
            dataset=projection, region=land, measure=v.measure, period=v.period, variant=v.variant, value=v.value
        )
        for v in thueringen_projection()
    )
    zensus = Dataset.objects.create(code="1000A-2022", title="Zensus 2022", format=DatasetFormat.GENESIS_FFCSV)
    Observation.objects.create(
        dataset=zensus, region=land, measure=Measure.POPULATION, period=ZENSUS_DAY, value=thueringen_zensus_total()
    )
    return land


@pytest.fixture
def land_inputs(real_statistics: tuple[Dataset, Dataset]) -> Region:
    return load_land_inputs()


def land_value(year: int, variant: str = "G2L2W1") -> float:
    (value,) = [v.value for v in thueringen_projection() if v.variant == variant and v.period == dt.date(year, 12, 31)]
    assert value is not None
    return value


def test_it_projects_each_gemeinde_with_its_share_of_the_land(land_inputs: Region, district: District) -> None:
    dataset = project_gemeinden("16069", years=[2030, 2035, 2040])
    assert (dataset.code, dataset.kind) == ("vorausberechnung-gemeinden-16069-G2L2W1", DatasetKind.PROJECTION)
    town = Region.objects.get(key="16069024")  # Hildburghausen, Stadt: 11,684 on 15.05.2022
    value = Observation.objects.get(dataset=dataset, region=town, period=dt.date(2030, 12, 31))
    assert thueringen_zensus_total() == 2_110_396
    assert value.value == pytest.approx(11_684 / 2_110_396 * land_value(2030))
    assert value.variant == "G2L2W1"


def test_it_stores_every_year_to_the_horizon_for_the_gemeinden_and_the_kreis(
    land_inputs: Region, district: District
) -> None:
    dataset = project_gemeinden("16069", years=[2030, 2040])
    periods = sorted(set(dataset.observations.values_list("period", flat=True)))
    assert periods == [dt.date(year, 12, 31) for year in range(2022, 2041)]
    assert dataset.observations.count() == 19 * (32 + 1) == dataset.observation_count


def test_it_makes_the_kreis_the_sum_of_its_gemeinden(land_inputs: Region, district: District) -> None:
    dataset = project_gemeinden("16069", years=[2035])
    period = dt.date(2035, 12, 31)
    kreis = dataset.observations.get(region=district.region, period=period).value
    gemeinden = dataset.observations.filter(region__kind=RegionKind.GEMEINDE, period=period)
    census = sum(g.census_population or 0 for g in district.gemeinden())
    assert census == 61_411
    assert kreis == pytest.approx(sum(o.value or 0.0 for o in gemeinden))
    assert kreis == pytest.approx(census / 2_110_396 * land_value(2035))


def test_it_explains_the_method_and_why_the_shares_stay_constant(land_inputs: Region) -> None:
    dataset = project_gemeinden("16069", years=[2030])
    assert dataset.method.startswith("Anteilsmethode:")
    assert "12421-0003" in dataset.method and "Variante G2L2W1" in dataset.method
    assert "keinen früheren Stichtag derselben Statistik (1000A-0000)" in dataset.method
    assert "keinen gültigen Trend" in dataset.method


def test_it_uses_another_variant_when_asked(land_inputs: Region) -> None:
    dataset = project_gemeinden("16069", years=[2030], variant="G1L3W1")
    assert dataset.code == "vorausberechnung-gemeinden-16069-G1L3W1"
    assert set(dataset.observations.values_list("variant", flat=True)) == {"G1L3W1"}


def test_it_replaces_its_values_when_run_again(land_inputs: Region) -> None:
    first = project_gemeinden("16069", years=[2030])
    again = project_gemeinden("16069", years=[2030])
    assert again.pk == first.pk
    assert again.observations.count() == first.observation_count


def test_it_asks_for_the_land_projection_first(real_statistics: tuple[Dataset, Dataset]) -> None:
    with pytest.raises(MissingDataError, match="12421-0003 importieren"):
        project_gemeinden("16069", years=[2030])


def test_it_asks_for_the_land_total_on_the_base_date(land_inputs: Region) -> None:
    Observation.objects.filter(dataset__code="1000A-2022").delete()
    with pytest.raises(MissingDataError, match=r"Einwohnerzahl von Thüringen am 15\.05\.2022 fehlt"):
        project_gemeinden("16069", years=[2030])


def test_it_refuses_a_year_beyond_the_land_projection(land_inputs: Region) -> None:
    with pytest.raises(MissingDataError, match="reicht nicht für 2071"):
        project_gemeinden("16069", years=[2071])
