"""Region workflows: importing official region files, locating points, Planungsräume from VGs.

``import_region_files`` reads GV100AD, GV-ISys, VG5000 and Zensus files (any
order, formats detected by content), then writes everything in one
transaction: a broken file leaves the database as it was and raises
``SourceError`` with file, line and German reason. Running it twice changes
nothing the second time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import DEFAULT_DB_ALIAS, transaction
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from sozialplan.analysis.geo import PolygonIndex
from sozialplan.regions import upsert
from sozialplan.regions.formats import FORMAT_LABELS, RegionData, read_region_files
from sozialplan.regions.models import District, PlanningArea, Region, RegionKind
from sozialplan.sources.errors import ImportSummary, SourceError


def validate_only(only: str | None) -> str | None:
    """A key prefix to limit an import (``16`` = Thüringen, ``16069`` = one Kreis), or ``None``."""
    if only is None or only == "":
        return None
    only = only.strip()
    if not (only.isascii() and only.isdigit() and 2 <= len(only) <= 12):
        raise SourceError(f"„{only[:20]}“ ist kein Gebietsschlüssel (2 bis 12 Ziffern, z. B. 16 oder 16069).")
    return only


@dataclass
class RegionImportResult:
    """What ``import_region_files`` did, one summary per step."""

    files: list[tuple[str, str]] = field(default_factory=list)
    steps: list[tuple[str, ImportSummary]] = field(default_factory=list)

    def summary(self, label: str) -> ImportSummary:
        return next(s for name, s in self.steps if name == label)

    @property
    def created(self) -> int:
        return sum(s.created for _, s in self.steps)

    @property
    def updated(self) -> int:
        return sum(s.updated for _, s in self.steps)

    def __str__(self) -> str:
        lines = [f"Datei {name}: {fmt}" for name, fmt in self.files]
        lines += [f"{label}: {summary}" for label, summary in self.steps]
        return "\n".join(lines)


def apply_region_data(
    data: RegionData, *, only: str | None = None, using: str = DEFAULT_DB_ALIAS, show_progress: bool = False
) -> RegionImportResult:
    """Write parsed region data in one transaction (see the module docstring)."""
    only = validate_only(only)
    result = RegionImportResult(files=[(f.name, FORMAT_LABELS[f.format]) for f in data.files])
    with transaction.atomic(using=using):
        result.steps = upsert.write_region_data(data, only=only, using=using, show_progress=show_progress)
    return result


def import_region_files(
    paths: Sequence[Path], *, only: str | None = None, using: str = DEFAULT_DB_ALIAS, show_progress: bool = False
) -> RegionImportResult:
    """Read all files, then write them atomically. ``SourceError`` if any file is unusable."""
    only = validate_only(only)
    if not paths:
        raise SourceError("Keine Datei angegeben.")
    data = read_region_files(paths, only=only)
    return apply_region_data(data, only=only, using=using, show_progress=show_progress)


# --- Point in polygon -------------------------------------------------------------------------


def _kreis_key(district_or_kreis_key: District | Region | str) -> str:
    if isinstance(district_or_kreis_key, District):
        return district_or_kreis_key.region.key
    if isinstance(district_or_kreis_key, Region):
        return district_or_kreis_key.key[:5]
    return str(district_or_kreis_key)[:5]


class GemeindeLocator:
    """Resolves points to the currently valid Gemeinden of one Kreis (build once, locate many).

    A point exactly inside a (generalised VG5000) boundary gets that
    Gemeinde; a point outside every boundary but within ``tolerance_km`` of
    one gets the nearest (the generalised borders are off by up to a few
    hundred metres); anything farther is outside the Kreis (``None``).
    """

    def __init__(self, kreis_key: str, *, tolerance_km: float = 1.0) -> None:
        gemeinden = list(
            Region.objects.gemeinden().in_kreis(kreis_key).valid_on().filter(boundary__isnull=False).order_by("key")
        )
        self.tolerance_km = tolerance_km
        self._by_key = {g.key: g for g in gemeinden}
        self._index = PolygonIndex((g.key, g.boundary) for g in gemeinden if g.boundary)
        self._shapes: list[tuple[str, BaseGeometry]] = [(g.key, shape(g.boundary)) for g in gemeinden if g.boundary]

    def __len__(self) -> int:
        return len(self._by_key)

    def locate(self, lat: float, lon: float) -> Region | None:
        if not (math.isfinite(lat) and math.isfinite(lon)):
            return None
        key = self._index.locate(lat, lon)
        if key is not None:
            return self._by_key[key]
        return self._nearest(lat, lon)

    def _nearest(self, lat: float, lon: float) -> Region | None:
        if not self._shapes or self.tolerance_km <= 0:
            return None
        # Distances in an equirectangular projection at the point's latitude (km).
        scale = [111.32 * math.cos(math.radians(lat)), 110.57]
        point = Point(lon * scale[0], lat * scale[1])
        best: tuple[float, str] | None = None
        for key, geom in self._shapes:
            distance = float(shapely.transform(geom, lambda xy: xy * scale).distance(point))
            if best is None or distance < best[0]:
                best = (distance, key)
        if best is None or best[0] > self.tolerance_km:
            return None
        return self._by_key[best[1]]


def locate_gemeinde(
    lat: float, lon: float, district_or_kreis_key: District | Region | str, *, tolerance_km: float = 1.0
) -> Region | None:
    """The currently valid Gemeinde of a Kreis that contains (lat, lon), WGS84 degrees.

    ``district_or_kreis_key`` is a District, a Kreis region or a 5-digit Kreis
    key. Returns ``None`` outside the Kreis (see ``GemeindeLocator`` for the
    tolerance at borders) or when its Gemeinden have no boundaries. For many
    points build one ``GemeindeLocator`` instead.
    """
    return GemeindeLocator(_kreis_key(district_or_kreis_key), tolerance_km=tolerance_km).locate(lat, lon)


# --- Planungsräume ----------------------------------------------------------------------------

#: GV100AD Textkennzeichen of a Verwaltungsgemeinschaft (a real grouping of Gemeinden).
VG_TEXT = "Verwaltungsgemeinschaft"


def planning_areas_from_verwaltungsgemeinschaften(
    district: District, *, actor: AbstractBaseUser | AnonymousUser | None = None
) -> ImportSummary:
    """Create one Planungsraum "VG <name>" per Verwaltungsgemeinschaft of the district.

    The member Gemeinden are those whose parent is the VG (GV100AD). Nothing
    is invented: other Planungsräume are the district's own decision.
    Idempotent: an existing Planungsraum of that name gets the same members.
    """
    from sozialplan.audit.services import record

    summary = ImportSummary()
    vgs = Region.objects.filter(kind=RegionKind.VERBAND, designation=VG_TEXT).in_kreis(district.region.key).valid_on()
    with transaction.atomic():
        for vg in vgs.order_by("key"):
            members = list(Region.objects.gemeinden().valid_on().filter(parent=vg).order_by("key"))
            description = (
                f"Abgeleitet aus der Verwaltungsgemeinschaft {vg.name} (Gemeindeverband {vg.key}, "
                f"{vg.source or 'Gemeindeverzeichnis'}). Mitglieder: {', '.join(g.name for g in members)}."
            )
            area, created = PlanningArea.objects.get_or_create(
                district=district, name=f"VG {vg.name}", defaults={"description": description}
            )
            changed = created
            if area.description != description:
                area.description = description
                area.save(update_fields=["description", "updated_at"])
                changed = True
            if {g.pk for g in area.gemeinden.all()} != {g.pk for g in members}:
                area.gemeinden.set(members)
                changed = True
            if created:
                summary.created += 1
            elif changed:
                summary.updated += 1
            else:
                summary.unchanged += 1
            if changed:
                record(
                    actor=actor,
                    district=district,
                    action="created" if created else "updated",
                    obj=area,
                    note="Planungsraum aus Verwaltungsgemeinschaft (GV100AD)",
                )
    return summary
