from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sozialplan.sources.errors import SourceError
from sozialplan.sources.gv100ad import (
    GEMEINDE,
    looks_like_gv100ad,
    parse_line,
    population_reference_date,
    read_gv100ad,
)
from sozialplan.sources.tests.conftest import all_gv100ad_records, gv100ad_lines

HILDBURGHAUSEN_LINE = next(line for line in gv100ad_lines("16069") if line[10:18] == "16069024")


def test_it_reads_all_of_germany() -> None:
    counts = Counter(r.level for r in all_gv100ad_records())
    assert counts == {
        "land": 16,
        "regbez": 29,
        "region": 12,
        "kreis": 400,
        "verband": 4597,
        "gemeinde": 10981,
    }


def test_it_reads_the_32_gemeinden_of_hildburghausen_with_their_population() -> None:
    gemeinden = [r for r in all_gv100ad_records() if r.level == GEMEINDE and r.key.startswith("16069")]
    assert len(gemeinden) == 32
    assert sum(g.population or 0 for g in gemeinden) == 61926


def test_it_reads_hildburghausen_stadt_as_in_the_data_readme() -> None:
    record = parse_line(HILDBURGHAUSEN_LINE, lineno=1, file="GV100AD")
    assert record.key == "16069024"
    assert record.ars == "160690024024"
    assert record.verband_key == "160690024"
    assert record.kreis_key == "16069"
    assert record.name == "Hildburghausen, Stadt"
    assert record.designation == "Stadt"
    assert record.area_km2 == pytest.approx(72.89)
    assert record.population == 11689
    assert record.population_male == 5802
    assert record.postcode == "98646"
    assert record.several_postcodes is False
    assert record.territorial_date == dt.date(2023, 11, 30)


def test_it_keeps_the_ancestors_of_a_limited_import() -> None:
    records = list(read_gv100ad("\n".join(gv100ad_lines("16069")), only="16069"))
    levels = Counter(r.level for r in records)
    assert levels["land"] == 1 and levels["kreis"] == 1
    verbaende = {r.key: r for r in records if r.level == "verband"}
    assert verbaende["160695002"].name == "Feldstein"
    assert verbaende["160695002"].designation == "Verwaltungsgemeinschaft"
    assert verbaende["160695002"].seat == "Themar"
    # An einheitsgemeinde is listed as its own Verband (verbandsfreie Gemeinde).
    assert verbaende["160690024"].designation == "Verbandsfreie Gemeinde"


def test_it_reads_an_iso_8859_1_file() -> None:
    lines = gv100ad_lines("16069")
    raw = "\n".join(lines).encode("iso-8859-1")
    names = {r.name for r in read_gv100ad(raw, file="alt.txt")}
    assert "Römhild, Stadt" in names
    assert "Kloster Veßra" in names


def test_it_recognises_a_gv100ad_file_by_its_first_line() -> None:
    assert looks_like_gv100ad(HILDBURGHAUSEN_LINE)
    assert not looks_like_gv100ad("satzart,textkennzeichen,land")


def test_it_dates_the_population_figures_to_the_previous_year_end() -> None:
    assert population_reference_date(dt.date(2023, 11, 30)) == dt.date(2022, 12, 31)
    assert population_reference_date(dt.date(2023, 3, 31)) == dt.date(2021, 12, 31)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("99" + HILDBURGHAUSEN_LINE[2:], "Unbekannte Satzart „99“"),
        (HILDBURGHAUSEN_LINE[:2] + "20231331" + HILDBURGHAUSEN_LINE[10:], "kein Datum"),
        (HILDBURGHAUSEN_LINE[:130] + "x" + HILDBURGHAUSEN_LINE[131:], "Die Fläche"),
        (HILDBURGHAUSEN_LINE[:30] + "\x00" + HILDBURGHAUSEN_LINE[31:], "Steuerzeichen"),
        (HILDBURGHAUSEN_LINE + "zu lang", "Zeichen lang"),
        (HILDBURGHAUSEN_LINE[:10] + "16O69024" + HILDBURGHAUSEN_LINE[18:], "nicht 8-stellig"),
        (HILDBURGHAUSEN_LINE[:22] + " " * 50 + HILDBURGHAUSEN_LINE[72:], "Der Name ist leer"),
    ],
)
def test_it_rejects_a_broken_line_with_file_line_and_reason(line: str, reason: str) -> None:
    lines = gv100ad_lines("16069")
    lines.insert(5, line)
    with pytest.raises(SourceError) as info:
        list(read_gv100ad("\n".join(lines), file="GV100AD_kaputt.txt"))
    assert info.value.file == "GV100AD_kaputt.txt"
    assert info.value.line == 6
    assert reason in str(info.value)
    assert str(info.value).startswith("GV100AD_kaputt.txt, Zeile 6: ")


def test_it_rejects_a_duplicate_key() -> None:
    lines = gv100ad_lines("16069")
    with pytest.raises(SourceError, match="doppelt"):
        list(read_gv100ad("\n".join([*lines, HILDBURGHAUSEN_LINE])))


def test_it_rejects_mixed_territorial_dates() -> None:
    lines = gv100ad_lines("16069")
    lines[3] = lines[3][:2] + "20240101" + lines[3][10:]
    with pytest.raises(SourceError, match="weicht vom Gebietsstand"):
        list(read_gv100ad("\n".join(lines)))


def test_it_rejects_an_empty_file() -> None:
    with pytest.raises(SourceError, match="leer"):
        list(read_gv100ad(b"  \n"))


@pytest.mark.slow  # a fuzz sweep: `make test-slow` (CI)
@settings(max_examples=200, deadline=None)
@given(st.text(max_size=600))
def test_it_raises_only_source_errors_on_arbitrary_text(text: str) -> None:
    with contextlib.suppress(SourceError):
        list(read_gv100ad(text))


@pytest.mark.slow  # a fuzz sweep: `make test-slow` (CI)
@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=219), st.characters())
def test_it_raises_only_source_errors_on_a_mutated_real_line(position: int, char: str) -> None:
    line = HILDBURGHAUSEN_LINE[:position] + char + HILDBURGHAUSEN_LINE[position + 1 :]
    with contextlib.suppress(SourceError):
        list(read_gv100ad(line.encode("utf-8", errors="surrogatepass")))
