"""Where a Standort lies: its Gemeinde by point in polygon, or the Gemeinde's centre.

Coordinates are WGS84 decimal degrees. With coordinates, the Gemeinde is the
district Gemeinde whose boundary (``Region.boundary``) covers the point, and the
position is exact; a point outside every boundary of the district is refused.
Without coordinates the chosen Gemeinde's centre is used and the position is
marked approximate (``PositionPrecision.GEMEINDE``).

If no Gemeinde of the district has a boundary yet (regions imported without
geometry), a point cannot be checked: the chosen Gemeinde is then required and
kept as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sozialplan.analysis.geo import PolygonIndex, representative_point
from sozialplan.offerings.models import PositionPrecision
from sozialplan.regions.models import District, Region


@dataclass(frozen=True)
class Location:
    gemeinde: Region
    latitude: float
    longitude: float
    precision: PositionPrecision


def gemeinde_centre(gemeinde: Region) -> tuple[float, float] | None:
    """(lat, lon) of the Gemeinde's official centre, else a point inside its boundary."""
    if gemeinde.latitude is not None and gemeinde.longitude is not None:
        return (gemeinde.latitude, gemeinde.longitude)
    if gemeinde.boundary:
        return representative_point(gemeinde.boundary)
    return None


def resolve_location(
    district: District, *, latitude: float | None, longitude: float | None, gemeinde: Region | None
) -> Location:
    """The Gemeinde and position of a Standort of ``district``.

    Raises ``ValidationError`` (German, keyed by form field) when only one
    coordinate is given, the point lies outside the district, no Gemeinde is
    known, or the chosen Gemeinde does not belong to the district.
    """
    gemeinden = list(district.gemeinden())
    if gemeinde is not None and gemeinde.pk not in {g.pk for g in gemeinden}:
        raise ValidationError(
            {"gemeinde": _("Diese Gemeinde liegt nicht im Gebiet „%(district)s“.") % {"district": district.name}}
        )
    if (latitude is None) != (longitude is None):
        missing = "longitude" if longitude is None else "latitude"
        raise ValidationError({missing: _("Bitte geben Sie Breiten- und Längengrad an, oder keines von beiden.")})
    if latitude is None or longitude is None:
        if gemeinde is None:
            raise ValidationError(
                {"gemeinde": _("Bitte wählen Sie die Gemeinde oder geben Sie die Koordinaten des Standorts an.")}
            )
        centre = gemeinde_centre(gemeinde)
        if centre is None:
            raise ValidationError(
                {"gemeinde": _("Für diese Gemeinde ist kein Mittelpunkt bekannt. Bitte geben Sie Koordinaten an.")}
            )
        return Location(gemeinde, centre[0], centre[1], PositionPrecision.GEMEINDE)
    with_boundary = [g for g in gemeinden if g.boundary]
    boundaries: list[tuple[str, dict[str, Any]]] = [(str(g.pk), g.boundary or {}) for g in with_boundary]
    if not with_boundary:
        if gemeinde is None:
            raise ValidationError({"gemeinde": _("Bitte wählen Sie die Gemeinde des Standorts.")})
        return Location(gemeinde, latitude, longitude, PositionPrecision.EXACT)
    index = PolygonIndex(boundaries)
    found = index.locate(latitude, longitude)
    if found is None:
        raise ValidationError(
            {
                "latitude": _(
                    "Die Koordinaten liegen außerhalb des Gebiets „%(district)s“. "
                    "Bitte prüfen Sie Breiten- und Längengrad (z. B. 50,4256 und 10,7290)."
                )
                % {"district": district.name}
            }
        )
    located = next(g for g in with_boundary if str(g.pk) == found)
    return Location(located, latitude, longitude, PositionPrecision.EXACT)
