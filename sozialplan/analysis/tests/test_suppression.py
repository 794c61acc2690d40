from __future__ import annotations

import pytest

from sozialplan.analysis.suppression import suppress_count, suppress_indicator


@pytest.mark.parametrize(
    ("value", "hidden"),
    [
        (None, False),
        (float("nan"), False),
        (0.0, False),
        (0.4, True),
        (1.0, True),
        (2.0, True),
        (2.9, True),
        (3.0, False),
        (121.0, False),
        (-2.0, False),
    ],
)
def test_it_hides_counts_from_one_below_the_threshold(value: float | None, hidden: bool) -> None:
    assert suppress_count(value, 3) is hidden


def test_it_hides_nothing_with_threshold_one() -> None:
    assert not suppress_count(1.0, 1)
    assert not suppress_count(0.5, 0)


def test_it_judges_a_count_indicator_by_its_value() -> None:
    assert suppress_indicator(None, 2.0, 3, is_count=True)
    assert not suppress_indicator(None, 0.0, 3, is_count=True)
    assert not suppress_indicator(None, 167.0, 3, is_count=True)


def test_it_judges_a_ratio_by_its_numerator() -> None:
    # 2 women among 4 persons aged 80+: 50 % discloses the count 2
    assert suppress_indicator(2.0, 50.0, 3, is_count=False)
    assert not suppress_indicator(0.0, 0.0, 3, is_count=False)
    assert not suppress_indicator(3.0, 75.0, 3, is_count=False)
    assert not suppress_indicator(None, None, 3, is_count=False)
