"""Who may use a way, in which direction and how fast: the OSM tag rules of the road network."""

from __future__ import annotations

import pytest

from sozialplan.analysis.network import car_oneway, car_speed_kmh, walk_allowed
from sozialplan.analysis.roadtags import CLASS_SPEED_KMH, car_speed_source, parse_maxspeed


@pytest.mark.parametrize(
    ("value", "kmh"),
    [
        ("50", 50.0),
        (" 70 ", 70.0),
        ("7,5", 7.5),
        ("50 km/h", 50.0),
        ("30 mph", 30 * 1.609344),
        ("DE:urban", 50.0),
        ("DE:rural", 100.0),
        ("DE:motorway", 130.0),
        ("none", 130.0),
        ("walk", 7.0),
        ("DE:walk", 7.0),
        ("DE:living_street", 7.0),
        ("DE:zone30", 30.0),
        ("DE:zone:30", 30.0),
        ("DE:zone:20", 20.0),
        ("50;30", 30.0),
        ("signals;60", 60.0),
    ],
)
def test_it_reads_maxspeed_variants(value: str, kmh: float) -> None:
    assert parse_maxspeed(value) == pytest.approx(kmh)


@pytest.mark.parametrize("value", [None, "", "signals", "variable", "0", "fast", "DE:zone:0", "999"])
def test_it_gives_no_speed_for_unreadable_maxspeed(value: str | None) -> None:
    assert parse_maxspeed(value) is None


def test_it_prefers_maxspeed_over_the_class_default() -> None:
    assert car_speed_source({"highway": "primary", "maxspeed": "DE:urban"}) == (50.0, True)
    assert car_speed_source({"highway": "primary"}) == (CLASS_SPEED_KMH["primary"], False)
    assert car_speed_source({"highway": "residential", "maxspeed": "signals"}) == (30.0, False)
    assert car_speed_source({"highway": "secondary", "maxspeed:forward": "70", "maxspeed:backward": "50"}) == (
        50.0,
        True,
    )


@pytest.mark.parametrize(
    ("highway", "kmh"),
    [
        ("motorway", 120),
        ("motorway_link", 60),
        ("trunk", 100),
        ("primary", 80),
        ("secondary", 70),
        ("tertiary", 60),
        ("unclassified", 50),
        ("residential", 30),
        ("living_street", 7),
        ("service", 20),
    ],
)
def test_it_uses_documented_class_defaults(highway: str, kmh: float) -> None:
    assert car_speed_kmh({"highway": highway}) == kmh


@pytest.mark.parametrize(
    "tags",
    [
        {"highway": "footway"},
        {"highway": "path"},
        {"highway": "cycleway"},
        {"highway": "steps"},
        {"highway": "pedestrian"},
        {"highway": "bridleway"},
        {"highway": "track"},
        {"highway": "construction"},
        {"highway": "proposed"},
        {"highway": "residential", "access": "private"},
        {"highway": "residential", "access": "no"},
        {"highway": "service", "motor_vehicle": "no"},
        {"highway": "unclassified", "motorcar": "no"},
        {"highway": "track", "motor_vehicle": "agricultural"},
        {"highway": "residential", "vehicle": "no", "access": "yes"},
        {"highway": "fantasy"},
        {},
    ],
)
def test_it_closes_ways_to_cars(tags: dict[str, str]) -> None:
    assert car_speed_kmh(tags) is None


@pytest.mark.parametrize(
    ("tags", "kmh"),
    [
        ({"highway": "track", "motor_vehicle": "yes"}, 20.0),
        ({"highway": "track", "access": "yes", "maxspeed": "30"}, 30.0),
        ({"highway": "track", "motorcar": "destination"}, 20.0),
        ({"highway": "residential", "access": "no", "motorcar": "yes"}, 30.0),
        ({"highway": "residential", "access": "destination"}, 30.0),
    ],
)
def test_it_opens_ways_to_cars_by_the_most_specific_tag(tags: dict[str, str], kmh: float) -> None:
    assert car_speed_kmh(tags) == kmh


@pytest.mark.parametrize(
    ("tags", "allowed"),
    [
        ({"highway": "motorway"}, False),
        ({"highway": "motorway_link"}, False),
        ({"highway": "trunk"}, True),
        ({"highway": "trunk", "motorroad": "yes"}, False),
        ({"highway": "primary", "motorroad": "yes"}, False),
        ({"highway": "footway"}, True),
        ({"highway": "steps"}, True),
        ({"highway": "cycleway"}, True),
        ({"highway": "path", "foot": "no"}, False),
        ({"highway": "service", "access": "private"}, False),
        ({"highway": "service", "access": "private", "foot": "yes"}, True),
        ({"highway": "track", "access": "agricultural"}, True),
        ({"highway": "construction"}, False),
        ({"highway": "proposed"}, False),
        ({}, False),
    ],
)
def test_it_knows_where_walking_is_allowed(tags: dict[str, str], allowed: bool) -> None:
    assert walk_allowed(tags) is allowed


@pytest.mark.parametrize(
    ("tags", "direction"),
    [
        ({"highway": "residential"}, 0),
        ({"highway": "residential", "oneway": "yes"}, 1),
        ({"highway": "residential", "oneway": "1"}, 1),
        ({"highway": "residential", "oneway": "-1"}, -1),
        ({"highway": "residential", "oneway": "reverse"}, -1),
        ({"highway": "residential", "oneway": "no"}, 0),
        ({"highway": "residential", "oneway": "reversible"}, 0),
        ({"highway": "primary", "junction": "roundabout"}, 1),
        ({"highway": "primary", "junction": "roundabout", "oneway": "no"}, 0),
        ({"highway": "motorway"}, 1),
        ({"highway": "motorway_link"}, 1),
        ({"highway": "motorway", "oneway": "no"}, 0),
        ({"highway": "residential", "oneway": "yes", "oneway:motor_vehicle": "no"}, 0),
    ],
)
def test_it_reads_one_way_rules_for_cars(tags: dict[str, str], direction: int) -> None:
    assert car_oneway(tags) == direction
