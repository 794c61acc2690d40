from __future__ import annotations

import pytest

from sozialplan.indicators.areas import (
    area_by_key,
    areas_for,
    gemeinde_areas,
    kreis_area,
    land_area,
    planning_areas,
)
from sozialplan.regions.models import District, PlanningArea, Region

pytestmark = pytest.mark.django_db


def _room(district: District, name: str, gemeinde_names: list[str]) -> PlanningArea:
    room = PlanningArea.objects.create(district=district, name=name)
    room.gemeinden.set(district.gemeinden().filter(name__in=gemeinde_names))
    return room


def test_it_lists_the_valid_gemeinden_of_the_district_by_name(district: District) -> None:
    areas = gemeinde_areas(district)
    assert len(areas) == district.gemeinden().count() == 32
    assert [a.name for a in areas] == sorted(a.name for a in areas)
    first = areas[0]
    assert first.level == "gemeinde"
    assert first.key.startswith("16069") and len(first.key) == 8
    assert first.gemeinde_ids == (first.region_id,)


def test_a_planning_area_is_its_gemeinden(district: District) -> None:
    room = _room(district, "Heldburger Unterland", ["Heldburg, Stadt", "Ummerstadt, Stadt"])
    (area,) = planning_areas(district)
    assert area.key == f"pr{room.pk}"
    assert area.region_id is None
    assert set(area.gemeinde_ids) == set(room.gemeinden.values_list("pk", flat=True))
    assert len(area.gemeinde_ids) == 2


def test_the_kreis_falls_back_to_all_its_gemeinden(district: District) -> None:
    area = kreis_area(district)
    assert area.level == "kreis"
    assert area.key == "16069"
    assert area.region_id == district.region.pk
    assert len(area.gemeinde_ids) == 32


def test_the_land_uses_its_own_values_only(district: District) -> None:
    area = land_area(district)
    assert area is not None
    assert (area.level, area.key, area.name) == ("land", "16", "Thüringen")
    # Only two of Thüringen's Kreise are loaded: a sum of their Gemeinden is no Land value.
    assert area.gemeinde_ids == ()


def test_areas_for_each_level(district: District) -> None:
    _room(district, "Heldburger Unterland", ["Ummerstadt, Stadt"])
    assert len(areas_for(district, "gemeinde")) == 32
    assert len(areas_for(district, "planungsraum")) == 1
    assert [a.key for a in areas_for(district, "kreis")] == ["16069"]
    assert [a.key for a in areas_for(district, "land")] == ["16"]


def test_area_by_key_finds_only_the_districts_areas(district: District, other_district: District) -> None:
    room = _room(district, "Heldburger Unterland", ["Ummerstadt, Stadt"])
    other_room = _room(other_district, "Ilmenau", ["Ilmenau, Stadt"])
    ummerstadt = Region.objects.get(kind="gemeinde", name="Ummerstadt, Stadt")
    ilmenau = Region.objects.get(kind="gemeinde", name="Ilmenau, Stadt")
    area = area_by_key(district, ummerstadt.key)
    assert area is not None and area.name == "Ummerstadt, Stadt"
    assert area_by_key(district, "16069") == kreis_area(district)
    assert area_by_key(district, "16") == land_area(district)
    planning = area_by_key(district, f"pr{room.pk}")
    assert planning is not None and planning.name == "Heldburger Unterland"
    assert area_by_key(district, ilmenau.key) is None
    assert area_by_key(district, f"pr{other_room.pk}") is None
    assert area_by_key(district, "16070") is None
    for hostile in ("", "pr", "prx", "pr-1", "pr١", "pr99999999999999999999", "' OR 1=1", "160690"):
        assert area_by_key(district, hostile) is None
