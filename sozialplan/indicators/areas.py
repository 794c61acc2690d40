"""The areas indicators are computed for, as :class:`~sozialplan.indicators.compute.Area` values.

Levels: ``gemeinde`` (the currently valid Gemeinden of a district),
``planungsraum`` (the district's Planungsräume, each the sum of its
Gemeinden), ``kreis`` (the district's Kreis) and ``land`` (the Land the Kreis
lies in). Keys: Gemeinde AGS (8 digits), Kreis key (5), Land key (2),
``"pr<pk>"`` for a Planungsraum.

A Kreis without an own observation falls back to the sum of its currently
valid Gemeinden (``gemeinde_ids``; the region importer always loads a Kreis
with all its Gemeinden). A Land uses only its own observations
(``gemeinde_ids`` is empty): an installation usually holds only some Kreise of
its Land, and nothing in the database says whether all of them are there, so
a sum of the Gemeinden at hand could be a partial sum shown as the Land's
value. Länder figures are in every official table; import them.
"""

from __future__ import annotations

from django.db.models import Prefetch

from sozialplan.indicators.compute import Area, AreaLevel
from sozialplan.regions.models import District, PlanningArea, Region, RegionKind

LEVELS: tuple[AreaLevel, ...] = ("gemeinde", "planungsraum", "kreis", "land")
PLANNING_AREA_PREFIX = "pr"


def region_area(region: Region, *, level: AreaLevel = "gemeinde") -> Area:
    """The area of one region; for a Gemeinde its own id is its Gemeinde list."""
    gemeinde_ids = (region.pk,) if level == "gemeinde" else ()
    return Area(
        level=level,
        key=region.key,
        name=region.name,
        region_id=region.pk,
        gemeinde_ids=gemeinde_ids,
        boundary=region.boundary,
    )


def gemeinde_areas(district: District) -> list[Area]:
    """The district's currently valid Gemeinden, by name."""
    return [region_area(g) for g in district.gemeinden().order_by("name", "key")]


def planning_areas(district: District) -> list[Area]:
    """The district's Planungsräume, by name; ``boundary`` is ``None`` (the map draws the Gemeinden)."""
    rooms = district.planning_areas.prefetch_related(Prefetch("gemeinden", queryset=Region.objects.only("pk")))
    return [
        Area(
            level="planungsraum",
            key=f"{PLANNING_AREA_PREFIX}{room.pk}",
            name=room.name,
            region_id=None,
            gemeinde_ids=tuple(sorted(g.pk for g in room.gemeinden.all())),
        )
        for room in rooms.order_by("name")
    ]


def kreis_area(district: District) -> Area:
    """The district's Kreis, with its Gemeinden as fallback for variables it has no own value of."""
    kreis = district.region
    return Area(
        level="kreis",
        key=kreis.key,
        name=district.name or kreis.name,
        region_id=kreis.pk,
        gemeinde_ids=tuple(district.gemeinden().order_by("key").values_list("pk", flat=True)),
        boundary=kreis.boundary,
    )


def land_area(district: District) -> Area | None:
    """The Land the district's Kreis lies in (``None`` if it is not loaded); own observations only."""
    land = Region.objects.filter(kind=RegionKind.LAND, key=district.region.key[:2]).first()
    if land is None:
        return None
    return Area(
        level="land",
        key=land.key,
        name=land.name,
        region_id=land.pk,
        gemeinde_ids=(),  # own observations only, see the module docstring
        boundary=None,  # not drawn; a Land's boundary is large
    )


def areas_for(district: District, level: AreaLevel) -> list[Area]:
    """All areas of ``level`` for the district (one Kreis / Land for those levels)."""
    if level == "gemeinde":
        return gemeinde_areas(district)
    if level == "planungsraum":
        return planning_areas(district)
    if level == "kreis":
        return [kreis_area(district)]
    land = land_area(district)
    return [land] if land is not None else []


def area_by_key(district: District, key: str) -> Area | None:
    """The area of the district with this key: a Gemeinde AGS, the Kreis key, the Land key or ``pr<pk>``.

    ``None`` for anything else (another district's Gemeinde, an unknown
    Planungsraum, a malformed key).
    """
    if key.startswith(PLANNING_AREA_PREFIX):
        pk = key.removeprefix(PLANNING_AREA_PREFIX)
        if not pk.isascii() or not pk.isdigit() or len(pk) > 12:
            return None
        room = PlanningArea.objects.filter(district=district, pk=int(pk)).first()
        if room is None:
            return None
        return Area(
            level="planungsraum",
            key=key,
            name=room.name,
            region_id=None,
            gemeinde_ids=tuple(sorted(room.gemeinden.values_list("pk", flat=True))),
        )
    if key == district.region.key:
        return kreis_area(district)
    if key == district.region.key[:2]:
        return land_area(district)
    if len(key) == 8 and key.startswith(district.region.key):
        gemeinde = district.gemeinden().filter(key=key).first()
        return region_area(gemeinde) if gemeinde is not None else None
    return None
