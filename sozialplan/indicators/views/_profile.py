"""The charts of an area profile, built from :class:`~sozialplan.indicators.compute.Profile`.

Spine chart: each indicator of the area against the comparator (Kreis for a
Gemeinde or Planungsraum, Land for the Kreis) on the centre line, over the
range of the comparable areas (the district's Gemeinden; for a Planungsraum
the district's Planungsräume). Time series where an indicator has more than
one period; the age pyramid; the population projection.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence

from django.conf import settings
from django.utils.translation import gettext as _

from sozialplan.analysis.ages import age_label
from sozialplan.indicators import areas as lookup
from sozialplan.indicators.catalogue import IndicatorDefinition
from sozialplan.indicators.charts import LineChart, Point, Series
from sozialplan.indicators.charts_profile import AgePyramid, PyramidBand, SpineChart, SpineRow
from sozialplan.indicators.compute import COMPARISON_LABELS, Area, IndicatorValue, Profile, compute
from sozialplan.indicators.display import comparison_key, comparison_label, value_text
from sozialplan.indicators.numbers import format_number
from sozialplan.indicators.store import ObservationStore
from sozialplan.indicators.svg import decimal_year
from sozialplan.indicators.views._common import COMPARISON_COLOURS, Scope


def german_date(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def _quartiles(values: Sequence[float]) -> tuple[float | None, float | None, float | None, float | None]:
    """Minimum, 25th and 75th percentile (inclusive method, as spreadsheets) and maximum."""
    if not values:
        return None, None, None, None
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0], ordered[0], ordered[0], ordered[0]
    q25, _median, q75 = statistics.quantiles(ordered, n=4, method="inclusive")
    return ordered[0], q25, q75, ordered[-1]


def peers_of(scope: Scope, area: Area) -> tuple[list[Area], str]:
    """The areas whose range the spine chart shows, and their German name."""
    if area.level == "planungsraum":
        return lookup.planning_areas(scope.district), _("Planungsräume des Kreises")
    return lookup.gemeinde_areas(scope.district), _("Gemeinden des Kreises")


def spine_chart(scope: Scope, area: Area, data: Profile) -> SpineChart | None:
    """Every key number of the area on the spine; ``None`` without key numbers."""
    numbers = [(d, cell) for d, cell in data.key_numbers if isinstance(d, IndicatorDefinition)]
    if not numbers:
        return None
    against_land = area.level == "kreis"
    centre_label = _("Land") if against_land else _("Kreis")
    peers, range_label = peers_of(scope, area)
    store = ObservationStore.for_areas(peers) if peers else None
    rows = []
    for definition, cell in numbers:
        value = cell.value
        centre = cell.land if against_land else cell.kreis
        comparison = cell.vs_land if against_land else cell.vs_kreis
        modelled = cell.vs_land_modelled if against_land else cell.vs_kreis_modelled
        peer_values: list[float] = []
        if store is not None and value.period is not None:
            computed = compute(definition, peers, value.period, public=scope.public, store=store)
            peer_values = [v.value for v in computed if v.value is not None]
        low, q25, q75, high = _quartiles(peer_values)
        decimals = definition.decimals
        texts = (
            value_text(value, definition),
            value_text(centre, definition),
            *(format_number(v, decimals) for v in (low, q25, q75, high)),
        )
        # A count (persons, households) is no rate: the Kreis's total is no centre for a Gemeinde's count,
        # and a Kreis's count has no place in the range of its Gemeinden.
        count = definition.is_count
        rows.append(
            SpineRow(
                key=definition.code,
                label=definition.name,
                unit=definition.unit,
                value=value.value,
                centre=centre.value if centre and not count else None,
                low=low,
                q25=q25,
                q75=q75,
                high=high,
                texts=(texts[0], texts[1], texts[2], texts[3], texts[4], texts[5]),
                comparison=comparison_label(comparison, modelled=modelled),
                fill=COMPARISON_COLOURS.get(comparison_key(comparison, modelled=modelled), "#ffffff"),
                draw=not (count and area.level == "kreis"),
                period=german_date(value.period),
                comparison_short=_("%(label)s (Schätzung)") % {"label": COMPARISON_LABELS.get(comparison, "")}
                if modelled
                else "",
            )
        )
    return SpineChart(
        ident="ind-spine",
        title=_("Kennzahlen von %(area)s im Vergleich mit %(centre)s und %(range)s")
        % {"area": area.name, "centre": centre_label, "range": range_label},
        description=_(
            "Je Kennzahl eine Zeile: der Punkt ist der Wert von %(area)s, die senkrechte Linie der Wert "
            "des Vergleichsgebiets (%(centre)s), der helle Balken die Spannweite der %(range)s und der "
            "dunkle Balken deren mittlere Hälfte. Jede Zeile ist eigens skaliert. Die Tabelle enthält alle Werte."
        )
        % {"area": area.name, "centre": centre_label, "range": range_label},
        area_label=area.name,
        centre_label=centre_label,
        range_label=range_label,
        rows=tuple(rows),
    )


def _points(values: Sequence[IndicatorValue], definition: IndicatorDefinition) -> tuple[Point, ...]:
    return tuple(
        Point(decimal_year(v.period), german_date(v.period), v.value, value_text(v, definition))
        for v in values
        if v.period is not None
    )


def estimate_note() -> str:
    """What the series "geschätzt" means (under a chart and in its description)."""
    return _(
        "„geschätzt“: Werte aus einer Schätzung für kleine Gebiete, keine amtlichen Zahlen "
        "(Methode siehe unten unter „Quellen“); in der Tabelle in einer eigenen Spalte."
    )


def split_series(values: Sequence[IndicatorValue]) -> tuple[list[IndicatorValue], list[IndicatorValue]]:
    """The observed values (not projected) split into official ones and estimates (``estimate=True``)."""
    observed = [v for v in values if not v.projected]
    return [v for v in observed if not v.estimate], [v for v in observed if v.estimate]


def series_charts(data: Profile, definitions: dict[str, IndicatorDefinition]) -> list[LineChart]:
    """A line chart for every indicator with more than one period.

    Series: "beobachtet" (official values), "geschätzt" (values of an
    estimate, e.g. Gemeinde age groups) and the projection; each kind has its
    own line style and marker and its own column in the table.
    """
    charts = []
    for code, values in data.series.items():
        definition = definitions.get(code)
        if definition is None or sum(1 for v in values if v.value is not None) < 2:
            continue
        observed, estimated = split_series(values)
        projected = [v for v in values if v.projected]
        series = [Series(_("beobachtet"), _points(observed, definition), kind="observed")] if observed else []
        if estimated:
            series.append(Series(_("geschätzt"), _points(estimated, definition), kind="estimate"))
        if projected:
            variant = projected[0].variant
            label = (
                _("Vorausberechnung, Variante %(variant)s") % {"variant": variant} if variant else _("Vorausberechnung")
            )
            series.append(Series(label, _points(projected, definition), kind="projected"))
        description = _("Liniendiagramm der Werte je Stichtag; dieselben Zahlen stehen in der Tabelle darunter.")
        charts.append(
            LineChart(
                ident=f"ind-series-{code}",
                title=f"{definition.name} ({definition.unit})",
                description=f"{description} {estimate_note()}" if estimated else description,
                value_label=definition.unit,
                series=tuple(series),
                note=estimate_note() if estimated else "",
            )
        )
    return charts


def age_pyramid(area: Area, data: Profile) -> AgePyramid | None:
    """The age pyramid of the area (men and women where both are known, else totals); ``None`` without bands."""
    if not data.age_bands:
        return None
    by_sex = all(b.male is not None or b.female is not None for b in data.age_bands if not b.suppressed)
    bands = tuple(
        PyramidBand(
            label=age_label(b.age_from, b.age_to),
            male=b.male,
            female=b.female,
            total=b.total,
            male_text=_count_text(b.male, b.suppressed),
            female_text=_count_text(b.female, b.suppressed),
            total_text=_count_text(b.total, b.suppressed),
        )
        for b in data.age_bands
    )
    estimate = any(b.estimate for b in data.age_bands)
    description = _(
        "Personen je Altersgruppe am %(day)s, %(layout)s. Die Altersgruppen sind unterschiedlich breit (siehe Tabelle)."
    ) % {
        "day": german_date(data.age_period),
        "layout": _("Männer links, Frauen rechts") if by_sex else _("insgesamt"),
    }
    if estimate:
        description += " " + _("Die Zahlen sind geschätzt.")
    title = _("Altersaufbau von %(area)s am %(day)s") % {"area": area.name, "day": german_date(data.age_period)}
    return AgePyramid(ident="ind-pyramid", title=title, description=description, bands=bands, by_sex=by_sex)


def _count_text(value: float | None, suppressed: bool) -> str:
    if value is None:
        return f"< {settings.SMALL_NUMBER_THRESHOLD}" if suppressed else "–"
    return format_number(value, 0)


def horizon(data: Profile) -> list[tuple[int, str, str, str]]:
    """(year, variant, projected population, change against the latest observed population) per plan year."""
    observed = [v for v in data.series.get("bevoelkerung", []) if not v.projected and v.value is not None]
    base = observed[-1] if observed else None
    rows = []
    for year in settings.PROJECTION_YEARS:
        for point in data.projection:
            if point.year != year:
                continue
            change = ""
            if base is not None and base.value:
                change = _("%(change)s %% gegenüber %(day)s") % {
                    "change": format_number((point.value / base.value - 1) * 100, 1),
                    "day": german_date(base.period),
                }
            rows.append((year, point.variant, format_number(point.value, 0), change))
    return rows


def projection_chart(area: Area, data: Profile) -> LineChart | None:
    """Observed population and the projected population per variant, plan horizon years highlighted."""
    if not data.projection:
        return None
    official, estimated = split_series([v for v in data.series.get("bevoelkerung", []) if v.value is not None])
    series: list[Series] = []
    for label, kind, values in ((_("beobachtet"), "observed", official), (_("geschätzt"), "estimate", estimated)):
        points = tuple(
            Point(decimal_year(v.period), german_date(v.period), v.value, format_number(v.value, 0))
            for v in values
            if v.period is not None and v.value is not None
        )
        if points:
            series.append(Series(label, points, kind=kind))
    variants: dict[str, list[Point]] = {}
    for point in data.projection:
        day = dt.date(point.year, 12, 31)
        variants.setdefault(point.variant, []).append(
            Point(decimal_year(day), str(point.year), point.value, format_number(point.value, 0))
        )
    for number, (variant, projected) in enumerate(sorted(variants.items())):
        label = _("Vorausberechnung, Variante %(variant)s") % {"variant": variant} if variant else _("Vorausberechnung")
        # The first variant in the style of projections, further ones in styles no other kind uses.
        style = None if number == 0 else 2 + number
        series.append(Series(label, tuple(projected), kind="projected", style_index=style))
    highlight = tuple((decimal_year(dt.date(year, 12, 31)), str(year)) for year in settings.PROJECTION_YEARS)
    years = ", ".join(str(y) for y in settings.PROJECTION_YEARS)
    return LineChart(
        ident="ind-projection",
        title=_("Bevölkerung von %(area)s: beobachtet und vorausberechnet") % {"area": area.name},
        description=_(
            "Liniendiagramm der Einwohnerzahl: beobachtete Stichtage und vorausberechnete Jahresenden; "
            "hervorgehoben sind die Jahre des Planungshorizonts (%(years)s). Die Tabelle enthält alle Werte."
        )
        % {"years": years},
        value_label=_("Personen"),
        series=tuple(series),
        highlight=highlight,
        x_label=_("Stichtag bzw. Jahr"),
        highlight_note=_("Planungshorizont"),
    )
