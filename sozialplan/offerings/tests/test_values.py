"""Proposals travel as JSON and come back as objects of the same district only."""

from __future__ import annotations

from sozialplan.catalog.models import TargetGroup
from sozialplan.offerings.models import Site
from sozialplan.offerings.tests.workflow_data import World
from sozialplan.offerings.values import (
    current_offering_json,
    display_values,
    offering_values_from_json,
    offering_values_to_json,
)


def test_values_survive_the_round_trip_through_json(world: World) -> None:
    groups = list(TargetGroup.objects.filter(code__in=["familien", "kinder-unter-6"]))
    data = {"capacity": 45, "target_groups": groups, "sites": [world.site_a], "offer_type": None}
    raw = offering_values_to_json(data)  # type: ignore[arg-type]
    assert raw == {
        "capacity": 45,
        "target_groups": sorted(g.pk for g in groups),
        "sites": [world.site_a.pk],
        "offer_type": None,
    }
    back = offering_values_from_json(world.district, raw)
    assert back["capacity"] == 45
    assert set(back["target_groups"]) == set(groups)
    assert back["sites"] == [world.site_a]


def test_keys_of_other_districts_and_unknown_fields_are_dropped(world: World) -> None:
    foreign = Site.objects.create(
        district=world.district.__class__.objects.exclude(pk=world.district.pk).get(), name="Arnstadt"
    )
    back = offering_values_from_json(
        world.district, {"sites": [world.site_a.pk, foreign.pk, "x"], "review_state": "approved", "provider": 10**9}
    )
    assert back == {"sites": [world.site_a], "provider": None}


def test_current_values_and_display_values_read_like_the_audit_trail(world: World) -> None:
    current = current_offering_json(world.offer_a, ["name", "provider", "action_fields"])
    assert current["provider"] == world.provider_a.pk
    shown = display_values(offering_values_from_json(world.district, current))
    assert shown["provider"] == world.provider_a.name
    assert shown["action_fields"] == sorted(str(f) for f in world.offer_a.action_fields.all())
