"""The workflows of offerings.services: permissions, validation, publication and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import Personas
from sozialplan.audit.models import AuditEntry
from sozialplan.catalog.models import TargetGroup
from sozialplan.offerings import services, site_changes
from sozialplan.offerings.models import (
    ChangeState,
    Offering,
    OfferingChange,
    OfferingStatus,
    PositionPrecision,
    Provider,
    ReviewState,
    Site,
)
from sozialplan.offerings.services import EditOutcome
from sozialplan.offerings.tests.workflow_data import (
    ARNSTADT_CENTRE,
    EISFELD,
    FARBKLECKSE,
    HILDBURGHAUSEN,
    STADTCAFE,
    TAFEL_EISFELD,
    World,
    gemeinde,
    make_site,
    row,
)
from sozialplan.offerings.values import SiteData


def entries(obj: Offering | Provider | Site, action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_id=str(obj.uuid), action=action))


# --- Träger ---------------------------------------------------------------------------------------


def test_a_planner_creates_updates_retires_and_reactivates_a_provider(world: World, people: Personas) -> None:
    name = row(STADTCAFE)["traeger"]
    provider = services.create_provider(people.planner, world.district, {"name": name, "kind": "sonstig"})
    services.update_provider(people.planner, provider, {"legal_form": "Stiftung"})
    services.retire_provider(people.planner, provider)
    assert provider.retired_at is not None
    services.reactivate_provider(people.planner, provider)
    assert Provider.objects.get(pk=provider.pk).retired_at is None
    assert entries(provider, "created")[0].changes["name"] == [None, name]
    assert entries(provider, "updated")[0].changes == {"legal_form": ["", "Stiftung"]}
    assert entries(provider, "updated")[0].actor == people.planner
    assert len(entries(provider, "retired")) == len(entries(provider, "reactivated")) == 1


def test_a_provider_name_is_unique_in_the_district_regardless_of_case(world: World, people: Personas) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_provider(people.planner, world.district, {"name": world.provider_a.name.upper()})
    assert "gibt es in diesem Gebiet schon" in str(error.value)
    assert Provider.objects.filter(district=world.district).count() == 2


@pytest.mark.parametrize("persona", ["traeger_a", "committee", "other_planner", "outsider"])
def test_only_planners_manage_providers(world: World, people: Personas, persona: str) -> None:
    user = getattr(people, persona)
    with pytest.raises(PermissionDenied):
        services.create_provider(user, world.district, {"name": row(STADTCAFE)["traeger"]})
    with pytest.raises(PermissionDenied):
        services.update_provider(user, world.provider_a, {"legal_form": "gGmbH"})
    with pytest.raises(PermissionDenied):
        services.retire_provider(user, world.provider_a)
    assert not AuditEntry.objects.filter(object_type="provider").exists()


# --- Standorte ------------------------------------------------------------------------------------


def test_coordinates_give_the_gemeinde_by_point_in_polygon(world: World, people: Personas) -> None:
    eisfeld = gemeinde(EISFELD)
    site = services.create_site(
        people.planner,
        world.district,
        {
            "provider": world.provider_a,
            "name": row(TAFEL_EISFELD)["name"],
            "town": "Eisfeld",
            "latitude": eisfeld.latitude,
            "longitude": eisfeld.longitude,
            "gemeinde": gemeinde(HILDBURGHAUSEN),  # a wrong choice: the point decides
        },
    )
    assert site.gemeinde == eisfeld
    assert site.position_precision == PositionPrecision.EXACT
    assert entries(site, "created")[0].changes["gemeinde"] == [None, eisfeld.name]


def test_without_coordinates_a_site_lies_approximately_at_the_gemeinde_centre(world: World, people: Personas) -> None:
    eisfeld = gemeinde(EISFELD)
    site = services.create_site(
        people.planner, world.district, {"name": row(TAFEL_EISFELD)["name"], "town": "Eisfeld", "gemeinde": eisfeld}
    )
    assert site.latitude == pytest.approx(eisfeld.latitude)
    assert site.longitude == pytest.approx(eisfeld.longitude)
    assert site.position_precision == PositionPrecision.GEMEINDE


def test_a_site_outside_the_district_is_refused_in_german(world: World, people: Personas) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_site(
            people.planner,
            world.district,
            {"name": row(TAFEL_EISFELD)["name"], "latitude": ARNSTADT_CENTRE[0], "longitude": ARNSTADT_CENTRE[1]},
        )
    assert "außerhalb des Gebiets" in error.value.message_dict["latitude"][0]
    assert Site.objects.count() == 2


def test_a_gemeinde_of_another_district_is_refused(world: World, people: Personas) -> None:
    arnstadt = gemeinde("16070004")
    with pytest.raises(ValidationError) as error:
        services.create_site(people.planner, world.district, {"name": row(TAFEL_EISFELD)["name"], "gemeinde": arnstadt})
    assert "liegt nicht im Gebiet" in error.value.message_dict["gemeinde"][0]


def test_a_site_needs_both_coordinates_or_a_gemeinde(world: World, people: Personas) -> None:
    with pytest.raises(ValidationError) as only_one:
        services.create_site(people.planner, world.district, {"name": "Eisfeld", "latitude": 50.42})
    assert "longitude" in only_one.value.message_dict
    with pytest.raises(ValidationError) as nothing:
        services.create_site(people.planner, world.district, {"name": "Eisfeld"})
    assert "gemeinde" in nothing.value.message_dict


def test_moving_an_approximate_site_to_another_gemeinde_recentres_it(world: World, people: Personas) -> None:
    eisfeld = gemeinde(EISFELD)
    services.update_site(people.planner, world.site_b, {"gemeinde": eisfeld})
    site = Site.objects.get(pk=world.site_b.pk)
    assert site.gemeinde == eisfeld
    assert site.latitude == pytest.approx(eisfeld.latitude)
    assert entries(site, "updated")[0].changes["gemeinde"] == [gemeinde(HILDBURGHAUSEN).name, eisfeld.name]


def test_a_traeger_edits_its_own_site_but_cannot_hand_it_to_another(world: World, people: Personas) -> None:
    # site_a serves a published offer: the Träger's edit is a proposal (see test_site_changes.py).
    street = row("Kindergarten „Parkmäuse“")["street"]
    assert site_changes.save_site_edit(people.traeger_a, world.site_a, {"street": street}) == EditOutcome.PROPOSED
    with pytest.raises(PermissionDenied):
        site_changes.propose_site_change(
            people.traeger_a, Site.objects.get(pk=world.site_a.pk), {"provider": world.provider_b}
        )
    with pytest.raises(PermissionDenied):
        services.update_site(people.traeger_a, world.site_b, {"postcode": "98646"})
    assert Site.objects.get(pk=world.site_a.pk).provider == world.provider_a


def test_a_traeger_creates_sites_only_for_its_own_organisation(world: World, people: Personas) -> None:
    data: SiteData = {"name": row(TAFEL_EISFELD)["name"], "gemeinde": gemeinde(EISFELD)}
    site = services.create_site(people.traeger_a, world.district, {**data, "provider": world.provider_a})
    assert site.provider == world.provider_a
    with pytest.raises(PermissionDenied):
        services.create_site(people.traeger_a, world.district, {**data, "provider": world.provider_b})
    with pytest.raises(PermissionDenied):
        services.create_site(people.traeger_a, world.district, data)  # no Träger at all: planners only


def test_retiring_a_site_keeps_it_and_records_it(world: World, people: Personas) -> None:
    services.retire_site(people.planner, world.site_a)
    assert Site.objects.get(pk=world.site_a.pk).retired_at is not None
    assert len(entries(world.site_a, "retired")) == 1
    with pytest.raises(PermissionDenied):
        services.reactivate_site(people.traeger_a, world.site_a)


# --- Angebote -------------------------------------------------------------------------------------


def test_a_planners_new_offer_is_published_at_once(world: World, people: Personas) -> None:
    data = row(TAFEL_EISFELD)
    offer = services.create_offering(
        people.planner, world.district, {"name": data["name"], "description": data["description"]}
    )
    assert offer.review_state == ReviewState.APPROVED
    assert Offering.objects.published().filter(pk=offer.pk).exists()
    assert entries(offer, "created")[0].actor == people.planner


def test_a_traegers_new_offer_waits_for_approval_then_is_published(world: World, people: Personas) -> None:
    data = row(TAFEL_EISFELD)
    offer = services.submit_new_offering(
        people.traeger_a,
        world.provider_a,
        {"name": data["name"], "description": data["description"], "lsz_funded": True, "sites": [world.site_a]},
    )
    assert offer.review_state == ReviewState.PENDING
    assert offer.provider == world.provider_a
    assert offer.lsz_funded is False  # a planner's field: dropped from a Träger's submission
    assert not Offering.objects.published().filter(pk=offer.pk).exists()
    with pytest.raises(PermissionDenied):
        services.approve_offering(people.traeger_a, offer)
    services.approve_offering(people.planner, offer)
    assert Offering.objects.published().filter(pk=offer.pk).exists()
    assert [e.action for e in AuditEntry.objects.filter(object_id=str(offer.uuid)).order_by("id")] == [
        "submitted",
        "approved",
    ]


def test_a_traeger_cannot_submit_for_another_traeger_or_with_its_sites(world: World, people: Personas) -> None:
    with pytest.raises(PermissionDenied):
        services.submit_new_offering(people.traeger_a, world.provider_b, {"name": row(TAFEL_EISFELD)["name"]})
    with pytest.raises(ValidationError) as error:
        services.submit_new_offering(
            people.traeger_a, world.provider_a, {"name": row(TAFEL_EISFELD)["name"], "sites": [world.site_b]}
        )
    assert "Standorte Ihres eigenen Trägers" in error.value.message_dict["sites"][0]


def test_rejecting_a_new_offer_needs_a_reason(world: World, people: Personas) -> None:
    with pytest.raises(ValidationError) as error:
        services.reject_offering(people.planner, world.pending_a, "   ")
    assert error.value.message_dict["reason"] == ["Bitte geben Sie eine Begründung an."]
    services.reject_offering(people.planner, world.pending_a, "Bitte Öffnungszeiten ergänzen.")
    offer = Offering.objects.get(pk=world.pending_a.pk)
    assert offer.review_state == ReviewState.REJECTED
    assert entries(offer, "rejected")[0].note == "Bitte Öffnungszeiten ergänzen."
    with pytest.raises(ValidationError):
        services.approve_offering(people.planner, offer)  # no longer waiting


def test_a_traegers_edit_of_a_published_offer_leaves_the_public_version(world: World, people: Personas) -> None:
    phone = row(FARBKLECKSE)["phone"]
    outcome = services.save_offering_edit(people.traeger_a, world.offer_a, {"phone": phone, "capacity": 45})
    assert outcome == EditOutcome.PROPOSED
    public = Offering.objects.published().get(pk=world.offer_a.pk)
    assert (public.phone, public.capacity) == ("", None)
    change = OfferingChange.objects.pending().filter(offering=world.offer_a).get()
    assert change.data == {"phone": phone, "capacity": 45}
    assert change.submitted_by == people.traeger_a
    proposed = entries(world.offer_a, "change_proposed")[0]
    assert proposed.changes == {"capacity": [None, 45], "phone": ["", phone]}
    assert proposed.actor == people.traeger_a


def test_a_newer_proposal_replaces_the_pending_one(world: World, people: Personas) -> None:
    first = services.propose_offering_change(people.traeger_a, world.offer_a, {"capacity": 45})
    second = services.propose_offering_change(people.traeger_a, world.offer_a, {"capacity": 45, "is_free": False})
    assert first is not None and second is not None
    first.refresh_from_db()
    assert first.state == ChangeState.REJECTED
    assert first.decision_note == "Durch einen neueren Vorschlag ersetzt."
    assert OfferingChange.objects.pending().filter(offering=world.offer_a).get() == second


def test_a_proposal_without_differences_is_not_stored(world: World, people: Personas) -> None:
    assert services.propose_offering_change(people.traeger_a, world.offer_a, {"name": world.offer_a.name}) is None
    outcome = services.save_offering_edit(people.traeger_a, world.offer_a, {"name": world.offer_a.name})
    assert outcome == EditOutcome.UNCHANGED


def test_approving_a_proposal_applies_every_field_in_one_go(world: World, people: Personas) -> None:
    groups = list(TargetGroup.objects.filter(code__in=["kinder-unter-6", "menschen-mit-behinderung"]))
    change = services.propose_offering_change(
        people.traeger_a, world.offer_a, {"capacity": 45, "target_groups": groups, "provider": world.provider_b}
    )
    assert change is not None
    assert "provider" not in change.data  # not a Träger's field
    services.approve_change(people.planner, change)
    offer = Offering.objects.get(pk=world.offer_a.pk)
    assert offer.capacity == 45
    assert set(offer.target_groups.all()) == set(groups)
    assert offer.provider == world.provider_a
    change.refresh_from_db()
    assert (change.state, change.decided_by) == (ChangeState.APPROVED, people.planner)
    applied = entries(offer, "change_approved")[0]
    assert applied.actor == people.planner
    assert set(applied.changes) == {"capacity", "target_groups"}
    assert "traeger-a" in applied.note
    with pytest.raises(ValidationError):
        services.approve_change(people.planner, change)


def test_rejecting_a_proposal_keeps_the_public_version(world: World, people: Personas) -> None:
    with pytest.raises(PermissionDenied):
        services.reject_change(people.traeger_a, world.change_a, "eigener Vorschlag")
    services.reject_change(people.planner, world.change_a, "Telefonnummer bitte mit der Einrichtung abstimmen.")
    assert Offering.objects.get(pk=world.offer_a.pk).phone == ""
    change = OfferingChange.objects.get(pk=world.change_a.pk)
    assert change.state == ChangeState.REJECTED
    assert change.decision_note == "Telefonnummer bitte mit der Einrichtung abstimmen."
    rejected = entries(world.offer_a, "change_rejected")[0]
    assert rejected.changes == {"phone": ["", row(FARBKLECKSE)["phone"]]}


def test_a_traeger_edits_its_unpublished_offer_directly_and_it_waits_again(world: World, people: Personas) -> None:
    services.reject_offering(people.planner, world.pending_a, "Bitte Zielgruppe ergänzen.")
    offer = Offering.objects.get(pk=world.pending_a.pk)
    outcome = services.save_offering_edit(people.traeger_a, offer, {"target_description": "Jugendliche"})
    assert outcome == EditOutcome.RESUBMITTED
    offer.refresh_from_db()
    assert (offer.review_state, offer.target_description) == (ReviewState.PENDING, "Jugendliche")
    assert entries(offer, "resubmitted")[0].changes["review_state"] == ["rejected", "pending"]


def test_traeger_b_cannot_touch_the_offers_of_traeger_a(world: World, people: Personas) -> None:
    with pytest.raises(PermissionDenied):
        services.propose_offering_change(people.traeger_b, world.offer_a, {"capacity": 45})
    with pytest.raises(PermissionDenied):
        services.save_offering_edit(people.traeger_b, world.pending_a, {"capacity": 45})
    with pytest.raises(PermissionDenied):
        services.update_offering(people.traeger_a, world.offer_a, {"capacity": 45})


def test_an_age_range_must_not_be_reversed(world: World, people: Personas) -> None:
    with pytest.raises(ValidationError) as error:
        services.update_offering(people.planner, world.offer_a, {"min_age": 13, "max_age": 6})
    assert error.value.message_dict["max_age"] == ["Das Höchstalter darf nicht kleiner als das Mindestalter sein."]
    assert Offering.objects.get(pk=world.offer_a.pk).min_age is None


def test_retiring_an_offer_hides_it_from_the_public_but_keeps_it(world: World, people: Personas) -> None:
    with pytest.raises(PermissionDenied):
        services.retire_offering(people.traeger_a, world.offer_a)
    services.retire_offering(people.planner, world.offer_a)
    offer = Offering.objects.get(pk=world.offer_a.pk)
    assert offer.status == OfferingStatus.DEFUNCT
    assert not Offering.objects.published().filter(pk=offer.pk).exists()
    services.reactivate_offering(people.planner, offer)
    assert Offering.objects.published().filter(pk=offer.pk).exists()
    assert entries(offer, "retired")[0].changes == {"status": ["active", "defunct"]}


def test_marking_an_offer_verified_sets_today_and_the_person(world: World, people: Personas) -> None:
    world.offer_a.assured_date = timezone.localdate() - dt.timedelta(days=400)
    world.offer_a.save()
    assert Offering.objects.stale().filter(pk=world.offer_a.pk).exists()
    services.mark_verified(people.planner, world.offer_a)
    offer = Offering.objects.get(pk=world.offer_a.pk)
    assert (offer.assured_date, offer.assured_by) == (timezone.localdate(), people.planner)
    assert not Offering.objects.stale().filter(pk=offer.pk).exists()
    assert entries(offer, "verified")[0].changes["assured_by"] == [None, people.planner.username]
    with pytest.raises(PermissionDenied):
        services.mark_verified(people.committee, offer)


def test_a_traeger_keeps_shared_sites_but_adds_only_its_own(world: World, people: Personas) -> None:
    shared_site = make_site(world.district, None, TAFEL_EISFELD, EISFELD)  # a place without Träger
    world.offer_a.sites.add(shared_site)
    sites = [world.site_a, shared_site]
    assert services.propose_offering_change(people.traeger_a, world.offer_a, {"sites": sites, "capacity": 45})
    other = make_site(world.district, None, STADTCAFE, EISFELD)
    with pytest.raises(ValidationError):
        services.propose_offering_change(people.traeger_a, world.offer_a, {"sites": [*sites, other]})
