"""Who may use an OSM way, in which direction, and how fast: the tag rules of the road network.

:mod:`sozialplan.analysis.network` builds one graph per mode (``walk``,
``car``) from these rules; they are re-exported there. Only the plain tags
are read; time-dependent ``*:conditional`` tags, turn restrictions, traffic
signals and congestion are ignored, so car times are free-flow times at the
assumed speed: lower bounds of real driving times.

Access
    The most specific tag wins: for cars ``motorcar`` → ``motor_vehicle`` →
    ``vehicle`` → ``access``, for walking ``foot`` → ``access`` (the OSM
    access hierarchy, wiki "Key:access"). A deny value (``no``, ``private``,
    …) closes the way; an allow value (``yes``, ``destination``, …) opens it,
    which only matters for classes that are closed by default (``track`` for
    cars). ``destination`` counts as open: residents and visitors may drive
    there, and they are who the analysis is about.

Car speed (km/h)
    ``maxspeed`` when it can be read (see :func:`parse_maxspeed`), else the
    default of the highway class in :data:`CLASS_SPEED_KMH`. The defaults
    are the speeds a car can typically keep on a German road of that class
    when nothing is signed, reasoned from the legal limits of StVO § 3
    Abs. 3 (50 km/h innerorts, 100 km/h außerorts for cars), the
    Autobahn-Richtgeschwindigkeits-Verordnung (130 km/h advisory on
    motorways) and StVO Anlage 3 Zeichen 325.1 (Schrittgeschwindigkeit in
    verkehrsberuhigten Bereichen, taken as 7 km/h), and checked against the
    typical class speeds of the OSRM car profile (``profiles/car.lua``:
    motorway 90, trunk 85, primary 65, secondary 55, tertiary 40,
    unclassified/residential 25, service 15, living_street 10), which are
    deliberately cautious averages for mixed urban/rural use:

    ===============  =====  =====================================================
    class            km/h   reasoning
    ===============  =====  =====================================================
    motorway          120   no general limit; 130 advisory, lorries and traffic
    motorway_link      60   ramps and junction loops
    trunk             100   Bundesstraßen/Kraftfahrstraßen außerorts (100)
    trunk_link         60   ramps
    primary            80   mostly 100 außerorts, 50 through villages
    primary_link       50
    secondary          70   Staats-/Landesstraßen, more often through villages
    secondary_link     50
    tertiary           60   Kreisstraßen, narrower, many villages
    tertiary_link      40
    unclassified       50   Gemeindeverbindungsstraßen, narrow
    residential        30   German residential streets are mostly Tempo-30 zones
    road               30   class unknown to the mapper: cautious
    living_street       7   Schrittgeschwindigkeit (Zeichen 325.1)
    service            20   access roads, yards, parking aisles
    track              20   only with explicit car access: unpaved field roads
    ===============  =====  =====================================================

    Any other ``highway`` value (``footway``, ``path``, ``cycleway``,
    ``steps``, ``pedestrian``, ``bridleway``, ``construction``,
    ``proposed``, ``busway``, ``platform`` …) is closed to cars.

Walking
    Walkers use every way except motorways and their links, Kraftfahrstraßen
    (``motorroad=yes``, StVO § 18 forbids pedestrians there), ways that do
    not exist (yet or any more: ``construction``, ``proposed``,
    ``abandoned`` …), bus/race tracks, and ways closed by ``foot``/``access``
    (``no``, ``private``, ``military``). ``access=agricultural`` and the like
    restrict vehicles, not walkers, so they do not close a way for walking.
    Cycleways count as walkable: shared paths are often tagged as cycleways,
    and partial data would otherwise lose connections. Walk speed is one
    constant (a parameter of the network).

One-way streets (cars only)
    ``oneway=yes/true/1`` → forward, ``-1/reverse`` → backward,
    ``no/false/0`` → both. Without an explicit tag, ``junction=roundabout``
    (or ``circular``), ``highway=motorway`` and ``motorway_link`` are
    one-way forward (OSM implied defaults). ``oneway:motorcar``,
    ``oneway:motor_vehicle`` and ``oneway:vehicle`` override ``oneway``.
    ``reversible``/``alternating`` (direction changes by time) count as both
    ways. Walkers ignore one-way tags.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Final

#: Assumed car speed in km/h per ``highway`` class when ``maxspeed`` is missing (see module docstring).
CLASS_SPEED_KMH: Final[Mapping[str, float]] = {
    "motorway": 120.0,
    "motorway_link": 60.0,
    "trunk": 100.0,
    "trunk_link": 60.0,
    "primary": 80.0,
    "primary_link": 50.0,
    "secondary": 70.0,
    "secondary_link": 50.0,
    "tertiary": 60.0,
    "tertiary_link": 40.0,
    "unclassified": 50.0,
    "residential": 30.0,
    "road": 30.0,
    "living_street": 7.0,
    "service": 20.0,
    "track": 20.0,
}

#: Classes that need an explicit allow value (``motorcar``/``motor_vehicle``/``vehicle``/``access``) for cars.
CAR_CLOSED_BY_DEFAULT: Final = frozenset({"track"})

#: Access values that close a way for cars.
CAR_DENY: Final = frozenset(
    {
        "no",
        "private",
        "agricultural",
        "forestry",
        "agricultural;forestry",
        "forestry;agricultural",
        "delivery",
        "emergency",
        "military",
        "psv",
        "bus",
        "use_sidepath",
    }
)
#: Access values that open a way for a mode (``destination``: residents and visitors may go there).
ALLOW: Final = frozenset({"yes", "permissive", "designated", "destination", "customers", "official"})
#: ``foot``/``access`` values that close a way for walking.
FOOT_DENY: Final = frozenset({"no", "private", "military"})
#: ``highway`` classes that walkers never use.
WALK_CLOSED: Final = frozenset(
    {
        "motorway",
        "motorway_link",
        "construction",
        "proposed",
        "abandoned",
        "disused",
        "razed",
        "raceway",
        "bus_guideway",
        "busway",
        "escape",
    }
)

#: Implicit speeds (km/h) of ``maxspeed`` values; country prefixes DE, AT and CH share the German words.
_IMPLICIT_KMH: Final[Mapping[str, float]] = {
    "walk": 7.0,
    "none": 130.0,
    "de:urban": 50.0,
    "de:rural": 100.0,
    "de:motorway": 130.0,
    "de:trunk": 100.0,
    "de:living_street": 7.0,
    "de:walk": 7.0,
    "de:bicycle_road": 30.0,
    "at:urban": 50.0,
    "at:rural": 100.0,
    "at:motorway": 130.0,
    "at:living_street": 5.0,
    "ch:urban": 50.0,
    "ch:rural": 80.0,
    "ch:motorway": 120.0,
}
_ZONE = re.compile(r"^[a-z]{2}:zone:?(\d+)$")
_NUMBER = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(km/h|kmh|kph|mph|knots)?$")
_MPH_KMH: Final = 1.609344
_KNOT_KMH: Final = 1.852


def _parse_one(text: str) -> float | None:
    value = text.strip().lower()
    if value in _IMPLICIT_KMH:
        return _IMPLICIT_KMH[value]
    zone = _ZONE.match(value)
    if zone:
        speed = float(zone.group(1))
        return speed if speed > 0 else None
    number = _NUMBER.match(value)
    if not number:
        return None
    speed = float(number.group(1).replace(",", "."))
    unit = number.group(2)
    if unit == "mph":
        speed *= _MPH_KMH
    elif unit == "knots":
        speed *= _KNOT_KMH
    # 0 or absurd values are mapping errors, not speeds: fall back to the class default.
    return speed if 0 < speed <= 300 else None


def parse_maxspeed(value: str | None) -> float | None:
    """A ``maxspeed`` value in km/h, or ``None`` when it cannot be read.

    Understands numbers (``"50"``, ``"7,5"``), units (``"30 mph"``,
    ``"50 km/h"``, ``"5 knots"``), implicit values (``"DE:urban"`` = 50,
    ``"DE:rural"`` = 100, ``"DE:motorway"`` and ``"none"`` = 130 (the
    advisory speed), ``"walk"`` and ``"DE:living_street"`` = 7, zones
    ``"DE:zone30"``/``"DE:zone:30"`` = 30) and lists ``"a;b"`` (the smallest
    readable part). ``"signals"``, ``"variable"``, ``"0"`` and other
    unreadable values give ``None``.
    """
    if not value:
        return None
    speeds = [speed for part in value.split(";") if (speed := _parse_one(part)) is not None]
    return min(speeds) if speeds else None


def _access(tags: Mapping[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = tags.get(key)
        if value:
            return value.strip().lower()
    return None


def car_speed_source(tags: Mapping[str, str]) -> tuple[float, bool] | None:
    """(speed in km/h, whether it came from ``maxspeed``) for a car, or ``None`` without car access.

    Without a readable ``maxspeed`` the speed is the class default of
    :data:`CLASS_SPEED_KMH`; when only ``maxspeed:forward``/``:backward``
    are tagged, the smaller of them is used (one speed per way).
    """
    highway = (tags.get("highway") or "").strip().lower()
    if highway not in CLASS_SPEED_KMH:
        return None
    access = _access(tags, ("motorcar", "motor_vehicle", "vehicle", "access"))
    if access in CAR_DENY:
        return None
    if highway in CAR_CLOSED_BY_DEFAULT and access not in ALLOW:
        return None
    speed = parse_maxspeed(tags.get("maxspeed"))
    if speed is None:
        directed = [parse_maxspeed(tags.get(f"maxspeed:{side}")) for side in ("forward", "backward")]
        known = [s for s in directed if s is not None]
        speed = min(known) if known else None
    if speed is not None and math.isfinite(speed):
        return speed, True
    return CLASS_SPEED_KMH[highway], False


def car_speed_kmh(tags: Mapping[str, str]) -> float | None:
    """The assumed car speed on a way in km/h, or ``None`` when cars may not use it (see module docstring)."""
    result = car_speed_source(tags)
    return None if result is None else result[0]


def walk_allowed(tags: Mapping[str, str]) -> bool:
    """Whether walkers may use the way (see module docstring); ways without ``highway`` are not roads."""
    highway = (tags.get("highway") or "").strip().lower()
    if not highway or highway in WALK_CLOSED:
        return False
    if (tags.get("motorroad") or "").strip().lower() == "yes":
        return False
    return _access(tags, ("foot", "access")) not in FOOT_DENY


_FORWARD: Final = frozenset({"yes", "true", "1"})
_BACKWARD: Final = frozenset({"-1", "reverse"})
_BOTH: Final = frozenset({"no", "false", "0", "reversible", "alternating"})


def car_oneway(tags: Mapping[str, str]) -> int:
    """Car direction on a way: 0 both ways, 1 only along the node order, -1 only against it.

    Explicit tags win (``oneway:motorcar`` → ``oneway:motor_vehicle`` →
    ``oneway:vehicle`` → ``oneway``); without one, roundabouts and
    motorways (incl. links) are one-way forward. Unknown values count as
    both ways.
    """
    value = _access(tags, ("oneway:motorcar", "oneway:motor_vehicle", "oneway:vehicle", "oneway"))
    if value in _FORWARD:
        return 1
    if value in _BACKWARD:
        return -1
    if value in _BOTH:
        return 0
    junction = (tags.get("junction") or "").strip().lower()
    highway = (tags.get("highway") or "").strip().lower()
    if junction in ("roundabout", "circular") or highway in ("motorway", "motorway_link"):
        return 1
    return 0
