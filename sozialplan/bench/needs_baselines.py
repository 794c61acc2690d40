"""Baselines of the needs benchmark: the same numbers computed with networkx, plain scipy and pysal ``access``.

These are the straightforward ways to get the results of
:func:`sozialplan.analysis.network.nearest_by_category` and
:func:`sozialplan.analysis.coverage.two_step_fca`; the benchmark times them
against ours and checks that every number agrees. ``networkx`` and
``access`` are development dependencies (``requirements-dev.txt``), imported
only inside the functions that use them, so the product never needs them.

Direction: ours gives the cost of travelling from each demand point TO its
nearest offer. On a directed (car) graph that is a shortest path on the
reversed graph starting at the offers, so every baseline here runs on the
reversed graph (for the walk graph, whose edges exist both ways, reversing
changes nothing).

Django-free.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Literal

import numpy as np
from scipy.sparse.csgraph import dijkstra

if TYPE_CHECKING:
    import networkx as nx

    from sozialplan.analysis.network import RoadGraph

Weight = Literal["length", "time"]
#: Two results agree when both are unreachable (inf) or they differ by at most this much (metres or seconds).
TOLERANCE = 1e-6
#: 2SFCA results agree when they differ by at most this share of the larger value.
FCA_RELATIVE_TOLERANCE = 1e-9


def edge_cost(graph: RoadGraph, weight: Weight) -> np.ndarray:
    """Cost per directed edge: metres for ``length``, seconds for ``time``."""
    return graph.length_m if weight == "length" else graph.time_s


def networkx_graph(graph: RoadGraph, weight: Weight) -> nx.DiGraph[int]:
    """The graph as a networkx ``DiGraph`` with every edge reversed, nodes 0 … n−1, attribute ``weight``.

    Parallel edges (same tail and head) become one edge with the smallest cost,
    as in :meth:`RoadGraph.csr`.
    """
    import networkx as nx

    cost = edge_cost(graph, weight)
    # Most expensive first: a later add_edge of the same pair overwrites, so the cheapest one stays.
    order = np.argsort(cost, kind="stable")[::-1]
    result: nx.DiGraph[int] = nx.DiGraph()
    result.add_nodes_from(range(len(graph.node_ids)))
    result.add_weighted_edges_from(
        zip(graph.head[order].tolist(), graph.tail[order].tolist(), cost[order].tolist(), strict=True)
    )
    return result


def networkx_nearest(
    reversed_graph: nx.DiGraph[int], demand_nodes: np.ndarray, sources: Mapping[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Per category, ``multi_source_dijkstra_path_length`` from its source nodes on the reversed graph.

    Returns the cost from each demand node to its nearest source node; ``inf``
    where there is no path.
    """
    import networkx as nx

    demand = demand_nodes.tolist()
    result: dict[str, np.ndarray] = {}
    for category, nodes in sources.items():
        reached = nx.multi_source_dijkstra_path_length(reversed_graph, set(nodes.tolist()), weight="weight")
        result[category] = np.array([reached.get(d, np.inf) for d in demand], dtype=float)
    return result


def scipy_nearest(
    graph: RoadGraph, demand_nodes: np.ndarray, sources: Mapping[str, np.ndarray], *, weight: Weight
) -> dict[str, np.ndarray]:
    """The same as :func:`networkx_nearest` with ``scipy.sparse.csgraph.dijkstra`` on the whole (uncontracted) graph.

    One multi-source Dijkstra per category (``min_only=True``) on the
    transposed sparse matrix: the algorithm of ours without the contraction
    of degree-2 chains.
    """
    reversed_matrix = graph.csr_reverse(weight)
    result: dict[str, np.ndarray] = {}
    for category, nodes in sources.items():
        distances = dijkstra(reversed_matrix, directed=True, indices=np.unique(nodes), min_only=True)
        result[category] = np.asarray(distances, dtype=float)[demand_nodes]
    return result


def compare_nearest(ours: Mapping[str, np.ndarray], other: Mapping[str, np.ndarray]) -> tuple[int, int, float, int]:
    """(pairs compared, pairs differing by more than :data:`TOLERANCE`, largest finite difference, pairs both inf).

    A category missing on one side counts all its pairs as differing; ``nan``
    never agrees.
    """
    compared = mismatches = unreachable = 0
    largest = 0.0
    for category, mine in ours.items():
        theirs = other.get(category)
        compared += mine.size
        if theirs is None or theirs.shape != mine.shape:
            mismatches += mine.size
            continue
        both_inf = np.isinf(mine) & np.isinf(theirs) & (np.sign(mine) == np.sign(theirs))
        finite = np.isfinite(mine) & np.isfinite(theirs)
        difference = np.abs(np.where(finite, mine - theirs, 0.0))
        mismatches += int(np.count_nonzero(~both_inf & ~(finite & (difference <= TOLERANCE))))
        unreachable += int(np.count_nonzero(both_inf))
        if finite.any():
            largest = max(largest, float(difference.max()))
    mismatches += sum(other[c].size for c in other if c not in ours)
    return compared, mismatches, largest, unreachable


class AccessBaseline:
    """pysal ``access`` set up once for a demand × supply travel-time matrix (minutes).

    Demand points are ``d0 … d{k−1}``, supply sites ``s0 … s{s−1}`` with one
    supply column; the cost table holds every pair. ``compute`` runs
    ``Access.two_stage_fca`` and returns the result in demand order, with the
    points ``access`` leaves out (no site within the catchment) as 0 like
    ours. ``access`` 1.1 calls pandas APIs that pandas 3 deprecates; those
    warnings are silenced around its calls only.
    """

    def __init__(self, population: np.ndarray, supply: np.ndarray, minutes: np.ndarray) -> None:
        import pandas as pd
        from access import Access

        k, s = minutes.shape
        self.demand_ids = [f"d{i}" for i in range(k)]
        supply_ids = [f"s{j}" for j in range(s)]
        demand = pd.DataFrame({"geoid": self.demand_ids, "population": population})
        sites = pd.DataFrame({"geoid": supply_ids, "supply": supply})
        costs = pd.DataFrame(
            {
                "origin": np.repeat(self.demand_ids, s),
                "dest": np.tile(supply_ids, k),
                "minutes": minutes.reshape(-1),
            }
        )
        with _quiet():
            self.access = Access(
                demand_df=demand,
                demand_index="geoid",
                demand_value="population",
                supply_df=sites,
                supply_index="geoid",
                supply_value="supply",
                cost_df=costs,
                cost_origin="origin",
                cost_dest="dest",
                cost_name="minutes",
            )
        self._runs = 0

    def compute(self, catchment: float, weight: Callable[[float], float]) -> np.ndarray:
        """``A_i`` per demand point: ``two_stage_fca(max_cost=catchment, weight_fn=weight)``, un-normalised."""
        # A new column name per call: access would log "Overwriting" for a repeated one.
        self._runs += 1
        name = f"fca{self._runs}"
        with _quiet():
            frame = self.access.two_stage_fca(name=name, max_cost=catchment, weight_fn=weight, normalize=False)
        column = frame[f"{name}_supply"].reindex(self.demand_ids)
        values: np.ndarray = np.nan_to_num(np.asarray(column.to_numpy(dtype=float), dtype=float), nan=0.0)
        return values


def scalar_decay(kind: str, catchment: float) -> Callable[[float], float]:
    """The decay of :func:`sozialplan.analysis.coverage.decay` as a plain Python function of one time.

    This is how a user of ``access`` writes a weight function (``access``
    applies it value by value); it repeats the formulas on purpose, so the
    comparison also checks ours.
    """
    exp_half = math.exp(-0.5)

    def weight(t: float) -> float:
        if not t <= catchment:  # also nan
            return 0.0
        r = t / catchment
        if kind == "step":
            return 1.0
        if kind == "linear":
            return 1.0 - r
        return (math.exp(-0.5 * r * r) - exp_half) / (1.0 - exp_half)

    return weight


class _quiet(warnings.catch_warnings):  # noqa: N801 - used like a function: ``with _quiet():``
    def __enter__(self) -> None:
        super().__enter__()
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)


def compare_fca(ours: np.ndarray, other: np.ndarray) -> tuple[float, float, int]:
    """(largest absolute difference, largest relative difference, values beyond :data:`FCA_RELATIVE_TOLERANCE`)."""
    difference = np.abs(ours - other)
    scale = np.maximum(np.abs(ours), np.abs(other))
    relative = np.divide(difference, scale, out=np.zeros_like(difference), where=scale > 0)
    beyond = int(np.count_nonzero(~np.isfinite(difference) | (difference > FCA_RELATIVE_TOLERANCE * scale)))
    finite = np.isfinite(difference)
    largest = float(difference[finite].max(initial=0.0))
    return largest, float(relative[finite].max(initial=0.0)), beyond
