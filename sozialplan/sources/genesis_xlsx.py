"""Reader of the XLSX export of classic GENESIS/Regionalstatistik tables.

The XLSX download holds the same printed table as the classic CSV (see
:mod:`sozialplan.sources.genesis_layout`) on its first worksheet: the title
block, the column headers (spanning labels as merged cells, so only their
first cell holds the text), the data rows with numbers as numbers and
statistical symbols as text, and the footer lines in column A. Region keys
should be text cells; a key stored as a number lost its leading zero and is
padded back to 2/5/8/12 digits.

The workbook is opened read-only (streaming) with formulas as their cached
values. Any failure of the XLSX library on a damaged file becomes a
``SourceError``.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile

from openpyxl import load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from sozialplan.sources.errors import SourceError
from sozialplan.sources.genesis_layout import Cell, Row, table_from_rows
from sozialplan.sources.statistics import StatTable

FORMAT = "genesis-xlsx"
#: A worksheet larger than this is not a GENESIS table (protects against decompression bombs).
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384


def _cell(value: object) -> Cell:
    """An XLSX cell value as a layout cell: text, number or ``None``; dates as ``dd.mm.yyyy``."""
    if value is None or isinstance(value, str | float):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def read_genesis_xlsx(data: bytes, *, file: str = "") -> StatTable:
    """Read the first worksheet of a GENESIS XLSX export into a :class:`StatTable` (format ``genesis-xlsx``).

    ``file`` is the file name for messages. Raises ``SourceError`` (German)
    for a file that is not a readable XLSX workbook or whose first sheet does
    not have the classic GENESIS layout.
    """
    label = file or "XLSX"
    with warnings.catch_warnings():
        # openpyxl warns about harmless things (styles, data validation); the content is what counts.
        warnings.simplefilter("ignore")
        rows = _read_rows(data, label=label)
    return table_from_rows(rows, file=label, table_format=FORMAT)


def _read_rows(data: bytes, *, label: str) -> list[Row]:
    """The rows of the first worksheet, every library failure turned into a ``SourceError``."""
    rows: list[Row] = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise SourceError("Die Datei ist keine gültige XLSX-Arbeitsmappe (ZIP beschädigt).", file=label) from exc
    except Exception as exc:  # openpyxl raises many kinds on damaged files; all mean "unreadable"
        raise SourceError(f"Die XLSX-Arbeitsmappe ist nicht lesbar ({type(exc).__name__}).", file=label) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise SourceError("Die Arbeitsmappe enthält kein Tabellenblatt.", file=label)
        if isinstance(sheet, ReadOnlyWorksheet):
            # Ignore the declared <dimension>: a damaged or hostile one would pad every row to it.
            sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS or len(values) > MAX_COLUMNS:
                raise SourceError("Das Tabellenblatt ist zu groß für eine GENESIS-Tabelle.", file=label)
            rows.append((number, [_cell(v) for v in values]))
    except SourceError:
        raise
    except Exception as exc:  # damaged XML inside the workbook
        raise SourceError(f"Die XLSX-Arbeitsmappe ist nicht lesbar ({type(exc).__name__}).", file=label) from exc
    finally:
        workbook.close()
    return rows
