"""Point in polygon for Standorte, on the real VG5000 boundaries of Landkreis Hildburghausen."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sozialplan.offerings.locations import gemeinde_centre, resolve_location
from sozialplan.offerings.models import PositionPrecision
from sozialplan.offerings.tests.workflow_data import (
    ARNSTADT_CENTRE,
    EISFELD,
    HILDBURGHAUSEN,
    SCHLEUSINGEN,
    World,
    gemeinde,
)


@pytest.mark.parametrize("key", [HILDBURGHAUSEN, EISFELD, SCHLEUSINGEN])
def test_each_gemeinde_centre_lies_in_its_own_boundary(world: World, key: str) -> None:
    place = gemeinde(key)
    assert place.latitude is not None and place.longitude is not None
    location = resolve_location(world.district, latitude=place.latitude, longitude=place.longitude, gemeinde=None)
    assert location.gemeinde == place
    assert location.precision == PositionPrecision.EXACT


def test_a_point_in_another_kreis_is_outside(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        resolve_location(world.district, latitude=ARNSTADT_CENTRE[0], longitude=ARNSTADT_CENTRE[1], gemeinde=None)
    assert "Landkreis Hildburghausen" in error.value.message_dict["latitude"][0]


def test_swapped_coordinates_are_outside(world: World) -> None:
    place = gemeinde(HILDBURGHAUSEN)
    assert place.latitude is not None and place.longitude is not None
    with pytest.raises(ValidationError):
        resolve_location(world.district, latitude=place.longitude, longitude=place.latitude, gemeinde=None)


def test_without_boundaries_the_chosen_gemeinde_is_kept(world: World) -> None:
    world.district.gemeinden().update(boundary=None)
    place = gemeinde(EISFELD)
    location = resolve_location(world.district, latitude=50.43, longitude=10.9, gemeinde=place)
    assert location.gemeinde == place
    assert location.latitude == pytest.approx(50.43)
    with pytest.raises(ValidationError):
        resolve_location(world.district, latitude=50.43, longitude=10.9, gemeinde=None)


def test_a_gemeinde_without_centre_uses_a_point_inside_its_boundary(world: World) -> None:
    place = gemeinde(EISFELD)
    place.latitude = place.longitude = None
    point = gemeinde_centre(place)
    assert point is not None
    location = resolve_location(world.district, latitude=point[0], longitude=point[1], gemeinde=None)
    assert location.gemeinde == place
