"""Demand: today's population of a target group, spread over the 1 km grid cells of each area.

The Zensus 2011 grid (feature ALTER_KURZ) gives five age classes per 1 km
cell; current numbers exist only per Gemeinde (official statistics or the
project's estimates). :func:`distribute` combines both: each Gemeinde's
current number for an age band is split over its cells in proportion to the
cells' 2011 population in that band. The grid supplies *where* people live
inside a Gemeinde, the Gemeinde number *how many* there are today (a
one-dimensional proportional scaling, the simplest case of iterative
proportional fitting, see :mod:`sozialplan.analysis.ipf`).

Age bands here are ``(from, to)`` in whole years **including both ends**, as
in :data:`GRID_CLASSES`; ``to`` = 999 means "and older": ``(6, 13)`` are the
6- to 13-year-olds, ``(80, 999)`` the over-80s (80 and older), ``(0, 999)``
everybody. (Statistical tables elsewhere in the project use half-open bands,
see :mod:`sozialplan.analysis.ages`; convert with ``to − 1``.)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
Band = tuple[int, int]

#: The five Zensus 2011 grid age classes (ALTER_KURZ), ages inclusive: under 18, 18–29, 30–49, 50–64, 65+.
GRID_CLASSES: tuple[Band, ...] = ((0, 17), (18, 29), (30, 49), (50, 64), (65, 999))

#: ``to`` of an open band ("and older").
OPEN_AGE = 999

#: Last age counted when measuring how much of the open class 65+ a band covers (see :func:`class_shares`).
LAST_AGE = 99


@dataclass
class Distribution:
    """The result of :func:`distribute`.

    ``values``: band → persons per cell (array in the order of the cells).
    ``unplaced``: area → band → persons of areas that have no grid cell (a
    Gemeinde without populated 1 km cell); callers place them at the area's
    centre or report them.
    """

    values: dict[Band, FloatArray]
    unplaced: dict[str, dict[Band, float]]


def class_shares(band: Band) -> FloatArray:
    """Share 0–1 of each grid class (:data:`GRID_CLASSES`) whose ages lie inside ``band``.

    Ages are assumed evenly spread within a class: ``(6, 13)`` covers 8 of the
    18 years of "under 18" (share 4/9), ``(60, 999)`` a third of 50–64 and all
    of 65+. The open class 65+ is counted as ages 65–99 (:data:`LAST_AGE`),
    so ``(80, 999)`` covers 20/35 of it; this matters only for bands
    reaching into several classes, since a band inside one class is spread
    in proportion to that class whatever its share. Raises ``ValueError`` for
    a band that is not ``0 ≤ from ≤ to ≤ 999``.
    """
    lower, upper = band
    if not 0 <= lower <= upper <= OPEN_AGE:
        raise ValueError(f"Ungültige Altersgruppe {lower}–{upper}.")
    lower, upper = min(lower, LAST_AGE), min(upper, LAST_AGE)
    shares = np.zeros(len(GRID_CLASSES))
    for i, (first, last) in enumerate(GRID_CLASSES):
        last = min(last, LAST_AGE)
        overlap = min(upper, last) - max(lower, first) + 1
        shares[i] = max(overlap, 0) / (last - first + 1)
    return shares


def distribute(
    cell_counts: ArrayLike,
    cell_area: Sequence[str],
    targets: Mapping[str, Mapping[Band, float]],
    bands: Sequence[Band],
) -> Distribution:
    """Spread each area's target for each band over the area's cells.

    ``cell_counts`` (k × 5): persons per cell in the five :data:`GRID_CLASSES`;
    ``cell_area`` (k): the area (e.g. Gemeinde key) of each cell;
    ``targets``: area → band → persons today; ``bands``: the bands wanted.

    For each area and band the target is split over the area's cells in
    proportion to the cells' counts in the grid classes the band overlaps,
    each class weighted by the share of its ages inside the band
    (:func:`class_shares`). Fallbacks, so nobody is lost: if those counts are
    all 0 in the area, in proportion to the cells' totals; if the cells are
    all empty, in equal parts. Hence the cell values of an area sum to its
    target (up to floating-point rounding). Areas with a target but no cell
    go to ``unplaced``; cells of areas without a target for a band (or with
    none at all) get 0 for that band.

    Raises ``ValueError`` for counts that are not a k × 5 table of finite
    numbers ≥ 0, a ``cell_area`` of another length, invalid bands, or
    negative or non-finite targets.
    """
    counts = np.asarray(cell_counts, dtype=np.float64)
    if counts.size == 0:
        counts = counts.reshape(0, len(GRID_CLASSES))
    if counts.ndim != 2 or counts.shape[1] != len(GRID_CLASSES):
        raise ValueError(f"Die Gitterzellen brauchen je {len(GRID_CLASSES)} Altersklassen.")
    if not np.all(np.isfinite(counts)) or np.any(counts < 0):
        raise ValueError("Die Zählwerte der Gitterzellen müssen endliche Zahlen ≥ 0 sein.")
    if len(cell_area) != counts.shape[0]:
        raise ValueError(f"{len(cell_area)} Gebietszuordnungen passen nicht zu {counts.shape[0]} Gitterzellen.")
    _check_targets(targets)
    shares = {band: class_shares(band) for band in bands}

    names = list(dict.fromkeys(cell_area))
    index = {name: i for i, name in enumerate(names)}
    group = np.fromiter((index[name] for name in cell_area), dtype=np.int64, count=len(cell_area))
    n_areas = len(names)
    totals = counts.sum(axis=1)
    area_totals = np.bincount(group, weights=totals, minlength=n_areas)

    values: dict[Band, FloatArray] = {}
    for band, band_shares in shares.items():
        weight = counts @ band_shares
        area_weight = np.bincount(group, weights=weight, minlength=n_areas)
        # The basis is chosen per area, so all cells of an area use the same one.
        basis = np.where(area_weight[group] > 0, weight, np.where(area_totals[group] > 0, totals, 1.0))
        area_basis = np.bincount(group, weights=basis, minlength=n_areas)
        target = np.array([float(targets.get(name, {}).get(band, 0.0)) for name in names])
        values[band] = target[group] * basis / area_basis[group]
    unplaced = {
        area: {band: float(by_band.get(band, 0.0)) for band in bands}
        for area, by_band in targets.items()
        if area not in index
    }
    return Distribution(values=values, unplaced=unplaced)


def _check_targets(targets: Mapping[str, Mapping[Band, float]]) -> None:
    for area, by_band in targets.items():
        for band, value in by_band.items():
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(
                    f"Der Zielwert für {area}, Alter {band[0]}–{band[1]}, muss eine endliche Zahl ≥ 0 sein "
                    f"(ist {value:g})."
                )
