"""The charts of an area profile: the Fingertips spine chart and the age pyramid.

Same contract as :mod:`sozialplan.indicators.charts`: a frozen dataclass built
by the caller with formatted texts, ``svg()`` for the picture and
``table()`` for the same numbers as an accessible table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from sozialplan.indicators.charts import INK, MUTED, ChartTable, Scale
from sozialplan.indicators.numbers import format_number
from sozialplan.indicators.svg import el, esc, nice_ticks, open_svg, text, tick_decimals, truncate

#: Spine chart bands (light: full range, dark: middle half) with 3:1 contrast between band and background.
RANGE_FILL = "#c9ccd1"
QUARTILE_FILL = "#767b8a"


@dataclass(frozen=True)
class SpineRow:
    """One indicator on the spine.

    ``value``: the area's value; ``centre``: the comparator (Kreis or Land) as
    the centre line; ``low``/``q25``/``q75``/``high``: minimum, quartiles and
    maximum of the comparable areas (e.g. all Gemeinden of the Kreis).
    ``texts`` are the formatted values in the order value, centre, low, q25,
    q75, high. ``fill`` colours the marker by ``comparison`` (whose words are
    also printed next to the chart and in the table). ``draw=False``: the
    row has text only (e.g. a Kreis's population against its Gemeinden's).
    ``period``: the row's Stichtag (German); rows of one profile may differ.
    ``comparison_short``: the comparison as drawn next to the spine where
    ``comparison`` (the table's words) is too long for the picture.
    """

    key: str
    label: str
    unit: str
    value: float | None
    centre: float | None
    low: float | None
    q25: float | None
    q75: float | None
    high: float | None
    texts: tuple[str, str, str, str, str, str]
    comparison: str
    fill: str = "#ffffff"
    draw: bool = True
    period: str = ""
    comparison_short: str = ""


@dataclass(frozen=True)
class SpineChart:
    """Every indicator of an area on one line, centred on the comparator (Fingertips spine chart)."""

    ident: str
    title: str
    description: str
    area_label: str
    centre_label: str
    range_label: str
    rows: tuple[SpineRow, ...]

    WIDTH = 880
    LABEL_WIDTH = 280
    PLOT_WIDTH = 320
    ROW = 30
    TOP = 56

    def svg(self) -> str:
        height = self.TOP + self.ROW * max(1, len(self.rows)) + 8
        x0 = self.LABEL_WIDTH + 10
        centre_x = x0 + self.PLOT_WIDTH / 2
        parts = [open_svg(self.ident, self.WIDTH, height, self.title, self.description, "ind-svg--spine")]
        parts.append(self._legend(x0))
        for i, row in enumerate(self.rows):
            top = self.TOP + i * self.ROW
            middle = top + self.ROW / 2
            parts.append(f'<g class="ind-spine__row"><title>{esc(self._row_title(row))}</title>')
            parts.append(text(x0 - 10, middle + 4, truncate(row.label, 42), anchor="end"))
            parts.extend(self._spine(row, centre_x, middle))
            parts.append(text(x0 + self.PLOT_WIDTH + 14, middle + 4, row.texts[0], css="ind-svg__value"))
            parts.append(text(x0 + self.PLOT_WIDTH + 90, middle + 4, row.comparison_short or row.comparison, fill=INK))
            parts.append("</g>")
        parts.append("</svg>")
        return "".join(parts)

    def _spine(self, row: SpineRow, centre_x: float, middle: float) -> list[str]:
        """Range, middle half, centre line and marker of one row, scaled so the centre is in the middle.

        The scale reaches the farthest of value, minimum and maximum from the
        centre, but at least 10 % of the centre, so that a small difference
        does not look like an extreme one.
        """
        if not row.draw:
            return []
        known = [v for v in (row.low, row.high, row.value) if v is not None]
        if row.centre is not None:
            centre = row.centre
        elif row.q25 is not None and row.q75 is not None:
            centre = (row.q25 + row.q75) / 2
        else:
            centre = sum(known) / len(known) if known else 0.0
        half = max([abs(v - centre) for v in known] + [abs(centre) * 0.1]) or 1.0
        reach = self.PLOT_WIDTH / 2 - 8

        def x(value: float) -> float:
            return centre_x + (value - centre) / half * reach

        parts = []
        if row.low is not None and row.high is not None:
            parts.append(_band(x(row.low), x(row.high), middle - 8, 16, RANGE_FILL))
        if row.q25 is not None and row.q75 is not None:
            parts.append(_band(x(row.q25), x(row.q75), middle - 8, 16, QUARTILE_FILL))
        if row.centre is not None:
            parts.append(el("line", x1=centre_x, x2=centre_x, y1=middle - 12, y2=middle + 12, stroke=INK))
        if row.value is not None:
            parts.append(el("circle", cx=x(row.value), cy=middle, r=6.0, fill=row.fill, stroke=INK, stroke_width="1.5"))
        return parts

    def _row_title(self, row: SpineRow) -> str:
        value, centre, low, _q25, _q75, high = row.texts
        label = f"{row.label}, {row.period}" if row.period else row.label
        return _("%(label)s: %(value)s (%(centre_label)s %(centre)s, Spannweite %(low)s bis %(high)s) – %(cmp)s") % {
            "label": label,
            "value": value,
            "centre_label": self.centre_label,
            "centre": centre,
            "low": low,
            "high": high,
            "cmp": row.comparison,
        }

    def _legend(self, x0: float) -> str:
        parts = ['<g class="ind-svg__legend">']
        parts.append(_band(x0, x0 + 24, 8, 14, RANGE_FILL))
        parts.append(text(x0 + 30, 19, _("Spannweite: %(range)s") % {"range": self.range_label}))
        parts.append(_band(x0, x0 + 24, 30, 14, QUARTILE_FILL))
        parts.append(text(x0 + 30, 41, _("mittlere Hälfte (25. bis 75. Perzentil)")))
        legend_x = x0 + self.PLOT_WIDTH + 14
        parts.append(el("line", x1=legend_x + 4, x2=legend_x + 4, y1=6.0, y2=22.0, stroke=INK))
        parts.append(text(legend_x + 14, 19, self.centre_label))
        parts.append(el("circle", cx=legend_x + 4, cy=37.0, r=6.0, fill="#ffffff", stroke=INK, stroke_width="1.5"))
        parts.append(text(legend_x + 14, 41, self.area_label))
        parts.append("</g>")
        return "".join(parts)

    def table(self) -> ChartTable:
        rows = tuple(
            (f"{r.label} ({r.unit})" if r.unit else r.label, *r.texts, r.comparison, r.period) for r in self.rows
        )
        return ChartTable(
            caption=self.title,
            columns=(
                _("Kennzahl"),
                self.area_label,
                self.centre_label,
                _("Minimum"),
                _("25. Perzentil"),
                _("75. Perzentil"),
                _("Maximum"),
                _("Vergleich mit %(centre)s") % {"centre": self.centre_label},
                _("Stichtag"),
            ),
            rows=rows,
            numeric=(False, True, True, True, True, True, True, False, False),
        )


def _band(left: float, right: float, top: float, height: float, fill: str) -> str:
    return el(
        "rect", x=min(left, right), y=float(top), width=max(abs(right - left), 2.0), height=float(height), fill=fill
    )


# Age pyramid -----------------------------------------------------------------------------------------

MALE_FILL = "#2166ac"
FEMALE_FILL = "#e08214"
TOTAL_FILL = "#41b6c4"


@dataclass(frozen=True)
class PyramidBand:
    """Persons in one age band (youngest first in :attr:`AgePyramid.bands`); texts as in the table."""

    label: str
    male: float | None
    female: float | None
    total: float | None
    male_text: str
    female_text: str
    total_text: str


@dataclass(frozen=True)
class AgePyramid:
    """Persons by age band, men left and women right (``by_sex``), or totals only.

    Bars show absolute numbers of persons; bands may differ in width (the
    official 17 groups do), which the description and the table say.
    """

    ident: str
    title: str
    description: str
    bands: tuple[PyramidBand, ...]
    by_sex: bool

    WIDTH = 680
    ROW = 20
    TOP = 34
    BOTTOM = 30
    AGE_COLUMN = 130

    def svg(self) -> str:
        height = self.TOP + self.ROW * max(1, len(self.bands)) + self.BOTTOM
        parts = [open_svg(self.ident, self.WIDTH, height, self.title, self.description, "ind-svg--pyramid")]
        values = [v for b in self.bands for v in ((b.male, b.female) if self.by_sex else (b.total,)) if v is not None]
        ticks = nice_ticks(0.0, max(values, default=1.0), 4)
        if self.by_sex:
            parts.extend(self._two_sided(ticks, height))
        else:
            parts.extend(self._one_sided(ticks, height))
        parts.append("</svg>")
        return "".join(parts)

    def _rows(self) -> list[tuple[int, PyramidBand]]:
        # Oldest at the top, as in every population pyramid.
        return list(enumerate(reversed(self.bands)))

    def _two_sided(self, ticks: list[float], height: float) -> list[str]:
        half = (self.WIDTH - self.AGE_COLUMN) / 2 - 10
        centre_left = 10 + half
        centre_right = centre_left + self.AGE_COLUMN
        scale = half / ticks[-1]
        parts = [
            text(centre_left, 20, _("Männer"), anchor="end", css="ind-svg__head"),
            text(centre_right, 20, _("Frauen"), css="ind-svg__head"),
        ]
        parts.append(_pyramid_axis(ticks, lambda v: centre_left - v * scale, self.TOP, height - self.BOTTOM))
        parts.append(_pyramid_axis(ticks, lambda v: centre_right + v * scale, self.TOP, height - self.BOTTOM))
        for i, band in self._rows():
            top = self.TOP + i * self.ROW
            middle = top + self.ROW / 2 + 4
            title = _("%(age)s: Männer %(male)s, Frauen %(female)s") % {
                "age": band.label,
                "male": band.male_text,
                "female": band.female_text,
            }
            parts.append(f"<g><title>{esc(title)}</title>")
            parts.append(text((centre_left + centre_right) / 2, middle, band.label, anchor="middle", font_size="12"))
            if band.male is not None:
                width = band.male * scale
                parts.append(_bar(centre_left - width, top, width, self.ROW, MALE_FILL))
            if band.female is not None:
                parts.append(_bar(centre_right, top, band.female * scale, self.ROW, FEMALE_FILL))
            parts.append("</g>")
        return parts

    def _one_sided(self, ticks: list[float], height: float) -> list[str]:
        left = self.AGE_COLUMN + 10
        scale = (self.WIDTH - left - 20) / ticks[-1]
        parts = [text(left, 20, _("Personen insgesamt"), css="ind-svg__head")]
        parts.append(_pyramid_axis(ticks, lambda v: left + v * scale, self.TOP, height - self.BOTTOM))
        for i, band in self._rows():
            top = self.TOP + i * self.ROW
            middle = top + self.ROW / 2 + 4
            parts.append(f"<g><title>{esc(f'{band.label}: {band.total_text}')}</title>")
            parts.append(text(left - 8, middle, band.label, anchor="end", font_size="12"))
            if band.total is not None:
                parts.append(_bar(left, top, band.total * scale, self.ROW, TOTAL_FILL))
            parts.append("</g>")
        return parts

    def table(self) -> ChartTable:
        rows = tuple((b.label, b.male_text, b.female_text, b.total_text) for b in self.bands)
        return ChartTable(
            caption=self.title,
            columns=(_("Altersgruppe"), _("Männer"), _("Frauen"), _("insgesamt")),
            rows=rows,
            numeric=(False, True, True, True),
        )


def _bar(left: float, top: float, width: float, row: float, fill: str) -> str:
    return el(
        "rect", x=left, y=top + 2.0, width=max(width, 0.5), height=row - 4.0, fill=fill, stroke=INK, stroke_width="0.5"
    )


def _pyramid_axis(ticks: list[float], x: Scale, top: float, bottom: float) -> str:
    decimals = tick_decimals(ticks)
    parts = ['<g class="ind-svg__axis" aria-hidden="true">']
    for tick in ticks:
        pos = x(tick)
        parts.append(el("line", x1=pos, x2=pos, y1=float(top), y2=float(bottom), stroke="#d0d3d9"))
        parts.append(text(pos, bottom + 16, format_number(tick, decimals), anchor="middle", fill=MUTED, font_size="11"))
    parts.append("</g>")
    return "".join(parts)
