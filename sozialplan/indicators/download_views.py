"""CSV/XLSX downloads of the indicator tables: public (suppressed) and for the district's members (not suppressed).

Public: ``/zahlen/<district>/download/…`` for every hosted district.
Planner: ``/planung/<district>/zahlen/download/…``, members of the district
only (others get 404, anonymous users the login page). Formats ``csv`` and
``xlsx`` (see :mod:`sozialplan.indicators.spreadsheet`); the atlas table
takes ``?stichtag=YYYY-MM-DD`` (default: the latest with a value). A bad
level, format, indicator or area is 404, a bad Stichtag 400.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from sozialplan.indicators.areas import area_by_key
from sozialplan.indicators.catalogue import IndicatorDefinition, get_indicator
from sozialplan.indicators.compute import AreaLevel
from sozialplan.indicators.downloads import atlas_book, overview_book, profile_book
from sozialplan.indicators.params import FORMATS, BadParameterError, parse_level, period_param
from sozialplan.indicators.spreadsheet import Book, to_csv, to_xlsx
from sozialplan.regions.models import District
from sozialplan.workspace.access import get_district


def _public_district(slug: str) -> District:
    return get_object_or_404(District.objects.select_related("region"), slug=slug)


def _checked(code: str | None, level: str | None, fmt: str) -> tuple[IndicatorDefinition | None, AreaLevel | None]:
    if fmt not in FORMATS:
        raise Http404
    definition = get_indicator(code) if code is not None else None
    if code is not None and definition is None:
        raise Http404
    try:
        return definition, parse_level(level) if level is not None else None
    except BadParameterError as error:
        raise Http404 from error


def _file(book: Book, fmt: str, stem: str) -> HttpResponse:
    content = to_csv(book.main) if fmt == "csv" else to_xlsx(book)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


def _atlas(request: HttpRequest, district: District, code: str, level: str, fmt: str, *, public: bool) -> HttpResponse:
    definition, area_level = _checked(code, level, fmt)
    assert definition is not None and area_level is not None
    try:
        period = period_param(request.GET)
    except BadParameterError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    book, day = atlas_book(district, definition, area_level, period, public=public)
    stem = f"{district.slug}-{definition.code}-{area_level}-{day.isoformat() if day else 'ohne-stichtag'}"
    return _file(book, fmt, stem)


def _overview(district: District, level: str, fmt: str, *, public: bool) -> HttpResponse:
    _definition, area_level = _checked(None, level, fmt)
    assert area_level is not None
    return _file(overview_book(district, area_level, public=public), fmt, f"{district.slug}-uebersicht-{area_level}")


def _profile(district: District, key: str, fmt: str, *, public: bool) -> HttpResponse:
    _checked(None, None, fmt)
    area = area_by_key(district, key)
    if area is None:
        raise Http404
    return _file(profile_book(district, area, public=public), fmt, f"{district.slug}-profil-{area.key}")


# --- public ------------------------------------------------------------------------------------


@require_safe
def public_atlas(request: HttpRequest, district: str, code: str, level: str, fmt: str) -> HttpResponse:
    return _atlas(request, _public_district(district), code, level, fmt, public=True)


@require_safe
def public_overview(_request: HttpRequest, district: str, level: str, fmt: str) -> HttpResponse:
    return _overview(_public_district(district), level, fmt, public=True)


@require_safe
def public_profile(_request: HttpRequest, district: str, key: str, fmt: str) -> HttpResponse:
    return _profile(_public_district(district), key, fmt, public=True)


# --- planner -----------------------------------------------------------------------------------


@login_required
@require_safe
def planner_atlas(request: HttpRequest, district: str, code: str, level: str, fmt: str) -> HttpResponse:
    return _atlas(request, get_district(request, district), code, level, fmt, public=False)


@login_required
@require_safe
def planner_overview(request: HttpRequest, district: str, level: str, fmt: str) -> HttpResponse:
    return _overview(get_district(request, district), level, fmt, public=False)


@login_required
@require_safe
def planner_profile(request: HttpRequest, district: str, key: str, fmt: str) -> HttpResponse:
    return _profile(get_district(request, district), key, fmt, public=False)
