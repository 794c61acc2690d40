"""CSV and GeoJSON exports of the Bedarfsanalyse: reachability of a category, and the gap register.

CSV as every table download of sozialplan
(:mod:`sozialplan.indicators.spreadsheet`): UTF-8 with BOM, ``;``, decimal
comma, formula-safe text. Every row and every GeoJSON feature carries the
column/property "Methode" (the run's method note, e.g. that distances are
straight lines with a detour factor and no road network was loaded), so a
number never travels without the way it was computed. When no offer of the
selection has a positioned site, the shares, reached persons and coverage
are left empty (not 0) and the column "Hinweis" says why.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sozialplan.indicators.areas import planning_areas
from sozialplan.indicators.spreadsheet import Cell, Number, Sheet
from sozialplan.indicators.views._atlas import geometries
from sozialplan.needs.models import AreaLevel, Gap, Mode
from sozialplan.needs.results import AreaRow, CategoryResult, PointResult
from sozialplan.regions.models import District, Region

LEVEL_LABELS = dict(AreaLevel.choices)
BOUNDARY_ATTRIBUTION = "Gemeindegrenzen © GeoBasis-DE / BKG 2021 (Daten verändert), dl-de/by-2-0"


def _km(metres: float | None) -> float | None:
    return None if metres is None else metres / 1000


def _pct(share: float | None) -> float | None:
    return None if share is None else share * 100


def _offer_type_label(result: CategoryResult) -> str:
    """The offer type's name (from the run's supply points), ``"alle"`` when the table is not filtered."""
    if not result.offer_type:
        return _("alle")
    names = {s.offer_type: s.offer_type_name for s in result.supply if s.offer_type_name}
    return names.get(result.offer_type, result.offer_type)


def no_supply_note(result: CategoryResult) -> str:
    """The export's "Hinweis" when no offer of the selection has a positioned site (the shares are left empty)."""
    if result.supply:
        return ""
    return _(
        "Kein Angebot dieser Auswahl hat einen Standort mit Lage: Entfernungen, Anteile und Versorgungsquoten "
        "lassen sich nicht berechnen (die leeren Felder sind keine 0)."
    )


def _computed(result: CategoryResult) -> str:
    finished = result.run.finished_at
    return finished.strftime("%d.%m.%Y %H:%M") if finished else ""


def reach_columns(thresholds: Sequence[int]) -> list[str]:
    columns = [
        "Ebene",
        "Schlüssel",
        "Gebiet",
        "Handlungsfeld",
        "Zielgruppe",
        "Angebotsart",
        "Verkehrsmittel",
        "Personen der Zielgruppe",
        "Entfernung zum nächsten Angebot (km, Mittel)",
        "Zeit zum nächsten Angebot (Minuten, Mittel)",
    ]
    for t in thresholds:
        columns += [f"erreichen ein Angebot in {t} Minuten (Personen)", f"Anteil in {t} Minuten (%)"]
    columns += [
        "Angebote im Gebiet",
        "Angebote je 1.000 der Zielgruppe",
        "2SFCA-Versorgungsquote je 1.000",
        "Einheit des Angebots",
        "Methode",
        "Bevölkerungsgrundlage",
        "berechnet am",
        "Hinweis",
    ]
    return columns


def _measured(result: CategoryResult, value: float | None) -> float | None:
    """``value``, or ``None`` when the selection has no positioned offer (its zeros would mean nothing)."""
    return value if result.supply else None


def _reach_cells(result: CategoryResult, row: AreaRow) -> list[Cell]:
    cells: list[Cell] = [
        str(LEVEL_LABELS.get(row.level, row.level)),
        row.key,
        row.name,
        f"{result.action_field.code} {result.action_field.short_name}",
        result.target_group.name,
        _offer_type_label(result),
        str(Mode(result.mode).label),
        Number(row.population, 1),
        Number(_km(row.nearest_m), 2),
        Number(row.nearest_min, 1),
    ]
    for t in result.thresholds:
        cells += [
            Number(_measured(result, row.reached.get(t)), 1),
            Number(_measured(result, _pct(row.shares.get(t))), 2),
        ]
    cells += [
        Number(row.offers_in_area, 0),
        Number(_measured(result, row.offers_per_1000), 3),
        Number(_measured(result, row.fca_ratio), 3),
        result.supply_unit,
        result.method_note,
        result.demand_note,
        _computed(result),
        no_supply_note(result),
    ]
    return cells


def reach_sheet(result: CategoryResult) -> Sheet:
    """One row per area (Gemeinden, Planungsräume, Kreis) of the category, with the method in every row."""
    sheet = Sheet(title=_("Erreichbarkeit"), columns=reach_columns(result.thresholds))
    for row in result.areas:
        sheet.rows.append(_reach_cells(result, row))
    return sheet


def _reach_properties(result: CategoryResult, row: AreaRow) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "Ebene": str(LEVEL_LABELS.get(row.level, row.level)),
        "Schlüssel": row.key,
        "Gebiet": row.name,
        "Handlungsfeld": result.action_field.code,
        "Zielgruppe": result.target_group.code,
        "Angebotsart": result.offer_type,
        "Verkehrsmittel": result.mode,
        "Personen der Zielgruppe": row.population,
        "Entfernung zum nächsten Angebot (km, Mittel)": _km(row.nearest_m),
        "Zeit zum nächsten Angebot (Minuten, Mittel)": row.nearest_min,
    }
    for t in result.thresholds:
        properties[f"erreichen ein Angebot in {t} Minuten (Personen)"] = _measured(result, row.reached.get(t))
        properties[f"Anteil in {t} Minuten (%)"] = _measured(result, _pct(row.shares.get(t)))
    properties.update(
        {
            "Angebote im Gebiet": row.offers_in_area,
            "Angebote je 1.000 der Zielgruppe": _measured(result, row.offers_per_1000),
            "2SFCA-Versorgungsquote je 1.000": _measured(result, row.fca_ratio),
            "Einheit des Angebots": result.supply_unit,
            "Methode": result.method_note,
            "Bevölkerungsgrundlage": result.demand_note,
            "berechnet am": result.run.finished_at.isoformat() if result.run.finished_at else None,
            "Hinweis": no_supply_note(result),
        }
    )
    return properties


@dataclass(frozen=True)
class AreaShapes:
    """Boundaries (GeoJSON geometries, WGS84) of a district's areas.

    Gemeinden by AGS, Planungsräume by primary key (the union of their
    Gemeinden's boundaries), the Kreis's own boundary.
    """

    gemeinden: dict[str, dict[str, Any]]
    planning_areas: dict[int, dict[str, Any]]
    kreis_key: str
    kreis: dict[str, Any] | None

    @classmethod
    def of(cls, district: District) -> AreaShapes:
        gemeinden = {
            key: dict(boundary)
            for key, boundary in district.gemeinden().filter(boundary__isnull=False).values_list("key", "boundary")
            if boundary
        }
        rooms = {
            int(area.key.removeprefix("pr")): geometry
            for area in planning_areas(district)
            if (geometry := geometries([area]).get(area.key)) is not None
        }
        kreis = dict(district.region.boundary) if district.region.boundary else None
        return cls(gemeinden=gemeinden, planning_areas=rooms, kreis_key=district.region.key, kreis=kreis)

    def get(self, level: str, key: str, planning_area_id: int | None = None) -> dict[str, Any] | None:
        if level == AreaLevel.GEMEINDE:
            return self.gemeinden.get(key)
        if level == AreaLevel.PLANNING_AREA:
            return self.planning_areas.get(planning_area_id) if planning_area_id is not None else None
        if level == AreaLevel.KREIS and key == self.kreis_key:
            return self.kreis
        return None


def reach_features(district: District, result: CategoryResult) -> dict[str, Any]:
    """The reachability table as GeoJSON: one feature per area with its boundary (``null`` geometry if none)."""
    shapes = AreaShapes.of(district)
    features = [
        {
            "type": "Feature",
            "id": row.key,
            "geometry": shapes.get(row.level, row.key, row.planning_area_id),
            "properties": _reach_properties(result, row),
        }
        for row in result.areas
    ]
    if result.supply:
        features += [_point_feature(result, point) for point in result.points if point.population > 0]
    return {
        "type": "FeatureCollection",
        "features": features,
        "attribution": [BOUNDARY_ATTRIBUTION],
        "method": result.method_note,
    }


def _point_feature(result: CategoryResult, point: PointResult) -> dict[str, Any]:
    """One demand point (grid cell centre or Gemeinde centre) with its own reachability numbers."""
    properties: dict[str, Any] = {
        "Ebene": "Nachfragepunkt",
        "Schlüssel": point.point_id,
        "Gebiet": point.gemeinde_name,
        "Gemeindeschlüssel": point.gemeinde_key,
        "Handlungsfeld": result.action_field.code,
        "Zielgruppe": result.target_group.code,
        "Angebotsart": result.offer_type,
        "Verkehrsmittel": result.mode,
        "Personen der Zielgruppe": point.population,
        "Entfernung zum nächsten Angebot (km)": _km(point.nearest_m),
        "Zeit zum nächsten Angebot (Minuten)": point.nearest_min,
    }
    for t in result.thresholds:
        properties[f"Angebote in {t} Minuten"] = point.counts.get(t)
    properties["2SFCA-Versorgungsquote je 1.000"] = point.fca
    properties["Methode"] = result.method_note
    return {
        "type": "Feature",
        "id": point.point_id,
        "geometry": {"type": "Point", "coordinates": [point.lon, point.lat]},
        "properties": properties,
    }


# Gap register --------------------------------------------------------------------------------------


def affected_share(gap: Gap) -> float | None:
    """People affected / the area's persons of the Zielgruppe (``evidence["population"]``), 0–1.

    ``None`` when the evidence has no usable population (zero, missing, not a number).
    """
    value = gap.evidence.get("population") if isinstance(gap.evidence, Mapping) else None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        population = float(value)
    except ValueError:
        return None
    if not math.isfinite(population) or population <= 0:
        return None
    return gap.people_affected / population


GAP_COLUMNS = [
    "Rang",
    "Nr.",
    "Art",
    "Schlüssel",
    "Gebiet",
    "Handlungsfeld",
    "Zielgruppe",
    "Verkehrsmittel",
    "Begründung",
    "Schweregrad",
    "betroffene Personen",
    "betroffener Anteil der Zielgruppe (%)",
    "Unterversorgung (0–1)",
    "demografischer Druck (≥ 1)",
    "Status",
    "Begründung der Entscheidung",
    "entschieden am",
    "aktuell berechnet",
    "zuletzt berechnet am",
    "Methode",
]


def gaps_sheet(gaps: Iterable[Gap]) -> Sheet:
    """The gap register as a table, in the order given (the page's ranking)."""
    sheet = Sheet(title=_("Lücken"), columns=GAP_COLUMNS)
    for rank, gap in enumerate(gaps, start=1):
        sheet.rows.append(
            [
                Number(rank, 0),
                Number(gap.pk, 0),
                gap.get_kind_display(),
                gap.area_key,
                gap.area_name,
                f"{gap.action_field.code} {gap.action_field.short_name}",
                gap.target_group.name,
                gap.get_mode_display(),
                gap.sentence,
                Number(gap.severity, 2),
                Number(gap.people_affected, 1),
                Number(_pct(affected_share(gap)), 2),
                Number(gap.shortfall, 4),
                Number(gap.pressure, 4),
                gap.get_status_display(),
                gap.reason,
                gap.decided_at.date() if gap.decided_at else None,
                gap.is_current,
                gap.updated_at.date(),
                gap.method_note,
            ]
        )
    return sheet


def gap_geometry(gap: Gap, shapes: AreaShapes) -> dict[str, Any] | None:
    """The boundary of a gap's area: its Planungsraum, else its Gemeinde (by key)."""
    if gap.planning_area_id is not None:
        return shapes.get(AreaLevel.PLANNING_AREA, gap.area_key, gap.planning_area_id)
    return shapes.get(AreaLevel.GEMEINDE, gap.area_key) or shapes.get(AreaLevel.KREIS, gap.area_key)


def _gap_geometry(gap: Gap, shapes: AreaShapes, centres: dict[str, tuple[float, float]]) -> Any:
    geometry = gap_geometry(gap, shapes)
    if geometry is not None:
        return geometry
    centre = centres.get(gap.area_key)
    if centre is not None:
        return {"type": "Point", "coordinates": [centre[0], centre[1]]}
    return None


def gaps_features(district: District, gaps: Sequence[Gap]) -> dict[str, Any]:
    """The gap register as GeoJSON: the area's polygon (or its centre), sentence, severity and its factors."""
    shapes = AreaShapes.of(district)
    centres = {
        key: (float(lon), float(lat))
        for key, lon, lat in Region.objects.filter(key__in={g.area_key for g in gaps}).values_list(
            "key", "longitude", "latitude"
        )
        if lon is not None and lat is not None
    }
    features = []
    for rank, gap in enumerate(gaps, start=1):
        features.append(
            {
                "type": "Feature",
                "id": gap.pk,
                "geometry": _gap_geometry(gap, shapes, centres),
                "properties": {
                    "Rang": rank,
                    "Nr.": gap.pk,
                    "Art": gap.kind,
                    "Schlüssel": gap.area_key,
                    "Gebiet": gap.area_name,
                    "Handlungsfeld": gap.action_field.code,
                    "Zielgruppe": gap.target_group.code,
                    "Verkehrsmittel": gap.mode,
                    "Begründung": gap.sentence,
                    "Schweregrad": gap.severity,
                    "betroffene Personen": gap.people_affected,
                    "betroffener Anteil der Zielgruppe": affected_share(gap),
                    "Unterversorgung": gap.shortfall,
                    "demografischer Druck": gap.pressure,
                    "Status": gap.status,
                    "Begründung der Entscheidung": gap.reason,
                    "aktuell berechnet": gap.is_current,
                    "Belege": gap.evidence,
                    "Methode": gap.method_note,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features, "attribution": [BOUNDARY_ATTRIBUTION]}
