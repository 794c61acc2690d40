"""Bad input on every workspace form: a German message, nothing saved, never a 500.

Hostile strings are valid text: they are stored as typed and always shown escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sozialplan.audit.models import AuditEntry
from sozialplan.offerings.models import Offering, OfferingChange, Provider, Site
from sozialplan.offerings.tests.workflow_data import ARNSTADT_CENTRE, EISFELD, HILDBURGHAUSEN, World, gemeinde
from sozialplan.regions.models import PlanningArea

HOSTILE = "<script>alert('x')</script> '; DROP TABLE offerings_offering; --"
TEN_KB = "Beratung " * 1200  # about 10.8 kB


def u(name: str, w: World, **kwargs: object) -> str:
    return reverse(f"workspace:{name}", kwargs={"district": w.district.slug, **kwargs})


def counts() -> tuple[int, ...]:
    return (
        Provider.objects.count(),
        Site.objects.count(),
        Offering.objects.count(),
        OfferingChange.objects.count(),
        PlanningArea.objects.count(),
        AuditEntry.objects.count(),
    )


def refused(client: Client, url: str, data: dict[str, Any], message: str) -> None:
    before = counts()
    response = client.post(url, data)
    assert response.status_code == 200, response.status_code
    text = response.content.decode()
    assert message in text
    assert "Bitte prüfen Sie Ihre Eingaben." in text or "kern-error" in text
    assert "<script>alert" not in text
    assert counts() == before


# --- Träger ---------------------------------------------------------------------------------------

PROVIDER_CASES = [
    ({"name": ""}, "Dieses Feld ist zwingend erforderlich."),
    ({"name": "   "}, "Dieses Feld ist zwingend erforderlich."),
    ({"name": TEN_KB}, "höchstens 300 Zeichen"),
    ({"name": "Kreissportbund\x00Hildburghausen"}, "Nullzeichen sind nicht erlaubt."),
    ({"name": "Stiftung Rehabilitationszentrum", "email": "keine-adresse"}, "gültige E-Mail-Adresse"),
    ({"name": "Stiftung Rehabilitationszentrum", "website": "javascript:alert(1)"}, "gültige Adresse"),
    ({"name": "Stiftung Rehabilitationszentrum", "kind": "erfunden"}, "gültige Auswahl"),
    ({"name": "kreissportbund hildburghausen e.v."}, "gibt es in diesem Gebiet schon"),
]


@pytest.mark.parametrize(("data", "message"), PROVIDER_CASES)
def test_the_provider_form_refuses_bad_input(
    data: dict[str, Any], message: str, world: World, client_for: Callable[[str], Client]
) -> None:
    refused(client_for("planner"), u("provider_create", world), {"kind": "sonstig", **data}, message)


def test_hostile_text_is_stored_verbatim_and_shown_escaped(world: World, client_for: Callable[[str], Client]) -> None:
    client = client_for("planner")
    response = client.post(u("provider_create", world), {"name": HOSTILE, "kind": "sonstig"})
    assert response.status_code == 302
    provider = Provider.objects.get(name=HOSTILE)
    page = client.get(u("provider_edit", world, uuid=provider.uuid)).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    trail = client.get(u("audit_trail", world)).content.decode()
    assert "<script>alert" not in trail


# --- Standorte ------------------------------------------------------------------------------------


def site(w: World, **changes: Any) -> dict[str, Any]:
    data = {"provider": w.provider_a.pk, "name": "Eisfeld", "town": "Eisfeld", "gemeinde": gemeinde(EISFELD).pk}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


SITE_CASES: list[tuple[dict[str, Any], str]] = [
    ({"latitude": str(ARNSTADT_CENTRE[0]), "longitude": str(ARNSTADT_CENTRE[1])}, "außerhalb des Gebiets"),
    ({"latitude": "50,4256"}, "Bitte geben Sie Breiten- und Längengrad an"),
    ({"latitude": "95", "longitude": "10,7"}, "Der Wert darf höchstens 90 sein."),
    ({"latitude": "nördlich", "longitude": "10,7"}, "Bitte geben Sie eine Zahl in Grad an"),
    ({"latitude": "nan", "longitude": "inf"}, "Bitte geben Sie eine Zahl in Grad an"),
    ({"postcode": "98 646x"}, "fünfstellige Postleitzahl"),
    ({"postcode": "\uff19\uff18\uff16\uff14\uff16"}, "fünfstellige Postleitzahl"),  # full-width digits
    ({"postcode": "\u0669\u0668\u0666\u0664\u0666"}, "fünfstellige Postleitzahl"),  # Arabic-Indic digits
    ({"gemeinde": None}, "Bitte wählen Sie die Gemeinde"),
    ({"name": ""}, "Dieses Feld ist zwingend erforderlich."),
    ({"name": TEN_KB}, "höchstens 300 Zeichen"),
    ({"accessibility_url": "kein Link"}, "gültige Adresse"),
]


@pytest.mark.parametrize(("changes", "message"), SITE_CASES)
def test_the_site_form_refuses_bad_input(
    changes: dict[str, Any], message: str, world: World, client_for: Callable[[str], Client]
) -> None:
    refused(client_for("planner"), u("site_create", world), site(world, **changes), message)


def test_a_gemeinde_of_another_district_is_not_a_choice(world: World, client_for: Callable[[str], Client]) -> None:
    data = site(world, gemeinde=gemeinde("16070004").pk)
    refused(client_for("planner"), u("site_create", world), data, "gültige Auswahl")


def test_traeger_b_cannot_create_a_site_for_traeger_a(world: World, client_for: Callable[[str], Client]) -> None:
    refused(client_for("traeger_b"), u("site_create", world), site(world), "gültige Auswahl")


def test_a_bad_site_edit_leaves_the_site_unchanged(world: World, client_for: Callable[[str], Client]) -> None:
    data = site(world, latitude=str(ARNSTADT_CENTRE[0]), longitude=str(ARNSTADT_CENTRE[1]))
    refused(client_for("traeger_a"), u("site_edit", world, uuid=world.site_a.uuid), data, "außerhalb des Gebiets")
    assert Site.objects.get(pk=world.site_a.pk).gemeinde == gemeinde(HILDBURGHAUSEN)


# --- Angebote -------------------------------------------------------------------------------------


def offer(w: World, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"name": w.offer_a.name, "status": "active", "sites": [w.site_a.pk]}
    data.update(changes)
    return data


OFFER_CASES: list[tuple[dict[str, Any], str]] = [
    ({"name": ""}, "Dieses Feld ist zwingend erforderlich."),
    ({"name": TEN_KB}, "höchstens 300 Zeichen"),
    ({"description": "Beratung " * 1500}, "höchstens 10000 Zeichen"),
    ({"capacity": "-5"}, "größer oder gleich 0"),
    ({"capacity": "viele"}, "ganze Zahl"),
    ({"min_age": "13", "max_age": "6"}, "Das Höchstalter darf nicht kleiner als das Mindestalter sein."),
    ({"min_age": "-1"}, "größer oder gleich 0"),
    ({"email": "kita(at)example"}, "gültige E-Mail-Adresse"),
    ({"website": "javascript:alert(1)"}, "gültige Adresse"),
    ({"status": "geheim"}, "gültige Auswahl"),
    ({"action_fields": ["999999"]}, "gültige Auswahl"),
    ({"served_regions": ["999999"]}, "gültige Auswahl"),
    ({"name": "Kita\x00Farbkleckse"}, "Nullzeichen sind nicht erlaubt."),
    # Upper limits (SQLite checks no ranges, so the form must).
    ({"min_age": "121"}, "Das Alter darf höchstens 120 Jahre betragen."),
    ({"max_age": "99999"}, "Das Alter darf höchstens 120 Jahre betragen."),
    ({"capacity": "100001"}, "Die Zahl der Plätze darf höchstens 100000 betragen."),
    ({"capacity": "9" * 30}, "Die Zahl der Plätze darf höchstens 100000 betragen."),
]


@pytest.mark.parametrize(("changes", "message"), OFFER_CASES)
def test_the_offer_form_refuses_bad_input(
    changes: dict[str, Any], message: str, world: World, client_for: Callable[[str], Client]
) -> None:
    refused(client_for("planner"), u("offering_edit", world, uuid=world.offer_a.uuid), offer(world, **changes), message)


def test_the_largest_ages_and_capacity_are_accepted(world: World, client_for: Callable[[str], Client]) -> None:
    url = u("offering_edit", world, uuid=world.offer_a.uuid)
    response = client_for("planner").post(url, offer(world, min_age="0", max_age="120", capacity="100000"))
    assert response.status_code == 302
    world.offer_a.refresh_from_db()
    assert (world.offer_a.max_age, world.offer_a.capacity) == (120, 100000)


def test_a_full_width_postcode_leaves_the_site_unchanged(world: World, client_for: Callable[[str], Client]) -> None:
    data = site(world, name=world.site_a.name, postcode="\uff19\uff18\uff16\uff14\uff16")
    refused(client_for("planner"), u("site_edit", world, uuid=world.site_a.uuid), data, "fünfstellige Postleitzahl")
    assert Site.objects.get(pk=world.site_a.pk).postcode == world.site_a.postcode


@pytest.mark.parametrize(("changes", "message"), [*(OFFER_CASES[i] for i in (1, 3, 5, 7, 8)), *OFFER_CASES[-4:]])
def test_a_traegers_proposal_with_bad_input_is_not_stored(
    changes: dict[str, Any], message: str, world: World, client_for: Callable[[str], Client]
) -> None:
    url = u("offering_edit", world, uuid=world.offer_a.uuid)
    refused(client_for("traeger_a"), url, offer(world, **changes), message)


def test_a_traeger_cannot_attach_another_traegers_site(world: World, client_for: Callable[[str], Client]) -> None:
    data = offer(world, sites=[world.site_b.pk])
    refused(client_for("traeger_a"), u("offering_edit", world, uuid=world.offer_a.uuid), data, "gültige Auswahl")


def test_a_new_offer_with_bad_input_is_not_created(world: World, client_for: Callable[[str], Client]) -> None:
    data = {"name": "", "status": "active", "provider": world.provider_a.pk, "capacity": "-1"}
    refused(client_for("traeger_a"), u("offering_create", world), data, "Dieses Feld ist zwingend erforderlich.")


# --- Planungsräume and decisions ------------------------------------------------------------------

AREA_CASES: list[tuple[dict[str, Any], str]] = [
    ({"name": "", "gemeinden": []}, "Bitte wählen Sie mindestens eine Gemeinde."),
    ({"name": "Heldburger Unterland"}, "Einen Planungsraum mit diesem Namen gibt es schon."),
    ({"name": TEN_KB}, "höchstens 200 Zeichen"),
    ({"name": "Arnstadt", "gemeinden": ["ARNSTADT"]}, "gültige Auswahl"),
]


@pytest.mark.parametrize(("changes", "message"), AREA_CASES)
def test_the_planning_area_form_refuses_bad_input(
    changes: dict[str, Any], message: str, world: World, client_for: Callable[[str], Client]
) -> None:
    data: dict[str, Any] = {"gemeinden": [gemeinde(EISFELD).pk], **changes}
    if data["gemeinden"] == ["ARNSTADT"]:
        data["gemeinden"] = [gemeinde("16070004").pk]
    refused(client_for("planner"), u("area_create", world), data, message)


def test_a_rejection_reason_of_10_kb_is_refused(world: World, client_for: Callable[[str], Client]) -> None:
    response = client_for("planner").post(u("change_reject", world, pk=world.change_a.pk), {"reason": TEN_KB})
    assert response.status_code == 200
    assert "höchstens 2000 Zeichen" in response.content.decode()
    assert OfferingChange.objects.get(pk=world.change_a.pk).state == "pending"


@pytest.mark.parametrize(
    "name", ["offering_list", "provider_list", "site_list", "audit_trail", "dashboard", "review_queue", "area_list"]
)
def test_garbage_in_filters_and_page_numbers_is_ignored(
    name: str, world: World, client_for: Callable[[str], Client]
) -> None:
    garbage = {
        "status": "<script>",
        "field": "99",
        "gemeinde": "'; DROP TABLE",
        "review": "x" * 5000,
        "stale": "vielleicht",
        "seite": "-1",
        "state": "\x00",
        "object_type": "user",
        "object_id": "x" * 100,
        "q": "%_\\",
    }
    response = client_for("planner").get(u(name, world), garbage)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()  # only <script src=…> tags, never the input
