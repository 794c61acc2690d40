"""A citizen's journeys in Chromium: keyboard only, phone width, htmx filters, the map, printing.

These run with the site's real Content-Security-Policy; any console error
(a CSP violation, a failed request, a script error) fails the test.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from sozialplan.offerings.models import Offering
from sozialplan.offerings.search import filter_by_query
from sozialplan.portal import directory
from sozialplan.portal.mapdata import offer_points
from tests.browser.conftest import LiveSite

pytestmark = pytest.mark.browser


def count_text(count: int) -> str:
    return "1 Angebot gefunden" if count == 1 else f"{count} Angebote gefunden"


def exactly(text: str) -> re.Pattern[str]:
    """A pattern matching an element's whole text (``has_text`` otherwise matches substrings)."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def tab_to(page: Any, selector: str, *, limit: int = 40) -> int:
    """Press Tab until the focused element matches ``selector``; returns the number of presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} not reached with {limit} presses of Tab")


def test_a_keyboard_user_searches_and_opens_an_offer(site: LiveSite) -> None:
    page = site.page()
    page.goto(site.url + "/")
    tab_to(page, "#id_home_q")
    page.keyboard.type("senioren")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/angebote/\?q=senioren$"))
    expected = filter_by_query(Offering.objects.published(), "senioren").count()
    assert page.inner_text("#sp-result-count").strip() == count_text(expected)
    tab_to(page, ".sp-result a")
    first = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/angebote/[0-9a-f-]{36}/$"))
    assert page.inner_text("h1") == first
    assert site.console_errors == []


def test_the_skip_link_moves_focus_to_the_main_content(site: LiveSite) -> None:
    page = site.page()
    page.goto(site.url + "/angebote/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    assert page.is_visible(".sp-skip-link")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_q"


def test_everything_fits_a_360_pixel_phone(site: LiveSite) -> None:
    page = site.page(width=360, height=740)
    detail = site.offers["Jugendamt des Landkreises Hildburghausen"]
    for path in (
        "/",
        "/angebote/",
        "/angebote/?q=senioren&von=16069043",
        f"/angebote/{detail.uuid}/",
        "/ueber/",
        "/konto/anmelden/",
    ):
        page.goto(site.url + path)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path}: {width} px wide"
    # And the phone user can still search by touch-typing into the form.
    page.goto(site.url + "/")
    page.fill("#id_home_q", "Jugendamt")
    page.click("button[type=submit]")
    page.wait_for_selector(".sp-result")
    assert page.inner_text("#sp-result-count").strip() == "1 Angebot gefunden"
    assert site.console_errors == []


def test_filters_update_the_results_in_place_with_htmx(site: LiveSite) -> None:
    youth = directory.search({"zielgruppe": "jugendliche"})
    page = site.page()
    page.goto(site.url + "/angebote/")
    page.evaluate("window.spMarker = 'same page'")
    page.select_option("#id_zielgruppe", "jugendliche")
    # (wait_for_function would need eval, which the page's CSP forbids)
    page.locator("#sp-result-count", has_text=exactly(count_text(youth.count))).wait_for()
    assert page.evaluate("window.spMarker") == "same page"  # no full reload
    assert page.url.endswith("/angebote/?zielgruppe=jugendliche")  # pushed, without empty fields
    assert page.inner_text("#sp-live") == count_text(youth.count)
    page.select_option("#id_von", "16069012")  # Eisfeld: now sorted by distance
    page.locator(".sp-results__note").wait_for()
    assert page.url.endswith("/angebote/?zielgruppe=jugendliche&von=16069012")
    names = page.eval_on_selector_all(".sp-result h3", "nodes => nodes.map(n => n.textContent.trim())")
    by_distance = directory.search({"zielgruppe": "jugendliche", "von": "16069012"})
    assert names == [e.offering.name for e in by_distance.entries]
    assert names != [e.offering.name for e in youth.entries]
    page.go_back()
    page.wait_for_url(re.compile(r"/angebote/\?zielgruppe=jugendliche$"), wait_until="commit")
    page.locator("#sp-result-count", has_text=exactly(count_text(youth.count))).wait_for()
    assert site.console_errors == []


def test_the_map_draws_gemeinde_boundaries_and_offers(site: LiveSite) -> None:
    page = site.page()
    page.goto(site.url + "/angebote/?kreis=hildburghausen")
    page.wait_for_selector("[data-sp-map][data-sp-map-ready]")
    assert page.locator("path.leaflet-interactive").count() == 32  # the district's Gemeinden
    points = offer_points(Offering.objects.published())["features"]
    assert page.locator(".leaflet-marker-icon").count() == len(points) > 0  # one per positioned Standort
    approximate = sum(1 for p in points if p["properties"]["approximate"])
    assert page.locator(".sp-marker--approx").count() == approximate  # at their Gemeinde's centre
    label = page.get_attribute(".leaflet-marker-icon", "aria-label")
    assert label and label.endswith("(Lage ungefähr)")
    page.focus(".leaflet-marker-icon")
    page.keyboard.press("Enter")
    link = page.wait_for_selector(".leaflet-popup a")
    assert link.get_attribute("href").startswith("/angebote/")
    assert site.console_errors == []


def test_the_offer_page_prints_without_navigation_and_map_controls(site: LiveSite) -> None:
    page = site.page()
    offer = site.offers["Hildburghäuser Tafel (Ausgabestelle Eisfeld)"]
    page.goto(f"{site.url}/angebote/{offer.uuid}/")
    page.wait_for_selector("[data-sp-map][data-sp-map-ready]")
    assert page.is_visible("[data-sp-print]")  # shown by portal-print.js
    page.evaluate("window.print = () => { window.spPrinted = true; }")
    page.click("[data-sp-print]")
    assert page.evaluate("window.spPrinted") is True
    page.emulate_media(media="print")
    for hidden in (".sp-header", ".sp-footer", "[data-sp-print]", ".leaflet-control-container"):
        assert not page.is_visible(hidden), hidden
    for shown in ("h1", ".sp-facts", ".sp-map"):
        assert page.is_visible(shown), shown
    assert site.console_errors == []
