"""Age bands: compose a wanted band from published bands, and name bands in German.

Age bands are half-open ``[age_from, age_to)`` in whole years, as the German
statistical offices label them ("3 bis unter 6 Jahre"); ``age_to`` =
:data:`AGE_OPEN` (999) means "and older", ``(0, AGE_OPEN)`` all ages.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TypeGuard

from sozialplan.sources.statistics import AGE_OPEN

__all__ = ["AGE_OPEN", "age_label", "compose_band"]


def compose_band(bands: Mapping[tuple[int, int], float | None], age_from: int, age_to: int) -> float | None:
    """Persons aged ``[age_from, age_to)`` from the published ``bands`` (``(from, to)`` → persons).

    Rules:

    * A band published exactly as asked is taken as it is (a published total
      beats a sum of its parts: the parts may be rounded or, in Zensus 2022,
      perturbed for secrecy independently of the total).
    * Otherwise the result is the sum over bands that tile the asked band
      exactly: adjacent, non-overlapping, from ``age_from`` to ``age_to``.
      Bands reaching outside the asked band are ignored (``75 und mehr`` says
      nothing about ``80 und mehr``). Bands whose value is ``None`` or NaN
      (a statistical symbol such as ``.``) cannot be used; another tiling may.
    * If several tilings exist (e.g. a table with 17 age groups and one with
      5 broad groups), the one with the most bands (the finest) is used; if
      the data are consistent all tilings give the same sum, if not the finest
      one is the most detailed table. Among equally fine tilings the one with
      the lowest boundaries first is used, so the result is deterministic.
    * ``None`` if no exact tiling exists.

    The search is a longest path over the band boundaries (dynamic
    programming from ``age_to`` downwards), linear in the number of bands
    times boundaries; tables have a few dozen bands.
    """
    if not 0 <= age_from < age_to <= AGE_OPEN:
        raise ValueError(f"invalid age band [{age_from}, {age_to})")
    exact = bands.get((age_from, age_to))
    if _usable(exact):
        return exact
    # Edges of the graph: usable bands inside the asked band, grouped by start.
    starts: dict[int, list[tuple[int, float]]] = {}
    for (lower, upper), value in bands.items():
        if _usable(value) and age_from <= lower < upper <= age_to:
            starts.setdefault(lower, []).append((upper, value))
    # best[b] = (number of bands, sum) of the finest tiling of [b, age_to)
    best: dict[int, tuple[int, float]] = {age_to: (0, 0.0)}
    for lower in sorted(starts, reverse=True):
        for upper, value in sorted(starts[lower]):
            rest = best.get(upper)
            if rest is None:
                continue
            candidate = (rest[0] + 1, rest[1] + value)
            if lower not in best or candidate[0] > best[lower][0]:
                best[lower] = candidate
    found = best.get(age_from)
    return found[1] if found is not None else None


def _usable(value: float | None) -> TypeGuard[float]:
    return value is not None and not math.isnan(value)


def age_label(age_from: int, age_to: int) -> str:
    """German label of an age band, as in GENESIS tables.

    ``(0, 999)`` → "insgesamt", ``(0, 3)`` → "unter 3 Jahre", ``(3, 6)`` →
    "3 bis unter 6 Jahre", ``(75, 999)`` → "75 Jahre und mehr", ``(45, 46)`` →
    "45 Jahre"; "1 Jahr" in the singular. Raises ``ValueError`` for an empty
    or negative band.
    """
    if not 0 <= age_from < age_to <= AGE_OPEN:
        raise ValueError(f"invalid age band [{age_from}, {age_to})")
    if (age_from, age_to) == (0, AGE_OPEN):
        return "insgesamt"
    if age_to == AGE_OPEN:
        return f"{_years(age_from)} und mehr"
    if age_from == 0:
        return f"unter {_years(age_to)}"
    if age_to == age_from + 1:
        return _years(age_from)
    return f"{age_from} bis unter {_years(age_to)}"


def _years(number: int) -> str:
    return f"{number} Jahr" if number == 1 else f"{number} Jahre"
