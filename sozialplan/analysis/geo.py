"""Geometry helpers on WGS84 (EPSG:4326) longitude/latitude coordinates.

Distances are great-circle distances in kilometres on a sphere of radius
6,371.0088 km (the IUGG mean Earth radius); across a district the error
against the ellipsoid is below 0.5 %.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.prepared import PreparedGeometry, prep

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in kilometres.

    Arguments are decimal degrees (latitude, longitude). Identical points give 0.
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def geometry(geojson: Mapping[str, Any]) -> BaseGeometry:
    """A shapely geometry from a GeoJSON geometry mapping (Polygon, MultiPolygon …)."""
    return shape(geojson)


class PolygonIndex:
    """Find which of many polygons contains a point (point in polygon).

    ``polygons`` maps a key (e.g. an AGS) to a GeoJSON geometry. Points on a
    shared border belong to the first polygon in iteration order that covers
    them. Uses prepared geometries and bounding boxes; fine for thousands of
    polygons.
    """

    def __init__(self, polygons: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
        self._items: list[tuple[str, tuple[float, float, float, float], PreparedGeometry]] = []
        for key, geojson in polygons:
            geom = shape(geojson)
            self._items.append((key, geom.bounds, prep(geom)))

    def locate(self, lat: float, lon: float) -> str | None:
        """The key of the polygon covering (lat, lon), or ``None`` outside all."""
        point = Point(lon, lat)
        for key, (minx, miny, maxx, maxy), prepared in self._items:
            if minx <= lon <= maxx and miny <= lat <= maxy and prepared.covers(point):
                return key
        return None


def representative_point(geojson: Mapping[str, Any]) -> tuple[float, float]:
    """A point guaranteed inside the geometry, as (lat, lon)."""
    p = shape(geojson).representative_point()
    return (p.y, p.x)
