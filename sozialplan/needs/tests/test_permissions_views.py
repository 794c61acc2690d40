"""Who may open the Bedarfsanalyse and act on it: every page, export and action × every persona.

Pages and exports (``needs.view_needs``): planners and committee members
200, Träger 403, the planner of another district and outsiders 404, the
anonymous citizen is sent to the login page. Recomputing and deciding or
commenting gaps (``needs.recompute``, ``needs.decide_gap``): planners only;
committee members and Träger 403.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from conftest import PERSONA_NAMES
from sozialplan.audit.models import AuditEntry
from sozialplan.needs.models import AnalysisRun, Gap, GapComment, GapStatus
from sozialplan.needs.tests.views_data import real_run
from sozialplan.regions.models import District

BASE = "/planung/hildburghausen/bedarf/"

READ = {
    "citizen": 302,
    "planner": 200,
    "committee": 200,
    "traeger_a": 403,
    "traeger_b": 403,
    "other_planner": 404,
    "outsider": 404,
}
ACT = {**READ, "planner": 302, "committee": 403}


def pages(gap: Gap) -> list[str]:
    query = "?zielgruppe=senioren&verkehrsmittel=car"
    return [
        BASE,
        BASE + "lauf/",
        BASE + "hf/4/",
        BASE + "hf/4/" + query,
        BASE + "hf/4/karte.geojson" + query,
        BASE + "hf/4/erreichbarkeit.csv" + query,
        BASE + "hf/4/erreichbarkeit.geojson" + query,
        BASE + "luecken/",
        BASE + "luecken.csv",
        BASE + "luecken.geojson?hf=4",
        BASE + f"luecken/{gap.pk}/",
        BASE + f"luecken/{gap.pk}/karte.geojson",
    ]


def some_gap() -> Gap:
    gap = Gap.objects.filter(action_field__code=4, target_group__code="senioren").order_by("-severity").first()
    assert gap is not None
    return gap


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_only_planners_and_committee_members_of_the_district_read_the_analysis(
    client_as: Callable[[str], Client], district: District, persona: str
) -> None:
    real_run(district)
    client = client_as(persona)
    for url in pages(some_gap()):
        response = client.get(url)
        assert response.status_code == READ[persona], url
        if persona == "citizen":
            assert response["Location"].startswith("/konto/anmelden/?next=")


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_only_planners_recompute(client_as: Callable[[str], Client], district: District, persona: str) -> None:
    response = client_as(persona).post(BASE + "neu-berechnen/", {"reason": "Neue Angebote"})
    assert response.status_code == ACT[persona]
    created = AnalysisRun.objects.filter(district=district).exists()
    assert created is (persona == "planner")


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_only_planners_decide_and_comment_gaps(
    client_as: Callable[[str], Client], district: District, persona: str
) -> None:
    real_run(district)
    gap = some_gap()
    client = client_as(persona)
    decided = client.post(BASE + f"luecken/{gap.pk}/entscheidung/", {"status": "confirmed"})
    commented = client.post(BASE + f"luecken/{gap.pk}/kommentar/", {"text": "Bitte mit dem Seniorenbeirat klären."})
    assert decided.status_code == ACT[persona]
    assert commented.status_code == ACT[persona]
    gap.refresh_from_db()
    allowed = persona == "planner"
    assert (gap.status == GapStatus.CONFIRMED) is allowed
    assert GapComment.objects.filter(gap=gap).exists() is allowed
    assert AuditEntry.objects.filter(object_type="gap", object_id=str(gap.pk)).exists() is allowed


def test_a_gap_of_another_district_does_not_exist_here(
    client_as: Callable[[str], Client], district: District, other_district: District
) -> None:
    real_run(district)
    mine = some_gap()
    foreign = Gap.objects.create(
        district=other_district,
        kind=mine.kind,
        area_key="16070004",
        area_name="Arnstadt, Stadt",
        action_field=mine.action_field,
        target_group=mine.target_group,
        mode=mine.mode,
        severity=1.0,
        people_affected=1.0,
        shortfall=1.0,
        pressure=1.0,
        sentence="Eine Lücke im Ilm-Kreis.",
    )
    planner = client_as("planner")
    for suffix in ("", "karte.geojson"):
        assert planner.get(BASE + f"luecken/{foreign.pk}/{suffix}").status_code == 404
    response = planner.post(BASE + f"luecken/{foreign.pk}/entscheidung/", {"status": "confirmed"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == GapStatus.OPEN
    # The other district's planner sees it in their own district.
    other = client_as("other_planner")
    assert other.get(f"/planung/ilm-kreis/bedarf/luecken/{foreign.pk}/").status_code == 200


@pytest.mark.parametrize("url", [BASE, BASE + "hf/4/", BASE + "luecken/", BASE + "luecken.csv"])
def test_pages_answer_only_get_and_head(client_as: Callable[[str], Client], district: District, url: str) -> None:
    planner = client_as("planner")
    assert planner.post(url).status_code == 405
    assert planner.head(url).status_code == 200


@pytest.mark.parametrize("url", ["neu-berechnen/", "luecken/1/entscheidung/", "luecken/1/kommentar/"])
def test_actions_answer_only_post(client_as: Callable[[str], Client], district: District, url: str) -> None:
    assert client_as("planner").get(BASE + url).status_code == 405


def test_the_workspace_navigation_links_the_analysis_for_readers_only(
    client_as: Callable[[str], Client], district: District
) -> None:
    link = 'href="/planung/hildburghausen/bedarf/"'
    assert link in client_as("planner").get("/planung/hildburghausen/").content.decode()
    assert link in client_as("committee").get("/planung/hildburghausen/").content.decode()
    page = client_as("planner").get(BASE).content.decode()
    assert f'<a class="kern-link" {link} aria-current="page">Bedarfsanalyse</a>' in page
    html = client_as("traeger_a").get("/planung/traeger/").content.decode()
    assert link not in html
