"""Parsed catalogue formulas and the age bands of a pyramid; pure functions, no database.

A definition's numerator and denominator (see ``data/indicators/catalogue.json``)
are parsed once per process by :func:`formula` with
:mod:`sozialplan.analysis.formula`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sozialplan.analysis.formula import NAMES, Expr, Variable, parse
from sozialplan.sources.statistics import AGE_OPEN

AREA_VARIABLE = "area"

#: The Destatis main ("moderate") variant of the coordinated population projection, used for series.
MAIN_VARIANT = "G2L2W2"


@dataclass(frozen=True)
class Formula:
    """A definition's parsed numerator and denominator and the variables they use (in a stable order)."""

    numerator: Expr
    denominator: Expr | None
    variables: tuple[Variable, ...]
    counts: tuple[Variable, ...]  # variables that are counts (all but ``area``): checked for small numbers
    measures: frozenset[str]  # measures of the variables without lag: they decide which periods exist


_VARIABLE_ORDER = {name: i for i, name in enumerate(NAMES)}


def _variable_order(variable: Variable) -> tuple[int, int, int, int]:
    return (variable.lag_years, _VARIABLE_ORDER.get(variable.name, 99), variable.age_from, variable.age_to)


@cache
def formula(numerator: str, denominator: str) -> Formula:
    """Parse a definition's expressions once (raises ``FormulaError`` for a broken catalogue)."""
    num = parse(numerator)
    den = parse(denominator) if denominator.strip() else None
    variables = set(num.variables()) | (set(den.variables()) if den is not None else set())
    ordered = tuple(sorted(variables, key=_variable_order))
    return Formula(
        numerator=num,
        denominator=den,
        variables=ordered,
        counts=tuple(v for v in ordered if v.name != AREA_VARIABLE),
        measures=frozenset(v.measure for v in ordered if v.name != AREA_VARIABLE and not v.lag_years),
    )


def finest_tiling(bands: set[tuple[int, int]]) -> list[tuple[int, int]] | None:
    """The finest set of these bands that tiles all ages (0 to open end) without overlap, or ``None``."""
    by_start: dict[int, list[int]] = {}
    for age_from, age_to in bands:
        by_start.setdefault(age_from, []).append(age_to)
    best: dict[int, list[tuple[int, int]] | None] = {AGE_OPEN: []}

    def from_age(start: int) -> list[tuple[int, int]] | None:
        if start not in best:
            options = [
                [(start, end), *rest]
                for end in sorted(by_start.get(start, []))
                if end > start and (rest := from_age(end)) is not None
            ]
            best[start] = max(options, key=len) if options else None
        return best[start]

    return from_age(0)
