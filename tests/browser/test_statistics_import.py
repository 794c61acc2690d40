"""A planner imports a real statistics table through the upload form and finds its numbers (Chromium).

The journey of issue 3: log in, "Statistikdaten" in the workspace navigation,
"Tabelle importieren", upload the real GENESIS table 12411-02-03-5-B (all
Kreise, 31.12.2018, Latin-1 classic CSV), check the preview (table, matched
and unmatched regions with their reason), import, then open the Jugendquotient
in the atlas through "Zahlen" and the Kreis profile. Expectations are computed
from the file itself. axe-core checks the preview, the error page, the atlas
and the profile (WCAG 2.1 A/AA).

Data: the real regions only (Land Thüringen, Kreise 16069 and 16070 with
their Gemeinden) and the personas; no statistics exist before the upload.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from pytest_django.fixtures import Settings

from conftest import PASSWORD, Personas
from sozialplan.indicators.importing import import_table, read_table
from sozialplan.indicators.models import Dataset, Observation
from sozialplan.indicators.numbers import format_number
from tests.browser.conftest import LiveSite, axe_violations, describe

pytestmark = pytest.mark.browser

CLASSIC = Path(settings.DATA_DIR) / "statistics" / "12411-02-03-5-B_kreise_2018.csv"
CODE = "12411-02-03-5-B"
SLUG = "hildburghausen"
#: The planner's Kreis as the file names it: the upload form takes only the values of its own district.
OWN_KREIS = {"16069": "Hildburghausen, Kreis"}
#: The file's first 5,000 bytes: a download interrupted in the middle of a data row.
TRUNCATED_AT = 5000


@pytest.fixture
def import_site(
    personas: Personas, live_server: Any, browser: Any, settings: Settings, tmp_path: Path
) -> Iterator[LiveSite]:
    """The live site with the real regions and the personas; uploads wait under a temporary ``VAR_DIR``."""
    settings.VAR_DIR = tmp_path
    running = LiveSite(url=live_server.url, browser=browser, offers={})
    yield running
    running.close()


def file_rows() -> dict[str, list[str]]:
    """The file's data rows by region key: key, name, then 3 × 18 counts (total, male, female; 17 groups + total)."""
    rows: dict[str, list[str]] = {}
    for line in CLASSIC.read_text(encoding="latin-1").splitlines():
        cells = line.split(";")
        if len(cells) == 56 and cells[0].isdigit():
            rows[cells[0]] = cells
    return rows


def youth_ratio(cells: list[str]) -> float:
    """Jugendquotient as Destatis defines it: 100 × persons under 20 / persons aged 20 to under 65 (both sexes).

    Of the 17 total columns, the first 6 are the groups "unter 3" … "18 bis
    unter 20", the next 9 the groups "20 bis unter 25" … "60 bis unter 65".
    """
    counts = [int(c) for c in cells[2:19]]
    return 100 * sum(counts[:6]) / sum(counts[6:15])


def pending_uploads() -> list[Path]:
    directory = Path(settings.VAR_DIR) / "uploads" / "statistics"
    return sorted(directory.iterdir()) if directory.exists() else []


def log_in(site: LiveSite, username: str) -> Any:
    page = site.page(bypass_csp=True)  # axe is injected as an inline script
    page.goto(site.url + "/konto/anmelden/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def open_upload_form(page: Any, site: LiveSite) -> None:
    """From the workspace: "Statistikdaten" in its navigation, then "Tabelle importieren"."""
    page.goto(f"{site.url}/planung/{SLUG}/")
    page.locator(".ws-subnav").get_by_role("link", name="Statistikdaten").click()
    page.wait_for_url(f"{site.url}/planung/{SLUG}/statistik/")
    assert page.locator("h1").inner_text() == "Statistikdaten"
    assert page.locator(".ws-subnav a[aria-current=page]").inner_text() == "Statistikdaten"
    page.get_by_role("link", name="Tabelle importieren").click()
    page.wait_for_url(f"{site.url}/planung/{SLUG}/statistik/import/")


def submit(page: Any, file: str | dict[str, Any]) -> None:
    """Choose ``file`` (a path or a Playwright file payload) and send the upload form."""
    page.get_by_label("Statistikdatei").set_input_files(file)
    with page.expect_navigation():
        page.get_by_role("button", name="Hochladen und Vorschau zeigen").click()


def test_a_planner_imports_a_real_table_and_finds_the_kreis_value(import_site: LiveSite, personas: Personas) -> None:
    site = import_site
    rows = file_rows()
    page = log_in(site, personas.planner.get_username())
    open_upload_form(page, site)
    submit(page, str(CLASSIC))
    assert re.search(rf"/planung/{SLUG}/statistik/import/[A-Za-z0-9_-]{{20,64}}/$", page.url)

    # The preview: the table, the planner's Kreis, and why the values of every other area are not taken over.
    assert page.locator("h1").inner_text() == f"Vorschau: {CODE}"
    assert "Bevölkerung nach Geschlecht und Altersgruppen (17)" in page.locator("main dl").first.inner_text()
    matched = page.locator("section[aria-labelledby=matched-heading]").inner_text()
    for key, name in OWN_KREIS.items():
        assert key in matched and name in matched
    assert "16070" not in matched  # the Ilm-Kreis is loaded, but it is another district's
    values = len(OWN_KREIS) * 3 * 18  # × (total, male, female) × (17 age groups + total)
    others = sum(3 * 18 for key in rows if key not in OWN_KREIS)
    assert f"{format_number(others, 0)} Werte anderer Gebiete (andere Kreise, Land, Bund) werden nicht übernommen" in (
        matched
    )
    assert not page.locator("section[aria-labelledby=unmatched-heading] tbody tr").count()
    assert not Dataset.objects.exists()  # nothing is written before "Importieren"
    violations = axe_violations(page)
    assert not violations, describe(violations)

    with page.expect_navigation():
        page.get_by_role("button", name="Importieren", exact=True).click()
    assert page.url == f"{site.url}/planung/{SLUG}/statistik/{CODE}/"
    message = page.locator(".sp-messages [role=status]").inner_text()
    assert message.startswith(f"{CODE}: {values} Werte neu, 0 geändert, 0 unverändert, 0 entfernt.")
    assert f"{format_number(others, 0)} Werte anderer Gebiete nicht übernommen." in message
    assert Observation.objects.filter(dataset__code=CODE).count() == values
    assert not pending_uploads()

    # "Zahlen" in the workspace navigation, the indicator in the catalogue: the atlas of the Gemeinden.
    page.locator(".ws-subnav").get_by_role("link", name="Zahlen").click()
    page.wait_for_url(f"{site.url}/planung/{SLUG}/zahlen/")
    page.get_by_role("link", name="Jugendquotient", exact=True).click()
    page.wait_for_url(re.compile(r"/zahlen/atlas/\?indikator=jugendquotient$"))
    page.wait_for_load_state("networkidle")
    assert page.locator("#indicator-heading").inner_text().startswith("Jugendquotient")
    # The table has Kreis numbers only, so no Gemeinde has a value; the page says so and what is needed.
    assert "Tabelle 12411-02-03-5" in page.locator(".ind-indicator [role=status]").inner_text()
    violations = axe_violations(page)
    assert not violations, describe(violations)

    # The Kreis's own value: its profile, from the atlas's navigation.
    expected = format_number(youth_ratio(rows["16069"]), 1)
    assert expected == "27,5"  # 100 × 10.284 / 37.445, as the statistical offices publish it
    page.locator(".ind-nav").get_by_role("link", name="Kreisprofil").click()
    page.wait_for_url(f"{site.url}/planung/{SLUG}/zahlen/gebiet/16069/")
    page.wait_for_load_state("networkidle")
    table = page.get_by_role("table", name=re.compile(r"^Kennzahlen von Landkreis Hildburghausen im Vergleich"))
    row = table.locator("tbody tr", has=page.locator("th", has_text="Jugendquotient"))
    assert row.locator("td").first.inner_text() == expected
    for details in page.query_selector_all("details"):
        details.evaluate("d => d.open = true")  # the tables behind "Diagramm als Tabelle" too
    violations = axe_violations(page)
    assert not violations, describe(violations)
    assert site.console_errors == []  # no script error, no failed request on the way


def test_a_truncated_download_or_a_foreign_file_is_refused_with_a_german_reason(
    import_site: LiveSite, personas: Personas
) -> None:
    site = import_site
    data = CLASSIC.read_bytes()[:TRUNCATED_AT]
    line = data.count(b"\n") + 1  # the row the download stopped in
    page = log_in(site, personas.planner.get_username())
    open_upload_form(page, site)
    for payload, reason in (
        (
            {"name": CLASSIC.name, "mimeType": "text/csv", "buffer": data},
            f"{CLASSIC.name}, Zeile {line}: Die Zeile hat",
        ),
        (
            {"name": "bild.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"},
            "Das Dateiformat ist nicht erkannt.",
        ),
    ):
        submit(page, payload)
        assert page.url == f"{site.url}/planung/{SLUG}/statistik/import/"  # still the form, no preview
        alert = page.locator("main [role=alert]")
        assert "Die Datei kann nicht importiert werden" in alert.inner_text()
        assert reason in alert.inner_text()
        assert not Dataset.objects.exists()
        assert not pending_uploads()
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_the_atlas_shows_the_kreis_value_when_only_the_kreis_table_is_imported(
    import_site: LiveSite, personas: Personas
) -> None:
    data = CLASSIC.read_bytes()  # the same file as above; the upload itself is tested there
    table = read_table(CLASSIC.name, data)
    import_table(table, user=personas.planner, file_name=CLASSIC.name, sha256=hashlib.sha256(data).hexdigest())
    page = log_in(import_site, personas.planner.get_username())
    page.goto(f"{import_site.url}/planung/{SLUG}/zahlen/atlas/?indikator=jugendquotient&ebene=gemeinde")
    page.wait_for_load_state("networkidle")
    expected = format_number(youth_ratio(file_rows()["16069"]), 1)
    assert page.locator("#indicator-heading").inner_text() == "Jugendquotient, 31.12.2018"
    assert f"Landkreis Hildburghausen: {expected}" in page.locator(".ind-facts").inner_text()
    violations = axe_violations(page)
    assert not violations, describe(violations)
