from __future__ import annotations

import math
from pathlib import Path

import hypothesis
import numpy as np
import pytest
from hypothesis import strategies as st
from pyproj import Geod

from sozialplan.analysis.reachability import (
    EARTH_RADIUS_M,
    AreaSummary,
    count_within,
    great_circle_matrix,
    nearest,
    straight_travel,
    summarise,
)
from sozialplan.analysis.tests.realdata import DATA
from sozialplan.sources.gv_isys import read_gv_isys

INF = math.inf
NAN = math.nan


def test_it_measures_one_degree_of_latitude_as_a_360th_of_the_circumference() -> None:
    one_degree = 2 * math.pi * EARTH_RADIUS_M / 360  # 111,195.08 m
    matrix = great_circle_matrix([10.0], [50.0], [10.0, 10.0], [51.0, 49.0])
    assert matrix.shape == (1, 2)
    assert matrix == pytest.approx(np.array([[one_degree, one_degree]]))


def test_it_measures_a_quarter_of_the_equator_and_zero_to_itself() -> None:
    matrix = great_circle_matrix([0.0, 90.0], [0.0, 0.0], [0.0, 90.0, 180.0], [0.0, 0.0, 0.0])
    quarter = math.pi / 2 * EARTH_RADIUS_M
    assert matrix == pytest.approx(np.array([[0, quarter, 2 * quarter], [quarter, 0, quarter]]))


def test_it_agrees_with_the_wgs84_geodesic_from_hildburghausen_to_eisfeld() -> None:
    # Gemeinde centres from the Destatis GV-ISys extract (Hildburghausen 10.729007, 50.425612;
    # Eisfeld 10.907349, 50.427398); the reference is pyproj's ellipsoidal geodesic (≈ 12.67 km).
    path = DATA / "regions" / "AuszugGV4QAktuell_2020Q4.csv"
    centres = {c.name: c for c in read_gv_isys(Path(path), only="16069")}
    town, other = centres["Hildburghausen, Stadt"], centres["Eisfeld, Stadt"]
    _, _, geodesic = Geod(ellps="WGS84").inv(town.longitude, town.latitude, other.longitude, other.latitude)
    haversine = great_circle_matrix([town.longitude], [town.latitude], [other.longitude], [other.latitude])[0, 0]
    assert 12_000 < geodesic < 13_000
    assert haversine == pytest.approx(geodesic, rel=0.005)


def test_it_gives_nan_distances_for_a_point_without_coordinates() -> None:
    matrix = great_circle_matrix([10.0, NAN], [50.0, NAN], [10.5], [50.5])
    assert math.isfinite(matrix[0, 0])
    assert math.isnan(matrix[1, 0])


def test_it_refuses_longitudes_and_latitudes_of_different_length() -> None:
    with pytest.raises(ValueError, match="Längengrade"):
        great_circle_matrix([10.0, 11.0], [50.0], [10.0], [50.0])


def test_it_turns_straight_lines_into_road_metres_and_minutes() -> None:
    # 1,000 m × 1.3 = 1,300 m; by car at 50 km/h (833.3 m/min) 1.56 min, on foot at 4.5 km/h (75 m/min) 17.33 min.
    road, car = straight_travel(np.array([1000.0, 0.0, NAN]), detour_factor=1.3, kmh=50.0)
    _, walk = straight_travel(np.array([1000.0]), detour_factor=1.3, kmh=4.5)
    assert road[:2] == pytest.approx(np.array([1300.0, 0.0]))
    assert car[:2] == pytest.approx(np.array([1.56, 0.0]))
    assert walk == pytest.approx(np.array([1300 / 75]))
    assert math.isnan(road[2]) and math.isnan(car[2])


def test_it_refuses_a_detour_factor_below_one_and_a_speed_of_zero() -> None:
    with pytest.raises(ValueError, match="Umwegfaktor"):
        straight_travel(np.array([1.0]), detour_factor=0.9, kmh=50.0)
    with pytest.raises(ValueError, match="Geschwindigkeit"):
        straight_travel(np.array([1.0]), detour_factor=1.3, kmh=0.0)


def test_it_finds_the_nearest_selected_column_and_ignores_nan() -> None:
    cost = np.array(
        [
            [5.0, 3.0, 9.0],  # column 1 is nearest but not selected: 5 at column 0
            [NAN, 8.0, 2.0],  # nan ignored: 2 at column 2
            [NAN, 1.0, NAN],  # only the unselected column has a cost
            [INF, 0.0, INF],  # selected columns unreachable
        ]
    )
    mask = np.array([True, False, True])
    value, column = nearest(cost, mask)
    assert value.tolist() == [5.0, 2.0, INF, INF]
    assert column.tolist() == [0, 2, -1, -1]
    assert column.dtype == np.int64


def test_it_takes_the_first_column_on_ties_and_handles_no_columns() -> None:
    value, column = nearest(np.array([[4.0, 4.0]]), np.array([True, True]))
    assert (value.tolist(), column.tolist()) == ([4.0], [0])
    value, column = nearest(np.zeros((2, 0)), np.zeros(0, dtype=bool))
    assert (value.tolist(), column.tolist()) == ([INF, INF], [-1, -1])


def test_it_refuses_a_mask_that_does_not_fit_the_matrix() -> None:
    with pytest.raises(ValueError, match="passt nicht"):
        nearest(np.zeros((2, 3)), np.ones(2, dtype=bool))


def test_it_counts_selected_offers_within_the_threshold_boundary_included() -> None:
    cost = np.array([[15.0, 14.9, 15.1, NAN], [INF, 30.0, 1.0, 2.0]])
    mask = np.array([True, True, True, False])
    assert count_within(cost, mask, 15.0).tolist() == [2, 1]
    assert count_within(cost, mask, 30.0).tolist() == [3, 2]


def test_it_summarises_reach_per_area_with_unreachable_people() -> None:
    # A: 100 people at 10 min / 8 km, 50 at 20 min / 16 km; B: 20 people without any reachable offer,
    # 5 people at 0 min / nan m (time known, distance not); C: nobody lives there.
    summary = summarise(
        nearest_m=np.array([8000.0, 16000.0, INF, NAN, 1000.0]),
        nearest_min=np.array([10.0, 20.0, INF, 0.0, 5.0]),
        population=np.array([100.0, 50.0, 20.0, 5.0, 0.0]),
        labels=["A", "A", "B", "B", "C"],
        thresholds=[15, 30],
    )
    assert list(summary) == ["A", "B", "C"]
    a, b, c = summary["A"], summary["B"], summary["C"]
    assert a.population == pytest.approx(150.0)
    assert a.reached == pytest.approx({15.0: 100.0, 30.0: 150.0})
    assert a.shares == pytest.approx({15.0: 2 / 3, 30.0: 1.0})
    assert a.mean_nearest_m == pytest.approx((100 * 8000 + 50 * 16000) / 150)
    assert a.mean_nearest_min == pytest.approx((100 * 10 + 50 * 20) / 150)
    assert a.unreachable == pytest.approx(0.0)
    assert b.population == pytest.approx(25.0)
    assert b.reached == pytest.approx({15.0: 5.0, 30.0: 5.0})
    assert b.shares == pytest.approx({15.0: 0.2, 30.0: 0.2})
    assert b.mean_nearest_m is None
    assert b.mean_nearest_min == pytest.approx(0.0)
    assert b.unreachable == pytest.approx(20.0)
    assert c == AreaSummary(
        population=0.0,
        reached={15.0: 0.0, 30.0: 0.0},
        shares={15.0: None, 30.0: None},
        mean_nearest_m=None,
        mean_nearest_min=None,
        unreachable=0.0,
    )


def test_it_summarises_an_area_where_nobody_reaches_an_offer() -> None:
    summary = summarise([INF, NAN], [INF, NAN], [3.0, 4.0], ["Kreis", "Kreis"], [15])
    kreis = summary["Kreis"]
    assert kreis.reached == {15.0: 0.0}
    assert kreis.shares == {15.0: 0.0}
    assert kreis.mean_nearest_min is None and kreis.mean_nearest_m is None
    assert kreis.unreachable == pytest.approx(7.0)


def test_it_refuses_inputs_of_different_length_and_negative_population() -> None:
    with pytest.raises(ValueError, match="gleich viele"):
        summarise([1.0], [1.0, 2.0], [1.0, 1.0], ["A", "A"], [15])
    with pytest.raises(ValueError, match="Bevölkerung"):
        summarise([1.0], [1.0], [-1.0], ["A"], [15])


@hypothesis.settings(max_examples=50, deadline=None)
@hypothesis.given(
    rows=st.lists(
        st.tuples(
            st.one_of(st.floats(0, 120), st.just(INF), st.just(NAN)),
            st.floats(0, 1000),
            st.sampled_from(["A", "B", "C"]),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_it_accounts_for_every_person_once_and_agrees_across_levels(rows: list[tuple[float, float, str]]) -> None:
    minutes = np.array([r[0] for r in rows])
    people = np.array([r[1] for r in rows])
    labels = [r[2] for r in rows]
    areas = summarise(minutes * 1000, minutes, people, labels, [15, 30])
    kreis = summarise(minutes * 1000, minutes, people, ["Kreis"] * len(rows), [15, 30])["Kreis"]
    assert sum(a.population for a in areas.values()) == pytest.approx(people.sum())
    assert kreis.population == pytest.approx(people.sum())
    for area in [*areas.values(), kreis]:
        # reached within 30 min + reachable beyond 30 min + unreachable = everybody
        beyond = area.population - area.unreachable - area.reached[30.0]
        assert beyond >= -1e-9 * max(1.0, area.population)
        assert area.reached[15.0] <= area.reached[30.0] + 1e-9
    for t in (15.0, 30.0):
        assert sum(a.reached[t] for a in areas.values()) == pytest.approx(kreis.reached[t])
    assert sum(a.unreachable for a in areas.values()) == pytest.approx(kreis.unreachable)
