"""One Handlungsfeld: reachability and coverage per Gemeinde for a Zielgruppe, map, gaps, exports.

``hf/<code>/?zielgruppe=<code>&art=<code>&verkehrsmittel=walk|car``: the
selectors (default: the first Zielgruppe computed for the Handlungsfeld, all
offer types, by car), the map (``karte.geojson`` with the same query), the
table of Gemeinden ranked by the share of the Zielgruppe reaching an offer
within the first threshold (worst first), then Planungsräume and the Kreis,
and the Handlungsfeld's gaps by severity. ``erreichbarkeit.csv`` and
``.geojson`` export the table with the method note in every row.

When no offer of the selection has a positioned site (a Zielgruppe served
only by district-wide offers, or an Angebotsart filter that leaves none),
every share would be 0 %: the page shows a notice naming the offers without
a position (:mod:`._unplaced`) instead of the map and the table, and the
exports leave the shares empty with a "Hinweis".

A bad selection shows the form with a German error and status 400; the map
data and the exports answer 404 instead. An unknown Handlungsfeld is 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sozialplan.catalog.models import ActionField
from sozialplan.indicators.spreadsheet import to_csv
from sozialplan.needs import exports
from sozialplan.needs.categories import DEMAND_GROUPS
from sozialplan.needs.forms import CategoryForm
from sozialplan.needs.models import AnalysisRun, AreaLevel, Gap, GapStatus, Mode
from sozialplan.needs.results import CategoryResult, categories, category_result, offer_types
from sozialplan.needs.views._common import (
    GEOJSON,
    gap_url,
    needs_district,
    page_context,
    run_state,
)
from sozialplan.needs.views._display import (
    area_line,
    gap_line,
    share_legend,
    time_legend,
    worst_first,
)
from sozialplan.needs.views._map import category_features
from sozialplan.needs.views._unplaced import no_supply, unplaced_offers
from sozialplan.regions.models import District

QUERY_NAMES = ("zielgruppe", "art", "verkehrsmittel")
#: Gaps listed on a Handlungsfeld page (the register lists all of them).
FIELD_GAPS = 20


@dataclass(frozen=True)
class Selection:
    """The bound selector form of a Handlungsfeld page and, when valid, the computed category."""

    form: CategoryForm
    result: CategoryResult | None
    type_names: dict[str, str]

    @property
    def query(self) -> dict[str, str]:
        if self.result is None:
            return {}
        query = {"zielgruppe": self.result.target_group.code, "verkehrsmittel": self.result.mode}
        if self.result.offer_type:
            query["art"] = self.result.offer_type
        return query


def targets_of(run: AnalysisRun, action_field: ActionField) -> list[tuple[str, str]]:
    """(code, name) of the Zielgruppen the run computed for the Handlungsfeld, in catalogue order."""
    return [(tg.code, tg.name) for af, tg in categories(run) if af.code == action_field.code]


def select(request: HttpRequest, run: AnalysisRun, action_field: ActionField) -> Selection:
    given = {name: request.GET.get(name, "") for name in QUERY_NAMES}
    types = offer_types(run, action_field.code)
    form = CategoryForm({k: v for k, v in given.items() if v}, targets=targets_of(run, action_field), offer_types=types)
    if not form.is_valid():
        return Selection(form, None, dict(types))
    data = form.cleaned_data
    result = category_result(run, action_field.code, data["zielgruppe"], data["verkehrsmittel"], data["art"] or None)
    return Selection(form, result, dict(types))


def _action_field(code: int) -> ActionField:
    return get_object_or_404(ActionField, code=code)


def _url(district: District, name: str, code: int, query: dict[str, str]) -> str:
    path = reverse(f"needs:{name}", kwargs={"district": district.slug, "code": code})
    return f"{path}?{urlencode(query)}" if query else path


def _category_gaps(district: District, result: CategoryResult) -> dict[str, str]:
    """Area key → URL of the current, not dismissed gap of exactly this category and mode."""
    gaps = (
        Gap.objects.for_district(district)
        .current()
        .filter(action_field=result.action_field, target_group=result.target_group, mode=result.mode)
        .exclude(status=GapStatus.DISMISSED)
        .order_by("severity")  # the most severe of a Gemeinde's gaps (reach, coverage) wins
    )
    return {g.area_key: gap_url(district, g.pk) for g in gaps}


def result_context(district: District, code: int, selection: Selection) -> dict[str, Any]:
    result = selection.result
    assert result is not None
    thresholds = list(result.thresholds)
    gap_links = _category_gaps(district, result)
    gemeinden = [r for r in result.areas if r.level == AreaLevel.GEMEINDE]
    others = [r for r in result.areas if r.level != AreaLevel.GEMEINDE]
    query = selection.query
    kreis = next((r for r in result.areas if r.level == AreaLevel.KREIS), None)
    kreis_line = area_line(kreis, thresholds) if kreis is not None else None
    offer_type_name = selection.type_names.get(result.offer_type, "") if result.offer_type else ""
    all_types_query = {k: v for k, v in query.items() if k != "art"}
    return {
        "result": result,
        "thresholds": thresholds,
        "first_threshold": thresholds[0] if thresholds else None,
        "rows": [area_line(r, thresholds, gap_links.get(r.key)) for r in worst_first(gemeinden, thresholds)],
        "reference_rows": [area_line(r, thresholds, gap_links.get(r.key)) for r in others],
        "kreis": kreis_line,
        "kreis_shares": list(zip(thresholds, kreis_line.shares, strict=True)) if kreis_line else [],
        "mode_label": Mode(result.mode).label,
        "proxy_note": _(group.proxy_note)
        if (group := DEMAND_GROUPS.get(result.target_group.code)) and group.proxy_note
        else "",
        "offer_type_name": offer_type_name,
        # No offer at a positioned site: no map, no shares (they would all be 0), a notice instead.
        "no_supply": no_supply(result, offer_type_name),
        "unplaced": unplaced_offers(district, result),
        "all_types_url": _url(district, "field", code, all_types_query) if result.offer_type else "",
        "share_legend": share_legend(),
        "time_legend": time_legend(thresholds),
        "map_url": _url(district, "field_map", code, query),
        "downloads": [
            ("CSV", _url(district, "field_csv", code, query)),
            ("GeoJSON", _url(district, "field_geojson", code, query)),
        ],
        "approximate_offers": sum(1 for s in result.supply if s.approximate),
    }


@require_safe
def field_page(request: HttpRequest, district: str, code: int) -> HttpResponse:
    d = needs_district(request, district)
    action_field = _action_field(code)
    state = run_state(d)
    gaps = (
        Gap.objects.for_district(d)
        .current()
        .filter(action_field=action_field)
        .exclude(status=GapStatus.DISMISSED)
        .select_related("action_field", "target_group")
        .ranked()
    )
    context = page_context(
        request,
        d,
        action_field=action_field,
        action_fields=ActionField.objects.order_by("code"),
        run=state.current,
        state=state,
        field_gaps=[gap_line(g, gap_url(d, g.pk)) for g in gaps[:FIELD_GAPS]],
        field_gap_count=gaps.count(),
        register_url=f"{reverse('needs:gap_list', kwargs={'district': d.slug})}?hf={action_field.code}",
    )
    if state.current is None:
        return render(request, "needs/field.html", context)
    selection = select(request, state.current, action_field)
    context["form"] = selection.form
    context["has_targets"] = bool(targets_of(state.current, action_field))
    if selection.result is None:
        status = 400 if context["has_targets"] else 200
        return render(request, "needs/field.html", context, status=status)
    context.update(result_context(d, code, selection))
    return render(request, "needs/field.html", context)


def _valid_result(request: HttpRequest, district: District, code: int) -> CategoryResult:
    """The category of the query for the current run; 404 for anything invalid or without a run."""
    action_field = _action_field(code)
    run = run_state(district).current
    if run is None:
        raise Http404
    selection = select(request, run, action_field)
    if selection.result is None:
        raise Http404
    return selection.result


@require_safe
def field_map(request: HttpRequest, district: str, code: int) -> JsonResponse:
    """The map of the page: Gemeinden (share, gap), demand points (time to the nearest offer), offers."""
    d = needs_district(request, district)
    result = _valid_result(request, d, code)
    collection = category_features(d, result, _category_gaps(d, result))
    return JsonResponse(collection, content_type=GEOJSON)


def _stem(result: CategoryResult) -> str:
    parts = ["erreichbarkeit", f"hf{result.action_field.code}", result.target_group.code, result.mode]
    if result.offer_type:
        parts.append(result.offer_type)
    return "-".join(parts)


@require_safe
def field_csv(request: HttpRequest, district: str, code: int) -> HttpResponse:
    d = needs_district(request, district)
    result = _valid_result(request, d, code)
    response = HttpResponse(to_csv(exports.reach_sheet(result)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_stem(result)}.csv"'
    return response


@require_safe
def field_geojson(request: HttpRequest, district: str, code: int) -> JsonResponse:
    d = needs_district(request, district)
    result = _valid_result(request, d, code)
    response = JsonResponse(exports.reach_features(d, result), content_type=GEOJSON)
    response["Content-Disposition"] = f'attachment; filename="{_stem(result)}.geojson"'
    return response
