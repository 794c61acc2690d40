"""Entry pages: the hosted districts, and per district the indicator catalogue with its sources."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sozialplan.indicators import areas as lookup
from sozialplan.indicators.catalogue import IndicatorDefinition, load_catalogue
from sozialplan.indicators.models import Dataset, Observation
from sozialplan.indicators.views._common import BOUNDARY_ATTRIBUTION, get_scope, page_context
from sozialplan.regions.models import District, Region, RegionKind


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Every hosted district with a link to its numbers (also when there is only one)."""
    districts = District.objects.select_related("region").order_by("name")
    return render(request, "indicators/index.html", {"districts": districts})


def topics() -> list[tuple[str, list[IndicatorDefinition]]]:
    groups: dict[str, list[IndicatorDefinition]] = {}
    for definition in load_catalogue():
        groups.setdefault(definition.topic or _("Weitere"), []).append(definition)
    return list(groups.items())


def datasets_of(district: District) -> QuerySet[Dataset]:
    """The datasets with numbers for the district's Kreis, its Gemeinden or its Land."""
    kreis = district.region
    regions = Region.objects.filter(Q(pk=kreis.pk) | Q(key=kreis.key[:2], kind=RegionKind.LAND)).values("pk")
    gemeinden = district.gemeinden().values("pk")
    used = Observation.objects.filter(Q(region__in=regions) | Q(region__in=gemeinden), dataset=OuterRef("pk"))
    return Dataset.objects.filter(Exists(used)).order_by("kind", "code")


@require_safe
def district_page(request: HttpRequest, district: str, *, public: bool) -> HttpResponse:
    scope = get_scope(request, district, public=public)
    catalogue = [
        (topic, [(d, scope.url("atlas", {"indikator": d.code})) for d in definitions])
        for topic, definitions in topics()
    ]
    gemeinden = [(a.name, scope.profile_url(a.key)) for a in lookup.gemeinde_areas(scope.district)]
    rooms = [(a.name, scope.profile_url(a.key)) for a in lookup.planning_areas(scope.district)]
    context = page_context(
        request,
        scope,
        catalogue=catalogue,
        gemeinden=gemeinden,
        rooms=rooms,
        datasets=datasets_of(scope.district),
        boundary_attribution=BOUNDARY_ATTRIBUTION,
    )
    return render(request, "indicators/district.html", context)
