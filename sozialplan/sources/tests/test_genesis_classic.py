"""Classic GENESIS/Regionalstatistik CSV: the real 12411-02-03-5-B downloads (31.12.2018)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache

import pytest

from sozialplan.sources.errors import SourceError
from sozialplan.sources.genesis_classic import read_genesis_classic
from sozialplan.sources.genesis_layout import Row, table_from_rows
from sozialplan.sources.statistics import AGE_OPEN, Measure, StatTable, StatValue
from sozialplan.sources.tests.genesis_files import CLASSIC_KREISE, CLASSIC_LAENDER, read


@cache
def _kreise() -> StatTable:
    """The Kreise table, read once (the tests only look at it)."""
    return read_genesis_classic(read(CLASSIC_KREISE), file=CLASSIC_KREISE.name)


def _of(table: StatTable, key: str, sex: str = "") -> dict[tuple[int, int], StatValue]:
    return {(v.age_from, v.age_to): v for v in table.values if v.region_key == key and v.sex == sex}


def _lines() -> list[str]:
    return read(CLASSIC_LAENDER).decode("iso-8859-1").split("\n")


def _bytes(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("iso-8859-1")


def test_it_reads_hildburghausen_by_sex_and_17_age_groups() -> None:
    table = _kreise()
    total, male, female = (_of(table, "16069", sex) for sex in ("", "m", "w"))
    assert total[(0, AGE_OPEN)].value == 63553
    assert male[(0, AGE_OPEN)].value == 31766
    assert female[(0, AGE_OPEN)].value == 31787
    assert total[(75, AGE_OPEN)].value == 8215
    assert total[(0, 3)].value == 1541
    for bands in (total, male, female):
        groups = [v.value for band, v in bands.items() if band != (0, AGE_OPEN)]
        assert len(groups) == 17
        assert sum(g for g in groups if g is not None) == bands[(0, AGE_OPEN)].value
    value = total[(65, 75)]
    assert (value.region_name, value.measure, value.period, value.breakdown, value.flag) == (
        "Hildburghausen, Kreis",
        Measure.POPULATION,
        dt.date(2018, 12, 31),
        "",
        "",
    )
    assert (value.measure_label, value.unit, value.line) == ("Bevölkerungsstand", "Anzahl", 490)


def test_it_reads_thueringen_from_the_laender_table() -> None:
    table = read_genesis_classic(read(CLASSIC_LAENDER))
    assert len(table.region_keys) == 16
    assert table.region_keys[0] == "01"
    assert _of(table, "16")[(0, AGE_OPEN)].value == 2143145
    assert len(table.values) == 16 * 54


def test_it_reads_the_title_block_and_the_footer() -> None:
    table = _kreise()
    assert (table.code, table.format, table.language) == ("12411-02-03-5-B", "genesis-classic", "de")
    assert table.title == "Bevölkerung nach Geschlecht und Altersgruppen (17) - Stichtag 31.12. - regionale Ebenen"
    assert table.source == "Statistische Ämter des Bundes und der Länder, Deutschland, 2020"
    assert table.licence == "dl-de/by-2-0"
    assert "Statistik: Fortschreibung des Bevölkerungsstandes" in table.notes
    assert "Stand der Abfrage: 24.11.2020 / 09:48:13" in table.notes
    (footnote,) = (n for n in table.notes if n.startswith('zu "gesamter Tabelle"'))
    assert "Einschränkungen bei der Genauigkeit" in footnote  # "Einschrän-" / "kungen" re-joined
    assert "Baden-Württemberg (Berichtsjahr 2008-2010)" in footnote


def test_it_keeps_historic_and_secret_regions_with_their_flags() -> None:
    table = _kreise()
    keys = table.region_keys
    assert len(keys) == 489
    assert sum(1 for k in keys if len(k) == 5) == 474
    assert sum(1 for k in keys if len(k) == 8) == 15
    goettingen_alt = _of(table, "03152")
    assert goettingen_alt[(0, AGE_OPEN)].region_name == "Göttingen, Landkreis"
    assert {(v.value, v.flag) for v in goettingen_alt.values()} == {(0.0, "-")}
    berlin_mitte = _of(table, "11001001", "w")
    assert {(v.value, v.flag) for v in berlin_mitte.values()} == {(None, ".")}


def test_it_reads_a_file_saved_again_as_utf8_the_same_way() -> None:
    original = read_genesis_classic(read(CLASSIC_LAENDER))
    resaved = read_genesis_classic(read(CLASSIC_LAENDER).decode("iso-8859-1").encode("utf-8"))
    assert resaved.values == original.values
    assert resaved.title == original.title


def test_it_skips_rows_without_a_region_key() -> None:
    lines = _lines()
    lines.insert(9, "Deutschland;;" + ";".join(["1"] * 54))
    table = read_genesis_classic(_bytes(lines))
    assert len(table.region_keys) == 16
    assert "1 Zeilen ohne Regionalschlüssel wurden übersprungen." in table.notes


def test_it_refuses_a_file_without_the_genesis_line() -> None:
    with pytest.raises(SourceError, match="GENESIS-Tabelle") as error:
        read_genesis_classic(_bytes(_lines()[1:]), file="t.csv")
    assert error.value.line == 1


def test_it_refuses_a_table_without_reference_date() -> None:
    lines = [line for line in _lines() if not line.startswith("Stichtag:")]
    with pytest.raises(SourceError, match="Stichtag"):
        read_genesis_classic(_bytes(lines))


def test_it_refuses_a_table_without_region_keys() -> None:
    lines = _lines()
    kept = lines[:9] + [line.split(";", 1)[1] for line in lines[9:25]] + lines[25:]
    with pytest.raises(SourceError, match="keine Datenzeilen mit Regionalschlüssel"):
        read_genesis_classic(_bytes(kept))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda line: line.rsplit(";", 1)[0], "53 statt 54 Werte"),
        (lambda line: line.replace(";54475;", ";54475a;"), "weder eine Zahl"),
        (lambda line: line.replace(";54475;", ";;"), "leere Zelle"),
    ],
)
def test_it_names_the_line_of_a_bad_data_row(change: Callable[[str], str], message: str) -> None:
    lines = _lines()
    assert lines[24].startswith("16;Thüringen;54475;")
    lines[24] = change(lines[24])
    with pytest.raises(SourceError, match=message) as error:
        read_genesis_classic(_bytes(lines), file="t.csv")
    assert error.value.line == 25


def test_it_refuses_value_columns_without_headers() -> None:
    lines = [line for i, line in enumerate(_lines()) if i not in (6, 7, 8)]
    with pytest.raises(SourceError, match="Spaltenköpfe fehlen"):
        read_genesis_classic(_bytes(lines))


def test_it_refuses_columns_it_cannot_tell_apart() -> None:
    lines = _lines()
    lines[8] = ";;" + ";".join(["Insgesamt"] * 54)  # the age row gone: 18 columns per sex look alike
    with pytest.raises(SourceError, match="zwei verschiedene Werte"):
        read_genesis_classic(_bytes(lines))


def test_it_reads_periods_and_other_breakdowns_from_header_rows() -> None:
    """A toy table (region 99, values 1–4) for header rows the real files do not have."""
    rows: list[Row] = [
        (1, ["GENESIS-Tabelle: 99999-0000"]),
        (2, ["Beispieltabelle"]),
        (3, ["Bevölkerungsstand (Anzahl)"]),
        (4, ["", "", "Nationalität", "", "", ""]),  # a merged cell, as in XLSX
        (5, ["", "", "Deutsche", "Deutsche", "Ausländer", "Insgesamt"]),
        (6, ["", "", "31.12.2017", "31.12.2018", "31.12.2018", "2018"]),
        (7, ["99", "Beispiel", "1", "2", "3", "4"]),
    ]
    table = table_from_rows(rows, file="toy.csv", table_format="genesis-classic")
    got = [(v.period, v.breakdown, v.value) for v in table.values]
    assert got == [
        (dt.date(2017, 12, 31), "Nationalität=Deutsche", 1.0),
        (dt.date(2018, 12, 31), "Nationalität=Deutsche", 2.0),
        (dt.date(2018, 12, 31), "Nationalität=Ausländer", 3.0),
        (dt.date(2018, 12, 31), "", 4.0),
    ]
    assert {v.measure for v in table.values} == {Measure.POPULATION}


def test_it_refuses_a_table_with_more_values_than_allowed_before_building_them() -> None:
    # 16 Länder rows × 54 value columns = 864 values.
    with pytest.raises(SourceError) as error:
        read_genesis_classic(read(CLASSIC_LAENDER), file="laender.csv", max_values=100)
    assert "Die Tabelle hat 864 Werte; erlaubt sind höchstens 100." in str(error.value)
