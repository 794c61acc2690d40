from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sozialplan.analysis.formula import (
    MAX_DEPTH,
    FormulaError,
    Variable,
    evaluate,
    is_additive,
    parse,
)
from sozialplan.sources.statistics import AGE_OPEN, Measure, Sex

CATALOGUE = Path(__file__).resolve().parents[3] / "data" / "indicators" / "catalogue.json"


def catalogue_expressions() -> list[str]:
    indicators = json.loads(CATALOGUE.read_text(encoding="utf-8"))["indicators"]
    return [text for item in indicators for text in (item["numerator"], item["denominator"]) if text]


def resolver(values: dict[str, float | None]) -> Callable[[Variable], float | None]:
    return lambda variable: values[str(variable)]


def test_it_parses_every_numerator_and_denominator_of_the_catalogue() -> None:
    expressions = catalogue_expressions()
    assert len(expressions) > 20
    for text in expressions:
        expr = parse(text)
        assert expr.variables()
        # every catalogue expression is a sum/difference of counts, so areas can be summed
        assert is_additive(expr), text
        # the canonical text reads back to the same tree
        assert parse(str(expr)) == expr


def test_it_reads_age_slices_as_half_open_bands() -> None:
    assert parse("pop[0:20]").variables() == {Variable("pop", 0, 20, 0)}
    assert parse("pop[65:]").variables() == {Variable("pop", 65, AGE_OPEN, 0)}
    assert parse("pop[:6]").variables() == {Variable("pop", 0, 6, 0)}
    assert parse("pop_w[80:]").variables() == {Variable("pop_w", 80, AGE_OPEN, 0)}
    assert parse("pop").variables() == {Variable("pop", 0, AGE_OPEN, 0)}


def test_it_reads_lag_with_the_number_of_years() -> None:
    expr = parse("pop - lag(pop, 5)")
    assert expr.variables() == {Variable("pop"), Variable("pop", 0, AGE_OPEN, 5)}
    assert parse("lag(pop[65:], 10)").variables() == {Variable("pop", 65, AGE_OPEN, 10)}


def test_it_names_the_measure_and_sex_of_a_variable() -> None:
    assert Variable("pop_w", 80).measure == Measure.POPULATION
    assert Variable("pop_w", 80).sex == Sex.FEMALE
    assert Variable("births").measure == Measure.BIRTHS
    assert Variable("area").measure == ""
    assert str(Variable("pop_m", 18, 65, 5)) == "lag(pop_m[18:65], 5)"


def test_it_evaluates_with_precedence_and_unary_minus() -> None:
    values: dict[str, float | None] = {"pop": 100.0, "pop[0:20]": 15.0, "pop[65:]": 30.0, "lag(pop, 5)": 110.0}
    resolve = resolver(values)
    assert evaluate(parse("pop[0:20] + pop[65:]"), resolve) == pytest.approx(45.0)
    assert evaluate(parse("pop - lag(pop, 5)"), resolve) == pytest.approx(-10.0)
    assert evaluate(parse("2 + 3 * pop"), resolve) == pytest.approx(302.0)
    assert evaluate(parse("(2 + 3) * pop"), resolve) == pytest.approx(500.0)
    assert evaluate(parse("pop - pop[0:20] - pop[65:]"), resolve) == pytest.approx(55.0)
    assert evaluate(parse("-pop[65:] * 2 - -1.5"), resolve) == pytest.approx(-58.5)


def test_it_gives_none_when_any_needed_variable_is_unknown() -> None:
    resolve = resolver({"pop": 100.0, "lag(pop, 5)": None, "births": float("nan")})
    assert evaluate(parse("pop - lag(pop, 5)"), resolve) is None
    assert evaluate(parse("0 * lag(pop, 5) + pop"), resolve) is None
    assert evaluate(parse("births"), resolve) is None


def test_it_tells_additive_expressions_from_products_and_constants() -> None:
    assert is_additive(parse("in_migration - out_migration"))
    assert is_additive(parse("2 * pop[0:6] - pop[3:6]"))
    assert is_additive(parse("pop + 0"))
    assert not is_additive(parse("pop * area"))
    assert not is_additive(parse("pop + 1"))
    assert not is_additive(parse("12"))


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("pop / 2", "Division", 5),
        ("popx", "Unbekannte Variable „popx“", 1),
        ("pop[65:20]", "Altersgruppe [65:20]", 4),
        ("area[0:5]", "„area“ hat keine Altersgruppen", 5),
        ("households[0:18]", "keine Altersgruppen", 11),
        ("lag(pop, 0)", "mindestens 1 Jahr", 10),
        ("lag(pop, 2.5)", "Ganze Zahl erwartet", 10),
        ("lag(pop)", "„,“", 8),
        ("pop +", "Ende des Ausdrucks", 6),
        ("(pop", "„)“ erwartet", 5),
        ("pop pop", "Rechenzeichen", 5),
        ("pop)", "Rechenzeichen", 4),
        ("1..2", "Ungültige Zahl", 1),
        ("pop ** 2", "Zahl, Variable oder „(“ erwartet", 6),
        ("pop[0:1000]", "Altersgruppe", 4),
        ("Einwohner", "Unbekannte Variable „Einwohner“", 1),
        ("pop ä", "Unerwartetes Zeichen „ä“", 5),
    ],
)
def test_it_rejects_bad_expressions_with_a_german_message_and_position(text: str, message: str, position: int) -> None:
    with pytest.raises(FormulaError) as excinfo:
        parse(text)
    assert message in str(excinfo.value)
    assert excinfo.value.position == position
    assert f"an Stelle {position}" in str(excinfo.value)


def test_it_rejects_empty_and_overly_nested_expressions() -> None:
    with pytest.raises(FormulaError, match="leer"):
        parse("   ")
    with pytest.raises(FormulaError, match="verschachtelt"):
        parse("(" * (MAX_DEPTH + 1) + "pop" + ")" * (MAX_DEPTH + 1))
    with pytest.raises(FormulaError, match="länger"):
        parse("pop + " * 100 + "pop")


@pytest.mark.slow  # a fuzz sweep: `make test-slow` (CI)
@settings(max_examples=300)
@given(st.text(alphabet="pop_wm[]:()+-*,/ 0123456789lagxä", max_size=40) | st.text(max_size=40))
def test_it_never_crashes_on_arbitrary_text(text: str) -> None:
    try:
        expr = parse(text)
    except FormulaError as error:
        assert error.message
    else:
        assert parse(str(expr)).variables() == expr.variables()
