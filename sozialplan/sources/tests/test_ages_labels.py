"""Age bands from GENESIS codes and German/English labels."""

from __future__ import annotations

import csv
import io
import itertools

import pytest

from sozialplan.sources.ages_labels import parse_age, parse_age_code, parse_age_label
from sozialplan.sources.statistics import AGE_OPEN
from sozialplan.sources.tests.genesis_files import CLASSIC_KREISE, FFCSV_ZENSUS_AGES, classic_rows, read


@pytest.mark.parametrize(
    ("label", "band"),
    [
        ("unter 3 Jahre", (0, 3)),
        ("Unter 10 Jahre", (0, 10)),
        ("unter 1 Jahr", (0, 1)),
        ("3 bis unter 6 Jahre", (3, 6)),
        ("65 bis unter 75 Jahre", (65, 75)),
        ("60 bis 69 Jahre", (60, 70)),
        ("60 - 69", (60, 70)),
        ("75 Jahre und mehr", (75, AGE_OPEN)),
        ("80 Jahre und älter", (80, AGE_OPEN)),
        ("75 u.m.", (75, AGE_OPEN)),
        ("85+", (85, AGE_OPEN)),
        ("45 Jahre", (45, 46)),
        ("Insgesamt", (0, AGE_OPEN)),
        ("under 3 years", (0, 3)),
        ("Under 10 years", (0, 10)),
        ("3 to under 6 years", (3, 6)),
        ("60 to 69 years", (60, 70)),
        ("75 years and over", (75, AGE_OPEN)),
        ("80 years and older", (80, AGE_OPEN)),
        ("Total", (0, AGE_OPEN)),
    ],
)
def test_it_reads_age_labels(label: str, band: tuple[int, int]) -> None:
    assert parse_age_label(label) == band


@pytest.mark.parametrize(
    "label",
    [
        "Altersgruppen (unter 1 bis 75 u.m.)",
        "männlich",
        "2018",
        "31.12.2018",
        "",
        "über 75 Jahre",
        "6 bis unter 3 Jahre",
    ],
)
def test_it_reads_no_band_from_other_labels(label: str) -> None:
    assert parse_age_label(label) is None


@pytest.mark.parametrize(
    ("code", "band"),
    [
        ("ALT000B03", (0, 3)),
        ("ALT065B75", (65, 75)),
        ("ALT075UM", (75, AGE_OPEN)),
        ("ALT060B069", (60, 70)),
        ("ALT000B009", (0, 10)),
        ("ALT080BXXX", (80, AGE_OPEN)),
        ("ALTU10", (0, 10)),
        ("ALT18B65", (18, 65)),
        ("ALT65UM", (65, AGE_OPEN)),
        ("ALT045", (45, 46)),
        ("ALTVOLL045", (45, 46)),
    ],
)
def test_it_reads_genesis_age_codes(code: str, band: tuple[int, int]) -> None:
    assert parse_age_code(code) == band


@pytest.mark.parametrize("code", ["", "GESM", "ALTX20", "ALT075B060", "ALTER"])
def test_it_reads_no_band_from_other_codes(code: str) -> None:
    assert parse_age_code(code) is None


def test_it_takes_the_empty_code_as_the_total_and_prefers_the_label() -> None:
    assert parse_age("", "Insgesamt") == (0, AGE_OPEN)
    assert parse_age("ALT060B069", "60 bis 69 Jahre") == (60, 70)
    assert parse_age("ALT060B069", "something else") == (60, 70)


def test_it_agrees_with_the_labels_of_every_zensus_age_code() -> None:
    text = read(FFCSV_ZENSUS_AGES).decode("utf-8-sig")
    pairs = {(row[11], row[12]) for row in csv.reader(io.StringIO(text), delimiter=";") if row[9] == "ALTGR2"}
    assert len(pairs) == 10
    for code, label in pairs:
        if code:
            assert parse_age_code(code) == parse_age_label(label), code


def test_it_reads_the_17_age_groups_of_the_classic_table() -> None:
    header = classic_rows(CLASSIC_KREISE)[8][2:20]
    bands = [parse_age_label(label) for label in header]
    assert bands[0] == (0, 3)
    assert bands[16] == (75, AGE_OPEN)
    assert bands[17] == (0, AGE_OPEN)
    # the 17 groups tile 0 … open without gaps
    assert all(a is not None and b is not None and a[1] == b[0] for a, b in itertools.pairwise(bands[:17]))
