"""The "Offene Daten" page and the download files (CSV, GeoJSON, HSDS JSON)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from sozialplan.opendata import downloads, queries
from sozialplan.opendata.api_params import BadParameterError, district_param
from sozialplan.opendata.downloads import detail_url_builder
from sozialplan.regions.models import District


def _filename(stem: str, extension: str, district: District | None) -> str:
    return f"{stem}-{district.slug}.{extension}" if district else f"{stem}.{extension}"


def _attachment(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _bad_district(error: BadParameterError) -> HttpResponse:
    return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The "Offene Daten" page: what can be downloaded, under which terms, and the HSDS API."""
    districts = District.objects.filter(pk__in=queries.published_offerings().values("district")).order_by("name")
    return render(
        request,
        "opendata/index.html",
        {
            "districts": districts,
            "offer_count": queries.published_offerings().count(),
        },
    )


@require_safe
def offers_csv(request: HttpRequest) -> HttpResponse:
    """``angebote.csv``: one row per published offer, UTF-8 with BOM, ``;``-separated, German headers."""
    try:
        district = district_param(request.GET)
    except BadParameterError as error:
        return _bad_district(error)
    offerings = downloads.offerings_for_download(district)
    text = downloads.offerings_csv(offerings, detail_url_builder(request.build_absolute_uri))
    return _attachment(
        ("\ufeff" + text).encode("utf-8"),
        "text/csv; charset=utf-8",
        _filename("angebote", "csv", district),
    )


@require_safe
def offers_geojson(request: HttpRequest) -> HttpResponse:
    """``angebote.geojson``: offers as Point features (offer × site), district-wide ones without geometry."""
    try:
        district = district_param(request.GET)
    except BadParameterError as error:
        return _bad_district(error)
    offerings = downloads.offerings_for_download(district)
    data = downloads.offerings_geojson(offerings, detail_url_builder(request.build_absolute_uri))
    return _attachment(
        json.dumps(data, ensure_ascii=False), "application/geo+json", _filename("angebote", "geojson", district)
    )


@require_safe
def hsds_json(request: HttpRequest) -> HttpResponse:
    """``hsds.json``: every published offer as a fully nested HSDS 3.0 service, in one JSON array."""
    try:
        district = district_param(request.GET)
    except BadParameterError as error:
        return _bad_district(error)
    services = downloads.hsds_services(downloads.offerings_for_download(district))
    return _attachment(
        json.dumps(services, ensure_ascii=False), "application/json", _filename("hsds", "json", district)
    )
