"""GeoJSON for the maps (``static/js/map.js``): Gemeinde boundaries and offer points.

Coordinates are WGS84 longitude/latitude (RFC 7946). Boundaries are the
Gemeinden's stored geometries (VG5000, generalised); points are the active
Standorte of published offers that have a position. Offers without a
Standort (district-wide services) are not points: the list names them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from sozialplan.offerings.models import Offering, PositionPrecision
from sozialplan.regions.models import District

Feature = dict[str, Any]
FeatureCollection = dict[str, Any]


def _geometry(boundary: Any) -> dict[str, Any] | None:
    """The GeoJSON geometry stored in ``Region.boundary`` (a geometry or a Feature)."""
    if not isinstance(boundary, dict):
        return None
    if boundary.get("type") == "Feature":
        geometry = boundary.get("geometry")
        return geometry if isinstance(geometry, dict) else None
    return boundary if "coordinates" in boundary or "geometries" in boundary else None


def gemeinden_collection(districts: Iterable[District]) -> FeatureCollection:
    """The valid Gemeinden of ``districts`` with a boundary: properties ``ags``, ``name``, ``population``."""
    features: list[Feature] = []
    for district in districts:
        gemeinden = district.gemeinden().filter(boundary__isnull=False).only("key", "name", "population", "boundary")
        for gemeinde in gemeinden:
            geometry = _geometry(gemeinde.boundary)
            if geometry is None:
                continue
            features.append(
                {
                    "type": "Feature",
                    "id": gemeinde.key,
                    "geometry": geometry,
                    "properties": {
                        "ags": gemeinde.key,
                        "name": gemeinde.name,
                        "population": gemeinde.population,
                        "kreis": district.slug,
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}


def offer_points(offers: QuerySet[Offering]) -> FeatureCollection:
    """One point per (offer, active positioned Standort) of ``offers``, in one query.

    Properties: ``name`` and ``url`` of the offer, ``site`` and ``place`` (town
    or Gemeinde) of the Standort, ``approximate`` (position is the Gemeinde centre).
    """
    rows = (
        Offering.sites.through.objects.filter(
            offering__in=offers.values("pk"),
            site__retired_at__isnull=True,
            site__latitude__isnull=False,
            site__longitude__isnull=False,
        )
        .order_by("offering__name", "site__name")
        .values_list(
            "offering__uuid",
            "offering__name",
            "site__name",
            "site__town",
            "site__gemeinde__name",
            "site__latitude",
            "site__longitude",
            "site__position_precision",
        )
    )
    features = []
    for uuid, name, site_name, town, gemeinde_name, lat, lon, precision in rows:
        if lat is None or lon is None:  # excluded by the query; keeps the types honest
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                "properties": {
                    "name": name,
                    "url": reverse("portal:offer_detail", args=[uuid]),
                    "site": site_name,
                    "place": town or gemeinde_name or "",
                    "approximate": precision != PositionPrecision.EXACT,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
