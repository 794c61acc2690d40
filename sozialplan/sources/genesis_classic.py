"""Reader of classic GENESIS/Regionalstatistik CSV tables (the "CSV" download of a printed table).

Format (real examples ``data/statistics/12411-02-03-5-B_kreise_2018.csv`` and
``…_laender_2018.csv``): ISO-8859-1 (Latin-1), no BOM, ``;`` separator, no
quoting except in the footer, decimal comma; a title block starting with
``GENESIS-Tabelle: <code>``, 2–3 column-header rows, data rows
``key;name;values…`` and a footer after ``__________``. The layout and how
it maps onto :class:`StatValue` are described in
:mod:`sozialplan.sources.genesis_layout`, which the XLSX reader shares.
"""

from __future__ import annotations

import csv
import io

from sozialplan.sources.errors import SourceError
from sozialplan.sources.genesis_layout import Row, table_from_rows
from sozialplan.sources.statistics import StatTable
from sozialplan.sources.textfile import decode_utf8

FORMAT = "genesis-classic"


def looks_like_classic(head: str) -> bool:
    """Whether decoded text starts with the ``GENESIS-Tabelle:`` line of a classic table."""
    first = head.lstrip("\ufeff").lstrip('"').lower()
    return first.startswith(("genesis-tabelle:", "genesis-table:", "genesis table:"))


def read_genesis_classic(data: bytes, *, file: str = "", max_values: int | None = None) -> StatTable:
    """Read a classic GENESIS CSV into a :class:`StatTable` (format ``genesis-classic``).

    The file is decoded as UTF-8 if it is valid UTF-8 (e.g. re-saved by a
    user), otherwise as ISO-8859-1 (the original download); UTF-16 is refused.
    ``file`` is the file name for messages; ``max_values`` refuses a table with
    more values (rows × value columns) before they are built. Raises ``SourceError`` (German,
    with line) for anything that does not fit the layout.
    """
    label = file or "CSV"
    text = decode_utf8(data, file=label, latin1_fallback=True)
    if "\x00" in text:
        raise SourceError("Die Datei enthält NUL-Bytes und ist keine Textdatei.", file=label)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    rows: list[Row] = []
    try:
        for cells in reader:
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise SourceError(f"Die CSV-Struktur ist fehlerhaft ({exc}).", file=label, line=reader.line_num) from exc
    return table_from_rows(rows, file=label, table_format=FORMAT, max_values=max_values)
