"""Figures for the portal's home and about pages (entry points, hosted districts, sources)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db.models import Count, Q

from sozialplan.catalog.models import ActionField, TargetGroup
from sozialplan.offerings.models import Offering, OfferingStatus, ReviewState
from sozialplan.regions.models import District

#: Offers the public sees, as a filter over a relation named ``offering``.
_PUBLISHED = Q(offering__review_state=ReviewState.APPROVED) & ~Q(offering__status=OfferingStatus.DEFUNCT)


@dataclass(frozen=True)
class DistrictSummary:
    district: District
    gemeinden: int
    offers: int


@dataclass(frozen=True)
class HomeOverview:
    """What the home page offers as entry points; counts are published offers."""

    total: int
    action_fields: Sequence[ActionField]
    target_groups: Sequence[TargetGroup]
    districts: list[DistrictSummary]


def home_overview() -> HomeOverview:
    """Handlungsfelder (all six) and Zielgruppen (those with offers), each with ``offer_count``."""
    action_fields = list(ActionField.objects.annotate(offer_count=Count("offering", filter=_PUBLISHED)))
    target_groups = [
        g for g in TargetGroup.objects.annotate(offer_count=Count("offering", filter=_PUBLISHED)) if g.offer_count
    ]
    published = Offering.objects.published()
    per_district = Counter(published.values_list("district_id", flat=True))
    districts = [
        DistrictSummary(district=d, gemeinden=d.gemeinden().count(), offers=per_district.get(d.pk, 0))
        for d in District.objects.select_related("region").defer("region__boundary")
    ]
    return HomeOverview(
        total=sum(per_district.values()),
        action_fields=action_fields,
        target_groups=target_groups,
        districts=districts,
    )


@dataclass(frozen=True)
class SourceHost:
    host: str
    offers: int


def offer_source_hosts() -> list[SourceHost]:
    """The web sites the published offers were taken from, most used first."""
    urls = Offering.objects.published().exclude(source_url="").values_list("source_url", flat=True)
    hosts = Counter(urlsplit(u).hostname or "" for u in urls)
    hosts.pop("", None)
    return [
        SourceHost(host=h.removeprefix("www."), offers=n)
        for h, n in sorted(hosts.items(), key=lambda item: (-item[1], item[0]))
    ]
