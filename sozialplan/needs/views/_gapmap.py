"""The small map of a gap: its area, the demand points there and the nearest offers of its category.

Computed from the district's current run; when that run does not cover the
gap's category (the gap is no longer computed) the map shows the area only.
"""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _

from sozialplan.needs.exports import AreaShapes, gap_geometry
from sozialplan.needs.models import AnalysisRun, Gap
from sozialplan.needs.results import categories, category_result
from sozialplan.needs.views._common import BOUNDARY_ATTRIBUTION, OFFERS_ATTRIBUTION
from sozialplan.needs.views._display import GAP_OUTLINE
from sozialplan.needs.views._map import demand_features, offer_features
from sozialplan.regions.models import District

#: How many offers the gap map shows: the nearest to the area's centre.
NEAREST_OFFERS = 5
EARTH_RADIUS_M = 6_371_008.8


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine, mean earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _centre(geometry: dict[str, Any] | None, gap: Gap) -> tuple[float, float] | None:
    region = gap.region
    if region is not None and region.longitude is not None and region.latitude is not None:
        return float(region.longitude), float(region.latitude)
    if geometry is None:
        return None
    from shapely.geometry import shape

    point = shape(geometry).representative_point()
    return float(point.x), float(point.y)


def gap_map(district: District, gap: Gap, run: AnalysisRun | None) -> dict[str, Any]:
    """FeatureCollection (layers as on the Handlungsfeld map): the gap's area, its demand points, nearest offers."""
    geometry = gap_geometry(gap, AreaShapes.of(district))
    features: list[dict[str, Any]] = []
    if geometry is not None:
        features.append(
            {
                "type": "Feature",
                "id": gap.area_key,
                "geometry": geometry,
                "properties": {
                    "layer": "area",
                    "key": gap.area_key,
                    "name": gap.area_name,
                    "colour": "#ffffff",
                    "outline": GAP_OUTLINE,
                    "gap": True,
                    "url": "",
                    "tooltip": _("%(name)s: Gebiet der Lücke") % {"name": gap.area_name},
                },
            }
        )
    covered = run is not None and any(
        af.pk == gap.action_field_id and tg.pk == gap.target_group_id for af, tg in categories(run)
    )
    if run is not None and covered:
        result = category_result(run, gap.action_field.code, gap.target_group.code, gap.mode)
        if gap.region is not None:
            features += demand_features([p for p in result.points if p.gemeinde_key == gap.area_key], result.thresholds)
        centre = _centre(geometry, gap)
        supply = list(result.supply)
        if centre is not None:
            supply.sort(key=lambda s: distance_m(centre[0], centre[1], s.lon, s.lat))
        features += offer_features(district, supply[:NEAREST_OFFERS])
    return {
        "type": "FeatureCollection",
        "features": features,
        "attribution": [BOUNDARY_ATTRIBUTION, OFFERS_ATTRIBUTION],
        "method": gap.method_note,
    }
