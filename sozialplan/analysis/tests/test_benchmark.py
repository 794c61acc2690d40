from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from sozialplan.analysis.benchmark import (
    Polarity,
    byar_interval,
    compare,
    proportion_interval,
    rate_interval,
    wilson_interval,
)
from sozialplan.analysis.tests.realdata import age_bands_2018
from sozialplan.sources.statistics import AGE_OPEN


def test_it_computes_the_wilson_interval_of_the_75_plus_share_in_hildburghausen_2018() -> None:
    bands = age_bands_2018("16069")
    k, n = bands[(75, AGE_OPEN)], bands[(0, AGE_OPEN)]
    assert (k, n) == (8215, 63553)
    # z² = 3.8416; 2k + z² = 16433.8416; k(1 − k/n) = 7153.1111; z² + 4·7153.1111 = 28616.2860
    # √28616.2860 = 169.16349; z·√ = 331.56044; 2(n + z²) = 127113.6832
    # lower = (16433.8416 − 331.56044) / 127113.6832 = 0.126676
    # upper = (16433.8416 + 331.56044) / 127113.6832 = 0.131893   (point value 0.129262)
    lower, upper = wilson_interval(k, n)
    assert lower == pytest.approx(0.126676, abs=1e-6)
    assert upper == pytest.approx(0.131893, abs=1e-6)
    assert proportion_interval(k, n, 100) == pytest.approx((12.6676, 13.1893), abs=1e-4)


def test_it_keeps_the_wilson_interval_inside_zero_and_one() -> None:
    # k = 0: lower exactly 0, upper = (z² + z·z) / (2(10 + z²)) = 7.6832 / 27.6832 = 0.277540
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.277540), abs=1e-6)
    # k = n: upper exactly 1, lower = 1 − 0.277540
    assert wilson_interval(10, 10) == pytest.approx((0.722460, 1.0), abs=1e-6)


def test_it_rejects_impossible_proportions() -> None:
    with pytest.raises(ValueError, match="0 ≤ k ≤ n"):
        wilson_interval(11, 10)
    with pytest.raises(ValueError, match="n > 0"):
        wilson_interval(0, 0)
    assert proportion_interval(11, 10) is None
    assert proportion_interval(None, 10) is None
    assert proportion_interval(1, 0) is None


def test_it_computes_byars_interval_for_small_counts() -> None:
    # O = 0: lower 0; upper = 1·(1 − 1/9 + 1.96/3)³ = 1.542222³ = 3.668097
    assert byar_interval(0) == pytest.approx((0.0, 3.668097), abs=1e-6)
    # O = 1: lower = (1 − 1/9 − 1.96/3)³ = 0.235556³ = 0.013070
    #        upper = 2·(1 − 1/18 + 1.96/(3√2))³ = 2·1.406421³ = 5.563856
    assert byar_interval(1) == pytest.approx((0.013070, 5.563856), abs=1e-6)
    # O = 10: lower = 10·(1 − 1/90 − 1.96/(3√10))³ = 10·0.782287³ = 4.787380
    #         upper = 11·(1 − 1/99 + 1.96/(3√11))³ = 11·1.186886³ = 18.391627
    assert byar_interval(10) == pytest.approx((4.787380, 18.391627), abs=1e-6)


def _poisson_cdf(k: int, mean: float) -> float:
    return sum(math.exp(-mean + i * math.log(mean) - math.lgamma(i + 1)) for i in range(k + 1))


def _bisect(is_high: Callable[[float], bool], low: float, high: float) -> float:
    for _ in range(100):
        middle = (low + high) / 2
        low, high = (low, middle) if is_high(middle) else (middle, high)
    return (low + high) / 2


@pytest.mark.parametrize("count", [10, 20, 100, 389])
def test_it_stays_within_two_per_mille_of_the_exact_poisson_interval_from_ten_on(count: int) -> None:
    # the exact (Garwood) limits solve P(X ≥ O | L) = 0.025 and P(X ≤ O | U) = 0.025
    exact_lower = _bisect(lambda mean: 1 - _poisson_cdf(count - 1, mean) > 0.025, 0.0, 3.0 * count)
    exact_upper = _bisect(lambda mean: _poisson_cdf(count, mean) < 0.025, 0.0, 3.0 * count)
    lower, upper = byar_interval(count)
    assert lower == pytest.approx(exact_lower, rel=0.002)
    assert upper == pytest.approx(exact_upper, rel=0.002)


def test_it_scales_byars_interval_to_a_rate() -> None:
    # 10 events among 2,000 persons per 1,000: 4.787380 / 2000 × 1000, 18.391627 / 2000 × 1000
    assert rate_interval(10, 2000, 1000) == pytest.approx((2.393690, 9.195813), abs=1e-6)
    assert rate_interval(-3, 2000, 1000) is None
    assert rate_interval(10, 0, 1000) is None
    assert rate_interval(None, 2000, 1000) is None
    with pytest.raises(ValueError, match="count ≥ 0"):
        byar_interval(-1)


def test_it_gives_a_non_negative_lower_limit_for_fractional_estimates() -> None:
    lower, upper = byar_interval(0.2)
    assert lower == pytest.approx(0.0)
    assert upper > 0.2


@pytest.mark.parametrize(
    ("lower", "upper", "polarity", "expected"),
    [
        (11.0, 12.0, "neither", "higher"),
        (8.0, 9.0, "neither", "lower"),
        (9.0, 11.0, "neither", "similar"),
        (10.0, 11.0, "neither", "similar"),  # touching the comparator is similar
        (11.0, 12.0, "higher_better", "better"),
        (8.0, 9.0, "higher_better", "worse"),
        (11.0, 12.0, "lower_better", "worse"),
        (8.0, 9.0, "lower_better", "better"),
        (9.0, 11.0, "lower_better", "similar"),
    ],
)
def test_it_compares_the_interval_with_the_comparator_as_fingertips(
    lower: float, upper: float, polarity: Polarity, expected: str
) -> None:
    assert compare(10.5, lower, upper, 10.0, polarity, ci_available=True) == expected


def test_it_does_not_compare_without_interval_value_or_comparator() -> None:
    assert compare(10.5, 11.0, 12.0, 10.0, "neither", ci_available=False) == "not_compared"
    assert compare(10.5, None, None, 10.0, "neither", ci_available=True) == "not_compared"
    assert compare(10.5, 11.0, 12.0, None, "neither", ci_available=True) == "not_compared"
    assert compare(None, 11.0, 12.0, 10.0, "neither", ci_available=True) == "not_compared"


def test_it_benchmarks_the_75_plus_share_of_two_kreise_against_thuringia_2018() -> None:
    # 31.12.2018 (12411-02-03-5-B): Land Thüringen 289910 / 2143145 = 13.527 %
    land = age_bands_2018("16")
    land_share = land[(75, AGE_OPEN)] / land[(0, AGE_OPEN)] * 100
    assert land_share == pytest.approx(13.5273, abs=1e-4)
    results = {}
    for key in ("16069", "16070"):
        bands = age_bands_2018(key)
        k, n = bands[(75, AGE_OPEN)], bands[(0, AGE_OPEN)]
        interval = proportion_interval(k, n, 100)
        assert interval is not None
        results[key] = compare(k / n * 100, *interval, land_share, "neither", ci_available=True)
    # Hildburghausen 12.926 % (12.668–13.189) lies below; Ilm-Kreis 14685 / 108742 = 13.504 % (13.303–13.709)
    # contains the Land's value
    assert results == {"16069": "lower", "16070": "similar"}
