"""Numbers in German notation for pages, charts and reports (Django-free)."""

from __future__ import annotations

import math

MINUS = "\u2212"


def format_number(value: float | None, decimals: int = 0) -> str:
    """``value`` rounded to ``decimals`` places in German notation; ``"–"`` for ``None``/NaN/infinity.

    Thousands are grouped with ``.``, the decimal separator is ``,``, negative
    numbers carry a real minus sign (U+2212, screen readers say "minus"); a
    value that rounds to zero has no sign.
    """
    if value is None or math.isnan(value) or math.isinf(value):
        return "–"
    decimals = max(0, decimals)
    text = f"{abs(value):,.{decimals}f}".replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    rounded_zero = float(f"{abs(value):.{decimals}f}") == 0
    return f"{MINUS}{text}" if value < 0 and not rounded_zero else text
