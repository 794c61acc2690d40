"""Confidence intervals and benchmarking as in Fingertips (Public Health England / OHID).

Methods follow the PHE "Technical Guide: Confidence Intervals" (Public Health
Data Science, 2018) and the PHEindicatormethods package:

* **Proportions** (numerator is part of the denominator, e.g. the share of
  persons 65+): Wilson score interval.
* **Counts and rates** (numerator is a count of persons or events over a
  denominator, e.g. the Altenquotient or births per 1,000): Byar's
  approximation of the exact Poisson interval for the count, divided by the
  denominator. PHE reports it within 0.2 % of the exact interval for counts
  of 10 and more (95 %).

Benchmarking (:func:`compare`) is Fingertips' "RAG" logic: an area's value is
*higher* than its comparator (Kreis, Land) when the whole 95 % interval of the
area lies above the comparator's point value, *lower* when it lies below,
*similar* otherwise. The indicator's polarity turns higher/lower into
better/worse; without polarity the result stays higher/lower.

z is 1.96 for 95 % (PHE uses the exact quantile 1.959964; the difference
is below 10⁻⁵ relative).
"""

from __future__ import annotations

import math
from typing import Final, Literal

Polarity = Literal["higher_better", "lower_better", "neither"]
Comparison = Literal["better", "similar", "worse", "higher", "lower", "not_compared"]

Z_95: Final = 1.96


def wilson_interval(k: float, n: float, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for the proportion ``k / n``, as proportions in [0, 1].

    ``lower = (2k + z² − z·√(z² + 4k(1 − k/n))) / (2(n + z²))``, ``upper``
    with ``+``. Exactly 0 for ``k = 0`` and 1 for ``k = n``. ``k`` and ``n``
    may be fractional (estimated counts). Raises ``ValueError`` unless
    ``0 ≤ k ≤ n`` and ``n > 0``.
    """
    if not (n > 0 and 0 <= k <= n):
        raise ValueError(f"Wilson interval needs 0 ≤ k ≤ n and n > 0, got k={k}, n={n}")
    z2 = z * z
    centre = 2 * k + z2
    spread = z * math.sqrt(z2 + 4 * k * (1 - k / n))
    denominator = 2 * (n + z2)
    return max(0.0, (centre - spread) / denominator), min(1.0, (centre + spread) / denominator)


def byar_interval(count: float, z: float = Z_95) -> tuple[float, float]:
    """Byar's approximate confidence interval for a Poisson count ``O``.

    ``lower = O·(1 − 1/(9O) − z/(3√O))³`` (0 for O = 0),
    ``upper = (O+1)·(1 − 1/(9(O+1)) + z/(3√(O+1)))³``. Raises ``ValueError``
    for a negative count.
    """
    if count < 0 or math.isnan(count):
        raise ValueError(f"Byar's interval needs a count ≥ 0, got {count}")
    lower = 0.0 if count == 0 else count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    above = count + 1
    upper = above * (1 - 1 / (9 * above) + z / (3 * math.sqrt(above))) ** 3
    # For O < 1 (fractional estimates) the lower formula can dip below 0.
    return max(0.0, lower), upper


def proportion_interval(
    k: float | None, n: float | None, multiplier: float = 1.0, z: float = Z_95
) -> tuple[float, float] | None:
    """Wilson interval of ``k / n × multiplier`` (e.g. percent), or ``None`` when it cannot be computed.

    ``None`` for unknown inputs, ``n ≤ 0``, ``k < 0`` or ``k > n`` (the latter
    happens when numerator and denominator come from different sources).
    """
    if k is None or n is None or math.isnan(k) or math.isnan(n) or not (n > 0 and 0 <= k <= n):
        return None
    lower, upper = wilson_interval(k, n, z)
    return lower * multiplier, upper * multiplier


def rate_interval(
    count: float | None, denominator: float | None, multiplier: float = 1.0, z: float = Z_95
) -> tuple[float, float] | None:
    """Byar interval of ``count / denominator × multiplier``, or ``None`` when it cannot be computed.

    ``None`` for unknown inputs, a negative count (e.g. a migration balance is
    not a Poisson count) or a denominator ≤ 0.
    """
    if count is None or denominator is None or math.isnan(count) or math.isnan(denominator):
        return None
    if count < 0 or denominator <= 0:
        return None
    lower, upper = byar_interval(count, z)
    return lower / denominator * multiplier, upper / denominator * multiplier


def compare(
    value: float | None,
    lower: float | None,
    upper: float | None,
    comparator: float | None,
    polarity: Polarity,
    ci_available: bool,
) -> Comparison:
    """Compare an area's value with a comparator's point value, as Fingertips does.

    * ``not_compared``: no value, no comparator, or no interval (the
      indicator has no CI method, or ``lower``/``upper`` are unknown).
    * ``higher`` / ``lower``: the interval ``[lower, upper]`` lies entirely
      above / below the comparator (touching it counts as similar); mapped to
      ``better`` / ``worse`` by ``polarity`` (``higher_better``: higher is
      better; ``lower_better``: lower is better; ``neither``: no mapping).
    * ``similar``: the interval contains the comparator.
    """
    if value is None or comparator is None or not ci_available or lower is None or upper is None:
        return "not_compared"
    if lower > comparator:
        direction: Literal["higher", "lower"] = "higher"
    elif upper < comparator:
        direction = "lower"
    else:
        return "similar"
    if polarity == "higher_better":
        return "better" if direction == "higher" else "worse"
    if polarity == "lower_better":
        return "better" if direction == "lower" else "worse"
    return direction
