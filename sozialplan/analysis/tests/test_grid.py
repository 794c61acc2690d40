from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyproj import Transformer

from sozialplan.analysis.grid import assign_to_regions, cell_centre_wgs84, cell_centres_wgs84, sum_by_region
from sozialplan.sources.zensus_grid import read_zensus_grid

DATA = Path(__file__).resolve().parents[3] / "data"
GRID = DATA / "statistics" / "zensus2011_grid" / "ALTER_KURZcsv_1000m_3_3.csv"
VG5000_GEM = DATA / "regions" / "vg5000_gem_thueringen_20210101.geojson"

WEST = {"type": "Polygon", "coordinates": [[[10.0, 50.0], [11.0, 50.0], [11.0, 51.0], [10.0, 51.0], [10.0, 50.0]]]}
EAST = {"type": "Polygon", "coordinates": [[[11.0, 50.0], [12.0, 50.0], [12.0, 51.0], [11.0, 51.0], [11.0, 50.0]]]}


def test_it_puts_the_cell_of_hildburghausen_town_around_its_centre() -> None:
    # Cell 1kmN3035E4372 holds the centre of the town of Hildburghausen (10.729 E, 50.4256 N).
    lat, lon = cell_centre_wgs84(4_372_000, 3_035_000)
    assert lat == pytest.approx(50.4256, abs=0.01)
    assert lon == pytest.approx(10.729, abs=0.01)


def test_it_takes_the_cell_centre_not_its_corner() -> None:
    ((lat, lon),) = cell_centres_wgs84([(4_372_000, 3_035_000)], resolution=1000)
    back = Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True).transform(lon, lat)
    assert back == pytest.approx((4_372_500, 3_035_500), abs=0.01)
    assert cell_centres_wgs84([]) == []


def test_it_assigns_centres_to_the_polygon_that_contains_them() -> None:
    centres = {"a": (50.5, 10.5), "b": (50.5, 11.5), "c": (52.0, 10.5), "border": (50.5, 11.0)}
    assignment = assign_to_regions(centres, [("W", WEST), ("E", EAST)])
    # a point on the shared border goes to the first polygon given
    assert assignment == {"a": "W", "b": "E", "c": None, "border": "W"}
    assert assign_to_regions(centres, []) == dict.fromkeys(centres)


def test_it_sums_cell_counts_per_region() -> None:
    assignment = {"a": "W", "b": "W", "c": None}
    counts = {"a": [1.0, 2.0], "b": [3.0, 4.0], "c": [5.0, 6.0]}
    assert sum_by_region(assignment, counts) == {"W": [4.0, 6.0]}


def test_it_finds_363_populated_cells_with_66304_persons_in_landkreis_hildburghausen() -> None:
    table = read_zensus_grid(GRID.name, GRID.read_bytes())
    features = json.loads(VG5000_GEM.read_text(encoding="utf-8"))["features"]
    boundaries = [(f["properties"]["AGS"], f["geometry"]) for f in features if f["properties"]["AGS"][:5] == "16069"]
    centres = dict(
        zip((c.cell_id for c in table.cells), cell_centres_wgs84([(c.x, c.y) for c in table.cells]), strict=True)
    )
    assignment = assign_to_regions(centres, boundaries)
    counts = {c.cell_id: [float(v) for _, _, v in c.counts] for c in table.cells}
    by_gemeinde = sum_by_region(assignment, counts)
    assert len(boundaries) == 32
    assert sum(1 for key in assignment.values() if key is not None) == 363
    classes = [sum(v[i] for v in by_gemeinde.values()) for i in range(5)]
    assert classes == pytest.approx([8564, 8727, 18479, 15978, 14556])
    assert sum(classes) == pytest.approx(66304)
