"""Road graphs from OSM data: building, gap repair, report, snapping, shortest costs, storage.

Small graphs are hand-made (positions near 50° N, 11° E; expected lengths
are geodesic sums of the same coordinates); the real-data tests use the
north-Bayreuth OSM extract and the Jena speed-limit ways (a gappy network).
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pytest
from pyproj import Geod
from scipy.sparse.csgraph import dijkstra

from sozialplan.analysis.network import (
    CONNECTOR_CAR_KMH,
    RoadGraph,
    build_network,
    contract,
    nearest_by_category,
    network_from_bytes,
    network_to_bytes,
    snap_points,
    travel_matrix,
)
from sozialplan.analysis.roads import RoadData, RoadWay

ROADS = Path(__file__).resolve().parents[3] / "data" / "roads"
LON0, LAT0 = 11.0, 50.0
GEOD = Geod(ellps="WGS84")


def at(east_m: float, north_m: float) -> tuple[float, float]:
    """(lon, lat) of a point ``east_m``/``north_m`` metres from (11° E, 50° N) (approximate local scale)."""
    return (LON0 + east_m / (111_320 * math.cos(math.radians(LAT0))), LAT0 + north_m / 111_200)


def roads(nodes: Mapping[int, tuple[float, float]], *ways: tuple[Sequence[int], Mapping[str, str]]) -> RoadData:
    """RoadData from node positions in metres (see :func:`at`) and (node ids, tags) per way."""
    return RoadData(
        nodes={i: at(*p) for i, p in nodes.items()},
        ways=tuple(RoadWay(k + 1, tuple(ids), dict(tags)) for k, (ids, tags) in enumerate(ways)),
        source_format="test",
    )


def metres(data: RoadData, *path: int) -> float:
    """Geodesic length of a path of node ids."""
    total = 0.0
    for a, b in itertools.pairwise(path):
        (lon1, lat1), (lon2, lat2) = data.nodes[a], data.nodes[b]
        total += GEOD.inv(lon1, lat1, lon2, lat2)[2]
    return total


def pos(graph: RoadGraph, *osm_ids: int) -> np.ndarray:
    """Node positions of OSM ids in the graph."""
    index = np.searchsorted(graph.node_ids, osm_ids)
    assert np.array_equal(graph.node_ids[index], osm_ids)
    return index


def handmade(n: int, edges: Sequence[tuple[int, int, float, float]], mode: str = "car") -> RoadGraph:
    """A RoadGraph with ``n`` nodes (all main) and directed edges (tail, head, length, time)."""
    e = np.array(edges, dtype=np.float64).reshape(-1, 4)
    return RoadGraph(
        mode=mode,
        node_ids=np.arange(100, 100 + n, dtype=np.int64),
        lon=LON0 + 0.001 * np.arange(n, dtype=np.float64),
        lat=np.full(n, LAT0),
        x=70.0 * np.arange(n, dtype=np.float64),
        y=np.zeros(n),
        tail=e[:, 0].astype(np.int64),
        head=e[:, 1].astype(np.int64),
        length_m=e[:, 2].copy(),
        time_s=e[:, 3].copy(),
        main=np.ones(n, dtype=bool),
    )


RESIDENTIAL = {"highway": "residential"}
SQUARE = roads(
    {1: (0, 0), 2: (100, 0), 3: (100, 100), 4: (0, 100)},
    ([1, 2, 3, 4, 1], RESIDENTIAL),
    ([1, 3], {"highway": "footway"}),
)


def test_walkers_take_the_diagonal_of_the_square() -> None:
    graph, report = build_network(SQUARE, "walk")
    assert (report.nodes, report.edges, report.components_before) == (4, 10, 1)
    got = nearest_by_category(graph, pos(graph, 3, 2), {"a": pos(graph, 1)}, weight="length")["a"]
    diagonal = metres(SQUARE, 3, 1)
    assert got == pytest.approx([diagonal, metres(SQUARE, 2, 1)], rel=1e-12)
    assert diagonal == pytest.approx(100 * math.sqrt(2), rel=0.01)
    time = nearest_by_category(graph, pos(graph, 3), {"a": pos(graph, 1)})["a"]
    assert time == pytest.approx([diagonal / (4.5 / 3.6)], rel=1e-12)


def test_cars_go_round_the_square_because_the_diagonal_is_a_footway() -> None:
    graph, report = build_network(SQUARE, "car")
    assert (report.nodes, report.edges, report.ways_not_usable) == (4, 8, 1)
    got = nearest_by_category(graph, pos(graph, 3), {"a": pos(graph, 1)}, weight="length")["a"]
    assert got == pytest.approx([min(metres(SQUARE, 3, 2, 1), metres(SQUARE, 3, 4, 1))], rel=1e-12)
    time = nearest_by_category(graph, pos(graph, 3), {"a": pos(graph, 1)}, weight="time")["a"]
    assert time == pytest.approx(got / (30 / 3.6), rel=1e-12)  # residential default 30 km/h


def test_cars_follow_a_one_way_loop_the_long_way_round() -> None:
    data = roads({1: (0, 0), 2: (100, 0), 3: (50, 80)}, ([1, 2, 3, 1], {**RESIDENTIAL, "oneway": "yes"}))
    graph, report = build_network(data, "car")
    assert report.edges == 3 and graph.main.all()
    forward = nearest_by_category(graph, pos(graph, 1), {"a": pos(graph, 2)}, weight="length")["a"]
    backward = nearest_by_category(graph, pos(graph, 2), {"a": pos(graph, 1)}, weight="length")["a"]
    assert forward == pytest.approx([metres(data, 1, 2)], rel=1e-12)
    assert backward == pytest.approx([metres(data, 2, 3, 1)], rel=1e-12)
    walk, _ = build_network(data, "walk")
    back_on_foot = nearest_by_category(walk, pos(walk, 2), {"a": pos(walk, 1)}, weight="length")["a"]
    assert back_on_foot == pytest.approx([metres(data, 2, 1)], rel=1e-12)


def test_oneway_minus_one_runs_against_the_node_order() -> None:
    data = roads({1: (0, 0), 2: (100, 0)}, ([1, 2], {**RESIDENTIAL, "oneway": "-1"}))
    graph, _ = build_network(data, "car")
    assert graph.node_ids[graph.tail].tolist() == [2] and graph.node_ids[graph.head].tolist() == [1]


def test_a_car_main_network_is_strongly_connected() -> None:
    # 1 – 2 – 3 both ways, then a one-way street 3 → 4 into a dead end.
    data = roads({1: (0, 0), 2: (100, 0), 3: (200, 0), 4: (300, 0)}, ([1, 2, 3], RESIDENTIAL))
    data = RoadData(data.nodes, (*data.ways, RoadWay(9, (3, 4), {**RESIDENTIAL, "oneway": "yes"})), "test")
    graph, report = build_network(data, "car")
    assert graph.main.tolist() == [True, True, True, False]
    assert (report.components_before, report.nodes_outside_main) == (1, 1)
    assert report.sentences()[-1] == (
        "1 Knoten (25,0 %) gehört nicht zum Hauptnetz, weil er nur in einer Fahrtrichtung angebunden ist "
        "(Einbahnstraßen, Rand des Kartenausschnitts); Punkte dort werden nicht angebunden."
    )
    snap = snap_points(graph, np.array([at(300, 0)[0]]), np.array([at(300, 0)[1]]))
    assert snap.node.tolist() == [2] and snap.distance_m[0] == pytest.approx(100, rel=0.01)


def test_a_kept_node_splits_a_chain_and_costs_stay_exact() -> None:
    # Junctions 0 and 4 (degree 3), chain 0-1-2-3-4 and two more chains 0-5-4 and 0-6-4.
    pairs = [(0, 1, 1.0), (1, 2, 2.0), (2, 3, 3.0), (3, 4, 4.0), (0, 5, 6.0), (5, 4, 6.0), (0, 6, 20.0), (6, 4, 1.0)]
    edges = [(a, b, w, 10 * w) for a, b, w in pairs] + [(b, a, w, 10 * w) for a, b, w in pairs]
    graph = handmade(7, edges)
    small = contract(graph, np.array([2]))
    assert small.node_ids.tolist() == [100, 102, 104]
    matrix = small.csr("length").toarray()
    assert matrix[0, 1] == 3.0 and matrix[1, 2] == 7.0 and matrix[0, 2] == 12.0  # cheapest of 12 and 21
    assert small.csr("time").toarray()[2, 1] == 70.0
    got = nearest_by_category(graph, np.array([0, 4, 5]), {"x": np.array([2])}, weight="length")["x"]
    assert got.tolist() == [3.0, 7.0, 9.0]


def test_parallel_edges_keep_the_cheapest_per_weight() -> None:
    graph = handmade(2, [(0, 1, 10.0, 5.0), (0, 1, 8.0, 9.0), (1, 0, 10.0, 5.0), (0, 0, 0.0, 0.0)])
    assert graph.csr("length")[0, 1] == 8.0 and graph.csr("time")[0, 1] == 5.0
    assert graph.csr("length").nnz == 2  # the self-loop is gone
    by_length = nearest_by_category(graph, np.array([0]), {"x": np.array([1])}, weight="length")["x"]
    by_time = nearest_by_category(graph, np.array([0]), {"x": np.array([1])}, weight="time")["x"]
    assert (by_length[0], by_time[0]) == (8.0, 5.0)


def test_parallel_chains_keep_the_cheapest_per_weight_after_contraction() -> None:
    # Two chains 0-2-1 and 0-3-1: the first is short but slow, the second long but fast.
    pairs = [(0, 2, 4.0, 10.0), (2, 1, 4.0, 10.0), (0, 3, 5.0, 1.0), (3, 1, 5.0, 1.0), (0, 4, 1, 1), (1, 5, 1, 1)]
    pairs += [(0, 6, 1, 1), (1, 7, 1, 1)]
    graph = handmade(8, pairs + [(b, a, w, t) for a, b, w, t in pairs])
    assert contract(graph, np.array([0, 1])).n == 2  # chains contracted, dead ends 4 … 7 dropped
    got = {
        w: nearest_by_category(graph, np.array([0]), {"x": np.array([1])}, weight=w)["x"][0] for w in ("length", "time")
    }
    assert got == {"length": 8.0, "time": 2.0}


def gap_data(gap_m: float) -> RoadData:
    return roads(
        {1: (0, 0), 2: (100, 0), 3: (200, 0), 4: (200 + gap_m, 0), 5: (300 + gap_m, 0)},
        ([1, 2, 3], RESIDENTIAL),
        ([4, 5], RESIDENTIAL),
    )


def test_a_ten_metre_gap_is_repaired() -> None:
    data = gap_data(10)
    graph, report = build_network(data, "car")
    assert (report.components_before, report.components_after, report.repaired_links) == (2, 1, 1)
    assert report.repaired_max_m == pytest.approx(metres(data, 3, 4), rel=1e-9)
    assert report.share_in_main == 1.0 and graph.main.all()
    assert "1 Lücke von 10 m wurde durch eine Verbindung geschlossen." in report.sentences()
    assert report.sentences()[-1] == "Alle Knoten gehören zum Hauptnetz."
    time = nearest_by_category(graph, pos(graph, 1), {"x": pos(graph, 5)})["x"][0]
    expected = metres(data, 1, 2, 3) / (30 / 3.6) + metres(data, 3, 4) / (CONNECTOR_CAR_KMH / 3.6)
    assert time == pytest.approx(expected + metres(data, 4, 5) / (30 / 3.6), rel=1e-12)


def test_a_hundred_metre_gap_is_reported_not_bridged() -> None:
    graph, report = build_network(gap_data(100), "walk")
    assert (report.components_before, report.components_after, report.repaired_links) == (2, 2, 0)
    assert report.nodes_outside_main == 2 and report.share_in_main == pytest.approx(0.6)
    assert graph.main.tolist() == [True, True, True, False, False]
    assert report.sentences()[-2:] == [
        "Keine Lücke zwischen Teilnetzen war kurz genug, um sie zu schließen.",
        "2 Knoten (40,0 %) liegen in 1 Teilnetz ohne Verbindung zum Hauptnetz; Punkte dort werden nicht angebunden.",
    ]
    # Costs across the gap are infinite, never zero; points there snap to the main network or nowhere.
    assert nearest_by_category(graph, pos(graph, 5), {"x": pos(graph, 1)})["x"][0] == np.inf
    lon, lat = at(400, 0)
    assert snap_points(graph, np.array([lon]), np.array([lat]), max_snap_m=150).node.tolist() == [-1]
    assert snap_points(graph, np.array([lon]), np.array([lat]), max_snap_m=500).node.tolist() == pos(graph, 3).tolist()


def test_repair_can_be_switched_off() -> None:
    _, report = build_network(gap_data(10), "walk", repair_tolerance_m=0)
    assert (report.repaired_links, report.components_after) == (0, 2)


def test_speeds_come_from_maxspeed_or_the_class() -> None:
    data = roads(
        {1: (0, 0), 2: (100, 0), 3: (200, 0)},
        ([1, 2], {"highway": "primary", "maxspeed": "DE:urban"}),
        ([2, 3], {"highway": "primary"}),
    )
    graph, report = build_network(data, "car")
    assert (report.speed_from_maxspeed, report.speed_from_class) == (1, 1)
    speed_kmh = 3.6 * graph.length_m / graph.time_s
    assert sorted(set(np.round(speed_kmh, 9))) == [50.0, 80.0]
    assert "Tempo: 1 Wege mit Angabe der Höchstgeschwindigkeit, 1 mit angenommener" in report.sentences()[1]
    walk, walk_report = build_network(data, "walk", walk_kmh=5.0)
    assert 3.6 * walk.length_m / walk.time_s == pytest.approx(np.full(4, 5.0))
    assert (walk_report.speed_from_maxspeed, walk_report.speed_from_class) == (0, 0)


def test_walkers_and_cars_use_different_ways() -> None:
    data = roads(
        {1: (0, 0), 2: (100, 0), 3: (200, 0), 4: (300, 0)},
        ([1, 2], {"highway": "motorway"}),
        ([2, 3], {"highway": "trunk", "motorroad": "yes"}),
        ([3, 4], {"highway": "footway"}),
    )
    walk, walk_report = build_network(data, "walk")
    car, car_report = build_network(data, "car")
    assert walk.node_ids.tolist() == [3, 4] and walk_report.ways_not_usable == 2
    assert car.node_ids.tolist() == [1, 2, 3] and car_report.ways_not_usable == 1
    assert "2 Wege sind zu Fuß nicht nutzbar und bleiben unberücksichtigt." in walk_report.sentences()


def test_no_usable_way_gives_an_empty_graph_that_says_so() -> None:
    data = roads({1: (0, 0), 2: (100, 0)}, ([1, 2], {"highway": "proposed"}))
    graph, report = build_network(data, "walk")
    assert graph.n == 0 and report.share_in_main == 0.0
    assert report.sentences()[-1].startswith("Die Daten enthalten keine zu Fuß nutzbaren Wege")
    snap = snap_points(graph, np.array([LON0]), np.array([LAT0]))
    assert snap.node.tolist() == [-1] and snap.distance_m.tolist() == [np.inf]


def test_missing_node_positions_cut_the_way() -> None:
    data = roads({1: (0, 0), 2: (100, 0), 4: (300, 0), 5: (400, 0)}, ([1, 2, 3, 4, 5], RESIDENTIAL))
    graph, report = build_network(data, "walk")
    assert graph.node_ids.tolist() == [1, 2, 4, 5] and report.components_before == 2
    broken = RoadData({**data.nodes, 3: (math.nan, LAT0)}, data.ways, "test")
    assert build_network(broken, "walk")[0].node_ids.tolist() == [1, 2, 4, 5]


def test_german_numbers_in_the_report() -> None:
    _, report = build_network(gap_data(100), "walk")
    big = type(report)(**{**report.__dict__, "nodes": 12345, "edges": 30001, "nodes_outside_main": 2590})
    assert big.sentences()[0] == "Fußwegenetz: 12.345 Knoten, 30.001 gerichtete Kanten."
    assert big.sentences()[-1].startswith("2.590 Knoten (21,0 %) liegen in 1 Teilnetz")


def test_snapping_respects_the_maximum_distance() -> None:
    graph, _ = build_network(SQUARE, "walk")
    lon, lat = zip(at(0, -100), at(100, 110), (math.nan, LAT0), strict=True)
    near = snap_points(graph, np.array(lon), np.array(lat), max_snap_m=50)
    assert near.node.tolist() == [-1, pos(graph, 3)[0], -1]
    assert near.distance_m[:2] == pytest.approx([100, 10], rel=0.02) and math.isnan(near.distance_m[2])
    far = snap_points(graph, np.array(lon), np.array(lat), max_snap_m=500)
    assert far.node.tolist() == [pos(graph, 1)[0], pos(graph, 3)[0], -1]


def test_nearest_handles_unsnapped_points_and_empty_categories() -> None:
    graph, _ = build_network(SQUARE, "walk")
    got = nearest_by_category(
        graph, np.array([-1, 0, 1]), {"none": np.array([], dtype=np.int64), "only -1": np.array([-1]), "a": [1, -1]}
    )
    assert np.isnan(got["none"][0]) and got["none"][1:].tolist() == [np.inf, np.inf]
    assert got["only -1"][1:].tolist() == [np.inf, np.inf]
    assert got["a"][2] == 0.0 and got["a"][1] > 0
    with pytest.raises(ValueError, match="außerhalb des Netzes"):
        nearest_by_category(graph, np.array([4]), {"a": np.array([0])})


def test_travel_matrix_matches_dijkstra_and_marks_unsnapped_points() -> None:
    graph, _ = build_network(SQUARE, "car")
    demand, supply = np.array([0, -1, 2, 3]), np.array([1, 1, -1, 3])
    got = travel_matrix(graph, demand, supply, weight="length")
    full = dijkstra(graph.csr("length"), directed=True)
    assert np.isnan(got[1]).all() and np.isnan(got[:, 2]).all()
    for i in (0, 2, 3):
        for j in (0, 1, 3):
            assert got[i, j] == pytest.approx(full[demand[i], supply[j]], rel=1e-12)
    assert np.isnan(travel_matrix(graph, np.array([-1]), np.array([1]), weight="time")).all()


def test_graphs_survive_storage_as_bytes() -> None:
    graphs = {mode: build_network(SQUARE, mode)[0] for mode in ("walk", "car")}
    loaded = network_from_bytes(network_to_bytes(graphs))
    assert list(loaded) == ["walk", "car"]
    for mode, graph in graphs.items():
        copy = loaded[mode]
        assert copy.mode == graph.mode
        for name in ("node_ids", "lon", "lat", "x", "y", "tail", "head", "length_m", "time_s", "main"):
            assert np.array_equal(getattr(copy, name), getattr(graph, name))
            assert getattr(copy, name).dtype == getattr(graph, name).dtype
        before = nearest_by_category(graph, np.arange(4), {"a": np.array([1])})
        assert np.array_equal(nearest_by_category(copy, np.arange(4), {"a": np.array([1])})["a"], before["a"])
    assert network_from_bytes(network_to_bytes({})) == {}


@pytest.mark.parametrize("damage", ["garbage", "truncated", "pickle", "wrong shape"])
def test_broken_network_bytes_give_a_german_error(damage: str) -> None:
    good = network_to_bytes({"walk": build_network(SQUARE, "walk")[0]})
    if damage == "garbage":
        data = b"not a zip at all"
    elif damage == "truncated":
        data = good[: len(good) // 2]
    else:
        buffer = io.BytesIO()
        with np.load(io.BytesIO(good)) as npz:
            arrays = {k: npz[k] for k in npz.files}
        if damage == "pickle":
            arrays["g0_lon"] = np.array([{"evil": 1}], dtype=object)
        else:
            arrays["g0_lon"] = arrays["g0_lon"][:2]
        np.savez(buffer, **arrays)
        data = buffer.getvalue()
    with pytest.raises(ValueError, match="Netzdaten sind beschädigt"):
        network_from_bytes(data)


# ---------------------------------------------------------------------------------------------------
# Real data


@pytest.fixture(scope="module")
def bayreuth() -> dict[str, RoadGraph]:
    """Walk and car graphs of the north-Bayreuth OSM extract (parsed once per module; about 1 s, so slow)."""
    from sozialplan.sources.osm import read_osm_xml

    data = read_osm_xml(ROADS / "north-bayreuth.osm.gz")
    return {mode: build_network(data, mode)[0] for mode in ("walk", "car")}


def assert_nearest_equals_full_dijkstra(graph: RoadGraph, seed: int) -> None:
    """nearest_by_category against plain scipy Dijkstra on the uncontracted graph, both weights."""
    rng = np.random.default_rng(seed)
    main = np.flatnonzero(graph.main)
    demand = np.concatenate([rng.choice(graph.n, 200, replace=False), [-1]])
    sources = {f"c{k}": rng.choice(main, size, replace=False) for k, size in enumerate((1, 3, 12, 40))}
    for weight in ("length", "time"):
        got = nearest_by_category(graph, demand, sources, weight=weight)
        reverse = graph.csr_reverse(weight)
        for name, nodes in sources.items():
            expected = dijkstra(reverse, directed=True, indices=nodes, min_only=True)[demand[:-1]]
            np.testing.assert_allclose(got[name][:-1], expected, rtol=0, atol=1e-6)
            assert np.isnan(got[name][-1])
    # Contraction pays: most nodes of a road network only shape the road.
    keep = np.concatenate([demand[:-1], *sources.values()])
    assert contract(graph, keep).n < graph.n / 2


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["walk", "car"])
def test_nearest_equals_dijkstra_on_the_full_bayreuth_graph(bayreuth: dict[str, RoadGraph], mode: str) -> None:
    assert_nearest_equals_full_dijkstra(bayreuth[mode], seed=4)


@pytest.mark.slow
def test_every_main_node_of_the_bayreuth_car_graph_reaches_every_other(bayreuth: dict[str, RoadGraph]) -> None:
    graph = bayreuth["car"]
    main = np.flatnonzero(graph.main)
    assert 0.85 < main.size / graph.n < 1
    there = dijkstra(graph.csr("length"), directed=True, indices=main[0])
    back = dijkstra(graph.csr_reverse("length"), directed=True, indices=main[0])
    assert np.isfinite(there[main]).all() and np.isfinite(back[main]).all()
    assert not (np.isfinite(there) & np.isfinite(back))[~graph.main].any()


@pytest.fixture(scope="module")
def jena() -> RoadData:
    """All Jena speed-limit ways of 2014 in one RoadData (shared coordinates join the files)."""
    from sozialplan.sources.osm import read_geojson_roads

    parts = [read_geojson_roads(path) for path in sorted((ROADS / "jena-2014-tempolimits").glob("Tempo*.geojson"))]
    nodes: dict[int, tuple[float, float]] = {}
    for part in parts:
        nodes.update(part.nodes)
    return RoadData(nodes, tuple(w for part in parts for w in part.ways), "geojson")


@pytest.mark.parametrize("mode", ["walk", "car"])
def test_the_gappy_jena_network_is_repaired_where_possible_and_reported(jena: RoadData, mode: str) -> None:
    graph, report = build_network(jena, mode)  # type: ignore[arg-type]
    assert report.components_before >= 20
    assert 1 <= report.repaired_links <= 25 and 0 < report.repaired_max_m <= 25
    assert report.components_after == report.components_before - report.repaired_links
    assert 0.5 < report.share_in_main < 1 and report.nodes_outside_main == graph.n - graph.main.sum()
    assert "ohne Verbindung" in report.sentences()[-1]

    # A point exactly on a cut-off piece snaps to the main network (farther away) or nowhere, never onto the piece.
    cut_off = np.flatnonzero(~graph.main)
    snap = snap_points(graph, graph.lon[cut_off], graph.lat[cut_off], max_snap_m=500)
    assert (snap.node == -1).any()
    placed = snap.node >= 0
    assert graph.main[snap.node[placed]].all() and (snap.distance_m[placed] > 0).all()
    offers = np.flatnonzero(graph.main)[:3]
    cost = nearest_by_category(graph, snap.node, {"x": offers})["x"]
    assert np.isnan(cost[~placed]).all() and np.isfinite(cost[placed]).all()
    assert (cost[placed & ~np.isin(snap.node, offers)] > 0).all()


@pytest.mark.parametrize("mode", ["walk", "car"])
def test_nearest_equals_dijkstra_on_the_full_jena_graph(jena: RoadData, mode: str) -> None:
    graph, _ = build_network(jena, mode)  # type: ignore[arg-type]
    assert_nearest_equals_full_dijkstra(graph, seed=5)
