"""A table as CSV (for German Excel) or XLSX, with its sources and method on a second sheet.

CSV: UTF-8 with BOM (so Excel recognises the encoding), ``;`` as separator
and the decimal comma (``42,26``), no thousands separator, dates as
``31.12.2018``, yes/no as ``ja``/``nein`` — what Excel in German settings
reads as numbers and dates without an import dialog. Unknown values are
empty cells. A CSV holds the table only; its sources are in the "Quellen"
column of each row.

XLSX: numbers are numbers (full precision, shown with the indicator's
decimals), dates are dates; sheet "Quellen" lists sources, licences,
methods and notes (e.g. small-number suppression).

Text that a spreadsheet could run as a formula (``=``, ``+``, ``-``, ``@``
…) is escaped in CSV as in the open-data downloads
(:func:`sozialplan.opendata.downloads.safe_cell`); in XLSX every text cell is
written as a string cell, which no spreadsheet evaluates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sozialplan.opendata.downloads import safe_cell

#: Excel's limit for sheet names.
SHEET_NAME_LENGTH = 31


@dataclass(frozen=True)
class Number:
    """A number cell shown with ``decimals`` places (``value`` ``None`` = empty cell)."""

    value: float | None
    decimals: int = 0


Cell = str | Number | dt.date | bool | None


@dataclass
class Sheet:
    """One table: a title, column headers and rows of cells."""

    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass
class Book:
    """The main sheet, further sheets (XLSX only) and the "Quellen" lines (label, text)."""

    main: Sheet
    extra: list[Sheet] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)


def _csv_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return _("ja") if cell else _("nein")
    if isinstance(cell, Number):
        if cell.value is None or math.isnan(cell.value):
            return ""
        return f"{cell.value:.{cell.decimals}f}".replace(".", ",")
    if isinstance(cell, dt.date):
        return cell.strftime("%d.%m.%Y")
    return safe_cell(cell)


def to_csv(sheet: Sheet) -> bytes:
    """The sheet as CSV bytes (UTF-8 with BOM, ``;``, decimal comma; see the module docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in sheet.columns])
    for row in sheet.rows:
        writer.writerow([_csv_text(c) for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _number_format(decimals: int) -> str:
    return "0" if decimals <= 0 else "0." + "0" * decimals


def _write_cell(ws: Worksheet, row: int, column: int, cell: Cell) -> None:
    target = ws.cell(row=row, column=column)
    if cell is None:
        return
    if isinstance(cell, bool):
        target.value = _("ja") if cell else _("nein")
        target.data_type = "s"
    elif isinstance(cell, Number):
        if cell.value is not None and not math.isnan(cell.value):
            target.value = cell.value
            target.number_format = _number_format(cell.decimals)
    elif isinstance(cell, dt.date):
        target.value = cell
        target.number_format = "DD.MM.YYYY"
    else:
        target.value = cell
        target.data_type = "s"  # never a formula, whatever the text starts with


def _sheet_name(title: str, taken: set[str]) -> str:
    name = "".join(c for c in title if c not in "[]:*?/\\")[:SHEET_NAME_LENGTH] or "Tabelle"
    base, number = name, 2
    while name in taken:
        suffix = f" ({number})"
        name = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix
        number += 1
    taken.add(name)
    return name


def _fill(ws: Worksheet, sheet: Sheet) -> None:
    bold = Font(bold=True)
    for column, title in enumerate(sheet.columns, start=1):
        _write_cell(ws, 1, column, title)
        ws.cell(row=1, column=column).font = bold
    for row_number, row in enumerate(sheet.rows, start=2):
        for column, cell in enumerate(row, start=1):
            _write_cell(ws, row_number, column, cell)
    ws.freeze_panes = "A2"
    for column, title in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(column)].width = min(max(len(title) + 2, 10), 50)


def to_xlsx(book: Book) -> bytes:
    """The workbook as XLSX bytes: main sheet, further sheets, then "Quellen"."""
    workbook = Workbook()
    taken: set[str] = set()
    main = workbook.active
    assert isinstance(main, Worksheet)
    main.title = _sheet_name(book.main.title, taken)
    _fill(main, book.main)
    for sheet in book.extra:
        _fill(workbook.create_sheet(_sheet_name(sheet.title, taken)), sheet)
    sources = workbook.create_sheet(_sheet_name(_("Quellen"), taken))
    bold = Font(bold=True)
    for row_number, (label, text) in enumerate(book.sources, start=1):
        _write_cell(sources, row_number, 1, label)
        sources.cell(row=row_number, column=1).font = bold
        _write_cell(sources, row_number, 2, text)
    sources.column_dimensions["A"].width = 30
    sources.column_dimensions["B"].width = 100
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
