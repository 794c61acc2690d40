"""Filters of the HSDS list endpoints on published offerings (search, taxonomy, organization …)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sozialplan.offerings.models import Offering, PositionPrecision
from sozialplan.offerings.search import filter_by_query
from sozialplan.opendata import taxonomy as tx
from sozialplan.opendata.api_params import ListParams


def _term_q(term: tx.KnownTerm) -> Q:
    code = term.code
    if term.taxonomy == tx.HANDLUNGSFELD:
        return Q(action_fields__code=int(code))
    if term.taxonomy == tx.ZIELGRUPPE:
        return Q(target_groups__code=code)
    if term.taxonomy == tx.ANGEBOTSART:
        return Q(offer_type__code=code)
    if term.taxonomy == tx.QUERSCHNITTSTHEMA:
        return Q(themes__code=code)
    if term.taxonomy == tx.TRAEGERART:
        return Q(provider__kind=code)
    merkmal = {
        "quelle": ~Q(source_url=""),
        "quellenstand": ~Q(source_date=""),
        "kategorie": ~Q(category=""),
        "ags": Q(sites__gemeinde__isnull=False) | Q(served_regions__isnull=False),
        "lagegenauigkeit": Q(sites__latitude__isnull=False) & ~Q(sites__position_precision=PositionPrecision.EXACT),
    }
    return merkmal.get(code, Q(pk__in=[]))


def _taxonomy_q(taxonomy_id: str) -> Q:
    by_id = {t.id: t.key for t in tx.taxonomies()}
    key = by_id.get(taxonomy_id)
    return {
        tx.HANDLUNGSFELD: Q(action_fields__isnull=False),
        tx.ZIELGRUPPE: Q(target_groups__isnull=False),
        tx.ANGEBOTSART: Q(offer_type__isnull=False),
        tx.QUERSCHNITTSTHEMA: Q(themes__isnull=False),
        tx.TRAEGERART: Q(provider__isnull=False),
        tx.MERKMAL: ~Q(source_url="") | Q(sites__gemeinde__isnull=False) | Q(served_regions__isnull=False),
    }.get(key or "", Q(pk__in=[]))


def filter_offerings(qs: QuerySet[Offering], params: ListParams) -> QuerySet[Offering]:
    """Apply the list parameters to published offerings; the result is ordered by name.

    Taxonomy filters know our own taxonomies; an unknown term or taxonomy id
    matches nothing.
    """
    if params.district is not None:
        qs = qs.filter(district=params.district)
    if params.search:
        qs = filter_by_query(qs, params.search)
    if params.organization_id:
        qs = qs.filter(provider__uuid=params.organization_id)
    if params.modified_after is not None:
        qs = qs.filter(updated_at__gte=params.modified_after)
    if params.taxonomy_term_id:
        known = tx.resolve_term_ids().get(params.taxonomy_term_id)
        qs = qs.filter(_term_q(known)) if known is not None else qs.none()
    if params.taxonomy_id:
        qs = qs.filter(_taxonomy_q(params.taxonomy_id))
    if params.postcode:
        qs = qs.filter(sites__postcode=params.postcode, sites__retired_at__isnull=True)
    joins = params.taxonomy_term_id or params.taxonomy_id or params.postcode
    if joins:
        # The joins above can repeat an offering; a subquery keeps each once without DISTINCT.
        qs = Offering.objects.filter(pk__in=qs.values("pk"))
    return qs.order_by("name", "pk")
