"""Real inputs of the needs benchmark, read straight from the repository's data files (no database).

* :func:`read_pois`: the points of interest of an OSM XML extract (gzip or
  plain), grouped into categories ``key=value`` (``amenity=pharmacy``,
  ``highway=bus_stop`` …). Nodes count at their position, ways (buildings,
  pitches) at the mean of their nodes. The road readers of
  :mod:`sozialplan.sources.osm` keep only roads, so the benchmark reads the
  POIs itself.
* :func:`inspire_cells`: the 1 km cells of the INSPIRE grid (EPSG:3035, the
  grid of the Zensus) that cover a WGS84 bounding box, with their centres:
  the demand points of the nearest-offer benchmark.
* :func:`hildburghausen_inputs`: the 363 Zensus 2011 grid cells of Landkreis
  Hildburghausen with their persons and the real offers of ``data/offers`` at
  their Gemeinde's centre (GV-ISys), the inputs of the 2SFCA benchmark.

Django-free, so the slow cross-check tests in ``sozialplan/analysis/tests``
can use it without a database.
"""

from __future__ import annotations

import gzip
import math
from collections.abc import Iterator
from dataclasses import dataclass
from io import BufferedIOBase
from pathlib import Path
from xml.etree.ElementTree import Element, iterparse

import numpy as np
import shapely
from pyproj import Transformer

from sozialplan.analysis.grid import assign_to_regions, cell_centres_wgs84
from sozialplan.sources.boundaries import read_boundaries
from sozialplan.sources.gv_isys import read_gv_isys
from sozialplan.sources.offers_csv import read_offers_csv
from sozialplan.sources.zensus_grid import cell_id, read_zensus_grid

#: Tag keys whose every value is a POI category (``amenity=kindergarten`` …).
POI_KEYS = ("amenity", "shop", "leisure", "tourism", "healthcare", "office", "craft")
#: Single tags that are POI categories too (public transport stops).
POI_TAGS = frozenset({("highway", "bus_stop"), ("railway", "station"), ("railway", "halt")})

HILDBURGHAUSEN = "16069"
GRID_FILE = Path("statistics") / "zensus2011_grid" / "ALTER_KURZcsv_1000m_3_3.csv"
BOUNDARY_FILE = Path("regions") / "vg5000_gem_thueringen_20210101.geojson"
CENTRE_FILE = Path("regions") / "AuszugGV4QAktuell_2020Q4.csv"
OFFERS_FILE = Path("offers") / "hildburghausen" / "offers.csv"
OSM_FILE = Path("roads") / "north-bayreuth.osm.gz"


@dataclass(frozen=True)
class Poi:
    """One point of interest in one category (a feature with two POI tags is two Poi)."""

    category: str
    osm: str  # "node/123" or "way/456"
    lon: float
    lat: float


@dataclass(frozen=True)
class OsmPois:
    """The POIs of a file and the file's ``<bounds>`` as (west, south, east, north) degrees."""

    bounds: tuple[float, float, float, float]
    pois: tuple[Poi, ...]

    def categories(self) -> dict[str, list[Poi]]:
        """POIs per category, categories sorted by name."""
        result: dict[str, list[Poi]] = {}
        for poi in sorted(self.pois, key=lambda p: p.category):
            result.setdefault(poi.category, []).append(poi)
        return result


def _open(path: Path) -> BufferedIOBase:
    with path.open("rb") as handle:
        magic = handle.read(2)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(path, "rb")
    return path.open("rb")


def _tags(element: Element) -> dict[str, str]:
    return {t.get("k", ""): t.get("v", "") for t in element.iter("tag")}


def _categories(tags: dict[str, str]) -> Iterator[str]:
    for key in POI_KEYS:
        if tags.get(key):
            yield f"{key}={tags[key]}"
    for key, value in sorted(POI_TAGS):
        if tags.get(key) == value:
            yield f"{key}={value}"


def read_pois(path: Path) -> OsmPois:
    """All POIs of an OSM XML file (``.osm`` or ``.osm.gz``), nodes and ways.

    A way's position is the mean of its distinct nodes (a closed way's first
    node counted once); ways whose nodes are not in the file are left out.
    Relations are ignored. Without ``<bounds>`` the bounds are those of all
    nodes. The file is streamed; only node positions are kept in memory.
    """
    positions: dict[int, tuple[float, float]] = {}
    pois: list[Poi] = []
    bounds: tuple[float, float, float, float] | None = None
    with _open(path) as handle:
        # The benchmark reads the repository's own extract; expat resolves no external entities.
        for _event, element in iterparse(handle, events=("end",)):  # noqa: S314
            if element.tag == "bounds":
                bounds = tuple(float(element.get(k, "nan")) for k in ("minlon", "minlat", "maxlon", "maxlat"))  # type: ignore[assignment]
            elif element.tag == "node":
                ref = int(element.get("id", "0"))
                lon, lat = float(element.get("lon", "nan")), float(element.get("lat", "nan"))
                positions[ref] = (lon, lat)
                pois.extend(Poi(c, f"node/{ref}", lon, lat) for c in _categories(_tags(element)))
                element.clear()
            elif element.tag == "way":
                categories = list(_categories(_tags(element)))
                refs = list(dict.fromkeys(int(nd.get("ref", "0")) for nd in element.iter("nd")))
                if categories and refs and all(r in positions for r in refs):
                    lon = sum(positions[r][0] for r in refs) / len(refs)
                    lat = sum(positions[r][1] for r in refs) / len(refs)
                    way = f"way/{element.get('id', '')}"
                    pois.extend(Poi(c, way, lon, lat) for c in categories)
                element.clear()
            elif element.tag == "relation":
                element.clear()
    if bounds is None:
        lons = [p[0] for p in positions.values()] or [0.0]
        lats = [p[1] for p in positions.values()] or [0.0]
        bounds = (min(lons), min(lats), max(lons), max(lats))
    return OsmPois(bounds=bounds, pois=tuple(pois))


@dataclass(frozen=True)
class Cells:
    """Grid cells with their INSPIRE ids and WGS84 centres (degrees); ``persons`` where known."""

    ids: tuple[str, ...]
    lon: np.ndarray
    lat: np.ndarray
    persons: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


def inspire_cells(bounds: tuple[float, float, float, float], resolution: int = 1000) -> Cells:
    """The INSPIRE grid cells (EPSG:3035, ``resolution`` metres) that intersect a WGS84 bounding box.

    The box's outline is densified before it is projected (its edges are
    curved in EPSG:3035), then every cell whose square intersects it is kept.
    ``persons`` are zeros: the bounds lie outside the Zensus tile we have.
    """
    west, south, east, north = bounds
    steps = np.linspace(0.0, 1.0, 65)
    ring_lon = np.concatenate(
        [west + (east - west) * steps, np.full(65, east), east - (east - west) * steps, [west] * 65]
    )
    ring_lat = np.concatenate(
        [np.full(65, south), south + (north - south) * steps, np.full(65, north), north - (north - south) * steps]
    )
    to_laea = Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True)
    x, y = to_laea.transform(ring_lon, ring_lat)
    outline = shapely.Polygon(np.column_stack([x, y]))
    x0 = math.floor(float(np.min(x)) / resolution) * resolution
    y0 = math.floor(float(np.min(y)) / resolution) * resolution
    corners = [
        (cx, cy)
        for cy in range(y0, math.ceil(float(np.max(y)) / resolution) * resolution, resolution)
        for cx in range(x0, math.ceil(float(np.max(x)) / resolution) * resolution, resolution)
        if outline.intersects(shapely.box(cx, cy, cx + resolution, cy + resolution))
    ]
    centres = cell_centres_wgs84(corners, resolution)
    return Cells(
        ids=tuple(cell_id(cx, cy, resolution) for cx, cy in corners),
        lon=np.array([c[1] for c in centres], dtype=float),
        lat=np.array([c[0] for c in centres], dtype=float),
        persons=np.zeros(len(corners)),
    )


@dataclass(frozen=True)
class FcaInputs:
    """Demand cells and offers of Landkreis Hildburghausen for the 2SFCA benchmark.

    ``offer_lon``/``offer_lat`` are the centres (GV-ISys) of the offers'
    Gemeinden, as the demo places offers without an exact address;
    ``left_out`` counts offers without a Gemeinde (district-wide or place
    unknown), which have no position.
    """

    cells: Cells
    offer_names: tuple[str, ...]
    offer_lon: np.ndarray
    offer_lat: np.ndarray
    left_out: int

    @property
    def sites(self) -> int:
        """Distinct offer positions."""
        return len(set(zip(self.offer_lon.tolist(), self.offer_lat.tolist(), strict=True)))


def hildburghausen_inputs(data_dir: Path) -> FcaInputs:
    """Read the grid cells inside Kreis 16069 (centre in a Gemeinde, VG5000) and its offers from ``data_dir``."""
    grid_path = data_dir / GRID_FILE
    table = read_zensus_grid(grid_path.name, grid_path.read_bytes())
    boundaries = [
        (b.key, b.geometry)
        for b in read_boundaries(data_dir / BOUNDARY_FILE, only=HILDBURGHAUSEN)
        if b.level == "gemeinde"
    ]
    centres = cell_centres_wgs84([(c.x, c.y) for c in table.cells], table.resolution)
    assignment = assign_to_regions({c.cell_id: ce for c, ce in zip(table.cells, centres, strict=True)}, boundaries)
    inside = [(c, ce) for c, ce in zip(table.cells, centres, strict=True) if assignment[c.cell_id]]
    cells = Cells(
        ids=tuple(c.cell_id for c, _ in inside),
        lon=np.array([ce[1] for _, ce in inside], dtype=float),
        lat=np.array([ce[0] for _, ce in inside], dtype=float),
        persons=np.array([c.total for c, _ in inside], dtype=float),
    )
    # GV-ISys names carry the designation ("Hildburghausen, Stadt"); the offers name the Gemeinde alone.
    gemeinde_centres = {
        g.name.split(",")[0].strip(): (g.longitude, g.latitude)
        for g in read_gv_isys(data_dir / CENTRE_FILE, only=HILDBURGHAUSEN)
    }
    offers = read_offers_csv((data_dir / OFFERS_FILE).read_bytes()).rows
    placed = [(o.name, gemeinde_centres[o.gemeinde]) for o in offers if o.gemeinde in gemeinde_centres]
    return FcaInputs(
        cells=cells,
        offer_names=tuple(name for name, _ in placed),
        offer_lon=np.array([p[0] for _, p in placed], dtype=float),
        offer_lat=np.array([p[1] for _, p in placed], dtype=float),
        left_out=len(offers) - len(placed),
    )
