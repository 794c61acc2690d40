"""Through the web pages: a Träger's edit of a Standort of a published offer waits for a planner."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from sozialplan.offerings.models import ChangeState, Site, SiteChange
from sozialplan.offerings.tests.workflow_data import World, row

#: A real street of the district (the address of the Kindergarten „Parkmäuse“ in the offers CSV).
NEW_STREET = row("Kindergarten „Parkmäuse“")["street"]
REASON = "Die Hausnummer bitte mit dem Bauamt abstimmen."


def u(name: str, w: World, **kwargs: object) -> str:
    return reverse(f"workspace:{name}", kwargs={"district": w.district.slug, **kwargs})


def site_form(site: Site, **changes: object) -> dict[str, object]:
    """The Standort form as sent back unchanged, with ``changes``."""
    data: dict[str, object] = {
        "provider": site.provider_id,
        "name": site.name,
        "street": site.street,
        "postcode": site.postcode,
        "town": site.town,
        "gemeinde": site.gemeinde_id,
        "wheelchair_accessible": "unknown",
    }
    data.update(changes)
    return data


def public_page(w: World) -> str:
    return Client().get(reverse("portal:offer_detail", kwargs={"uuid": w.offer_a.uuid})).content.decode()


def propose(w: World, client_for: Callable[[str], Client]) -> SiteChange:
    url = u("site_edit", w, uuid=w.site_a.uuid)
    response = client_for("traeger_a").post(url, site_form(w.site_a, street=NEW_STREET))
    assert response.status_code == 302
    return SiteChange.objects.get(site=w.site_a, state=ChangeState.PENDING)


def test_a_traegers_site_edit_is_public_only_after_approval(world: World, client_for: Callable[[str], Client]) -> None:
    old_street = world.site_a.street
    assert old_street in public_page(world)
    traeger = client_for("traeger_a")
    response = traeger.post(
        u("site_edit", world, uuid=world.site_a.uuid), site_form(world.site_a, street=NEW_STREET), follow=True
    )
    assert "sobald die Sozialplanung sie freigibt" in response.content.decode()
    assert "Eine Änderung dieses Standorts wartet auf Freigabe." in response.content.decode()
    change = SiteChange.objects.get(site=world.site_a, state=ChangeState.PENDING)
    page = public_page(world)
    assert old_street in page and NEW_STREET not in page
    assert "Änderung wartet auf Freigabe" in traeger.get(reverse("workspace:provider_home")).content.decode()
    own_page = reverse("workspace:provider_page", kwargs={"uuid": world.provider_a.uuid})
    assert "Änderung wartet auf Freigabe" in traeger.get(own_page).content.decode()

    planner = client_for("planner")
    queue = planner.get(u("review_queue", world)).content.decode()
    section = queue.split("Änderungen an Standorten")[1]
    assert "Straße und Hausnummer" in section and old_street in section and NEW_STREET in section
    dashboard = planner.get(u("dashboard", world))
    # pending_a, change_a and change_b of the world, plus this proposal
    assert '<span class="ws-figure__value">4</span> <span class="ws-figure__label">warten auf Freigabe' in (
        dashboard.content.decode()
    )
    assert "Änderung am Standort:" in dashboard.content.decode()

    response = planner.post(u("site_change_approve", world, pk=change.pk), follow=True)
    assert "ist übernommen" in response.content.decode()
    assert NEW_STREET in public_page(world)
    assert Site.objects.get(pk=world.site_a.pk).street == NEW_STREET


def test_a_rejected_site_proposal_keeps_the_public_address(world: World, client_for: Callable[[str], Client]) -> None:
    old_street = world.site_a.street
    change = propose(world, client_for)
    planner = client_for("planner")
    refused = planner.post(u("site_change_reject", world, pk=change.pk), {"reason": ""}, follow=True)
    assert "Bitte geben Sie eine Begründung an." in refused.content.decode()
    assert SiteChange.objects.get(pk=change.pk).state == ChangeState.PENDING
    planner.post(u("site_change_reject", world, pk=change.pk), {"reason": REASON})
    assert SiteChange.objects.get(pk=change.pk).state == ChangeState.REJECTED
    page = public_page(world)
    assert old_street in page and NEW_STREET not in page
    traeger = client_for("traeger_a")
    assert REASON in traeger.get(reverse("workspace:provider_home")).content.decode()
    assert REASON in traeger.get(u("site_edit", world, uuid=world.site_a.uuid)).content.decode()
    again = planner.post(u("site_change_approve", world, pk=change.pk), follow=True)
    assert again.status_code == 200
    assert "Über diesen Vorschlag wurde bereits entschieden." in again.content.decode()


def test_htmx_site_decisions_answer_with_a_fragment(world: World, client_for: Callable[[str], Client]) -> None:
    change = propose(world, client_for)
    planner = client_for("planner")
    failed = planner.post(u("site_change_reject", world, pk=change.pk), {"reason": " "}, HTTP_HX_REQUEST="true")
    assert failed.status_code == 200
    assert f'id="decision-site-change-{change.pk}"' in failed.content.decode()
    assert "Bitte geben Sie eine Begründung an." in failed.content.decode()
    done = planner.post(u("site_change_approve", world, pk=change.pk), HTTP_HX_REQUEST="true")
    assert "<html" not in done.content.decode() and "ist übernommen" in done.content.decode()


def test_traeger_b_committee_and_other_districts_cannot_decide(
    world: World, client_for: Callable[[str], Client]
) -> None:
    change = propose(world, client_for)
    expected = {"traeger_a": 403, "traeger_b": 404, "committee": 403, "other_planner": 404, "outsider": 404}
    for persona, status in expected.items():
        client = client_for(persona)
        got = (
            client.post(u("site_change_approve", world, pk=change.pk)).status_code,
            client.post(u("site_change_reject", world, pk=change.pk), {"reason": REASON}).status_code,
        )
        assert got == (status, status), persona
    home_b = client_for("traeger_b").get(reverse("workspace:provider_home")).content.decode()
    assert world.site_a.name not in home_b and "Änderung wartet auf Freigabe" not in home_b
    assert client_for("traeger_b").get(u("site_edit", world, uuid=world.site_a.uuid)).status_code == 404
    assert SiteChange.objects.get(pk=change.pk).state == ChangeState.PENDING
    assert Site.objects.get(pk=world.site_a.pk).street != NEW_STREET


def test_a_planners_site_edit_is_direct(world: World, client_for: Callable[[str], Client]) -> None:
    response = client_for("planner").post(
        u("site_edit", world, uuid=world.site_a.uuid), site_form(world.site_a, street=NEW_STREET), follow=True
    )
    assert "Der Standort wurde gespeichert." in response.content.decode()
    assert NEW_STREET in public_page(world)
    assert not SiteChange.objects.exists()
