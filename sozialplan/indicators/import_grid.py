"""Preview and import of a Zensus grid tile (``GridTable``): the cells are stored by the estimation service.

A grid has no region keys: its cells are squares in EPSG:3035. The preview
counts the cells and persons of the tile and, for a district, the cells whose
centre lies inside the Kreis boundary (the same rule the estimation uses,
:mod:`sozialplan.analysis.grid`). The import hands the tile to
``sozialplan.indicators.estimation.import_grid``, which stores the cells.

Through the upload form (a ``district``) only cells in the district's
Gemeinden are stored, and the cells other districts stored from the same
tile stay: ``estimation.import_grid`` replaces every cell of the tile, so
those cells are put back unchanged in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import QuerySet

from sozialplan.audit.services import record
from sozialplan.indicators.import_scope import local_grid_cells
from sozialplan.indicators.models import Dataset, DatasetFormat, GridCell
from sozialplan.regions.models import District

if TYPE_CHECKING:
    from sozialplan.indicators.importing import ImportResult
    from sozialplan.sources.zensus_grid import GridTable

Actor = AbstractBaseUser | AnonymousUser | None


@dataclass
class GridPreview:
    """What importing a grid tile would store (nothing is written).

    ``cells_inside``/``persons_inside`` are ``None`` without a district or
    when the Kreis has no boundary; ``district_name`` is set for the upload
    form, which stores only the cells in the district's Gemeinden.
    """

    code: str
    title: str
    format_label: str
    source: str
    licence: str
    period: dt.date
    cells: int
    persons: int
    tile: str
    notes: list[str] = field(default_factory=list)
    cells_inside: int | None = None
    persons_inside: int | None = None
    district_name: str = ""
    existing: Dataset | None = None
    is_grid: bool = True


def grid_preview(table: GridTable, *, district: District | None = None) -> GridPreview:
    """Cells and persons of the tile, and of them inside ``district`` (centre in the Kreis boundary)."""
    from sozialplan.indicators.estimation import grid_dataset_code

    code = grid_dataset_code(table)
    preview = GridPreview(
        code=code,
        title=table.title,
        format_label=str(DatasetFormat.ZENSUS_GRID.label),
        source=table.source,
        licence=table.licence,
        period=table.period,
        cells=len(table.cells),
        persons=sum(c.total for c in table.cells),
        tile=f"{table.tile_x}/{table.tile_y}",
        notes=list(table.notes),
        existing=Dataset.objects.filter(code=code).first(),
    )
    boundary = district.region.boundary if district is not None else None
    if district is not None:
        preview.district_name = district.name
    if district is not None and boundary:
        from sozialplan.analysis.grid import assign_to_regions, cell_centres_wgs84

        centres = cell_centres_wgs84([(c.x, c.y) for c in table.cells], table.resolution)
        assigned = assign_to_regions(
            {c.cell_id: centre for c, centre in zip(table.cells, centres, strict=True)},
            [(district.region.key, boundary)],
        )
        inside = [c for c in table.cells if assigned.get(c.cell_id)]
        preview.cells_inside = len(inside)
        preview.persons_inside = sum(c.total for c in inside)
    return preview


def import_grid_table(
    table: GridTable, *, user: Actor, file_name: str, sha256: str, district: District | None = None
) -> ImportResult:
    """Store the tile through the estimation service; the dataset keeps the file name and checksum (audited).

    With ``district`` only the cells in its Gemeinden are stored or replaced
    (see the module docstring); the audit entry is filed under it.
    """
    from sozialplan.indicators.estimation import grid_dataset_code, import_grid
    from sozialplan.indicators.importing import ImportResult

    actor = user if isinstance(user, AbstractBaseUser) else None
    with transaction.atomic():
        if district is None:
            dataset = import_grid(table, user=actor)
            stored = _in_tile(dataset, table).count()  # only cells inside a stored Gemeinde are kept
        else:
            others = _other_cells(grid_dataset_code(table), table, district)
            dataset = import_grid(table, user=actor, gemeinden=district.gemeinden().filter(boundary__isnull=False))
            taken = set(_in_tile(dataset, table).values_list("cell_id", flat=True))  # all new, all in the district
            stored = len(taken)
            GridCell.objects.bulk_create([c for c in others if c.cell_id not in taken], batch_size=1000)
            dataset.observation_count = dataset.grid_cells.count()
            Dataset.objects.filter(pk=dataset.pk).update(observation_count=dataset.observation_count)
        if (dataset.file_name, dataset.sha256) != (file_name[:255], sha256[:64]):
            dataset.file_name, dataset.sha256 = file_name[:255], sha256[:64]
            Dataset.objects.filter(pk=dataset.pk).update(file_name=dataset.file_name, sha256=dataset.sha256)
        result = ImportResult(dataset=dataset, grid_cells=stored)
        record(actor=user, district=district, action="imported", obj=dataset, note=result.summary())
    return result


def _other_cells(code: str, table: GridTable, district: District) -> list[GridCell]:
    """Unsaved copies of the stored cells of this tile outside the district (to put back after the import)."""
    dataset = Dataset.objects.filter(code=code).first()
    if dataset is None:
        return []
    cells = list(_in_tile(dataset, table).exclude(pk__in=local_grid_cells(dataset, district).values("pk")))
    for cell in cells:
        cell.pk = None
    return cells


def _in_tile(dataset: Dataset, table: GridTable) -> QuerySet[GridCell]:
    """The dataset's cells inside the tile's extent (what ``estimation.import_grid`` replaces)."""
    x0, y0, x1, y1 = table.extent
    return dataset.grid_cells.filter(x__gte=x0, x__lt=x1, y__gte=y0, y__lt=y1)
