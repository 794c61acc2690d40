"""Fuzzing the statistics readers: any input gives a table or a German ``SourceError``, nothing else.

Inputs are random bytes and real files (small real ones, so each example is
fast) damaged the way uploads get damaged: cut off, bytes swapped, separators
and quotes injected, lines dropped, saved in another encoding.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sozialplan.sources.detect import read_statistics_file
from sozialplan.sources.errors import SourceError
from sozialplan.sources.statistics import StatTable
from sozialplan.sources.tests.genesis_files import (
    CLASSIC_LAENDER,
    FFCSV_DE,
    FFCSV_ZENSUS_AGES,
    classic_as_xlsx,
    head_lines,
    read,
)

# A sweep over many hostile inputs: runs with `make test-slow` (in CI), keeping the fast suite under a minute.
pytestmark = pytest.mark.slow

FUZZ = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def _seeds() -> list[tuple[str, bytes]]:
    return [
        ("12411-02-03-5-B_laender_2018.csv", read(CLASSIC_LAENDER)),
        (FFCSV_DE.name, head_lines(FFCSV_DE, 40)),
        (FFCSV_ZENSUS_AGES.name, head_lines(FFCSV_ZENSUS_AGES, 40)),
    ]


def _assert_table_or_source_error(name: str, data: bytes) -> None:
    try:
        table = read_statistics_file(name, data)
    except SourceError as error:
        assert str(error).strip()
    else:
        assert isinstance(table, StatTable)
        assert table.values


def _truncate(data: bytes, at: int, _: bytes) -> bytes:
    return data[: at % (len(data) + 1)]


def _swap(data: bytes, at: int, _: bytes) -> bytes:
    i, j = at % len(data), (at * 7919) % len(data)
    b = bytearray(data)
    b[i], b[j] = b[j], b[i]
    return bytes(b)


def _inject(data: bytes, at: int, text: bytes) -> bytes:
    i = at % (len(data) + 1)
    return data[:i] + text + data[i:]


def _drop_line(data: bytes, at: int, _: bytes) -> bytes:
    lines = data.split(b"\n")
    del lines[at % len(lines)]
    return b"\n".join(lines)


def _reencode(data: bytes, at: int, _: bytes) -> bytes:
    text = data.decode("utf-8-sig", errors="replace") if at % 2 else data.decode("iso-8859-1")
    return text.encode(("utf-16", "cp1252", "utf-8", "iso-8859-1")[at % 4], errors="replace")


MUTATIONS: list[Callable[[bytes, int, bytes], bytes]] = [_truncate, _swap, _inject, _drop_line, _reencode]


@FUZZ
@given(st.binary(max_size=3000))
def test_it_survives_random_bytes(data: bytes) -> None:
    _assert_table_or_source_error("upload.csv", data)


@FUZZ
@given(
    seed=st.sampled_from(_seeds()),
    steps=st.lists(
        st.tuples(
            st.sampled_from(MUTATIONS),
            st.integers(min_value=0, max_value=10**6),
            st.sampled_from([b";", b'"', b";;", b"\n", b'"\n', b"\r", b"-", b".", b"\x00", b"\xff", b"x,y,1"]),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_it_survives_damaged_real_csv_files(
    seed: tuple[str, bytes], steps: list[tuple[Callable[[bytes, int, bytes], bytes], int, bytes]]
) -> None:
    name, data = seed
    for mutate, at, text in steps:
        if data:
            data = mutate(data, at, text)
    _assert_table_or_source_error(name, data)


@FUZZ
@given(
    steps=st.lists(
        st.tuples(st.sampled_from([_truncate, _swap, _inject]), st.integers(min_value=0, max_value=10**6)),
        min_size=1,
        max_size=3,
    )
)
def test_it_survives_damaged_workbooks(steps: list[tuple[Callable[[bytes, int, bytes], bytes], int]]) -> None:
    data = classic_as_xlsx(CLASSIC_LAENDER)
    for mutate, at in steps:
        if data:
            data = mutate(data, at, b"\x00")
    _assert_table_or_source_error("upload.xlsx", data)


def _rezip(workbook: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook with one of its XML parts changed (CRCs stay valid, so the XML reader sees the damage)."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, change(data) if info.filename == member else data)
    return buffer.getvalue()


@FUZZ
@given(
    member=st.sampled_from(["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml"]),
    steps=st.lists(
        st.tuples(
            st.sampled_from(MUTATIONS),
            st.integers(min_value=0, max_value=10**6),
            st.sampled_from([b"<", b">", b'"', b'<c r="XFD1048576"><v>1</v></c>', b"</row>", b"&", b"\xff"]),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_it_survives_damaged_xml_inside_a_workbook(
    member: str, steps: list[tuple[Callable[[bytes, int, bytes], bytes], int, bytes]]
) -> None:
    def change(data: bytes) -> bytes:
        for mutate, at, text in steps:
            if data:
                data = mutate(data, at, text)
        return data

    _assert_table_or_source_error("upload.xlsx", _rezip(classic_as_xlsx(CLASSIC_LAENDER), member, change))
