"""Real official statistics for tests, written straight into Observation rows.

Numbers come from the repository's copies of the official files (no invented
numbers): table 12411-02-03-5-B (31.12.2018, 17 age groups by sex) for the two
test Kreise and Land Thüringen, and the Zensus 2022 population of every
Gemeinde (already on ``Region.census_population`` from 1000A-0000).

This is test setup only; the product reads these files with
``sozialplan.sources`` and imports them with ``sozialplan.indicators.importing``.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from django.conf import settings

from sozialplan.indicators.models import Dataset, DatasetFormat, DatasetKind, Observation
from sozialplan.regions.formats import RegionData, read_region_files
from sozialplan.regions.models import Region, RegionKind
from sozialplan.regions.services import apply_region_data
from sozialplan.sources.statistics import AGE_OPEN, Measure

#: The 17 age groups of table 12411-02-03-5-B as (from, to) with to exclusive.
AGE_GROUPS_17 = (
    (0, 3), (3, 6), (6, 10), (10, 15), (15, 18), (18, 20), (20, 25), (25, 30), (30, 35),
    (35, 40), (40, 45), (45, 50), (50, 55), (55, 60), (60, 65), (65, 75), (75, AGE_OPEN),
)  # fmt: skip
STAND_2018 = dt.date(2018, 12, 31)
ZENSUS_DAY = dt.date(2022, 5, 15)


@functools.cache
def _classic_rows(name: str) -> dict[str, list[str]]:
    path = Path(settings.DATA_DIR) / "statistics" / name
    rows: dict[str, list[str]] = {}
    for line in path.read_text(encoding="latin-1").splitlines()[9:]:
        cells = line.split(";")
        if len(cells) == 56 and cells[0].isdigit():
            rows[cells[0]] = cells
    return rows


def load_real_statistics() -> tuple[Dataset, Dataset]:
    """Write 12411-02-03-5-B (Kreise 16069, 16070, Land 16) and Zensus Gemeinde totals; idempotent."""
    classic, _ = Dataset.objects.update_or_create(
        code="12411-02-03-5-B",
        defaults={
            "title": "Bevölkerung nach Geschlecht und Altersgruppen (17)",
            "kind": DatasetKind.OFFICIAL,
            "format": DatasetFormat.GENESIS_CLASSIC,
            "source": "Statistische Ämter des Bundes und der Länder",
            "licence": "dl-de/by-2-0",
            "vintage": "Stichtag 31.12.2018",
        },
    )
    rows = {**_classic_rows("12411-02-03-5-B_kreise_2018.csv"), **_classic_rows("12411-02-03-5-B_laender_2018.csv")}
    observations: list[Observation] = []
    for key, kind in (("16069", RegionKind.KREIS), ("16070", RegionKind.KREIS), ("16", RegionKind.LAND)):
        region = Region.objects.only("pk").get(kind=kind, key=key)
        cells = rows[key]
        for block, sex in enumerate(("", "m", "w")):
            values = cells[2 + 18 * block : 2 + 18 * (block + 1)]
            bands = [*AGE_GROUPS_17, (0, AGE_OPEN)]
            for (age_from, age_to), text in zip(bands, values, strict=True):
                observations.append(
                    Observation(
                        dataset=classic,
                        region=region,
                        measure=Measure.POPULATION,
                        period=STAND_2018,
                        sex=sex,
                        age_from=age_from,
                        age_to=age_to,
                        value=float(text),
                    )
                )
    census, _ = Dataset.objects.update_or_create(
        code="1000A-0000",
        defaults={
            "title": "Bevölkerung kompakt (Zensus 2022)",
            "kind": DatasetKind.OFFICIAL,
            "format": DatasetFormat.GENESIS_FFCSV,
            "source": "Statistische Ämter des Bundes und der Länder, Zensus 2022",
            "licence": "dl-de/by-2-0",
            "vintage": "Stichtag 15.05.2022",
        },
    )
    gemeinden = Region.objects.filter(kind=RegionKind.GEMEINDE, census_population__isnull=False)
    for region in gemeinden.only("pk", "census_population"):  # not the boundaries (large JSON)
        observations.append(
            Observation(
                dataset=census,
                region=region,
                measure=Measure.POPULATION,
                period=ZENSUS_DAY,
                value=float(region.census_population or 0),
            )
        )
    Observation.objects.filter(dataset__in=[classic, census]).delete()
    Observation.objects.bulk_create(observations)
    for dataset in (classic, census):
        dataset.observation_count = dataset.observations.count()
        dataset.save(update_fields=["observation_count"])
    return classic, census


@functools.cache
def _kreis_region_data(kreis_key: str) -> RegionData:
    """The GV100AD records of one Kreis (and its Land), parsed once per test process (the file is 3.5 MB)."""
    return read_region_files([Path(settings.DATA_DIR) / "regions" / "GV100AD_301123.txt"], only=kreis_key)


def load_kreis_regions(kreis_key: str) -> None:
    """Write the GV100AD regions of another real Kreis (e.g. 16068 Sömmerda, where Riethgen merged)."""
    apply_region_data(_kreis_region_data(kreis_key), only=kreis_key)
