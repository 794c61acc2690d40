"""Area profile: key numbers with benchmarks (spine chart), time series, age pyramid, projection, sources.

For every Gemeinde (AGS), Planungsraum (``pr<pk>``) and the Kreis of the
district; any other key (the Land, another district's Gemeinde, garbage) is 404.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sozialplan.indicators import areas as lookup
from sozialplan.indicators.catalogue import IndicatorDefinition, load_catalogue
from sozialplan.indicators.compute import LEVEL_LABELS, Area, profile
from sozialplan.indicators.views._common import Scope, download_links, get_scope, method_notes, page_context
from sozialplan.indicators.views._profile import (
    age_pyramid,
    german_date,
    horizon,
    projection_chart,
    series_charts,
    spine_chart,
)
from sozialplan.regions.models import PlanningArea, Region

MAX_KEY_LENGTH = 20


def related_areas(scope: Scope, area: Area) -> list[tuple[str, list[tuple[str, str]]]]:
    """(heading, [(name, profile URL)]) of the areas linked from the profile."""
    district = scope.district
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    if area.level == "gemeinde":
        rooms = PlanningArea.objects.filter(district=district, gemeinden=area.region_id).order_by("name")
        groups.append(
            (_("Planungsräume mit dieser Gemeinde"), [(r.name, scope.profile_url(f"pr{r.pk}")) for r in rooms])
        )
    elif area.level == "planungsraum":
        members = Region.objects.filter(pk__in=area.gemeinde_ids).order_by("name").only("key", "name")
        groups.append((_("Gemeinden des Planungsraums"), [(g.name, scope.profile_url(g.key)) for g in members]))
    else:
        gemeinden = [(a.name, scope.profile_url(a.key)) for a in lookup.gemeinde_areas(district)]
        groups.append((_("Gemeinden"), gemeinden))
        groups.append(
            (_("Planungsräume"), [(a.name, scope.profile_url(a.key)) for a in lookup.planning_areas(district)])
        )
    return groups


@require_safe
def profile_page(request: HttpRequest, district: str, key: str, *, public: bool) -> HttpResponse:
    scope = get_scope(request, district, public=public)
    area = lookup.area_by_key(scope.district, key) if len(key) <= MAX_KEY_LENGTH else None
    if area is None or area.level == "land":
        raise Http404
    data = profile(scope.district, area, public=scope.public)
    definitions = {d.code: d for d in load_catalogue()}
    numbers = [(d, cell) for d, cell in data.key_numbers if isinstance(d, IndicatorDefinition)]
    sources = sorted({s for _d, cell in numbers for s in cell.value.sources} | set(data.age_sources))
    context: dict[str, Any] = {
        "area": area,
        "level_label": LEVEL_LABELS.get(area.level, ""),
        "data": data,
        "numbers": numbers,
        "spine": spine_chart(scope, area, data),
        "series_charts": series_charts(data, definitions),
        "pyramid": age_pyramid(area, data),
        "age_estimate": any(b.estimate for b in data.age_bands),
        "age_suppressed": any(b.suppressed for b in data.age_bands),
        "age_day": german_date(data.age_period),
        "projection": projection_chart(area, data),
        "horizon": horizon(data),
        "missing": [(d, reason) for d, reason in data.missing if isinstance(d, IndicatorDefinition)],
        "related": related_areas(scope, area),
        "sources": sources,
        "methods": method_notes(sources),
        "estimate": any(cell.value.estimate for _d, cell in numbers),
        "modelled": any(cell.vs_kreis_modelled or cell.vs_land_modelled for _d, cell in numbers),
        "suppressed": any(cell.value.suppressed for _d, cell in numbers),
        "downloads": download_links(scope, "profile", key=area.key),
    }
    return render(request, "indicators/profile.html", page_context(request, scope, **context))
