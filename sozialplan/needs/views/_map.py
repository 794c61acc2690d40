"""GeoJSON of the Handlungsfeld map (``static/js/needs-map.js``) and the gap detail map.

Each feature has ``properties.layer``: ``"area"`` (a Gemeinde polygon with
its share within the first threshold, class colour and whether it has a gap
of this category), ``"demand"`` (a demand point coloured by the time to its
nearest offer) or ``"offer"`` (a site of a matching offer; ``approximate``:
the position is only the Gemeinde centre). ``tooltip`` is German text,
inserted by the script as text, never as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sozialplan.needs.models import AreaLevel
from sozialplan.needs.results import CategoryResult, PointResult, SupplyPoint
from sozialplan.needs.views._common import BOUNDARY_ATTRIBUTION, OFFERS_ATTRIBUTION, km, minutes, percent, persons
from sozialplan.needs.views._display import TIME_COLOURS, share_colour, time_class
from sozialplan.regions.models import District

Feature = dict[str, Any]


def gemeinde_boundaries(district: District, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Boundary (GeoJSON geometry, WGS84) per Gemeinde key of the district; Gemeinden without one are left out."""
    wanted = set(keys)
    rows = district.gemeinden().filter(key__in=wanted, boundary__isnull=False).values_list("key", "boundary")
    return {key: dict(boundary) for key, boundary in rows if boundary}


def _point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}


def area_features(district: District, result: CategoryResult, gap_links: Mapping[str, str]) -> list[Feature]:
    first = result.thresholds[0] if result.thresholds else None
    rows = [r for r in result.areas if r.level == AreaLevel.GEMEINDE]
    shapes = gemeinde_boundaries(district, (r.key for r in rows))
    features = []
    for row in rows:
        geometry = shapes.get(row.key)
        if geometry is None:
            continue
        share = row.shares.get(first) if first is not None else None
        tooltip = _(
            "%(name)s: %(share)s der Zielgruppe (%(population)s Personen) erreichen in %(minutes)s Minuten ein Angebot"
        ) % {
            "name": row.name,
            "share": percent(share),
            "population": persons(row.population),
            "minutes": first if first is not None else "–",
        }
        gap = gap_links.get(row.key)
        if gap:
            tooltip += " – " + _("Lücke")
        features.append(
            {
                "type": "Feature",
                "id": row.key,
                "geometry": geometry,
                "properties": {
                    "layer": "area",
                    "key": row.key,
                    "name": row.name,
                    "share": share,
                    "colour": share_colour(share),
                    "gap": bool(gap),
                    "url": gap or "",
                    "tooltip": tooltip,
                },
            }
        )
    return features


def demand_features(points: Iterable[PointResult], thresholds: tuple[int, ...]) -> list[Feature]:
    features = []
    for point in points:
        if point.population <= 0:
            continue
        if point.nearest_min is None:
            reach = _("kein Angebot erreichbar")
        else:
            reach = _("nächstes Angebot %(minutes)s (%(km)s)") % {
                "minutes": minutes(point.nearest_min),
                "km": km(point.nearest_m),
            }
        within = "; ".join(
            ngettext("%(count)s Angebot in %(minutes)s Minuten", "%(count)s Angebote in %(minutes)s Minuten", count)
            % {"count": count, "minutes": t}
            for t in thresholds
            if (count := point.counts.get(t)) is not None
        )
        tooltip = _("%(gemeinde)s: %(population)s Personen der Zielgruppe; %(reach)s") % {
            "gemeinde": point.gemeinde_name,
            "population": persons(point.population),
            "reach": reach,
        }
        if within:
            tooltip = f"{tooltip}; {within}"
        features.append(
            {
                "type": "Feature",
                "id": point.point_id,
                "geometry": _point(point.lon, point.lat),
                "properties": {
                    "layer": "demand",
                    "nearest_min": point.nearest_min,
                    "colour": TIME_COLOURS[time_class(point.nearest_min, thresholds)],
                    "tooltip": tooltip,
                },
            }
        )
    return features


def offer_features(district: District, supply: Iterable[SupplyPoint]) -> list[Feature]:
    features = []
    for site in supply:
        url = reverse("workspace:offering_detail", kwargs={"district": district.slug, "uuid": site.offering_uuid})
        kind = site.offer_type_name or site.offer_type
        label = f"{site.offering_name} ({kind})" if kind else site.offering_name
        if site.site_name and site.site_name != site.offering_name:
            label += f", {site.site_name}"
        if site.approximate:
            label += " – " + _("Lage ungefähr (Ortsmitte)")
        features.append(
            {
                "type": "Feature",
                "id": f"site-{site.site_id}-{site.offering_id}",
                "geometry": _point(site.lon, site.lat),
                "properties": {
                    "layer": "offer",
                    "name": site.offering_name,
                    "site": site.site_name,
                    "offer_type": kind,
                    "approximate": site.approximate,
                    "url": url,
                    "tooltip": label,
                },
            }
        )
    return features


def category_features(district: District, result: CategoryResult, gap_links: Mapping[str, str]) -> dict[str, Any]:
    """The whole map of a Handlungsfeld page: areas, then demand points, then offers."""
    features = [
        *area_features(district, result, gap_links),
        *demand_features(result.points, result.thresholds),
        *offer_features(district, result.supply),
    ]
    return {
        "type": "FeatureCollection",
        "features": features,
        "attribution": [BOUNDARY_ATTRIBUTION, OFFERS_ATTRIBUTION],
        "method": result.method_note,
    }
