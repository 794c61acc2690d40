from __future__ import annotations

import codecs
import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sozialplan.sources.errors import SourceError
from sozialplan.sources.offers_csv import COLUMNS, InvalidRowsError, RowProblem, read_offers_csv
from sozialplan.sources.tests.conftest import OFFERS

HEADER = ",".join(COLUMNS)
REAL = OFFERS.read_bytes()
REAL_LINES = REAL.decode("utf-8").splitlines()


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def row(**values: str) -> str:
    """One CSV line with the given columns (others empty); values must not need quoting."""
    return ",".join(values.get(c, "") for c in COLUMNS)


def test_it_reads_all_72_real_offers() -> None:
    parsed = read_offers_csv(REAL)
    assert len(parsed.rows) == 72
    assert parsed.problems == []
    first = parsed.rows[0]
    assert first.line == 2
    assert first.name == "Kindertagesstätte „Werraspatzen“"
    assert first.postcode == "98646"
    assert first.target_group_phrases == ["Kinder bis Schuleintritt", "Familien"]


def test_it_reads_the_file_with_a_byte_order_mark() -> None:
    assert len(read_offers_csv(codecs.BOM_UTF8 + REAL).rows) == 72


def test_it_accepts_columns_in_any_order() -> None:
    columns = list(reversed(COLUMNS))
    line = ",".join("Bürgerbus" if c == "name" else "" for c in columns)
    parsed = read_offers_csv(csv_bytes(line, header=",".join(columns)))
    assert [r.name for r in parsed.rows] == ["Bürgerbus"]


def test_it_refuses_a_latin_1_file_in_german_with_the_line() -> None:
    data = "\n".join(REAL_LINES[:4]).encode("utf-8", errors="strict")
    latin = "\n".join(REAL_LINES[:4]).encode("iso-8859-1", errors="replace")
    assert read_offers_csv(data).rows
    with pytest.raises(SourceError) as info:
        read_offers_csv(latin, file="angebote.csv")
    assert info.value.line == 2  # the first umlaut ("Kindertagesstätte") is in line 2
    assert "nicht UTF-8-kodiert" in str(info.value)


def test_it_refuses_utf_16() -> None:
    with pytest.raises(SourceError, match="UTF-16"):
        read_offers_csv(codecs.BOM_UTF16_LE + HEADER.encode("utf-16-le"))


def test_it_refuses_nul_bytes_with_the_line() -> None:
    with pytest.raises(SourceError) as info:
        read_offers_csv(csv_bytes(row(name="Tafel"), row(name="Ta\x00fel")))
    assert info.value.line == 3
    assert "NUL" in str(info.value)


@pytest.mark.parametrize("data", [b"", b"   \n", codecs.BOM_UTF8])
def test_it_refuses_an_empty_file(data: bytes) -> None:
    with pytest.raises(SourceError, match="leer"):
        read_offers_csv(data)


def test_it_names_missing_columns() -> None:
    with pytest.raises(SourceError) as info:
        read_offers_csv(b"name,town\nTafel,Eisfeld\n")
    assert info.value.line == 1
    assert "„traeger“" in str(info.value)


def test_it_refuses_unknown_and_duplicate_columns() -> None:
    with pytest.raises(SourceError, match="Unbekannte Spalten"):
        read_offers_csv(csv_bytes(header=HEADER + ",kommentar"))
    with pytest.raises(SourceError, match="Doppelte Spalten"):
        read_offers_csv(csv_bytes(header=HEADER + ",Name"))


def test_it_refuses_a_row_with_the_wrong_number_of_fields() -> None:
    with pytest.raises(SourceError) as info:
        read_offers_csv(csv_bytes(row(name="Tafel"), "Tafel,zu,wenig"))
    assert info.value.line == 3
    assert "3 statt 14 Felder" in str(info.value)


def test_it_refuses_broken_quoting() -> None:
    with pytest.raises(SourceError, match="nach einem schließenden Anführungszeichen fehlt das Komma"):
        read_offers_csv(csv_bytes(row(name='"Tafel "kaputt"')))
    with pytest.raises(SourceError, match="ein Anführungszeichen wird nicht geschlossen"):
        read_offers_csv(csv_bytes('"Tafel' + "," * 13))


def test_it_refuses_a_runaway_field() -> None:
    huge = "x" * 200_000
    with pytest.raises(SourceError, match="länger als"):
        read_offers_csv(csv_bytes(f'"{huge}' + "," * 13))


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"town": "Eisfeld"}, "Der Name fehlt."),
        ({"name": "Tafel", "postcode": "9867"}, "keine fünfstellige deutsche Postleitzahl"),
        ({"name": "Tafel", "email": "tafel(at)example.org"}, "E-Mail-Adresse"),
        ({"name": "Tafel", "website": "javascript:alert(1)"}, "keine http(s)-Adresse"),
        ({"name": "Tafel", "source_url": "ftp://example.org/x"}, "keine http(s)-Adresse"),
        ({"name": "Tafel", "source_date": "gestern"}, "JJJJ-MM"),
        ({"name": "Tafel", "phone": "<b>"}, "Telefonnummer"),
        ({"name": "T" * 301}, "zu lang (301 Zeichen, höchstens 300)"),
        ({"name": "Tafel\x07"}, "Steuerzeichen"),
    ],
)
def test_it_rejects_an_implausible_row_and_keeps_the_others(values: dict[str, str], reason: str) -> None:
    parsed = read_offers_csv(csv_bytes(row(name="Bürgerbus"), row(**values), row(name="Tafel Eisfeld")))
    assert [r.name for r in parsed.rows] == ["Bürgerbus", "Tafel Eisfeld"]
    (problem,) = parsed.problems
    assert problem.line == 3
    assert reason in problem.reason


def test_it_refuses_more_rows_than_a_district_has_offers(monkeypatch: pytest.MonkeyPatch) -> None:
    from sozialplan.sources import offers_csv

    monkeypatch.setattr(offers_csv, "MAX_ROWS", 3)
    with pytest.raises(SourceError) as info:
        read_offers_csv(csv_bytes(*[row(name=f"Angebot {i}") for i in range(5)]))
    assert info.value.line == 5
    assert "mehr als 3 Zeilen" in str(info.value)


def test_it_keeps_hostile_text_verbatim_for_escaping_later() -> None:
    name = "<script>alert('x')</script>'; DROP TABLE offerings_offering; --"
    parsed = read_offers_csv(csv_bytes(row(name=name.replace(",", " "))))
    assert parsed.rows[0].name == name.replace(",", " ")


def test_it_numbers_rows_after_a_multi_line_field_by_their_first_line() -> None:
    description = '"Zeile eins\nZeile zwei"'
    line = ",".join(description if c == "description" else ("Tafel" if c == "name" else "") for c in COLUMNS)
    parsed = read_offers_csv(csv_bytes(line, row(name="Bürgerbus")))
    assert [(r.line, r.name) for r in parsed.rows] == [(2, "Tafel"), (4, "Bürgerbus")]


@pytest.mark.slow  # a fuzz sweep: `make test-slow` (CI)
@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_it_raises_only_source_errors_on_arbitrary_bytes(data: bytes) -> None:
    with contextlib.suppress(SourceError):
        read_offers_csv(data)


@pytest.mark.slow  # a fuzz sweep: `make test-slow` (CI)
@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.text(max_size=40), min_size=0, max_size=16), max_size=6))
def test_it_raises_only_source_errors_on_arbitrary_rows(rows: list[list[str]]) -> None:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    try:
        parsed = read_offers_csv(out.getvalue().encode("utf-8", errors="surrogatepass"))
    except SourceError:
        return
    assert all(r.name for r in parsed.rows)


def test_invalid_rows_are_named_with_file_line_name_and_reason_sorted_by_line() -> None:
    problems = [
        RowProblem(line=9, name="T" * 100, reason="„Name“ ist zu lang."),
        RowProblem(line=3, name="", reason="Der Name fehlt."),
    ]
    error = InvalidRowsError("angebote.csv", problems)
    assert isinstance(error, SourceError)
    assert [p.line for p in error.problems] == [3, 9]
    assert str(error) == (
        "2 Zeilen sind fehlerhaft:\n"
        "– angebote.csv, Zeile 3: Der Name fehlt.\n"
        f"– angebote.csv, Zeile 9 („{'T' * 79}…“): „Name“ ist zu lang."
    )
    assert error.file == "angebote.csv"
