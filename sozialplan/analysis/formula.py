"""A small, safe expression language for indicator numerators and denominators.

Every indicator of the catalogue (``data/indicators/catalogue.json``) is
``numerator / denominator × multiplier``; numerator and denominator are
expressions in this language. Division is deliberately not part of it: a
quotient inside a numerator could not be summed across areas, and the one
division an indicator needs is the fixed one between numerator and denominator.

Grammar (whitespace is ignored)::

    expr   := term (("+" | "-") term)*
    term   := factor ("*" factor)*
    factor := number | ref | "lag" "(" ref "," integer ")" | "(" expr ")" | "-" factor
    ref    := name [ "[" [integer] ":" [integer] "]" ]

Names (see :data:`NAMES`): ``pop`` (persons), ``pop_w``/``pop_m`` (women/men),
``births``, ``deaths``, ``in_migration``, ``out_migration``, ``households``,
``single_parents`` and ``area`` (km²). An age slice ``pop[a:b]`` means persons
aged a to under b years (b exclusive, as in the German "a bis unter b Jahre");
``pop[a:]`` is "a Jahre und mehr" (upper bound :data:`AGE_OPEN`), ``pop[:b]``
is "unter b Jahre". Age slices exist only for the measures counted in persons
by age (:data:`AGE_NAMES`). ``lag(x, n)`` is x as it was n whole years before
the indicator's period (n ≥ 1).

The text is read by a hand-written tokenizer and recursive-descent parser;
nothing is ever passed to ``eval``. Errors raise :class:`FormulaError` with a
German message naming the 1-based character position.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from sozialplan.sources.statistics import AGE_OPEN, Measure, Sex

#: Variable names and the (measure, sex) they are read from. ``area`` is the
#: region's area in km² and has no measure (empty string).
NAMES: Final[dict[str, tuple[str, str]]] = {
    "pop": (Measure.POPULATION, Sex.TOTAL),
    "pop_w": (Measure.POPULATION, Sex.FEMALE),
    "pop_m": (Measure.POPULATION, Sex.MALE),
    "births": (Measure.BIRTHS, Sex.TOTAL),
    "deaths": (Measure.DEATHS, Sex.TOTAL),
    "in_migration": (Measure.IN_MIGRATION, Sex.TOTAL),
    "out_migration": (Measure.OUT_MIGRATION, Sex.TOTAL),
    "households": (Measure.HOUSEHOLDS, Sex.TOTAL),
    "single_parents": (Measure.SINGLE_PARENTS, Sex.TOTAL),
    "area": ("", Sex.TOTAL),
}

#: Names that may carry an age slice (persons counted by age).
AGE_NAMES: Final = frozenset({"pop", "pop_w", "pop_m", "deaths", "in_migration", "out_migration"})

#: Longest accepted expression and deepest nesting of parentheses/negations;
#: both keep the recursive parser far from Python's recursion limit.
MAX_LENGTH: Final = 500
MAX_DEPTH: Final = 40

_LAG: Final = "lag"
_SINGLE_CHARS: Final = frozenset("+-*()[]:,")


class FormulaError(ValueError):
    """An expression that cannot be read; ``message`` is German, ``position`` 1-based (0 = whole text)."""

    def __init__(self, message: str, position: int = 0) -> None:
        text = f"{message} (an Stelle {position})" if position else message
        super().__init__(text)
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Variable:
    """One input an expression needs.

    ``age_from``/``age_to``: the age band in whole years, ``age_to`` exclusive,
    ``AGE_OPEN`` (999) = open-ended; ``(0, AGE_OPEN)`` = all ages (also for
    names without ages). ``lag_years``: how many years before the indicator's
    period the value is taken (0 = the period itself).
    """

    name: str
    age_from: int = 0
    age_to: int = AGE_OPEN
    lag_years: int = 0

    @property
    def measure(self) -> str:
        """The canonical measure code (``Measure.*``); ``""`` for ``area``."""
        return NAMES[self.name][0]

    @property
    def sex(self) -> str:
        """The canonical sex code (``Sex.*``)."""
        return NAMES[self.name][1]

    @property
    def is_total_age(self) -> bool:
        return (self.age_from, self.age_to) == (0, AGE_OPEN)

    def __str__(self) -> str:
        text = self.name
        if not self.is_total_age:
            upper = "" if self.age_to == AGE_OPEN else str(self.age_to)
            text += f"[{self.age_from}:{upper}]"
        return f"lag({text}, {self.lag_years})" if self.lag_years else text


Resolver = Callable[[Variable], float | None]


class Expr:
    """A parsed expression (immutable tree)."""

    def variables(self) -> set[Variable]:
        """Every variable the expression reads."""
        raise NotImplementedError

    def degrees(self) -> frozenset[int]:
        """Polynomial degrees of the terms in the variables (``{1}`` = linear combination)."""
        raise NotImplementedError


@dataclass(frozen=True)
class Number(Expr):
    value: float

    def variables(self) -> set[Variable]:
        return set()

    def degrees(self) -> frozenset[int]:
        # 0 is the zero polynomial: it adds no term at all.
        return frozenset() if self.value == 0 else frozenset({0})

    def __str__(self) -> str:
        return str(int(self.value)) if self.value.is_integer() else repr(self.value)


@dataclass(frozen=True)
class Ref(Expr):
    variable: Variable

    def variables(self) -> set[Variable]:
        return {self.variable}

    def degrees(self) -> frozenset[int]:
        return frozenset({1})

    def __str__(self) -> str:
        return str(self.variable)


@dataclass(frozen=True)
class Neg(Expr):
    operand: Expr

    def variables(self) -> set[Variable]:
        return self.operand.variables()

    def degrees(self) -> frozenset[int]:
        return self.operand.degrees()

    def __str__(self) -> str:
        return f"-({self.operand})" if isinstance(self.operand, BinOp) else f"-{self.operand}"


@dataclass(frozen=True)
class BinOp(Expr):
    op: str  # "+", "-" or "*"
    left: Expr
    right: Expr

    def variables(self) -> set[Variable]:
        return self.left.variables() | self.right.variables()

    def degrees(self) -> frozenset[int]:
        left, right = self.left.degrees(), self.right.degrees()
        if self.op == "*":
            return frozenset(a + b for a in left for b in right)
        return left | right

    def __str__(self) -> str:
        if self.op == "*":
            return f"{_wrap(self.left)} * {_wrap(self.right)}"
        right = _wrap(self.right) if self.op == "-" and isinstance(self.right, BinOp) else str(self.right)
        return f"{self.left} {self.op} {right}"


def _wrap(expr: Expr) -> str:
    return f"({expr})" if isinstance(expr, BinOp) and expr.op != "*" else str(expr)


def evaluate(expr: Expr, resolve: Resolver) -> float | None:
    """Evaluate ``expr``; ``resolve`` gives each variable's value (``None``/NaN = unknown).

    Returns ``None`` when any variable the expression reads is unknown, even if
    it would be multiplied by 0: an unknown input never becomes a number.
    """
    if isinstance(expr, Number):
        return expr.value
    if isinstance(expr, Ref):
        value = resolve(expr.variable)
        return None if value is None or math.isnan(value) else float(value)
    if isinstance(expr, Neg):
        operand = evaluate(expr.operand, resolve)
        return None if operand is None else -operand
    if isinstance(expr, BinOp):
        left = evaluate(expr.left, resolve)
        if left is None:
            return None
        right = evaluate(expr.right, resolve)
        if right is None:
            return None
        if expr.op == "+":
            return left + right
        if expr.op == "-":
            return left - right
        return left * right
    raise TypeError(f"unknown expression node {expr!r}")


def is_additive(expr: Expr) -> bool:
    """Whether the expression is a linear combination of counts without constant term.

    Only then may it be summed across areas: ``Σ(pop[0:20] + pop[65:])`` is
    the expression of the summed counts. Products of variables (``pop * area``)
    and constant terms (``pop + 1``) are not additive.
    """
    return expr.degrees() == frozenset({1})


# --- tokenizer ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "name", "end" or the character itself
    text: str
    position: int  # 1-based


def _describe(token: _Token) -> str:
    return "Ende des Ausdrucks" if token.kind == "end" else f"„{token.text}“"


def _tokenize(text: str) -> list[_Token]:
    """Split ``text`` into tokens; the list ends with an ``end`` token."""
    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char in _SINGLE_CHARS:
            tokens.append(_Token(char, char, i + 1))
            i += 1
        elif char.isascii() and char.isdigit():
            start = i
            while i < len(text) and text[i].isascii() and (text[i].isdigit() or text[i] == "."):
                i += 1
            tokens.append(_Token("number", text[start:i], start + 1))
        elif char.isascii() and (char.isalpha() or char == "_"):
            start = i
            while i < len(text) and text[i].isascii() and (text[i].isalnum() or text[i] == "_"):
                i += 1
            tokens.append(_Token("name", text[start:i], start + 1))
        elif char == "/":
            raise FormulaError(
                "Division ist in Formeln nicht vorgesehen: eine Kennzahl ist Zähler / Nenner × Faktor", i + 1
            )
        else:
            raise FormulaError(f"Unerwartetes Zeichen „{char}“", i + 1)
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


# --- parser ------------------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def expect(self, kind: str, what: str) -> _Token:
        token = self.current
        if token.kind != kind:
            raise FormulaError(f"{what} erwartet, gefunden: {_describe(token)}", token.position)
        return self.advance()

    def parse(self) -> Expr:
        expr = self.expr()
        if self.current.kind != "end":
            raise FormulaError(
                f"Rechenzeichen (+, -, *) erwartet, gefunden: {_describe(self.current)}", self.current.position
            )
        return expr

    def expr(self) -> Expr:
        left = self.term()
        while self.current.kind in ("+", "-"):
            op = self.advance().kind
            left = BinOp(op, left, self.term())
        return left

    def term(self) -> Expr:
        left = self.factor()
        while self.current.kind == "*":
            self.advance()
            left = BinOp("*", left, self.factor())
        return left

    def factor(self) -> Expr:
        token = self.current
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError("Ausdruck ist zu tief verschachtelt", token.position)
        try:
            if token.kind == "number":
                self.advance()
                return Number(_number(token))
            if token.kind == "-":
                self.advance()
                return Neg(self.factor())
            if token.kind == "(":
                self.advance()
                inner = self.expr()
                self.expect(")", "„)“")
                return inner
            if token.kind == "name" and token.text == _LAG:
                return self.lag()
            if token.kind == "name":
                return Ref(self.ref())
            raise FormulaError(f"Zahl, Variable oder „(“ erwartet, gefunden: {_describe(token)}", token.position)
        finally:
            self.depth -= 1

    def lag(self) -> Expr:
        self.advance()
        self.expect("(", "„(“ nach lag")
        variable = self.ref()
        self.expect(",", "„,“ und eine Zahl von Jahren")
        years_token = self.expect("number", "Zahl der Jahre")
        years = _integer(years_token)
        if years < 1:
            raise FormulaError("lag braucht mindestens 1 Jahr", years_token.position)
        self.expect(")", "„)“")
        return Ref(Variable(variable.name, variable.age_from, variable.age_to, years))

    def ref(self) -> Variable:
        token = self.expect("name", "Variable")
        if token.text not in NAMES:
            allowed = ", ".join(NAMES)
            raise FormulaError(f"Unbekannte Variable „{token.text}“ (erlaubt: {allowed})", token.position)
        if self.current.kind != "[":
            return Variable(token.text)
        bracket = self.advance()
        if token.text not in AGE_NAMES:
            raise FormulaError(f"„{token.text}“ hat keine Altersgruppen", bracket.position)
        age_from = _integer(self.advance()) if self.current.kind == "number" else 0
        self.expect(":", "„:“ zwischen den Altersgrenzen")
        age_to = _integer(self.advance()) if self.current.kind == "number" else AGE_OPEN
        self.expect("]", "„]“")
        if not 0 <= age_from < age_to <= AGE_OPEN:
            raise FormulaError(
                f"Altersgruppe [{age_from}:{age_to}] ist leer oder ungültig (von muss kleiner als bis sein)",
                bracket.position,
            )
        return Variable(token.text, age_from, age_to)


def _number(token: _Token) -> float:
    if token.text.count(".") > 1 or token.text.endswith("."):
        raise FormulaError(f"Ungültige Zahl „{token.text}“", token.position)
    return float(token.text)


def _integer(token: _Token) -> int:
    if token.kind != "number" or not token.text.isdigit():
        raise FormulaError(f"Ganze Zahl erwartet, gefunden: {_describe(token)}", token.position)
    return int(token.text)


def parse(text: str) -> Expr:
    """Parse a numerator or denominator expression.

    Raises :class:`FormulaError` (German message with position) for an empty,
    too long or malformed expression, an unknown name, an age slice on a name
    without ages, an empty age band, or a division.
    """
    if not text.strip():
        raise FormulaError("Der Ausdruck ist leer")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"Der Ausdruck ist länger als {MAX_LENGTH} Zeichen")
    return _Parser(text).parse()
