"""The indicator pages in Chromium: axe-core on atlas, profile and overview; map, table and chart linked.

Data: the real regions and the real statistics of ``tests/statistics.py``
(12411-02-03-5-B 2018 for the Kreise and Thüringen, Zensus 2022 population
of every Gemeinde), served by the live server.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import LiveSite, axe_violations, describe

pytestmark = pytest.mark.browser

HILDBURGHAUSEN_AGS = "16069024"  # Hildburghausen, Stadt


@pytest.fixture
def stats_site(transactional_db: None, live_server: Any, browser: Any) -> Iterator[LiveSite]:
    """Landkreis Hildburghausen with real statistics (no offers needed here)."""
    from tests.factories import real_districts
    from tests.statistics import load_real_statistics

    real_districts()
    load_real_statistics()
    running = LiveSite(url=live_server.url, browser=browser, offers={})
    yield running
    running.close()


def open_atlas(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if page.query_selector("#ind-map"):
        page.wait_for_selector("#ind-map[data-ind-map-ready]")


def with_estimates_and_projection() -> None:
    """Gemeinde ages (small-area estimate) and the Gemeinde projection, through the product's services."""
    from sozialplan.indicators.tests.view_data import estimate_ages, project
    from sozialplan.regions.models import District

    district = District.objects.get(slug="hildburghausen")
    estimate_ages(district)
    project(district)


def test_atlas_has_no_axe_violations_and_links_table_map_and_chart(stats_site: LiveSite) -> None:
    with_estimates_and_projection()
    page = stats_site.page(bypass_csp=True)
    open_atlas(page, stats_site.url + "/zahlen/hildburghausen/atlas/?indikator=anteil_65_plus")
    violations = axe_violations(page)
    assert not violations, describe(violations)

    # Selecting a row (its toggle button, by keyboard) highlights the map area and the bar.
    button = page.locator(f'.ind-row[data-key="{HILDBURGHAUSEN_AGS}"] .ind-pick')
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-pressed") == "true"
    assert "is-selected" in (page.locator(f'.ind-row[data-key="{HILDBURGHAUSEN_AGS}"]').get_attribute("class") or "")
    assert "is-selected" in (page.locator(f'.ind-bar[data-key="{HILDBURGHAUSEN_AGS}"]').get_attribute("class") or "")
    widths = page.eval_on_selector_all(
        "#ind-map path.leaflet-interactive", "paths => paths.map(p => p.getAttribute('stroke-width'))"
    )
    assert widths.count("5") == 1
    assert "Hildburghausen, Stadt" in page.locator("#ind-live").inner_text()
    violations = axe_violations(page)
    assert not violations, describe(violations)

    # Clicking a bar selects that area instead, in the table too.
    other = page.locator('.ind-bar[data-key]:not([data-key="' + HILDBURGHAUSEN_AGS + '"])').first
    other_key = other.get_attribute("data-key")
    other.click()
    assert page.locator(f'.ind-row[data-key="{other_key}"] .ind-pick').get_attribute("aria-pressed") == "true"
    assert button.get_attribute("aria-pressed") == "false"


def test_clicking_the_map_selects_the_table_row(stats_site: LiveSite) -> None:
    page = stats_site.page()
    open_atlas(page, stats_site.url + "/zahlen/hildburghausen/atlas/")
    page.locator("#ind-map path.leaflet-interactive").nth(3).click(force=True)
    selected = page.locator(".ind-row.is-selected")
    assert selected.count() == 1
    key = selected.get_attribute("data-key")
    assert "is-selected" in (page.locator(f'.ind-bar[data-key="{key}"]').get_attribute("class") or "")
    assert stats_site.console_errors == []  # strict CSP: no violation from the map or atlas.js


def test_sorting_the_table_by_value_keeps_missing_values_last(stats_site: LiveSite) -> None:
    page = stats_site.page()
    open_atlas(page, stats_site.url + "/zahlen/hildburghausen/atlas/?indikator=bevoelkerungsdichte")
    page.locator("#ind-atlas-table thead th").nth(1).locator("button").click()
    assert page.locator("#ind-atlas-table thead th").nth(1).get_attribute("aria-sort") == "ascending"
    values = page.eval_on_selector_all(
        "#ind-atlas-table tbody tr td:nth-child(2)", "cells => cells.map(c => Number(c.dataset.sortValue))"
    )
    assert values == sorted(values)


def test_profile_and_overview_pages_have_no_axe_violations(stats_site: LiveSite) -> None:
    with_estimates_and_projection()
    page = stats_site.page(bypass_csp=True)
    failures = {}
    for path in [
        "/zahlen/",
        "/zahlen/hildburghausen/",
        "/zahlen/hildburghausen/gebiet/16069/",
        f"/zahlen/hildburghausen/gebiet/{HILDBURGHAUSEN_AGS}/",
        "/zahlen/hildburghausen/uebersicht/",
        "/zahlen/hildburghausen/uebersicht/?vergleich=land",
        "/zahlen/hildburghausen/atlas/?indikator=anteil_80_plus",
        "/zahlen/hildburghausen/atlas/?indikator=gibt-es-nicht",
    ]:
        open_atlas(page, stats_site.url + path)
        for details in page.query_selector_all("details"):
            details.evaluate("d => d.open = true")  # the tables behind "Diagramm als Tabelle" too
        violations = axe_violations(page)
        if violations:
            failures[path] = describe(violations)
    assert not failures, "\n\n".join(f"{path}\n{text}" for path, text in failures.items())


def test_planner_pages_have_no_axe_violations(stats_site: LiveSite) -> None:
    from django.contrib.auth.models import User

    from sozialplan.accounts.models import Membership, Role
    from sozialplan.regions.models import District

    with_estimates_and_projection()
    password = "browser-test-passwort-4711"
    planner = User.objects.create_user("planerin", password=password)
    Membership.objects.create(user=planner, district=District.objects.get(slug="hildburghausen"), role=Role.PLANNER)
    page = stats_site.page(bypass_csp=True)
    page.goto(stats_site.url + "/konto/anmelden/")
    page.fill("input[name=username]", "planerin")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    failures = {}
    for path in ["atlas/?indikator=jugendquotient", "uebersicht/", f"gebiet/{HILDBURGHAUSEN_AGS}/"]:
        open_atlas(page, f"{stats_site.url}/planung/hildburghausen/zahlen/{path}")
        assert page.locator(".ws-subnav a[aria-current=page]").inner_text() == "Zahlen"
        violations = axe_violations(page)
        if violations:
            failures[path] = describe(violations)
    assert not failures, "\n\n".join(f"{path}\n{text}" for path, text in failures.items())
