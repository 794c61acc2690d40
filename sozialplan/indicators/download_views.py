"""CSV/XLSX downloads of the indicator tables: public (suppressed) and for the district's members (not suppressed).

Public: ``/zahlen/<district>/download/…`` for every hosted district.
Planner: ``/planung/<district>/zahlen/download/…`` with the access rule of
the planner pages (:func:`~sozialplan.indicators.views._common.get_scope`):
planners and committee members of the district, 403 for Träger, 404 for
everyone else, the login page for anonymous users. Formats ``csv`` and
``xlsx`` (see :mod:`sozialplan.indicators.spreadsheet`).

Each download accepts what its page accepts and refuses the rest the same
way: the atlas and the overview take the levels ``gemeinde`` and
``planungsraum`` only (else 400, as the pages' forms); the atlas table takes
``?stichtag=YYYY-MM-DD`` (default: the Stichtag the page shows), 400 for a
malformed one or one without values; a profile exists for the district's
Gemeinden, Planungsräume and the Kreis, not the Land (404). An unknown
format, indicator or area is 404. Errors are German ``text/plain``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sozialplan.indicators.areas import area_by_key
from sozialplan.indicators.catalogue import get_indicator
from sozialplan.indicators.compute import AreaLevel
from sozialplan.indicators.downloads import atlas_book, overview_book, profile_book
from sozialplan.indicators.params import FORMATS, BadParameterError, period_param
from sozialplan.indicators.spreadsheet import Book, to_csv, to_xlsx
from sozialplan.indicators.views._atlas import LEVEL_PLURALS, available_periods, unavailable_message
from sozialplan.indicators.views._common import get_scope
from sozialplan.indicators.views.profile import MAX_KEY_LENGTH
from sozialplan.regions.models import District

TEXT = "text/plain; charset=utf-8"


def _bad_request(message: str) -> HttpResponse:
    return HttpResponseBadRequest(message, content_type=TEXT)


def _format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise Http404


def _page_level(level: str) -> AreaLevel | None:
    """The level if the atlas and overview pages offer it (Gemeinden, Planungsräume), else ``None``."""
    if level == "gemeinde":
        return "gemeinde"
    if level == "planungsraum":
        return "planungsraum"
    return None


def _level_message(level: str) -> str:
    return _("Unbekannte Ebene „%(value)s“; erlaubt sind: %(allowed)s.") % {
        "value": level[:40],
        "allowed": ", ".join(LEVEL_PLURALS),
    }


def _file(book: Book, fmt: str, stem: str) -> HttpResponse:
    content = to_csv(book.main) if fmt == "csv" else to_xlsx(book)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


def _atlas(request: HttpRequest, district: District, code: str, level: str, fmt: str, *, public: bool) -> HttpResponse:
    _format(fmt)
    definition = get_indicator(code)
    if definition is None:
        raise Http404
    area_level = _page_level(level)
    if area_level is None:
        return _bad_request(_level_message(level))
    try:
        period = period_param(request.GET)
    except BadParameterError as error:
        return _bad_request(str(error))
    if period is not None:
        available = available_periods(district, definition, area_level)
        if period not in available:
            return _bad_request(unavailable_message(available))
    book, day = atlas_book(district, definition, area_level, period, public=public)
    stem = f"{district.slug}-{definition.code}-{area_level}-{day.isoformat() if day else 'ohne-stichtag'}"
    return _file(book, fmt, stem)


def _overview(district: District, level: str, fmt: str, *, public: bool) -> HttpResponse:
    _format(fmt)
    area_level = _page_level(level)
    if area_level is None:
        return _bad_request(_level_message(level))
    return _file(overview_book(district, area_level, public=public), fmt, f"{district.slug}-uebersicht-{area_level}")


def _profile(district: District, key: str, fmt: str, *, public: bool) -> HttpResponse:
    _format(fmt)
    area = area_by_key(district, key) if len(key) <= MAX_KEY_LENGTH else None
    if area is None or area.level == "land":  # as the profile page: no profile of the Land
        raise Http404
    return _file(profile_book(district, area, public=public), fmt, f"{district.slug}-profil-{area.key}")


# --- public ------------------------------------------------------------------------------------


@require_safe
def public_atlas(request: HttpRequest, district: str, code: str, level: str, fmt: str) -> HttpResponse:
    return _atlas(request, get_scope(request, district, public=True).district, code, level, fmt, public=True)


@require_safe
def public_overview(request: HttpRequest, district: str, level: str, fmt: str) -> HttpResponse:
    return _overview(get_scope(request, district, public=True).district, level, fmt, public=True)


@require_safe
def public_profile(request: HttpRequest, district: str, key: str, fmt: str) -> HttpResponse:
    return _profile(get_scope(request, district, public=True).district, key, fmt, public=True)


# --- planner: the access rule of the planner pages ------------------------------------------------


@login_required
@require_safe
def planner_atlas(request: HttpRequest, district: str, code: str, level: str, fmt: str) -> HttpResponse:
    return _atlas(request, get_scope(request, district, public=False).district, code, level, fmt, public=False)


@login_required
@require_safe
def planner_overview(request: HttpRequest, district: str, level: str, fmt: str) -> HttpResponse:
    return _overview(get_scope(request, district, public=False).district, level, fmt, public=False)


@login_required
@require_safe
def planner_profile(request: HttpRequest, district: str, key: str, fmt: str) -> HttpResponse:
    return _profile(get_scope(request, district, public=False).district, key, fmt, public=False)
