from __future__ import annotations

import pytest

from sozialplan.analysis.ages import AGE_OPEN, compose_band
from sozialplan.analysis.aggregate import ratio, ratio_of_sums, sum_counts
from sozialplan.analysis.tests.realdata import age_bands_2018


def test_it_sums_counts() -> None:
    assert sum_counts([1541.0, 1568.0]) == pytest.approx(3109.0)
    assert sum_counts(iter([0.0])) == pytest.approx(0.0)


def test_it_gives_none_for_an_unknown_part_or_nothing_to_sum() -> None:
    assert sum_counts([1.0, None, 2.0]) is None
    assert sum_counts([1.0, float("nan")]) is None
    assert sum_counts([]) is None


def test_it_computes_a_ratio_with_its_multiplier() -> None:
    assert ratio(1.0, 4.0) == pytest.approx(0.25)
    assert ratio(1.0, 4.0, 100) == pytest.approx(25.0)


def test_it_gives_no_ratio_without_a_denominator() -> None:
    assert ratio(5.0, 0.0, 100) is None
    assert ratio(5.0, None, 100) is None
    assert ratio(None, 5.0, 100) is None
    assert ratio(float("nan"), 5.0) is None


def test_it_reproduces_the_destatis_dependency_ratios_of_hildburghausen_2018() -> None:
    bands = age_bands_2018("16069")
    young = compose_band(bands, 0, 20)  # 10284
    working = compose_band(bands, 20, 65)  # 37445
    old = compose_band(bands, 65, AGE_OPEN)  # 15824
    # Jugendquotient 10284 / 37445 × 100 = 27.4643; Altenquotient 15824 / 37445 × 100 = 42.2593
    assert ratio(young, working, 100) == pytest.approx(27.4643, abs=1e-4)
    assert ratio(old, working, 100) == pytest.approx(42.2593, abs=1e-4)
    # Gesamtquotient (10284 + 15824) / 37445 × 100 = 69.7236 = Jugend- + Altenquotient
    assert ratio(sum_counts([young, old]), working, 100) == pytest.approx(69.7236, abs=1e-4)


def test_it_recomputes_the_ratio_of_an_aggregate_instead_of_averaging() -> None:
    # Kreise Hildburghausen (16069) and Ilm-Kreis (16070), 75+ share on 31.12.2018
    hbn, ilm = age_bands_2018("16069"), age_bands_2018("16070")
    counts = [hbn[(75, AGE_OPEN)], ilm[(75, AGE_OPEN)]]
    totals = [hbn[(0, AGE_OPEN)], ilm[(0, AGE_OPEN)]]
    pooled = ratio_of_sums(counts, totals, 100)
    expected = (counts[0] + counts[1]) / (totals[0] + totals[1]) * 100
    assert pooled == pytest.approx(expected)
    mean_of_ratios = (counts[0] / totals[0] + counts[1] / totals[1]) / 2 * 100
    assert pooled != pytest.approx(mean_of_ratios, abs=1e-3)
