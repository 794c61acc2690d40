"""Workflows through the web pages: proposals and approval, retire, verify, Planungsräume, homes."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from conftest import Personas
from sozialplan.accounts.models import Membership, Role
from sozialplan.audit.models import AuditEntry
from sozialplan.offerings.models import ChangeState, Offering, OfferingChange, OfferingStatus, ReviewState
from sozialplan.offerings.tests.workflow_data import EISFELD, FARBKLECKSE, TAFEL_EISFELD, World, gemeinde, row
from sozialplan.regions.models import PlanningArea


def u(name: str, w: World, **kwargs: object) -> str:
    return reverse(f"workspace:{name}", kwargs={"district": w.district.slug, **kwargs})


def form_data(offer: Offering, **changes: object) -> dict[str, object]:
    """The edit form as a Träger would send it back, with ``changes``."""
    data: dict[str, object] = {
        "name": offer.name,
        "description": offer.description,
        "status": offer.status,
        "action_fields": [f.pk for f in offer.action_fields.all()],
        "sites": [s.pk for s in offer.sites.all()],
        "phone": offer.phone,
    }
    data.update(changes)
    return data


def public_page(offer: Offering) -> str:
    return Client().get(reverse("portal:offer_detail", kwargs={"uuid": offer.uuid})).content.decode()


def test_a_traeger_edit_waits_until_a_planner_approves_it(world: World, client_for: Callable[[str], Client]) -> None:
    phone = row(FARBKLECKSE)["phone"]
    traeger = client_for("traeger_a")
    response = traeger.post(u("offering_edit", world, uuid=world.offer_a.uuid), form_data(world.offer_a, phone=phone))
    assert response.status_code == 302
    assert Offering.objects.get(pk=world.offer_a.pk).phone == ""
    assert phone not in public_page(world.offer_a)
    change = OfferingChange.objects.pending().get(offering=world.offer_a)
    assert change.data == {"phone": phone}

    planner = client_for("planner")
    queue = planner.get(u("review_queue", world)).content.decode()
    assert "Telefon" in queue and phone in queue  # the diff, German label, old → new
    assert planner.post(u("change_approve", world, pk=change.pk)).status_code == 302

    assert Offering.objects.get(pk=world.offer_a.pk).phone == phone
    assert phone in public_page(world.offer_a)
    proposed, approved = AuditEntry.objects.filter(object_id=str(world.offer_a.uuid)).order_by("id")
    assert (proposed.action, proposed.actor_name, proposed.changes) == (
        "change_proposed",
        "traeger-a",
        {"phone": ["", phone]},
    )
    assert (approved.action, approved.actor_name, approved.changes) == (
        "change_approved",
        "planerin",
        {"phone": ["", phone]},
    )


def test_a_rejected_proposal_keeps_the_public_version(world: World, client_for: Callable[[str], Client]) -> None:
    planner = client_for("planner")
    reason = "Die Nummer ist die der Verwaltung, nicht der Kita."
    assert planner.post(u("change_reject", world, pk=world.change_a.pk), {"reason": reason}).status_code == 302
    assert Offering.objects.get(pk=world.offer_a.pk).phone == ""
    assert OfferingChange.objects.get(pk=world.change_a.pk).state == ChangeState.REJECTED
    home = client_for("traeger_a").get(reverse("workspace:provider_home")).content.decode()
    assert reason in home


def test_a_rejection_without_reason_is_refused_in_german(world: World, client_for: Callable[[str], Client]) -> None:
    response = client_for("planner").post(u("change_reject", world, pk=world.change_a.pk), {"reason": ""})
    assert response.status_code == 200
    assert "Bitte geben Sie eine Begründung an." in response.content.decode()
    assert OfferingChange.objects.get(pk=world.change_a.pk).state == ChangeState.PENDING


def test_htmx_decisions_answer_with_a_fragment(world: World, client_for: Callable[[str], Client]) -> None:
    planner = client_for("planner")
    response = planner.post(u("change_approve", world, pk=world.change_b.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "übernommen" in response.content.decode()
    refused = planner.post(
        u("offering_reject", world, uuid=world.pending_a.uuid), {"reason": ""}, HTTP_HX_REQUEST="true"
    )
    assert "Bitte geben Sie eine Begründung an." in refused.content.decode()
    assert Offering.objects.get(pk=world.pending_a.pk).review_state == ReviewState.PENDING


def test_deciding_twice_is_a_german_message_not_an_error(world: World, client_for: Callable[[str], Client]) -> None:
    planner = client_for("planner")
    planner.post(u("change_approve", world, pk=world.change_a.pk))
    again = planner.post(u("change_approve", world, pk=world.change_a.pk))
    assert again.status_code == 200
    assert "bereits entschieden" in again.content.decode()


def test_a_traegers_new_offer_is_published_after_approval(world: World, client_for: Callable[[str], Client]) -> None:
    data = row(TAFEL_EISFELD)
    response = client_for("traeger_a").post(
        u("offering_create", world),
        {"name": data["name"], "description": data["description"], "status": "active", "provider": world.provider_a.pk},
    )
    assert response.status_code == 302
    offer = Offering.objects.get(name=data["name"])
    assert offer.review_state == ReviewState.PENDING
    assert Client().get(reverse("portal:offer_detail", kwargs={"uuid": offer.uuid})).status_code == 404
    assert client_for("planner").post(u("offering_approve", world, uuid=offer.uuid)).status_code == 302
    assert Client().get(reverse("portal:offer_detail", kwargs={"uuid": offer.uuid})).status_code == 200


def test_retiring_an_offer_removes_it_from_the_public_directory(
    world: World, client_for: Callable[[str], Client]
) -> None:
    planner = client_for("planner")
    assert planner.post(u("offering_retire", world, uuid=world.offer_a.uuid)).status_code == 302
    offer = Offering.objects.get(pk=world.offer_a.pk)
    assert offer.status == OfferingStatus.DEFUNCT
    assert Client().get(reverse("portal:offer_detail", kwargs={"uuid": offer.uuid})).status_code == 404
    detail = planner.get(u("offering_detail", world, uuid=offer.uuid)).content.decode()
    assert "Wieder aktivieren" in detail
    assert "eingestellt" in detail


def test_the_verify_button_sets_the_assured_date(world: World, client_for: Callable[[str], Client]) -> None:
    from django.utils import timezone

    client_for("planner").post(u("offering_verify", world, uuid=world.offer_a.uuid))
    offer = Offering.objects.get(pk=world.offer_a.pk)
    assert offer.assured_date == timezone.localdate()
    assert offer.assured_by is not None and offer.assured_by.username == "planerin"


def test_the_offer_page_shows_its_history_to_planners_only(world: World, client_for: Callable[[str], Client]) -> None:
    planner = client_for("planner")
    planner.post(u("offering_verify", world, uuid=world.offer_a.uuid))
    page = planner.get(u("offering_detail", world, uuid=world.offer_a.uuid)).content.decode()
    assert "Verlauf" in page and "geprüft" in page and "Zuletzt geprüft von" not in page
    committee = client_for("committee").get(u("offering_detail", world, uuid=world.offer_a.uuid)).content.decode()
    assert "Verlauf" not in committee


def test_planning_areas_are_created_edited_and_deleted(world: World, client_for: Callable[[str], Client]) -> None:
    planner = client_for("planner")
    eisfeld = gemeinde(EISFELD)
    response = planner.post(u("area_create", world), {"name": "Eisfeld", "gemeinden": [eisfeld.pk]})
    assert response.status_code == 302
    area = PlanningArea.objects.get(district=world.district, name="Eisfeld")
    assert list(area.gemeinden.all()) == [eisfeld]
    assert "Eisfeld" in planner.get(u("area_list", world)).content.decode()
    both = [eisfeld.pk, gemeinde("16069053").pk]  # Eisfeld and Veilsdorf
    planner.post(u("area_edit", world, pk=area.pk), {"name": "Eisfeld und Veilsdorf", "gemeinden": both})
    area.refresh_from_db()
    assert area.name == "Eisfeld und Veilsdorf"
    assert area.gemeinden.count() == 2
    assert planner.post(u("area_delete", world, pk=area.pk)).status_code == 302
    assert not PlanningArea.objects.filter(pk=area.pk).exists()
    actions = list(
        AuditEntry.objects.filter(object_type="planningarea", object_id=str(area.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["created", "deleted", "updated"]


def test_the_map_data_lists_the_planning_areas(world: World, client_for: Callable[[str], Client]) -> None:
    data = client_for("planner").get(u("map_data", world)).json()
    heldburg = next(f for f in data["features"] if f["properties"]["key"] == "16069063")
    assert heldburg["properties"]["areas"] == [{"id": world.area.pk, "name": "Heldburger Unterland"}]
    assert heldburg["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert any("GeoBasis-DE" in source for source in data["attribution"])


def test_the_home_page_redirects_or_lists_districts(
    world: World, client_for: Callable[[str], Client], people: Personas
) -> None:
    assert client_for("planner").get(reverse("workspace:home"))["Location"] == u("dashboard", world)
    assert client_for("traeger_a").get(reverse("workspace:home"))["Location"] == reverse("workspace:provider_home")


def test_a_superuser_without_membership_is_told_to_create_one_in_the_admin(
    world: World, client_for: Callable[[str], Client], people: Personas
) -> None:
    """Superusers operate the installation; they plan only where they are members (else 404, never 403)."""
    people.outsider.is_superuser = True
    people.outsider.save()
    client = client_for("outsider")
    response = client.get(reverse("workspace:home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "keinem Gebiet zugeordnet" in page and "Mitgliedschaft" in page
    assert 'href="/verwaltung/"' in page
    for name in ("dashboard", "offering_list", "review_queue", "audit_trail"):
        assert client.get(u(name, world)).status_code == 404
    assert client.get(u("offering_edit", world, uuid=world.offer_a.uuid)).status_code == 404
    Membership.objects.create(user=people.outsider, district=world.district, role=Role.PLANNER)
    assert client.get(u("dashboard", world)).status_code == 200


def test_the_traeger_home_lists_only_its_own_offers(world: World, client_for: Callable[[str], Client]) -> None:
    page = client_for("traeger_a").get(reverse("workspace:provider_home")).content.decode()
    assert world.offer_a.name in page and world.pending_a.name in page
    assert world.offer_b.name not in page
    assert "wartet auf Freigabe" in page


def test_the_trail_filters_by_object(world: World, client_for: Callable[[str], Client]) -> None:
    planner = client_for("planner")
    planner.post(u("offering_verify", world, uuid=world.offer_a.uuid))
    planner.post(u("offering_verify", world, uuid=world.offer_b.uuid))
    page = planner.get(u("audit_trail", world), {"object_type": "offering", "object_id": str(world.offer_a.uuid)})
    text = page.content.decode()
    assert world.offer_a.name in text and world.offer_b.name not in text
    assert "geprüft" in text and "planerin" in text


def test_the_offer_form_names_the_whole_district_as_a_service_area(
    world: World, client_for: Callable[[str], Client]
) -> None:
    page = client_for("planner").get(u("offering_edit", world, uuid=world.offer_a.uuid)).content.decode()
    assert "ganzes Gebiet: Landkreis Hildburghausen" in page
