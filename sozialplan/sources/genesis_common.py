"""Rules shared by the GENESIS readers: variables, measures, periods, and the final check.

GENESIS describes every number by variables ("Merkmale", e.g. ``KREISE``,
``GES``, ``ALTX20``) with attribute codes ("Ausprägungen", e.g. ``16069``,
``GESM``, ``ALT075UM``). The readers map them onto
:class:`~sozialplan.sources.statistics.StatValue` the same way:

* the **region variable** (code starting with ``GEO`` or ``GEMEIN``, or one of
  ``DINSG``, ``DLAND``, ``LAND``, ``KREISE``, ``REGBEZ``) gives ``region_key``,
  the attribute code as printed (leading zeros kept, ``DG`` = Deutschland);
* the **sex variable** (``GES``, ``GESCH…``) gives ``sex``;
* an **age variable** (code starting with ``ALT``) gives the age band;
* every other variable becomes an entry ``CODE=ATTR`` of ``breakdown``
  (sorted, joined by ``;``); the total of a variable (empty attribute code,
  "Insgesamt") gives no entry, so the overall total has ``breakdown == ""``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Final

from sozialplan.sources.errors import SourceError
from sozialplan.sources.statistics import SYMBOLS, Measure, Sex, StatTable, StatValue

_REGION_CODES: Final = frozenset({"DINSG", "DLAND", "LAND", "KREISE", "REGBEZ"})
_REGION_PREFIXES: Final = ("GEO", "GEMEIN")

_SEX_BY_CODE: Final[dict[str, str]] = {
    "GESM": Sex.MALE,
    "GESCHM": Sex.MALE,
    "GESW": Sex.FEMALE,
    "GESCHW": Sex.FEMALE,
}
_SEX_BY_LABEL: Final[dict[str, str]] = {
    "männlich": Sex.MALE,
    "maennlich": Sex.MALE,
    "male": Sex.MALE,
    "weiblich": Sex.FEMALE,
    "female": Sex.FEMALE,
    "insgesamt": Sex.TOTAL,
    "total": Sex.TOTAL,
    "zusammen": Sex.TOTAL,
}

#: GENESIS value variable codes that are all "persons" (Fortschreibung, Zensus 2022).
POPULATION_CODES: Final = frozenset({"BEVSTD", "PRS001", "PRS018"})

#: Value variable labels (lower case) of the measures the indicator catalogue uses.
MEASURE_LABELS: Final[dict[str, str]] = {
    "bevölkerungsstand": Measure.POPULATION,
    "bevölkerung": Measure.POPULATION,
    "personen": Measure.POPULATION,
    "population": Measure.POPULATION,
    "persons": Measure.POPULATION,
    "lebendgeborene": Measure.BIRTHS,
    "gestorbene": Measure.DEATHS,
    "zuzüge über die gemeindegrenzen": Measure.IN_MIGRATION,
    "fortzüge über die gemeindegrenzen": Measure.OUT_MIGRATION,
    "privathaushalte": Measure.HOUSEHOLDS,
}

#: Meanings of the GENESIS quality letters of the ``value_q`` column, for notes.
QUALITY_MEANINGS: Final[dict[str, str]] = {
    "e": "endgültiger Wert",
    "p": "vorläufiger Wert",
    "r": "berichtigter Wert",
    "s": "geschätzter Wert",
}

#: Field lengths of ``indicators.Observation`` and ``regions.Region.key``.
MAX_MEASURE, MAX_BREAKDOWN, MAX_KEY = 40, 200, 12

_KEY = re.compile(r"[0-9A-Za-z]{1,12}")
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def is_region_variable(code: str) -> bool:
    """Whether a GENESIS variable code is a regional one (its attributes are region keys)."""
    upper = code.strip().upper()
    return upper in _REGION_CODES or upper.startswith(_REGION_PREFIXES)


def is_sex_variable(code: str) -> bool:
    upper = code.strip().upper()
    return upper == "GES" or upper.startswith("GESCH")


def is_age_variable(code: str) -> bool:
    return code.strip().upper().startswith("ALT")


def sex_of(code: str, label: str) -> str | None:
    """``''``/``'m'``/``'w'`` for a sex attribute (empty code = total), ``None`` if unknown."""
    upper = code.strip().upper()
    if not upper:
        return Sex.TOTAL
    return _SEX_BY_CODE.get(upper) or _SEX_BY_LABEL.get(label.strip().lower())


def sex_of_label(label: str) -> str | None:
    """``''``/``'m'``/``'w'`` for a printed sex label ("männlich", "female", "Insgesamt"), else ``None``."""
    return _SEX_BY_LABEL.get(label.strip().lower())


def measure_code(code: str, label: str = "") -> str:
    """The canonical measure of a value variable.

    ``BEVSTD``, ``PRS001``, ``PRS018`` and the labels "Bevölkerungsstand" and
    "Personen" are :data:`Measure.POPULATION`; other codes are kept
    (upper case); without a code, known labels map to the catalogue's
    measures and other labels become an upper-case code made of the label
    (letters, digits and ``_``, at most 40 characters). ``""`` if both are empty.
    """
    upper = code.strip().upper()
    if upper in POPULATION_CODES:
        return Measure.POPULATION
    if upper:
        return upper
    text = " ".join(label.split()).lower()
    if text in MEASURE_LABELS:
        return MEASURE_LABELS[text]
    slug = text.upper().replace("Ä", "AE").replace("Ö", "OE").replace("Ü", "UE").replace("ß", "SS")
    return re.sub(r"[^0-9A-Z]+", "_", slug).strip("_")[:MAX_MEASURE]


def parse_period(text: str) -> dt.date | None:
    """A reference date: ISO ``2024-12-31``, German ``31.12.2018``, or a year ``2018`` (→ 31.12.).

    ``None`` if the text is none of these.
    """
    s = text.strip()
    if len(s) == 4 and s.isascii() and s.isdigit():
        year = int(s)
        return dt.date(year, 12, 31) if year >= 1 else None
    try:
        if len(s) == 10 and s[4] == "-":
            return dt.date.fromisoformat(s)
        if match := _GERMAN_DATE.fullmatch(s):
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


def clean_region_key(key: str) -> str | None:
    """The key as printed without surrounding spaces, if it looks like one (letters/digits, ≤ 12)."""
    s = key.strip()
    return s if _KEY.fullmatch(s) else None


def breakdown_of(entries: Iterable[tuple[str, str]]) -> str:
    """``CODE=ATTR`` entries sorted and joined by ``;``; empty attributes (totals) are left out."""
    return ";".join(sorted(f"{code.strip()}={attr.strip()}" for code, attr in entries if attr.strip()))


def quality_note(counts: dict[str, int]) -> str:
    """A German note on the quality letters of a ``value_q`` column, e.g. "e = endgültiger Wert (1003 Werte)"."""
    parts = []
    for letter, count in sorted(counts.items()):
        meaning = QUALITY_MEANINGS.get(letter.lower())
        parts.append(f"„{letter}“{f' = {meaning}' if meaning else ''} ({count} Werte)")
    return "Qualitätskennzeichen: " + ", ".join(parts) + "."


def finish_table(table: StatTable, *, file: str) -> StatTable:
    """Check a table before it leaves a reader; returns it, or raises ``SourceError``.

    Refuses an empty table, over-long measure codes, breakdowns or keys (they
    would not fit the database), unknown flags, and two different numbers
    for the same key (region, measure, period, sex, age band, breakdown,
    variant). An exact repetition of a value is dropped, with a note.
    """
    if not table.values:
        raise SourceError("Die Datei enthält keine Werte.", file=file)
    seen: dict[tuple[object, ...], StatValue] = {}
    unique: list[StatValue] = []
    repeated = 0
    for value in table.values:
        _check_fields(value, file=file)
        key = (
            value.region_key,
            value.measure,
            value.period,
            value.sex,
            value.age_from,
            value.age_to,
            value.breakdown,
            value.variant,
        )
        earlier = seen.get(key)
        if earlier is None:
            seen[key] = value
            unique.append(value)
        elif (earlier.value, earlier.flag) == (value.value, value.flag):
            repeated += 1
        else:
            where = f"Zeilen {earlier.line} und {value.line}" if earlier.line and value.line else "zweimal"
            raise SourceError(
                f"Für {value.region_key} ({value.region_name}) stehen in derselben Gliederung zwei verschiedene "
                f"Werte ({where}). Die Spalten oder Zeilen sind nicht eindeutig beschriftet.",
                file=file,
                line=value.line,
            )
    if repeated:
        table.notes.append(f"{repeated} doppelt aufgeführte Werte wurden nur einmal übernommen.")
    table.values = unique
    return table


def _check_fields(value: StatValue, *, file: str) -> None:
    if not value.measure or len(value.measure) > MAX_MEASURE:
        raise SourceError(f"Das Merkmal „{value.measure[:60]}“ ist leer oder zu lang.", file=file, line=value.line)
    if len(value.breakdown) > MAX_BREAKDOWN:
        raise SourceError(
            f"Die Gliederung „{value.breakdown[:60]}…“ ist länger als {MAX_BREAKDOWN} Zeichen.",
            file=file,
            line=value.line,
        )
    if not value.region_key or len(value.region_key) > MAX_KEY:
        raise SourceError(f"Der Regionalschlüssel „{value.region_key}“ ist ungültig.", file=file, line=value.line)
    if value.flag and value.flag not in SYMBOLS:
        raise SourceError(f"Unbekanntes Zeichen „{value.flag}“.", file=file, line=value.line)
