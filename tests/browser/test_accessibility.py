"""axe-core finds no WCAG 2.1 A/AA violation on any public page (Chromium)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import LiveSite, axe_violations, describe

pytestmark = pytest.mark.browser


def public_pages(site: LiveSite) -> list[str]:
    tafel = site.offers["Hildburghäuser Tafel (Ausgabestelle Schleusingen)"]
    district_wide = site.offers["Kreisseniorenbüro / Senior*innen-Agentur des Landkreises"]
    return [
        "/",
        "/angebote/",
        "/angebote/?q=senioren&zielgruppe=senioren&handlungsfeld=4&gemeinde=16069043&sortierung=entfernung",
        "/angebote/?q=gibt-es-nicht",
        "/angebote/?zielgruppe=%3Cscript%3E&von=16069012",
        f"/angebote/{tafel.uuid}/",
        f"/angebote/{district_wide.uuid}/",
        "/ueber/",
        "/offene-daten/",
        "/konto/anmelden/",
    ]


def open_settled(page: Any, url: str) -> None:
    """Open ``url`` and wait until its maps (if any) have drawn their data."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    for element in page.query_selector_all("[data-sp-map]"):
        element.wait_for_element_state("visible")
    if page.query_selector("[data-sp-map]"):
        page.wait_for_selector("[data-sp-map][data-sp-map-ready]")


def test_public_pages_have_no_axe_violations(site: LiveSite) -> None:
    page = site.page(bypass_csp=True)
    failures = {}
    for path in public_pages(site):
        open_settled(page, site.url + path)
        assert page.evaluate("document.documentElement.lang") == "de", path
        violations = axe_violations(page)
        if violations:
            failures[path] = describe(violations)
    assert not failures, "\n\n".join(f"{path}\n{text}" for path, text in failures.items())


def test_pages_after_an_htmx_update_and_with_an_open_popup_have_no_axe_violations(site: LiveSite) -> None:
    page = site.page(bypass_csp=True)
    open_settled(page, site.url + "/angebote/")
    page.select_option("#id_zielgruppe", "senioren")
    page.wait_for_url(re.compile(r"zielgruppe=senioren$"))
    page.wait_for_selector("[data-sp-map][data-sp-map-ready]")
    page.focus(".leaflet-marker-icon")
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup a")
    violations = axe_violations(page)
    assert not violations, describe(violations)
