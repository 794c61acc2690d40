"""Authorization matrix: every workspace URL (GET and POST) × the seven personas.

Expected outcomes follow docs/permissions.md:

* citizen (anonymous) → redirect to the login page;
* planner of this district → 200 (page) or 302 (action done, redirect);
* planner of another district and outsider → 404 (the district does not exist for them);
* Träger A → its own records: pages 200, actions 302 (a change becomes a proposal);
  planner-only pages and actions 403;
* Träger B → Träger A's records are invisible (404); district pages it may not use 403;
* committee member → read-only pages 200, every change 403.

The rules predicates are tested directly as well (role × permission).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse

from conftest import PERSONA_NAMES, Personas
from sozialplan.offerings.models import ChangeState, Offering, OfferingChange, Site, SiteChange
from sozialplan.offerings.tests.workflow_data import HILDBURGHAUSEN, World, gemeinde
from sozialplan.regions.models import PlanningArea

LOGIN = "login"
P = ("citizen", "planner", "other_planner", "traeger_a", "traeger_b", "committee", "outsider")


def expect(*codes: int | str) -> dict[str, int | str]:
    """Expected outcome per persona, in the order of ``P``."""
    assert len(codes) == len(P)
    return dict(zip(P, codes, strict=True))


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Callable[[World], str]
    expected: dict[str, int | str]
    data: Callable[[World], dict[str, Any]] | None = None


def u(name: str, **kwargs: Any) -> str:
    return reverse(f"workspace:{name}", kwargs=kwargs)


def d(w: World) -> str:
    return w.district.slug


def offering_post(w: World) -> dict[str, Any]:
    """A valid offer form (Träger A's own Träger and Standort; planners may use them too)."""
    return {
        "name": w.offer_a.name,
        "provider": w.provider_a.pk,
        "description": w.offer_a.description,
        "status": "active",
        "action_fields": [f.pk for f in w.offer_a.action_fields.all()],
        "sites": [w.site_a.pk],
        "phone": "03685 700675",
    }


def site_post(w: World) -> dict[str, Any]:
    return {
        "provider": w.provider_a.pk,
        "name": w.site_a.name,
        "street": "Eisfelder Straße 41, Haus 26",
        "postcode": "98646",
        "town": "Hildburghausen",
        "gemeinde": gemeinde(HILDBURGHAUSEN).pk,
    }


def provider_post(w: World) -> dict[str, Any]:
    return {"name": "Diakonisches Werk Henneberger Land e.V.", "kind": "kirchlich"}


def area_post(w: World) -> dict[str, Any]:
    return {"name": w.area.name, "gemeinden": [g.pk for g in w.area.gemeinden.all()]}


def reason(w: World) -> dict[str, Any]:
    return {"reason": "Bitte die Telefonnummer mit der Einrichtung abstimmen."}


def site_change_a(w: World) -> SiteChange:
    """Träger A's pending proposal for its Standort (a real street from the offers CSV)."""
    change, _created = SiteChange.objects.get_or_create(
        site=w.site_a,
        state=ChangeState.PENDING,
        defaults={"data": {"street": "Friedrich-Rückert-Straße 19"}, "submitted_by": None},
    )
    return change


PAGE_PLANNER_COMMITTEE = expect(LOGIN, 200, 404, 403, 403, 200, 404)
PAGE_PLANNER_ONLY = expect(LOGIN, 200, 404, 403, 403, 403, 404)
ACTION_PLANNER_ONLY = expect(LOGIN, 302, 404, 403, 403, 403, 404)
# On a record of Träger A: B cannot see it (404), A may see it but not use a planner action (403).
ACTION_ON_A_PLANNER_ONLY = expect(LOGIN, 302, 404, 403, 404, 403, 404)

CASES = [
    Case("home", "GET", lambda _w: u("home"), expect(LOGIN, 302, 302, 302, 302, 302, 200)),
    Case("provider_home", "GET", lambda _w: u("provider_home"), expect(LOGIN, 302, 302, 200, 200, 302, 302)),
    Case(
        "provider_page",
        "GET",
        lambda w: u("provider_page", uuid=w.provider_a.uuid),
        expect(LOGIN, 404, 404, 200, 404, 404, 404),
    ),
    Case("dashboard", "GET", lambda w: u("dashboard", district=d(w)), PAGE_PLANNER_COMMITTEE),
    Case("map_data", "GET", lambda w: u("map_data", district=d(w)), PAGE_PLANNER_COMMITTEE),
    # Angebote
    Case("offering_list", "GET", lambda w: u("offering_list", district=d(w)), PAGE_PLANNER_COMMITTEE),
    Case(
        "offering_create",
        "GET",
        lambda w: u("offering_create", district=d(w)),
        expect(LOGIN, 200, 404, 200, 200, 403, 404),
    ),
    Case(
        "offering_create",
        "POST",
        lambda w: u("offering_create", district=d(w)),
        # Träger B may not name Träger A: the form refuses the choice (200, nothing saved).
        expect(LOGIN, 302, 404, 302, 200, 403, 404),
        offering_post,
    ),
    Case(
        "offering_detail",
        "GET",
        lambda w: u("offering_detail", district=d(w), uuid=w.offer_a.uuid),
        expect(LOGIN, 200, 404, 200, 404, 200, 404),
    ),
    Case(
        "offering_edit",
        "GET",
        lambda w: u("offering_edit", district=d(w), uuid=w.offer_a.uuid),
        expect(LOGIN, 200, 404, 200, 404, 403, 404),
    ),
    Case(
        "offering_edit",
        "POST",
        lambda w: u("offering_edit", district=d(w), uuid=w.offer_a.uuid),
        expect(LOGIN, 302, 404, 302, 404, 403, 404),
        offering_post,
    ),
    Case(
        "offering_retire",
        "POST",
        lambda w: u("offering_retire", district=d(w), uuid=w.offer_a.uuid),
        ACTION_ON_A_PLANNER_ONLY,
    ),
    Case(
        "offering_reactivate",
        "POST",
        lambda w: u("offering_reactivate", district=d(w), uuid=w.offer_a.uuid),
        ACTION_ON_A_PLANNER_ONLY,
    ),
    Case(
        "offering_verify",
        "POST",
        lambda w: u("offering_verify", district=d(w), uuid=w.offer_a.uuid),
        ACTION_ON_A_PLANNER_ONLY,
    ),
    Case(
        "offering_approve",
        "POST",
        lambda w: u("offering_approve", district=d(w), uuid=w.pending_a.uuid),
        ACTION_ON_A_PLANNER_ONLY,
    ),
    Case(
        "offering_reject",
        "POST",
        lambda w: u("offering_reject", district=d(w), uuid=w.pending_a.uuid),
        ACTION_ON_A_PLANNER_ONLY,
        reason,
    ),
    # Träger
    Case("provider_list", "GET", lambda w: u("provider_list", district=d(w)), PAGE_PLANNER_COMMITTEE),
    Case("provider_create", "GET", lambda w: u("provider_create", district=d(w)), PAGE_PLANNER_ONLY),
    Case(
        "provider_create",
        "POST",
        lambda w: u("provider_create", district=d(w)),
        ACTION_PLANNER_ONLY,
        provider_post,
    ),
    Case(
        "provider_edit",
        "GET",
        lambda w: u("provider_edit", district=d(w), uuid=w.provider_a.uuid),
        expect(LOGIN, 200, 404, 403, 404, 403, 404),
    ),
    Case(
        "provider_edit",
        "POST",
        lambda w: u("provider_edit", district=d(w), uuid=w.provider_a.uuid),
        ACTION_ON_A_PLANNER_ONLY,
        lambda w: {"name": w.provider_a.name, "kind": "kirchlich", "legal_form": "e. V."},
    ),
    Case(
        "provider_retire",
        "POST",
        lambda w: u("provider_retire", district=d(w), uuid=w.provider_a.uuid),
        ACTION_ON_A_PLANNER_ONLY,
    ),
    Case(
        "provider_reactivate",
        "POST",
        lambda w: u("provider_reactivate", district=d(w), uuid=w.provider_a.uuid),
        ACTION_ON_A_PLANNER_ONLY,
    ),
    # Standorte
    Case("site_list", "GET", lambda w: u("site_list", district=d(w)), PAGE_PLANNER_COMMITTEE),
    Case(
        "site_create",
        "GET",
        lambda w: u("site_create", district=d(w)),
        expect(LOGIN, 200, 404, 200, 200, 403, 404),
    ),
    Case(
        "site_create",
        "POST",
        lambda w: u("site_create", district=d(w)),
        expect(LOGIN, 302, 404, 302, 200, 403, 404),
        site_post,
    ),
    Case(
        "site_edit",
        "GET",
        lambda w: u("site_edit", district=d(w), uuid=w.site_a.uuid),
        expect(LOGIN, 200, 404, 200, 404, 403, 404),
    ),
    Case(
        "site_edit",
        "POST",
        lambda w: u("site_edit", district=d(w), uuid=w.site_a.uuid),
        expect(LOGIN, 302, 404, 302, 404, 403, 404),
        site_post,
    ),
    Case(
        "site_retire",
        "POST",
        lambda w: u("site_retire", district=d(w), uuid=w.site_a.uuid),
        ACTION_ON_A_PLANNER_ONLY,
    ),
    Case(
        "site_reactivate",
        "POST",
        lambda w: u("site_reactivate", district=d(w), uuid=w.site_a.uuid),
        ACTION_ON_A_PLANNER_ONLY,
    ),
    # Freigaben
    Case("review_queue", "GET", lambda w: u("review_queue", district=d(w)), PAGE_PLANNER_ONLY),
    Case(
        "change_detail",
        "GET",
        lambda w: u("change_detail", district=d(w), pk=w.change_a.pk),
        expect(LOGIN, 200, 404, 403, 404, 403, 404),
    ),
    Case(
        "change_approve",
        "POST",
        lambda w: u("change_approve", district=d(w), pk=w.change_a.pk),
        ACTION_ON_A_PLANNER_ONLY,
    ),
    Case(
        "change_reject",
        "POST",
        lambda w: u("change_reject", district=d(w), pk=w.change_a.pk),
        ACTION_ON_A_PLANNER_ONLY,
        reason,
    ),
    Case(
        "site_change_approve",
        "POST",
        lambda w: u("site_change_approve", district=d(w), pk=site_change_a(w).pk),
        ACTION_ON_A_PLANNER_ONLY,
    ),
    Case(
        "site_change_reject",
        "POST",
        lambda w: u("site_change_reject", district=d(w), pk=site_change_a(w).pk),
        ACTION_ON_A_PLANNER_ONLY,
        reason,
    ),
    # Planungsräume
    Case("area_list", "GET", lambda w: u("area_list", district=d(w)), PAGE_PLANNER_COMMITTEE),
    Case("area_create", "GET", lambda w: u("area_create", district=d(w)), PAGE_PLANNER_ONLY),
    Case(
        "area_create",
        "POST",
        lambda w: u("area_create", district=d(w)),
        ACTION_PLANNER_ONLY,
        lambda w: {
            "name": "Feldstein",
            "gemeinden": [g.pk for g in w.district.gemeinden().filter(name="Themar, Stadt")],
        },
    ),
    Case("area_edit", "GET", lambda w: u("area_edit", district=d(w), pk=w.area.pk), PAGE_PLANNER_ONLY),
    Case(
        "area_edit",
        "POST",
        lambda w: u("area_edit", district=d(w), pk=w.area.pk),
        ACTION_PLANNER_ONLY,
        area_post,
    ),
    Case("area_delete", "POST", lambda w: u("area_delete", district=d(w), pk=w.area.pk), ACTION_PLANNER_ONLY),
    # Protokoll
    Case("audit_trail", "GET", lambda w: u("audit_trail", district=d(w)), PAGE_PLANNER_ONLY),
]


def outcome(response: HttpResponseBase) -> int | str:
    """The status code, or ``LOGIN`` for a redirect to the login page."""
    if response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method}-{c.name}")
def test_every_url_answers_each_persona_as_documented(
    case: Case, world: World, client_for: Callable[[str], Client]
) -> None:
    """One test per URL and method; inside it, each of the seven personas in its own rolled-back savepoint.

    The savepoint keeps the personas independent (the planner's delete must not turn the
    committee's 403 into a 404), and building the district once per URL instead of once
    per persona keeps the matrix fast. All mismatches are reported together.
    """
    got: dict[str, int | str] = {}
    for persona in PERSONA_NAMES:
        with transaction.atomic():
            client = client_for(persona)
            data = case.data(world) if case.data else {}
            url = case.url(world)
            response = client.post(url, data) if case.method == "POST" else client.get(url)
            got[persona] = outcome(response)
            transaction.set_rollback(True)
    assert got == case.expected


POST_ONLY = [c for c in CASES if c.method == "POST" and not any(o.name == c.name and o.method == "GET" for o in CASES)]


@pytest.mark.parametrize("case", POST_ONLY, ids=lambda c: c.name)
def test_post_only_urls_refuse_get(case: Case, world: World, client_for: Callable[[str], Client]) -> None:
    assert client_for("planner").get(case.url(world)).status_code == 405


def test_denied_actions_change_nothing(world: World, client_for: Callable[[str], Client]) -> None:
    """Every refused POST above leaves the records as they were."""
    site_change_a(world)
    before = (
        list(Offering.objects.order_by("pk").values()),
        list(Site.objects.order_by("pk").values()),
        list(OfferingChange.objects.order_by("pk").values()),
        list(SiteChange.objects.order_by("pk").values()),
        list(PlanningArea.objects.order_by("pk").values()),
    )
    for persona in ("other_planner", "traeger_b", "committee", "outsider", "citizen"):
        client = client_for(persona)
        for case in CASES:
            if case.method == "POST" and case.expected[persona] in (LOGIN, 403, 404, 200):
                client.post(case.url(world), case.data(world) if case.data else {})
    after = (
        list(Offering.objects.order_by("pk").values()),
        list(Site.objects.order_by("pk").values()),
        list(OfferingChange.objects.order_by("pk").values()),
        list(SiteChange.objects.order_by("pk").values()),
        list(PlanningArea.objects.order_by("pk").values()),
    )
    assert after == before


# --- the rules, role × permission ----------------------------------------------------------------

R = ("planner", "other_planner", "traeger_a", "traeger_b", "committee", "outsider")
ROLE_MATRIX: list[tuple[str, str, tuple[bool, ...]]] = [
    # permission, object, allowed for (planner, other_planner, traeger_a, traeger_b, committee, outsider)
    ("offerings.view_workspace", "district", (True, False, False, False, True, False)),
    ("offerings.view_offering", "offer_a", (True, False, True, False, True, False)),
    ("offerings.add_offering", "district", (True, False, True, True, False, False)),
    ("offerings.change_offering", "offer_a", (True, False, True, False, False, False)),
    ("offerings.change_offering", "offer_b", (True, False, False, True, False, False)),
    ("offerings.approve_offering", "offer_a", (True, False, False, False, False, False)),
    ("offerings.retire_offering", "offer_a", (True, False, False, False, False, False)),
    ("offerings.verify_offering", "offer_a", (True, False, False, False, False, False)),
    ("offerings.view_provider", "provider_a", (True, False, True, False, True, False)),
    ("offerings.add_provider", "district", (True, False, False, False, False, False)),
    ("offerings.change_provider", "provider_a", (True, False, False, False, False, False)),
    ("offerings.retire_provider", "provider_a", (True, False, False, False, False, False)),
    ("offerings.view_own_provider", "provider_a", (False, False, True, False, False, False)),
    ("offerings.view_own_provider", "provider_b", (False, False, False, True, False, False)),
    ("offerings.view_site", "site_a", (True, False, True, False, True, False)),
    ("offerings.add_site", "district", (True, False, True, True, False, False)),
    ("offerings.change_site", "site_a", (True, False, True, False, False, False)),
    ("offerings.retire_site", "site_a", (True, False, False, False, False, False)),
    ("offerings.approve_site", "site_a", (True, False, False, False, False, False)),
    ("regions.view_planningarea", "area", (True, False, False, False, True, False)),
    ("regions.add_planningarea", "district", (True, False, False, False, False, False)),
    ("regions.change_planningarea", "area", (True, False, False, False, False, False)),
    ("regions.delete_planningarea", "area", (True, False, False, False, False, False)),
    ("audit.view_trail", "district", (True, False, False, False, False, False)),
]


@pytest.mark.parametrize(("perm", "target", "allowed"), ROLE_MATRIX, ids=lambda v: str(v))
def test_rules_grant_each_role_exactly_its_permissions(
    perm: str, target: str, allowed: tuple[bool, ...], world: World, people: Personas
) -> None:
    obj = getattr(world, target)
    got = tuple(getattr(people, role).has_perm(perm, obj) for role in R)
    assert got == allowed


def test_rules_never_grant_without_an_object(people: Personas) -> None:
    for perm, _target, _allowed in ROLE_MATRIX:
        assert not people.planner.has_perm(perm)


def test_the_provider_area_is_for_traeger_only(people: Personas) -> None:
    got = {role: getattr(people, role).has_perm("offerings.view_provider_area") for role in R}
    assert got == {r: r in ("traeger_a", "traeger_b") for r in R}


def test_anonymous_users_hold_no_permission(world: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    for perm, target, _allowed in ROLE_MATRIX:
        assert not anonymous.has_perm(perm, getattr(world, target))
