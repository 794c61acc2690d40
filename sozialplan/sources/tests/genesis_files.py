"""The real statistics files of the repository, and the XLSX fixture built from a real classic CSV.

There is no real GENESIS XLSX download among our files. :func:`classic_as_xlsx`
therefore builds one from a real classic CSV (same numbers, same texts) in
the layout of the GENESIS/Regionalstatistik XLSX export, which shows the same
printed table as the CSV: title block in column A, the column headers with
spanning labels as merged cells (text only in the first cell of a span), the
data rows with the region key as text, numbers as numbers and statistical
symbols as text, and the footer (``__________``, notes, copyright, ``Stand:``)
in column A, one line per row. This layout is our reading of the export, not
a published specification; the tests say so where they use it.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

DATA = Path(__file__).resolve().parents[3] / "data"
STATISTICS = DATA / "statistics"
CLASSIC_KREISE = STATISTICS / "12411-02-03-5-B_kreise_2018.csv"
CLASSIC_LAENDER = STATISTICS / "12411-02-03-5-B_laender_2018.csv"
FFCSV_DE = STATISTICS / "12411-01-01-4_1773175772751_de_flat.csv"
FFCSV_EN = STATISTICS / "12411-01-01-4_1773175790049_en_flat.csv"
FFCSV_ZENSUS_AGES = STATISTICS / "1000A-2022_1773175355216_de_flat.csv"
FFCSV_ZENSUS_GEMEINDEN = DATA / "regions" / "1000A-0000_1773175153999_de_flat.csv"
PROJECTION = STATISTICS / "12421-0003_laender_2022-2070.csv"
GRID = STATISTICS / "zensus2011_grid" / "ALTER_KURZcsv_1000m_3_3.csv"


@cache
def read(path: Path) -> bytes:
    """The bytes of a data file, read once per test process."""
    return path.read_bytes()


def head_lines(path: Path, count: int) -> bytes:
    """The first ``count`` lines of a text file (header included), as bytes."""
    return b"".join(read(path).splitlines(keepends=True)[:count])


def classic_rows(path: Path) -> list[list[str]]:
    """The CSV rows of a real classic GENESIS file (Latin-1)."""
    return list(csv.reader(io.StringIO(read(path).decode("iso-8859-1"), newline=""), delimiter=";"))


def _is_data_row(row: list[str]) -> bool:
    return len(row) > 2 and bool(row[0]) and row[0][0].isdigit()


@cache
def classic_as_xlsx(path: Path, *, numeric_keys: bool = False, only: tuple[str, ...] = ()) -> bytes:
    """The classic CSV ``path`` rebuilt as a GENESIS-style XLSX workbook (see the module docstring).

    ``numeric_keys`` stores the region keys as numbers, as a user's re-saved
    sheet might (then the leading zero of Länder 01–09 is lost). ``only``
    keeps just the data rows whose key starts with one of these prefixes
    (smaller workbooks for faster tests).
    """
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "Tabelle"
    row_number = 0
    in_footer = False
    for row in classic_rows(path):
        texts = list(row)
        if in_footer or (texts and texts[0].startswith("___")):
            in_footer = True
            for text in texts:
                for line in text.splitlines() or [""]:
                    row_number += 1
                    sheet.cell(row=row_number, column=1, value=line or None)
            continue
        if _is_data_row(texts) and only and not texts[0].startswith(only):
            continue
        row_number += 1
        if _is_data_row(texts):
            key: str | int = int(texts[0]) if numeric_keys else texts[0]
            sheet.cell(row=row_number, column=1, value=key)
            sheet.cell(row=row_number, column=2, value=texts[1])
            for column, text in enumerate(texts[2:], start=3):
                sheet.cell(row=row_number, column=column, value=int(text) if text.isdigit() else text)
        elif texts and not texts[0] and len(texts) > 2:
            _write_header(sheet, row_number, texts)
        elif texts:
            sheet.cell(row=row_number, column=1, value=texts[0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_header(sheet: Worksheet, row_number: int, texts: list[str]) -> None:
    """A header row: each run of equal labels as one merged cell holding the text once."""
    start = 2
    for index in range(2, len(texts) + 1):
        if index < len(texts) and texts[index] == texts[start]:
            continue
        if texts[start]:
            sheet.cell(row=row_number, column=start + 1, value=texts[start])
            if index - 1 > start:
                sheet.merge_cells(start_row=row_number, start_column=start + 1, end_row=row_number, end_column=index)
        start = index
