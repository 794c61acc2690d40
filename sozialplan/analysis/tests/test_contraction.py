"""Degree-2 chain contraction keeps every shortest cost between the remaining nodes, for both weights."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra

from sozialplan.analysis.network import RoadGraph, contract, nearest_by_category, travel_matrix


def random_roads(seed: int, *, directed: bool) -> RoadGraph:
    """A road-like random graph: junctions joined by chains of shape nodes, with the nasty cases.

    Chains may be one-way or contradict themselves (cars), start and end at
    the same junction (loops), dangle (dead ends), run in parallel; there are
    parallel edges with different length/time winners, self-loops, zero-cost
    edges and an isolated ring.
    """
    rng = np.random.default_rng(seed)
    junctions = 25
    n = junctions
    edges: list[tuple[int, int, float, float]] = []

    def link(a: int, b: int, rule: int) -> None:
        length, time = float(rng.uniform(0, 100)), float(rng.uniform(0, 10))
        if rng.random() < 0.05:
            length = time = 0.0
        if rule >= 0:
            edges.append((a, b, length, time))
        if rule <= 0:
            edges.append((b, a, length, time))

    for _ in range(50):
        a = int(rng.integers(junctions))
        b = a if rng.random() < 0.1 else int(rng.integers(junctions))
        inner = int(rng.integers(0, 6)) if a != b else int(rng.integers(2, 6))
        path = [a, *range(n, n + inner), b]
        n += inner
        chain_rule = int(rng.choice([0, 0, 1, -1])) if directed else 0
        for u, v in itertools.pairwise(path):
            rule = int(rng.choice([0, 1, -1])) if directed and rng.random() < 0.1 else chain_rule
            link(u, v, rule)
    for _ in range(5):  # dead ends
        path = [int(rng.integers(junctions)), *range(n, n + 3)]
        n += 3
        for u, v in itertools.pairwise(path):
            link(u, v, 0)
    ring = list(range(n, n + 5))
    n += 5
    for u, v in zip(ring, ring[1:] + ring[:1], strict=False):
        link(u, v, int(rng.choice([0, 1])) if directed else 0)
    for k in rng.choice(len(edges), 10, replace=False):  # parallel edges
        a, b, length, time = edges[k]
        edges.append((a, b, length * rng.uniform(0.5, 1.5), time * rng.uniform(0.5, 1.5)))
    edges += [(int(v), int(v), 1.0, 1.0) for v in rng.choice(n, 5)]
    e = np.array(edges)
    return RoadGraph(
        mode="car" if directed else "walk",
        node_ids=np.arange(n, dtype=np.int64),
        lon=np.zeros(n),
        lat=np.zeros(n),
        x=np.zeros(n),
        y=np.zeros(n),
        tail=e[:, 0].astype(np.int64),
        head=e[:, 1].astype(np.int64),
        length_m=e[:, 2].copy(),
        time_s=e[:, 3].copy(),
        main=np.ones(n, dtype=bool),
    )


@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("seed", range(8))
def test_contraction_keeps_all_costs_between_kept_nodes(seed: int, directed: bool) -> None:
    graph = random_roads(seed, directed=directed)
    rng = np.random.default_rng(100 + seed)
    keep = rng.choice(graph.n, int(rng.integers(1, 30)), replace=False)
    if seed % 2:  # a kept node on the isolated ring and on a loop
        keep = np.concatenate([keep, [graph.n - 1, graph.n - 3]])
    small = contract(graph, keep)
    assert small.n < graph.n
    kept = np.unique(keep)
    index = np.searchsorted(small.node_ids, graph.node_ids[kept])
    assert np.array_equal(small.node_ids[index], graph.node_ids[kept])
    for weight in ("length", "time"):
        full = dijkstra(graph.csr(weight), directed=True, indices=kept)[:, kept]
        fast = dijkstra(small.csr(weight), directed=True, indices=index)[:, index]
        np.testing.assert_allclose(fast, full, rtol=0, atol=1e-9)


@pytest.mark.parametrize("directed", [True, False])
def test_queries_on_the_contracted_graph_equal_full_dijkstra(directed: bool) -> None:
    graph = random_roads(42, directed=directed)
    rng = np.random.default_rng(7)
    demand = rng.choice(graph.n, 40, replace=False)
    sources = {"a": rng.choice(graph.n, 3, replace=False), "b": rng.choice(graph.n, 1)}
    for weight in ("length", "time"):
        got = nearest_by_category(graph, demand, sources, weight=weight)
        for name, nodes in sources.items():
            expected = dijkstra(graph.csr_reverse(weight), directed=True, indices=nodes, min_only=True)[demand]
            np.testing.assert_allclose(got[name], expected, rtol=0, atol=1e-9)
        supply = rng.choice(graph.n, 6)
        matrix = travel_matrix(graph, demand, supply, weight=weight)
        full = dijkstra(graph.csr(weight), directed=True, indices=demand)[:, supply]
        np.testing.assert_allclose(matrix, full, rtol=0, atol=1e-9)


def test_a_ring_alone_contracts_to_its_kept_nodes() -> None:
    # A one-way ring 0 → 1 → … → 5 → 0 with unit costs, nodes 1 and 4 kept.
    n = 6
    tail = np.arange(n, dtype=np.int64)
    graph = RoadGraph(
        mode="car",
        node_ids=np.arange(n, dtype=np.int64),
        lon=np.zeros(n),
        lat=np.zeros(n),
        x=np.zeros(n),
        y=np.zeros(n),
        tail=tail,
        head=(tail + 1) % n,
        length_m=np.ones(n),
        time_s=np.full(n, 2.0),
        main=np.ones(n, dtype=bool),
    )
    small = contract(graph, np.array([1, 4, -1]))
    assert 2 <= small.n <= 3 and {1, 4} <= set(small.node_ids.tolist())
    got = nearest_by_category(graph, np.array([1, 4]), {"one": np.array([1]), "four": np.array([4])}, weight="time")
    assert got["four"].tolist() == [6.0, 0.0] and got["one"].tolist() == [0.0, 6.0]
