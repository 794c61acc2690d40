"""Age bands from GENESIS attribute codes and from German/English labels.

An age band is ``(age_from, age_to)`` in whole years with ``age_to``
*exclusive* and :data:`~sozialplan.sources.statistics.AGE_OPEN` for "and
older"; ``(0, AGE_OPEN)`` is "all ages" (Insgesamt).

Labels say exactly what they mean: "3 bis unter 6 Jahre" is [3, 6), whereas
"60 bis 69 Jahre" (Zensus 2022) includes 69 and is therefore [60, 70).
Codes are terser and need conventions, documented at :func:`parse_age_code`;
readers prefer the label and fall back to the code (see :func:`parse_age`).
"""

from __future__ import annotations

import re
from typing import Final

from sozialplan.sources.statistics import AGE_OPEN

AgeBand = tuple[int, int]

_TOTAL_LABELS: Final = frozenset({"insgesamt", "gesamt", "zusammen", "alle altersgruppen", "total", "all ages"})

# Label patterns, matched in order against the whole normalised label (lower case, single spaces,
# dashes unified). _UNIT is an optional unit word (jahr/jahre/jahren/year/years).
_UNIT = r"(?:\s*(?:jahr(?:e|en)?|years?|j\.?))?"
_LABEL_PATTERNS: Final[list[tuple[re.Pattern[str], str]]] = [
    (re.compile(rf"(?:unter|under|younger than|bis unter) (\d+){_UNIT}"), "under"),
    (re.compile(rf"(\d+){_UNIT} (?:bis unter|to under|to less than|to below) (\d+){_UNIT}"), "range"),
    (re.compile(rf"(\d+){_UNIT} ?(?:bis|to|-) ?(\d+){_UNIT}"), "inclusive"),
    (
        re.compile(
            rf"(\d+){_UNIT} (?:und mehr|und älter|und aelter|oder älter|u\. ?m\.?|und darüber|and over|and older"
            rf"|or older|or over|and more)"
        ),
        "open",
    ),
    (re.compile(r"(\d+) ?\+"), "open"),
    # A single year needs its unit: a bare number in a header is more often a year or a code.
    (re.compile(r"(\d+) ?(?:jahre?n?|years?)(?: alt| old)?|(\d+)-jährige|(\d+)-year-olds?"), "single"),
]

# GENESIS attribute codes, see parse_age_code.
_CODE_RANGE = re.compile(r"ALT(\d{2,3})B(\d{2,3}|XXX)")
_CODE_OPEN = re.compile(r"ALT(\d{2,3})(?:UM|UMXXX|MEHR|UE)")
_CODE_UNDER = re.compile(r"ALTU(\d{1,3})")
_CODE_SINGLE = re.compile(r"ALT(?:VOLL)?(\d{3})")


def _normalise(label: str) -> str:
    text = label.strip().lower().replace("\u00a0", " ")
    text = re.sub(r"\s*[–—]\s*", "-", text)
    text = re.sub(r"\s+", " ", text)
    return text.rstrip(".:")


def _band(age_from: int, age_to: int) -> AgeBand | None:
    """A valid band (0 ≤ from < to ≤ AGE_OPEN, bounded ages below AGE_OPEN) or ``None``."""
    if age_to != AGE_OPEN and age_to >= AGE_OPEN:
        return None
    if 0 <= age_from < age_to and age_from < AGE_OPEN:
        return age_from, age_to
    return None


def parse_age_label(label: str) -> AgeBand | None:
    """The age band a German or English label names, or ``None`` if it names none.

    Examples: "unter 3 Jahre" → (0, 3); "3 bis unter 6 Jahre" → (3, 6);
    "60 bis 69 Jahre" → (60, 70) (both ends included); "75 Jahre und mehr",
    "80 Jahre und älter", "75 u.m.", "75 years and over" → (75, AGE_OPEN);
    "Unter 10 Jahre", "under 3 years" → (0, 10), (0, 3); "45 Jahre" → (45, 46);
    "Insgesamt", "Total" → (0, AGE_OPEN). A variable name such as
    "Altersgruppen (unter 1 bis 75 u.m.)" is not an age band (``None``).
    """
    text = _normalise(label)
    if text in _TOTAL_LABELS:
        return 0, AGE_OPEN
    for pattern, kind in _LABEL_PATTERNS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        numbers = [int(g) for g in match.groups() if g is not None]
        if kind == "under":
            return _band(0, numbers[0])
        if kind == "range":
            return _band(numbers[0], numbers[1])
        if kind == "inclusive":
            return _band(numbers[0], numbers[1] + 1)
        if kind == "open":
            return _band(numbers[0], AGE_OPEN)
        return _band(numbers[0], numbers[0] + 1)
    return None


def parse_age_code(code: str) -> AgeBand | None:
    """The age band of a GENESIS age attribute code, or ``None`` if unknown.

    Conventions (GENESIS ``ALTX20``, Zensus 2022 ``ALTGR2``/``ALTKL2``):

    * ``ALT000B03``: two-digit upper bound = "bis unter" → (0, 3);
      ``ALT065B75`` → (65, 75).
    * ``ALT060B069``: three-digit upper bound = "bis" including it (Zensus
      2022, "60 bis 69 Jahre") → (60, 70).
    * ``ALT075UM`` ("und mehr"), ``ALT080BXXX`` → (75, AGE_OPEN), (80, AGE_OPEN).
    * ``ALTU10`` ("unter 10") → (0, 10).
    * ``ALT045``, ``ALTVOLL045`` (single years) → (45, 46).

    Readers prefer the label, which is unambiguous; codes are the fallback.
    """
    text = code.strip().upper()
    if match := _CODE_RANGE.fullmatch(text):
        lower, upper = match.groups()
        if upper == "XXX":
            return _band(int(lower), AGE_OPEN)
        return _band(int(lower), int(upper) + 1 if len(upper) == 3 else int(upper))
    if match := _CODE_OPEN.fullmatch(text):
        return _band(int(match.group(1)), AGE_OPEN)
    if match := _CODE_UNDER.fullmatch(text):
        return _band(0, int(match.group(1)))
    if match := _CODE_SINGLE.fullmatch(text):
        return _band(int(match.group(1)), int(match.group(1)) + 1)
    return None


def parse_age(code: str, label: str) -> AgeBand | None:
    """The age band of an attribute: from its label if readable, else from its code.

    An empty code is the total of the variable ("Insgesamt") → (0, AGE_OPEN).
    """
    if not code.strip():
        return 0, AGE_OPEN
    return parse_age_label(label) or parse_age_code(code)
