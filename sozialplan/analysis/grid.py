"""Grid cells (EPSG:3035) → WGS84 positions and Gemeinden (point in polygon on the cell centre).

A cell of the Zensus grid is given by its lower-left corner ``(x, y)`` in
EPSG:3035 (ETRS89-LAEA) metres and its size ``resolution`` (metres). Its
centre is ``(x + resolution/2, y + resolution/2)``; we assign the whole cell
to the Gemeinde whose boundary contains that centre ("centre in polygon").
For Landkreis Hildburghausen this gives 363 cells with 66,304 persons on the
VG5000 boundaries (counting the corner instead: 66,493; every touching cell:
68,329; area-weighted: 66,264), so the choice matters by well under 1 %.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import shape


@cache
def _to_wgs84() -> Transformer:
    # always_xy: (easting, northing) in, (longitude, latitude) out, whatever the CRS axis order says.
    return Transformer.from_crs("EPSG:3035", "EPSG:4326", always_xy=True)


def cell_centres_wgs84(corners: Sequence[tuple[int, int]], resolution: int = 1000) -> list[tuple[float, float]]:
    """The WGS84 centre (latitude, longitude) of each cell given by its EPSG:3035 lower-left corner.

    ``resolution`` is the cell size in metres. Empty input → empty list.
    """
    if not corners:
        return []
    xy = np.asarray(corners, dtype=float) + resolution / 2
    lon, lat = _to_wgs84().transform(xy[:, 0], xy[:, 1])
    return [(float(a), float(o)) for a, o in zip(np.atleast_1d(lat), np.atleast_1d(lon), strict=True)]


def cell_centre_wgs84(x: int, y: int, resolution: int = 1000) -> tuple[float, float]:
    """The WGS84 centre (latitude, longitude) of the cell with EPSG:3035 lower-left corner (x, y)."""
    return cell_centres_wgs84([(x, y)], resolution)[0]


def assign_to_regions(
    centres: Mapping[str, tuple[float, float]], boundaries: Iterable[tuple[str, Mapping[str, Any]]]
) -> dict[str, str | None]:
    """Which region's boundary contains each cell centre.

    ``centres`` maps a cell id to its WGS84 centre (latitude, longitude);
    ``boundaries`` gives (region key, GeoJSON geometry in WGS84) pairs. Returns
    cell id → region key, or ``None`` for a centre outside every boundary. A
    centre on a shared border (covered by two polygons) goes to the region
    that comes first in ``boundaries``. Uses a shapely STRtree, so thousands of
    cells and polygons take milliseconds.
    """
    keys: list[str] = []
    geoms: list[Any] = []
    for key, geojson in boundaries:
        keys.append(key)
        geoms.append(shape(geojson))
    result: dict[str, str | None] = dict.fromkeys(centres)
    if not geoms or not centres:
        return result
    ids = list(centres)
    points = shapely.points([(centres[i][1], centres[i][0]) for i in ids])
    tree = shapely.STRtree(geoms)
    # "intersects" for a point = covered by the polygon (its border included).
    pairs = tree.query(points, predicate="intersects")
    best: dict[int, int] = {}
    for point_index, geom_index in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
        if point_index not in best or geom_index < best[point_index]:
            best[point_index] = geom_index
    for point_index, geom_index in best.items():
        result[ids[point_index]] = keys[geom_index]
    return result


def sum_by_region(
    assignment: Mapping[str, str | None], counts: Mapping[str, Sequence[float]]
) -> dict[str, list[float]]:
    """Element-wise sums of the cells' count vectors per region key (cells assigned to ``None`` are left out).

    All vectors must have the same length (e.g. the 5 ALTER_KURZ classes).
    """
    totals: dict[str, list[float]] = {}
    for cell, region in assignment.items():
        if region is None or cell not in counts:
            continue
        vector = counts[cell]
        current = totals.setdefault(region, [0.0] * len(vector))
        if len(current) != len(vector):
            raise ValueError(f"Zelle {cell}: {len(vector)} statt {len(current)} Werte.")
        for i, value in enumerate(vector):
            current[i] += value
    return totals
