"""Small-area estimation of age groups per Gemeinde from the Zensus grid (see docs/small-area-methods.md).

No file we have publishes age groups per Gemeinde. We estimate them:

1. :func:`import_grid` stores the Zensus 2011 grid cells (5 age classes)
   whose centre lies in a Gemeinde of the database (centre in polygon).
2. :func:`estimate_gemeinde_ages` builds, per Kreis, a seed table Gemeinde ×
   (sex ×) 17 age groups from the Gemeinde's cells, splitting each coarse
   class into the Kreis's fine groups, and fits it by iterative proportional
   fitting to today's margins: each Gemeinde's total (Zensus 2022) and the
   Kreis's age groups scaled to the sum of these totals.

The result is stored as an estimate (``DatasetKind.ESTIMATE``) with the method
and the data vintages, so an imported official Gemeinde table replaces it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Sum

from sozialplan.analysis.grid import assign_to_regions, cell_centres_wgs84
from sozialplan.analysis.ipf import ipf
from sozialplan.indicators.models import Dataset, DatasetFormat, DatasetKind, GridCell, Observation
from sozialplan.indicators.population_inputs import (
    AgeStructure,
    Band,
    MissingDataError,
    PopulationTotals,
    current_gemeinden,
    gemeinde_totals,
    kreis_age_structure,
    kreis_region,
)
from sozialplan.regions.models import Region
from sozialplan.sources.statistics import Measure, Sex
from sozialplan.sources.zensus_grid import ALTER_KURZ_CLASSES, ZENSUS_2011_DAY, GridTable

CLASS_FIELDS = [name for name, _, _ in GridCell.CLASS_FIELDS]


def grid_dataset_code(table: GridTable) -> str:
    """E.g. ``zensus2011-grid-ALTER_KURZ-1km``."""
    size = f"{table.resolution // 1000}km" if table.resolution % 1000 == 0 else f"{table.resolution}m"
    return f"zensus2011-grid-{table.dataset_code}-{size}"


@transaction.atomic
def import_grid(
    table: GridTable, *, user: AbstractBaseUser | None = None, gemeinden: Iterable[Region] | None = None
) -> Dataset:
    """Store the cells of a grid tile whose centre lies in a Gemeinde boundary; atomic and idempotent.

    ``gemeinden`` defaults to all Gemeinden valid today that have a boundary.
    Cells outside every boundary are not stored. Re-importing a tile replaces
    the dataset's cells inside that tile (cells of other tiles stay), so a
    Kreis on two tiles is imported tile by tile.
    """
    candidates = (
        gemeinden if gemeinden is not None else Region.objects.gemeinden().valid_on().filter(boundary__isnull=False)
    )
    regions = [g for g in candidates if g.boundary]
    corners = [(c.x, c.y) for c in table.cells]
    centres = dict(zip((c.cell_id for c in table.cells), cell_centres_wgs84(corners, table.resolution), strict=True))
    assignment = assign_to_regions(centres, [(str(g.pk), g.boundary) for g in regions if g.boundary])
    dataset, _ = Dataset.objects.update_or_create(
        code=grid_dataset_code(table),
        defaults={
            "title": table.title,
            "kind": DatasetKind.OFFICIAL,
            "format": DatasetFormat.ZENSUS_GRID,
            "source": table.source,
            "licence": table.licence,
            "vintage": f"Stichtag {table.period:%d.%m.%Y} (Zensus 2011), Gitter {table.resolution} m, EPSG:3035",
            "method": " ".join(table.notes),
            "file_name": table.file_name,
            "imported_by": user if user is not None and user.is_authenticated else None,
        },
    )
    x0, y0, x1, y1 = table.extent
    dataset.grid_cells.filter(x__gte=x0, x__lt=x1, y__gte=y0, y__lt=y1).delete()
    cells: list[GridCell] = []
    for record in table.cells:
        region_pk = assignment.get(record.cell_id)
        if region_pk is None:
            continue
        lat, lon = centres[record.cell_id]
        counts = {name: value for name, (_, _, value) in zip(CLASS_FIELDS, record.counts, strict=True)}
        cells.append(
            GridCell(
                dataset=dataset,
                cell_id=record.cell_id,
                x=record.x,
                y=record.y,
                latitude=lat,
                longitude=lon,
                gemeinde_id=int(region_pk),
                total=record.total,
                **counts,
            )
        )
    GridCell.objects.bulk_create(cells, batch_size=1000)
    dataset.observation_count = dataset.grid_cells.count()
    dataset.save(update_fields=["observation_count"])
    return dataset


def grid_counts(gemeinden: Sequence[Region]) -> tuple[dict[int, list[float]], str]:
    """Per Gemeinde pk the grid's 5 class sums, from the newest grid dataset with cells there; and its code."""
    cells = GridCell.objects.filter(gemeinde__in=gemeinden)
    latest = cells.order_by("-dataset__imported_at").values_list("dataset_id", "dataset__code").first()
    if latest is None:
        raise MissingDataError(
            "Für diese Gemeinden gibt es keine Zellen des Zensus-Gitters; bitte zuerst das Gitter importieren "
            "(sozialplan import-statistics data/statistics/zensus2011_grid/ALTER_KURZcsv_1000m_3_3.csv)."
        )
    rows = cells.filter(dataset_id=latest[0]).values("gemeinde_id").annotate(**{f: Sum(f) for f in CLASS_FIELDS})
    return {int(r["gemeinde_id"]): [float(r[f]) for f in CLASS_FIELDS] for r in rows}, latest[1]


def seed_table(
    gemeinden: Sequence[Region], counts: dict[int, list[float]], ages: AgeStructure
) -> tuple[np.ndarray, list[tuple[str, Band]]]:
    """The IPF seed: rows = Gemeinden, columns = (sex, age band) of the Kreis table.

    Grid class ``c`` of a Gemeinde is split into the fine bands ``g ⊂ c`` (and
    sexes) in proportion to the Kreis: ``seed[i, (s, g)] = grid_i[c] · K[s][g] /
    Σ_{s', g' ⊂ c} K[s'][g']``. A Gemeinde without grid persons gets the Kreis
    structure ``K[s][g]`` itself.
    """
    columns = [(sex, band) for sex in ages.sexes for band in ages.bands]
    class_of = [_class_index(band) for _, band in columns]
    kreis = np.array([ages.by_sex[sex][band] for sex, band in columns])
    class_totals = np.zeros(len(ALTER_KURZ_CLASSES))
    np.add.at(class_totals, class_of, kreis)
    within = np.divide(kreis, class_totals[class_of], out=np.zeros_like(kreis), where=class_totals[class_of] > 0)
    seed = np.zeros((len(gemeinden), len(columns)))
    for i, gemeinde in enumerate(gemeinden):
        grid = np.array(counts.get(gemeinde.pk, [0.0] * len(ALTER_KURZ_CLASSES)))
        seed[i] = grid[class_of] * within if grid.sum() > 0 else kreis
    return seed, columns


def _class_index(band: Band) -> int:
    for index, (lower, upper) in enumerate(ALTER_KURZ_CLASSES):
        if lower <= band[0] and band[1] <= upper:
            return index
    raise MissingDataError(f"Die Altersgruppe {band[0]}–{band[1]} liegt nicht in einer Altersklasse des Gitters.")


@transaction.atomic
def estimate_gemeinde_ages(kreis_key: str, *, user: AbstractBaseUser | None = None) -> Dataset:
    """Estimate age groups (by sex where the Kreis table has sexes) for every Gemeinde of the Kreis; idempotent.

    Stores, per Gemeinde, the Kreis table's age bands for both sexes and in
    total (``sex=""`` = m + w) on the date of the Gemeinde totals, as dataset
    ``schaetzung-alter-<kreis>`` (kind estimate). The all-ages total is not
    stored: the official one exists. ``MissingDataError`` (German) if the
    grid, the Kreis's age table or the Gemeinde totals are missing.
    """
    kreis = kreis_region(kreis_key)
    gemeinden = current_gemeinden(kreis_key)
    ages = kreis_age_structure(kreis)
    totals = gemeinde_totals(gemeinden)
    counts, grid_code = grid_counts(gemeinden)
    seed, columns = seed_table(gemeinden, counts, ages)
    rows = np.array([totals.values[g.pk] for g in gemeinden])
    kreis_values = np.array([ages.by_sex[sex][band] for sex, band in columns])
    targets = kreis_values / kreis_values.sum() * rows.sum()
    result = ipf(seed, rows, targets, tol=1e-10, max_iter=5000)
    if not result.converged:
        raise MissingDataError(
            f"Die Anpassung (IPF) ist nach {result.iterations} Schritten nicht konvergiert "
            f"(Abweichung {result.max_error:.3g} Personen)."
        )
    without_cells = [g.name for g in gemeinden if sum(counts.get(g.pk, [])) <= 0]
    dataset, _ = Dataset.objects.update_or_create(
        code=f"schaetzung-alter-{kreis_key}",
        defaults={
            "title": f"Bevölkerung nach Altersgruppen je Gemeinde, {kreis.name} (Schätzung)",
            "kind": DatasetKind.ESTIMATE,
            "format": DatasetFormat.COMPUTED,
            "source": "eigene Schätzung (sozialplan) aus Zensus 2011 (Gitter), "
            f"{ages.dataset_code} und {totals.source}",
            "licence": "dl-de/by-2-0 (Quelldaten)",
            "method": method_text(ages, totals, grid_code, without_cells, sexes=len(ages.sexes) > 1),
            "vintage": (
                f"Gitter {ZENSUS_2011_DAY:%d.%m.%Y}, Altersgruppen des Kreises {ages.period:%d.%m.%Y}, "
                f"Einwohner {totals.period:%d.%m.%Y}"
            ),
            "imported_by": user if user is not None and user.is_authenticated else None,
        },
    )
    dataset.observations.all().delete()
    observations = _observations(dataset, gemeinden, columns, result.matrix, totals.period)
    Observation.objects.bulk_create(observations, batch_size=1000)
    dataset.observation_count = len(observations)
    dataset.save(update_fields=["observation_count"])
    return dataset


def _observations(
    dataset: Dataset, gemeinden: Sequence[Region], columns: list[tuple[str, Band]], matrix: np.ndarray, period: dt.date
) -> list[Observation]:
    observations: list[Observation] = []
    for i, gemeinde in enumerate(gemeinden):
        by_band: dict[Band, float] = {}
        for j, (sex, band) in enumerate(columns):
            value = float(matrix[i, j])
            by_band[band] = by_band.get(band, 0.0) + value
            if sex != Sex.TOTAL:
                observations.append(_observation(dataset, gemeinde, period, sex, band, value))
        observations.extend(_observation(dataset, gemeinde, period, Sex.TOTAL, b, v) for b, v in by_band.items())
    return observations


def _observation(dataset: Dataset, region: Region, period: dt.date, sex: str, band: Band, value: float) -> Observation:
    return Observation(
        dataset=dataset,
        region=region,
        measure=Measure.POPULATION,
        period=period,
        sex=sex,
        age_from=band[0],
        age_to=band[1],
        value=value,
    )


def method_text(
    ages: AgeStructure, totals: PopulationTotals, grid_code: str, without_cells: Sequence[str], *, sexes: bool
) -> str:
    """The German method description stored with the estimate."""
    groups = f"{len(ages.bands)} Altersgruppen" + (" nach Geschlecht" if sexes else "")
    text = (
        f"Schätzung (kleinräumige Schätzung, iterative proportionale Anpassung). Daten: Zensus 2011, 1-km-Gitter "
        f"mit 5 Altersklassen (Stichtag {ZENSUS_2011_DAY:%d.%m.%Y}, Datensatz {grid_code}); {groups} des Kreises "
        f"am {ages.period:%d.%m.%Y} ({ages.dataset_code}); Einwohner je Gemeinde am {totals.period:%d.%m.%Y} "
        f"({totals.source}). "
        "Verfahren: Jede Gitterzelle wird der Gemeinde zugeordnet, in deren Grenze (VG5000) ihr Mittelpunkt liegt. "
        "Die 5 Altersklassen der Zellen einer Gemeinde werden im Verhältnis der Altersgruppen des Kreises auf die "
        "feineren Altersgruppen aufgeteilt (Startwerte). Diese Tabelle Gemeinde × Altersgruppe wird mit "
        "iterativer proportionaler Anpassung (IPF) so angepasst, dass jede Gemeinde ihre Einwohnerzahl und die "
        "Summe aller Gemeinden die Altersstruktur des Kreises (Anteile, auf die Summe der Gemeinden "
        "hochgerechnet) ergibt. "
        "Grenzen der Aussagekraft: Das Gitter gibt die Altersstruktur von 2011 wieder, die Altersgruppen des "
        f"Kreises stammen vom {ages.period:%d.%m.%Y}, die Einwohnerzahlen vom {totals.period:%d.%m.%Y}; "
        "Unterschiede der Alterung zwischen den Gemeinden seit 2011 sind nicht enthalten. Kleine Gitterwerte "
        "sind geheimhaltungsbedingt verändert (1 und 2 kommen nicht vor), die Grenzen sind generalisiert "
        "(VG5000); für kleine Gemeinden sind die Werte deshalb unsicher. Werte sind gerundet darzustellen; "
        "eine amtliche Gemeindetabelle ersetzt diese Schätzung."
    )
    if without_cells:
        text += " Ohne Gitterzellen (Altersstruktur des Kreises übernommen): " + ", ".join(without_cells) + "."
    return text
