"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Run with ``make test-browser`` (``pytest -m browser``); the default run skips
them. Chromium must be at ``/usr/bin/chromium`` (``apt install chromium``);
Playwright's own browser downloads are never used. Pages are checked with
axe-core from ``static/vendor/axe-core`` (WCAG 2.1 A and AA rules).

Data: the real regions (``tests.factories.real_districts``) and all 72 real
offers of ``data/offers/hildburghausen/offers.csv``, loaded by the offer
importer (``sozialplan.offerings.importing``) as ``make demo`` does.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

# Playwright's sync API runs an asyncio loop in this thread; Django refuses ORM
# calls from a thread with a running loop unless told that this is intended.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("SOZIALPLAN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session."""
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium fehlt unter {CHROMIUM} (Debian: apt install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@dataclass
class LiveSite:
    """The running site with its data, and helpers to open pages."""

    url: str
    browser: Any
    offers: dict[str, Any]
    console_errors: list[str] = field(default_factory=list)
    _contexts: list[Any] = field(default_factory=list)

    def page(self, *, width: int = 1280, height: int = 900, bypass_csp: bool = False) -> Any:
        """A new page in a fresh context; console errors (e.g. CSP violations) are collected."""
        context = self.browser.new_context(
            viewport={"width": width, "height": height}, bypass_csp=bypass_csp, locale="de-DE"
        )
        self._contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        return page

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def close(self) -> None:
        for context in self._contexts:
            context.close()


OFFERS_CSV = Path(settings.DATA_DIR) / "offers" / "hildburghausen" / "offers.csv"


@pytest.fixture
def site(transactional_db: None, live_server: Any, browser: Any) -> Iterator[LiveSite]:
    """Landkreis Hildburghausen (and Ilm-Kreis) with the 72 real offers, served live."""
    from sozialplan.offerings.importing import import_offers_file
    from sozialplan.offerings.models import Offering
    from tests.factories import real_districts

    district, _other = real_districts()
    summary = import_offers_file(district=district, data=OFFERS_CSV.read_bytes(), filename=OFFERS_CSV.name, actor=None)
    assert not summary.rejected, summary
    offers = {o.name: o for o in Offering.objects.published()}
    running = LiveSite(url=live_server.url, browser=browser, offers=offers)
    yield running
    running.close()


AxeCheck = Callable[[Any], list[dict[str, Any]]]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.1 A/AA) on the page as it is; returns the violations.

    The page's context must bypass CSP: ``add_script_tag(path=…)`` inlines the script.
    """
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    """A readable summary of axe violations for an assertion message."""
    lines = []
    for v in violations:
        targets = "; ".join(", ".join(node["target"]) for node in v["nodes"][:5])
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} → {targets}")
    return "\n".join(lines)
