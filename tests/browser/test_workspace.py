"""The planner workspace and the Träger area in Chromium: axe-core, strict CSP, phone width, htmx.

Uses the live site of ``tests/browser/conftest.py`` (real regions, the 72 real
offers) and logs in through the login form as a planner and as a Träger.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sozialplan.accounts.models import Membership, Role
from sozialplan.offerings import services
from sozialplan.offerings.models import Offering, OfferingChange, Schedule
from sozialplan.offerings.schedules import row_of
from tests.browser.conftest import LiveSite, axe_violations, describe

pytestmark = pytest.mark.browser

PASSWORD = "browser-test-passwort-4711"
FARBKLECKSE = "Integrative Kindertagesstätte „Farbkleckse“"


def accounts(site: LiveSite) -> tuple[Any, Any]:
    """A planner of Landkreis Hildburghausen and a user of the Träger of "Farbkleckse"."""
    from django.contrib.auth.models import User

    offer = site.offers[FARBKLECKSE]
    planner = User.objects.create_user("planerin", password=PASSWORD)
    traeger = User.objects.create_user("traeger", password=PASSWORD)
    Membership.objects.create(user=planner, district=offer.district, role=Role.PLANNER)
    Membership.objects.create(user=traeger, district=offer.district, role=Role.PROVIDER, provider=offer.provider)
    return planner, traeger


def log_in(site: LiveSite, username: str, **page_options: Any) -> Any:
    page = site.page(**page_options)
    page.goto(site.url + "/konto/anmelden/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def open_settled(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if page.query_selector("#ws-map"):
        page.wait_for_selector("#ws-map path.leaflet-interactive")


def planner_pages(site: LiveSite) -> list[str]:
    offer = site.offers[FARBKLECKSE]
    d = f"/planung/{offer.district.slug}"
    site_uuid = offer.sites.first().uuid
    return [
        f"{d}/",
        f"{d}/angebote/",
        f"{d}/angebote/?stale=on&field=2",
        f"{d}/angebote/{offer.uuid}/",
        f"{d}/angebote/{offer.uuid}/bearbeiten/",
        f"{d}/angebote/neu/",
        f"{d}/traeger/",
        f"{d}/traeger/{offer.provider.uuid}/",
        f"{d}/standorte/",
        f"{d}/standorte/{site_uuid}/",
        f"{d}/freigaben/",
        f"{d}/planungsraeume/",
        f"{d}/planungsraeume/neu/",
        f"{d}/protokoll/",
    ]


@pytest.mark.parametrize("width", [1280, 375])
def test_workspace_pages_have_no_axe_violations_and_fit_a_phone(site: LiveSite, width: int) -> None:
    _planner, traeger = accounts(site)
    offer = site.offers[FARBKLECKSE]
    # A stored Zeitplan (its published "Öffnungszeit Mo–Fr 6–17 Uhr") and a proposal changing it,
    # so that the forms show a Zeitplan row and the queue a Zeitpläne diff.
    stored = Schedule.objects.create(
        offering=offer, freq="WEEKLY", byday="MO,TU,WE,TH,FR", opens_at=dt.time(6), closes_at=dt.time(17)
    )
    changed = row_of(stored)
    changed["description"] = "Öffnungszeit Mo–Fr 6–17 Uhr"
    services.propose_offering_change(traeger, offer, {"capacity": 45, "schedules": [changed]})
    assert offer.provider is not None
    failures = {}
    for username, paths in (
        ("planerin", planner_pages(site)),
        (
            "traeger",
            [
                "/planung/traeger/",
                f"/planung/traeger/{offer.provider.uuid}/",
                f"/planung/{offer.district.slug}/angebote/{offer.uuid}/bearbeiten/",
            ],
        ),
    ):
        page = log_in(site, username, width=width, bypass_csp=True)
        for path in paths:
            open_settled(page, site.url + path)
            problems = describe(axe_violations(page))
            if page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"):
                problems += "\nhorizontal scrolling at this width"
            if problems:
                failures[f"{username} {path}"] = problems
    assert not failures, "\n\n".join(f"{path}\n{text}" for path, text in failures.items())


def test_the_maps_draw_under_the_strict_csp(site: LiveSite) -> None:
    accounts(site)
    page = log_in(site, "planerin")
    slug = site.offers[FARBKLECKSE].district.slug
    for path in (f"/planung/{slug}/", f"/planung/{slug}/planungsraeume/"):
        open_settled(page, site.url + path)
        assert page.locator("#ws-map path.leaflet-interactive").count() == 32
        assert page.locator(".ws-legend").count() == 1
    assert site.console_errors == []


def test_a_click_on_the_map_ticks_the_gemeinde_of_a_planning_area(site: LiveSite) -> None:
    accounts(site)
    page = log_in(site, "planerin")
    open_settled(page, site.url + f"/planung/{site.offers[FARBKLECKSE].district.slug}/planungsraeume/neu/")
    page.locator("#ws-map path.leaflet-interactive").nth(0).click(force=True)
    assert page.locator("input[name=gemeinden]:checked").count() == 1


def test_a_planner_approves_a_proposal_inline_with_htmx(site: LiveSite) -> None:
    _planner, traeger = accounts(site)
    offer = site.offers[FARBKLECKSE]
    change = services.propose_offering_change(traeger, offer, {"capacity": 45})
    assert change is not None
    page = log_in(site, "planerin")
    open_settled(page, site.url + f"/planung/{offer.district.slug}/freigaben/")
    page.click(f"#decision-change-{change.pk} button:has-text('Änderung übernehmen')")
    page.wait_for_selector(".ws-queue .kern-alert--success")
    assert "übernommen" in page.locator(".ws-queue .kern-alert--success").inner_text()
    assert Offering.objects.get(pk=offer.pk).capacity == 45
    assert OfferingChange.objects.get(pk=change.pk).state == "approved"
    assert site.console_errors == []
