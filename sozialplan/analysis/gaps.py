"""Gap candidates: how many people a shortfall affects and how large it is.

A candidate's severity is ``people affected × shortfall × demographic pressure``
(:func:`severity`):

* a *reach* gap (:func:`reach_shortfall`): people whose nearest offer is
  farther than a threshold T (minutes), with a shortfall 0–1 that grows with
  the excess time, ``min(1, (t − T)/T)``: 1 at twice the threshold or for
  people who cannot reach any offer;
* a *coverage* gap (:func:`coverage_shortfall`): an area whose offers (or
  places) per 1,000 lie below a benchmark, shortfall ``1 − ratio/benchmark``;
* the *pressure* (:func:`pressure`) weights target groups that will grow:
  1 + the relative growth until the projection year, never below 1 (a
  shrinking group does not make a gap smaller than it is today).

The numbers rank gaps for the planner; they are not a measure of need in
any absolute sense.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike


def reach_shortfall(nearest_min: ArrayLike, population: ArrayLike, threshold: float) -> tuple[float, float]:
    """People beyond ``threshold`` minutes from their nearest offer, and their mean shortfall 0–1.

    ``nearest_min`` and ``population`` have one entry per demand point
    (minutes to the nearest offer, persons); ``nan`` and ``inf`` times are
    unreachable. Returns ``(people, shortfall)``: the persons with a time
    > ``threshold`` or no reachable offer, and the population-weighted mean
    over them of ``min(1, (t − T)/T)``, unreachable counting 1. ``(0.0, 0.0)``
    when nobody is affected. Raises ``ValueError`` for a threshold that is not
    a positive number, arrays of different lengths or a negative or
    non-finite population.
    """
    if not (math.isfinite(threshold) and threshold > 0):
        raise ValueError(f"Der Schwellenwert muss größer als 0 Minuten sein, nicht {threshold:g}.")
    minutes = np.asarray(nearest_min, dtype=np.float64).reshape(-1)
    people = np.asarray(population, dtype=np.float64).reshape(-1)
    if minutes.shape != people.shape:
        raise ValueError(f"{minutes.size} Fahrzeiten passen nicht zu {people.size} Bevölkerungswerten.")
    if not np.all(np.isfinite(people)) or np.any(people < 0):
        raise ValueError("Die Bevölkerung muss aus endlichen Zahlen ≥ 0 bestehen.")
    reachable = np.isfinite(minutes)
    affected = ~reachable | (minutes > threshold)
    excess = np.where(reachable, np.minimum(1.0, (np.where(reachable, minutes, 0.0) - threshold) / threshold), 1.0)
    weights = np.where(affected, people, 0.0)
    total = float(weights.sum())
    if total <= 0:
        return 0.0, 0.0
    return total, float((weights * np.where(affected, excess, 0.0)).sum() / total)


def coverage_shortfall(ratio: float, benchmark: float) -> float:
    """How far a coverage ratio falls short of its benchmark, 0–1: ``clamp(1 − ratio/benchmark, 0, 1)``.

    ``ratio`` and ``benchmark`` in the same unit (e.g. places per 1,000 of the
    target group). 0 when the benchmark is ≤ 0 or unknown (``nan``) or the
    ratio is unknown (no evidence of a shortfall); 1 when there is no supply.
    """
    if math.isnan(benchmark) or benchmark <= 0 or math.isnan(ratio):
        return 0.0
    return min(1.0, max(0.0, 1.0 - ratio / benchmark))


def pressure(now: float | None, future: float | None) -> float:
    """Demographic pressure ``1 + max(0, future/now − 1)`` of a target group (≥ 1, dimensionless).

    ``now`` and ``future``: size of the group today and in the projection
    year (persons or any consistent unit). 1 when either is unknown
    (``None``/``nan``) or ``now`` ≤ 0; a shrinking group gives 1, a group
    growing by 25 % gives 1.25.
    """
    if now is None or future is None or math.isnan(now) or math.isnan(future) or now <= 0:
        return 1.0
    return 1.0 + max(0.0, future / now - 1.0)


def severity(people: float, shortfall: float, pressure: float) -> float:
    """Rank of a gap candidate: ``people × shortfall × pressure`` (persons, weighted)."""
    return people * shortfall * pressure
