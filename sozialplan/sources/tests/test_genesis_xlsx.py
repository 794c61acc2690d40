"""XLSX export of classic GENESIS/Regionalstatistik tables.

No real GENESIS XLSX download is among our data files. The test workbooks are
therefore built from the real classic CSV downloads (same texts, same
numbers) by ``genesis_files.classic_as_xlsx``, in the layout of the GENESIS
XLSX export as we understand it (the printed table of the CSV on one sheet:
title block and footer in column A, spanning column headers as merged cells,
region keys as text, numbers as numbers, symbols as text). That layout is an
assumption, not a published specification; see genesis_files.py.
"""

from __future__ import annotations

import io
import time

import pytest
from openpyxl import Workbook

from sozialplan.sources import genesis_xlsx
from sozialplan.sources.errors import SourceError
from sozialplan.sources.genesis_classic import read_genesis_classic
from sozialplan.sources.genesis_xlsx import MAX_COLUMNS, read_genesis_xlsx
from sozialplan.sources.statistics import AGE_OPEN, StatTable
from sozialplan.sources.tests.genesis_files import CLASSIC_KREISE, CLASSIC_LAENDER, classic_as_xlsx, read


def _total(table: StatTable, key: str, sex: str = "") -> float | None:
    (value,) = (
        v.value
        for v in table.values
        if v.region_key == key and v.sex == sex and (v.age_from, v.age_to) == (0, AGE_OPEN)
    )
    return value


def test_it_reads_the_same_values_as_from_the_csv() -> None:
    from_xlsx = read_genesis_xlsx(classic_as_xlsx(CLASSIC_LAENDER), file="12411-02-03-5-B.xlsx")
    from_csv = read_genesis_classic(read(CLASSIC_LAENDER))
    assert from_xlsx.format == "genesis-xlsx"
    assert from_xlsx.values == from_csv.values
    assert (from_xlsx.code, from_xlsx.title, from_xlsx.source, from_xlsx.licence) == (
        from_csv.code,
        from_csv.title,
        from_csv.source,
        from_csv.licence,
    )
    assert from_xlsx.notes == from_csv.notes  # the footnote re-joined from one line per row
    assert _total(from_xlsx, "16") == 2143145


def test_it_reads_hildburghausen_and_symbols_from_the_kreise_workbook() -> None:
    table = read_genesis_xlsx(classic_as_xlsx(CLASSIC_KREISE, only=("11", "16")))
    assert len(table.region_keys) == 23 + 13  # Thüringen's Kreise; Berlin and its 12 Bezirke
    assert _total(table, "16069") == 63553
    assert _total(table, "16069", "m") == 31766
    assert _total(table, "16069", "w") == 31787
    assert {(v.value, v.flag) for v in table.values if v.region_key == "11001001"} == {(None, ".")}


def test_it_restores_the_leading_zero_of_keys_stored_as_numbers() -> None:
    table = read_genesis_xlsx(classic_as_xlsx(CLASSIC_LAENDER, numeric_keys=True))
    assert table.region_keys[:3] == ["01", "02", "03"]
    assert _total(table, "01") == 2896712


def test_it_refuses_a_damaged_workbook() -> None:
    data = classic_as_xlsx(CLASSIC_LAENDER)
    with pytest.raises(SourceError, match="XLSX"):
        read_genesis_xlsx(data[: len(data) // 2], file="t.xlsx")
    with pytest.raises(SourceError, match="XLSX"):
        read_genesis_xlsx(b"not a workbook", file="t.xlsx")


def test_it_refuses_a_workbook_that_is_no_genesis_table() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "Schlüssel"
    sheet["B1"] = "Einwohner"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(SourceError, match="GENESIS-Tabelle"):
        read_genesis_xlsx(buffer.getvalue(), file="t.xlsx")


def _saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_refuses_a_workbook_with_cells_in_the_last_column_quickly() -> None:
    # The reviewer's "bomb": 3,000 rows with one cell each in column XFD (16,384) took 57 s and 866 MB.
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in range(1, 3001):
        sheet.cell(row=row, column=16_384, value=1)
    data = _saved(workbook)
    assert len(data) < 40_000
    start = time.perf_counter()
    with pytest.raises(SourceError, match="Zeile 1 reicht über Spalte 500 hinaus"):
        read_genesis_xlsx(data, file="bombe.xlsx")
    assert time.perf_counter() - start < 1.0


def test_it_refuses_a_row_with_more_cells_than_a_genesis_table_has_before_parsing_it() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(range(MAX_COLUMNS + 1)))
    with pytest.raises(SourceError, match="eine Zeile hat mehr als 500 Zellen"):
        read_genesis_xlsx(_saved(workbook), file="breit.xlsx")


def test_it_limits_rows_cells_and_the_unpacked_size(monkeypatch: pytest.MonkeyPatch) -> None:
    data = classic_as_xlsx(CLASSIC_LAENDER)
    with pytest.raises(SourceError, match=r"entpackt zu groß .*; erlaubt sind höchstens 1000\xa0Bytes"):
        read_genesis_xlsx(data, file="t.xlsx", max_unzipped_bytes=1000)
    monkeypatch.setattr(genesis_xlsx, "MAX_CELLS", 100)
    with pytest.raises(SourceError, match="mehr als 100 Zellen"):
        read_genesis_xlsx(data, file="t.xlsx")
    monkeypatch.setattr(genesis_xlsx, "MAX_ROWS", 5)
    with pytest.raises(SourceError, match="mehr als 5 Zeilen"):
        read_genesis_xlsx(data, file="t.xlsx")
