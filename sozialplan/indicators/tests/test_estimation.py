from __future__ import annotations

import functools
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings

from sozialplan.indicators.estimation import estimate_gemeinde_ages, import_grid
from sozialplan.indicators.models import Dataset, DatasetKind, GridCell, Observation
from sozialplan.indicators.population_inputs import MissingDataError
from sozialplan.regions.models import District, Region
from sozialplan.sources.zensus_grid import GridTable, read_zensus_grid
from tests.statistics import AGE_GROUPS_17, STAND_2018, ZENSUS_DAY

GRID = Path(settings.DATA_DIR) / "statistics" / "zensus2011_grid" / "ALTER_KURZcsv_1000m_3_3.csv"


@cache
@functools.cache
def tile() -> GridTable:
    """The real Zensus 2011 tile 3/3 (parsed once per test process)."""
    return read_zensus_grid(GRID.name, GRID.read_bytes())


@pytest.fixture
def grid(district: District) -> Dataset:
    """The real tile's cells in Landkreis Hildburghausen."""
    return import_grid(tile(), gemeinden=district.gemeinden())


def test_it_stores_363_cells_with_66304_persons_in_landkreis_hildburghausen(grid: Dataset) -> None:
    cells = GridCell.objects.filter(dataset=grid)
    assert grid.code == "zensus2011-grid-ALTER_KURZ-1km"
    assert cells.count() == 363
    assert sum(c.total for c in cells) == 66304
    town = cells.get(cell_id="1kmN3035E4372")
    assert town.gemeinde is not None and town.gemeinde.name.startswith("Hildburghausen")
    assert (town.x, town.y, town.total) == (4_372_000, 3_035_000, 3660)
    assert town.latitude == pytest.approx(50.43, abs=0.01)


def test_it_imports_the_grid_again_without_duplicates(grid: Dataset, district: District) -> None:
    again = import_grid(tile(), gemeinden=district.gemeinden())
    assert again.pk == grid.pk
    assert GridCell.objects.filter(dataset=grid).count() == 363


def test_it_fits_the_estimate_to_the_gemeinde_totals_and_the_kreis_age_groups(
    grid: Dataset, real_statistics: tuple[Dataset, Dataset], district: District
) -> None:
    dataset = estimate_gemeinde_ages("16069")
    assert dataset.kind == DatasetKind.ESTIMATE
    assert dataset.code == "schaetzung-alter-16069"
    gemeinden = list(district.gemeinden())
    estimates = Observation.objects.filter(dataset=dataset, sex="")
    assert {o.period for o in estimates} == {ZENSUS_DAY}
    assert not estimates.filter(age_from=0, age_to=999).exists()
    by_gemeinde: dict[int, float] = defaultdict(float)
    by_band: dict[tuple[int, int], float] = defaultdict(float)
    for o in estimates:
        by_gemeinde[o.region_id] += o.value or 0.0
        by_band[(o.age_from, o.age_to)] += o.value or 0.0
    assert len(by_gemeinde) == 32
    for gemeinde in gemeinden:
        assert by_gemeinde[gemeinde.pk] == pytest.approx(gemeinde.census_population)
    kreis = Observation.objects.filter(dataset=real_statistics[0], region=district.region, period=STAND_2018)
    kreis_2018 = {(o.age_from, o.age_to, o.sex): o.value or 0.0 for o in kreis}
    zensus_sum = sum(g.census_population or 0 for g in gemeinden)
    kreis_total = sum(kreis_2018[(a, b, s)] for a, b in AGE_GROUPS_17 for s in "mw")
    for band in AGE_GROUPS_17:
        share = (kreis_2018[(*band, "m")] + kreis_2018[(*band, "w")]) / kreis_total
        assert by_band[band] == pytest.approx(share * zensus_sum)


def test_it_estimates_an_older_population_in_the_town_of_hildburghausen_than_in_the_kreis(
    grid: Dataset, real_statistics: tuple[Dataset, Dataset], district: District
) -> None:
    dataset = estimate_gemeinde_ages("16069")
    values = {(o.region_id, o.age_from, o.sex): o.value or 0.0 for o in dataset.observations.all()}
    assert len(values) == 32 * 17 * 3  # 17 age groups × (m, w, insgesamt) per Gemeinde
    for (region, age_from, sex), value in values.items():
        if sex == "":
            assert values[(region, age_from, "m")] + values[(region, age_from, "w")] == pytest.approx(value)
    town = Region.objects.get(key="16069024")  # Hildburghausen, Stadt: 11,684 on 15.05.2022
    old = sum(v for (region, age_from, sex), v in values.items() if region == town.pk and sex == "" and age_from >= 65)
    kreis_old = sum(v for (_, age_from, sex), v in values.items() if sex == "" and age_from >= 65)
    # the Kreis's share of 65+ on 31.12.2018 is 24.90 %; the town's grid cells were older in 2011
    assert kreis_old / 61_411 == pytest.approx(0.2490, abs=5e-5)
    assert old / 11_684 == pytest.approx(0.2531, abs=5e-5)
    assert "31.12.2018" in dataset.vintage and "15.05.2022" in dataset.vintage and "09.05.2011" in dataset.vintage
    assert "iterative proportionale Anpassung" in dataset.method


def test_it_gives_a_gemeinde_without_grid_cells_the_structure_of_the_kreis_as_seed(
    grid: Dataset, real_statistics: tuple[Dataset, Dataset]
) -> None:
    ahlstaedt = Region.objects.get(key="16069001")  # 1 cell; 121 inhabitants on 15.05.2022
    GridCell.objects.filter(gemeinde=ahlstaedt).delete()
    dataset = estimate_gemeinde_ages("16069")
    estimates = dataset.observations.filter(region=ahlstaedt, sex="")
    assert sum(o.value or 0.0 for o in estimates) == pytest.approx(121)
    assert "Ohne Gitterzellen (Altersstruktur des Kreises übernommen): Ahlstädt." in dataset.method


def test_it_replaces_its_values_when_run_again(grid: Dataset, real_statistics: tuple[Dataset, Dataset]) -> None:
    first = estimate_gemeinde_ages("16069")
    count = first.observations.count()
    assert estimate_gemeinde_ages("16069").observations.count() == count == first.observation_count


def test_it_asks_for_the_grid_first(real_statistics: tuple[Dataset, Dataset]) -> None:
    with pytest.raises(MissingDataError, match="Gitter importieren"):
        estimate_gemeinde_ages("16069")


def test_it_asks_for_the_kreis_age_table_first(grid: Dataset) -> None:
    with pytest.raises(MissingDataError, match="12411-02-03-5-B"):
        estimate_gemeinde_ages("16069")


def test_it_reports_a_kreis_that_is_not_in_the_database(db: None) -> None:
    with pytest.raises(MissingDataError, match="gibt es nicht"):
        estimate_gemeinde_ages("09999")
