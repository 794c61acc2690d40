"""The planner's overview: Gemeinde × Handlungsfeld counts, stale offers, query budgets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from sozialplan.offerings.models import Offering, OfferingStatus, ReviewState
from sozialplan.offerings.tests.workflow_data import (
    EISFELD,
    HILDBURGHAUSEN,
    SCHLEUSINGEN,
    STADTCAFE,
    TAFEL_EISFELD,
    TAFEL_SCHLEUSINGEN,
    World,
    field,
    gemeinde,
    make_offer,
    make_site,
    offer_rows,
    row,
)
from sozialplan.workspace.stats import count_matrix, offerings_matrix


def test_count_matrix_counts_cells_and_distinct_totals_by_hand() -> None:
    # Offer 1: two places (a, b), one field (x). Offer 2: place a, fields x and y.
    # Offer 3: no place, field y. Offer 4: place b, no field.
    places = {1: {"a", "b"}, 2: {"a"}, 4: {"b"}}
    fields = {1: {"x"}, 2: {"x", "y"}, 3: {"y"}}
    m = count_matrix([1, 2, 3, 4], places, fields, ["a", "b"], ["x", "y"])
    assert (m.cell("a", "x"), m.cell("a", "y"), m.cell("b", "x"), m.cell("b", "y")) == (2, 1, 1, 0)
    assert (m.cell(None, "y"), m.cell("b", None)) == (1, 1)
    assert m.row_totals == {"a": 2, "b": 2, None: 1}
    assert m.column_totals == {"x": 2, "y": 2, None: 1}
    assert m.total == 4
    assert m.row_keys == ["a", "b", None]
    assert m.column_keys == ["x", "y", None]


def test_the_matrix_counts_published_offers_by_gemeinde_and_field(world: World) -> None:
    d = world.district
    # Real offers: two Tafel Ausgabestellen (HF 4) in Eisfeld and Schleusingen, the Stadtcafé (HF 6) in
    # Schleusingen, plus the world's Kita Farbkleckse (HF 2, 3) and Kreissportbund (HF 5) in Hildburghausen.
    eisfeld = make_site(d, world.provider_a, TAFEL_EISFELD, EISFELD)
    schleusingen = make_site(d, world.provider_a, TAFEL_SCHLEUSINGEN, SCHLEUSINGEN)
    make_offer(d, world.provider_a, TAFEL_EISFELD, site=eisfeld, fields=(4,))
    make_offer(d, world.provider_a, TAFEL_SCHLEUSINGEN, site=schleusingen, fields=(4,))
    cafe = make_offer(d, None, STADTCAFE, site=schleusingen, fields=(6,))
    # Not counted: a defunct offer and a pending one.
    cafe_closed = make_offer(d, None, STADTCAFE, site=schleusingen, fields=(6,), status=OfferingStatus.DEFUNCT)
    assert cafe_closed.pk != cafe.pk
    m = offerings_matrix(d)
    hbn, eis, sch = gemeinde(HILDBURGHAUSEN), gemeinde(EISFELD), gemeinde(SCHLEUSINGEN)
    hf = {code: field(code) for code in range(1, 7)}
    assert m.cell(hbn, hf[2]) == m.cell(hbn, hf[3]) == m.cell(hbn, hf[5]) == 1
    assert m.cell(eis, hf[4]) == 1
    assert (m.cell(sch, hf[4]), m.cell(sch, hf[6])) == (1, 1)
    assert (m.row_totals[hbn], m.row_totals[eis], m.row_totals[sch]) == (2, 1, 2)
    assert m.column_totals[hf[4]] == 2
    assert m.total == 5  # pending_a (HF 6, no site) and the defunct café are not counted
    assert None not in m.row_keys and None not in m.column_keys


def test_the_dashboard_table_links_to_filtered_lists(world: World, client_for: Callable[[str], Client]) -> None:
    page = client_for("planner").get(reverse("workspace:dashboard", kwargs={"district": world.district.slug}))
    text = page.content.decode()
    assert "Angebote nach Gemeinde und Handlungsfeld" in text
    assert f"?review=approved&amp;gemeinde={HILDBURGHAUSEN}&amp;field=2" in text
    listed = client_for("planner").get(
        reverse("workspace:offering_list", kwargs={"district": world.district.slug}),
        {"gemeinde": HILDBURGHAUSEN, "field": "2"},
    )
    assert world.offer_a.name in listed.content.decode()
    assert world.offer_b.name not in listed.content.decode()


def test_every_number_in_the_table_is_the_number_of_rows_its_link_lists(
    world: World, client_for: Callable[[str], Client]
) -> None:
    """The table counts published offers; its links must not list pending, rejected or defunct ones."""
    d = world.district
    make_offer(d, world.provider_a, TAFEL_EISFELD, site=world.site_a, fields=(2,), state=ReviewState.PENDING)
    make_offer(d, world.provider_a, TAFEL_SCHLEUSINGEN, site=world.site_a, fields=(2,), state=ReviewState.REJECTED)
    make_offer(d, None, STADTCAFE, site=world.site_b, fields=(5,), status=OfferingStatus.DEFUNCT)
    planner = client_for("planner")
    table = planner.get(reverse("workspace:dashboard", kwargs={"district": d.slug})).context["table"]
    cells = [cell for r in table.rows for cell in (*r.cells, r.total)] + [*table.totals.cells, table.totals.total]
    linked = [cell for cell in cells if cell.url]
    assert len(linked) >= 5  # HBN × HF 2, 3, 5, the row total, column totals, the grand total
    for cell in linked:
        listed = planner.get(cell.url)
        assert listed.status_code == 200
        assert (cell.url, listed.context["page"].paginator.count) == (cell.url, cell.count)
        # The list form shows the filter the link set.
        assert listed.context["form"].value("review") == ReviewState.APPROVED


def test_stale_offers_are_listed_and_verified_ones_are_not(world: World, client_for: Callable[[str], Client]) -> None:
    old = timezone.localdate() - dt.timedelta(days=400)
    Offering.objects.filter(pk=world.offer_a.pk).update(assured_date=old)
    Offering.objects.filter(pk=world.offer_b.pk).update(assured_date=timezone.localdate())
    url = reverse("workspace:dashboard", kwargs={"district": world.district.slug})
    text = client_for("planner").get(url).content.decode()
    stale_section = text.split("Lange nicht geprüft")[1].split("Warten auf Freigabe")[0]
    assert world.offer_a.name in stale_section
    assert old.strftime("%d.%m.%Y") in stale_section
    assert world.offer_b.name not in stale_section
    stale_list = client_for("planner").get(
        reverse("workspace:offering_list", kwargs={"district": world.district.slug}), {"stale": "on"}
    )
    assert world.offer_a.name in stale_list.content.decode()
    assert world.offer_b.name not in stale_list.content.decode()


def test_the_review_queue_on_the_dashboard_shows_new_offers_and_changes(
    world: World, client_for: Callable[[str], Client]
) -> None:
    url = reverse("workspace:dashboard", kwargs={"district": world.district.slug})
    section = client_for("planner").get(url).content.decode().split("Warten auf Freigabe")[-1]
    assert world.pending_a.name in section
    assert world.offer_b.name in section  # change_b


def _many_offers(world: World) -> None:
    """Enough rows that an N+1 query would show: 40 real offer rows on the world's Standorte.

    Written in bulk (no signals): the search index is not under test here.
    """
    offers = Offering.objects.bulk_create(
        Offering(district=world.district, provider=world.provider_a, name=data["name"], description=data["description"])
        for data in list(offer_rows().values())[:40]
    )
    Offering.sites.through.objects.bulk_create(
        Offering.sites.through(offering_id=o.pk, site_id=s.pk) for o in offers for s in (world.site_a, world.site_b)
    )
    Offering.action_fields.through.objects.bulk_create(
        Offering.action_fields.through(offering_id=o.pk, actionfield_id=field(code).pk)
        for o in offers
        for code in (2, 4)
    )


@pytest.mark.parametrize(
    ("name", "budget"),
    [
        ("dashboard", 25),
        ("offering_list", 15),
        ("provider_list", 12),
        ("site_list", 12),
        ("area_list", 12),
        ("review_queue", 17),  # plus a few per pending proposal of a Standort (its diff); proposals are few
        ("audit_trail", 10),
        ("map_data", 15),
    ],
)
def test_pages_use_a_bounded_number_of_queries(
    world: World,
    client_for: Callable[[str], Client],
    django_assert_max_num_queries: DjangoAssertNumQueries,
    name: str,
    budget: int,
) -> None:
    _many_offers(world)
    client = client_for("planner")
    url = reverse(f"workspace:{name}", kwargs={"district": world.district.slug})
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_the_traeger_home_uses_a_bounded_number_of_queries(
    world: World, client_for: Callable[[str], Client], django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    _many_offers(world)
    client = client_for("traeger_a")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("workspace:provider_home")).status_code == 200


def test_rejected_new_offers_are_not_in_the_queue(world: World, client_for: Callable[[str], Client]) -> None:
    Offering.objects.filter(pk=world.pending_a.pk).update(review_state=ReviewState.REJECTED)
    page = client_for("planner").get(reverse("workspace:review_queue", kwargs={"district": world.district.slug}))
    assert world.pending_a.name not in page.content.decode()
    assert row(TAFEL_EISFELD)["name"] not in page.content.decode()
