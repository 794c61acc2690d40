"""Reader of BKG VG5000 boundaries as GeoJSON (WGS84 longitude/latitude).

Two shapes of file are understood:

* Gemeinden (``vg5000_gem_…``): properties ``AGS`` (8 digits), ``ARS``
  (12 digits), ``GEN`` (name), optionally ``BEGINN``.
* Kreise (``vg5000_krs_…``): property ``ARS`` with the 5-digit Kreis key,
  ``GEN``.

A Land file (``ARS`` with 2 digits) works the same way. The geometry is kept
as the GeoJSON mapping (Polygon or MultiPolygon). VG5000 is generalised for
maps at 1:5,000,000: good for maps and point-in-polygon, not for areas.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sozialplan.sources.errors import SourceError
from sozialplan.sources.textfile import decode_utf8, file_label, read_bytes

LAND = "land"
KREIS = "kreis"
GEMEINDE = "gemeinde"

#: CRS names that mean WGS84 longitude/latitude.
WGS84_NAMES = ("urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "EPSG:4326", "urn:ogc:def:crs:EPSG::4326")


@dataclass(frozen=True, slots=True)
class Boundary:
    """One region's outline: ``key`` is the AGS of a Gemeinde, the Kreis or Land key otherwise."""

    level: str
    key: str
    ars: str
    name: str
    geometry: dict[str, Any]
    feature_number: int


def looks_like_geojson(head: str) -> bool:
    start = head.lstrip("\ufeff \r\n\t")
    return start.startswith("{") and '"FeatureCollection"' in head[:5000].replace(" ", "")


def _check_positions(coords: Any, depth: int) -> bool:
    """Whether ``coords`` is a nesting of ``depth`` lists ending in [lon, lat] pairs in range."""
    if not isinstance(coords, list) or not coords:
        return False
    if depth == 0:
        if len(coords) < 2 or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in coords[:2]):
            return False
        lon, lat = float(coords[0]), float(coords[1])
        return math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90
    return all(_check_positions(c, depth - 1) for c in coords)


def _level_and_key(props: dict[str, Any]) -> tuple[str, str, str] | None:
    ags = str(props.get("AGS") or "").strip()
    ars = str(props.get("ARS") or "").strip()
    if len(ags) == 8 and ags.isdigit():
        return GEMEINDE, ags, ars
    if len(ars) == 5 and ars.isdigit():
        return KREIS, ars, ars
    if len(ars) == 2 and ars.isdigit():
        return LAND, ars, ars
    return None


def read_boundaries(source: Path | bytes, *, file: str | None = None, only: str | None = None) -> Iterator[Boundary]:
    """Yield the boundaries of a VG5000 GeoJSON FeatureCollection.

    ``only`` keeps keys starting with that prefix (and the Land of a prefix).
    ``SourceError`` (German, naming the feature number) when the file is not
    a FeatureCollection in WGS84 or a feature has no usable key or geometry.
    """
    label = file or (file_label(source, "GeoJSON") if isinstance(source, Path) else "GeoJSON")
    text = decode_utf8(read_bytes(source, file=label), file=label)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"Kein gültiges JSON ({exc.msg}).", file=label, line=exc.lineno) from exc
    except RecursionError:
        raise SourceError("Das JSON ist zu tief verschachtelt.", file=label) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise SourceError("Die Datei ist keine GeoJSON-FeatureCollection.", file=label)
    crs = data.get("crs")
    if isinstance(crs, dict):
        crs_name = str((crs.get("properties") or {}).get("name", ""))
        if crs_name and crs_name not in WGS84_NAMES:
            raise SourceError(f"Das Koordinatensystem „{crs_name}“ ist nicht WGS84 (Länge/Breite).", file=label)
    features = data.get("features")
    if not isinstance(features, list):
        raise SourceError("Die FeatureCollection hat keine Liste „features“.", file=label)
    for number, feature in enumerate(features, start=1):
        boundary = _feature(feature, number, label=label, only=only)
        if boundary is not None:
            yield boundary


def _feature(feature: Any, number: int, *, label: str, only: str | None) -> Boundary | None:
    """One feature as a ``Boundary`` (``None`` outside ``only``); ``SourceError`` if unusable."""
    where = f"Objekt Nr. {number}"
    if not isinstance(feature, dict):
        raise SourceError(f"{where} ist kein GeoJSON-Feature.", file=label)
    props = feature.get("properties")
    if not isinstance(props, dict):
        raise SourceError(f"{where} hat keine Eigenschaften (properties).", file=label)
    found = _level_and_key(props)
    if found is None:
        raise SourceError(
            f"{where} hat weder einen 8-stelligen AGS noch einen Kreis- oder Landesschlüssel.", file=label
        )
    level, key, ars = found
    if only and not (key.startswith(only) or only.startswith(key)):
        return None
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise SourceError(f"{where} ({key}) hat keine Fläche (Polygon oder MultiPolygon).", file=label)
    depth = 2 if geometry["type"] == "Polygon" else 3
    if not _check_positions(geometry.get("coordinates"), depth):
        raise SourceError(f"{where} ({key}) hat ungültige Koordinaten.", file=label)
    return Boundary(
        level=level,
        key=key,
        ars=ars,
        name=str(props.get("GEN") or "").strip(),
        geometry={"type": geometry["type"], "coordinates": geometry["coordinates"]},
        feature_number=number,
    )
