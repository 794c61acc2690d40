"""Iterative proportional fitting (IPF, RAS, biproportional fitting) of a two-way table.

Given a non-negative seed table :math:`m^{(0)}` (e.g. the age structure of a
Gemeinde from the Zensus grid) and target margins :math:`r_i` (row sums,
e.g. each Gemeinde's current total) and :math:`c_j` (column sums, e.g. the
Kreis's current age groups) with :math:`\\sum_i r_i = \\sum_j c_j`, IPF
alternately scales rows and columns::

    m_ij ← m_ij · r_i / Σ_j m_ij        (rows)
    m_ij ← m_ij · c_j / Σ_i m_ij        (columns)

until both margins hold. The result is the table closest to the seed in the
Kullback–Leibler sense that has the target margins (Deming & Stephan 1940;
Bishop, Fienberg & Holland 1975): it keeps the seed's cross-product (odds)
ratios, i.e. its *interaction* (which Gemeinde is older than which), and takes
the *levels* from the margins. Cells that are 0 in the seed stay 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class IpfResult:
    """The fitted table and how the fit went.

    ``max_error`` is the largest absolute difference between a row or column
    sum and its target after the last iteration (same unit as the table, e.g.
    persons); ``iterations`` counts row-and-column passes.
    """

    matrix: FloatArray
    iterations: int
    converged: bool
    max_error: float


def ipf(
    seed: FloatArray | Sequence[Sequence[float]],
    row_targets: FloatArray | Sequence[float],
    col_targets: FloatArray | Sequence[float],
    *,
    tol: float = 1e-9,
    max_iter: int = 1000,
) -> IpfResult:
    """Fit ``seed`` to the row and column targets by iterative proportional fitting.

    ``tol`` is relative to the grand total ``T = Σ r_i``: the fit has converged
    when every row and column sum is within ``tol · max(T, 1)`` of its target,
    and the margins must agree, ``|Σ r_i − Σ c_j| ≤ tol · max(Σ r_i, Σ c_j)``.

    Zero rows and columns: a target of 0 makes the row (column) 0; a seed row
    (column) of zeros stays 0, so its target must be 0 too. Other infeasible
    zero patterns end with ``converged=False`` after ``max_iter`` passes.

    Raises ``ValueError`` (German message) for a seed that is not a 2-D table,
    margins of the wrong length, negative or non-finite numbers, margins whose
    totals differ, or a positive target for an all-zero seed row or column.
    """
    m = np.array(seed, dtype=np.float64)
    rows = np.asarray(row_targets, dtype=np.float64)
    cols = np.asarray(col_targets, dtype=np.float64)
    _check(m, rows, cols, tol)
    total = float(rows.sum())
    limit = tol * max(total, 1.0)
    error = _max_error(m, rows, cols)
    iterations = 0
    while iterations < max_iter and not (iterations > 0 and error <= limit):
        iterations += 1
        m *= _factors(rows, m.sum(axis=1))[:, np.newaxis]
        m *= _factors(cols, m.sum(axis=0))[np.newaxis, :]
        error = _max_error(m, rows, cols)
    return IpfResult(matrix=m, iterations=iterations, converged=error <= limit, max_error=error)


def _factors(targets: FloatArray, sums: FloatArray) -> FloatArray:
    """targets / sums, with 0 where the sum is 0 (an all-zero row or column stays zero)."""
    factors = np.zeros_like(targets)
    np.divide(targets, sums, out=factors, where=sums > 0)
    return factors


def _max_error(m: FloatArray, rows: FloatArray, cols: FloatArray) -> float:
    if m.size == 0:
        return 0.0
    return float(max(np.abs(m.sum(axis=1) - rows).max(), np.abs(m.sum(axis=0) - cols).max()))


def _check(m: FloatArray, rows: FloatArray, cols: FloatArray, tol: float) -> None:
    if m.ndim != 2:
        raise ValueError("Der Startwert muss eine Tabelle (Zeilen × Spalten) sein.")
    if rows.shape != (m.shape[0],) or cols.shape != (m.shape[1],):
        raise ValueError(
            f"Die Randsummen passen nicht zur Tabelle: {rows.size} Zeilen- und {cols.size} Spaltenwerte "
            f"für {m.shape[0]} × {m.shape[1]} Felder."
        )
    for name, array in (("Startwert", m), ("Zeilensummen", rows), ("Spaltensummen", cols)):
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name}: nur endliche Zahlen sind erlaubt.")
        if np.any(array < 0):
            raise ValueError(f"{name}: negative Werte sind nicht erlaubt.")
    total_rows, total_cols = float(rows.sum()), float(cols.sum())
    if abs(total_rows - total_cols) > tol * max(total_rows, total_cols):
        raise ValueError(
            f"Die Summe der Zeilensummen ({total_rows:g}) und der Spaltensummen ({total_cols:g}) ist verschieden."
        )
    for name, sums, targets in (("Zeile", m.sum(axis=1), rows), ("Spalte", m.sum(axis=0), cols)):
        impossible = np.flatnonzero((sums == 0) & (targets > 0))
        if impossible.size:
            raise ValueError(
                f"{name} {int(impossible[0]) + 1} hat im Startwert nur Nullen, soll aber "
                f"{float(targets[impossible[0]]):g} ergeben."
            )
