from __future__ import annotations

import datetime as dt

import pytest

from sozialplan.sources.errors import SourceError
from sozialplan.sources.tests.conftest import ZENSUS
from sozialplan.sources.zensus import looks_like_zensus_ffcsv, read_zensus_population

HEADER = (
    "statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;"
    "1_variable_attribute_code;1_variable_attribute_label;value;value_unit;value_variable_code;value_variable_label"
)
ROW = (
    "1000A;Bevölkerung kompakt (Gebietsstand 15.05.2022);STAG;Stichtag;2022-05-15;GEOGM4;"
    "Gemeinden (Gebietsstand 15.05.2022);160690024024;Hildburghausen, Stadt;11684;Anzahl;PRS018;Personen"
)


def test_it_reads_the_zensus_population_of_every_gemeinde() -> None:
    records = list(read_zensus_population(ZENSUS))
    assert len(records) == 10786
    thueringen = [r for r in records if r.ars.startswith("16")]
    assert len(thueringen) == 631
    assert sum(r.population for r in thueringen) == 2110396


def test_it_reads_hildburghausen_on_the_zensus_day() -> None:
    (record,) = read_zensus_population(ZENSUS, only="160690024024")
    assert record.population == 11684
    assert record.date == dt.date(2022, 5, 15)


def test_it_recognises_the_ffcsv_header() -> None:
    assert looks_like_zensus_ffcsv("\ufeff" + HEADER)


def test_it_rejects_another_table() -> None:
    raw = f"{HEADER}\n{ROW.replace('1000A;', '12411;', 1)}\n".encode()
    with pytest.raises(SourceError, match="statt 1000A"):
        list(read_zensus_population(raw, file="tabelle.csv"))


def test_it_rejects_a_duplicate_gemeinde_with_its_line() -> None:
    raw = f"\ufeff{HEADER}\n{ROW}\n{ROW}\n".encode()
    with pytest.raises(SourceError) as info:
        list(read_zensus_population(raw, file="tabelle.csv"))
    assert info.value.line == 3
    assert "doppelt" in str(info.value)


def test_it_rejects_a_value_that_is_not_a_whole_number() -> None:
    raw = f"{HEADER}\n{ROW.replace(';11684;', ';11,5;')}\n".encode()
    with pytest.raises(SourceError, match="keine ganze Zahl"):
        list(read_zensus_population(raw))


def test_it_rejects_a_table_with_two_variables() -> None:
    raw = f"{HEADER.replace('value;', '2_variable_code;value;')}\n".encode()
    with pytest.raises(SourceError, match="mehr als ein Merkmal"):
        list(read_zensus_population(raw))
