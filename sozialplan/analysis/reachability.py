"""Reachability: how far is the nearest offer, how many offers lie within a threshold.

Inputs are cost matrices with one row per demand point (a 1 km grid cell or a
Gemeinde centre) and one column per supply point (an offer's site): metres or
minutes, from :func:`great_circle_matrix` and :func:`straight_travel` (the
straight line with a detour factor) or from the road network
(:mod:`sozialplan.analysis.network`).

Conventions shared by every function here:

* ``nan`` means *no route known* (a point that could not be attached to the
  road network, a site without a position) and counts as not reachable; it
  is never a distance of 0.
* ``inf`` means *unreachable* (no path in the network, or no offer of the
  category at all).
* Thresholds include their boundary: an offer 15.0 minutes away is within
  15 minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Mean Earth radius (IUGG, R₁ = (2a + b)/3 of WGS84) in metres.
EARTH_RADIUS_M = 6_371_008.8


def great_circle_matrix(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> FloatArray:
    """Great-circle distances in metres from each of k points to each of s points (k × s).

    Coordinates are WGS84 decimal degrees, ``lon1``/``lat1`` of length k and
    ``lon2``/``lat2`` of length s. Haversine formula on a sphere of radius
    :data:`EARTH_RADIUS_M`; against the WGS84 ellipsoid (Karney's geodesic)
    the error is at most about 0.5 % (0.3 % for east–west distances in
    Thuringia), far below the uncertainty of a detour factor. A ``nan`` coordinate gives ``nan``
    distances in its row or column. Raises ``ValueError`` if a longitude and
    its latitude array differ in length.
    """
    lo1, la1 = _coordinates(lon1, lat1)
    lo2, la2 = _coordinates(lon2, lat2)
    phi1 = np.radians(la1)[:, np.newaxis]
    phi2 = np.radians(la2)[np.newaxis, :]
    dphi = phi2 - phi1
    dlambda = np.radians(lo2)[np.newaxis, :] - np.radians(lo1)[:, np.newaxis]
    h = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    # Rounding can push h a hair above 1 for antipodal points; arcsin would return nan.
    distance: FloatArray = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
    return distance


def straight_travel(distance_m: ArrayLike, *, detour_factor: float, kmh: float) -> tuple[FloatArray, FloatArray]:
    """Estimated road distance (metres) and travel time (minutes) from straight-line distances.

    Road distance = straight-line distance × ``detour_factor`` (roads are
    longer than the straight line; 1.2–1.4 is usual for rural Germany, the
    project default is 1.3); time = road distance / ``kmh`` (a mean door-to-door
    speed, e.g. 4.5 km/h walking or 50 km/h by car). Keeps the input's shape;
    ``nan`` stays ``nan``, ``inf`` stays ``inf``. Raises ``ValueError`` for a
    detour factor below 1 or a speed that is not a positive number.
    """
    if not (np.isfinite(detour_factor) and detour_factor >= 1.0):
        raise ValueError(f"Der Umwegfaktor muss mindestens 1 sein, nicht {detour_factor:g}.")
    if not (np.isfinite(kmh) and kmh > 0):
        raise ValueError(f"Die Geschwindigkeit muss größer als 0 km/h sein, nicht {kmh:g}.")
    road: FloatArray = np.asarray(distance_m, dtype=np.float64) * detour_factor
    minutes: FloatArray = road * (60.0 / (kmh * 1000.0))
    return road, minutes


def nearest(cost: ArrayLike, mask: ArrayLike) -> tuple[FloatArray, IntArray]:
    """Per row of ``cost`` (k × s), the smallest cost over the columns where ``mask`` (bool, s) is true.

    Returns ``(cost, column)``: the smallest cost per row and the index of its
    column (the first one on ties), or ``(inf, -1)`` when no selected column
    has a finite cost (no offer of the category, only ``nan``/``inf``
    entries, or s = 0). ``nan`` entries are ignored.
    """
    c, m = _cost_and_mask(cost, mask)
    k, s = c.shape
    if s == 0:
        return np.full(k, np.inf), np.full(k, -1, dtype=np.int64)
    usable = np.where(m[np.newaxis, :] & ~np.isnan(c), c, np.inf)
    column = np.argmin(usable, axis=1).astype(np.int64)
    best: FloatArray = usable[np.arange(k), column]
    column[~np.isfinite(best)] = -1
    best[~np.isfinite(best)] = np.inf
    return best, column


def count_within(cost: ArrayLike, mask: ArrayLike, threshold: float) -> IntArray:
    """Per row of ``cost`` (k × s), the number of columns with ``mask`` and cost ≤ ``threshold``.

    ``threshold`` is in the unit of ``cost``; ``nan`` entries never count, ``inf`` ones not for a finite threshold.
    """
    c, m = _cost_and_mask(cost, mask)
    within = m[np.newaxis, :] & (c <= threshold)
    counts: IntArray = within.sum(axis=1, dtype=np.int64)
    return counts


@dataclass(frozen=True)
class AreaSummary:
    """Reachability of the nearest offer for the people of one area (a Gemeinde, a Planungsraum, the Kreis).

    ``population``: persons of the target group in the area (the sum over its
    demand points). ``reached``: threshold in minutes → persons whose nearest
    offer is at most that many minutes away. ``shares``: the same as a share
    0–1 of ``population`` (``None`` when the population is 0). The means are
    population-weighted over the persons who can reach an offer at all
    (``None`` if nobody can); ``unreachable`` counts the others.
    """

    population: float
    reached: dict[float, float]
    shares: dict[float, float | None]
    mean_nearest_m: float | None
    mean_nearest_min: float | None
    unreachable: float


def summarise(
    nearest_m: ArrayLike,
    nearest_min: ArrayLike,
    population: ArrayLike,
    labels: Sequence[str],
    thresholds: Sequence[float],
) -> dict[str, AreaSummary]:
    """One :class:`AreaSummary` per distinct label, in the order the labels first appear.

    All arrays have one entry per demand point: the distance (metres) and
    time (minutes) to its nearest offer (see :func:`nearest`), its population
    (persons, ≥ 0) and the label of the area it lies in. Call again with other
    labels (the Planungsraum of each point, or one label for all) for coarser
    levels. A point is *reachable* when its time is finite; ``nan`` or
    ``inf`` count as unreachable. ``mean_nearest_m`` averages the finite
    distances of reachable points. Thresholds are in minutes and compared
    with ≤. Raises ``ValueError`` if the lengths differ or a population is
    negative or not finite.
    """
    metres = np.asarray(nearest_m, dtype=np.float64)
    minutes = np.asarray(nearest_min, dtype=np.float64)
    people = np.asarray(population, dtype=np.float64)
    n = len(labels)
    if not (metres.shape == minutes.shape == people.shape == (n,)):
        raise ValueError(
            f"Entfernungen ({metres.size}), Fahrzeiten ({minutes.size}), Bevölkerung ({people.size}) "
            f"und Gebiete ({n}) müssen gleich viele Werte haben."
        )
    if not np.all(np.isfinite(people)) or np.any(people < 0):
        raise ValueError("Die Bevölkerung muss aus endlichen Zahlen ≥ 0 bestehen.")
    order = list(dict.fromkeys(labels))
    index = {label: i for i, label in enumerate(order)}
    group = np.fromiter((index[label] for label in labels), dtype=np.int64, count=n)
    areas = len(order)

    def per_area(weights: FloatArray) -> FloatArray:
        return np.bincount(group, weights=weights, minlength=areas).astype(np.float64)

    reachable = np.isfinite(minutes)
    with_metres = reachable & np.isfinite(metres)
    totals = per_area(people)
    unreachable = per_area(np.where(reachable, 0.0, people))
    # np.where before multiplying: 0 persons × inf minutes would be nan.
    weight_min = per_area(np.where(reachable, people, 0.0))
    sum_min = per_area(people * np.where(reachable, minutes, 0.0))
    weight_m = per_area(np.where(with_metres, people, 0.0))
    sum_m = per_area(people * np.where(with_metres, metres, 0.0))
    within = {float(t): per_area(np.where(minutes <= t, people, 0.0)) for t in thresholds}

    result: dict[str, AreaSummary] = {}
    for i, label in enumerate(order):
        total = float(totals[i])
        reached = {t: float(values[i]) for t, values in within.items()}
        result[label] = AreaSummary(
            population=total,
            reached=reached,
            shares={t: (value / total if total > 0 else None) for t, value in reached.items()},
            mean_nearest_m=float(sum_m[i] / weight_m[i]) if weight_m[i] > 0 else None,
            mean_nearest_min=float(sum_min[i] / weight_min[i]) if weight_min[i] > 0 else None,
            unreachable=float(unreachable[i]),
        )
    return result


def _coordinates(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    lo = np.asarray(lon, dtype=np.float64).reshape(-1)
    la = np.asarray(lat, dtype=np.float64).reshape(-1)
    if lo.shape != la.shape:
        raise ValueError(f"{lo.size} Längengrade passen nicht zu {la.size} Breitengraden.")
    return lo, la


def _cost_and_mask(cost: ArrayLike, mask: ArrayLike) -> tuple[FloatArray, BoolArray]:
    c = np.asarray(cost, dtype=np.float64)
    m = np.asarray(mask, dtype=np.bool_).reshape(-1)
    if c.ndim != 2 or c.shape[1] != m.size:
        raise ValueError(
            f"Die Kostenmatrix ({'×'.join(map(str, c.shape))}) passt nicht zur Auswahl ({m.size} Spalten)."
        )
    return c, m
