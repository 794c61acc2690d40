"""The numbers behind an atlas page: values, classes, colours, legend, chart, map geometry.

:func:`build_atlas` computes one indicator for all areas of a level (with
Kreis and Land at the same period), classifies the values
(:mod:`sozialplan.analysis.classify`) and prepares everything the page, the
bar chart and the GeoJSON of the map show, so the three always agree.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from sozialplan.analysis.classify import classify, equal_interval_breaks, natural_breaks, quantile_breaks
from sozialplan.indicators import areas as lookup
from sozialplan.indicators.catalogue import IndicatorDefinition
from sozialplan.indicators.charts import Bar, BarChart, ReferenceLine
from sozialplan.indicators.compute import (
    LEVEL_LABELS,
    Area,
    AreaLevel,
    Benchmarked,
    IndicatorValue,
    benchmarked,
    missing_reason,
    periods,
)
from sozialplan.indicators.display import comparison_text, interval_text, notes, value_text
from sozialplan.indicators.numbers import format_number
from sozialplan.indicators.store import ObservationStore
from sozialplan.indicators.views._common import NO_VALUE_COLOUR, MethodNote, Scope, method_notes, palette
from sozialplan.regions.models import District, Region
from sozialplan.sources.statistics import SYMBOLS

StrOrPromise = str | Promise
Breaks = Callable[[Sequence[float | None], int], list[float]]

CLASSIFICATIONS: dict[str, tuple[StrOrPromise, StrOrPromise, Breaks]] = {
    "quantile": (gettext_lazy("Quantile"), gettext_lazy("etwa gleich viele Gebiete je Klasse"), quantile_breaks),
    "natural": (
        gettext_lazy("Natürliche Unterbrechungen"),
        gettext_lazy("Jenks: Klassen mit möglichst ähnlichen Werten"),
        natural_breaks,
    ),
    "equal": (gettext_lazy("Gleiche Abstände"), gettext_lazy("gleich breite Wertebereiche"), equal_interval_breaks),
}
CLASS_COUNTS = (3, 4, 5, 6, 7)
LEVEL_PLURALS: dict[str, StrOrPromise] = {
    "gemeinde": gettext_lazy("Gemeinden"),
    "planungsraum": gettext_lazy("Planungsräume"),
}


@dataclass(frozen=True)
class AtlasParams:
    """The validated choices of the atlas form."""

    definition: IndicatorDefinition
    level: AreaLevel
    period: dt.date | None
    method: str
    classes: int


@dataclass
class AtlasRow:
    """One area of the table, map and chart."""

    area: Area
    cell: Benchmarked
    url: str
    value_text: str
    interval_text: str
    vs_kreis: str
    vs_land: str
    notes: list[str]
    class_index: int | None
    colour: str

    @property
    def sort_value(self) -> str:
        value = self.cell.value.value
        return "" if value is None else repr(value)


@dataclass(frozen=True)
class ReferenceRow:
    """Kreis or Land under the table: the comparators (``has_value``: a number to compare with)."""

    name: str
    level: str
    text: str
    interval: str
    notes: str
    has_value: bool = False


@dataclass(frozen=True)
class LegendEntry:
    colour: str
    label: str
    count: int
    missing: bool = False


@dataclass
class AtlasResult:
    params: AtlasParams
    areas: list[Area]
    periods: list[dt.date]
    period: dt.date | None
    rows: list[AtlasRow]
    kreis: IndicatorValue | None
    land: IndicatorValue | None
    references: list[ReferenceRow]
    breaks: list[float]
    legend: list[LegendEntry]
    chart: BarChart
    sources: list[str]
    methods: list[MethodNote]
    missing_reasons: list[str]
    symbols: list[tuple[str, str]]
    estimate: bool
    suppressed: bool
    modelled: bool = False  # some comparison involves an estimate or projection (by point value, no significance)

    @property
    def level_label(self) -> str:
        return str(LEVEL_PLURALS.get(self.params.level, ""))

    @property
    def has_values(self) -> bool:
        return any(row.cell.value.value is not None for row in self.rows)

    @property
    def shown_period(self) -> dt.date | None:
        """The Stichtag for headings: only when some area, the Kreis or the Land has a value at it.

        A date over a page of nothing but "no values" would suggest there were values of that day.
        """
        if self.has_values or any(ref.has_value for ref in self.references):
            return self.period
        return None

    @property
    def covered(self) -> int:
        """Areas with a value (a number, or one hidden by small-number suppression)."""
        return sum(1 for row in self.rows if row.cell.value.has_value)

    @property
    def coverage_text(self) -> str:
        """E.g. "Werte für 29 von 32 Gemeinden"."""
        total = len(self.rows)
        return ngettext(
            "Werte für %(count)d von %(total)d %(level)s",
            "Werte für %(count)d von %(total)d %(level)s",
            total,
        ) % {
            "count": self.covered,
            "total": total,
            "level": self.level_label if total != 1 else LEVEL_LABELS.get(self.params.level, ""),
        }

    @property
    def has_intervals(self) -> bool:
        """Whether any area has a confidence interval (estimates and projections have none)."""
        return any(row.interval_text for row in self.rows)


def class_labels(breaks: Sequence[float], decimals: int) -> list[str]:
    """German labels of the classes ``(b_i, b_{i+1}]`` (class 0 includes ``b_0``), precise enough to differ."""
    for extra in range(3):
        texts = [format_number(b, decimals + extra) for b in breaks]
        if len(set(texts)) == len(set(breaks)):
            break
    labels = []
    for i in range(len(breaks) - 1):
        if i == 0:
            same = breaks[0] == breaks[1]
            labels.append(texts[0] if same else _("%(low)s bis %(high)s") % {"low": texts[0], "high": texts[1]})
        else:
            labels.append(_("über %(low)s bis %(high)s") % {"low": texts[i], "high": texts[i + 1]})
    return labels


def _legend(breaks: list[float], colours: Sequence[str], rows: list[AtlasRow], decimals: int) -> list[LegendEntry]:
    counts = Counter(row.class_index for row in rows)
    entries = [
        LegendEntry(colours[i], label, counts.get(i, 0)) for i, label in enumerate(class_labels(breaks, decimals))
    ]
    if counts.get(None):
        entries.append(LegendEntry(NO_VALUE_COLOUR, _("keine Angabe"), counts[None], missing=True))
    return entries


def _selectable(
    definition: IndicatorDefinition, areas: Sequence[Area], kreis: Area, store: ObservationStore
) -> list[dt.date]:
    """Stichtage of the areas and of the Kreis, newest first (``[]`` without areas).

    The Kreis's count too: a Kreis table alone still gives a page of "no
    values" with the Kreis as reference, and its period must be selectable.
    """
    return sorted(set(periods(definition, [*areas, kreis], store)), reverse=True) if areas else []


def available_periods(district: District, definition: IndicatorDefinition, level: AreaLevel) -> list[dt.date]:
    """The Stichtage the atlas offers for the indicator and level, newest first (the page's and download's rule)."""
    areas = lookup.areas_for(district, level)
    kreis = lookup.kreis_area(district)
    return _selectable(definition, areas, kreis, ObservationStore.for_areas([*areas, kreis]))


def unavailable_message(available: Sequence[dt.date]) -> str:
    """German: the chosen Stichtag has no values; these exist."""
    days = ", ".join(p.strftime("%d.%m.%Y") for p in available) or _("keine")
    return _("Für diesen Stichtag gibt es keine Werte dieser Kennzahl. Verfügbare Stichtage: %(days)s.") % {
        "days": days
    }


def build_atlas(scope: Scope, params: AtlasParams) -> AtlasResult:
    """Values, classes and colours of one indicator for all areas of a level at a period.

    ``params.period`` ``None``: the Stichtag covering the most areas (see
    :func:`sozialplan.indicators.compute.compute`).
    """
    definition = params.definition
    district = scope.district
    areas = lookup.areas_for(district, params.level)
    kreis_area, land_area = lookup.kreis_area(district), lookup.land_area(district)
    store = ObservationStore.for_areas([*areas, kreis_area, land_area])
    available = _selectable(definition, areas, kreis_area, store)
    cells = benchmarked(definition, areas, district, params.period, public=scope.public, store=store) if areas else []
    period = next((c.value.period for c in cells if c.value.period is not None), params.period)
    values = [c.value.value for c in cells]
    breaks = CLASSIFICATIONS[params.method][2](values, params.classes)
    colours = palette(len(breaks) - 1)
    kreis = cells[0].kreis if cells else None
    land = cells[0].land if cells else None
    rows = []
    for area, cell in zip(areas, cells, strict=True):
        index = classify(cell.value.value, breaks)
        rows.append(
            AtlasRow(
                area=area,
                cell=cell,
                url=scope.profile_url(area.key),
                value_text=value_text(cell.value, definition),
                interval_text=interval_text(cell.value, definition),
                vs_kreis=comparison_text(cell.vs_kreis, _("Kreis"), modelled=cell.vs_kreis_modelled),
                vs_land=comparison_text(cell.vs_land, _("Land"), modelled=cell.vs_land_modelled),
                notes=notes(cell.value),
                class_index=index,
                colour=colours[index] if index is not None else NO_VALUE_COLOUR,
            )
        )
    all_values = [c.value for c in cells] + [v for v in (kreis, land) if v is not None]
    sources = sorted({s for v in all_values for s in v.sources})
    flags = sorted({v.flag for v in all_values if v.flag in SYMBOLS})
    without = [c.value for c in cells if c.value.value is None and c.value.missing]
    if without and len(without) == len(cells):
        # One sentence instead of one per Gemeinde when no area has a value.
        missing = [missing_reason(without)]
    else:
        missing = list(dict.fromkeys(v.missing for v in without))
    return AtlasResult(
        params=params,
        areas=areas,
        periods=available,
        period=period,
        rows=rows,
        kreis=kreis,
        land=land,
        references=[
            _reference_row(area, label, value, definition)
            for area, label, value in ((kreis_area, _("Kreis"), kreis), (land_area, _("Land"), land))
            if area is not None and value is not None
        ],
        modelled=any(c.vs_kreis_modelled or c.vs_land_modelled for c in cells),
        breaks=breaks,
        legend=_legend(breaks, colours, rows, definition.decimals),
        chart=_chart(definition, params.level, rows, kreis, land, period),
        sources=sources,
        methods=method_notes(sources),
        missing_reasons=missing,
        symbols=[(flag, SYMBOLS[flag]) for flag in flags],
        estimate=any(v.estimate for v in all_values),
        suppressed=any(v.suppressed for v in all_values),
    )


def _reference_row(area: Area, label: str, value: IndicatorValue, definition: IndicatorDefinition) -> ReferenceRow:
    remarks = "; ".join(notes(value)) if value.value is None or value.estimate else ""
    return ReferenceRow(
        area.name,
        label,
        value_text(value, definition),
        interval_text(value, definition),
        remarks,
        has_value=value.value is not None,
    )


def _chart(
    definition: IndicatorDefinition,
    level: AreaLevel,
    rows: list[AtlasRow],
    kreis: IndicatorValue | None,
    land: IndicatorValue | None,
    period: dt.date | None,
) -> BarChart:
    references = tuple(
        ReferenceLine(label, value.value, value_text(value, definition))
        for label, value in ((_("Kreis"), kreis), (_("Land"), land))
        if value is not None and value.value is not None and not definition.is_count
    )
    day = period.strftime("%d.%m.%Y") if period else ""
    title = _("%(name)s (%(unit)s) nach %(level)s, %(day)s") % {
        "name": definition.name,
        "unit": definition.unit,
        "level": LEVEL_PLURALS.get(level, level),
        "day": day,
    }
    shown = sum(1 for row in rows if row.cell.value.value is not None)
    description = ngettext(
        "Balkendiagramm: %(count)d Gebiet mit Wert, absteigend sortiert; senkrechte Linien: Kreis (durchgezogen) "
        "und Land (gestrichelt). Dieselben Zahlen stehen in der Tabelle.",
        "Balkendiagramm: %(count)d Gebiete mit Wert, absteigend sortiert; senkrechte Linien: Kreis (durchgezogen) "
        "und Land (gestrichelt). Dieselben Zahlen stehen in der Tabelle.",
        shown,
    ) % {"count": shown}
    bars = tuple(
        Bar(
            key=row.area.key,
            label=row.area.name,
            value=row.cell.value.value,
            text=row.value_text,
            fill=row.colour,
            note="; ".join(row.notes),
        )
        for row in rows
    )
    return BarChart(
        ident=f"ind-bars-{definition.code}",
        title=title,
        description=description,
        value_label=f"{definition.short_name} ({definition.unit})",
        bars=bars,
        references=references,
        category_label=str(LEVEL_PLURALS.get(level, _("Gebiet"))),
        decimals=definition.decimals,
    )


# Map -----------------------------------------------------------------------------------------------


def geometries(areas: Sequence[Area]) -> dict[str, dict[str, Any]]:
    """GeoJSON geometry (WGS84) per area key: a region's own boundary, a Planungsraum the union of its Gemeinden.

    Areas without any boundary are left out (the table still lists them).
    """
    from shapely.geometry import mapping, shape
    from shapely.ops import unary_union

    needed = {gid for area in areas if area.boundary is None for gid in area.gemeinde_ids}
    boundaries = dict(Region.objects.filter(pk__in=needed, boundary__isnull=False).values_list("pk", "boundary"))
    result: dict[str, dict[str, Any]] = {}
    for area in areas:
        if area.boundary is not None:
            result[area.key] = dict(area.boundary)
            continue
        shapes = [shape(boundaries[gid]) for gid in area.gemeinde_ids if gid in boundaries]
        if shapes:
            result[area.key] = dict(mapping(unary_union(shapes)))
    return result


def feature_collection(result: AtlasResult) -> dict[str, Any]:
    """The map's GeoJSON: each area with its value, class, colour and notes (see static/js/atlas.js)."""
    shapes = geometries(result.areas)
    features = []
    for row in result.rows:
        geometry = shapes.get(row.area.key)
        if geometry is None:
            continue
        value = row.cell.value
        features.append(
            {
                "type": "Feature",
                "id": row.area.key,
                "geometry": geometry,
                "properties": {
                    "key": row.area.key,
                    "name": row.area.name,
                    "value": value.value,
                    "text": row.value_text,
                    "class": row.class_index,
                    "colour": row.colour if row.class_index is not None else None,
                    "flag": value.flag,
                    "flag_meaning": value.flag_meaning,
                    "estimate": value.estimate,
                    "suppressed": value.suppressed,
                    "notes": row.notes,
                    "url": row.url,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
