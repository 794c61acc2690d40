"""Format detection of uploaded statistics files: from the content, never from the name."""

from __future__ import annotations

import io
import zipfile

import pytest

from sozialplan.sources.detect import read_statistics_file
from sozialplan.sources.errors import SourceError
from sozialplan.sources.statistics import StatTable
from sozialplan.sources.tests.genesis_files import (
    CLASSIC_LAENDER,
    FFCSV_DE,
    FFCSV_ZENSUS_AGES,
    GRID,
    PROJECTION,
    classic_as_xlsx,
    head_lines,
    read,
)


def _table(name: str, data: bytes) -> StatTable:
    table = read_statistics_file(name, data)
    assert isinstance(table, StatTable)
    return table


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_it_detects_each_genesis_format_whatever_the_name() -> None:
    assert _table("upload.txt", read(FFCSV_DE)).format == "genesis-ffcsv"
    assert _table("upload.txt", read(CLASSIC_LAENDER)).format == "genesis-classic"
    assert _table("upload.csv", classic_as_xlsx(CLASSIC_LAENDER)).format == "genesis-xlsx"


def test_it_passes_the_name_on_for_the_table_code() -> None:
    table = _table(f"/home/user/Downloads/{FFCSV_ZENSUS_AGES.name}", read(FFCSV_ZENSUS_AGES))
    assert table.code == "1000A-2022"


def test_it_reads_an_ffcsv_inside_its_genesis_zip() -> None:
    table = _table("12411-01-01-4_de_flat.zip", _zip({FFCSV_DE.name: read(FFCSV_DE)}))
    assert table.format == "genesis-ffcsv"
    assert table.code == "12411-01-01-4"
    assert len(table.values) == 1467


def test_it_refuses_a_zip_without_exactly_one_csv() -> None:
    with pytest.raises(SourceError, match="nicht genau eine CSV-Datei"):
        read_statistics_file("a.zip", _zip({"a.csv": b"x", "b.csv": b"y"}))
    with pytest.raises(SourceError, match="beschädigtes ZIP"):
        read_statistics_file("a.zip", b"PK\x03\x04" + b"\x00" * 40)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Die Datei ist leer"),
        (b" \n\n", "Die Datei ist leer"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Excel-97"),
        ("statistics_code;x".encode("utf-16"), "UTF-16"),
        (b"Schl\xfcssel;Name;Einwohner\n16069;Hildburghausen;63553\n", "Dateiformat ist nicht erkannt"),
        (b"\x00\x01\x02binary", "keine Textdatei"),
    ],
)
def test_it_refuses_what_it_cannot_read_with_a_german_message(data: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=message) as error:
        read_statistics_file("upload/data.csv", data)
    assert error.value.file == "data.csv"


def test_it_refuses_a_table_without_region_variable() -> None:
    data = head_lines(FFCSV_DE, 5).replace(b";KREISE;", b";FOO;")
    with pytest.raises(SourceError, match="kein regionales Merkmal"):
        read_statistics_file("t.csv", data)


def test_it_hands_a_zensus_grid_tile_to_the_grid_reader() -> None:
    grid = pytest.importorskip("sozialplan.sources.zensus_grid")
    table = read_statistics_file(GRID.name, read(GRID))
    assert isinstance(table, grid.GridTable)
    assert len(table.cells) == 7334


def test_it_hands_the_projection_table_to_its_reader() -> None:
    pytest.importorskip("sozialplan.sources.projection_csv")
    table = _table(PROJECTION.name, read(PROJECTION))
    assert table.format == "projection-csv"


def test_a_zip_may_unpack_only_to_the_upload_limit() -> None:
    archive = _zip({FFCSV_DE.name: read(FFCSV_DE)})
    assert len(archive) < 100_000 < len(read(FFCSV_DE))  # 24 KB packed, 301 KB unpacked
    with pytest.raises(SourceError, match=r"Das ZIP-Archiv ist entpackt zu groß .*höchstens 97,7\xa0KB") as error:
        read_statistics_file("12411-01-01-4_de_flat.zip", archive, max_unzipped_bytes=100_000)
    assert error.value.file == "12411-01-01-4_de_flat.zip"
    with pytest.raises(SourceError, match="entpackt zu groß"):
        read_statistics_file("t.xlsx", classic_as_xlsx(CLASSIC_LAENDER), max_unzipped_bytes=20_000)


def test_the_value_limit_reaches_the_flat_file_reader_also_inside_a_zip() -> None:
    message = "Die Tabelle hat 1.467 Werte; erlaubt sind höchstens 1.000."
    with pytest.raises(SourceError, match=message):
        read_statistics_file(FFCSV_DE.name, read(FFCSV_DE), max_values=1000)
    with pytest.raises(SourceError, match=message):
        read_statistics_file("t.zip", _zip({FFCSV_DE.name: read(FFCSV_DE)}), max_values=1000)
    assert len(_table(FFCSV_DE.name, read(FFCSV_DE)).values) == 1467  # no limit by default
