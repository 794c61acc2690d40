"""How indicator values read on screen: German number format, symbols, notes.

Used by the pages (atlas, overview, profile) and their charts, so that a value
reads the same everywhere: ``1.234,5`` (German separators, U+2212 minus),
``< 3`` for a suppressed small count and ``unterdrückt`` for a share or rate
hidden because its count is small (``< 3`` next to a percent unit would read
as "under 3 %"), each explained by :func:`suppressed_note`; the statistical
symbol for a value the office did not publish, and ``(12,3)`` for an
uncertain value (flag ``()``).

Comparisons that involve an estimate or a projection are by point value only
(:mod:`sozialplan.indicators.benchmarking`); :func:`comparison_key` gives
them their own key (``estimate_higher`` …) with marker, colour and legend
entry, and :func:`comparison_text` adds :func:`modelled_note`.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from sozialplan.indicators.catalogue import IndicatorDefinition
from sozialplan.indicators.compute import COMPARISON_LABELS, IndicatorValue
from sozialplan.indicators.numbers import MINUS, format_number
from sozialplan.sources.statistics import SYMBOLS


def threshold() -> int:
    """The small-number threshold of public views (``settings.SMALL_NUMBER_THRESHOLD``)."""
    return int(settings.SMALL_NUMBER_THRESHOLD)


def suppressed_note() -> str:
    """What a suppressed value means (footnote and ``<abbr title>`` of "unterdrückt" and "< 3")."""
    return _("Anzahl unter %(threshold)d, zum Schutz kleiner Fallzahlen nicht gezeigt") % {"threshold": threshold()}


def modelled_note() -> str:
    """The remark on every comparison that involves an estimate or a projection."""
    return _("Schätzung: Vergleich ohne Signifikanzaussage")


def value_text(value: IndicatorValue | None, definition: IndicatorDefinition) -> str:
    """The value as shown in a table cell.

    Suppressed → ``"< 3"`` for a count, ``"unterdrückt"`` for a share, rate
    or density (see :func:`suppressed_note`); no value but a statistical
    symbol → the symbol; no value at all → ``"–"``; uncertain (``()``) → the
    number in parentheses.
    """
    if value is None:
        return "–"
    if value.suppressed:
        return f"< {threshold()}" if definition.is_count else _("unterdrückt")
    if value.value is None:
        return value.flag if value.flag in SYMBOLS else "–"
    text = format_number(value.value, definition.decimals)
    return f"({text})" if value.flag == "()" else text


def interval_text(value: IndicatorValue | None, definition: IndicatorDefinition) -> str:
    """The 95 % confidence interval as ``"12,1 bis 13,4"``, ``""`` where there is none."""
    if value is None or value.lower is None or value.upper is None:
        return ""
    decimals = definition.decimals
    return _("%(lower)s bis %(upper)s") % {
        "lower": format_number(value.lower, decimals),
        "upper": format_number(value.upper, decimals),
    }


def notes(value: IndicatorValue | None) -> list[str]:
    """German remarks on a value: estimate, projection, symbol meaning, suppression, why it is missing."""
    if value is None:
        return [_("keine Angabe")]
    result: list[str] = []
    if value.suppressed:
        result.append(suppressed_note())
    if value.flag in SYMBOLS:
        result.append(f"„{value.flag}“: {SYMBOLS[value.flag]}")
    if value.estimate:
        result.append(_("Schätzung"))
    if value.projected:
        result.append(_("Vorausberechnung"))
    if value.value is None and not value.suppressed and value.missing:
        result.append(value.missing)
    elif value.value is None and not value.suppressed and not value.flag:
        result.append(_("keine Angabe"))
    return result


def comparison_text(comparison: str, comparator: str, *, modelled: bool = False) -> str:
    """E.g. ``"höher als Kreis"``; ``"nicht verglichen"`` without a comparison.

    ``modelled``: the comparison is by point value (an estimate or projection
    is involved), the text ends with ``"(Schätzung: Vergleich ohne Signifikanzaussage)"``.
    """
    label = COMPARISON_LABELS.get(comparison, COMPARISON_LABELS["not_compared"])
    if comparison in ("not_compared", ""):
        return label
    if comparison == "similar":
        text = _("%(label)s wie %(comparator)s") % {"label": label, "comparator": comparator}
    else:
        text = _("%(label)s als %(comparator)s") % {"label": label, "comparator": comparator}
    return f"{text} ({modelled_note()})" if modelled else text


def comparison_label(comparison: str, *, modelled: bool = False) -> str:
    """The comparison in one word (``"höher"``), with the note of :func:`modelled_note` if ``modelled``."""
    label = COMPARISON_LABELS.get(comparison, COMPARISON_LABELS["not_compared"])
    return f"{label} ({modelled_note()})" if modelled and comparison != "not_compared" else label


#: Prefix of the display keys of comparisons by point value (an estimate or projection is involved).
MODELLED_PREFIX = "estimate_"


def comparison_key(comparison: str, *, modelled: bool = False) -> str:
    """The key of marker, colour, CSS class and legend entry: ``"estimate_higher"`` etc. for a modelled comparison."""
    return f"{MODELLED_PREFIX}{comparison}" if modelled and comparison != "not_compared" else comparison


#: Short marker shown next to every coloured benchmark cell, so colour is never the only carrier.
COMPARISON_MARKERS: dict[str, str] = {
    "better": "+",
    "worse": MINUS,
    "similar": "=",
    "higher": "▲",
    "lower": "▼",
    "not_compared": "",
    # By point value (estimate or projection involved): hollow shapes, no claim of significance.
    "estimate_higher": "△",
    "estimate_lower": "▽",
    "estimate_similar": "≈",
}
