from __future__ import annotations

import math

import numpy as np
import pytest

from sozialplan.analysis.ipf import ipf


def test_it_fits_a_uniform_2x2_seed_in_one_pass() -> None:
    # rows scaled to 3 and 1: [[1.5, 1.5], [0.5, 0.5]]; the columns are then 2 and 2 already.
    result = ipf([[1, 1], [1, 1]], [3, 1], [2, 2])
    assert result.matrix == pytest.approx(np.array([[1.5, 1.5], [0.5, 0.5]]))
    assert result.iterations == 1
    assert result.converged
    assert result.max_error == pytest.approx(0.0)


def test_it_keeps_the_odds_ratio_of_a_2x2_seed() -> None:
    # IPF keeps the cross-product ratio a·d/(b·c) = 1·4/(2·3) = 2/3. With all margins 5 the
    # solution is symmetric (b = c = 5 − a, d = a), so a²/(5 − a)² = 2/3 and a = 5·s/(1 + s), s = √(2/3).
    s = math.sqrt(2 / 3)
    a = 5 * s / (1 + s)
    result = ipf([[1, 2], [3, 4]], [5, 5], [5, 5])
    assert result.converged
    assert result.matrix == pytest.approx(np.array([[a, 5 - a], [5 - a, a]]))


def test_it_gives_the_product_of_the_margins_for_a_uniform_3x3_seed() -> None:
    # An independent (rank-1) seed converges to r_i·c_j / N with N = 6.
    result = ipf(np.ones((3, 3)), [1, 2, 3], [3, 2, 1])
    expected = [[r * c / 6 for c in (3, 2, 1)] for r in (1, 2, 3)]
    assert result.matrix == pytest.approx(np.array(expected))
    assert result.converged


def test_it_keeps_structural_zeros_of_a_3x3_seed() -> None:
    # Zero diagonal, rows 2/4/6, columns 4/4/4. With p = m12 the margins give m13 = 2 − p,
    # m32 = 4 − p, m31 = 2 + p, m21 = 2 − p, m23 = 2 + p, and the seed's cycle ratio
    # m12·m23·m31 / (m13·m21·m32) = 1 gives p(2 + p)² = (2 − p)²(4 − p), i.e. p³ − 2p² + 12p − 8 = 0.
    result = ipf([[0, 1, 1], [1, 0, 1], [1, 1, 0]], [2, 4, 6], [4, 4, 4], tol=1e-12)
    m = result.matrix
    p = m[0, 1]
    assert p**3 - 2 * p**2 + 12 * p - 8 == pytest.approx(0.0, abs=1e-9)
    assert np.diag(m).tolist() == [0.0, 0.0, 0.0]
    assert m == pytest.approx(np.array([[0, p, 2 - p], [2 - p, 0, 2 + p], [2 + p, 4 - p, 0]]))


def test_it_makes_a_row_with_target_zero_zero() -> None:
    result = ipf(np.ones((3, 3)), [0, 3, 3], [2, 2, 2])
    assert result.matrix == pytest.approx(np.array([[0, 0, 0], [1, 1, 1], [1, 1, 1]]))
    assert result.converged


def test_it_leaves_a_zero_column_with_target_zero_alone() -> None:
    result = ipf([[1, 0], [3, 0]], [2, 2], [4, 0])
    assert result.matrix == pytest.approx(np.array([[2, 0], [2, 0]]))


def test_it_refuses_margins_with_different_totals() -> None:
    with pytest.raises(ValueError, match="verschieden"):
        ipf(np.ones((2, 2)), [1, 2], [1, 1])


def test_it_refuses_a_positive_target_for_an_all_zero_seed_row() -> None:
    with pytest.raises(ValueError, match="Zeile 2 hat im Startwert nur Nullen"):
        ipf([[1, 1], [0, 0]], [1, 1], [1, 1])


def test_it_refuses_negative_numbers_and_wrong_shapes() -> None:
    with pytest.raises(ValueError, match="negative"):
        ipf([[1, -1], [1, 1]], [1, 1], [1, 1])
    with pytest.raises(ValueError, match="passen nicht"):
        ipf(np.ones((2, 2)), [1, 1, 0], [1, 1])


def test_it_reports_no_convergence_when_the_iterations_run_out() -> None:
    result = ipf([[1, 2], [3, 4]], [5, 5], [5, 5], max_iter=1)
    assert result.iterations == 1
    assert not result.converged
    assert result.max_error > 0
