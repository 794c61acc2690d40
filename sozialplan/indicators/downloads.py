"""The indicator tables as downloads: atlas (one indicator × level × Stichtag), overview (level), profile (area).

Each builder returns a :class:`~sozialplan.indicators.spreadsheet.Book`
(rendered as CSV or XLSX by :mod:`sozialplan.indicators.spreadsheet`) with
the numbers :mod:`sozialplan.indicators.compute` gives: ``public=True`` for
the public downloads (small counts suppressed), ``False`` for the planners'.
The "Quellen" sheet names every dataset used (source, licence, Datenstand,
method of estimates and projections), the definitions of the indicators, the
statistical symbols and whether small numbers were suppressed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.utils.translation import gettext as _

from sozialplan.analysis.ages import age_label
from sozialplan.indicators.areas import areas_for, kreis_area, land_area
from sozialplan.indicators.catalogue import IndicatorDefinition, load_catalogue
from sozialplan.indicators.compute import (
    LEVEL_LABELS,
    Area,
    AreaLevel,
    Benchmarked,
    IndicatorValue,
    benchmarked,
    overview,
    profile,
)
from sozialplan.indicators.display import comparison_label
from sozialplan.indicators.models import Dataset
from sozialplan.indicators.spreadsheet import Book, Cell, Number, Sheet
from sozialplan.regions.models import District
from sozialplan.sources.statistics import SYMBOLS, describe_symbol

VALUE_COLUMNS = [
    "Stichtag",
    "Wert",
    "Einheit",
    "untere Grenze (95 %)",
    "obere Grenze (95 %)",
    "Zähler",
    "Nenner",
    "Zeichen",
    "Bedeutung des Zeichens",
    "Schätzung",
    "Vorausberechnung",
    "unterdrückt (kleine Fallzahl)",
    "fehlt, weil",
]
BENCHMARK_COLUMNS = ["Wert Kreis", "Vergleich mit Kreis", "Wert Land", "Vergleich mit Land"]


def _value_cells(definition: IndicatorDefinition, value: IndicatorValue) -> list[Cell]:
    """Stichtag … "fehlt, weil" (see ``VALUE_COLUMNS``).

    Decimals: counts whole (one place if estimated, which gives fractions),
    other values two places more than the catalogue shows, so that they can
    be rounded again; the denominator of a density is an area in km² (two places).
    """
    count_digits = 1 if value.estimate else 0
    value_digits = _digits(definition, value)
    denominator_digits = 2 if definition.kind == "density" else count_digits
    return [
        value.period,
        Number(value.value, value_digits),
        definition.unit,
        Number(value.lower, definition.decimals + 2),
        Number(value.upper, definition.decimals + 2),
        Number(value.numerator, count_digits),
        Number(value.denominator, denominator_digits),
        value.flag,
        describe_symbol(value.flag),
        value.estimate,
        value.projected,
        value.suppressed,
        value.missing,
    ]


def _digits(definition: IndicatorDefinition, value: IndicatorValue | None) -> int:
    """Decimals of a value: counts whole (one place if estimated), others two more than the catalogue shows."""
    if definition.is_count:
        return 1 if value is not None and value.estimate else 0
    return definition.decimals + 2


def _benchmark_cells(definition: IndicatorDefinition, cell: Benchmarked) -> list[Cell]:
    """Kreis and Land values and the comparisons (by point value, with the note, where an estimate is involved)."""
    return [
        Number(cell.kreis.value if cell.kreis else None, _digits(definition, cell.kreis)),
        comparison_label(cell.vs_kreis, modelled=cell.vs_kreis_modelled),
        Number(cell.land.value if cell.land else None, _digits(definition, cell.land)),
        comparison_label(cell.vs_land, modelled=cell.vs_land_modelled),
    ]


def _sources_lines(
    district: District,
    *,
    public: bool,
    definitions: Iterable[IndicatorDefinition],
    citations: Iterable[str],
    heading: Sequence[tuple[str, str]],
) -> list[tuple[str, str]]:
    """The "Quellen" sheet: what the table is, the datasets used, definitions, notes, symbols."""
    lines: list[tuple[str, str]] = [*heading, (_("Landkreis / kreisfreie Stadt"), district.name)]
    lines.append((_("erstellt am"), dt.date.today().strftime("%d.%m.%Y")))
    threshold = settings.SMALL_NUMBER_THRESHOLD
    if public:
        lines.append(
            (
                _("Kleine Fallzahlen"),
                _("Öffentliche Fassung: Anzahlen von 1 bis %(max)d und Quoten daraus sind unterdrückt.")
                % {"max": threshold - 1},
            )
        )
    else:
        lines.append((_("Kleine Fallzahlen"), _("Planungsfassung: nicht unterdrückt, nur für den Dienstgebrauch.")))
    wanted = set(citations)
    for dataset in Dataset.objects.order_by("code"):
        if dataset.citation not in wanted:
            continue
        lines.append((_("Quelle"), dataset.citation))
        lines.append((_("Tabelle"), f"{dataset.code} {dataset.title}"))
        lines.append((_("Art"), dataset.get_kind_display()))
        if dataset.vintage:
            lines.append((_("Datenstand"), dataset.vintage))
        if dataset.licence:
            lines.append((_("Lizenz"), dataset.licence))
        if dataset.method:
            lines.append((_("Methode"), dataset.method))
    for definition in definitions:
        lines.append((definition.name, f"{definition.definition} ({definition.polarity_label})"))
    lines.append((_("Vergleich"), _("95-%-Konfidenzintervall des Gebiets gegen den Wert von Kreis bzw. Land.")))
    lines.append(
        (
            _("Schätzungen"),
            _(
                "Geschätzte und vorausberechnete Werte haben kein Konfidenzintervall; wo einer beteiligt ist, "
                "vergleicht die Tabelle nur die Werte (höher, niedriger, ähnlich = gleich gerundet), "
                "ohne Signifikanzaussage."
            ),
        )
    )
    for symbol, meaning in SYMBOLS.items():
        lines.append((_("Zeichen „%(symbol)s“") % {"symbol": symbol}, meaning))
    return lines


def atlas_book(
    district: District, definition: IndicatorDefinition, level: AreaLevel, period: dt.date | None, *, public: bool
) -> tuple[Book, dt.date | None]:
    """One indicator for every area of ``level`` (then the Kreis and Land as comparators), and the Stichtag used."""
    areas = areas_for(district, level)
    cells = benchmarked(definition, areas, district, period, public=public)
    day = period or next((c.value.period for c in cells if c.value.period), None)
    sheet = Sheet(
        title=definition.short_name,
        columns=["Schlüssel", "Gebiet", "Ebene", *VALUE_COLUMNS, *BENCHMARK_COLUMNS, "Quellen"],
    )
    citations: set[str] = set()
    for area, cell in zip(areas, cells, strict=True):
        sheet.rows.append(_area_row(definition, area, cell.value, _benchmark_cells(definition, cell)))
        citations.update(cell.value.sources)
    comparators = [(kreis_area(district), cells[0].kreis if cells else None)]
    land = land_area(district)
    if land is not None:
        comparators.append((land, cells[0].land if cells else None))
    for area, value in comparators:
        if value is not None and area.key not in {a.key for a in areas}:
            sheet.rows.append(_area_row(definition, area, value, ["", "", "", ""]))
            citations.update(value.sources)
    heading = [
        (_("Kennzahl"), f"{definition.name} ({definition.unit})"),
        (_("Ebene"), LEVEL_LABELS[level]),
        (_("Stichtag"), day.strftime("%d.%m.%Y") if day else "–"),
    ]
    sources = _sources_lines(district, public=public, definitions=[definition], citations=citations, heading=heading)
    return Book(main=sheet, sources=sources), day


def _area_row(definition: IndicatorDefinition, area: Area, value: IndicatorValue, tail: list[Cell]) -> list[Cell]:
    return [
        area.key,
        area.name,
        LEVEL_LABELS[area.level],
        *_value_cells(definition, value),
        *tail,
        " | ".join(value.sources),
    ]


def overview_book(district: District, level: AreaLevel, *, public: bool) -> Book:
    """Every indicator with a value for the areas of ``level``: one row per area and indicator (long format)."""
    result = overview(district, level, public=public)
    sheet = Sheet(
        title=_("Übersicht"),
        columns=["Schlüssel", "Gebiet", "Kennzahl", "Code", *VALUE_COLUMNS, *BENCHMARK_COLUMNS, "Quellen"],
    )
    citations: set[str] = set()
    for area in result.areas:
        for definition in result.indicators:
            cell = result.cells[(area.key, definition.code)]
            citations.update(cell.value.sources)
            sheet.rows.append(
                [
                    area.key,
                    area.name,
                    definition.name,
                    definition.code,
                    *_value_cells(definition, cell.value),
                    *_benchmark_cells(definition, cell),
                    " | ".join(cell.value.sources),
                ]
            )
    heading = [(_("Übersicht"), LEVEL_LABELS[level])]
    heading += [(_("ohne Wert: %(name)s") % {"name": d.name}, reason) for d, reason in result.missing]
    sources = _sources_lines(
        district, public=public, definitions=result.indicators, citations=citations, heading=heading
    )
    return Book(main=sheet, sources=sources)


def profile_book(district: District, area: Area, *, public: bool) -> Book:
    """One area: every indicator (with Kreis and Land), then series, age structure and projection (XLSX sheets)."""
    result = profile(district, area, public=public)
    sheet = Sheet(title=_("Kennzahlen"), columns=["Kennzahl", "Code", *VALUE_COLUMNS, *BENCHMARK_COLUMNS, "Quellen"])
    citations: set[str] = set()
    for definition, cell in result.key_numbers:
        citations.update(cell.value.sources)
        sheet.rows.append(
            [
                definition.name,
                definition.code,
                *_value_cells(definition, cell.value),
                *_benchmark_cells(definition, cell),
                " | ".join(cell.value.sources),
            ]
        )
    for definition, reason in result.missing:
        empty = IndicatorValue(indicator=definition.code, area_key=area.key, period=None, value=None, missing=reason)
        sheet.rows.append([definition.name, definition.code, *_value_cells(definition, empty), "", "", "", "", ""])
    definitions = {d.code: d for d in load_catalogue()}
    series = Sheet(
        title=_("Zeitreihen"), columns=["Kennzahl", "Stichtag", "Wert", "Einheit", "Schätzung", "Vorausberechnung"]
    )
    for code, values in result.series.items():
        definition = definitions[code]
        for value in values:
            series.rows.append(
                [
                    definition.name,
                    value.period,
                    Number(value.value, _digits(definition, value)),
                    definition.unit,
                    value.estimate,
                    value.projected,
                ]
            )
    ages = Sheet(title=_("Altersstruktur"), columns=["Altersgruppe", "männlich", "weiblich", "insgesamt", "Schätzung"])
    for band in result.age_bands:
        digits = 1 if band.estimate else 0
        ages.rows.append(
            [
                age_label(band.age_from, band.age_to),
                Number(band.male, digits),
                Number(band.female, digits),
                Number(band.total, digits),
                band.estimate,
            ]
        )
    projection = Sheet(title=_("Vorausberechnung"), columns=["Jahr", "Variante", "Einwohner"])
    for point in result.projection:
        projection.rows.append([str(point.year), point.variant, Number(point.value, 0)])
    citations.update(result.age_sources)
    heading = [(_("Gebiet"), f"{area.name} ({LEVEL_LABELS[area.level]} {area.key})")]
    if result.age_period:
        heading.append((_("Altersstruktur zum"), result.age_period.strftime("%d.%m.%Y")))
    if result.projection_method:
        heading.append((_("Methode der Vorausberechnung"), result.projection_method))
    sources = _sources_lines(
        district, public=public, definitions=[d for d, _c in result.key_numbers], citations=citations, heading=heading
    )
    return Book(main=sheet, extra=[series, ages, projection], sources=sources)
