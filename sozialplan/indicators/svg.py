"""Small helpers to write SVG text safely: escaping, coordinates, axis ticks.

Charts (:mod:`sozialplan.indicators.charts`) are plain strings of SVG so that
the same markup goes into a web page (inline, under a strict CSP: no
``style`` attributes, only presentation attributes like ``fill``) and into a
report. Every text that comes from data is escaped here.
"""

from __future__ import annotations

import datetime as dt
import math
from html import escape


def esc(text: object) -> str:
    """``text`` escaped for SVG text content and attribute values."""
    return escape(str(text), quote=True)


def num(value: float) -> str:
    """A coordinate with at most one decimal place, no trailing zeros (``12``, ``12.5``)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def attrs(**values: object) -> str:
    """``key="value"`` pairs; ``_`` in names becomes ``-`` (``stroke_width`` → ``stroke-width``).

    ``None`` values are left out; floats are written with :func:`num`.
    """
    parts = []
    for name, value in values.items():
        if value is None:
            continue
        key = name.rstrip("_").replace("_", "-")
        text = num(value) if isinstance(value, float) else str(value)
        parts.append(f'{key}="{esc(text)}"')
    return " ".join(parts)


def el(tag: str, **values: object) -> str:
    """An empty element, e.g. ``el("rect", x=1.0, fill="#fff")`` → ``<rect x="1" fill="#fff"/>``."""
    return f"<{tag} {attrs(**values)}/>"


def text(x: float, y: float, content: str, *, anchor: str = "start", css: str = "", **extra: object) -> str:
    """A ``<text>`` element at (x, y) (y = baseline)."""
    values = attrs(x=float(x), y=float(y), text_anchor=anchor, class_=css or None, **extra)
    return f"<text {values}>{esc(content)}</text>"


def truncate(label: str, limit: int) -> str:
    """``label`` cut to ``limit`` characters with an ellipsis (the full text stays in the table and tooltip)."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def open_svg(ident: str, width: float, height: float, title: str, description: str, css: str) -> str:
    """The opening ``<svg>`` with ``role="img"``, ``<title>`` and ``<desc>`` referenced by ``aria-labelledby``."""
    head = attrs(
        xmlns="http://www.w3.org/2000/svg",
        class_=f"ind-svg {css}",
        viewBox=f"0 0 {num(width)} {num(height)}",
        width=num(width),
        height=num(height),
        role="img",
        aria_labelledby=f"{ident}-title {ident}-desc",
        id=ident,
        font_family="Fira Sans, Arial, sans-serif",
        font_size="13",
    )
    return (
        f"<svg {head}><title {attrs(id=f'{ident}-title')}>{esc(title)}</title>"
        f"<desc {attrs(id=f'{ident}-desc')}>{esc(description)}</desc>"
    )


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round axis ticks (1, 2, 2.5, 5 × 10ⁿ steps) covering ``[low, high]``; first and last tick are the domain.

    Equal ``low`` and ``high`` are widened by 10 % (or to ``[0, 1]`` for 0);
    the result always has at least two ticks.
    """
    if high < low:
        low, high = high, low
    # Equal values (also equal up to float noise, e.g. 42.0 and 41.99999999999) get a visible range.
    if high - low <= 1e-9 * max(1.0, abs(low), abs(high)):
        if low == 0:
            high = 1.0
        else:
            pad = abs(low) * 0.1
            low, high = low - pad, high + pad
    raw = (high - low) / max(1, count)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude * 10
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude * (1 + 1e-9):
            step = factor * magnitude
            break
    start = math.floor(low / step + 1e-9) * step
    end = math.ceil(high / step - 1e-9) * step
    steps = max(1, round((end - start) / step))
    digits = max(0, 3 - math.floor(math.log10(step)))  # drop float noise like 0.30000000000000004
    return [round(start + i * step, digits) for i in range(steps + 1)]


def tick_decimals(ticks: list[float]) -> int:
    """Decimal places needed to print the ticks exactly (0–3)."""
    for decimals in range(4):
        if all(abs(t * 10**decimals - round(t * 10**decimals)) < 1e-6 for t in ticks):
            return decimals
    return 3


def decimal_year(day: dt.date) -> float:
    """The date as a year with fraction, for time axes (31.12.2018 → 2018.997…)."""
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length
