"""The Träger's own page in the Träger area: /planung/traeger/<uuid>/ (read-only)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from conftest import PERSONA_NAMES, Personas
from sozialplan.accounts.models import Membership, Role
from sozialplan.offerings.models import Provider
from sozialplan.offerings.tests.workflow_data import FARBKLECKSE, World, row


def page(provider: Provider) -> str:
    return reverse("workspace:provider_page", kwargs={"uuid": provider.uuid})


def outcome(client: Client, url: str) -> int | str:
    response = client.get(url)
    if response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")):
        return "login"
    return response.status_code


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        # Only who acts for the Träger sees its page; for everyone else it does not exist.
        ("provider_a", ("login", 404, 404, 200, 404, 404, 404)),
        ("provider_b", ("login", 404, 404, 404, 200, 404, 404)),
    ],
)
def test_each_persona_sees_only_its_own_traegers_page(
    target: str, expected: tuple[int | str, ...], world: World, client_as: Callable[[str], Client]
) -> None:
    url = page(getattr(world, target))
    got = tuple(outcome(client_as(persona), url) for persona in PERSONA_NAMES)
    assert got == expected


def test_the_page_shows_the_traegers_data_standorte_and_angebote_with_their_review_states(
    world: World, client_as: Callable[[str], Client]
) -> None:
    website = row(FARBKLECKSE)["website"]  # the Träger's published website
    Provider.objects.filter(pk=world.provider_a.pk).update(website=website)
    text = client_as("traeger_a").get(page(world.provider_a)).content.decode()
    for expected in (
        world.provider_a.name,
        "kirchlicher Träger",  # Trägerart
        "e. V.",  # Rechtsform
        website,
        "Landkreis Hildburghausen",
        world.site_a.name,
        world.offer_a.name,
        world.pending_a.name,
        "freigegeben",
        "wartet auf Freigabe",
        "Änderung wartet",  # change_a is open
        reverse("workspace:offering_detail", kwargs={"district": world.district.slug, "uuid": world.offer_a.uuid}),
    ):
        assert expected in text, expected
    assert world.offer_b.name not in text
    assert world.site_b.name not in text
    # Read-only: the Träger's record itself cannot be changed from here.
    assert (
        reverse("workspace:provider_edit", kwargs={"district": world.district.slug, "uuid": world.provider_a.uuid})
        not in text
    )


def test_a_rejected_offer_shows_its_reason(world: World, client_as: Callable[[str], Client]) -> None:
    reason = "Bitte ergänzen Sie die Öffnungszeiten."
    client_as("planner").post(
        reverse("workspace:offering_reject", kwargs={"district": world.district.slug, "uuid": world.pending_a.uuid}),
        {"reason": reason},
    )
    text = client_as("traeger_a").get(page(world.provider_a)).content.decode()
    assert "abgelehnt" in text and reason in text


def test_the_traeger_home_links_one_page_per_traeger(
    world: World, people: Personas, client_as: Callable[[str], Client]
) -> None:
    Membership.objects.create(
        user=people.traeger_a, district=world.district, role=Role.PROVIDER, provider=world.provider_b
    )
    client = client_as("traeger_a")
    home = client.get(reverse("workspace:provider_home")).content.decode()
    assert page(world.provider_a) in home and page(world.provider_b) in home
    assert client.get(page(world.provider_a)).status_code == 200
    text = client.get(page(world.provider_b)).content.decode()
    assert world.offer_b.name in text and world.offer_a.name not in text


def test_an_unknown_traeger_is_not_found_and_post_is_not_allowed(
    world: World, client_as: Callable[[str], Client]
) -> None:
    client = client_as("traeger_a")
    assert client.get("/planung/traeger/00000000-0000-4000-8000-000000000000/").status_code == 404
    assert client.get("/planung/traeger/kein-traeger/").status_code == 404
    with transaction.atomic():
        assert client.post(page(world.provider_a)).status_code == 405
