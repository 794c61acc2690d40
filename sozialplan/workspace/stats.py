"""Counts for the planner's overview: offers by Gemeinde × Handlungsfeld.

What is counted: published offers (approved, not "eingestellt") of the
district. An offer lies in a Gemeinde when one of its active Standorte lies
there; an offer without a located Standort (e.g. district-wide services) is
counted in the row "ohne Standort". An offer with no Handlungsfeld is counted
in the column "ohne Handlungsfeld".

An offer with Standorte in two Gemeinden, or with two Handlungsfelder, counts
in every cell it belongs to, but only once in each total: row, column and
grand totals count distinct offers, so they can be smaller than the sum of
their cells.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sozialplan.catalog.models import ActionField
from sozialplan.offerings.models import Offering, OfferingQuerySet
from sozialplan.regions.models import District, Region

K = TypeVar("K")
R = TypeVar("R")
C = TypeVar("C")


@dataclass(frozen=True)
class Matrix(Generic[R, C]):
    """Distinct-offer counts; ``None`` as a row or column key means "none"."""

    row_keys: list[R | None]
    column_keys: list[C | None]
    cells: dict[tuple[R | None, C | None], int]
    row_totals: dict[R | None, int]
    column_totals: dict[C | None, int]
    total: int

    def cell(self, row: R | None, column: C | None) -> int:
        return self.cells.get((row, column), 0)


def count_matrix(
    offers: Iterable[K],
    rows_of: Mapping[K, set[R]],
    columns_of: Mapping[K, set[C]],
    row_keys: Sequence[R],
    column_keys: Sequence[C],
) -> Matrix[R, C]:
    """Cross-tabulate ``offers`` by their row keys (places) and column keys (fields).

    Offers whose keys are not in ``row_keys``/``column_keys`` are counted under
    ``None``. The ``None`` row or column is listed only when it is non-empty.
    """
    known_rows, known_columns = set(row_keys), set(column_keys)
    cells: dict[tuple[R | None, C | None], int] = defaultdict(int)
    row_totals: dict[R | None, int] = defaultdict(int)
    column_totals: dict[C | None, int] = defaultdict(int)
    total = 0
    for offer in offers:
        rows: set[R | None] = {r for r in rows_of.get(offer, set()) if r in known_rows} or {None}
        columns: set[C | None] = {c for c in columns_of.get(offer, set()) if c in known_columns} or {None}
        total += 1
        for r in rows:
            row_totals[r] += 1
            for c in columns:
                cells[(r, c)] += 1
        for c in columns:
            column_totals[c] += 1
    row_list: list[R | None] = [*row_keys, *([None] if row_totals.get(None) else [])]
    column_list: list[C | None] = [*column_keys, *([None] if column_totals.get(None) else [])]
    return Matrix(row_list, column_list, dict(cells), dict(row_totals), dict(column_totals), total)


def counted_offerings(district: District) -> OfferingQuerySet:
    """The offers the overview counts (published ones)."""
    return Offering.objects.for_district(district).published()


def offerings_matrix(district: District) -> Matrix[Region, ActionField]:
    """Offers of ``district`` by Gemeinde (rows) × Handlungsfeld (columns). Four queries."""
    counted = counted_offerings(district)
    offer_ids = list(counted.values_list("pk", flat=True))
    gemeinden = list(district.gemeinden().order_by("name"))
    fields = list(ActionField.objects.order_by("code"))
    by_gemeinde = {g.pk: g for g in gemeinden}
    by_field = {f.pk: f for f in fields}
    places: dict[int, set[Region]] = defaultdict(set)
    site_links = Offering.sites.through.objects.filter(
        offering__in=counted.values("pk"), site__retired_at__isnull=True, site__gemeinde__isnull=False
    ).values_list("offering_id", "site__gemeinde_id")
    for offer_id, gemeinde_id in site_links:
        if gemeinde_id in by_gemeinde:
            places[offer_id].add(by_gemeinde[gemeinde_id])
    topics: dict[int, set[ActionField]] = defaultdict(set)
    field_links = Offering.action_fields.through.objects.filter(offering__in=counted.values("pk")).values_list(
        "offering_id", "actionfield_id"
    )
    for offer_id, field_id in field_links:
        topics[offer_id].add(by_field[field_id])
    return count_matrix(offer_ids, places, topics, gemeinden, fields)
