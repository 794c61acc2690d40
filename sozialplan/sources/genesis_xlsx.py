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

**Limits.** An XLSX file is a ZIP of XML, and a few kilobytes of it can
describe millions of cells (a cell in column XFD makes every row 16,384
cells wide). Before the library sees the file we check the unpacked size of
its parts (``max_unzipped_bytes``) and the number of cell elements per row in
each worksheet's XML, so no row the library builds has more than
:data:`MAX_COLUMNS` cells. While reading, a row wider than :data:`MAX_COLUMNS`
(a cell beyond column 500), more than :data:`MAX_ROWS` rows or more than
:data:`MAX_CELLS` cells in all stop the reader with a German ``SourceError``.
Real GENESIS tables are far smaller (12411-02-03-5-B for all Kreise: 56
columns, 500 rows).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from typing import Final

from openpyxl import load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from sozialplan.sources.errors import SourceError
from sozialplan.sources.genesis_layout import Cell, Row, table_from_rows
from sozialplan.sources.limits import DEFAULT_MAX_UNZIPPED_BYTES, german_count, size_text
from sozialplan.sources.statistics import StatTable

FORMAT = "genesis-xlsx"
#: Most rows of the worksheet (counting empty rows up to the last one).
MAX_ROWS: Final = 200_000
#: Most columns: a row reaching beyond column 500 is refused.
MAX_COLUMNS: Final = 500
#: Most cells of the worksheet in all (each row counted up to its last filled cell).
MAX_CELLS: Final = 3_000_000

# A row element and the prefix of its namespace ("" in Excel's files, "x:" from some generators).
_ROW_TAG: Final = re.compile(rb"<([A-Za-z_][\w.-]*:)?row[\s>/]")
_END_OF_ROWS: Final = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData>")


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


def read_genesis_xlsx(
    data: bytes, *, file: str = "", max_unzipped_bytes: int = DEFAULT_MAX_UNZIPPED_BYTES
) -> StatTable:
    """Read the first worksheet of a GENESIS XLSX export into a :class:`StatTable` (format ``genesis-xlsx``).

    ``file`` is the file name for messages; ``max_unzipped_bytes`` limits the
    unpacked size of all parts of the workbook. Raises ``SourceError``
    (German) for a file that is not a readable XLSX workbook, exceeds the
    limits of the module docstring, or whose first sheet does not have the
    classic GENESIS layout.
    """
    label = file or "XLSX"
    _check_parts(data, label=label, max_unzipped_bytes=max_unzipped_bytes)
    with warnings.catch_warnings():
        # openpyxl warns about harmless things (styles, data validation); the content is what counts.
        warnings.simplefilter("ignore")
        rows = _read_rows(data, label=label)
    return table_from_rows(rows, file=label, table_format=FORMAT)


def _too_big(what: str, *, label: str) -> SourceError:
    return SourceError(f"Das Tabellenblatt ist zu groß für eine GENESIS-Tabelle: {what}.", file=label)


def _check_parts(data: bytes, *, label: str, max_unzipped_bytes: int) -> None:
    """Refuse a workbook whose parts unpack to more than the limit or whose rows hold too many cells.

    The declared sizes bound what :mod:`zipfile` unpacks (it stops there and
    fails the checksum), so checking them is enough.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            unpacked = sum(info.file_size for info in infos)
            if unpacked > max_unzipped_bytes:
                raise SourceError(
                    f"Die XLSX-Arbeitsmappe ist entpackt zu groß ({size_text(unpacked)}); erlaubt sind höchstens "
                    f"{size_text(max_unzipped_bytes)}. Bitte die Tabelle als CSV herunterladen.",
                    file=label,
                )
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    _check_rows(archive.read(info), label=label)
    except SourceError:
        raise
    except Exception as exc:  # a damaged archive: the library's own message follows below, or this one
        raise SourceError("Die Datei ist keine gültige XLSX-Arbeitsmappe (ZIP beschädigt).", file=label) from exc


def _check_rows(xml: bytes, *, label: str) -> None:
    """Count row elements and the cell elements of each row in a worksheet's XML (fast byte counting)."""
    starts = list(_ROW_TAG.finditer(xml))
    if len(starts) > MAX_ROWS:
        raise _too_big(f"mehr als {german_count(MAX_ROWS)} Zeilen", label=label)
    end = _END_OF_ROWS.search(xml)
    stop = end.start() if end else len(xml)
    bounds = [m.start() for m in starts] + [stop]
    for index, match in enumerate(starts):
        cell_tag = b"<" + (match.group(1) or b"") + b"c"
        if xml.count(cell_tag, bounds[index], bounds[index + 1]) > MAX_COLUMNS:
            raise _too_big(f"eine Zeile hat mehr als {MAX_COLUMNS} Zellen", label=label)


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
        cells = 0
        # No max_col: each row then ends at its own last cell, so a cell beyond MAX_COLUMNS is seen (and
        # refused at its first row) instead of silently cut off, and normal rows are not padded to 500 cells.
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise _too_big(f"mehr als {german_count(MAX_ROWS)} Zeilen", label=label)
            if len(values) > MAX_COLUMNS:
                raise _too_big(f"Zeile {number} reicht über Spalte {MAX_COLUMNS} hinaus", label=label)
            cells += len(values)
            if cells > MAX_CELLS:
                raise _too_big(f"mehr als {german_count(MAX_CELLS)} Zellen", label=label)
            rows.append((number, [_cell(v) for v in values]))
    except SourceError:
        raise
    except Exception as exc:  # damaged XML inside the workbook
        raise SourceError(f"Die XLSX-Arbeitsmappe ist nicht lesbar ({type(exc).__name__}).", file=label) from exc
    finally:
        workbook.close()
    return rows
