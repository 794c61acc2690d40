"""Reader of GENESIS flat-file CSV (ffcsv) table 1000A-0000: Zensus 2022 population per Gemeinde.

The ffcsv format has one value per row: UTF-8 with BOM, ``;`` separator,
columns ``statistics_code;…;time;1_variable_code;…;1_variable_attribute_code;
1_variable_attribute_label;value;…``. In 1000A-0000 the attribute code of a
Gemeinde row (``1_variable_code`` ``GEOGM…``) is its 12-digit ARS and the value
is the population on the Zensus day 15.05.2022 (column ``time``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sozialplan.sources.errors import SourceError
from sozialplan.sources.textfile import decode_utf8, file_label, parse_german_int, read_bytes

REQUIRED_COLUMNS = (
    "statistics_code",
    "time",
    "1_variable_code",
    "1_variable_attribute_code",
    "1_variable_attribute_label",
    "value",
)
TABLE = "1000A"


@dataclass(frozen=True, slots=True)
class CensusPopulation:
    """Population of one Gemeinde (12-digit ARS) on ``date`` (15.05.2022 for the Zensus 2022)."""

    ars: str
    name: str
    population: int
    date: dt.date
    line: int


def looks_like_zensus_ffcsv(head: str) -> bool:
    first = head.lstrip("\ufeff").split("\n", 1)[0]
    return first.startswith("statistics_code;") and "1_variable_attribute_code" in first


def read_zensus_population(
    source: Path | bytes, *, file: str | None = None, only: str | None = None
) -> Iterator[CensusPopulation]:
    """Yield the Gemeinde rows of a 1000A-0000 ffcsv (Deutschland and other levels are skipped).

    ``only`` keeps ARS starting with that prefix. ``SourceError`` when the
    file is another table, has a second variable dimension (then one value
    per Gemeinde is not the total), or a value is not a whole number.
    """
    label = file or (file_label(source, "ffcsv") if isinstance(source, Path) else "ffcsv")
    text = decode_utf8(read_bytes(source, file=label), file=label)
    if "\x00" in text:
        raise SourceError("Die Datei enthält NUL-Bytes.", file=label)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        header = next(reader)
    except StopIteration:
        raise SourceError("Die Datei ist leer.", file=label) from None
    except csv.Error as exc:
        raise SourceError(f"Kopfzeile nicht lesbar ({exc}).", file=label, line=1) from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise SourceError("Es fehlen die Spalten " + ", ".join(f"„{c}“" for c in missing) + ".", file=label, line=1)
    if "2_variable_code" in header:
        raise SourceError(
            "Die Tabelle hat mehr als ein Merkmal; erwartet ist 1000A-0000 (Einwohner je Gemeinde).", file=label, line=1
        )
    col = {name: i for i, name in enumerate(header)}
    seen: set[str] = set()
    try:
        for row in reader:
            record = _row(row, col, len(header), label=label, lineno=reader.line_num, only=only)
            if record is None:
                continue
            if record.ars in seen:
                raise SourceError(
                    f"Der Regionalschlüssel {record.ars} kommt doppelt vor.", file=label, line=record.line
                )
            seen.add(record.ars)
            yield record
    except csv.Error as exc:
        raise SourceError(f"Die CSV-Struktur ist fehlerhaft ({exc}).", file=label, line=reader.line_num) from exc


def _row(
    row: list[str], col: dict[str, int], width: int, *, label: str, lineno: int, only: str | None
) -> CensusPopulation | None:
    """A Gemeinde row as a record; ``None`` for other rows (Deutschland) and outside ``only``."""
    if not row:
        return None
    if len(row) != width:
        raise SourceError(f"Die Zeile hat {len(row)} statt {width} Felder.", file=label, line=lineno)
    if row[col["statistics_code"]] != TABLE:
        raise SourceError(
            f"Tabelle „{row[col['statistics_code']]}“ statt {TABLE} (Bevölkerung kompakt).", file=label, line=lineno
        )
    if not row[col["1_variable_code"]].startswith("GEOGM"):
        return None
    ars = row[col["1_variable_attribute_code"]].strip()
    if not (ars.isascii() and ars.isdigit() and len(ars) == 12):
        raise SourceError(f"Der Regionalschlüssel „{ars}“ ist nicht 12-stellig.", file=label, line=lineno)
    if only and not ars.startswith(only):
        return None
    return _record(row, col, ars, label=label, lineno=lineno)


def _record(row: list[str], col: dict[str, int], ars: str, *, label: str, lineno: int) -> CensusPopulation:
    try:
        value = parse_german_int(row[col["value"]])
    except ValueError:
        raise SourceError(f"Der Wert „{row[col['value']]}“ ist keine ganze Zahl.", file=label, line=lineno) from None
    if value is None:
        raise SourceError("Der Wert fehlt.", file=label, line=lineno)
    try:
        date = dt.date.fromisoformat(row[col["time"]].strip())
    except ValueError:
        raise SourceError(f"Der Stichtag „{row[col['time']]}“ ist kein Datum.", file=label, line=lineno) from None
    return CensusPopulation(
        ars=ars, name=row[col["1_variable_attribute_label"]].strip(), population=value, date=date, line=lineno
    )
