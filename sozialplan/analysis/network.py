"""Routable road networks for walking and driving, and shortest travel costs on them.

:func:`build_network` turns :class:`~sozialplan.analysis.roads.RoadData` into
a :class:`RoadGraph` for one mode; the tag rules (access, speed, one-way) are
in :mod:`sozialplan.analysis.roadtags` and re-exported here.

Graph
    Nodes are the OSM nodes used by the mode's ways; every pair of
    consecutive nodes of a way becomes an edge whose length is the geodesic
    distance on the WGS84 ellipsoid (``pyproj.Geod``, metres) and whose time
    is length / speed (seconds). Walk edges run both ways at ``walk_kmh``;
    car edges follow the way's one-way rule at the way's speed. Edges are
    directed (``tail`` → ``head``); parallel edges stay in the arrays and
    :meth:`RoadGraph.csr` keeps the cheapest per weight. Nodes also carry
    EPSG:3035 (ETRS89-LAEA) metres for snapping and gap search.

Gaps and the main network
    Road data has gaps (ways missing from an extract, lines that end a few
    metres short of each other). Components are counted without regard to
    direction (for cars: weakly connected). Every component except the
    largest whose closest node lies within ``repair_tolerance_m`` (EPSG:3035
    distance) of the largest one gets one connector edge, both ways, between
    that closest pair; this repeats until nothing more is within reach, so
    a chain of small pieces can join. Connector time: ``walk_kmh`` for
    walking, 15 km/h for cars (a manoeuvre, not a road). What stays apart is
    reported. ``main`` marks the nodes every other main node can reach and
    be reached from: the largest component for walking, the largest
    *strongly* connected component for cars (one-way ends at the edge of an
    extract are outside it). Points are only snapped to main nodes, so a
    snapped point never gets a silently wrong cost of zero or infinity
    because it sits on a cut-off piece.

Costs
    :func:`nearest_by_category` and :func:`travel_matrix` give node-to-node
    network costs from demand to supply nodes (metres or seconds; the way
    from a point to its snapped node is not included: :class:`Snap` says how
    far it is). They run scipy's Dijkstra on the transposed graph after an
    exact contraction of degree-2 chains (:mod:`sozialplan.analysis.contraction`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Final, Literal

import numpy as np
import numpy.typing as npt
from pyproj import Geod, Transformer
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from sozialplan.analysis.contraction import contract_chains
from sozialplan.analysis.roadgraph import (
    FloatArray,
    IntArray,
    RoadGraph,
    Weight,
    network_from_bytes,
    network_to_bytes,
)
from sozialplan.analysis.roads import RoadData
from sozialplan.analysis.roadtags import car_oneway, car_speed_kmh, car_speed_source, walk_allowed

__all__ = [
    "CONNECTOR_CAR_KMH",
    "NetworkReport",
    "RoadGraph",
    "Snap",
    "build_network",
    "car_oneway",
    "car_speed_kmh",
    "contract",
    "nearest_by_category",
    "network_from_bytes",
    "network_to_bytes",
    "snap_points",
    "travel_matrix",
    "walk_allowed",
]

#: Speed on gap connectors for cars in km/h: slow on purpose, a repaired gap is not a road.
CONNECTOR_CAR_KMH: Final = 15.0
_CACHE_CONTRACTED: Final = 4


@cache
def _to_3035() -> Transformer:
    # always_xy: (longitude, latitude) in, (easting, northing) out, whatever the CRS axis order says.
    return Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True)


@cache
def _geod() -> Geod:
    return Geod(ellps="WGS84")


def _project(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    if lon.size == 0:
        return np.empty(0), np.empty(0)
    x, y = _to_3035().transform(lon, lat)
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def _geodesic_m(lon1: FloatArray, lat1: FloatArray, lon2: FloatArray, lat2: FloatArray) -> FloatArray:
    if lon1.size == 0:
        return np.empty(0)
    _, _, dist = _geod().inv(lon1, lat1, lon2, lat2)
    return np.asarray(dist, dtype=np.float64)


def _de(value: float, decimals: int = 0) -> str:
    """German notation: ``1234.5`` → ``"1.234,5"``."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


@dataclass(frozen=True)
class NetworkReport:
    """What :func:`build_network` did with the data, for the run's notes (counts of nodes, edges, ways).

    ``components_before``/``after``: connected pieces (cars: ignoring
    direction) before and after gap repair; ``repaired_links``: connectors
    added, the longest ``repaired_max_m`` metres; ``nodes_outside_main`` and
    ``share_in_main`` (0–1) refer to ``RoadGraph.main``;
    ``speed_from_maxspeed``/``speed_from_class``: car ways whose speed came
    from ``maxspeed`` or the class default (0 for walking);
    ``ways_not_usable``: ways the mode may not use.
    """

    mode: str
    nodes: int
    edges: int
    components_before: int
    components_after: int
    repaired_links: int
    repaired_max_m: float
    nodes_outside_main: int
    share_in_main: float
    speed_from_maxspeed: int
    speed_from_class: int
    ways_not_usable: int

    def sentences(self) -> list[str]:
        """German summary lines (numbers in German notation), for notes and the method description."""
        label = "Fußwegenetz" if self.mode == "walk" else "Straßennetz für Autos"
        use = "zu Fuß" if self.mode == "walk" else "mit dem Auto"
        lines = [f"{label}: {_de(self.nodes)} Knoten, {_de(self.edges)} gerichtete Kanten."]
        if self.nodes == 0:
            lines.append(f"Die Daten enthalten keine {use} nutzbaren Wege; Entfernungen im Netz sind nicht möglich.")
            return lines
        if self.ways_not_usable == 1:
            lines.append(f"1 Weg ist {use} nicht nutzbar und bleibt unberücksichtigt.")
        elif self.ways_not_usable:
            lines.append(f"{_de(self.ways_not_usable)} Wege sind {use} nicht nutzbar und bleiben unberücksichtigt.")
        if self.mode == "car":
            lines.append(
                f"Tempo: {_de(self.speed_from_maxspeed)} Wege mit Angabe der Höchstgeschwindigkeit, "
                f"{_de(self.speed_from_class)} mit angenommener Geschwindigkeit nach Straßenklasse."
            )
        longest = _de(self.repaired_max_m)
        if self.repaired_links == 1:
            lines.append(f"1 Lücke von {longest} m wurde durch eine Verbindung geschlossen.")
        elif self.repaired_links:
            lines.append(f"{_de(self.repaired_links)} Lücken bis {longest} m wurden durch Verbindungen geschlossen.")
        elif self.components_before > 1:
            lines.append("Keine Lücke zwischen Teilnetzen war kurz genug, um sie zu schließen.")
        lines.append(self._outside_sentence())
        return lines

    def _outside_sentence(self) -> str:
        outside = self.nodes_outside_main
        if outside == 0:
            return "Alle Knoten gehören zum Hauptnetz."
        count = f"{_de(outside)} Knoten ({_de(100 * outside / self.nodes, 1)} %)"
        pieces = self.components_after - 1
        where = "1 Teilnetz" if pieces == 1 else f"{_de(pieces)} Teilnetzen"
        if self.mode == "walk":
            verb = "liegt" if outside == 1 else "liegen"
            return f"{count} {verb} in {where} ohne Verbindung zum Hauptnetz; Punkte dort werden nicht angebunden."
        one = outside == 1
        verb, pronoun, lie, be = ("gehört", "er", "liegt", "ist") if one else ("gehören", "sie", "liegen", "sind")
        if pieces == 0:
            why = f"{pronoun} nur in einer Fahrtrichtung angebunden {be} (Einbahnstraßen, Rand des Kartenausschnitts)"
        else:
            why = f"{pronoun} in {where} ohne Verbindung {lie} oder nur in einer Fahrtrichtung angebunden {be}"
        return f"{count} {verb} nicht zum Hauptnetz, weil {why}; Punkte dort werden nicht angebunden."


def _way_edges(
    data: RoadData, mode: Literal["walk", "car"], walk_kmh: float
) -> tuple[IntArray, IntArray, FloatArray, IntArray, tuple[int, int, int]]:
    """Consecutive node pairs of the usable ways as OSM ids, with the way's speed (km/h) and one-way rule."""
    from_tail: list[int] = []
    from_head: list[int] = []
    speeds: list[float] = []
    oneways: list[int] = []
    by_maxspeed = by_class = not_usable = 0
    for way in data.ways:
        if mode == "car":
            source = car_speed_source(way.tags)
            if source is None:
                not_usable += 1
                continue
            speed, from_maxspeed = source
            by_maxspeed += from_maxspeed
            by_class += not from_maxspeed
            oneway = car_oneway(way.tags)
        else:
            if not walk_allowed(way.tags):
                not_usable += 1
                continue
            speed, oneway = walk_kmh, 0
        ids = way.node_ids
        count = len(ids) - 1
        if count < 1:
            continue
        from_tail.extend(ids[:-1])
        from_head.extend(ids[1:])
        speeds.extend([speed] * count)
        oneways.extend([oneway] * count)
    return (
        np.asarray(from_tail, dtype=np.int64),
        np.asarray(from_head, dtype=np.int64),
        np.asarray(speeds, dtype=np.float64),
        np.asarray(oneways, dtype=np.int64),
        (by_maxspeed, by_class, not_usable),
    )


def _repair(x: FloatArray, y: FloatArray, labels: IntArray, tolerance_m: float) -> tuple[IntArray, IntArray]:
    """Connector node pairs (piece node, main node) joining pieces within ``tolerance_m`` to the largest one."""
    joined = labels == np.argmax(np.bincount(labels))
    piece: list[IntArray] = []
    target: list[IntArray] = []
    while tolerance_m > 0 and joined.any() and not joined.all():
        main_nodes = np.flatnonzero(joined)
        outside = np.flatnonzero(~joined)
        tree = cKDTree(np.column_stack([x[main_nodes], y[main_nodes]]))
        found = tree.query(np.column_stack([x[outside], y[outside]]), distance_upper_bound=tolerance_m)
        dist, nearest = np.asarray(found[0], dtype=np.float64), np.asarray(found[1], dtype=np.int64)
        near = np.isfinite(dist) & (dist <= tolerance_m)
        if not near.any():
            break
        outside, dist, nearest = outside[near], dist[near], nearest[near]
        # The closest pair per piece (ties: the lower node position, for reproducible results).
        order = np.lexsort((outside, dist, labels[outside]))
        outside, nearest = outside[order], nearest[order]
        first = np.ones(outside.size, dtype=bool)
        first[1:] = labels[outside[1:]] != labels[outside[:-1]]
        piece.append(outside[first])
        target.append(main_nodes[nearest[first]])
        joined |= np.isin(labels, labels[outside[first]])
    empty = np.empty(0, dtype=np.int64)
    return np.concatenate([empty, *piece]), np.concatenate([empty, *target])


def build_network(
    data: RoadData,
    mode: Literal["walk", "car"],
    *,
    walk_kmh: float = 4.5,
    repair_tolerance_m: float = 25.0,
) -> tuple[RoadGraph, NetworkReport]:
    """The graph of ``data`` for ``mode`` and a report of what was done (see the module docstring).

    Pairs of consecutive way nodes that the data lacks a (finite) position
    for are left out (the way is cut there); a repeated node adds no edge. No usable
    way gives an empty graph (n = 0) whose report says so; callers then fall
    back to straight-line distances. ``repair_tolerance_m`` ≤ 0 repairs
    nothing.
    """
    if mode not in ("walk", "car"):
        raise ValueError(f"Unbekannte Verkehrsart {mode!r}; erlaubt sind 'walk' und 'car'.")
    if not walk_kmh > 0:
        raise ValueError("Die Gehgeschwindigkeit muss größer als 0 sein.")
    tail_id, head_id, speed, oneway, (by_maxspeed, by_class, not_usable) = _way_edges(data, mode, walk_kmh)
    pair = tail_id != head_id
    tail_id, head_id, speed, oneway = tail_id[pair], head_id[pair], speed[pair], oneway[pair]

    # Nodes: every id used by a pair whose ends both have a position.
    candidates = np.unique(np.concatenate([tail_id, head_id]))
    positions = [data.nodes.get(int(i)) for i in candidates]
    known = np.fromiter((p is not None for p in positions), dtype=bool, count=candidates.size)
    coords = np.asarray([p for p in positions if p is not None], dtype=np.float64).reshape(-1, 2)
    finite = np.isfinite(coords).all(axis=1)  # a node without a usable position counts as missing
    known[known] = finite
    node_ids, coords = candidates[known], coords[finite]
    tail = np.searchsorted(node_ids, tail_id)
    head = np.searchsorted(node_ids, head_id)
    n = int(node_ids.size)
    located = (tail < n) & (head < n)
    located[located] &= (node_ids[tail[located]] == tail_id[located]) & (node_ids[head[located]] == head_id[located])
    tail, head, speed, oneway = tail[located], head[located], speed[located], oneway[located]
    used = np.zeros(n, dtype=bool)
    used[tail] = used[head] = True
    if not used.all():  # nodes only in pairs that lost their other end
        node_ids, coords = node_ids[used], coords[used]
        remap = np.cumsum(used) - 1
        tail, head, n = remap[tail], remap[head], int(used.sum())
    lon, lat = coords[:, 0].copy(), coords[:, 1].copy()
    x, y = _project(lon, lat)
    length = _geodesic_m(lon[tail], lat[tail], lon[head], lat[head])
    time = length / (speed / 3.6)

    forward = oneway >= 0
    backward = oneway <= 0
    e_tail = np.concatenate([tail[forward], head[backward]])
    e_head = np.concatenate([head[forward], tail[backward]])
    e_length = np.concatenate([length[forward], length[backward]])
    e_time = np.concatenate([time[forward], time[backward]])

    components_before = components_after = 0
    piece = target = np.empty(0, dtype=np.int64)
    c_length = np.empty(0)
    main = np.zeros(n, dtype=bool)
    if n:
        undirected = csr_array((np.ones(e_tail.size), (e_tail, e_head)), shape=(n, n))
        components_before, labels = connected_components(undirected, directed=False)
        piece, target = _repair(x, y, labels.astype(np.int64), repair_tolerance_m)
        c_length = _geodesic_m(lon[piece], lat[piece], lon[target], lat[target])
        c_time = c_length / ((walk_kmh if mode == "walk" else CONNECTOR_CAR_KMH) / 3.6)
        e_tail = np.concatenate([e_tail, piece, target])
        e_head = np.concatenate([e_head, target, piece])
        e_length = np.concatenate([e_length, c_length, c_length])
        e_time = np.concatenate([e_time, c_time, c_time])
        components_after = components_before - int(piece.size)
        graph_all = csr_array((np.ones(e_tail.size), (e_tail, e_head)), shape=(n, n))
        _, labels = connected_components(graph_all, directed=True, connection="strong" if mode == "car" else "weak")
        main = labels == np.argmax(np.bincount(labels))

    graph = RoadGraph(
        mode=mode,
        node_ids=node_ids.astype(np.int64),
        lon=lon,
        lat=lat,
        x=x,
        y=y,
        tail=e_tail.astype(np.int64),
        head=e_head.astype(np.int64),
        length_m=e_length,
        time_s=e_time,
        main=main,
    ).prepare()
    in_main = int(main.sum())
    report = NetworkReport(
        mode=mode,
        nodes=n,
        edges=int(e_tail.size),
        components_before=int(components_before),
        components_after=int(components_after),
        repaired_links=int(piece.size),
        repaired_max_m=float(c_length.max()) if c_length.size else 0.0,
        nodes_outside_main=n - in_main,
        share_in_main=in_main / n if n else 0.0,
        speed_from_maxspeed=by_maxspeed,
        speed_from_class=by_class,
        ways_not_usable=not_usable,
    )
    return graph, report


@dataclass(frozen=True)
class Snap:
    """Nearest main-network node per point: ``node`` (int64 position, -1 = none within reach) and ``distance_m``.

    ``distance_m`` is the straight EPSG:3035 distance to the nearest main
    node, also for points beyond the limit (so messages can say how far);
    ``inf`` without any main node, ``nan`` for points without coordinates.
    """

    node: IntArray
    distance_m: FloatArray


def snap_points(graph: RoadGraph, lon: FloatArray, lat: FloatArray, *, max_snap_m: float = 500.0) -> Snap:
    """Snap WGS84 points to the nearest node of the main network within ``max_snap_m`` metres (EPSG:3035)."""
    lon = np.asarray(lon, dtype=np.float64).ravel()
    lat = np.asarray(lat, dtype=np.float64).ravel()
    if lon.shape != lat.shape:
        raise ValueError("Längen- und Breitengrade müssen gleich viele sein.")
    node = np.full(lon.size, -1, dtype=np.int64)
    distance = np.full(lon.size, np.inf)
    finite = np.isfinite(lon) & np.isfinite(lat)
    distance[~finite] = np.nan
    main_nodes = np.flatnonzero(graph.main)
    if not main_nodes.size or not finite.any():
        return Snap(node=node, distance_m=distance)
    tree = graph._cache.get("snap_tree")
    if not isinstance(tree, cKDTree):
        tree = cKDTree(np.column_stack([graph.x[main_nodes], graph.y[main_nodes]]))
        graph._cache["snap_tree"] = tree
    px, py = _project(lon[finite], lat[finite])
    dist, nearest = tree.query(np.column_stack([px, py]))
    dist = np.asarray(dist, dtype=np.float64)
    within = np.isfinite(dist) & (dist <= max_snap_m)
    positions = np.flatnonzero(finite)
    distance[positions] = dist
    node[positions[within]] = main_nodes[np.asarray(nearest)[within]]
    return Snap(node=node, distance_m=distance)


def contract(graph: RoadGraph, keep: npt.ArrayLike) -> RoadGraph:
    """The graph with every chain of degree-2 nodes not in ``keep`` (positions; -1 ignored) contracted.

    Dead ends (at most one neighbour) not in ``keep`` are dropped too.
    Shortest costs (both weights) between all remaining nodes equal those of
    the full graph; see :mod:`sozialplan.analysis.contraction`. Remaining
    nodes keep their order and attributes.
    """
    return _contract(graph, _positions(graph, keep))[0]


def _contract(graph: RoadGraph, keep: IntArray) -> tuple[RoadGraph, IntArray]:
    """The contracted graph and old position → new position (-1 for contracted nodes)."""
    keep_mask = np.zeros(graph.n, dtype=bool)
    keep_mask[keep] = True
    result = contract_chains(graph._chains(), keep_mask)
    r = result.retained
    small = RoadGraph(
        mode=graph.mode,
        node_ids=graph.node_ids[r],
        lon=graph.lon[r],
        lat=graph.lat[r],
        x=graph.x[r],
        y=graph.y[r],
        tail=result.tail,
        head=result.head,
        length_m=result.length,
        time_s=result.time,
        main=graph.main[r],
    )
    return small, np.where(r, np.cumsum(r) - 1, -1)


def _positions(graph: RoadGraph, nodes: npt.ArrayLike) -> IntArray:
    """Valid node positions of ``nodes`` (−1 dropped); other values out of range are an error."""
    array = np.asarray(nodes, dtype=np.int64).ravel()
    array = array[array >= 0]
    if array.size and array.max() >= graph.n:
        raise ValueError(f"Knotennummer {int(array.max())} liegt außerhalb des Netzes ({graph.n} Knoten).")
    return array


def _contracted(graph: RoadGraph, keep: IntArray) -> tuple[RoadGraph, IntArray]:
    """The contracted graph for a keep set (cached on ``graph``) and old position → new position."""
    unique = np.unique(keep)
    key = ("contracted", hashlib.blake2b(unique.tobytes(), digest_size=16).hexdigest())
    cached = graph._cache.get(key)
    if isinstance(cached, tuple):
        small, index = cached
    else:
        small, index = _contract(graph, unique)
        stale = [k for k in graph._cache if isinstance(k, tuple) and k[0] == "contracted"]
        for old in stale[: max(0, len(stale) - _CACHE_CONTRACTED + 1)]:
            del graph._cache[old]
        graph._cache[key] = (small, index)
    return small, index


def nearest_by_category(
    graph: RoadGraph,
    demand_nodes: npt.ArrayLike,
    sources: Mapping[str, npt.ArrayLike],
    *,
    weight: Weight = "time",
) -> dict[str, FloatArray]:
    """Network cost from each demand node to its nearest source node, per category.

    ``demand_nodes`` (k) and the arrays in ``sources`` are node positions
    (-1 = not snapped). Costs are metres (``"length"``) or seconds
    (``"time"``) in the direction demand → source. Returns category → array
    (k): ``inf`` where no source is reachable (or the category has none),
    ``nan`` for demand -1. One multi-source Dijkstra per category on the
    contracted, transposed graph.
    """
    demand = np.asarray(demand_nodes, dtype=np.int64).ravel()
    valid = demand >= 0
    per_category = {name: np.unique(_positions(graph, nodes)) for name, nodes in sources.items()}
    keep = np.concatenate([_positions(graph, demand), *per_category.values()])
    small, index = _contracted(graph, keep)
    matrix = small.csr_reverse(weight)
    demand_small = index[demand[valid]]
    result: dict[str, FloatArray] = {}
    for name, nodes in per_category.items():
        out = np.full(demand.size, np.nan)
        if nodes.size:
            dist = dijkstra(matrix, directed=True, indices=index[nodes], min_only=True)
            out[valid] = np.asarray(dist, dtype=np.float64)[demand_small]
        else:
            out[valid] = np.inf
        result[name] = out
    return result


def travel_matrix(
    graph: RoadGraph, demand_nodes: npt.ArrayLike, supply_nodes: npt.ArrayLike, *, weight: Weight
) -> FloatArray:
    """k × s network costs from demand to supply nodes (metres or seconds); ``nan`` rows/columns for -1 nodes.

    ``inf`` where a supply node cannot be reached. One Dijkstra per distinct
    supply node on the contracted, transposed graph.
    """
    demand = np.asarray(demand_nodes, dtype=np.int64).ravel()
    supply = np.asarray(supply_nodes, dtype=np.int64).ravel()
    _positions(graph, demand)
    _positions(graph, supply)
    rows, cols = demand >= 0, supply >= 0
    out = np.full((demand.size, supply.size), np.nan)
    if not rows.any() or not cols.any():
        return out
    unique, inverse = np.unique(supply[cols], return_inverse=True)
    small, index = _contracted(graph, np.concatenate([demand[rows], unique]))
    dist = np.asarray(dijkstra(small.csr_reverse(weight), directed=True, indices=index[unique]), dtype=np.float64)
    out[np.ix_(rows, cols)] = dist[np.ix_(inverse, index[demand[rows]])].T
    return out
