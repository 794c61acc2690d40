"""Aggregating areas: counts are summed, ratios are recomputed from the sums.

The value of an indicator for a Planungsraum, the Kreis or the Land is
``Σ numerator / Σ denominator × multiplier`` over its Gemeinden, never the
mean of the Gemeinden's ratios: the mean of the shares of over-80s of a
village of 121 and a town of 11,684 inhabitants is not the share of the two
together, and a population-weighted mean only equals the recomputed ratio
when the weights are exactly the denominators. That is why this module has
no ``weighted_mean``: ratios are never averaged.

Unknown inputs stay unknown: a sum with one unknown part is unknown (``None``),
not the sum of the known parts, which would silently understate it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable


def sum_counts(values: Iterable[float | None]) -> float | None:
    """The sum of counts; ``None`` if any value is ``None``/NaN or there is none at all."""
    total = 0.0
    seen = False
    for value in values:
        if value is None or math.isnan(value):
            return None
        total += value
        seen = True
    return total if seen else None


def ratio(numerator: float | None, denominator: float | None, multiplier: float = 1.0) -> float | None:
    """``numerator / denominator × multiplier``; ``None`` if either is unknown or the denominator is 0.

    The multiplier gives the unit: 100 for percent or "je 100", 1000 for
    "je 1.000 Einwohner".
    """
    if numerator is None or denominator is None or math.isnan(numerator) or math.isnan(denominator):
        return None
    if denominator == 0:
        return None
    return numerator / denominator * multiplier


def ratio_of_sums(
    numerators: Iterable[float | None], denominators: Iterable[float | None], multiplier: float = 1.0
) -> float | None:
    """The ratio of an aggregate: ``Σ numerators / Σ denominators × multiplier`` (see the module docstring)."""
    return ratio(sum_counts(numerators), sum_counts(denominators), multiplier)
