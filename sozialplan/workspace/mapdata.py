"""GeoJSON of a district's Gemeinden for the workspace maps (static/js/workspace-map.js).

Each feature is a Gemeinde with its real boundary (``Region.boundary``, WGS84)
and the properties the map shows: name, AGS, the number of published offers
with a Standort there, the link to those offers, and the Planungsräume the
Gemeinde belongs to. Gemeinden without a boundary are left out. The foreign
member ``attribution`` lists the boundaries' sources (licence attribution).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.urls import reverse

from sozialplan.regions.models import District, PlanningArea, Region
from sozialplan.workspace.stats import offerings_matrix


def gemeinden_geojson(district: District) -> dict[str, Any]:
    matrix = offerings_matrix(district)
    areas: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for area in PlanningArea.objects.filter(district=district).prefetch_related("gemeinden").order_by("name"):
        for gemeinde in area.gemeinden.all():
            areas[gemeinde.pk].append({"id": area.pk, "name": area.name})
    list_url = reverse("workspace:offering_list", kwargs={"district": district.slug})
    features = []
    for row in matrix.row_keys:
        if not isinstance(row, Region) or not row.boundary:
            continue
        features.append(
            {
                "type": "Feature",
                "id": row.pk,
                "geometry": row.boundary,
                "properties": {
                    "id": row.pk,
                    "key": row.key,
                    "name": row.name,
                    "offers": matrix.row_totals.get(row, 0),
                    "url": f"{list_url}?gemeinde={row.key}",
                    "areas": areas.get(row.pk, []),
                },
            }
        )
    sources = sorted(
        {row.boundary_source for row in matrix.row_keys if isinstance(row, Region) and row.boundary_source}
    )
    return {"type": "FeatureCollection", "features": features, "attribution": sources}
