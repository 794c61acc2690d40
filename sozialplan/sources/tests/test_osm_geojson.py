"""The GeoJSON road reader on the real Jena speed-limit files and on small hand-written collections."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest

from sozialplan.sources.osm import (
    SKIP_BAD_COORDINATES,
    SKIP_NO_GEOMETRY,
    SKIP_NO_HIGHWAY,
    SKIP_NOT_FEATURE,
    SKIP_SHORT,
    RoadFileError,
    coordinate_node_id,
    read_geojson_roads,
    read_roads,
)
from sozialplan.sources.tests.conftest import DATA

JENA = DATA / "roads" / "jena-2014-tempolimits"
# Ways per file as read; Tempo50 has 616 features, two of them areas (Polygon).
JENA_WAYS = {
    "Tempo5": 9,
    "Tempo6": 6,
    "Tempo10": 9,
    "Tempo20": 32,
    "Tempo30": 577,
    "Tempo40": 1,
    "Tempo50": 614,
    "Tempo60": 28,
    "Tempo70": 57,
    "Tempo80": 56,
    "Tempo100": 20,
}
POLYGON = "Geometrie ist keine Linie (Polygon)"


def collection(*features: Any, **top: Any) -> io.BytesIO:
    return io.BytesIO(json.dumps({"type": "FeatureCollection", **top, "features": list(features)}).encode())


def line(coordinates: Any, kind: str = "LineString", fid: Any = None, **properties: Any) -> dict[str, Any]:
    feature: dict[str, Any] = {
        "type": "Feature",
        "properties": {"highway": "residential", **properties},
        "geometry": {"type": kind, "coordinates": coordinates},
    }
    if fid is not None:
        feature["id"] = fid
    return feature


# --- the real Jena files ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "ways"), sorted(JENA_WAYS.items()))
def test_every_line_of_the_jena_speed_limit_files_is_read(name: str, ways: int) -> None:
    path = JENA / f"{name}.geojson"
    data = read_geojson_roads(path)
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    assert len(data.ways) == ways
    assert data.skipped == ({POLYGON: 2} if name == "Tempo50" else {})
    assert len(features) == ways + sum(data.skipped.values())
    assert data.source_format == "geojson"
    assert data.data_date.startswith("2014-12-17T21:22:")
    assert data.missing_nodes == 0
    # Way ids are the OSM ids of the features ("way/4903732"), nodes are synthetic (negative).
    lines = [f for f in features if f["geometry"]["type"] == "LineString"]
    assert all(f["id"].startswith("way/") for f in lines)
    assert [way.way_id for way in data.ways] == [int(f["id"][4:]) for f in lines]
    assert all(node_id < 0 for node_id in data.nodes)
    assert all(way.tags["maxspeed"] for way in data.ways)


def test_the_jena_files_hold_1411_features() -> None:
    total = sum(
        len(json.loads((JENA / f"{name}.geojson").read_text(encoding="utf-8"))["features"]) for name in JENA_WAYS
    )
    assert total == 1411
    assert sum(JENA_WAYS.values()) == 1409


def test_jena_lines_that_meet_at_a_point_share_a_node() -> None:
    path = JENA / "Tempo30.geojson"
    data = read_geojson_roads(path)
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    ends: dict[tuple[float, float], list[int]] = {}
    for feature in features:
        coordinates = feature["geometry"]["coordinates"]
        for point in (coordinates[0], coordinates[-1]):
            ends.setdefault((point[0], point[1]), []).append(int(feature["id"][4:]))
    shared = {point: ids for point, ids in ends.items() if len(set(ids)) >= 2}
    assert len(shared) > 100
    by_way = {way.way_id: way.node_ids for way in data.ways}
    for (lon, lat), way_ids in shared.items():
        node = coordinate_node_id(lon, lat)
        assert data.nodes[node] == (lon, lat)
        assert all(node in by_way[way_id] for way_id in way_ids)
    assert len(data.nodes) == 3719 < sum(len(f["geometry"]["coordinates"]) for f in features)


def test_node_ids_agree_across_files() -> None:
    tempo30 = read_geojson_roads(JENA / "Tempo30.geojson")
    tempo50 = read_geojson_roads(JENA / "Tempo50.geojson")
    common = tempo30.nodes.keys() & tempo50.nodes.keys()
    assert common  # where the limit changes along a street
    assert all(tempo30.nodes[n] == tempo50.nodes[n] for n in common)


def test_the_jena_city_boundary_has_no_roads() -> None:
    with pytest.raises(RoadFileError, match="keine Straßen oder Wege"):
        read_roads(JENA / "Jena_Stadtgrenze.geojson")


# --- small collections ------------------------------------------------------------------------------------------


def test_coordinates_equal_after_rounding_become_one_node() -> None:
    data = read_geojson_roads(
        collection(
            line([[11.5, 50.0], [11.5000001, 50.0000001]], fid="way/1"),
            line([[11.50000014, 50.00000006], [11.6, 50.1]], fid="way/2"),
        )
    )
    first, second = data.ways
    assert first.node_ids[1] == second.node_ids[0] == coordinate_node_id(11.5000001, 50.0000001)
    assert data.nodes[first.node_ids[1]] == (11.5000001, 50.0000001)
    assert len(data.nodes) == 3


def test_coordinate_node_ids_are_distinct_negative_int64() -> None:
    corners = [(-180.0, -90.0), (-180.0, 90.0), (180.0, -90.0), (180.0, 90.0), (0.0, 0.0), (0.0000001, 0.0)]
    ids = [coordinate_node_id(lon, lat) for lon, lat in corners]
    assert len(set(ids)) == len(ids)
    assert all(-(2**63) <= i < 0 for i in ids)
    assert coordinate_node_id(11.5, 50.0) == coordinate_node_id(11.50000004, 49.99999996)


def test_a_multilinestring_gives_one_way_per_line() -> None:
    data = read_geojson_roads(
        collection(line([[[11.5, 50.0], [11.6, 50.0]], [[11.6, 50.0], [11.7, 50.0]]], "MultiLineString", "way/7"))
    )
    assert [way.way_id for way in data.ways] == [7, 7]
    assert data.ways[0].node_ids[1] == data.ways[1].node_ids[0]


def test_tags_are_text_and_meta_properties_are_left_out() -> None:
    feature = line([[11.5, 50.0], [11.6, 50.1]], maxspeed=30, lanes=1.5, oneway=True, lit=False, note=None)
    feature["properties"].update({"ref": 10**400, "width": "INF"})
    feature["properties"].update({"@id": "way/5", "@relations": [{"role": ""}], "nested": {"a": 1}})
    raw = json.dumps({"type": "FeatureCollection", "features": [feature]}).replace('"INF"', "1e999")  # → inf
    data = read_geojson_roads(io.BytesIO(raw.encode()))
    assert data.ways[0].tags == {
        "highway": "residential",
        "maxspeed": "30",
        "lanes": "1.5",
        "oneway": "yes",
        "lit": "no",
        "ref": str(10**400),
    }
    assert data.ways[0].way_id == 5


def test_the_old_osmtogeojson_layout_and_missing_ids_work() -> None:
    old = {
        "type": "Feature",
        "properties": {"type": "way", "id": 42, "tags": {"highway": "path"}},
        "geometry": {"type": "LineString", "coordinates": [[11.5, 50.0], [11.6, 50.1]]},
    }
    too_big = {**old, "properties": {"type": "way", "id": 2**63, "tags": {"highway": "path"}}}
    data = read_geojson_roads(collection(old, line([[11.6, 50.1], [11.7, 50.2]], fid=3), too_big))
    assert [(way.way_id, dict(way.tags)) for way in data.ways] == [
        (42, {"highway": "path"}),
        (-2, {"highway": "residential"}),
        (-3, {"highway": "path"}),
    ]


def test_what_is_not_a_road_line_is_skipped_with_a_reason() -> None:
    good = line([[11.5, 50.0], [11.6, 50.1]])
    area = line([[[11.5, 50.0], [11.6, 50.0], [11.6, 50.1], [11.5, 50.0]]], "Polygon", highway="pedestrian")
    stop = line([11.5, 50.0], "Point", highway="bus_stop")
    river = line([[11.5, 50.0], [11.6, 50.1]], waterway="river")
    del river["properties"]["highway"]
    no_geometry = line([], fid="way/9")
    no_geometry["geometry"] = None
    data = read_geojson_roads(
        collection(
            good,
            area,
            stop,
            river,
            no_geometry,
            "not a feature",
            {"type": "Feature", "properties": None, "geometry": None},
            line([[11.5, 50.0], [11.5, 50.0]]),
            line([[11.5, 95.0], [11.6, 50.1]]),
            line([[11.5, "50"], [11.6, 50.1]]),
            line([[11.5, True], [11.6, 50.1]]),
            line([[11.5], [11.6, 50.1]]),
            line("abc"),
            line([[[11.5, 50.0]], "x"], "MultiLineString"),
            line([[11.5, 50.0]], "Circle"),
        )
    )
    assert len(data.ways) == 1
    assert data.skipped == {
        POLYGON: 1,
        "Geometrie ist keine Linie (Point)": 1,
        SKIP_NO_HIGHWAY: 2,
        SKIP_NO_GEOMETRY: 1,
        SKIP_NOT_FEATURE: 1,
        SKIP_SHORT: 2,
        SKIP_BAD_COORDINATES: 7,
    }
    assert set(data.nodes) == set(data.ways[0].node_ids)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "Die Datei ist leer."),
        (b'{"type": "FeatureCollection", "features": [', "Kein gültiges JSON"),
        (b'[{"type": "Feature"}]', "keine GeoJSON-FeatureCollection"),
        (b'{"type": "Feature", "geometry": null}', "keine GeoJSON-FeatureCollection"),
        (b'{"version": 0.6, "elements": []}', "Overpass-JSON"),
        (b'{"type": "FeatureCollection", "features": {}}', "keine Liste „features“"),
        (b'{"type": "FeatureCollection", "features": [NaN]}', "ungültigen Wert NaN"),
        (b'{"type": "FeatureCollection", "x": "\xe4", "features": []}', "nicht UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "zu tief verschachtelt"),
        (b'{"a": ' + b"1" * 5000 + b"}", "unlesbare Zahl"),
        (b'{"type": "FeatureCollection", "features": []}', "keine Straßen oder Wege"),
        (
            b'{"type": "FeatureCollection", "crs": {"properties": {"name": "EPSG:25832"}}, "features": []}',
            "„EPSG:25832“ ist nicht WGS84",
        ),
        (gzip.compress(b"{")[:-4], "gzip-komprimierte Datei ist beschädigt"),
    ],
    ids=[
        "empty",
        "broken",
        "list",
        "feature",
        "overpass",
        "features",
        "nan",
        "latin1",
        "deep",
        "bignum",
        "no-roads",
        "utm",
        "gzip",
    ],
)
def test_bad_geojson_is_refused_in_german(raw: bytes, message: str) -> None:
    with pytest.raises(RoadFileError, match=message):
        read_geojson_roads(io.BytesIO(raw))


def test_a_gzipped_file_with_bom_and_crs84_is_read(tmp_path: Path) -> None:
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    raw = b"\xef\xbb\xbf" + collection(line([[11.5, 50.0], [11.6, 50.1]]), crs=crs).getvalue()
    path = tmp_path / "roads.geojson.gz"
    path.write_bytes(gzip.compress(raw))
    assert len(read_roads(path).ways) == 1


def test_limits_stop_the_geojson_reader() -> None:
    two = collection(line([[11.5, 50.0], [11.6, 50.1]]), line([[11.6, 50.1], [11.7, 50.2]]))
    with pytest.raises(RoadFileError, match="mehr als 1 Straßen und Wege"):
        read_geojson_roads(two, max_ways=1)
    two.seek(0)
    with pytest.raises(RoadFileError, match="größer als 100\xa0Bytes"):
        read_geojson_roads(two, max_bytes=100)
