"""The Bedarfsanalyse in Chromium: a planner's journey from the start page to a dismissed gap; axe-core on every page.

Data as the demo loads it: the real regions, the 72 real offers, every real
statistics file (with the Zensus 2011 grid, the Gemeinden's age estimate and
projection), the Planungsräume from the Verwaltungsgemeinschaften, and one
computed run (straight-line distances: Hildburghausen has no road extract).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.browser.conftest import LiveSite, axe_violations, describe

pytestmark = pytest.mark.browser

PASSWORD = "browser-test-passwort-4711"
BASE = "/planung/hildburghausen/bedarf/"


@pytest.fixture
def needs_site(site: LiveSite) -> LiveSite:
    """The live site with the demo's statistics and a computed Bedarfsanalyse, and a planner account."""
    from django.contrib.auth.models import User

    from sozialplan.accounts.models import Membership, Role
    from sozialplan.indicators.demo import load_demo_statistics
    from sozialplan.needs.demo import compute_demo_analysis
    from sozialplan.regions.models import District
    from sozialplan.regions.services import planning_areas_from_verwaltungsgemeinschaften

    district = District.objects.get(slug="hildburghausen")
    load_demo_statistics(Path(settings.DATA_DIR), district.region.key)
    planning_areas_from_verwaltungsgemeinschaften(district)
    result = compute_demo_analysis(district, data_changed=True)
    assert result.computed, result
    planner = User.objects.create_user("planerin", password=PASSWORD)
    Membership.objects.create(user=planner, district=district, role=Role.PLANNER)
    return site


def log_in(site: LiveSite, page: Any) -> None:
    page.goto(site.url + "/konto/anmelden/")
    page.fill("input[name=username]", "planerin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def open_page(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if page.query_selector("#needs-map"):
        page.wait_for_selector("#needs-map[data-needs-map-ready]")


def assert_accessible(page: Any, where: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{where}\n{describe(violations)}"


def test_a_planner_compares_target_groups_and_dismisses_a_gap_on_accessible_pages(needs_site: LiveSite) -> None:
    page = needs_site.page(bypass_csp=True)
    log_in(needs_site, page)

    # Start page: method, parameters, Handlungsfelder.
    open_page(page, needs_site.url + BASE)
    assert "Luftlinie × 1,3" in page.locator(".needs-method").inner_text()
    assert "kein Straßennetz geladen" in page.locator(".needs-method").inner_text()
    assert page.locator(".ws-subnav a[aria-current=page]").inner_text() == "Bedarfsanalyse"
    assert_accessible(page, "Übersicht")

    # Handlungsfeld 6 by the page's own navigation.
    page.locator(".needs-nav a", has_text="HF 6").click()
    page.wait_for_selector("#needs-map[data-needs-map-ready]")
    assert page.locator("h1").inner_text().startswith("Bedarfsanalyse Handlungsfeld 6")
    assert_accessible(page, "Handlungsfeld 6")

    # Another Zielgruppe: the table, map and heading follow.
    page.select_option("#id_zielgruppe", "hochbetagte")
    page.select_option("#id_verkehrsmittel", "walk")
    page.click("form.ind-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("#needs-map[data-needs-map-ready]")
    assert page.locator("#result-heading").inner_text() == "Hochbetagte (80 Jahre und älter), zu Fuß"
    assert page.locator("#needs-reach-table tbody tr.needs-reach-row[data-share]").count() == 32
    shares = page.eval_on_selector_all(
        "#needs-reach-table tbody tr[data-share]", "rows => rows.map(r => r.dataset.share).filter(s => s !== '')"
    )
    assert [float(s) for s in shares] == sorted(float(s) for s in shares)  # worst first
    assert page.locator("#needs-map path.leaflet-interactive").count() > 32  # Gemeinden and demand points
    assert page.locator("#needs-map .needs-offer").count() > 0
    assert page.locator("#needs-map .needs-offer").first.get_attribute("aria-label")
    assert_accessible(page, "Handlungsfeld 6, Hochbetagte zu Fuß")

    # The most severe gap of the Handlungsfeld.
    first = page.locator("#field-gaps-caption").locator("xpath=ancestor::table").locator("tbody tr a").first
    sentence = first.inner_text()
    first.click()
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("#needs-map[data-needs-map-ready]")
    assert page.locator(".needs-sentence").inner_text() == sentence
    assert " × " in page.locator(".needs-formula").inner_text()
    assert_accessible(page, "Lücke")

    # Dismissing without a reason is refused in German; with a reason it is recorded.
    page.check("#id_status_dismissed")
    page.click("form.needs-decision button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Bitte begründen Sie, warum Sie die Lücke verwerfen." in page.content()
    assert_accessible(page, "Lücke mit Fehler")
    page.check("#id_status_dismissed")
    page.fill("#id_reason", "Der Seniorenbeirat organisiert Fahrdienste zum Mehrgenerationenhaus.")
    page.click("form.needs-decision button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Die Lücke ist jetzt „verworfen“." in page.locator(".sp-messages").inner_text()
    assert page.locator(".needs-status").first.inner_text() == "verworfen"
    assert "Fahrdienste zum Mehrgenerationenhaus" in page.locator("#history-heading + .ws-history").inner_text()

    # The register no longer lists it among the open and confirmed gaps.
    open_page(page, needs_site.url + BASE + "luecken/")
    assert sentence not in page.locator("#register-caption").locator("xpath=ancestor::table").inner_text()
    assert_accessible(page, "Lückenregister")
    open_page(page, needs_site.url + BASE + "luecken/?status=dismissed")
    assert sentence in page.locator("main").inner_text()

    # The maps under the strict Content Security Policy (the pages above bypass it for axe-core).
    strict_maps_work(needs_site)


def strict_maps_work(needs_site: LiveSite) -> None:
    # The journey's refused decision (status 400) is logged as a console error; only count what follows.
    before = len(needs_site.console_errors)
    page = needs_site.page()
    log_in(needs_site, page)
    open_page(page, needs_site.url + BASE + "hf/4/?zielgruppe=senioren")
    assert page.locator("#needs-map path.leaflet-interactive").count() >= 32
    # An offer marker is reachable by keyboard and opens its popup with a link to the offer.
    marker = page.locator("#needs-map .needs-offer").first
    marker.focus()
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup-content a.kern-link")
    assert link.get_attribute("href", timeout=5000).startswith("/planung/hildburghausen/angebote/")
    gap = page.locator("#field-gaps-caption").locator("xpath=ancestor::table").locator("tbody tr a").first
    gap.click()
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("#needs-map[data-needs-map-ready]")
    open_page(page, needs_site.url + BASE)
    assert needs_site.console_errors[before:] == []  # no CSP violation from Leaflet or needs-map.js
