"""Cross-checks on real data: our shortest paths against networkx, our 2SFCA against pysal ``access``.

Slow (a few seconds each): the whole north-Bayreuth road network with every
POI category of the file, and the 363 Zensus cells of Landkreis
Hildburghausen with its real offers. ``make test-slow`` runs them; the
benchmark (``sozialplan bench``) checks the same equalities while timing.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pytest

from sozialplan.analysis.coverage import DecayKind, two_step_fca
from sozialplan.analysis.network import RoadGraph, build_network, nearest_by_category, snap_points, travel_matrix
from sozialplan.analysis.reachability import great_circle_matrix, straight_travel
from sozialplan.analysis.tests.realdata import DATA
from sozialplan.bench.needs_baselines import (
    AccessBaseline,
    Weight,
    compare_fca,
    compare_nearest,
    networkx_graph,
    networkx_nearest,
    scalar_decay,
)
from sozialplan.bench.needs_data import OSM_FILE, hildburghausen_inputs, inspire_cells, read_pois
from sozialplan.sources.osm import read_osm_xml

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Case:
    graph: RoadGraph
    demand: np.ndarray
    sources: dict[str, np.ndarray]


@pytest.fixture(scope="module")
def bayreuth() -> dict[str, Case]:
    """Car and walk networks north of Bayreuth with the grid-cell demand and the POI sources snapped to them."""
    path = DATA / OSM_FILE
    data = read_osm_xml(path)
    extract = read_pois(path)
    cells = inspire_cells(extract.bounds)
    categories = extract.categories()
    lon = np.array([p.lon for pois in categories.values() for p in pois])
    lat = np.array([p.lat for pois in categories.values() for p in pois])
    names = [name for name, pois in categories.items() for _ in pois]
    cases: dict[str, Case] = {}
    for mode in ("car", "walk"):
        graph, _ = build_network(data, mode)
        snap = snap_points(graph, cells.lon, cells.lat)
        poi_nodes = snap_points(graph, lon, lat).node
        sources: dict[str, list[int]] = {}
        for name, node in zip(names, poi_nodes.tolist(), strict=True):
            if node >= 0:
                sources.setdefault(name, []).append(node)
        cases[mode] = Case(
            graph=graph,
            demand=snap.node[snap.node >= 0],
            sources={name: np.array(nodes, dtype=np.int64) for name, nodes in sources.items()},
        )
    return cases


def test_the_real_extract_has_demand_cells_and_poi_categories() -> None:
    extract = read_pois(DATA / OSM_FILE)
    categories = extract.categories()
    assert extract.bounds == (11.4807, 49.9721, 11.6053, 50.047)
    assert len(extract.pois) == 250
    assert len(categories) == 60
    assert len(categories["highway=bus_stop"]) == 16
    assert len(categories["amenity=kindergarten"]) == 3  # buildings (ways), at the mean of their nodes
    assert len(inspire_cells(extract.bounds)) == 90


@pytest.mark.parametrize("mode", ["car", "walk"])
@pytest.mark.parametrize("weight", ["time", "length"])
def test_nearest_by_category_equals_networkx_on_the_real_network(
    bayreuth: dict[str, Case], mode: str, weight: Weight
) -> None:
    case = bayreuth[mode]
    assert case.demand.size > 70 and len(case.sources) == 60
    ours = nearest_by_category(case.graph, case.demand, case.sources, weight=weight)
    reference = networkx_nearest(networkx_graph(case.graph, weight), case.demand, case.sources)
    compared, mismatches, largest, _ = compare_nearest(ours, reference)
    assert compared == case.demand.size * len(case.sources)
    assert mismatches == 0
    assert largest < 1e-6


@pytest.mark.parametrize("mode", ["car", "walk"])
def test_travel_matrix_equals_networkx_on_the_real_network(bayreuth: dict[str, Case], mode: str) -> None:
    case = bayreuth[mode]
    supply = np.concatenate([case.sources["highway=bus_stop"], case.sources["amenity=townhall"]])
    ours = travel_matrix(case.graph, case.demand, supply, weight="time")
    reversed_graph = networkx_graph(case.graph, "time")
    for column, node in enumerate(supply.tolist()):
        reached = nx.single_source_dijkstra_path_length(reversed_graph, node, weight="weight")
        expected = np.array([reached.get(d, np.inf) for d in case.demand.tolist()])
        assert ours[:, column] == pytest.approx(expected, abs=1e-6)


def test_the_car_network_is_directed_and_the_baseline_follows_the_direction(bayreuth: dict[str, Case]) -> None:
    # Demand → offer differs from offer → demand somewhere on a network with one-way streets (A9 ramps),
    # so the equality above would catch a Dijkstra run in the wrong direction.
    case = bayreuth["car"]
    stops = {"highway=bus_stop": case.sources["highway=bus_stop"]}
    towards = nearest_by_category(case.graph, case.demand, stops, weight="time")["highway=bus_stop"]
    forward = networkx_graph(case.graph, "time").reverse(copy=True)
    away = nx.multi_source_dijkstra_path_length(forward, set(stops["highway=bus_stop"].tolist()), weight="weight")
    back = np.array([away.get(d, np.inf) for d in case.demand.tolist()])
    assert np.any(np.abs(towards - back) > 1.0)


@pytest.mark.parametrize("kind", ["step", "linear", "gaussian"])
def test_two_step_fca_equals_access_for_hildburghausen(kind: DecayKind) -> None:
    inputs = hildburghausen_inputs(DATA)
    cells = inputs.cells
    assert (len(cells), cells.persons.sum(), len(inputs.offer_names)) == (363, 66304, 64)
    distance = great_circle_matrix(cells.lon, cells.lat, inputs.offer_lon, inputs.offer_lat)
    # 15 km/h instead of the car's 50: many cells then lie beyond the catchment, which tests the edges too.
    _, minutes = straight_travel(distance, detour_factor=1.3, kmh=15.0)
    supply = np.ones(len(inputs.offer_names))
    ours = two_step_fca(cells.persons, supply, minutes, catchment=30.0, kind=kind)
    theirs = AccessBaseline(cells.persons, supply, minutes).compute(30.0, scalar_decay(kind, 30.0))
    _, relative, beyond = compare_fca(ours, theirs)
    assert beyond == 0 and relative <= 1e-9
    assert np.count_nonzero(ours == 0) > 0  # some cells have no offer within 30 minutes at this speed
    # Step decay distributes the existing supply: Σ P_i A_i = Σ S_j over the sites with people in reach.
    if kind == "step":
        reached = (minutes <= 30.0).any(axis=0)
        assert float(cells.persons @ ours) == pytest.approx(float(supply[reached].sum()))
