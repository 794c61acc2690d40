"""Charts as data: one definition per chart renders SVG and an accessible table.

A chart is a frozen dataclass built from indicator values by a view (or a
report). ``svg()`` returns self-contained SVG markup (``role="img"`` with
``<title>`` and ``<desc>``, presentation attributes only, so it passes a
strict CSP and can be embedded in a PDF as it is); ``table()`` returns the
same numbers as a :class:`ChartTable` with a caption and column headers,
shown next to or under every chart. Texts in the chart (formatted values,
labels) are computed by the caller, so the chart shows exactly what the table
shows.

Kinds: :class:`BarChart` (values of areas, sorted, with reference lines for
Kreis and Land), :class:`LineChart` (time series, observed and projected),
:class:`SpineChart` (Fingertips spine: an area's value against the range of
comparable areas and the Kreis/Land value), :class:`AgePyramid`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from sozialplan.indicators.numbers import format_number
from sozialplan.indicators.svg import attrs, el, esc, nice_ticks, num, open_svg, text, tick_decimals, truncate

INK = "#1f1f1f"
GRID = "#d0d3d9"
MUTED = "#5c6070"

#: Maps a value to an SVG coordinate.
Scale = Callable[[float], float]


@dataclass(frozen=True)
class ChartTable:
    """A chart's numbers as a table: ``columns`` are the header cells, each row starts with its row header."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]


# Bar chart -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One area's bar; ``key`` links it to the map and the table.

    ``value`` ``None`` = no bar; ``text`` then says why ("–", "< 3", ".").
    """

    key: str
    label: str
    value: float | None
    text: str
    fill: str = "#41b6c4"
    note: str = ""


@dataclass(frozen=True)
class ReferenceLine:
    """A comparator drawn across all bars (the Kreis solid, the Land dashed)."""

    label: str
    value: float
    text: str


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars of areas sorted by value (largest first, missing values last)."""

    ident: str
    title: str
    description: str
    value_label: str
    bars: tuple[Bar, ...]
    references: tuple[ReferenceLine, ...] = ()
    category_label: str = "Gebiet"
    decimals: int = 1

    WIDTH = 760
    LABEL_WIDTH = 210
    VALUE_WIDTH = 90
    ROW = 20
    TOP = 40
    BOTTOM = 34

    def sorted_bars(self) -> list[Bar]:
        present = sorted((b for b in self.bars if b.value is not None), key=lambda b: (-(b.value or 0), b.label))
        return present + sorted((b for b in self.bars if b.value is None), key=lambda b: b.label)

    def svg(self) -> str:
        bars = self.sorted_bars()
        values = [b.value for b in bars if b.value is not None] + [r.value for r in self.references]
        ticks = nice_ticks(min([0.0, *values]), max([0.0, *values]))
        low, high = ticks[0], ticks[-1]
        x0, x1 = self.LABEL_WIDTH, self.WIDTH - self.VALUE_WIDTH
        height = self.TOP + self.ROW * max(1, len(bars)) + self.BOTTOM

        def x(value: float) -> float:
            return x0 + (value - low) / (high - low) * (x1 - x0)

        plot_bottom = self.TOP + self.ROW * max(1, len(bars))
        parts = [open_svg(self.ident, self.WIDTH, height, self.title, self.description, "ind-svg--bars")]
        parts.append(_axis_x(ticks, x, self.TOP, plot_bottom))
        zero = x(0.0)
        for i, bar in enumerate(bars):
            top = self.TOP + i * self.ROW
            middle = top + self.ROW / 2 + 4
            parts.append(f"<g {attrs(class_='ind-bar', data_key=bar.key)}>")
            parts.append(f"<title>{esc(f'{bar.label}: {bar.text}')}</title>")
            parts.append(text(x0 - 8, middle, truncate(bar.label, 30), anchor="end"))
            if bar.value is None:
                parts.append(text(zero + 4, middle, bar.text, css="ind-svg__missing", fill=MUTED))
            else:
                left, right = sorted((zero, x(bar.value)))
                rect = attrs(
                    x=left, y=float(top + 3), width=max(right - left, 1.0), height=float(self.ROW - 6), fill=bar.fill
                )
                parts.append(f'<rect {rect} stroke="{INK}" stroke-width="0.5" class="ind-bar__rect"/>')
                parts.append(text(max(right, zero) + 4, middle, bar.text))
            parts.append("</g>")
        parts.append(f'<line {attrs(x1=zero, x2=zero, y1=float(self.TOP), y2=float(plot_bottom))} stroke="{INK}"/>')
        parts.extend(_reference_lines(self.references, x, self.TOP, plot_bottom))
        parts.append("</svg>")
        return "".join(parts)

    def table(self) -> ChartTable:
        rows = [(b.label, b.text, b.note) for b in self.sorted_bars()]
        rows += [(r.label, r.text, _("Vergleichswert")) for r in self.references]
        return ChartTable(
            caption=self.title,
            columns=(self.category_label, self.value_label, _("Hinweis")),
            rows=tuple(rows),
            numeric=(False, True, False),
        )


def _axis_x(ticks: list[float], x: Scale, top: float, bottom: float) -> str:
    """Vertical grid lines with tick labels under the plot (``x`` maps a value to a coordinate)."""
    decimals = tick_decimals(ticks)
    parts = ['<g class="ind-svg__axis" aria-hidden="true">']
    for tick in ticks:
        pos = x(tick)
        parts.append(f'<line {attrs(x1=pos, x2=pos, y1=float(top), y2=float(bottom))} stroke="{GRID}"/>')
        parts.append(text(pos, bottom + 16, format_number(tick, decimals), anchor="middle", fill=MUTED))
    parts.append("</g>")
    return "".join(parts)


def _reference_lines(references: tuple[ReferenceLine, ...], x: Scale, top: float, bottom: float) -> list[str]:
    """Kreis (solid) and Land (dashed) lines across the bars, explained in a legend row above the plot."""
    parts = []
    legend_x = float(BarChart.LABEL_WIDTH)
    for i, ref in enumerate(references[:2]):
        pos = x(ref.value)
        dash = "6 4" if i else None
        parts.append('<g class="ind-svg__reference">')
        parts.append(
            el("line", x1=pos, x2=pos, y1=top - 4, y2=bottom, stroke=INK, stroke_width="2", stroke_dasharray=dash)
        )
        parts.append(
            el(
                "line",
                x1=legend_x,
                x2=legend_x + 28,
                y1=18.0,
                y2=18.0,
                stroke=INK,
                stroke_width="2",
                stroke_dasharray=dash,
            )
        )
        label = f"{ref.label}: {ref.text}"
        parts.append(text(legend_x + 34, 22, label))
        parts.append("</g>")
        legend_x += 60 + 7 * len(label)
    return parts


# Line chart ------------------------------------------------------------------------------------------

SERIES_COLOURS = ("#08519c", "#b35806", "#542788", "#1b7837", "#8c2d04")
SERIES_DASH = (None, "6 4", "2 3", "10 3 2 3", "3 3")
HIGHLIGHT_FILL = "#fff3bf"
HIGHLIGHT_STROKE = "#8a6d00"


@dataclass(frozen=True)
class Point:
    """One value over time: ``x`` as decimal year (see :func:`~sozialplan.indicators.svg.decimal_year`)."""

    x: float
    x_label: str
    value: float | None
    text: str


#: Style (colour, dash, marker) of a series by kind, so a kind looks the same in every chart:
#: observed solid with circles, projected dashed with squares, estimated dotted with diamonds.
SERIES_KIND_STYLE = {"observed": 0, "projected": 1, "estimate": 2}


@dataclass(frozen=True)
class Series:
    """A line; by ``kind`` (see :data:`SERIES_KIND_STYLE`), else by position: solid, dashed, dotted.

    ``kind`` is also the CSS modifier of the series group (``ind-svg__series--estimate``);
    ``style_index`` overrides both (e.g. further projection variants).
    """

    label: str
    points: tuple[Point, ...]
    kind: str = ""
    style_index: int | None = None

    def style(self, index: int) -> int:
        """The style index (colour, dash, marker) of this series at position ``index``."""
        if self.style_index is not None:
            return self.style_index
        return SERIES_KIND_STYLE.get(self.kind, index)


@dataclass(frozen=True)
class LineChart:
    """Values over time (one or more series); ``highlight`` marks years like the plan horizon."""

    ident: str
    title: str
    description: str
    value_label: str
    series: tuple[Series, ...]
    highlight: tuple[tuple[float, str], ...] = ()
    x_label: str = "Stichtag"
    highlight_note: str = ""
    note: str = ""  # shown under the chart (e.g. what "geschätzt" means)

    WIDTH = 680
    HEIGHT = 300
    LEFT = 80
    RIGHT = 24
    TOP = 44
    BOTTOM = 40

    def svg(self) -> str:
        points = [p for s in self.series for p in s.points if p.value is not None]
        xs = [p.x for p in points] + [h for h, _label in self.highlight]
        values = [p.value for p in points if p.value is not None]
        parts = [open_svg(self.ident, self.WIDTH, self.HEIGHT, self.title, self.description, "ind-svg--line")]
        if not values:
            parts.append(text(self.LEFT, self.TOP + 20, _("keine Werte"), fill=MUTED))
            parts.append("</svg>")
            return "".join(parts)
        ticks = nice_ticks(min(values), max(values))
        x_low, x_high = min(xs), max(xs)
        if x_high - x_low < 1:
            x_low, x_high = x_low - 1, x_high + 1
        plot_left, plot_right = self.LEFT, self.WIDTH - self.RIGHT
        plot_top, plot_bottom = self.TOP, self.HEIGHT - self.BOTTOM

        def px(value: float) -> float:
            return plot_left + 24 + (value - x_low) / (x_high - x_low) * (plot_right - plot_left - 40)

        def py(value: float) -> float:
            return plot_bottom - (value - ticks[0]) / (ticks[-1] - ticks[0]) * (plot_bottom - plot_top)

        parts.append(self._grid(ticks, py, plot_left, plot_right))
        highlighted = {int(year) for year, _label in self.highlight}
        for year, label in self.highlight:
            pos = px(year)
            band = {"x": pos - 6, "y": float(plot_top), "width": 12.0, "height": float(plot_bottom - plot_top)}
            parts.append(f'<g class="ind-svg__highlight"><title>{esc(label)}</title>')
            parts.append(el("rect", **band, fill=HIGHLIGHT_FILL, stroke=HIGHLIGHT_STROKE, stroke_dasharray="2 2"))
            parts.append("</g>")
        # A Stichtag 31.12.2018 sits just before 1.1.2019 but is the year 2018 (as the offices label it).
        ticks_x = {int(p.x): p.x for p in points} | {int(year): year for year, _label in self.highlight}
        # Highlighted years are always labelled; other labels keep a year's distance from them.
        labelled = set(_thin(sorted(ticks_x), 8)) | highlighted
        labelled = {y for y in labelled if y in highlighted or all(abs(y - h) > 1 for h in highlighted)}
        for year in sorted(labelled):
            weight = "700" if year in highlighted else None
            label = text(px(ticks_x[year]), plot_bottom + 16, str(year), anchor="middle", fill=INK, font_weight=weight)
            parts.append(label)
        for i, series in enumerate(self.series):
            parts.append(self._series(i, series, px, py))
        parts.append(self._legend())
        parts.append("</svg>")
        return "".join(parts)

    def _grid(self, ticks: list[float], py: Scale, left: float, right: float) -> str:
        decimals = tick_decimals(ticks)
        parts = ['<g class="ind-svg__axis" aria-hidden="true">']
        for tick in ticks:
            pos = py(tick)
            parts.append(el("line", x1=float(left), x2=float(right), y1=pos, y2=pos, stroke=GRID))
            parts.append(text(left - 6, pos + 4, format_number(tick, decimals), anchor="end", fill=MUTED))
        parts.append("</g>")
        return "".join(parts)

    def _series(self, position: int, series: Series, px: Scale, py: Scale) -> str:
        index = series.style(position)
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        present = [(p, p.value) for p in series.points if p.value is not None]
        css = f"ind-svg__series ind-svg__series--{series.kind}" if series.kind else "ind-svg__series"
        parts = [f'<g class="{css}">']
        if len(present) > 1:
            path = " ".join(f"{'L' if j else 'M'}{num(px(p.x))},{num(py(v))}" for j, (p, v) in enumerate(present))
            dash = SERIES_DASH[index % len(SERIES_DASH)]
            parts.append(el("path", d=path, fill="none", stroke=colour, stroke_width="2", stroke_dasharray=dash))
        for p, value in present:
            parts.append(f"<g><title>{esc(f'{series.label}, {p.x_label}: {p.text}')}</title>")
            parts.append(marker(index, px(p.x), py(value), colour))
            parts.append("</g>")
        parts.append("</g>")
        return "".join(parts)

    def _legend(self) -> str:
        parts = ['<g class="ind-svg__legend">']
        x = float(self.LEFT)
        for position, series in enumerate(self.series):
            i = series.style(position)
            colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
            dash = SERIES_DASH[i % len(SERIES_DASH)]
            parts.append(
                el("line", x1=x, x2=x + 28, y1=16.0, y2=16.0, stroke=colour, stroke_width="2", stroke_dasharray=dash)
            )
            parts.append(marker(i, x + 14, 16, colour))
            parts.append(text(x + 34, 20, series.label))
            x += 44 + 7 * len(series.label)
        if self.highlight and self.highlight_note:
            parts.append(el("rect", x=x, y=8.0, width=12.0, height=16.0, fill=HIGHLIGHT_FILL, stroke=HIGHLIGHT_STROKE))
            parts.append(text(x + 18, 20, self.highlight_note))
        parts.append("</g>")
        return "".join(parts)

    def table(self) -> ChartTable:
        xs: dict[float, str] = {}
        for series in self.series:
            for p in series.points:
                xs.setdefault(p.x, p.x_label)
        highlighted = {round(h) for h, _label in self.highlight}
        rows = []
        for x in sorted(xs):
            label = xs[x]
            if round(x) in highlighted and self.highlight_note:
                label = f"{label} ({self.highlight_note})"
            cells = [next((p.text for p in s.points if p.x == x), "") for s in self.series]
            rows.append((label, *cells))
        return ChartTable(
            caption=self.title,
            columns=(self.x_label, *(s.label for s in self.series)),
            rows=tuple(rows),
            numeric=(False, *(True for _ in self.series)),
        )


def marker(index: int, x: float, y: float, colour: str) -> str:
    """Circle, square or diamond: series differ in shape, not only in colour."""
    shape = index % 3
    if shape == 0:
        return el("circle", cx=x, cy=y, r=4.5, fill=colour, stroke="#fff", stroke_width="1")
    if shape == 1:
        return el("rect", x=x - 4.5, y=y - 4.5, width=9.0, height=9.0, fill="#fff", stroke=colour, stroke_width="2")
    points = f"{num(x)},{num(y - 6)} {num(x + 6)},{num(y)} {num(x)},{num(y + 6)} {num(x - 6)},{num(y)}"
    return el("polygon", points=points, fill=colour, stroke="#fff", stroke_width="1")


def _thin(years: list[int], limit: int) -> list[int]:
    """At most ``limit`` year labels, always keeping first and last."""
    if len(years) <= limit:
        return years
    step = -(-len(years) // limit)
    kept = years[::step]
    return kept if kept[-1] == years[-1] else [*kept, years[-1]]
