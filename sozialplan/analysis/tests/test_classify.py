from __future__ import annotations

from collections import Counter
from itertools import combinations

import pytest

from sozialplan.analysis.classify import (
    MAX_EXACT_VALUES,
    classify,
    equal_interval_breaks,
    natural_breaks,
    quantile_breaks,
)
from sozialplan.analysis.tests.realdata import zensus_2022_gemeinden

THREE_CLUSTERS = [1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 20.0, 21.0, 22.0]


def squared_deviations(groups: list[list[float]]) -> float:
    return sum(sum((x - sum(group) / len(group)) ** 2 for x in group) for group in groups)


def groups_of(values: list[float], breaks: list[float]) -> list[list[float]]:
    groups: list[list[float]] = [[] for _ in range(len(breaks) - 1)]
    for value in values:
        index = classify(value, breaks)
        assert index is not None
        groups[index].append(value)
    return groups


def test_it_finds_the_natural_breaks_of_three_clusters() -> None:
    assert natural_breaks(THREE_CLUSTERS, 3) == pytest.approx([1.0, 3.0, 12.0, 22.0])
    assert natural_breaks(reversed(THREE_CLUSTERS), 3) == pytest.approx([1.0, 3.0, 12.0, 22.0])


def test_it_computes_quantile_breaks_with_linear_interpolation() -> None:
    # positions p·(n−1) = 8/3 and 16/3: 3 + (10 − 3)·2/3 = 7.6667, 12 + (20 − 12)·1/3 = 14.6667
    assert quantile_breaks(THREE_CLUSTERS, 3) == pytest.approx([1.0, 7.6667, 14.6667, 22.0], abs=1e-4)


def test_it_computes_equal_intervals() -> None:
    assert equal_interval_breaks(THREE_CLUSTERS, 3) == pytest.approx([1.0, 8.0, 15.0, 22.0])
    assert equal_interval_breaks([0.0, 10.0], 4) == pytest.approx([0.0, 2.5, 5.0, 7.5, 10.0])


def test_it_ignores_missing_values_and_returns_nothing_for_no_values() -> None:
    values = [None, 3.0, float("nan"), 1.0, float("inf"), 2.0]
    assert equal_interval_breaks(values, 2) == pytest.approx([1.0, 2.0, 3.0])
    for method in (quantile_breaks, equal_interval_breaks, natural_breaks):
        assert method([], 5) == []
        assert method([None, float("nan")], 5) == []


def test_it_gives_one_class_when_all_values_are_equal() -> None:
    for method in (quantile_breaks, equal_interval_breaks, natural_breaks):
        breaks = method([4.0, 4.0, 4.0], 5)
        assert breaks == pytest.approx([4.0, 4.0])
        assert classify(4.0, breaks) == 0


def test_it_gives_fewer_classes_for_fewer_distinct_values_than_asked() -> None:
    # two distinct values, five classes asked: the minimum gets its own class
    assert natural_breaks([1.0, 1.0, 1.0, 2.0], 5) == pytest.approx([1.0, 1.0, 2.0])
    assert quantile_breaks([1.0, 1.0, 1.0, 1.0, 2.0], 4) == pytest.approx([1.0, 1.0, 2.0])
    breaks = natural_breaks([1.0, 1.0, 2.0, 9.0], 5)
    assert breaks == pytest.approx([1.0, 1.0, 2.0, 9.0])
    assert [classify(v, breaks) for v in (1.0, 2.0, 9.0)] == [0, 1, 2]


def test_it_rejects_fewer_than_one_class() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        natural_breaks([1.0], 0)


def test_it_classifies_with_upper_bounds_included() -> None:
    breaks = [1.0, 3.0, 12.0, 22.0]
    assert [classify(v, breaks) for v in (1.0, 2.0, 3.0, 3.5, 12.0, 22.0)] == [0, 0, 0, 1, 1, 2]
    assert classify(0.5, breaks) is None
    assert classify(22.5, breaks) is None
    assert classify(None, breaks) is None
    assert classify(float("nan"), breaks) is None
    assert classify(1.0, []) is None


def test_it_finds_the_optimal_natural_breaks_of_the_hildburghausen_gemeinden() -> None:
    # Zensus 2022 population (15.05.2022) of the 32 Gemeinden of Landkreis Hildburghausen
    populations = sorted(float(v) for v in zensus_2022_gemeinden("16069").values())
    assert len(populations) == 32
    for k in (3, 4):
        breaks = natural_breaks(populations, k)
        assert breaks[0] == min(populations)
        assert breaks[-1] == max(populations)
        found = squared_deviations(groups_of(populations, breaks))
        # brute force over every way to cut the sorted list into k non-empty runs
        best = min(
            squared_deviations([populations[a:b] for a, b in zip((0, *cuts), (*cuts, 32), strict=True)])
            for cuts in combinations(range(1, 32), k - 1)
        )
        assert found == pytest.approx(best)
        # and no worse than the other two methods
        for other in (quantile_breaks(populations, k), equal_interval_breaks(populations, k)):
            assert found <= squared_deviations([g for g in groups_of(populations, other) if g]) + 1e-6


def test_it_puts_equally_many_hildburghausen_gemeinden_in_each_quantile_class() -> None:
    populations = [float(v) for v in zensus_2022_gemeinden("16069").values()]
    breaks = quantile_breaks(populations, 4)
    counts = Counter(classify(value, breaks) for value in populations)
    assert counts == {0: 8, 1: 8, 2: 8, 3: 8}


def test_it_samples_order_statistics_beyond_the_exact_limit() -> None:
    values = [float(i % 97) + (0.0 if i % 2 else 1000.0) for i in range(MAX_EXACT_VALUES * 3)]
    breaks = natural_breaks(values, 2)
    # two clusters (0…96 and 1000…1096): the break is the top of the lower one
    assert breaks == pytest.approx([0.0, 96.0, 1096.0])
