"""Template helpers of the indicator pages: charts as inline SVG, their tables, colour swatches."""

from __future__ import annotations

from typing import Protocol

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from sozialplan.indicators.charts import ChartTable

register = template.Library()


class Chart(Protocol):
    def svg(self) -> str: ...

    def table(self) -> ChartTable: ...


@register.filter
def chart_svg(chart: Chart) -> SafeString:
    """The chart's SVG markup; every text from data in it is escaped by :mod:`sozialplan.indicators.svg`."""
    return mark_safe(chart.svg())  # noqa: S308 - built from escaped parts only


@register.filter
def chart_table(chart: Chart) -> ChartTable:
    return chart.table()


@register.simple_tag
def swatch(colour: str, missing: bool = False) -> SafeString:
    """A small colour square for legends (SVG presentation attributes: allowed under the strict CSP).

    ``missing``: white with diagonal hatching, the "keine Angabe" pattern of the map.
    """
    hatch = ""
    if missing:
        hatch = "".join(
            f'<line x1="{x}" y1="17" x2="{x + 16}" y2="1" stroke="#767676" stroke-width="1.5"/>' for x in (-10, -4, 2)
        )
    return format_html(
        '<svg class="ind-swatch" width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" focusable="false">'
        '<rect x="0.5" y="0.5" width="17" height="17" fill="{}" stroke="#1f1f1f"/>{}</svg>',
        colour,
        mark_safe(hatch),  # noqa: S308 - constant markup
    )
