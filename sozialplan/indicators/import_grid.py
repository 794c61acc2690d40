"""Preview and import of a Zensus grid tile (``GridTable``): the cells are stored by the estimation service.

A grid has no region keys: its cells are squares in EPSG:3035. The preview
counts the cells and persons of the tile and, for a district, the cells whose
centre lies inside the Kreis boundary (the same rule the estimation uses,
:mod:`sozialplan.analysis.grid`). The import hands the tile to
``sozialplan.indicators.estimation.import_grid``, which stores the cells.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from sozialplan.audit.services import record
from sozialplan.indicators.models import Dataset, DatasetFormat
from sozialplan.regions.models import District

if TYPE_CHECKING:
    from sozialplan.indicators.importing import ImportResult
    from sozialplan.sources.zensus_grid import GridTable

Actor = AbstractBaseUser | AnonymousUser | None


@dataclass
class GridPreview:
    """What importing a grid tile would store (nothing is written).

    ``cells_inside``/``persons_inside`` are ``None`` without a district or
    when the Kreis has no boundary.
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
        preview.district_name = district.name
    return preview


def import_grid_table(
    table: GridTable, *, user: Actor, file_name: str, sha256: str, district: District | None = None
) -> ImportResult:
    """Store the tile through the estimation service; the dataset keeps the file name and checksum (audited)."""
    from sozialplan.indicators.estimation import import_grid
    from sozialplan.indicators.importing import ImportResult

    with transaction.atomic():
        dataset = import_grid(table, user=user if isinstance(user, AbstractBaseUser) else None)
        if (dataset.file_name, dataset.sha256) != (file_name[:255], sha256[:64]):
            dataset.file_name, dataset.sha256 = file_name[:255], sha256[:64]
            Dataset.objects.filter(pk=dataset.pk).update(file_name=dataset.file_name, sha256=dataset.sha256)
        result = ImportResult(dataset=dataset, grid_cells=len(table.cells))
        record(actor=user, district=district, action="imported", obj=dataset, note=result.summary())
    return result
