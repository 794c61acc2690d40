"""Who sees which indicator page: public pages for everyone, planner pages for the district's members.

Planner pages follow the workspace overview (``offerings.view_workspace``):
planners and committee members 200, Träger 403, planners of another district
and outsiders 404, the anonymous citizen is sent to the login page.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from conftest import PERSONA_NAMES
from sozialplan.indicators.models import Dataset

KEY = "16069024"  # Hildburghausen, Stadt

PUBLIC_PAGES = [
    "/zahlen/",
    "/zahlen/hildburghausen/",
    "/zahlen/hildburghausen/atlas/",
    "/zahlen/hildburghausen/atlas/?indikator=anteil_65_plus&ebene=gemeinde&klassen=natural&anzahl=3",
    "/zahlen/hildburghausen/atlas/karte.geojson",
    "/zahlen/hildburghausen/uebersicht/",
    "/zahlen/hildburghausen/uebersicht/?vergleich=land",
    "/zahlen/hildburghausen/gebiet/16069/",
    f"/zahlen/hildburghausen/gebiet/{KEY}/",
    "/zahlen/ilm-kreis/atlas/",
]

PLANNER_PAGES = [
    "/planung/hildburghausen/zahlen/",
    "/planung/hildburghausen/zahlen/atlas/",
    "/planung/hildburghausen/zahlen/atlas/karte.geojson",
    "/planung/hildburghausen/zahlen/uebersicht/",
    "/planung/hildburghausen/zahlen/gebiet/16069/",
    f"/planung/hildburghausen/zahlen/gebiet/{KEY}/",
]

EXPECTED = {
    "citizen": 302,
    "planner": 200,
    "committee": 200,
    "traeger_a": 403,
    "traeger_b": 403,
    "other_planner": 404,
    "outsider": 404,
}


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_everyone_sees_the_public_pages(
    client_as: Callable[[str], Client], real_statistics: tuple[Dataset, Dataset], persona: str
) -> None:
    client = client_as(persona)
    for url in PUBLIC_PAGES:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_only_members_with_workspace_access_see_the_planner_pages(
    client_as: Callable[[str], Client], real_statistics: tuple[Dataset, Dataset], persona: str
) -> None:
    client = client_as(persona)
    for url in PLANNER_PAGES:
        response = client.get(url)
        assert response.status_code == EXPECTED[persona], url
        if persona == "citizen":
            assert response["Location"].startswith("/konto/anmelden/?next=")


def test_planner_pages_link_within_the_workspace(
    client_as: Callable[[str], Client], real_statistics: tuple[Dataset, Dataset]
) -> None:
    html = client_as("planner").get("/planung/hildburghausen/zahlen/atlas/").content.decode()
    assert f'href="/planung/hildburghausen/zahlen/gebiet/{KEY}/"' in html
    assert 'data-boundaries-url="/planung/hildburghausen/zahlen/atlas/karte.geojson?' in html
    assert "ws-subnav" in html  # the workspace navigation
    assert "Ansicht für die Planung" in html


def test_public_pages_say_that_small_numbers_are_hidden(
    client: Client, real_statistics: tuple[Dataset, Dataset]
) -> None:
    html = client.get("/zahlen/hildburghausen/atlas/").content.decode()
    assert "Anzahlen unter 3 werden zum Schutz der Personen nicht gezeigt" in html
    assert "ws-subnav" not in html


@pytest.mark.parametrize("url", ["/zahlen/hildburghausen/atlas/", "/zahlen/hildburghausen/atlas/karte.geojson"])
def test_pages_answer_only_get_and_head(client: Client, real_statistics: tuple[Dataset, Dataset], url: str) -> None:
    assert client.post(url).status_code == 405
    assert client.head(url).status_code == 200
