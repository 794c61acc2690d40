"""The classic GENESIS/Regionalstatistik table layout, shared by the CSV and XLSX readers.

A classic table is a printed table saved row by row (real examples:
``data/statistics/12411-02-03-5-B_*.csv``)::

    GENESIS-Tabelle: 12411-02-03-5-B                 title block (column A only)
    Bevölkerung nach Geschlecht und Altersgruppen (17) -
    Stichtag 31.12. - regionale Ebenen
    Fortschreibung des Bevölkerungsstandes           statistic
    Bevölkerungsstand (Anzahl)                       measure (unit)
    Stichtag: 31.12.2018                             period
    ;;Insgesamt;…;männlich;…;weiblich;…              column headers: sex,
    ;;Altersgruppen (unter 1 bis 75 u.m.);…          variable name,
    ;;unter 3 Jahre;3 bis unter 6 Jahre;…;Insgesamt  age groups
    16069;Hildburghausen, Kreis;1541;1568;…          data: key; name; values
    __________                                       footer: notes,
    "zu ""gesamter Tabelle"": …"                     copyright and licence,
    "© Statistische Ämter … Datenlizenz Deutschland – Namensnennung – Version 2.0."
    Stand: 24.11.2020 / 09:52:03                     time of the download

Each column-header row is recognised by its content: sex labels
(Insgesamt/männlich/weiblich), age bands (see :mod:`ages_labels`), dates or
years (one period per column), measure labels, a repeated variable name
(ignored, but used to name a following breakdown row), or otherwise the
attributes of another breakdown variable (``Name=Attribut``). Empty header
cells (merged cells in XLSX) repeat the cell to their left.

Data rows are kept if their key is digits or ``DG`` (Deutschland); other
rows (remnants of headers, blank key) are skipped with a note. Regions whose
cells are all ``-`` or ``.`` (e.g. Kreise that no longer existed) are kept
with their flags; the importer reports them as unmatched.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sozialplan.sources.ages_labels import AgeBand, parse_age_label
from sozialplan.sources.errors import SourceError
from sozialplan.sources.genesis_common import (
    MEASURE_LABELS,
    finish_table,
    measure_code,
    parse_period,
    sex_of_label,
)
from sozialplan.sources.limits import too_many_values
from sozialplan.sources.numbers import parse_cell
from sozialplan.sources.statistics import AGE_OPEN, Sex, StatTable, StatValue

#: One cell as the CSV (always text) or XLSX reader (numbers as numbers) delivers it.
Cell = str | float | int | None
#: A row with its 1-based line (CSV) or row number (XLSX).
Row = tuple[int, Sequence[Cell]]

_CODE_LINE = re.compile(r"GENESIS[- ]Tab(?:elle|le)\s*:\s*(\S.*)", re.IGNORECASE)
_PERIOD_LINE = re.compile(r"(?:Stichtag|Jahr|Zeit|Reference date|Year)\s*:\s*(.+)", re.IGNORECASE)
_MEASURE_LINE = re.compile(r"(.+?)\s*\(([^()]*)\)")
_TOTALS = frozenset({"insgesamt", "total", "zusammen", "gesamt"})
_KEY_LENGTHS_LOST_ZERO = {1: 2, 4: 5, 7: 8, 11: 12}  # numeric XLSX keys of Länder 01–09 lose their 0


@dataclass
class _Columns:
    """What each value column means (lists of equal length, one entry per value column).

    Defaults: total sex, all ages, the table's period and measure, no breakdown.
    """

    sex: list[str]
    age: list[AgeBand]
    period: list[dt.date | None]
    measure: list[str]
    breakdown: list[list[str]]

    @classmethod
    def plain(cls, count: int) -> _Columns:
        return cls(
            sex=[Sex.TOTAL] * count,
            age=[(0, AGE_OPEN)] * count,
            period=[None] * count,
            measure=[""] * count,
            breakdown=[[] for _ in range(count)],
        )

    @property
    def count(self) -> int:
        return len(self.sex)


@dataclass
class _Parts:
    code: str = ""
    title: list[tuple[int, str]] = field(default_factory=list)
    headers: list[tuple[int, list[str]]] = field(default_factory=list)
    data: list[Row] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)


def text_of(cell: Cell) -> str:
    """A cell as stripped text (numbers without a trailing ``.0``)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def table_from_rows(rows: Sequence[Row], *, file: str, table_format: str, max_values: int | None = None) -> StatTable:
    """Read the rows of a classic GENESIS table into a :class:`StatTable` of format ``table_format``.

    Raises ``SourceError`` (German) when the ``GENESIS-Tabelle:`` line, the
    period, the measure or the data rows are missing, a data row has too few
    or too many values, or a value is neither a number nor a symbol.
    """
    parts = _split(rows, file=file)
    language = "en" if _is_english(parts) else "de"
    title, measure_label, unit, period, statistic = _title_block(parts.title)
    columns = _columns(parts, file=file)
    if max_values is not None and len(parts.data) * columns.count > max_values:
        # Refuse before building millions of values (a 20 MB file of tiny cells).
        raise SourceError(too_many_values(len(parts.data) * columns.count, max_values), file=file)
    if period is None and any(p is None for p in columns.period):
        raise SourceError("Der Stichtag (Zeile „Stichtag: …“) fehlt.", file=file)
    if not measure_label and not all(columns.measure):
        raise SourceError(
            "Das Merkmal der Werte (z. B. „Bevölkerungsstand (Anzahl)“) ist nicht zu erkennen.", file=file
        )
    table = StatTable(code=parts.code, title=title, format=table_format, language=language)
    if statistic:
        table.notes.append(f"Statistik: {statistic}")
    default_measure = measure_code("", measure_label)
    skipped = 0
    for line, cells in parts.data:
        key = _region_key(cells[0])
        if key is None:
            skipped += 1
            continue
        name = text_of(cells[1]) if len(cells) > 1 else ""
        values = _row_values(cells, columns.count, language, file=file, line=line)
        for j, (value, flag) in enumerate(values):
            table.values.append(
                StatValue(
                    region_key=key,
                    region_name=name,
                    measure=columns.measure[j] or default_measure,
                    period=columns.period[j] or period or dt.date.min,
                    value=value,
                    flag=flag,
                    sex=columns.sex[j],
                    age_from=columns.age[j][0],
                    age_to=columns.age[j][1],
                    breakdown=";".join(sorted(columns.breakdown[j])),
                    measure_label=measure_label,
                    unit=unit,
                    line=line,
                )
            )
    if skipped:
        table.notes.append(f"{skipped} Zeilen ohne Regionalschlüssel wurden übersprungen.")
    notes, table.source, table.licence = _footer(parts.footer)
    table.notes.extend(notes)
    if not table.values:
        raise SourceError("Die Tabelle enthält keine Datenzeilen mit Regionalschlüssel.", file=file)
    return finish_table(table, file=file)


def _split(rows: Sequence[Row], *, file: str) -> _Parts:
    """Title block, header rows, data rows and footer lines."""
    parts = _Parts()
    state = "start"
    for line, cells in rows:
        texts = [text_of(c) for c in cells]
        if not any(texts):
            continue
        first = texts[0]
        if state == "start":
            match = _CODE_LINE.fullmatch(first)
            if match is None:
                raise SourceError(
                    "Das ist keine GENESIS-Tabelle: die erste Zeile „GENESIS-Tabelle: …“ fehlt.", file=file, line=line
                )
            parts.code = match.group(1).strip()
            state = "title"
        elif state == "footer":
            parts.footer.extend(t for t in texts if t)
        elif first.startswith("___"):
            state = "footer"
        elif state == "title" and first and not any(texts[1:]):
            parts.title.append((line, first))
        elif state in ("title", "header") and not first and not (len(texts) > 1 and texts[1]):
            parts.headers.append((line, texts))
            state = "header"
        else:
            parts.data.append((line, cells))
            state = "data"
    if state == "start":
        raise SourceError("Die Datei ist leer.", file=file)
    return parts


def _is_english(parts: _Parts) -> bool:
    """English export: English words in the column headers or the period line (German is the default)."""
    if any(text.lower().startswith(("reference date", "year:")) for _, text in parts.title):
        return True
    return any(t.lower() in ("total", "male", "female") for _, row in parts.headers for t in row)


def _title_block(lines: list[tuple[int, str]]) -> tuple[str, str, str, dt.date | None, str]:
    """Title, measure label, unit, period and statistic name from the title lines."""
    period: dt.date | None = None
    measure_label = unit = ""
    rest: list[str] = []
    for i, (_, text) in enumerate(lines):
        if (match := _PERIOD_LINE.fullmatch(text)) and (found := parse_period(match.group(1))):
            period = found
            continue
        match = _MEASURE_LINE.fullmatch(text)
        next_is_period = i + 1 < len(lines) and _PERIOD_LINE.fullmatch(lines[i + 1][1]) is not None
        if match and not measure_label and (next_is_period or match.group(1).lower() in MEASURE_LABELS):
            measure_label, unit = match.group(1).strip(), match.group(2).strip()
            continue
        rest.append(text)
    title_lines = rest[:1]
    while len(title_lines) < len(rest) and title_lines[-1].endswith("-"):
        title_lines.append(rest[len(title_lines)])
    statistic = " ".join(rest[len(title_lines) :])
    return " ".join(title_lines), measure_label, unit, period, statistic


def _columns(parts: _Parts, *, file: str) -> _Columns:
    """The meaning of every value column, from the header rows."""
    widths = [max((i for i, t in enumerate(row) if t), default=0) - 1 for _, row in parts.headers]
    count = max(widths, default=0)
    if count <= 0:
        first = parts.data[0][1] if parts.data else []
        count = max(len([c for c in first[2:] if text_of(c)]), 1)
        if count > 1:
            raise SourceError("Die Spaltenköpfe fehlen; die Wertespalten sind nicht zu unterscheiden.", file=file)
    columns = _Columns.plain(count)
    variable_name = ""
    for n, (line, row) in enumerate(parts.headers, start=1):
        cells = _fill(row[2 : 2 + count], count)
        kind = _apply_header(columns, cells, variable_name or f"Merkmal {n}")
        if kind == "label":
            variable_name = cells[-1]
        elif kind == "invalid":
            raise SourceError("Die Spaltenköpfe sind nicht lesbar.", file=file, line=line)
    return columns


def _fill(cells: list[str], count: int) -> list[str]:
    """Cells padded to ``count``, empty ones repeating their left neighbour (merged cells)."""
    filled: list[str] = []
    for text in [*cells, *[""] * (count - len(cells))]:
        filled.append(text or (filled[-1] if filled else ""))
    return filled


def _apply_header(columns: _Columns, cells: list[str], variable_name: str) -> str:
    """Record one header row in ``columns``; returns its kind."""
    present = [c for c in cells if c]
    if not present:
        return "empty"
    sexes = [sex_of_label(c) if c else Sex.TOTAL for c in cells]
    if all(s is not None for s in sexes) and any(s for s in sexes):
        columns.sex = [s or Sex.TOTAL for s in sexes]
        return "sex"
    ages = [parse_age_label(c) if c else (0, AGE_OPEN) for c in cells]
    if all(a is not None for a in ages) and any(a != (0, AGE_OPEN) for a in ages):
        columns.age = [a or (0, AGE_OPEN) for a in ages]
        return "age"
    periods = [parse_period(c) for c in cells]
    if all(p is not None for p in periods):
        columns.period = periods
        return "period"
    labels = [(m.group(1) if (m := _MEASURE_LINE.fullmatch(c)) else c).strip().lower() for c in cells]
    if all(label in MEASURE_LABELS for label in labels):
        columns.measure = [MEASURE_LABELS[label] for label in labels]
        return "measure"
    if len(set(cells)) == 1:
        return "label"
    name = re.sub(r"[;=]", ",", variable_name)
    for j, text in enumerate(cells):
        if text and text.lower() not in _TOTALS:
            columns.breakdown[j].append(f"{name}={re.sub(r'[;=]', ',', text)}")
    return "breakdown"


def _region_key(cell: Cell) -> str | None:
    """The key of a data row (digits with leading zeros, or ``DG``), or ``None`` to skip the row."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if cell != int(cell) or cell < 0:
            return None
        digits = str(int(cell))
        return digits.zfill(_KEY_LENGTHS_LOST_ZERO.get(len(digits), len(digits)))
    key = text_of(cell)
    if key == "DG" or (key.isascii() and key.isdigit() and len(key) <= 12):
        return key
    return None


def _row_values(
    cells: Sequence[Cell], count: int, language: str, *, file: str, line: int
) -> list[tuple[float | None, str]]:
    raw = list(cells[2:])
    while len(raw) > count and not text_of(raw[-1]):
        raw.pop()
    if len(raw) != count:
        raise SourceError(f"Die Zeile hat {len(raw)} statt {count} Werte.", file=file, line=line)
    values: list[tuple[float | None, str]] = []
    for cell in raw:
        if isinstance(cell, int | float) and not isinstance(cell, bool):
            if cell != cell or cell in (float("inf"), float("-inf")):
                raise SourceError("Ein Wert ist keine endliche Zahl.", file=file, line=line)
            values.append((float(cell), ""))
            continue
        text = text_of(cell)
        try:
            value, flag = parse_cell(text, language)
        except ValueError:
            raise SourceError(
                f"Der Wert „{text[:40]}“ ist weder eine Zahl noch ein statistisches Zeichen.", file=file, line=line
            ) from None
        if value is None and not flag:
            raise SourceError("Ein Wert fehlt (leere Zelle).", file=file, line=line)
        values.append((value, flag))
    return values


def _footer(texts: list[str]) -> tuple[list[str], str, str]:
    """Notes, source (copyright holder) and licence code from the footer lines."""
    blocks: list[list[str]] = []
    copyright_lines: list[str] = []
    stand = ""
    mode = "note"
    for text in texts:
        for raw in text.splitlines():
            line = raw.strip()
            if line.startswith(("©", "(C)", "(c)")):
                mode = "copyright"
            elif line.lower().startswith("stand:"):
                stand = line.split(":", 1)[1].strip()
                mode = "done"
                continue
            elif line.startswith(('zu "', "zu „", "zu '")) or (mode == "done" and line):
                mode = "note"
                blocks.append([])
            if mode == "copyright":
                copyright_lines.append(line)
            elif mode == "note" and line:
                if not blocks:
                    blocks.append([])
                blocks[-1].append(line)
    notes = [_join(block) for block in blocks if block]
    if stand:
        notes.append(f"Stand der Abfrage: {stand}")
    holder = _join(copyright_lines)
    source = re.split(r"\.(?:\s|$)", holder.lstrip("©").removeprefix("(C)").removeprefix("(c)").strip(), maxsplit=1)[0]
    return notes, source.strip(), _licence(holder)


def _join(lines: list[str]) -> str:
    """Lines of a footnote as one text, re-joining words hyphenated at a line end ("Einschrän-/kungen")."""
    text = ""
    for line in lines:
        if text.endswith("-") and len(text) > 1 and text[-2].isalpha() and line[:1].isalpha():
            text = (text[:-1] if line[0].islower() else text) + line
        else:
            text = f"{text} {line}" if text else line
    return text


def _licence(text: str) -> str:
    flat = " ".join(text.split()).lower()
    if "datenlizenz deutschland" in flat and "2.0" in flat:
        return "dl-de/zero-2-0" if "zero" in flat else "dl-de/by-2-0"
    return ""
