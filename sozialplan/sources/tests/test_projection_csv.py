from __future__ import annotations

import datetime as dt

import pytest

from sozialplan.sources.errors import SourceError
from sozialplan.sources.projection_csv import land_key, looks_like_projection_csv, read_projection_csv
from sozialplan.sources.statistics import Measure, StatTable
from sozialplan.sources.tests.conftest import DATA

PROJECTION = DATA / "statistics" / "12421-0003_laender_2022-2070.csv"
HEADER = '\ufeff"Variants of the population projection\nLänder",2022-12-31,2023-12-31\n'
VARIANT = '"BEV-VARIANTE-01 Mod. birth rate a. life exp.,low mig.bal. (G2L2W1)",,\n'


def real() -> StatTable:
    return read_projection_csv(PROJECTION.name, PROJECTION.read_bytes())


def test_it_reads_thueringen_in_variant_g2l2w1_in_persons() -> None:
    table = real()
    thueringen = {v.period: v for v in table.values if v.region_key == "16" and v.variant == "G2L2W1"}
    assert thueringen[dt.date(2022, 12, 31)].value == pytest.approx(2_113_600)
    assert thueringen[dt.date(2028, 12, 31)].value == pytest.approx(2_024_200)
    value = thueringen[dt.date(2022, 12, 31)]
    assert (value.measure, value.sex, value.age_from, value.age_to, value.region_name) == (
        Measure.POPULATION,
        "",
        0,
        999,
        "Thüringen",
    )


def test_it_reads_all_laender_variants_and_dates() -> None:
    table = real()
    assert (table.code, table.format, table.language) == ("12421-0003", "projection-csv", "en")
    assert len(table.values) == 5 * 16 * 49
    assert {v.variant for v in table.values} == {"G2L2W1", "G2L2W2", "G2L2W3", "G1L3W1", "G3L1W3"}
    assert table.periods[0] == dt.date(2022, 12, 31)
    assert table.periods[-1] == dt.date(2070, 12, 31)
    assert len(table.region_keys) == 16


def test_it_maps_english_and_german_land_names() -> None:
    assert land_key("Thuringia") == land_key("Thüringen") == "16"
    assert land_key("Bavaria") == land_key("Bayern") == "09"
    assert land_key("Baden-Württemberg") == "08"
    assert land_key("North Rhine-Westphalia") == "05"
    assert land_key("Atlantis") is None


def test_it_keeps_a_symbol_as_flag() -> None:
    raw = (HEADER + VARIANT + "Thuringia,2113.6,...\n").encode()
    values = read_projection_csv("p.csv", raw).values
    assert values[1].value is None
    assert values[1].flag == "..."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Thuringia,2113.6,2098.8\n", "vor der ersten Variantenzeile"),
        (VARIANT + "Atlantis,1,2\n", "kein bekanntes Land"),
        (VARIANT + "Thuringia,2113.6,abc\n", "keine Zahl"),
        (VARIANT + "Thuringia,2113.6,-1\n", "keine gültige Anzahl"),
        (VARIANT + "Thuringia,2113.6,\n", "fehlt"),
        (VARIANT + "Thuringia,2113.6\n", "2 statt 3 Felder"),
        (VARIANT + "Thuringia,1,2\nThüringen,1,2\n", "doppelt"),
    ],
)
def test_it_rejects_bad_rows_with_a_german_message(body: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        read_projection_csv("p.csv", (HEADER + body).encode())


def test_it_rejects_a_header_without_dates() -> None:
    with pytest.raises(SourceError, match="kein Datum"):
        read_projection_csv("p.csv", b"Land,Wert\n")


def test_it_recognises_the_table() -> None:
    assert looks_like_projection_csv(PROJECTION.read_text(encoding="utf-8-sig")[:2000])
    assert not looks_like_projection_csv("x,y,1,2,3,4,5")
