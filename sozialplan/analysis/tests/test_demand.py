from __future__ import annotations

import hypothesis
import numpy as np
import pytest
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sozialplan.analysis.demand import GRID_CLASSES, class_shares, distribute

# Grid classes: under 18, 18–29, 30–49, 50–64, 65+.
COUNTS = np.array(
    [
        [10, 5, 20, 10, 15],  # A, total 60
        [30, 15, 20, 30, 45],  # A, total 140
        [0, 0, 0, 0, 0],  # B, empty
        [0, 0, 0, 0, 0],  # B, empty
        [0, 0, 10, 10, 0],  # C, no children, total 20
        [0, 0, 30, 0, 0],  # C, no children, total 30
        [5, 5, 5, 5, 5],  # E, no target
    ],
    dtype=np.float64,
)
AREAS = ["A", "A", "B", "B", "C", "C", "E"]
SCHOOL, YOUNG, ALL, OLD, TEENS, SIXTY = (6, 13), (18, 26), (0, 999), (80, 999), (15, 20), (60, 999)


def test_it_uses_the_five_zensus_grid_classes() -> None:
    assert GRID_CLASSES == ((0, 17), (18, 29), (30, 49), (50, 64), (65, 999))


def test_it_measures_how_much_of_each_grid_class_a_band_covers() -> None:
    assert class_shares(SCHOOL) == pytest.approx([8 / 18, 0, 0, 0, 0])
    assert class_shares(YOUNG) == pytest.approx([0, 9 / 12, 0, 0, 0])
    assert class_shares(ALL) == pytest.approx([1, 1, 1, 1, 1])
    assert class_shares(OLD) == pytest.approx([0, 0, 0, 0, 20 / 35])
    assert class_shares(TEENS) == pytest.approx([3 / 18, 3 / 12, 0, 0, 0])
    assert class_shares(SIXTY) == pytest.approx([0, 0, 0, 5 / 15, 1])


def test_it_spreads_bands_inside_one_grid_class_in_proportion_to_that_class() -> None:
    targets = {"A": {SCHOOL: 80.0, YOUNG: 40.0, OLD: 12.0}}
    result = distribute(COUNTS, AREAS, targets, [SCHOOL, YOUNG, OLD])
    # A's cells have 10 and 30 under-18s, 5 and 15 aged 18–29, 15 and 45 over 65: 1:3 each time.
    assert result.values[SCHOOL] == pytest.approx([20, 60, 0, 0, 0, 0, 0])
    assert result.values[YOUNG] == pytest.approx([10, 30, 0, 0, 0, 0, 0])
    assert result.values[OLD] == pytest.approx([3, 9, 0, 0, 0, 0, 0])


def test_it_spreads_the_total_in_proportion_to_the_cell_totals() -> None:
    result = distribute(COUNTS, AREAS, {"A": {ALL: 400.0}, "C": {ALL: 100.0}}, [ALL])
    assert result.values[ALL] == pytest.approx([120, 280, 0, 0, 40, 60, 0])


def test_it_weights_grid_classes_by_the_share_of_a_band_that_spans_several() -> None:
    # 15–20: a sixth of "under 18" and a quarter of 18–29 → cell weights 10/6 + 5/4 and 30/6 + 15/4, i.e. 1:3.
    # 60+: a third of 50–64 and all of 65+ → 10/3 + 15 = 55/3 and 10 + 45 = 55, i.e. 1:3 again.
    targets = {"A": {TEENS: 35.0, SIXTY: 220.0}}
    result = distribute(COUNTS, AREAS, targets, [TEENS, SIXTY])
    assert result.values[TEENS][:2] == pytest.approx([8.75, 26.25])
    assert result.values[SIXTY][:2] == pytest.approx([55.0, 165.0])


def test_it_falls_back_to_cell_totals_and_then_to_equal_parts() -> None:
    # C has no children in the grid: its 8 schoolchildren follow the cell totals 20:30.
    # B's cells are empty: its 10 over-80s are split equally.
    result = distribute(COUNTS, AREAS, {"B": {OLD: 10.0}, "C": {SCHOOL: 8.0}}, [SCHOOL, OLD])
    assert result.values[SCHOOL] == pytest.approx([0, 0, 0, 0, 3.2, 4.8, 0])
    assert result.values[OLD] == pytest.approx([0, 0, 5, 5, 0, 0, 0])


def test_it_reports_areas_without_cells_as_unplaced() -> None:
    targets = {"A": {SCHOOL: 80.0}, "D": {SCHOOL: 7.0, OLD: 2.0}}
    result = distribute(COUNTS, AREAS, targets, [SCHOOL, OLD])
    assert result.unplaced == {"D": {SCHOOL: 7.0, OLD: 2.0}}
    assert result.values[SCHOOL].sum() == pytest.approx(80.0)
    assert result.values[OLD].sum() == pytest.approx(0.0)


def test_it_gives_zero_to_cells_of_areas_without_a_target() -> None:
    result = distribute(COUNTS, AREAS, {}, [ALL])
    assert result.values[ALL].tolist() == [0.0] * 7
    assert result.unplaced == {}


def test_it_handles_no_cells_at_all() -> None:
    result = distribute(np.zeros((0, 5)), [], {"A": {ALL: 5.0}}, [ALL])
    assert result.values[ALL].shape == (0,)
    assert result.unplaced == {"A": {ALL: 5.0}}


def test_it_refuses_bad_tables_bands_and_targets() -> None:
    with pytest.raises(ValueError, match="Altersklassen"):
        distribute(np.ones((2, 4)), ["A", "A"], {}, [ALL])
    with pytest.raises(ValueError, match="Gebietszuordnungen"):
        distribute(np.ones((2, 5)), ["A"], {}, [ALL])
    with pytest.raises(ValueError, match="≥ 0"):
        distribute(-np.ones((1, 5)), ["A"], {}, [ALL])
    with pytest.raises(ValueError, match="Ungültige Altersgruppe"):
        distribute(np.ones((1, 5)), ["A"], {}, [(13, 6)])
    with pytest.raises(ValueError, match="Zielwert"):
        distribute(np.ones((1, 5)), ["A"], {"A": {ALL: float("nan")}}, [ALL])


_band = st.tuples(st.integers(0, 999), st.integers(0, 999)).map(lambda b: (min(b), max(b)))


@hypothesis.settings(max_examples=50, deadline=None)
@hypothesis.given(
    data=st.data(),
    k=st.integers(0, 12),
    bands=st.lists(_band, min_size=1, max_size=4, unique=True),
)
def test_it_keeps_every_area_sum_equal_to_its_target(data: st.DataObject, k: int, bands: list[tuple[int, int]]) -> None:
    # Sparse, Zensus-like counts (many zeros) so that the fallbacks are exercised too.
    counts = data.draw(hnp.arrays(np.float64, (k, 5), elements=st.sampled_from([0.0, 0.0, 0.0, 3.0, 7.0, 120.0])))
    areas = data.draw(st.lists(st.sampled_from("ABC"), min_size=k, max_size=k))
    targets = data.draw(
        st.dictionaries(
            st.sampled_from("ABCD"),
            st.dictionaries(st.sampled_from(bands), st.floats(0, 1e5)),
        )
    )
    result = distribute(counts, areas, targets, bands)
    cells = np.array(areas, dtype=str)
    for band in bands:
        values = result.values[band]
        assert values.shape == (k,)
        assert np.all(values >= 0)
        for area, by_band in targets.items():
            target = by_band.get(band, 0.0)
            if area in areas:
                assert values[cells == area].sum() == pytest.approx(target, rel=1e-9, abs=1e-9)
            else:
                assert result.unplaced[area][band] == target
        outside = ~np.isin(cells, list(targets))
        assert np.all(values[outside] == 0)
