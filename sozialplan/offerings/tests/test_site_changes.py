"""A Träger's edit of a Standort that serves a published offer waits for a planner (offerings.site_changes)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import Personas
from sozialplan.audit.models import AuditEntry
from sozialplan.offerings import services, site_changes
from sozialplan.offerings.models import ChangeState, PositionPrecision, ReviewState, Site, SiteChange
from sozialplan.offerings.services import EditOutcome
from sozialplan.offerings.tests.workflow_data import (
    BUNKER,
    EISFELD,
    HILDBURGHAUSEN,
    TAFEL_EISFELD,
    World,
    gemeinde,
    make_offer,
    make_site,
    row,
)

#: A real street of the district (the address of the Kindergarten „Parkmäuse“ in the offers CSV).
NEW_STREET = row("Kindergarten „Parkmäuse“")["street"]


def fresh(site: Site) -> Site:
    return Site.objects.get(pk=site.pk)


def actions(site: Site) -> list[str]:
    return list(AuditEntry.objects.filter(object_id=str(site.uuid)).order_by("pk").values_list("action", flat=True))


def test_a_traegers_edit_of_a_published_site_waits_and_is_applied_on_approval(world: World, people: Personas) -> None:
    old_street = world.site_a.street
    assert old_street != NEW_STREET
    outcome = site_changes.save_site_edit(people.traeger_a, world.site_a, {"street": NEW_STREET})
    assert outcome == EditOutcome.PROPOSED
    assert fresh(world.site_a).street == old_street
    change = SiteChange.objects.get(site=world.site_a, state=ChangeState.PENDING)
    assert change.data == {"street": NEW_STREET}
    assert site_changes.site_change_diff(change) == {"street": [old_street, NEW_STREET]}
    assert str(change) == f"{world.site_a.name} (wartet auf Freigabe)"

    site_changes.approve_site_change(people.planner, change)
    assert fresh(world.site_a).street == NEW_STREET
    assert SiteChange.objects.get(pk=change.pk).state == ChangeState.APPROVED
    assert actions(world.site_a) == ["change_proposed", "change_approved"]


def test_a_rejected_site_proposal_keeps_the_old_values_and_needs_a_reason(world: World, people: Personas) -> None:
    old_street = world.site_a.street
    change = site_changes.propose_site_change(people.traeger_a, world.site_a, {"street": NEW_STREET})
    assert change is not None
    with pytest.raises(ValidationError):
        site_changes.reject_site_change(people.planner, change, "   ")
    site_changes.reject_site_change(people.planner, change, "Die Adresse bitte mit dem Bauamt abstimmen.")
    assert fresh(world.site_a).street == old_street
    closed = SiteChange.objects.get(pk=change.pk)
    assert (closed.state, closed.decision_note) == (ChangeState.REJECTED, "Die Adresse bitte mit dem Bauamt abstimmen.")
    with pytest.raises(ValidationError, match="bereits entschieden"):
        site_changes.approve_site_change(people.planner, closed)


def test_approval_resolves_the_gemeinde_from_the_proposed_coordinates(world: World, people: Personas) -> None:
    eisfeld = gemeinde(EISFELD)
    assert eisfeld.latitude is not None and eisfeld.longitude is not None
    data = {"latitude": eisfeld.latitude, "longitude": eisfeld.longitude, "gemeinde": gemeinde(HILDBURGHAUSEN)}
    change = site_changes.propose_site_change(people.traeger_a, world.site_a, data)  # type: ignore[arg-type]
    assert change is not None
    assert fresh(world.site_a).gemeinde == gemeinde(HILDBURGHAUSEN)
    site_changes.approve_site_change(people.planner, change)
    site = fresh(world.site_a)
    assert site.gemeinde == eisfeld
    assert site.position_precision == PositionPrecision.EXACT
    assert site.latitude == pytest.approx(eisfeld.latitude)


def test_a_newer_site_proposal_replaces_the_pending_one(world: World, people: Personas) -> None:
    first = site_changes.propose_site_change(people.traeger_a, world.site_a, {"street": NEW_STREET})
    second = site_changes.propose_site_change(people.traeger_a, world.site_a, {"town": row(TAFEL_EISFELD)["town"]})
    assert first is not None and second is not None
    assert SiteChange.objects.get(pk=first.pk).state == ChangeState.REJECTED
    assert list(SiteChange.objects.pending().filter(site=world.site_a)) == [second]
    assert site_changes.propose_site_change(people.traeger_a, world.site_a, {"name": world.site_a.name}) is None


def test_a_site_without_published_offers_and_planner_edits_stay_direct(world: World, people: Personas) -> None:
    unpublished = make_site(world.district, world.provider_a, BUNKER, EISFELD)
    make_offer(world.district, world.provider_a, BUNKER, site=unpublished, state=ReviewState.PENDING)
    assert site_changes.save_site_edit(people.traeger_a, unpublished, {"street": NEW_STREET}) == EditOutcome.UPDATED
    assert fresh(unpublished).street == NEW_STREET
    assert actions(unpublished) == ["updated"]
    assert site_changes.save_site_edit(people.planner, world.site_a, {"street": NEW_STREET}) == EditOutcome.UPDATED
    assert fresh(world.site_a).street == NEW_STREET
    assert not SiteChange.objects.exists()


def test_only_planners_decide_and_only_the_own_traeger_proposes(world: World, people: Personas) -> None:
    with pytest.raises(PermissionDenied):
        services.update_site(people.traeger_a, world.site_a, {"street": NEW_STREET})  # no way around the review
    with pytest.raises(PermissionDenied):
        site_changes.propose_site_change(people.traeger_b, world.site_a, {"street": NEW_STREET})
    with pytest.raises(PermissionDenied):
        site_changes.propose_site_change(people.traeger_a, world.site_a, {"provider": world.provider_b})
    change = site_changes.propose_site_change(people.traeger_a, world.site_a, {"street": NEW_STREET})
    assert change is not None
    for persona in (people.traeger_a, people.traeger_b, people.committee, people.other_planner, people.outsider):
        with pytest.raises(PermissionDenied):
            site_changes.approve_site_change(persona, change)
        with pytest.raises(PermissionDenied):
            site_changes.reject_site_change(persona, change, "Nein.")
    assert SiteChange.objects.get(pk=change.pk).state == ChangeState.PENDING


def test_a_superuser_holds_no_workspace_permission_without_membership(world: World, people: Personas) -> None:
    people.outsider.is_superuser = True
    people.outsider.save()
    with pytest.raises(PermissionDenied):
        services.update_site(people.outsider, world.site_b, {"street": NEW_STREET})
    assert fresh(world.site_b).street != NEW_STREET
