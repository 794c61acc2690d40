from __future__ import annotations

import pytest

from sozialplan.analysis.geo import PolygonIndex, haversine_km

SQUARE = {"type": "Polygon", "coordinates": [[[10.0, 50.0], [11.0, 50.0], [11.0, 51.0], [10.0, 51.0], [10.0, 50.0]]]}


def test_it_gives_zero_for_the_same_point() -> None:
    assert haversine_km(50.4, 10.7, 50.4, 10.7) == pytest.approx(0.0)


def test_it_measures_one_degree_of_latitude_as_about_111_km() -> None:
    # 2·π·6371.0088 km / 360 = 111.195 km per degree of latitude
    assert haversine_km(50.0, 10.0, 51.0, 10.0) == pytest.approx(111.195, abs=0.001)


def test_it_locates_a_point_inside_and_outside_a_polygon() -> None:
    index = PolygonIndex([("A", SQUARE)])
    assert index.locate(50.5, 10.5) == "A"
    assert index.locate(52.0, 10.5) is None
