"""One entry point for every statistics file a planner uploads: detect the format, read the table.

The format is recognised from the content, never from the file name:

=====================================  ==========================================================
content                                format (reader)
=====================================  ==========================================================
first line ``statistics_code;…``       GENESIS flat-file CSV (:mod:`genesis_ffcsv`)
first line ``GENESIS-Tabelle: …``      classic GENESIS/Regionalstatistik CSV (:mod:`genesis_classic`)
ZIP with ``xl/`` parts                 XLSX export of a classic table (:mod:`genesis_xlsx`)
ZIP with exactly one ``.csv``          GENESIS delivers ffcsv zipped: the CSV inside is detected
first line ``x,y,1,2,3,4,5``           Zensus 1 km grid tile (:mod:`zensus_grid`)
``"Variants of the population          projection table 12421-0003 (:mod:`projection_csv`)
projection`` / ``"Varianten der
Bevölkerungsvorausberechnung``
=====================================  ==========================================================

The file name is still passed on: readers use it in messages, the ffcsv
reader takes the full table code and language from a GENESIS download name,
the grid reader the tile number.

Limits: the size of the uploaded file is the caller's job
(``settings.MAX_UPLOAD_BYTES``). A ZIP (a zipped ffcsv, an XLSX workbook)
may unpack to at most ``max_unzipped_bytes``, which the importer sets to the
same upload limit, so a small archive cannot smuggle in a table that would be
refused as a plain file. ``max_values`` stops the ffcsv reader before it
builds the values of a table above the importer's limit.
"""

from __future__ import annotations

import codecs
import io
import zipfile
import zlib
from pathlib import PurePath
from typing import TYPE_CHECKING

from sozialplan.sources.errors import SourceError
from sozialplan.sources.genesis_classic import looks_like_classic, read_genesis_classic
from sozialplan.sources.genesis_ffcsv import looks_like_ffcsv, read_genesis_ffcsv
from sozialplan.sources.genesis_xlsx import read_genesis_xlsx
from sozialplan.sources.limits import DEFAULT_MAX_UNZIPPED_BYTES, size_text
from sozialplan.sources.statistics import StatTable
from sozialplan.sources.textfile import reject_utf16

if TYPE_CHECKING:
    from sozialplan.sources.zensus_grid import GridTable

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97–2003 (.xls) and other OLE files
_PROJECTION_STARTS = ("variants of the population projection", "varianten der bevölkerungsvorausberechnung")
_UNKNOWN = (
    "Das Dateiformat ist nicht erkannt. Gelesen werden: GENESIS-Flatfile-CSV (ffcsv), "
    "GENESIS/Regionalstatistik-Tabellen als CSV oder XLSX, Zensus-Gitterdateien (x,y,1,…,5) "
    "und die Bevölkerungsvorausberechnung 12421-0003 (CSV)."
)


def read_statistics_file(
    name: str,
    data: bytes,
    *,
    max_unzipped_bytes: int = DEFAULT_MAX_UNZIPPED_BYTES,
    max_values: int | None = None,
) -> StatTable | GridTable:
    """Detect the format of ``data`` and read it.

    ``name`` is the uploaded file name (only its last part is shown in
    messages). ``max_unzipped_bytes`` limits what a ZIP or XLSX unpacks to,
    ``max_values`` the values of a flat file (``None``: no limit; see the
    module docstring). Returns a :class:`StatTable`, or a ``GridTable`` for a
    Zensus grid tile. Raises ``SourceError`` with a German message for an
    empty file, an unknown format, a wrong encoding (UTF-16, binary), Excel 97
    files, a damaged or too large ZIP/XLSX, a table without a region variable
    and every error the format's reader finds.
    """
    label = PurePath(name.replace("\\", "/")).name or "Datei"
    if not data.strip():
        raise SourceError("Die Datei ist leer.", file=label)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _read_zip(label, data, max_unzipped_bytes=max_unzipped_bytes, max_values=max_values)
    if data.startswith(_OLE_MAGIC):
        raise SourceError(
            "Excel-97-Dateien (.xls) werden nicht gelesen; bitte die Tabelle als XLSX oder CSV herunterladen.",
            file=label,
        )
    return _read_text(name, label, data, max_values=max_values)


def _first_line(data: bytes) -> str:
    """The first line of the file, decoded leniently (only for recognising the format)."""
    head = data[:4096].removeprefix(codecs.BOM_UTF8)
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character may be cut at 4096 bytes; otherwise ISO-8859-1 (classic GENESIS).
        text = head[: exc.start].decode("utf-8") if exc.start > len(head) - 4 else head.decode("iso-8859-1")
    return text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")


def _read_text(name: str, label: str, data: bytes, *, max_values: int | None) -> StatTable | GridTable:
    reject_utf16(data, file=label)
    first = _first_line(data)
    if looks_like_ffcsv(first):
        return read_genesis_ffcsv(data, file=label, max_values=max_values)
    if looks_like_classic(first):
        return read_genesis_classic(data, file=label, max_values=max_values)
    if first.replace(" ", "").startswith("x,y,"):
        from sozialplan.sources.zensus_grid import read_zensus_grid

        return read_zensus_grid(name, data)
    if first.lstrip('"').lower().startswith(_PROJECTION_STARTS) or b"BEV-VARIANTE-" in data[:4096]:
        from sozialplan.sources.projection_csv import read_projection_csv

        return read_projection_csv(name, data)
    if b"\x00" in data[:4096]:
        raise SourceError("Die Datei ist keine Textdatei und keine XLSX-Arbeitsmappe. " + _UNKNOWN, file=label)
    raise SourceError(_UNKNOWN, file=label)


def _read_zip(label: str, data: bytes, *, max_unzipped_bytes: int, max_values: int | None) -> StatTable | GridTable:
    """An XLSX workbook, or a ZIP holding exactly one CSV (the GENESIS download of an ffcsv)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise SourceError("Die Datei ist ein beschädigtes ZIP-Archiv.", file=label) from exc
    with archive:
        # zipfile unpacks a member to its declared size at most (and then fails the checksum),
        # so the declared sizes bound the unpacked content.
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > max_unzipped_bytes:
            raise SourceError(
                f"Das ZIP-Archiv ist entpackt zu groß ({size_text(unpacked)}); erlaubt sind höchstens "
                f"{size_text(max_unzipped_bytes)}, wie für eine hochgeladene Datei.",
                file=label,
            )
        if any(n.startswith("xl/") for n in names):
            return read_genesis_xlsx(data, file=label, max_unzipped_bytes=max_unzipped_bytes)
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) != 1 or not members[0].filename.lower().endswith(".csv"):
            raise SourceError("Das ZIP-Archiv ist keine XLSX-Datei und enthält nicht genau eine CSV-Datei.", file=label)
        member = members[0]
        try:
            with archive.open(member) as stream:
                inner = stream.read(max_unzipped_bytes + 1)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error, OSError, EOFError) as exc:
            raise SourceError("Die CSV-Datei im ZIP-Archiv ist nicht lesbar.", file=label) from exc
    if len(inner) > max_unzipped_bytes:  # defensive: the declared size was checked above
        raise SourceError(
            f"Die CSV-Datei im ZIP-Archiv ist zu groß; erlaubt sind höchstens {size_text(max_unzipped_bytes)}.",
            file=label,
        )
    inner_name = PurePath(member.filename).name
    if not inner.strip():
        raise SourceError("Die CSV-Datei im ZIP-Archiv ist leer.", file=f"{label}/{inner_name}")
    if inner.startswith((b"PK\x03\x04", _OLE_MAGIC)):
        raise SourceError("Im ZIP-Archiv liegt keine CSV-Datei.", file=label)
    return _read_text(inner_name, inner_name, inner, max_values=max_values)
