"""Bulk upsert of regions keyed by (kind, key) from parsed region files.

All files of one import are merged first: the GV100AD record of a Gemeinde,
its GV-ISys centre, its VG5000 boundary and its Zensus population become one
target row, so that a new region is written with one INSERT and a changed one
with one UPDATE (``bulk_create``/``bulk_update`` in batches). Only fields whose
value differs are written; a second run of the same files writes nothing.

The writer takes a database alias (``using``) so that the benchmark can run
it against a throwaway database. It does not open a transaction: the caller
(``services.apply_region_data``) wraps it in one.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.db import connections
from django.db.models import Q
from shapely.geometry import shape
from tqdm import tqdm

from sozialplan.analysis.geo import representative_point
from sozialplan.regions.formats import RegionData
from sozialplan.regions.models import Region, RegionKind
from sozialplan.sources import gv100ad
from sozialplan.sources.errors import ImportSummary, SourceError

#: Rows per INSERT/UPDATE statement and keys per ``IN`` list (below SQLite's variable limit).
BATCH_SIZE = 500

#: GV100AD levels that become regions, top down (Regierungsbezirke and
#: Baden-Württemberg's Regionen are skipped: the model's chain is Land → Kreis).
LEVEL_KINDS: dict[str, str] = {
    gv100ad.LAND: RegionKind.LAND,
    gv100ad.KREIS: RegionKind.KREIS,
    gv100ad.VERBAND: RegionKind.VERBAND,
    gv100ad.GEMEINDE: RegionKind.GEMEINDE,
}
KIND_ORDER: tuple[str, ...] = (RegionKind.LAND, RegionKind.KREIS, RegionKind.VERBAND, RegionKind.GEMEINDE)
BOUNDARY_KINDS = {"land": RegionKind.LAND, "kreis": RegionKind.KREIS, "gemeinde": RegionKind.GEMEINDE}

KIND_PLURALS: dict[str, str] = {
    RegionKind.LAND: "Länder",
    RegionKind.KREIS: "Kreise",
    RegionKind.VERBAND: "Gemeindeverbände",
    RegionKind.GEMEINDE: "Gemeinden",
}

# Steps of an import: each reports its own counts.
STEP_REGIONS = "Gebiete (GV100AD)"
STEP_BOUNDARIES = "Grenzen (VG5000)"
STEP_CENTRES = "Mittelpunkte (GV-ISys)"
STEP_CENSUS = "Einwohner Zensus 2022"

#: Which fields each step writes.
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    STEP_REGIONS: (
        "ars",
        "name",
        "designation",
        "parent_id",
        "area_km2",
        "population",
        "population_male",
        "population_date",
        "population_source",
        "postcode",
        "valid_from",
        "valid_to",
        "source",
    ),
    STEP_BOUNDARIES: ("boundary", "boundary_source"),
    STEP_CENTRES: ("latitude", "longitude", "centre_source"),
    STEP_CENSUS: ("census_population",),
}

#: A boundary whose area differs from the official area by more than this factor
#: belongs to another territorial state (Gemeinden merged since): not used.
MAX_AREA_FACTOR = 1 / 0.6

CENSUS_DATE = dt.date(2022, 5, 15)

NOT_LOADED = "Gebiet nicht in der Datenbank (anderer Gebietsstand oder nicht geladen)."
FALLBACK_CENTRE = "Punkt innerhalb der VG5000-Grenze (kein GV-ISys-Mittelpunkt)"

Key = tuple[str, str]  # (kind, key)


def progress(items: Sequence[Any], *, desc: str, enabled: bool) -> Iterable[Any]:
    """``items`` with a tqdm progress bar on stderr when ``enabled``."""
    if not enabled:
        return items
    bar: Iterable[Any] = tqdm(items, desc=desc, file=sys.stderr, unit=" Sätze", leave=False)
    return bar


def approx_area_km2(geometry: dict[str, Any]) -> float:
    """Area of a WGS84 polygon in km², projected equirectangularly at its centre latitude.

    Accurate to about 1 % for a Gemeinde or a Kreis; used only to detect a
    boundary from another territorial state.
    """
    geom = shape(geometry)
    scale_x = 111.32 * math.cos(math.radians(geom.centroid.y))
    projected = shapely.transform(geom, lambda xy: xy * [scale_x, 110.57])
    return float(projected.area)


def _aggregates(records: Sequence[gv100ad.Gv100Record], only: str | None) -> dict[str, tuple[float, int, int]]:
    """Area, population and male population of every Verband, Kreis and Land wholly in the file.

    A higher region is summed only when the import covers it completely
    (no ``only`` limit, or the limit is a prefix of its key).
    """
    sums: dict[str, list[float]] = {}
    for rec in records:
        if rec.level != gv100ad.GEMEINDE or rec.area_km2 is None or rec.population is None:
            continue
        for parent in {rec.land_key, rec.kreis_key, rec.verband_key}:
            if only and not parent.startswith(only):
                continue
            total = sums.setdefault(parent, [0.0, 0, 0])
            total[0] += rec.area_km2
            total[1] += rec.population
            total[2] += rec.population_male or 0
    return {key: (round(a, 2), int(p), int(m)) for key, (a, p, m) in sums.items()}


def _scope_q(scope: Sequence[str]) -> Q:
    q = Q(pk__in=[])
    for prefix in scope:
        q |= Q(key__startswith=prefix)
    return q


@dataclass
class _Plan:
    """Target values per region, the parent of each, and the summaries per step."""

    targets: dict[Key, dict[str, Any]] = field(default_factory=dict)
    parents: dict[Key, list[Key]] = field(default_factory=dict)
    steps: dict[str, ImportSummary] = field(default_factory=dict)
    from_gv100ad: set[Key] = field(default_factory=set)

    def target(self, key: Key) -> dict[str, Any]:
        return self.targets.setdefault(key, {})


class RegionWriter:
    """Merges parsed region files into target rows and writes the differences."""

    def __init__(self, data: RegionData, *, only: str | None, using: str, show_progress: bool = False) -> None:
        self.data = data
        self.only = only
        self.using = using
        self.show_progress = show_progress
        self.plan = _Plan()
        self.stored: dict[Key, Region] = {}

    # --- reading what is stored ------------------------------------------------------------

    def _load_stored(self) -> None:
        keys = {key for _, key in self.plan.targets} | {b.key for _, b in self.data.boundaries}
        keys |= {c.ags for _, c in self.data.centres}
        wanted = sorted(keys)
        qs = Region.objects.using(self.using)
        for start in range(0, len(wanted), BATCH_SIZE):
            for region in qs.filter(key__in=wanted[start : start + BATCH_SIZE]):
                self.stored[(region.kind, region.key)] = region
        gv_ars = {t["ars"] for (kind, _), t in self.plan.targets.items() if kind == RegionKind.GEMEINDE}
        missing_ars = sorted({c.ars for _, c in self.data.census} - gv_ars)
        for start in range(0, len(missing_ars), BATCH_SIZE):
            chunk = missing_ars[start : start + BATCH_SIZE]
            for region in qs.filter(kind=RegionKind.GEMEINDE, ars__in=chunk):
                self.stored[(region.kind, region.key)] = region

    def _known(self, key: Key) -> bool:
        return key in self.plan.from_gv100ad or key in self.stored

    def _value(self, key: Key, name: str) -> Any:
        """The value a region will have: the target's, else the stored one."""
        target = self.plan.targets.get(key, {})
        if name in target:
            return target[name]
        stored = self.stored.get(key)
        return getattr(stored, name) if stored is not None else None

    # --- building the plan -----------------------------------------------------------------

    def _plan_gv100ad(self) -> None:
        records = self.data.records
        if not records:
            return
        self.plan.steps[STEP_REGIONS] = ImportSummary()
        day = records[0].territorial_date
        source = f"Destatis GV100AD, Gebietsstand {day:%d.%m.%Y}"
        population_day = gv100ad.population_reference_date(day)
        population_source = f"Destatis GV100AD ({day:%d.%m.%Y}), Bevölkerungsfortschreibung {population_day:%d.%m.%Y}"
        sums = _aggregates(records, self.only)
        for rec in records:
            kind = LEVEL_KINDS.get(rec.level)
            if kind is None:
                continue
            area, population, male = sums.get(rec.key, (rec.area_km2, rec.population, rec.population_male))
            has_population = population is not None
            key = (kind, rec.key)
            self.plan.from_gv100ad.add(key)
            self.plan.target(key).update(
                {
                    "ars": rec.ars,
                    "name": rec.name,
                    "designation": rec.designation,
                    "area_km2": area,
                    "population": population,
                    "population_male": male,
                    "population_date": population_day if has_population else None,
                    "population_source": population_source if has_population else "",
                    "postcode": rec.postcode,
                    "valid_from": day,
                    "valid_to": None,
                    "source": source,
                }
            )
            self.plan.parents[key] = _parent_keys(rec)

    def _plan_boundaries(self) -> None:
        if not self.data.boundaries:
            return
        summary = self.plan.steps[STEP_BOUNDARIES] = ImportSummary()
        for file, boundary in self.data.boundaries:
            key = (BOUNDARY_KINDS[boundary.level], boundary.key)
            if not self._known(key):
                summary.skip(NOT_LOADED)
                continue
            area = self._value(key, "area_km2")
            if area:
                factor = approx_area_km2(boundary.geometry) / area
                if not 1 / MAX_AREA_FACTOR <= factor <= MAX_AREA_FACTOR:
                    summary.reject(
                        f"Grenze nicht übernommen: ihre Fläche ist {factor * 100:.0f} % der amtlichen Fläche "
                        f"(Gebietsänderung nach dem Stand der Grenze).",
                        key=f"{self._value(key, 'name')} ({boundary.key})",
                    )
                    continue
            self.plan.target(key).update(
                {"boundary": boundary.geometry, "boundary_source": f"© GeoBasis-DE / BKG, VG5000 ({file})"}
            )

    def _plan_centres(self) -> None:
        if not (self.data.centres or self.data.boundaries):
            return
        summary = self.plan.steps.setdefault(STEP_CENTRES, ImportSummary()) if self.data.centres else None
        for file, centre in self.data.centres:
            key: Key = (RegionKind.GEMEINDE, centre.ags)
            if not self._known(key):
                assert summary is not None
                summary.skip(NOT_LOADED)
                continue
            self.plan.target(key).update(
                {
                    "latitude": centre.latitude,
                    "longitude": centre.longitude,
                    "centre_source": f"Destatis GV-ISys ({file})",
                }
            )
        # Gemeinden without any centre but with a boundary: a point inside the boundary.
        filled = 0
        for gemeinde in list(self.plan.targets):
            if gemeinde[0] != RegionKind.GEMEINDE or self._value(gemeinde, "latitude") is not None:
                continue
            boundary = self._value(gemeinde, "boundary")
            if boundary:
                lat, lon = representative_point(boundary)
                self.plan.targets[gemeinde].update(
                    {"latitude": lat, "longitude": lon, "centre_source": FALLBACK_CENTRE}
                )
                filled += 1
        if filled:
            summary = self.plan.steps.setdefault(STEP_CENTRES, ImportSummary())
            summary.notes.append(
                "Gemeinden ohne GV-ISys-Mittelpunkt, die stattdessen einen Punkt innerhalb ihrer Grenze "
                f"erhalten: {filled}."
            )

    def _plan_census(self) -> None:
        if not self.data.census:
            return
        summary = self.plan.steps[STEP_CENSUS] = ImportSummary()
        by_ars: dict[str, Key] = {
            t["ars"]: key for key, t in self.plan.targets.items() if key[0] == RegionKind.GEMEINDE and "ars" in t
        }
        for key, region in self.stored.items():
            if key[0] == RegionKind.GEMEINDE and region.ars:
                by_ars.setdefault(region.ars, key)
        for file, record in self.data.census:
            if record.date != CENSUS_DATE:
                raise SourceError(
                    f"Stichtag {record.date:%d.%m.%Y} ist nicht der Zensusstichtag 15.05.2022.",
                    file=file,
                    line=record.line,
                )
            found = by_ars.get(record.ars)
            if found is None:
                summary.skip(NOT_LOADED)
                continue
            self.plan.target(found)["census_population"] = record.population

    # --- writing -----------------------------------------------------------------------------

    def write(self) -> list[tuple[str, ImportSummary]]:
        self._plan_gv100ad()
        self._load_stored()
        self._plan_boundaries()
        self._plan_centres()
        self._plan_census()
        pks: dict[Key, int] = {key: region.pk for key, region in self.stored.items()}
        for kind in KIND_ORDER:
            keys = [key for key in self.plan.targets if key[0] == kind]
            self._write_kind(kind, keys, pks)
        if self.data.records:
            self._close_missing(self.data.records[0].territorial_date)
        order = (STEP_REGIONS, STEP_BOUNDARIES, STEP_CENTRES, STEP_CENSUS)
        return [(step, self.plan.steps[step]) for step in order if step in self.plan.steps]

    def _write_kind(self, kind: str, keys: list[Key], pks: dict[Key, int]) -> None:
        to_create: list[tuple[Key, Region]] = []
        to_update: list[Region] = []
        changed_fields: set[str] = set()
        for key in progress(keys, desc=KIND_PLURALS[kind], enabled=self.show_progress):
            values = dict(self.plan.targets[key])
            if key in self.plan.parents:
                values["parent_id"] = next((pks[p] for p in self.plan.parents[key] if p in pks), None)
            region = self.stored.get(key)
            if region is None:
                if key not in self.plan.from_gv100ad:
                    continue  # only GV100AD creates regions; others were counted as skipped
                to_create.append((key, Region(kind=kind, key=key[1], **values)))
                self._count(values, created=True)
                continue
            if "valid_from" in values:
                day = values["valid_from"]
                if region.valid_from is not None and region.valid_from < day:
                    values["valid_from"] = region.valid_from  # listed since 2019: stays valid since 2019
                if region.valid_to is not None and region.valid_to > day:
                    values["valid_to"] = region.valid_to  # an older file does not revive a dissolved region
            diff = [name for name, value in values.items() if getattr(region, name) != value]
            self._count(values, changed=set(diff))
            if diff:
                for name in diff:
                    setattr(region, name, values[name])
                to_update.append(region)
                changed_fields.update(diff)
        manager = Region.objects.using(self.using)
        created = manager.bulk_create([r for _, r in to_create], batch_size=BATCH_SIZE)
        if to_create and not connections[self.using].features.can_return_rows_from_bulk_insert:
            found = manager.filter(kind=kind, key__in=[k for k, _ in to_create]).values_list("key", "pk")
            pks.update({(str(kind), str(key)): int(pk) for key, pk in found})
        else:
            pks.update({key: region.pk for (key, _), region in zip(to_create, created, strict=True)})
        if to_update:
            manager.bulk_update(to_update, sorted(changed_fields), batch_size=BATCH_SIZE)

    def _count(self, values: dict[str, Any], *, created: bool = False, changed: set[str] | None = None) -> None:
        """Count one region in every step whose fields it carries."""
        for step, summary in self.plan.steps.items():
            fields = STEP_FIELDS[step]
            if not any(name in values for name in fields):
                continue
            if step == STEP_REGIONS and created:
                summary.created += 1
            elif created or (changed is not None and changed.intersection(fields)):
                summary.updated += 1
            else:
                summary.unchanged += 1

    def _close_missing(self, day: dt.date) -> None:
        """Give ``valid_to`` to stored regions in the file's scope that the GV100AD no longer lists."""
        records = self.data.records
        scope = [self.only] if self.only else sorted({r.key for r in records if r.level == gv100ad.LAND})
        if not scope:
            scope = sorted({r.kreis_key for r in records if r.kreis_key})
        stale = [
            region
            for region in Region.objects.using(self.using)
            .filter(kind__in=[RegionKind.KREIS, RegionKind.VERBAND, RegionKind.GEMEINDE], valid_to__isnull=True)
            .filter(_scope_q(scope))
            .exclude(valid_from__gte=day)
            if (region.kind, region.key) not in self.plan.from_gv100ad
        ]
        if not stale:
            return
        for region in stale:
            region.valid_to = day
        Region.objects.using(self.using).bulk_update(stale, ["valid_to"], batch_size=BATCH_SIZE)
        summary = self.plan.steps[STEP_REGIONS]
        summary.updated += len(stale)
        for kind in KIND_ORDER:
            of_kind = [r for r in stale if r.kind == kind]
            if not of_kind:
                continue
            names = ", ".join(f"{r.name} ({r.key})" for r in of_kind[:10]) + (" …" if len(of_kind) > 10 else "")
            summary.notes.append(
                f"{len(of_kind)} {KIND_PLURALS[kind]} stehen nicht mehr im Gemeindeverzeichnis und gelten nur bis "
                f"{day:%d.%m.%Y} (nicht gelöscht): {names}"
            )


def _parent_keys(rec: gv100ad.Gv100Record) -> list[Key]:
    """Candidate parents, nearest first (a Gemeinde whose Verband is missing hangs at its Kreis)."""
    if rec.level == gv100ad.KREIS:
        return [(RegionKind.LAND, rec.land_key)]
    if rec.level == gv100ad.VERBAND:
        return [(RegionKind.KREIS, rec.kreis_key)]
    if rec.level == gv100ad.GEMEINDE:
        return [(RegionKind.VERBAND, rec.verband_key), (RegionKind.KREIS, rec.kreis_key)]
    return []


def write_region_data(
    data: RegionData, *, only: str | None, using: str, show_progress: bool = False
) -> list[tuple[str, ImportSummary]]:
    """Write ``data`` (see the module docstring); one summary per step present in the files."""
    return RegionWriter(data, only=only, using=using, show_progress=show_progress).write()
