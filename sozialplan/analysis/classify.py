"""Class breaks for choropleth maps: quantiles, equal intervals, natural breaks (Fisher–Jenks).

Every method returns a sorted list of bounds ``[b0, b1, …, bk]`` with
``b0`` = the smallest and ``bk`` = the largest value; class ``i`` is
``(b_i, b_{i+1}]``, the first class also includes ``b0`` (:func:`classify`).
``None``, NaN and infinite values are ignored; no values give ``[]``.

Fewer classes than asked: when the values have fewer distinct values than
``k`` (or quantiles coincide), bounds are merged so that no class is empty
by construction. The smallest value may appear twice (``[v, v, …]``): the
first class then holds exactly the values equal to ``v``. All values equal
gives ``[v, v]``: one class.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

#: Natural breaks run the exact dynamic programme on at most this many
#: values; beyond that on evenly spaced order statistics (see natural_breaks).
MAX_EXACT_VALUES: Final = 1000

FloatArray = npt.NDArray[np.float64]


def _clean(values: Iterable[float | None]) -> FloatArray:
    finite = [float(v) for v in values if v is not None and math.isfinite(v)]
    return np.sort(np.asarray(finite, dtype=np.float64))


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"number of classes must be at least 1, got {k}")


def _merge(bounds: Sequence[float]) -> list[float]:
    """Drop repeated bounds, except a repeated minimum (its own class)."""
    merged = [float(bounds[0])]
    for index, bound in enumerate(bounds[1:], start=1):
        if bound != merged[-1] or index == 1:
            merged.append(float(bound))
    return merged


def quantile_breaks(values: Iterable[float | None], k: int) -> list[float]:
    """Bounds of ``k`` classes with (about) equally many values each.

    The bound between classes ``i`` and ``i+1`` is the ``(i+1)/k`` quantile
    with linear interpolation between order statistics (the default of numpy
    and R's type 7, Excel's QUANTIL.INKL): for sorted values ``x_0 … x_{n-1}``
    the ``p`` quantile is at position ``p·(n−1)``. Coinciding quantiles are
    merged (see the module docstring).
    """
    _check_k(k)
    data = _clean(values)
    if data.size == 0:
        return []
    bounds = np.quantile(data, np.linspace(0.0, 1.0, k + 1))
    bounds[0], bounds[-1] = data[0], data[-1]
    return _merge([float(b) for b in bounds])


def equal_interval_breaks(values: Iterable[float | None], k: int) -> list[float]:
    """Bounds of ``k`` classes of equal width between the smallest and the largest value.

    Classes may be empty (gaps in the data). All values equal gives ``[v, v]``.
    """
    _check_k(k)
    data = _clean(values)
    if data.size == 0:
        return []
    low, high = float(data[0]), float(data[-1])
    if low == high:
        return [low, high]
    width = (high - low) / k
    return [low, *(low + i * width for i in range(1, k)), high]


def natural_breaks(values: Iterable[float | None], k: int) -> list[float]:
    """Fisher–Jenks natural breaks: ``k`` classes minimising the within-class sum of squared deviations.

    Exact dynamic programme (Fisher 1958) over the distinct values weighted by
    their frequency, so equal values never fall into different classes. Each
    bound is the largest value of its class. O(k·m²) for m distinct values;
    with more than :data:`MAX_EXACT_VALUES` values the programme runs on that
    many evenly spaced order statistics (including smallest and largest),
    which keeps the result deterministic; the bounds are then near-optimal.
    """
    _check_k(k)
    data = _clean(values)
    if data.size == 0:
        return []
    if data.size > MAX_EXACT_VALUES:
        positions = np.round(np.linspace(0, data.size - 1, MAX_EXACT_VALUES)).astype(np.int64)
        data = data[positions]
    distinct, counts = np.unique(data, return_counts=True)
    m = distinct.size
    classes = min(k, m)
    if classes == 1:
        return [float(distinct[0]), float(distinct[-1])]
    starts = _fisher_starts(distinct, counts.astype(np.float64), classes)
    uppers = [float(distinct[start - 1]) for start in starts[1:]]
    return [float(distinct[0]), *uppers, float(distinct[-1])]


def _fisher_starts(x: FloatArray, weights: FloatArray, classes: int) -> list[int]:
    """Start index (into ``x``) of each class of the optimal partition; the first is 0."""
    m = x.size
    centred = x - np.average(x, weights=weights)  # centring keeps q − s²/w accurate
    cum_w = np.concatenate(([0.0], np.cumsum(weights)))
    cum_s = np.concatenate(([0.0], np.cumsum(weights * centred)))
    cum_q = np.concatenate(([0.0], np.cumsum(weights * centred * centred)))
    # cost[i, j]: squared deviations of the class holding x[i:j] (half-open), inf unless i < j
    w = cum_w[None, :] - cum_w[:, None]
    s = cum_s[None, :] - cum_s[:, None]
    q = cum_q[None, :] - cum_q[:, None]
    valid = np.triu(np.ones((m + 1, m + 1), dtype=bool), k=1)
    cost = np.full((m + 1, m + 1), np.inf)
    cost[valid] = np.maximum(q[valid] - s[valid] ** 2 / w[valid], 0.0)
    # best[j]: least cost of the first j values in c classes; back[c][j]: start of the last class
    best = cost[0].copy()
    back: list[npt.NDArray[np.int64]] = []
    for _ in range(2, classes + 1):
        total = best[:, None] + cost
        choice = np.argmin(total, axis=0)
        best = total[choice, np.arange(m + 1)]
        back.append(choice.astype(np.int64))
    starts = [m]
    for choice in reversed(back):
        starts.append(int(choice[starts[-1]]))
    starts.append(0)
    starts.reverse()
    return starts[:-1]


def classify(value: float | None, breaks: Sequence[float]) -> int | None:
    """Class index ``0 … len(breaks) − 2`` of ``value``; ``None`` when it has no class.

    Class ``i`` is ``(breaks[i], breaks[i+1]]``, class 0 also includes
    ``breaks[0]``. ``None`` for a missing/NaN value, fewer than two bounds, or
    a value outside ``[breaks[0], breaks[-1]]``.
    """
    if value is None or math.isnan(value) or len(breaks) < 2:
        return None
    if value < breaks[0] or value > breaks[-1]:
        return None
    return max(bisect_left(breaks, value) - 1, 0)
