from __future__ import annotations

import csv
import math
from collections import Counter

import hypothesis
import numpy as np
import pytest
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sozialplan.analysis.coverage import DECAY_KINDS, decay, per_1000, two_step_fca
from sozialplan.analysis.reachability import great_circle_matrix, straight_travel
from sozialplan.analysis.tests.realdata import DATA
from sozialplan.sources.gv_isys import read_gv_isys

NAN = math.nan

# Two demand points (100 and 200 people) and two sites (1 and 2 offers), catchment 30 min:
#            site 0  site 1
# point 0     10 min  40 min (outside)
# point 1     20 min   5 min
POPULATION = np.array([100.0, 200.0])
SUPPLY = np.array([1.0, 2.0])
MINUTES = np.array([[10.0, 40.0], [20.0, 5.0]])


def dai(t: float, d0: float = 30.0) -> float:
    """Dai's (2010) truncated Gaussian, written out independently of the module."""
    return (math.exp(-0.5 * (t / d0) ** 2) - math.exp(-0.5)) / (1 - math.exp(-0.5))


def test_it_weights_step_linear_and_gaussian_decay_with_the_boundary_inside() -> None:
    t = np.array([0.0, 15.0, 30.0, 30.000001, 45.0, NAN, math.inf])
    assert decay(t, 30.0, "step").tolist() == [1, 1, 1, 0, 0, 0, 0]
    assert decay(t, 30.0, "linear") == pytest.approx([1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0])
    # 15 min of 30: (e^(−1/8) − e^(−1/2)) / (1 − e^(−1/2)) = 0.70137
    assert decay(t, 30.0, "gaussian") == pytest.approx([1.0, 0.7013665732, 0.0, 0.0, 0.0, 0.0, 0.0])


def test_it_keeps_the_shape_of_a_matrix() -> None:
    assert decay(MINUTES, 30.0, "step").tolist() == [[1.0, 0.0], [1.0, 1.0]]


def test_it_refuses_an_unknown_decay_a_bad_catchment_and_negative_times() -> None:
    with pytest.raises(ValueError, match="Distanzgewichtung"):
        decay(np.array([1.0]), 30.0, "cubic")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Einzugsbereich"):
        decay(np.array([1.0]), 0.0, "step")
    with pytest.raises(ValueError, match="negativ"):
        decay(np.array([-1.0]), 30.0, "step")


def test_it_computes_the_two_step_fca_with_step_decay_by_hand() -> None:
    # W = [[1, 0], [1, 1]]; demand per site D = [100 + 200, 200]; R = [1/300, 2/200];
    # A = [1/300, 1/300 + 1/100].
    access = two_step_fca(POPULATION, SUPPLY, MINUTES, catchment=30.0, kind="step")
    assert access == pytest.approx([1 / 300, 1 / 300 + 0.01])
    # Every site has people in its catchment, so the supply is conserved: 100/300 + 200·(4/300) = 3.
    assert POPULATION @ access == pytest.approx(SUPPLY.sum())


def test_it_computes_the_two_step_fca_with_linear_decay_by_hand() -> None:
    # W = [[2/3, 0], [1/3, 5/6]]; D = [100·2/3 + 200·1/3, 200·5/6] = [400/3, 500/3];
    # R = [3/400, 6/500] = [0.0075, 0.012]; A = [2/3·0.0075, 1/3·0.0075 + 5/6·0.012] = [0.005, 0.0125].
    access = two_step_fca(POPULATION, SUPPLY, MINUTES, catchment=30.0, kind="linear")
    assert access == pytest.approx([0.005, 0.0125])


def test_it_computes_the_two_step_fca_with_gaussian_decay_by_hand() -> None:
    w00, w10, w11 = dai(10), dai(20), dai(5)  # 0.86266, 0.49358, 0.96495
    r0 = 1 / (100 * w00 + 200 * w10)
    r1 = 2 / (200 * w11)
    access = two_step_fca(POPULATION, SUPPLY, MINUTES, catchment=30.0, kind="gaussian")
    assert access == pytest.approx([w00 * r0, w10 * r0 + w11 * r1])
    # Only point 1 is in site 1's catchment, so its share of site 1 is exactly 2/200 = 0.01.
    assert access == pytest.approx([0.0046635, 0.0026683 + 0.01], rel=1e-4)


def test_it_gives_zero_to_people_without_a_site_and_ignores_sites_without_people() -> None:
    # Point 1 has no route to anything (nan); site 1 is 50 min from everybody.
    minutes = np.array([[10.0, 50.0], [NAN, NAN]])
    access = two_step_fca(POPULATION, SUPPLY, minutes, catchment=30.0, kind="step")
    assert access.tolist() == [pytest.approx(0.01), 0.0]


def test_it_gives_zero_when_nobody_lives_in_the_catchment() -> None:
    access = two_step_fca(np.array([0.0, 0.0]), SUPPLY, MINUTES, catchment=30.0, kind="step")
    assert access.tolist() == [0.0, 0.0]


def test_it_refuses_a_matrix_that_does_not_fit_and_negative_supply() -> None:
    with pytest.raises(ValueError, match="passt nicht"):
        two_step_fca(POPULATION, SUPPLY, MINUTES.T[:1], catchment=30.0, kind="step")
    with pytest.raises(ValueError, match="Angebot"):
        two_step_fca(POPULATION, -SUPPLY, MINUTES, catchment=30.0, kind="step")
    with pytest.raises(ValueError, match="Distanzgewichtung"):
        two_step_fca(POPULATION, SUPPLY, MINUTES, catchment=30.0, kind="box")


@hypothesis.settings(max_examples=60, deadline=None)
@hypothesis.given(
    data=st.data(),
    k=st.integers(1, 6),
    s=st.integers(1, 5),
)
def test_it_conserves_the_total_supply_with_step_decay(data: st.DataObject, k: int, s: int) -> None:
    population = data.draw(hnp.arrays(np.float64, k, elements=st.floats(1, 10_000)))
    supply = data.draw(hnp.arrays(np.float64, s, elements=st.floats(0, 100)))
    minutes = data.draw(hnp.arrays(np.float64, (k, s), elements=st.floats(0, 60)))
    # Every site needs somebody in its catchment: put demand point j % k within 30 min of site j.
    for j in range(s):
        minutes[j % k, j] = min(minutes[j % k, j], 30.0)
    access = two_step_fca(population, supply, minutes, catchment=30.0, kind="step")
    assert population @ access == pytest.approx(supply.sum(), rel=1e-9, abs=1e-9)


def test_it_gives_offers_per_thousand_and_none_without_people() -> None:
    assert per_1000(3, 1500) == pytest.approx(2.0)
    assert per_1000(0, 412) == 0.0
    assert per_1000(3, 0) is None
    assert per_1000(3, NAN) is None


def _kita_example() -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Real-shaped example: the 32 Gemeinden of Landkreis Hildburghausen (GV-ISys centres and
    population) as demand, the Gemeinden with a Kita or Krippe in the real offers list as sites
    (supply = their number), car minutes along the straight line × 1.3 at 50 km/h."""
    centres = list(read_gv_isys(DATA / "regions" / "AuszugGV4QAktuell_2020Q4.csv", only="16069"))
    with (DATA / "offers" / "hildburghausen" / "offers.csv").open(encoding="utf-8", newline="") as handle:
        kitas = Counter(
            row["gemeinde"]
            for row in csv.DictReader(handle)
            if row["category"].startswith(("Kindertagesstätte", "Kinderkrippe"))
        )
    by_name = {c.name.split(",")[0]: c for c in centres}
    sites = [by_name[name] for name in sorted(kitas)]
    distance = great_circle_matrix(
        [c.longitude for c in centres],
        [c.latitude for c in centres],
        [c.longitude for c in sites],
        [c.latitude for c in sites],
    )
    _, minutes = straight_travel(distance, detour_factor=1.3, kmh=50.0)
    population = np.array([float(c.population or 0) for c in centres])
    supply = np.array([float(kitas[name]) for name in sorted(kitas)])
    return [c.ags for c in centres], population, supply, minutes


def _pysal_2sfca(
    population: np.ndarray, supply: np.ndarray, minutes: np.ndarray, catchment: float, kind: str
) -> np.ndarray:
    """pysal ``access``'s un-normalised 2SFCA on the same numbers (nan = no route: pair left out)."""
    access_module = pytest.importorskip("access")
    pd = pytest.importorskip("pandas")
    demand_ids = [f"d{i}" for i in range(population.size)]
    site_ids = [f"s{j}" for j in range(supply.size)]
    cost_df = pd.DataFrame(
        [
            (demand_ids[i], site_ids[j], minutes[i, j])
            for i in range(population.size)
            for j in range(supply.size)
            if not math.isnan(minutes[i, j])
        ],
        columns=["origin", "dest", "cost"],
    )
    model = access_module.Access(
        demand_df=pd.DataFrame({"geoid": demand_ids, "pop": population}).set_index("geoid"),
        demand_value="pop",
        supply_df=pd.DataFrame({"geoid": site_ids, "places": supply}).set_index("geoid"),
        supply_value="places",
        cost_df=cost_df,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    weight = None if kind == "step" else (lambda t: float(decay(np.array([t]), catchment, kind)[0]))  # type: ignore[arg-type]
    result = model.two_stage_fca(name="fca", max_cost=catchment, weight_fn=weight)["fca_places"]
    return np.asarray(result.reindex(demand_ids).to_numpy(), dtype=np.float64)


@pytest.mark.parametrize("kind", DECAY_KINDS)
def test_it_equals_pysal_access_on_the_hildburghausen_gemeinden(kind: str) -> None:
    ids, population, supply, minutes = _kita_example()
    assert len(ids) == 32 and supply.size >= 3
    ours = two_step_fca(population, supply, minutes, catchment=15.0, kind=kind)
    theirs = _pysal_2sfca(population, supply, minutes, 15.0, kind)
    assert np.count_nonzero(ours == 0) > 0 and np.count_nonzero(ours > 0) > 10
    # access leaves Gemeinden without any Kita within 15 minutes out (NaN); here they get 0.
    assert ours == pytest.approx(np.nan_to_num(theirs, nan=0.0), rel=1e-12, abs=1e-15)


def test_it_agrees_with_pysal_access_at_the_boundary_and_differs_only_at_documented_edges() -> None:
    # Both count a site exactly at the catchment boundary (≤).
    boundary = np.array([[30.0, 40.0], [20.0, 5.0]])
    assert two_step_fca(POPULATION, SUPPLY, boundary, catchment=30.0, kind="step") == pytest.approx(
        _pysal_2sfca(POPULATION, SUPPLY, boundary, 30.0, "step")
    )
    # Nobody lives in site 0's catchment: access divides by 0 (inf), here R_0 = 0.
    # Point 1 has no site within 30 min: access gives NaN, here 0.
    minutes = np.array([[10.0, 40.0], [40.0, 45.0]])
    empty = np.array([0.0, 200.0])
    assert two_step_fca(empty, SUPPLY, minutes, catchment=30.0, kind="step").tolist() == [0.0, 0.0]
    theirs = _pysal_2sfca(empty, SUPPLY, minutes, 30.0, "step")
    assert theirs[0] == math.inf and math.isnan(theirs[1])
