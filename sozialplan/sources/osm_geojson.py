"""Reader of road lines from GeoJSON (overpass-turbo, osmtogeojson); import it from :mod:`~sozialplan.sources.osm`.

GeoJSON has no nodes: coordinates are rounded to 1e-7° (OSM's own precision,
about 1 cm) and every distinct rounded coordinate becomes one node with a
negative id derived from the coordinate itself (:func:`coordinate_node_id`),
so lines meeting at a point share a node – also across files.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any, BinaryIO, Final

from sozialplan.analysis.roads import RoadData, RoadWay
from sozialplan.sources.boundaries import WGS84_NAMES
from sozialplan.sources.osm_common import (
    MAX_GEOJSON_BYTES,
    MAX_WAYS,
    SKIP_BAD_COORDINATES,
    SKIP_NO_GEOMETRY,
    SKIP_NO_HIGHWAY,
    SKIP_NOT_FEATURE,
    RoadFileError,
    add_parts,
    check_way_count,
    file_label,
    read_all,
    road_data,
    valid_position,
)

_GEOMETRY_TYPES: Final = ("Point", "MultiPoint", "Polygon", "MultiPolygon", "GeometryCollection")
_WAY_REF = re.compile(r"way/(\d{1,18})")
# Encoding a rounded coordinate as one int64: (lon + 180°) · 1e7 < 3.6e9 and (lat + 90°) · 1e7 ≤ 1.8e9 < 2e9.
_LAT_SPAN: Final = 2_000_000_000


def coordinate_node_id(lon: float, lat: float) -> int:
    """The negative node id of a GeoJSON coordinate, rounded to 1e-7° (equal coordinates, equal ids)."""
    x = round(lon * 1e7) + 1_800_000_000
    y = round(lat * 1e7) + 900_000_000
    return -(x * _LAT_SPAN + y + 1)


def read_geojson_roads(
    source: Path | BinaryIO, *, max_bytes: int = MAX_GEOJSON_BYTES, max_ways: int = MAX_WAYS
) -> RoadData:
    """Read road lines from a GeoJSON FeatureCollection (overpass-turbo/osmtogeojson export, WGS84).

    Features with a ``highway`` property and a LineString or MultiLineString
    geometry become ways (one per line of a MultiLineString); the other
    properties are their tags (``@id`` and other ``@`` meta keys are left out,
    numbers become text, ``true``/``false`` become ``yes``/``no``; the older
    osmtogeojson layout with a ``tags`` object works too). ``way_id`` is the
    OSM id of a feature id ``"way/123"``, else minus the feature's number.
    Nodes are the coordinates rounded to 1e-7° (see :func:`coordinate_node_id`).
    ``data_date`` is the top-level ``timestamp``. Everything else (points,
    polygons, features without ``highway``, broken coordinates) is skipped
    and counted. ``RoadFileError`` for non-UTF-8, invalid JSON, anything other
    than a FeatureCollection in WGS84, too large files and no road lines.
    """
    label = file_label(source, "GeoJSON")
    raw = read_all(source, label=label, max_bytes=max_bytes)
    data = _load_json(raw, label)
    features = data.get("features")
    if not isinstance(features, list):
        raise RoadFileError("Die FeatureCollection hat keine Liste „features“.", file=label)
    nodes: dict[int, tuple[float, float]] = {}
    ways: list[RoadWay] = []
    skipped: Counter[str] = Counter()
    for number, feature in enumerate(features, start=1):
        found = _feature_lines(feature, number, skipped)
        if found is None:
            continue
        way_id, tags, lines = found
        check_way_count(len(ways) + len(lines), max_ways, label)
        for line in lines:
            ids = _line_nodes(line, nodes)
            if ids is None:
                skipped[SKIP_BAD_COORDINATES] += 1
            else:
                add_parts(ways, skipped, way_id, ids, tags, len(set(ids)))
    timestamp = data.get("timestamp")
    return road_data(
        ways, nodes, "geojson", timestamp[:40] if isinstance(timestamp, str) else "", 0, skipped, label=label
    )


def _load_json(raw: bytes, label: str) -> dict[str, Any]:
    """The top-level object of a GeoJSON FeatureCollection in WGS84; ``RoadFileError`` for anything else."""
    if not raw.strip():
        raise RoadFileError("Die Datei ist leer.", file=label)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise RoadFileError("Die Datei ist nicht UTF-8-kodiert.", file=label, line=line) from None

    def no_constant(name: str) -> None:
        raise RoadFileError(f"Das JSON enthält den ungültigen Wert {name}.", file=label)

    try:
        data = json.loads(text, parse_constant=no_constant)
    except json.JSONDecodeError as exc:
        raise RoadFileError(f"Kein gültiges JSON (Spalte {exc.colno}).", file=label, line=exc.lineno) from None
    except RecursionError:
        raise RoadFileError("Das JSON ist zu tief verschachtelt.", file=label) from None
    except RoadFileError:
        raise
    except ValueError:  # e.g. an integer with more than 4,300 digits
        raise RoadFileError("Das JSON enthält eine unlesbare Zahl.", file=label) from None
    if isinstance(data, dict) and "elements" in data and "features" not in data:
        raise RoadFileError(
            "Das ist Overpass-JSON, kein GeoJSON; bitte als OSM-XML oder GeoJSON exportieren.", file=label
        )
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise RoadFileError("Die Datei ist keine GeoJSON-FeatureCollection.", file=label)
    crs = data.get("crs")
    if isinstance(crs, dict):
        properties = crs.get("properties")
        crs_name = str(properties.get("name", "")) if isinstance(properties, dict) else ""
        if crs_name and crs_name not in WGS84_NAMES:
            raise RoadFileError(f"Das Koordinatensystem „{crs_name[:60]}“ ist nicht WGS84 (Länge/Breite).", file=label)
    return data


def _feature_lines(feature: Any, number: int, skipped: Counter[str]) -> tuple[int, dict[str, str], list[Any]] | None:
    """(way id, tags, lines) of a road feature; ``None`` (counted in ``skipped``) for anything else."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        skipped[SKIP_NOT_FEATURE] += 1
        return None
    properties = feature.get("properties")
    properties = properties if isinstance(properties, dict) else {}
    tags = _tags(properties)
    if not tags.get("highway"):
        skipped[SKIP_NO_HIGHWAY] += 1
        return None
    geometry = feature.get("geometry")
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if kind == "LineString" and isinstance(coordinates, list):
        lines = [coordinates]
    elif kind == "MultiLineString" and isinstance(coordinates, list):
        lines = coordinates
    elif kind in _GEOMETRY_TYPES:
        skipped[f"Geometrie ist keine Linie ({kind})"] += 1
        return None
    else:
        skipped[SKIP_NO_GEOMETRY if geometry is None else SKIP_BAD_COORDINATES] += 1
        return None
    return _way_id(feature, properties, number), tags, lines


def _tags(properties: dict[str, Any]) -> dict[str, str]:
    """OSM tags from feature properties: text stays, numbers become text, booleans yes/no, the rest is dropped."""
    nested = properties.get("tags")
    if isinstance(nested, dict) and "highway" not in properties:
        properties = nested  # osmtogeojson before 3.0: {"type": "way", "id": 1, "tags": {...}}
    tags: dict[str, str] = {}
    for key, value in properties.items():
        if not isinstance(key, str) or key.startswith("@"):
            continue
        if isinstance(value, bool):
            tags[sys.intern(key)] = "yes" if value else "no"
        elif isinstance(value, str):
            tags[sys.intern(key)] = sys.intern(value)
        elif isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
            tags[sys.intern(key)] = str(value)
    return tags


def _way_id(feature: dict[str, Any], properties: dict[str, Any], number: int) -> int:
    """The OSM way id (``"way/123"`` as feature id or ``@id``; old layout ``type``/``id``), else ``-number``."""
    for candidate in (feature.get("id"), properties.get("@id"), properties.get("id")):
        if isinstance(candidate, str) and (match := _WAY_REF.fullmatch(candidate)):
            return int(match[1])
    legacy = properties.get("id")
    if properties.get("type") == "way" and isinstance(legacy, int) and 0 < legacy < 2**63:
        return legacy
    return -number


def _line_nodes(line: Any, nodes: dict[int, tuple[float, float]]) -> list[int | None] | None:
    """Node ids of one line's positions (created in ``nodes`` as needed); ``None`` if a position is invalid."""
    if not isinstance(line, list):
        return None
    ids: list[int | None] = []
    for position in line:
        if not (isinstance(position, list) and len(position) >= 2):
            return None
        lon, lat = position[0], position[1]
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lon, lat)):
            return None
        if not valid_position(lon, lat):
            return None
        node_id = coordinate_node_id(lon, lat)
        if node_id not in nodes:
            nodes[node_id] = (round(lon * 1e7) / 1e7, round(lat * 1e7) / 1e7)
        ids.append(node_id)
    return ids
