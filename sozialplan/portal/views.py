"""Public directory "Infos aus einer Hand" (no login).

Every page is the same for every visitor, logged in or not: only published
offers (``Offering.objects.published()``) are shown; anything else is 404.
The list works without JavaScript (GET form); htmx requests get only the
results region (``portal/_results.html``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sozialplan.offerings.models import Offering
from sozialplan.portal import directory, mapdata, overview
from sozialplan.regions.models import District, Region

GEOJSON = "application/geo+json"


def _is_htmx(request: HttpRequest) -> bool:
    """A request from htmx that wants the partial (not a history restore, which needs the page)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")


def _map_settings() -> dict[str, Any]:
    return {"map_tile_url": settings.MAP_TILE_URL, "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION}


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"overview": overview.home_overview()})


@require_safe
def offer_list(request: HttpRequest) -> HttpResponse:
    result = directory.search(request.GET)
    template = "portal/_results.html" if _is_htmx(request) else "portal/offer_list.html"
    response = render(request, template, {"result": result, **_map_settings()})
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def offer_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    offers = (
        Offering.objects.published()
        .select_related("provider", "offer_type", "district")
        .prefetch_related(
            Prefetch("sites", queryset=directory.sites_for_display()),
            "action_fields",
            "target_groups",
            "themes",
            Prefetch("served_regions", queryset=Region.objects.defer("boundary")),
            "schedules",
        )
    )
    offer = get_object_or_404(offers, uuid=uuid)
    points = mapdata.offer_points(Offering.objects.filter(pk=offer.pk))
    context = {
        "offer": offer,
        "sites": list(offer.sites.all()),
        "points": points,
        "assured_is_old": offer.assured_date is not None
        and offer.assured_date < timezone.localdate() - dt.timedelta(days=settings.ASSURED_MAX_AGE_DAYS),
        **_map_settings(),
    }
    return render(request, "portal/offer_detail.html", context)


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    context = {
        "source_hosts": overview.offer_source_hosts(),
        "contact_districts": District.objects.exclude(contact_email=""),
    }
    return render(request, "portal/about.html", context)


@require_safe
def gemeinden_geojson(request: HttpRequest) -> JsonResponse:
    """Gemeinde boundaries of one hosted district (``?kreis=<slug>``) or of all of them."""
    districts = District.objects.select_related("region").defer("region__boundary")
    slug = directory.clean_param(request.GET.get("kreis"))
    if slug:
        districts = districts.filter(slug=slug)
        if not districts:
            return JsonResponse(
                {"fehler": _("Diesen Kreis gibt es in diesem Verzeichnis nicht.")},
                status=404,
                json_dumps_params={"ensure_ascii": False},
            )
    response = JsonResponse(mapdata.gemeinden_collection(districts), content_type=GEOJSON)
    patch_cache_control(response, public=True, max_age=3600)
    return response


@require_safe
def offers_geojson(request: HttpRequest) -> JsonResponse:
    """Points of the published offers matching the list's filter parameters."""
    flt = directory.parse_filter(request.GET, directory.Choices.load())
    return JsonResponse(
        mapdata.offer_points(directory.filtered_offers(flt)),
        content_type=GEOJSON,
        json_dumps_params={"ensure_ascii": False},
    )
