from __future__ import annotations

import pytest

from sozialplan.analysis.projection import (
    band_sum,
    calibrate,
    child_ratios,
    cohort_change_ratios,
    project_cohorts,
    share_projection,
    share_trend,
)
from sozialplan.sources.statistics import AGE_OPEN

# Toy populations of one area, 5 years apart (hand-computable, not real data).
EARLIER = {(0, 5): 100.0, (5, 10): 120.0, (10, AGE_OPEN): 500.0}
LATER = {(0, 5): 90.0, (5, 10): 95.0, (10, 15): 110.0, (15, AGE_OPEN): 480.0}


def test_it_composes_a_band_from_bands_that_tile_it() -> None:
    bands = {(0, 18): 10.0, (18, 30): 5.0, (30, AGE_OPEN): 20.0, (0, AGE_OPEN): 35.0}
    assert band_sum(bands, 18, AGE_OPEN) == pytest.approx(25.0)
    assert band_sum(bands, 0, 30) == pytest.approx(15.0)
    assert band_sum(bands, 0, AGE_OPEN) == pytest.approx(35.0)
    assert band_sum(bands, 10, 30) is None


def test_it_computes_cohort_change_ratios_from_the_shifted_bands() -> None:
    ratios = cohort_change_ratios(EARLIER, LATER, 5)
    # 5–9 at t1 were 0–4 at t0: 95/100; 10–14 were 5–9: 110/120; 15+ were 10+: 480/500.
    assert ratios == pytest.approx({(5, 10): 0.95, (10, 15): 110 / 120, (15, AGE_OPEN): 0.96})


def test_it_projects_one_step_with_cohort_change_and_child_ratios() -> None:
    ratios = cohort_change_ratios(EARLIER, LATER, 5)
    children = child_ratios(LATER, 5, reference=(15, AGE_OPEN))
    assert children == pytest.approx({(0, 5): 90 / 480})
    projected = project_cohorts(LATER, ratios, children, 5, reference=(15, AGE_OPEN))
    # 5–9: 0.95·90; 10–14: (110/120)·95; 15+: 0.96·(110 + 480); 0–4: (90/480)·566.4.
    assert projected == pytest.approx(
        {(5, 10): 85.5, (10, 15): 110 / 120 * 95, (15, AGE_OPEN): 566.4, (0, 5): 90 / 480 * 566.4}
    )


def test_it_keeps_constant_shares_of_the_higher_level() -> None:
    result = share_projection({"A": 30, "B": 70}, 100, {2030: 90, 2035: 80})
    assert result[2030] == pytest.approx({"A": 27, "B": 63})
    assert sum(result[2035].values()) == 80


def test_it_applies_the_share_of_a_part_of_the_higher_level() -> None:
    assert share_projection({"A": 10}, 100, {2030: 80})[2030] == pytest.approx({"A": 8})


def test_it_moves_shares_along_a_linear_trend_and_lets_the_rest_absorb_the_shift() -> None:
    # n = 10 years: A .2 + .1 = .3, B .3 − .05 = .25, rest .5 − .05 = .45 → A 60, B 50 of 200.
    result = share_projection(
        {"A": 20, "B": 30}, 100, {2030: 200}, trend={"A": 0.01, "B": -0.005}, base_year=2020, damping=1
    )
    assert result[2030] == pytest.approx({"A": 60, "B": 50})


def test_it_dampens_a_trend() -> None:
    # (1 − 0.5¹⁰)/(1 − 0.5) = 1.998046875 trend years instead of 10.
    factor = 1.998046875
    result = share_projection(
        {"A": 20, "B": 30}, 100, {2030: 200}, trend={"A": 0.01, "B": -0.005}, base_year=2020, damping=0.5
    )
    assert result[2030] == pytest.approx({"A": (0.2 + 0.01 * factor) * 200, "B": (0.3 - 0.005 * factor) * 200})


def test_it_makes_parts_that_cover_the_whole_add_up_exactly() -> None:
    result = share_projection(
        {"A": 40, "B": 60}, 100, {2025: 50.3}, trend={"A": 0.01, "B": -0.01}, base_year=2020, damping=1
    )
    assert result[2025] == pytest.approx({"A": 0.45 * 50.3, "B": 0.55 * 50.3})
    assert sum(result[2025].values()) == 50.3


def test_it_never_projects_a_negative_share() -> None:
    # A would fall to .05 − .1 < 0 → 0; B takes all.
    result = share_projection(
        {"A": 5, "B": 95}, 100, {2030: 100}, trend={"A": -0.01, "B": 0.01}, base_year=2020, damping=1
    )
    assert result[2030] == pytest.approx({"A": 0, "B": 100})


def test_it_refuses_parts_larger_than_the_total_and_a_trend_without_base_year() -> None:
    with pytest.raises(ValueError, match="größer"):
        share_projection({"A": 120}, 100, {2030: 90})
    with pytest.raises(ValueError, match="Basisjahr"):
        share_projection({"A": 10}, 100, {2030: 90}, trend={"A": 0.01})


def test_it_computes_the_annual_change_of_a_share() -> None:
    # (30/120 − 20/100) / 5 years = 0.01 per year
    assert share_trend({"A": 20}, 100, {"A": 30}, 120, 5) == pytest.approx({"A": 0.01})


def test_it_calibrates_parts_proportionally() -> None:
    assert calibrate({"a": 1, "b": 3}, 8) == pytest.approx({"a": 2, "b": 6})
    parts = calibrate({"a": 0.1, "b": 0.2, "c": 0.3}, 1.0)
    assert sum(parts.values()) == 1.0
    assert calibrate({"a": 0, "b": 0}, 0) == {"a": 0.0, "b": 0.0}
    with pytest.raises(ValueError, match="Summe 0"):
        calibrate({"a": 0}, 5)
