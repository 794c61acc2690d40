"""Reader of GENESIS flat-file CSV (ffcsv), the machine format of GENESIS-Online and regionalstatistik.de.

Format (as in the real files in ``data/statistics/`` and ``data/regions/``):
UTF-8 with BOM, ``;`` separator, one published number per row, columns
``statistics_code;statistics_label;time_code;time_label;time;`` then for each
of the 1–3 breakdown variables ``n_variable_code;n_variable_label;
n_variable_attribute_code;n_variable_attribute_label``, then
``value;value_unit;value_variable_code;value_variable_label`` and, when the
download asked for quality marks, ``value_q``. Column names are English in
both language variants; labels, the decimal separator and the word for the
total ("Insgesamt"/"Total") differ.

Mapping onto :class:`StatValue`: see :mod:`sozialplan.sources.genesis_common`.
``value`` is read with :func:`~sozialplan.sources.numbers.parse_cell`;
``value_q`` holding a statistical symbol sets the flag (``.``, ``x``, ``...``,
``/`` also drop the value), quality letters (``e`` = endgültig …) are
counted in a note, not stored per value.

The file names neither source nor licence; the reader sets those of
GENESIS-Online (:data:`GENESIS_SOURCE`, for Zensus tables
:data:`ZENSUS_SOURCE`) under :data:`LICENCE`, the licence of all GENESIS and
Zensus downloads. ``max_values`` refuses a table with more data rows (one
value each) before any value is built.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from sozialplan.sources.ages_labels import parse_age
from sozialplan.sources.errors import SourceError
from sozialplan.sources.genesis_common import (
    breakdown_of,
    clean_region_key,
    finish_table,
    is_age_variable,
    is_region_variable,
    is_sex_variable,
    measure_code,
    parse_period,
    quality_note,
    sex_of,
)
from sozialplan.sources.limits import too_many_values
from sozialplan.sources.numbers import SYMBOL_ALIASES, parse_cell
from sozialplan.sources.statistics import AGE_OPEN, SYMBOLS_WITHOUT_VALUE, StatTable, StatValue
from sozialplan.sources.textfile import decode_utf8

FORMAT = "genesis-ffcsv"
REQUIRED_COLUMNS = ("statistics_code", "time", "value")
#: Download names of GENESIS, e.g. ``12411-01-01-4_1773175772751_de_flat.csv``: table code, time stamp, language.
_DOWNLOAD_NAME = re.compile(r"([0-9A-Za-z]+(?:-[0-9A-Za-z]+)*)_\d+_(de|en)_flat\.csv", re.IGNORECASE)
_ENGLISH_TOTALS = frozenset({"total"})
_GERMAN_TOTALS = frozenset({"insgesamt"})
#: Source of tables from GENESIS-Online and regionalstatistik.de, as their citation asks.
GENESIS_SOURCE = "Statistische Ämter des Bundes und der Länder, GENESIS-Online"
#: Source of Zensus 2022 tables (codes ``1000A…``, or "Zensus" in the label).
ZENSUS_SOURCE = "Statistische Ämter des Bundes und der Länder, Zensus 2022"
#: Licence of every GENESIS and Zensus download.
LICENCE = "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)"


@dataclass(frozen=True)
class _Variable:
    """Column positions of breakdown variable ``n``."""

    code: int
    label: int | None
    attribute_code: int
    attribute_label: int | None


def looks_like_ffcsv(head: str) -> bool:
    """Whether decoded text starts with an ffcsv header line."""
    return head.lstrip("\ufeff").startswith("statistics_code;")


def read_genesis_ffcsv(
    data: bytes, *, file: str = "", language: str | None = None, max_values: int | None = None
) -> StatTable:
    """Read a GENESIS ffcsv file into a :class:`StatTable` (format ``genesis-ffcsv``).

    ``file`` is the file name for messages; a GENESIS download name
    (``<table>_<timestamp>_<de|en>_flat.csv``) also gives the full table code
    (the file itself only has the statistic's code, e.g. ``12411`` for table
    ``12411-01-01-4``) and the language. ``language`` (``de``/``en``)
    overrides; otherwise the label of the totals decides ("Total" → ``en``),
    default ``de``. Source and licence are those of GENESIS (see the module
    docstring).

    Raises ``SourceError`` (German, with line) for a file that is not UTF-8,
    lacks columns, has rows of the wrong width, more than one table, a row
    without a region variable, an unreadable date or value, or more than
    ``max_values`` data rows (``None``: no limit).
    """
    label = file or "ffcsv"
    text = decode_utf8(data, file=label)
    if "\x00" in text:
        raise SourceError("Die Datei enthält NUL-Bytes und ist keine Textdatei.", file=label)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    except csv.Error as exc:
        raise SourceError(f"Die CSV-Struktur ist fehlerhaft ({exc}).", file=label) from exc
    if not rows:
        raise SourceError("Die Datei ist leer.", file=label)
    if max_values is not None and len(rows) - 1 > max_values:
        count = sum(1 for row in rows[1:] if any(cell.strip() for cell in row))
        if count > max_values:
            raise SourceError(too_many_values(count, max_values), file=label)
    header = [cell.strip().lstrip("\ufeff") for cell in rows[0]]
    col = {name: i for i, name in enumerate(header)}
    missing = [c for c in REQUIRED_COLUMNS if c not in col]
    if missing:
        raise SourceError(
            "Das ist keine GENESIS-Flatfile-CSV: es fehlen die Spalten " + ", ".join(f"„{c}“" for c in missing) + ".",
            file=label,
            line=1,
        )
    variables = _variables(col, file=label)
    name_match = _DOWNLOAD_NAME.fullmatch(file.rsplit("/", 1)[-1]) if file else None
    lang = language or (name_match.group(2).lower() if name_match else _language(rows, variables, col["value"]))
    table = _read_rows(rows, col, variables, lang, file=label)
    if name_match and name_match.group(1).startswith(table.code):
        table.code = name_match.group(1)
    is_census = table.code.upper().startswith("1000A") or "zensus" in table.title.casefold()
    table.source = table.source or (ZENSUS_SOURCE if is_census else GENESIS_SOURCE)
    table.licence = table.licence or LICENCE
    return finish_table(table, file=label)


def _variables(col: dict[str, int], *, file: str) -> list[_Variable]:
    variables = []
    n = 1
    while f"{n}_variable_code" in col:
        attribute_code = col.get(f"{n}_variable_attribute_code")
        if attribute_code is None:
            raise SourceError(f"Es fehlt die Spalte „{n}_variable_attribute_code“.", file=file, line=1)
        variables.append(
            _Variable(
                code=col[f"{n}_variable_code"],
                label=col.get(f"{n}_variable_label"),
                attribute_code=attribute_code,
                attribute_label=col.get(f"{n}_variable_attribute_label"),
            )
        )
        n += 1
    if not variables:
        raise SourceError(
            "Die Tabelle hat kein Merkmal (Spalte „1_variable_code“) und damit keine Regionen.", file=file, line=1
        )
    return variables


def _language(rows: list[list[str]], variables: list[_Variable], value_column: int) -> str:
    """``en`` or ``de`` from the file: the label of the totals ("Total"/"Insgesamt"), else the decimal mark.

    ffcsv has no thousands separators, so a value with ``,`` is German and one
    with ``.`` English. Undecidable (whole numbers, no totals) → ``de``.
    """
    width = len(rows[0])
    sample = [row for row in rows[1:2000] if len(row) == width]
    for row in sample:
        for var in variables:
            if var.attribute_label is None or row[var.attribute_code].strip():
                continue
            word = row[var.attribute_label].strip().lower()
            if word in _ENGLISH_TOTALS:
                return "en"
            if word in _GERMAN_TOTALS:
                return "de"
    for row in sample:
        value = row[value_column]
        if "," in value:
            return "de"
        if "." in value and value.strip().lstrip("-").replace(".", "", 1).isdigit():
            return "en"
    return "de"


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None else ""


def _read_rows(
    rows: list[list[str]], col: dict[str, int], variables: list[_Variable], language: str, *, file: str
) -> StatTable:
    width = len(rows[0])
    table: StatTable | None = None
    quality: dict[str, int] = {}
    unknown_ages: set[str] = set()
    values: list[StatValue] = []
    i_code, i_time, i_value = col["statistics_code"], col["time"], col["value"]
    i_mcode, i_mlabel = col.get("value_variable_code"), col.get("value_variable_label")
    i_unit, i_q, i_title = col.get("value_unit"), col.get("value_q"), col.get("statistics_label")
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != width:
            raise SourceError(f"Die Zeile hat {len(row)} statt {width} Felder.", file=file, line=lineno)
        code = row[i_code].strip()
        if table is None:
            table = StatTable(code=code, title=_cell(row, i_title), format=FORMAT, language=language)
        elif code != table.code:
            raise SourceError(
                f"Die Datei enthält mehrere Tabellen ({table.code} und {code}); bitte einzeln herunterladen.",
                file=file,
                line=lineno,
            )
        period = parse_period(row[i_time])
        if period is None:
            raise SourceError(f"Die Zeitangabe „{row[i_time].strip()}“ ist kein Datum.", file=file, line=lineno)
        region_key, region_name, sex, ages, others = _classify(row, variables, unknown_ages, file=file, line=lineno)
        value, flag = _value(row[i_value], _cell(row, i_q), language, quality, file=file, line=lineno)
        values.append(
            StatValue(
                region_key=region_key,
                region_name=region_name,
                measure=measure_code(_cell(row, i_mcode), _cell(row, i_mlabel)),
                period=period,
                value=value,
                flag=flag,
                sex=sex,
                age_from=ages[0],
                age_to=ages[1],
                breakdown=breakdown_of(others),
                measure_label=_cell(row, i_mlabel),
                unit=_cell(row, i_unit),
                line=lineno,
            )
        )
    if table is None:
        raise SourceError("Die Datei enthält keine Datenzeilen.", file=file)
    table.values = values
    if quality:
        table.notes.append(quality_note(quality))
    if unknown_ages:
        table.notes.append(
            "Nicht erkannte Altersangaben wurden als weitere Gliederung übernommen: " + ", ".join(sorted(unknown_ages))
        )
    return table


def _classify(
    row: list[str], variables: list[_Variable], unknown_ages: set[str], *, file: str, line: int
) -> tuple[str, str, str, tuple[int, int], list[tuple[str, str]]]:
    """Region key and name, sex, age band and other breakdown entries of one row."""
    region: tuple[str, str] | None = None
    sex = ""
    ages = (0, AGE_OPEN)
    others: list[tuple[str, str]] = []
    for var in variables:
        code = row[var.code].strip()
        attribute = row[var.attribute_code].strip()
        attribute_label = _cell(row, var.attribute_label)
        if is_region_variable(code):
            if region is not None:
                raise SourceError("Die Zeile hat zwei regionale Merkmale.", file=file, line=line)
            key = clean_region_key(attribute)
            if key is None:
                raise SourceError(
                    f"Der Regionalschlüssel „{attribute}“ ({code}) ist leer oder ungültig.", file=file, line=line
                )
            region = (key, attribute_label)
        elif is_sex_variable(code) and (found := sex_of(attribute, attribute_label)) is not None:
            sex = found
        elif is_age_variable(code) and ages == (0, AGE_OPEN):
            band = parse_age(attribute, attribute_label)
            if band is None:
                unknown_ages.add(attribute_label or attribute)
                others.append((code, attribute))
            else:
                ages = band
        elif code:
            others.append((code, attribute))
    if region is None:
        raise SourceError(
            "Die Tabelle hat kein regionales Merkmal (z. B. KREISE, DLAND, GEMEIN…); "
            "ihre Werte lassen sich keiner Region zuordnen.",
            file=file,
            line=line,
        )
    return region[0], region[1], sex, ages, others


def _value(
    text: str, quality_mark: str, language: str, quality: dict[str, int], *, file: str, line: int
) -> tuple[float | None, str]:
    """Value and flag from the ``value`` and ``value_q`` cells."""
    try:
        value, flag = parse_cell(text, language)
    except ValueError:
        raise SourceError(
            f"Der Wert „{text.strip()[:40]}“ ist weder eine Zahl noch ein statistisches Zeichen.", file=file, line=line
        ) from None
    symbol = SYMBOL_ALIASES.get(quality_mark)
    if symbol is not None and not flag:
        flag = symbol
        if symbol in SYMBOLS_WITHOUT_VALUE:
            value = None
        elif symbol == "-" and value is None:
            value = 0.0
    elif quality_mark and symbol is None:
        quality[quality_mark] = quality.get(quality_mark, 0) + 1
    if value is None and not flag:
        raise SourceError("Der Wert fehlt.", file=file, line=line)
    return value, flag
