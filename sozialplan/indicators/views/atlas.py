"""Indicator atlas: one indicator for all Gemeinden or Planungsräume as map, table and bar chart.

``?indikator=<code>&ebene=gemeinde|planungsraum&stichtag=YYYY-MM-DD&klassen=quantile|natural|equal&anzahl=3..7``.
Every parameter is optional (first catalogue indicator, Gemeinden, the
Stichtag covering the most areas, quantiles, 5 classes). A bad value shows
the form with a German error and status 400; the GeoJSON endpoint answers
404 instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from sozialplan.indicators.catalogue import get_indicator, load_catalogue
from sozialplan.indicators.compute import AreaLevel
from sozialplan.indicators.views._atlas import (
    CLASS_COUNTS,
    CLASSIFICATIONS,
    LEVEL_PLURALS,
    AtlasParams,
    build_atlas,
    feature_collection,
    unavailable_message,
)
from sozialplan.indicators.views._common import (
    BOUNDARY_ATTRIBUTION,
    Scope,
    download_links,
    get_scope,
    page_context,
)

GEOJSON = "application/geo+json"
DEFAULTS = {"ebene": "gemeinde", "klassen": "quantile", "anzahl": "5"}


def indicator_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The catalogue as ``<optgroup>`` choices by topic, in catalogue order."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for definition in load_catalogue():
        groups.setdefault(definition.topic or _("Weitere"), []).append((definition.code, definition.name))
    return list(groups.items())


class AtlasForm(forms.Form):
    """The atlas's GET parameters (German names, as in the URL)."""

    indikator = forms.ChoiceField(label=gettext_lazy("Kennzahl"))
    ebene = forms.ChoiceField(
        label=gettext_lazy("Gebiete"),
        choices=[("gemeinde", gettext_lazy("Gemeinden")), ("planungsraum", gettext_lazy("Planungsräume"))],
    )
    stichtag = forms.DateField(label=gettext_lazy("Stichtag"), required=False, input_formats=["%Y-%m-%d"])
    klassen = forms.ChoiceField(
        label=gettext_lazy("Klassenbildung"), choices=[(k, label) for k, (label, _help, _f) in CLASSIFICATIONS.items()]
    )
    anzahl = forms.TypedChoiceField(
        label=gettext_lazy("Zahl der Klassen"), coerce=int, choices=[(str(n), str(n)) for n in CLASS_COUNTS]
    )

    def __init__(self, data: dict[str, str]) -> None:
        super().__init__(data)
        self.fields["indikator"].choices = indicator_choices()  # type: ignore[attr-defined]
        self.fields["stichtag"].error_messages["invalid"] = _("Bitte einen Stichtag im Format JJJJ-MM-TT angeben.")

    def params(self) -> AtlasParams:
        definition = get_indicator(self.cleaned_data["indikator"])
        assert definition is not None  # a valid choice is a catalogue code
        level: AreaLevel = self.cleaned_data["ebene"]
        return AtlasParams(
            definition=definition,
            level=level,
            period=self.cleaned_data["stichtag"],
            method=self.cleaned_data["klassen"],
            classes=self.cleaned_data["anzahl"],
        )


def given(request: HttpRequest, names: Iterable[str]) -> dict[str, str]:
    """The non-empty query parameters of these names (the last one where a name repeats)."""
    found = {name: request.GET.get(name) for name in names}
    return {name: value for name, value in found.items() if value}


def bind_form(request: HttpRequest) -> AtlasForm:
    """The form bound to the query string, missing parameters filled with the defaults."""
    first = load_catalogue()[0].code
    data = {**DEFAULTS, "indikator": first}
    return AtlasForm(data | given(request, AtlasForm.base_fields))


def _query(params: AtlasParams, period: dt.date | None) -> dict[str, str]:
    query = {"indikator": params.definition.code, "ebene": params.level, "klassen": params.method}
    query["anzahl"] = str(params.classes)
    if period is not None:
        query["stichtag"] = period.isoformat()
    return query


@require_safe
def atlas(request: HttpRequest, district: str, *, public: bool) -> HttpResponse:
    scope = get_scope(request, district, public=public)
    form = bind_form(request)
    context: dict[str, Any] = {"form": form, "indicator_groups": indicator_choices(), "levels": LEVEL_PLURALS}
    context["methods"] = [(k, label, help_text) for k, (label, help_text, _f) in CLASSIFICATIONS.items()]
    context["counts"] = CLASS_COUNTS
    if not form.is_valid():
        return render(request, "indicators/atlas.html", page_context(request, scope, **context), status=400)
    params = form.params()
    result = build_atlas(scope, params)
    if params.period is not None and params.period not in result.periods:
        form.add_error("stichtag", unavailable_message(result.periods))
        context["periods"] = result.periods
        return render(request, "indicators/atlas.html", page_context(request, scope, **context), status=400)
    query = _query(params, params.period)
    context.update(
        result=result,
        params=params,
        selected=form.cleaned_data,
        periods=result.periods,
        geojson_url=scope.url("atlas_geojson", query=query),
        boundary_attribution=BOUNDARY_ATTRIBUTION,
        map_tile_url=settings.MAP_TILE_URL,
        map_tile_attribution=settings.MAP_TILE_ATTRIBUTION,
        downloads=download_links(
            scope,
            "atlas",
            {"stichtag": params.period.isoformat()} if params.period else None,
            code=params.definition.code,
            level=params.level,
        ),
    )
    return render(request, "indicators/atlas.html", page_context(request, scope, **context))


@require_safe
def atlas_geojson(request: HttpRequest, district: str, *, public: bool) -> JsonResponse:
    """The map data of the atlas page with the same parameters; 404 for any invalid parameter."""
    scope: Scope = get_scope(request, district, public=public)
    form = bind_form(request)
    if not form.is_valid():
        raise Http404
    params = form.params()
    result = build_atlas(scope, params)
    if params.period is not None and params.period not in result.periods:
        raise Http404
    collection = feature_collection(result)
    collection["attribution"] = [BOUNDARY_ATTRIBUTION]
    return JsonResponse(collection, content_type=GEOJSON)
