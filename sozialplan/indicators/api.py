"""The public indicator API under ``/api/indikatoren/``: read-only JSON, small numbers suppressed.

* ``GET /api/indikatoren/`` → the catalogue: every indicator's code, name,
  unit, polarity, kind, definition, description, Handlungsfelder and
  Zielgruppen.
* ``GET /api/indikatoren/<code>/?kreis=16069&ebene=gemeinde&stichtag=2022-05-15``
  → the indicator for every area of the level (``gemeinde``, ``planungsraum``,
  ``kreis``, ``land``) of a hosted Kreis at the Stichtag (default: the one
  covering the most areas, see :func:`~sozialplan.indicators.compute.compute`),
  each with its 95 % interval, statistical symbol, comparison with Kreis and
  Land, sources, and why it is missing where it is. Estimates and
  projections have no interval; a comparison involving one is by point value
  only (``vs_kreis_modelled``/``vs_land_modelled`` true, no significance).

Everyone gets the same answer (the public view: counts below
``SMALL_NUMBER_THRESHOLD`` suppressed). Bad parameters give 400, an unknown
indicator or Kreis 404, other methods 405; every error is JSON with a German
``detail``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from sozialplan.indicators.areas import areas_for, kreis_area, land_area
from sozialplan.indicators.catalogue import IndicatorDefinition, get_indicator, load_catalogue
from sozialplan.indicators.compute import LEVEL_LABELS, Area, IndicatorValue, benchmarked
from sozialplan.indicators.compute import periods as indicator_periods
from sozialplan.indicators.display import comparison_label
from sozialplan.indicators.params import BadParameterError, kreis_param, level_param, period_param
from sozialplan.indicators.store import ObservationStore
from sozialplan.regions.models import District

View = Callable[..., JsonResponse]


def json_response(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def error(status: int, detail: str, parameter: str = "") -> JsonResponse:
    body = {"detail": detail}
    if parameter:
        body["parameter"] = parameter
    return json_response(body, status=status)


def api_view(view: View) -> View:
    """GET/HEAD only (else 405); a :class:`BadParameterError` becomes 400."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        if request.method not in ("GET", "HEAD"):
            response = error(405, _("Diese Schnittstelle kann nur gelesen werden (GET)."))
            response["Allow"] = "GET, HEAD"
            return response
        try:
            return view(request, *args, **kwargs)
        except BadParameterError as problem:
            return error(400, str(problem), problem.name)

    return wrapper


def definition_json(definition: IndicatorDefinition) -> dict[str, Any]:
    return {
        "code": definition.code,
        "name": definition.name,
        "short_name": definition.short_name,
        "unit": definition.unit,
        "decimals": definition.decimals,
        "polarity": definition.polarity,
        "polarity_label": definition.polarity_label,
        "kind": definition.kind,
        "definition": definition.definition,
        "description": definition.description,
        "numerator": definition.numerator,
        "denominator": definition.denominator,
        "multiplier": definition.multiplier,
        "handlungsfelder": list(definition.handlungsfelder),
        "zielgruppen": list(definition.zielgruppen),
        "data_hint": definition.data_hint,
    }


def value_json(value: IndicatorValue, area: Area | None) -> dict[str, Any]:
    """One value as JSON: numbers as numbers (``null`` when unknown or suppressed)."""
    return {
        "area_key": value.area_key,
        "name": area.name if area is not None else "",
        "level": area.level if area is not None else "",
        "period": value.period.isoformat() if value.period else None,
        "value": value.value,
        "lower": value.lower,
        "upper": value.upper,
        "numerator": value.numerator,
        "denominator": value.denominator,
        "flag": value.flag,
        "flag_meaning": value.flag_meaning,
        "estimate": value.estimate,
        "projected": value.projected,
        "suppressed": value.suppressed,
        "missing": value.missing,
        "sources": list(value.sources),
    }


@api_view
def catalogue(_request: HttpRequest) -> JsonResponse:
    """``/api/indikatoren/``: the indicator catalogue."""
    return json_response({"indicators": [definition_json(d) for d in load_catalogue()]})


@api_view
def indicator(request: HttpRequest, code: str) -> JsonResponse:
    """``/api/indikatoren/<code>/``: the indicator for the areas of one level of a hosted Kreis."""
    definition = get_indicator(code)
    if definition is None:
        return error(404, _("Die Kennzahl „%(code)s“ gibt es nicht.") % {"code": code[:60]})
    kreis_key = kreis_param(request.GET)
    level = level_param(request.GET)
    period = period_param(request.GET)
    district = District.objects.select_related("region").filter(region__key=kreis_key).first()
    if district is None:
        return error(404, _("Der Kreis %(key)s wird hier nicht geführt.") % {"key": kreis_key})
    areas = areas_for(district, level)
    store = ObservationStore.for_areas([*areas, kreis_area(district), land_area(district)])
    cells = benchmarked(definition, areas, district, period, public=True, store=store)
    first = cells[0] if cells else None
    values = []
    for area, cell in zip(areas, cells, strict=True):
        item = value_json(cell.value, area)
        item["vs_kreis"] = cell.vs_kreis
        item["vs_kreis_label"] = comparison_label(cell.vs_kreis, modelled=cell.vs_kreis_modelled)
        item["vs_kreis_modelled"] = cell.vs_kreis_modelled
        item["vs_land"] = cell.vs_land
        item["vs_land_label"] = comparison_label(cell.vs_land, modelled=cell.vs_land_modelled)
        item["vs_land_modelled"] = cell.vs_land_modelled
        values.append(item)
    used = period or (first.value.period if first else None)
    return json_response(
        {
            "indicator": definition_json(definition),
            "kreis": {"key": district.region.key, "name": district.name},
            "level": level,
            "level_label": LEVEL_LABELS[level],
            "period": used.isoformat() if used else None,
            "periods": [p.isoformat() for p in indicator_periods(definition, areas, store)],
            "values": values,
            "comparators": {
                "kreis": value_json(first.kreis, None) if first and first.kreis else None,
                "land": value_json(first.land, None) if first and first.land else None,
            },
            "suppression_threshold": settings.SMALL_NUMBER_THRESHOLD,
        }
    )
