"""Numbers and statistical symbols in table cells (hand-checkable examples)."""

from __future__ import annotations

import pytest

from sozialplan.sources.numbers import parse_cell, parse_number
from sozialplan.sources.statistics import SYMBOLS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("63553", 63553.0),
        (" 1541 ", 1541.0),
        ("1.234", 1234.0),
        ("1 234", 1234.0),
        ("1\u00a0234", 1234.0),
        ("2.143.145", 2143145.0),
        ("1234,5", 1234.5),
        ("1.234,5", 1234.5),
        ("0,25", 0.25),
        ("-12", -12.0),
        ("−3,5", -3.5),
    ],
)
def test_it_reads_german_numbers(text: str, expected: float) -> None:
    value, flag = parse_cell(text, "de")
    assert value == pytest.approx(expected)
    assert flag == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1,234.5", 1234.5), ("1234.5", 1234.5), ("2,143,145", 2143145.0), ("1 234", 1234.0), ("-0.5", -0.5)],
)
def test_it_reads_english_numbers(text: str, expected: float) -> None:
    value, flag = parse_cell(text, "en")
    assert value == pytest.approx(expected)
    assert flag == ""


def test_it_reads_the_same_digits_differently_by_language() -> None:
    assert parse_number("1,234", "de") == pytest.approx(1.234)
    assert parse_number("1,234", "en") == pytest.approx(1234.0)


def test_it_reads_a_dash_as_exactly_nothing_so_sums_work() -> None:
    assert parse_cell("-") == (0.0, "-")
    assert parse_cell("–") == (0.0, "-")


@pytest.mark.parametrize(
    ("text", "flag"), [(".", "."), ("x", "x"), ("X", "x"), ("...", "..."), ("…", "..."), ("/", "/")]
)
def test_it_reads_symbols_without_a_number_as_none(text: str, flag: str) -> None:
    assert parse_cell(text) == (None, flag)
    assert flag in SYMBOLS


def test_it_keeps_the_number_of_an_uncertain_value() -> None:
    assert parse_cell("(123)") == (123.0, "()")
    value, flag = parse_cell("(1.234,5)")
    assert value == pytest.approx(1234.5)
    assert flag == "()"


def test_it_leaves_an_empty_cell_to_the_caller() -> None:
    assert parse_cell("  ") == (None, "")


@pytest.mark.parametrize("text", ["1.5", "12a", "1,2,3", "()", "nan", "inf", "1e5", "--", "(", "1.23.4", "½"])
def test_it_rejects_what_is_neither_number_nor_symbol(text: str) -> None:
    with pytest.raises(ValueError):
        parse_cell(text, "de")


def test_it_rejects_an_unknown_language() -> None:
    with pytest.raises(ValueError):
        parse_number("1", "fr")
