"""Common shape of every statistical table we read, whatever its file format.

A reader (GENESIS flat file, classic GENESIS CSV, XLSX, Zensus grid,
projection table) turns a file into a :class:`StatTable`: one
:class:`StatValue` per published number, with its region key as printed in
the file, the measure (GENESIS "Merkmal" code, e.g. ``BEVSTD``), the period,
and the breakdown by sex and age as canonical fields.

Statistical symbols are data, not zeros: a cell that holds a symbol has
``value=None`` (or the value, for ``()``) and ``flag`` set to the symbol.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final

#: Upper age bound meaning "and older" (open-ended band) or "all ages".
AGE_OPEN: Final = 999

#: The statistical symbols of the German statistical offices (Zeichenerklärung),
#: with their meaning as shown to the user.
SYMBOLS: Final[dict[str, str]] = {
    "-": "nichts vorhanden (genau null)",
    ".": "Zahlenwert unbekannt oder geheim zu halten",
    "x": "Tabellenfach gesperrt, weil Aussage nicht sinnvoll",
    "...": "Angabe fällt später an",
    "/": "keine Angaben, da Zahlenwert nicht sicher genug",
    "()": "Aussagewert eingeschränkt, da der Zahlenwert statistisch relativ unsicher ist",
}

#: Symbols that carry no number; ``()`` keeps its (uncertain) number, ``-`` means 0
#: but is still kept as a flag so the user sees "nothing" rather than a measured 0.
SYMBOLS_WITHOUT_VALUE: Final = frozenset({".", "x", "...", "/"})


class Sex:
    """Canonical sex codes ('' = insgesamt)."""

    TOTAL: Final = ""
    MALE: Final = "m"
    FEMALE: Final = "w"


class Measure:
    """Canonical measure codes (GENESIS value variable codes where one exists)."""

    # Persons, whatever the source: Fortschreibung (GENESIS ``BEVSTD``) or Zensus
    # (``PRS001``/``PRS018`` in 1000A tables); readers map those codes here.
    # The dataset says which source; Zensus and Fortschreibung differ in period.
    POPULATION: Final = "BEVSTD"
    BIRTHS: Final = "GEB"  # Lebendgeborene
    DEATHS: Final = "GES"  # Gestorbene
    IN_MIGRATION: Final = "ZUZ"  # Zuzüge über die Gemeindegrenze
    OUT_MIGRATION: Final = "FORTZ"  # Fortzüge über die Gemeindegrenze
    HOUSEHOLDS: Final = "HH"  # Privathaushalte
    SINGLE_PARENTS: Final = "HHALLEIN"  # Haushalte Alleinerziehender


@dataclass(frozen=True)
class StatValue:
    """One published number.

    ``region_key`` is the key as printed (digits only, leading zeros kept):
    2 = Land, 5 = Kreis, 8 = AGS of a Gemeinde, 9 = Gemeindeverband,
    12 = ARS; ``"DG"`` for Deutschland. ``age_from``/``age_to`` give the age
    band in whole years, ``age_to`` exclusive, ``AGE_OPEN`` = open-ended;
    ``(0, AGE_OPEN)`` = all ages. ``breakdown`` holds other breakdown variables
    canonically as ``"CODE=ATTR;CODE=ATTR"`` (sorted), ``""`` for none.
    ``variant`` names a projection variant (e.g. ``"G2L2W1"``), ``""`` for
    observed data. ``value`` is in persons (or the unit) after applying the
    table's scale (e.g. 12421 tables are in 1000 persons: multiplied out).
    """

    region_key: str
    region_name: str
    measure: str
    period: dt.date
    value: float | None
    flag: str = ""
    sex: str = Sex.TOTAL
    age_from: int = 0
    age_to: int = AGE_OPEN
    breakdown: str = ""
    variant: str = ""
    measure_label: str = ""
    unit: str = ""
    line: int | None = None


@dataclass
class StatTable:
    """A statistical table read from one file.

    ``format`` is one of ``genesis-ffcsv``, ``genesis-classic``,
    ``genesis-xlsx``, ``zensus-grid``, ``projection-csv``; ``language`` is
    ``de`` or ``en`` (labels differ, codes and values do not).
    ``notes`` are German sentences for the preview (e.g. footnotes).
    """

    code: str
    title: str
    format: str
    language: str = "de"
    source: str = ""
    licence: str = ""
    values: list[StatValue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def periods(self) -> list[dt.date]:
        return sorted({v.period for v in self.values})

    @property
    def measures(self) -> list[str]:
        return sorted({v.measure for v in self.values})

    @property
    def region_keys(self) -> list[str]:
        return sorted({v.region_key for v in self.values})


def describe_symbol(flag: str) -> str:
    """German meaning of a statistical symbol ('' for none)."""
    return SYMBOLS.get(flag, "")
