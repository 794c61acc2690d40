from __future__ import annotations

import math

import hypothesis
import numpy as np
import pytest
from hypothesis import strategies as st

from sozialplan.analysis.gaps import coverage_shortfall, pressure, reach_shortfall, severity

INF = math.inf
NAN = math.nan


def test_it_counts_people_beyond_the_threshold_and_their_mean_shortfall() -> None:
    # T = 15 min. 100 people at 10 min (fine), 50 at exactly 15 (fine), 40 at 20 min (shortfall 1/3),
    # 30 at 45 min (capped at 1), 20 unreachable (1), 10 without a route (nan, 1).
    minutes = np.array([10.0, 15.0, 20.0, 45.0, INF, NAN])
    people = np.array([100.0, 50.0, 40.0, 30.0, 20.0, 10.0])
    affected, shortfall = reach_shortfall(minutes, people, 15.0)
    assert affected == pytest.approx(100.0)
    assert shortfall == pytest.approx((40 * (1 / 3) + 30 + 20 + 10) / 100)


def test_it_reports_no_reach_shortfall_when_everybody_is_within_the_threshold() -> None:
    assert reach_shortfall(np.array([1.0, 15.0]), np.array([5.0, 7.0]), 15.0) == (0.0, 0.0)
    assert reach_shortfall(np.array([]), np.array([]), 15.0) == (0.0, 0.0)


def test_it_reports_no_reach_shortfall_when_the_distant_points_are_empty() -> None:
    assert reach_shortfall(np.array([1.0, INF]), np.array([5.0, 0.0]), 15.0) == (0.0, 0.0)


def test_it_refuses_a_threshold_of_zero_and_arrays_that_do_not_fit() -> None:
    with pytest.raises(ValueError, match="Schwellenwert"):
        reach_shortfall(np.array([1.0]), np.array([1.0]), 0.0)
    with pytest.raises(ValueError, match="passen nicht"):
        reach_shortfall(np.array([1.0, 2.0]), np.array([1.0]), 15.0)
    with pytest.raises(ValueError, match="Bevölkerung"):
        reach_shortfall(np.array([1.0]), np.array([NAN]), 15.0)


def test_it_measures_the_coverage_shortfall_against_a_benchmark() -> None:
    assert coverage_shortfall(0.6, 2.4) == pytest.approx(0.75)
    assert coverage_shortfall(0.0, 2.4) == 1.0
    assert coverage_shortfall(3.0, 2.4) == 0.0
    assert coverage_shortfall(1.0, 0.0) == 0.0
    assert coverage_shortfall(NAN, 2.4) == 0.0


def test_it_weights_growing_target_groups_and_never_shrinks_a_gap() -> None:
    assert pressure(400, 500) == pytest.approx(1.25)
    assert pressure(400, 300) == 1.0
    assert pressure(None, 500) == 1.0
    assert pressure(400, None) == 1.0
    assert pressure(0, 500) == 1.0
    assert pressure(NAN, 500) == 1.0


def test_it_multiplies_people_shortfall_and_pressure() -> None:
    assert severity(412, 0.5, 1.25) == pytest.approx(257.5)
    assert severity(0, 1.0, 2.0) == 0.0


@hypothesis.settings(max_examples=60, deadline=None)
@hypothesis.given(
    rows=st.lists(
        st.tuples(st.one_of(st.floats(0, 200), st.just(INF), st.just(NAN)), st.floats(0, 1000)),
        max_size=20,
    ),
    threshold=st.floats(1, 60),
)
def test_it_keeps_the_reach_shortfall_between_zero_and_one(rows: list[tuple[float, float]], threshold: float) -> None:
    minutes = np.array([r[0] for r in rows])
    people = np.array([r[1] for r in rows])
    affected, shortfall = reach_shortfall(minutes, people, threshold)
    assert 0.0 <= shortfall <= 1.0
    assert affected <= people.sum() + 1e-9
    beyond = ~(minutes <= threshold)  # nan and inf count as beyond
    assert affected == pytest.approx(people[beyond].sum())
