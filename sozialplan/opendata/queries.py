"""What the public may see, with the relations the HSDS builders need prefetched.

Only published offers (``Offering.objects.published()``: approved and not
defunct) appear in open data, and only the organizations and active locations
that have at least one of them. Drafts, pending, rejected and defunct offers
never leak, not even as a location or an organization.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from sozialplan.offerings.models import Offering, Provider, Schedule, Site
from sozialplan.regions.models import District


def published_offerings(district: District | None = None) -> QuerySet[Offering]:
    qs = Offering.objects.published()
    if district is not None:
        qs = qs.for_district(district)
    return qs


def public_sites() -> QuerySet[Site]:
    """Active sites where at least one published offer takes place."""
    published_here = Offering.objects.published().filter(sites=OuterRef("pk"))
    return (
        Site.objects.active()
        .filter(Exists(published_here))
        .select_related("gemeinde", "district__region__parent")
        .order_by("name", "pk")
    )


def public_providers(district: District | None = None) -> QuerySet[Provider]:
    """Providers of at least one published offer."""
    qs = Provider.objects.filter(Exists(Offering.objects.published().filter(provider=OuterRef("pk"))))
    if district is not None:
        qs = qs.filter(district=district)
    return qs.order_by("name", "pk")


def _site_queryset() -> QuerySet[Site]:
    return Site.objects.active().select_related("gemeinde", "district__region__parent").order_by("name", "pk")


def with_relations(qs: QuerySet[Offering]) -> QuerySet[Offering]:
    """Offerings with everything ``hsds.service_full`` reads, in a constant number of queries."""
    return qs.select_related("provider", "offer_type").prefetch_related(
        Prefetch("sites", queryset=_site_queryset()),
        "action_fields",
        "target_groups",
        "themes",
        "served_regions",
        Prefetch("schedules", queryset=Schedule.objects.order_by("pk")),
        Prefetch("provider__sites", queryset=public_sites(), to_attr="public_sites"),
    )


def with_list_relations(qs: QuerySet[Offering]) -> QuerySet[Offering]:
    """Offerings with what ``hsds.service_list_item`` reads (only the provider)."""
    return qs.select_related("provider")


def providers_with_relations(qs: QuerySet[Provider]) -> QuerySet[Provider]:
    return qs.prefetch_related(Prefetch("sites", queryset=public_sites(), to_attr="public_sites"))
