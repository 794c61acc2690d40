"""The review queue costs a constant number of queries, however many proposals wait.

Every proposal here changes every kind of value a proposal can hold: text,
foreign keys, each many-to-many relation and the Zeitpläne. The offers and
their opening times are real rows of data/offers/hildburghausen/offers.csv
("geöffnet Mo–Fr 6–17 Uhr", "Ganztagsbetreuung 6:30–17 Uhr", "Sprechstunde
jeden 1. Donnerstag im Monat"); the classifications are the tests' own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from conftest import Personas
from sozialplan.catalog.models import CrossCuttingTheme, OfferType, TargetGroup
from sozialplan.offerings.models import Offering, OfferingChange, Provider, Schedule
from sozialplan.offerings.schedules import row_of, rows_to_json
from sozialplan.offerings.tests.workflow_data import (
    EISFELD,
    HILDBURGHAUSEN,
    SCHLEUSINGEN,
    World,
    field,
    gemeinde,
    make_offer,
    row,
)

#: (offer name, Träger A runs it, Gemeinde, its real opening time as a Zeitplan)
OFFERS: list[tuple[str, bool, str, dict[str, Any]]] = [
    (
        "Integrative Kindertagesstätte „Pfiffikus“",
        True,
        EISFELD,
        {"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": dt.time(6), "closes_at": dt.time(17)},
    ),
    (
        "Kita „Vessertalwichtel“ Breitenbach",
        False,
        SCHLEUSINGEN,
        {"opens_at": dt.time(6, 30), "closes_at": dt.time(17)},
    ),
    ("Kita „Erlauer Grashüpfer“", False, SCHLEUSINGEN, {"opens_at": dt.time(6, 30), "closes_at": dt.time(17)}),
    (
        "Seniorenbeirat der Stadt Hildburghausen",
        False,
        HILDBURGHAUSEN,
        {"freq": "MONTHLY", "byday": "TH", "description": "Sprechstunde jeden 1. Donnerstag im Monat"},
    ),
]


#: Queries of the whole queue page (session, user, memberships, counts, offers, proposals, prefetches, look-ups).
QUERY_BUDGET = 22


def propose_everything(world: World, traeger: Any, name: str, runs: bool, key: str, hours: dict[str, Any]) -> None:
    """An offer whose proposal changes every kind of field, including its stored Zeitplan."""
    provider: Provider | None = world.provider_a if runs else None
    offer = make_offer(world.district, provider, name, fields=(2,))
    stored = Schedule.objects.create(offering=offer, **hours)
    changed = row_of(stored)
    changed["description"] = "nicht in den Schulferien"
    kita = name.startswith(("Kita", "Integrative"))
    data = {
        "phone": row(name)["phone"] or "",
        "offer_type": OfferType.objects.get(code="kindertagesstaette" if kita else "seniorenvertretung").pk,
        "action_fields": [field(2).pk, field(3).pk],
        "target_groups": [TargetGroup.objects.get(code="kinder-unter-6" if kita else "senioren").pk],
        "themes": [CrossCuttingTheme.objects.get(code="teilhabe-mitwirkung").pk],
        "sites": [world.site_a.pk] if runs else [],
        "served_regions": [gemeinde(key).pk],
        "schedules": rows_to_json([changed]),
    }
    OfferingChange.objects.create(offering=offer, data=data, submitted_by=traeger)


def queue_queries(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_the_review_queue_needs_the_same_queries_for_two_or_six_proposals(
    world: World,
    people: Personas,
    client_as: Callable[[str], Client],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    url = reverse("workspace:review_queue", kwargs={"district": world.district.slug})
    planner = client_as("planner")
    name, runs, key, hours = OFFERS[0]
    propose_everything(world, people.traeger_a, name, runs, key, hours)
    planner.get(url)  # warm caches that are not per request (content types, translations)
    few, _page = queue_queries(planner, url)  # change_a, change_b and one rich proposal
    assert few <= QUERY_BUDGET, few

    for name, runs, key, hours in OFFERS[1:]:
        propose_everything(world, people.traeger_a, name, runs, key, hours)
    assert OfferingChange.objects.pending().filter(offering__district=world.district).count() == 6
    with django_assert_max_num_queries(few):
        many, page = queue_queries(planner, url)
    assert many == few, (few, many)

    # The diffs are still complete and German.
    for label in ("Telefon", "Angebotsart", "Handlungsfelder", "Zielgruppen", "Einzugsgebiet", "Zeitpläne"):
        assert label in page, label
    assert (
        "wöchentlich Montag, Dienstag, Mittwoch, Donnerstag, Freitag 06:00–17:00 Uhr: nicht in den Schulferien" in page
    )
    assert "06:30–17:00 Uhr: nicht in den Schulferien" in page
    assert "monatlich Donnerstag: Sprechstunde jeden 1. Donnerstag im Monat" in page
    assert page.count("Änderung übernehmen") == 6


def test_the_bulk_diffs_equal_the_single_ones(world: World, people: Personas) -> None:
    from sozialplan.offerings.services import proposal_diff, proposal_diffs

    for name, runs, key, hours in OFFERS:
        propose_everything(world, people.traeger_a, name, runs, key, hours)
    changes = list(OfferingChange.objects.pending().select_related("offering__district").order_by("pk"))
    single = [proposal_diff(OfferingChange.objects.get(pk=c.pk)) for c in changes]
    assert proposal_diffs(changes) == single
    assert all("schedules" in d for d in single[2:])
    offer = Offering.objects.get(name=OFFERS[0][0])
    assert single[2]["sites"] == [[], [world.site_a.name]] and offer.provider == world.provider_a
