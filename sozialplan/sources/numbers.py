"""Numbers and statistical symbols as printed in German and English statistical tables.

A table cell holds either a number (``1541``, ``1.234``, ``1 234``,
``1234,5``; English ``1,234.5``), a statistical symbol of the German
statistical offices (Zeichenerklärung, see
:data:`sozialplan.sources.statistics.SYMBOLS`) or a number in parentheses,
which is the symbol ``()`` with its (uncertain) value.

How symbols become values (``parse_cell`` returns ``(value, flag)``):

* ``-`` (also the dashes ``–`` and ``—``): *exactly nothing*, so the value is
  ``0.0`` and sums over it work; the flag ``-`` is kept so the user sees
  "nichts vorhanden" rather than a measured 0. Note that some tables (e.g.
  12411-02-03-5-B) also print ``-`` for regions that did not exist yet.
* ``.``, ``x``, ``...`` (also ``…``), ``/``: no number, the value is ``None``.
* ``(123)``: the value 123 with flag ``()`` ("Aussagewert eingeschränkt").
"""

from __future__ import annotations

import re
from typing import Final

#: Printed forms of the symbols → canonical flag (keys of ``statistics.SYMBOLS``).
SYMBOL_ALIASES: Final[dict[str, str]] = {
    "-": "-",
    "–": "-",
    "—": "-",
    ".": ".",
    "x": "x",
    "X": "x",
    "...": "...",
    "…": "...",
    "/": "/",
    "()": "()",
}

# Thousands separators: the language's own plus spaces (normal, no-break, narrow no-break, thin).
_SPACES = " \u00a0\u202f\u2009"
_NUMBER: Final[dict[str, re.Pattern[str]]] = {
    "de": re.compile(rf"(\d{{1,3}}(?:[.{_SPACES}]\d{{3}})+|\d+)(?:,(\d+))?"),
    "en": re.compile(rf"(\d{{1,3}}(?:[,{_SPACES}]\d{{3}})+|\d+)(?:\.(\d+))?"),
}
_MINUS = ("-", "−", "–")


def parse_number(text: str, language: str = "de") -> float:
    """A number as printed, e.g. ``"1.234,5"`` (de) or ``"1,234.5"`` (en) → ``1234.5``.

    Thousands separators must separate groups of exactly three digits
    (``"1.5"`` is not a German number); spaces are thousands separators in
    both languages. A leading minus (``-``, ``−``) or plus sign is allowed.
    Raises ``ValueError`` for anything else (also for ``language`` other than
    ``de``/``en``).
    """
    pattern = _NUMBER.get(language)
    if pattern is None:
        raise ValueError(f"unknown language {language!r}")
    s = text.strip()
    sign = 1.0
    if s[:1] in _MINUS or s[:1] == "+":
        sign = -1.0 if s[:1] != "+" else 1.0
        s = s[1:]
    match = pattern.fullmatch(s)
    if match is None:
        raise ValueError(text)
    whole = re.sub(r"\D", "", match.group(1))
    fraction = match.group(2)
    return sign * float(f"{whole}.{fraction}" if fraction else whole)


def parse_cell(text: str, language: str = "de") -> tuple[float | None, str]:
    """The value and statistical flag of one table cell.

    ``language`` (``de`` or ``en``) decides the decimal separator: German
    ``1.234,5``, English ``1,234.5``. Returns ``(value, flag)`` with ``flag``
    ``""`` for a plain number; symbols as described in the module docstring
    (``"-"`` → ``(0.0, "-")``, ``"."`` → ``(None, ".")``, ``"(12)"`` →
    ``(12.0, "()")``). An empty cell gives ``(None, "")``; the caller decides
    whether that is allowed. Raises ``ValueError`` for text that is neither.
    """
    s = text.strip()
    if s.isascii() and s.isdigit():  # the common case, kept fast for big files
        return float(s), ""
    if not s:
        return None, ""
    flag = SYMBOL_ALIASES.get(s)
    if flag == "-":
        return 0.0, "-"
    if flag == "()":
        raise ValueError(text)  # "()" needs its number inside
    if flag is not None:
        return None, flag
    if len(s) > 2 and s[0] == "(" and s[-1] == ")":
        return parse_number(s[1:-1], language), "()"
    return parse_number(s, language), ""
