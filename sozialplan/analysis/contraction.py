"""Exact degree-2 chain contraction of a directed road graph (arrays only).

Most nodes of an OSM road network only describe the shape of a road: they
have exactly two neighbours ("inner" nodes; the degree of a node is its
number of distinct neighbours, whatever the directions). Replacing a chain
``X – v1 – … – vk – Y`` of inner nodes between two other nodes by direct
edges ``X → Y`` (cost = sum of the chain's forward edges) and ``Y → X``
(sum of the backward edges), each only if every edge of the chain exists in
that direction, keeps the shortest-path cost between all remaining nodes
exactly: a shortest path enters and leaves an inner node through its only
two neighbours, so it either runs the whole chain or turns back, and
turning back never pays (costs are ≥ 0). One-way chains therefore give one
edge, two-way chains two, chains whose directions contradict each other
none. Chains from a node back to itself vanish. Parallel edges and several
chains between the same two nodes stay parallel; the caller takes the
minimum per weight. Self-loops of the input are dropped first. Dead ends
(nodes with at most one neighbour) that are not kept are dropped as well:
a shortest path between two other nodes never visits them.

Both weights (length, time) are summed independently along the same chain,
using for each pair of neighbours the cheapest parallel edge per weight, so
one contracted graph serves both weights exactly.

Nodes to keep (demand and supply nodes) are never contracted; they split
their chain into segments. To make that cheap for many keep sets, the
chains are found once per graph (:func:`chain_index`, vectorised: pointer
jumping finds each inner node's chain ends and position in log₂(longest
chain) rounds, then running sums along the sorted chains), and each inner
node stores its chain, its position and the prefix sums of the forward and
backward costs (with the number of missing edges) from the chain's start.
A segment between two points of a chain then costs the difference of their
prefix sums (rounding: about 1e-16 of the graph's total cost, far below a
millimetre or millisecond) and exists when no edge is missing in between;
:func:`contract_chains` is a handful of vectorised operations on the kept
nodes. Rings of inner nodes without any other node (a closed loop that is a
component of its own) get one of their nodes as a chain end, so they are
handled like any loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Contracted:
    """A contracted graph: ``retained`` (bool, n) marks the nodes left; edges are in the new numbering.

    The new index of an old node ``i`` is its rank among the retained nodes
    (``np.cumsum(retained) - 1``), so the retained nodes keep their order.
    """

    retained: BoolArray
    tail: IntArray
    head: IntArray
    length: FloatArray
    time: FloatArray


@dataclass(frozen=True)
class Prefix:
    """Costs along chains from their start: forward (start → node) and backward (node → start), per weight.

    Missing edges add 0 to the sums and 1 to ``*_missing``; a stretch is
    usable in a direction when the missing count does not change along it.
    """

    fwd_length: FloatArray
    fwd_time: FloatArray
    bwd_length: FloatArray
    bwd_time: FloatArray
    fwd_missing: IntArray
    bwd_missing: IntArray

    def take(self, index: IntArray) -> Prefix:
        """The entries at ``index``."""
        return Prefix(
            self.fwd_length[index],
            self.fwd_time[index],
            self.bwd_length[index],
            self.bwd_time[index],
            self.fwd_missing[index],
            self.bwd_missing[index],
        )

    @staticmethod
    def concat(parts: list[Prefix]) -> Prefix:
        """All parts one after the other."""
        return Prefix(
            np.concatenate([p.fwd_length for p in parts]),
            np.concatenate([p.fwd_time for p in parts]),
            np.concatenate([p.bwd_length for p in parts]),
            np.concatenate([p.bwd_time for p in parts]),
            np.concatenate([p.fwd_missing for p in parts]),
            np.concatenate([p.bwd_missing for p in parts]),
        )

    @staticmethod
    def zeros(size: int) -> Prefix:
        """``size`` chain starts (all sums 0)."""
        return Prefix(
            np.zeros(size),
            np.zeros(size),
            np.zeros(size),
            np.zeros(size),
            np.zeros(size, np.int64),
            np.zeros(size, np.int64),
        )


@dataclass(frozen=True)
class ChainIndex:
    """The chains of a graph without any kept node (see the module docstring).

    ``outer`` (bool, n): chain ends (degree ≠ 2, one node per ring);
    ``dead_end`` (bool, n): degree ≤ 1, dropped unless kept. Edges
    between two outer nodes (``direct_*``, cheapest per pair and weight)
    stay as they are. Per chain (c): ``start``/``end`` nodes and the
    ``total`` prefix at the end. Per node (n): ``chain`` (-1 for outer
    nodes), ``position`` (1 … size of the chain) and the prefix ``at`` the
    node.
    """

    outer: BoolArray
    dead_end: BoolArray
    direct_tail: IntArray
    direct_head: IntArray
    direct_length: FloatArray
    direct_time: FloatArray
    start: IntArray
    end: IntArray
    total: Prefix
    chain: IntArray
    position: IntArray
    at: Prefix


def _min_per_pair(
    n: int, tail: IntArray, head: IntArray, length: FloatArray, time: FloatArray
) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """Directed edges without duplicates: the cheapest length and the cheapest time of each (tail, head)."""
    key = tail * n + head
    order = np.argsort(key, kind="stable")
    key = key[order]
    first = np.ones(key.size, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    starts = np.flatnonzero(first)
    if not starts.size:
        return key, key, np.empty(0), np.empty(0)
    best_length = np.minimum.reduceat(length[order], starts)
    best_time = np.minimum.reduceat(time[order], starts)
    unique = key[starts]
    return unique // n, unique % n, best_length, best_time


@dataclass(frozen=True)
class _Sides:
    """Per inner node and side s (flat index 2·node + s): neighbour and the cheapest costs out of / into it."""

    neighbour: IntArray
    out_length: FloatArray
    out_time: FloatArray
    in_length: FloatArray
    in_time: FloatArray


def _unique(keys: IntArray) -> IntArray:
    """Sorted distinct values (``np.sort`` + neighbour comparison: faster here than ``np.unique``'s hashing)."""
    keys = np.sort(keys)
    first = np.ones(keys.size, dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return keys[first]


def _sides(
    n: int, inner: BoolArray, pairs: tuple[IntArray, IntArray], edges: tuple[IntArray, IntArray, FloatArray, FloatArray]
) -> _Sides:
    a, b = pairs
    tail, head, length, time = edges
    ends = np.concatenate([a, b])
    others = np.concatenate([b, a])
    sel = inner[ends]
    ends, others = ends[sel], others[sel]
    order = np.argsort(ends, kind="stable")
    neighbour = np.full(2 * n, -1, dtype=np.int64)
    neighbour[2 * ends[order[0::2]]] = others[order[0::2]]
    neighbour[2 * ends[order[1::2]] + 1] = others[order[1::2]]
    sides = _Sides(neighbour, *(np.full(2 * n, np.inf) for _ in range(4)))
    from_inner = inner[tail]
    t, h = tail[from_inner], head[from_inner]
    slot = 2 * t + (neighbour[2 * t + 1] == h)
    sides.out_length[slot] = length[from_inner]
    sides.out_time[slot] = time[from_inner]
    to_inner = inner[head]
    t, h = tail[to_inner], head[to_inner]
    slot = 2 * h + (neighbour[2 * h + 1] == t)
    sides.in_length[slot] = length[to_inner]
    sides.in_time[slot] = time[to_inner]
    return sides


@dataclass(frozen=True)
class _Chains:
    start: IntArray
    end: IntArray
    total: Prefix
    chain: IntArray
    position: IntArray
    at: Prefix


def _segmented_cumsum(values: FloatArray, first: BoolArray) -> FloatArray:
    """Running sums that restart where ``first`` is True (the first entry must be a start)."""
    total = np.cumsum(values)
    starts = np.flatnonzero(first)
    before = np.concatenate([[0.0], total])[starts]
    segment = np.cumsum(first) - 1
    return np.asarray(total - before[segment], dtype=np.float64)


def _rank(n: int, outer: BoolArray, sides: _Sides) -> _Chains | IntArray:
    """Chains by pointer jumping; the nodes of rings (chains without an outer node) when there are any.

    A state ``2·v + d`` means "at inner node v, travelling towards its
    neighbour on side d". Its successor is the next state on the way, or
    none when the next node is outer. Doubling the jumps (log₂ of the longest
    chain rounds, each on the states still under way) gives every state the
    outer node it ends at (``term``), the last inner node before it
    (``last``) and the number of edges (``steps``). Each chain is oriented
    from its smaller end; sorting the inner nodes by chain and position then
    lines up the edges, and running sums give the costs from the start.
    """
    size = 2 * n
    inner = np.flatnonzero(~outer)
    state = np.concatenate([2 * inner, 2 * inner + 1])
    v = state // 2
    w = sides.neighbour[state]
    ends_here = outer[w]
    jump = np.full(size, -1, dtype=np.int64)
    term = np.full(size, -1, dtype=np.int64)
    last = np.full(size, -1, dtype=np.int64)
    steps = np.zeros(size, dtype=np.int64)
    on, w_on = state[~ends_here], w[~ends_here]
    # Arriving at w from v: w's side towards v is e, the way goes on at w's other side.
    jump[on] = 2 * w_on + 1 - (sides.neighbour[2 * w_on + 1] == v[~ends_here])
    term[state[ends_here]] = w[ends_here]
    last[state[ends_here]] = v[ends_here]
    steps[state] = 1
    active = on
    for _ in range(int(np.ceil(np.log2(size + 2))) + 1):
        if not active.size:
            break
        j = jump[active]
        steps[active] = steps[active] + steps.take(j)
        term[active] = term.take(j)
        last[active] = last.take(j)
        jump[active] = jump.take(j)
        active = active[jump[active] != -1]
    if active.size:
        return _unique(active // 2)

    # Orient every chain from its smaller end (by outer node, then by the inner node next to that end):
    # "back" is each node's state towards the chain's start.
    s0, s1 = 2 * inner, 2 * inner + 1
    back_is_1 = (term[s1] < term[s0]) | ((term[s1] == term[s0]) & (last[s1] < last[s0]))
    back = np.where(back_is_1, s1, s0)
    position = np.zeros(n, dtype=np.int64)
    position[inner] = steps[back]
    heads = inner[position[inner] == 1]  # the first inner node of each chain, one per chain
    chain_of_head = np.full(n, -1, dtype=np.int64)
    chain_of_head[heads] = np.arange(heads.size)
    chain = np.full(n, -1, dtype=np.int64)
    chain[inner] = chain_of_head[last[back]]

    # Inner nodes in chain order; each one's edge from its predecessor (the start for position 1).
    order = np.argsort(chain[inner] * (int(position.max(initial=0)) + 2) + position[inner])
    seq = inner[order]
    seq_back = back[order]
    first = position[seq] == 1
    previous = np.empty_like(seq)
    previous[1:] = seq[:-1]
    previous[first] = term[seq_back[first]]
    slot = 2 * seq + (sides.neighbour[2 * seq + 1] == previous)  # seq's side towards its predecessor
    at = Prefix.zeros(n)
    for forward, backward, name in (
        (sides.in_length, sides.out_length, "length"),
        (sides.in_time, sides.out_time, "time"),
    ):
        there, back_cost = forward[slot], backward[slot]
        getattr(at, f"fwd_{name}")[seq] = _segmented_cumsum(np.where(np.isinf(there), 0.0, there), first)
        getattr(at, f"bwd_{name}")[seq] = _segmented_cumsum(np.where(np.isinf(back_cost), 0.0, back_cost), first)
    at.fwd_missing[seq] = _segmented_cumsum(np.isinf(sides.in_length[slot]).astype(np.float64), first)
    at.bwd_missing[seq] = _segmented_cumsum(np.isinf(sides.out_length[slot]).astype(np.float64), first)

    # Chain totals: the last inner node's prefix plus its edge to the end.
    is_last = np.ones(seq.size, dtype=bool)
    is_last[:-1] = first[1:]
    tails = seq[is_last]
    out_slot = seq_back[is_last] ^ 1  # the last node's side towards the end
    total = Prefix.zeros(tails.size)
    for name in ("length", "time"):
        there = getattr(sides, f"out_{name}")[out_slot]
        back_cost = getattr(sides, f"in_{name}")[out_slot]
        getattr(total, f"fwd_{name}")[:] = getattr(at, f"fwd_{name}")[tails] + np.where(np.isinf(there), 0.0, there)
        getattr(total, f"bwd_{name}")[:] = getattr(at, f"bwd_{name}")[tails] + np.where(
            np.isinf(back_cost), 0.0, back_cost
        )
    total.fwd_missing[:] = at.fwd_missing[tails] + np.isinf(sides.out_length[out_slot])
    total.bwd_missing[:] = at.bwd_missing[tails] + np.isinf(sides.in_length[out_slot])
    return _Chains(
        start=term[seq_back[first]],
        end=term[out_slot],
        total=total,
        chain=chain,
        position=position,
        at=at,
    )


def chain_index(n: int, tail: IntArray, head: IntArray, length: FloatArray, time: FloatArray) -> ChainIndex:
    """Find the chains of the graph with ``n`` nodes and directed edges ``tail → head`` (costs ≥ 0)."""
    loop = tail == head
    tail, head, length, time = tail[~loop], head[~loop], length[~loop], time[~loop]
    tail, head, length, time = _min_per_pair(n, tail, head, length, time)
    a, b = np.minimum(tail, head), np.maximum(tail, head)
    pairs = _unique(a * n + b)
    a, b = pairs // n, pairs % n
    degree = np.bincount(a, minlength=n) + np.bincount(b, minlength=n)
    outer = degree != 2
    sides = _sides(n, ~outer, (a, b), (tail, head, length, time))
    ranked = _rank(n, outer, sides)
    if not isinstance(ranked, _Chains):
        # Rings without any outer node: make the lowest node of each ring a chain end and rank again.
        ring = np.zeros(n, dtype=bool)
        ring[ranked] = True
        inside = ring[a] & ring[b]
        graph = csr_array((np.ones(int(inside.sum())), (a[inside], b[inside])), shape=(n, n))
        _, labels = connected_components(graph, directed=False)
        order = np.lexsort((ranked, labels[ranked]))
        firsts = np.ones(order.size, dtype=bool)
        firsts[1:] = labels[ranked[order[1:]]] != labels[ranked[order[:-1]]]
        outer = outer.copy()
        outer[ranked[order[firsts]]] = True
        sides = _sides(n, ~outer, (a, b), (tail, head, length, time))
        ranked = _rank(n, outer, sides)
        assert isinstance(ranked, _Chains)  # every ring now has an outer node
    direct = outer[tail] & outer[head]
    return ChainIndex(
        outer=outer,
        dead_end=degree <= 1,
        direct_tail=tail[direct],
        direct_head=head[direct],
        direct_length=length[direct],
        direct_time=time[direct],
        start=ranked.start,
        end=ranked.end,
        total=ranked.total,
        chain=ranked.chain,
        position=ranked.position,
        at=ranked.at,
    )


def contract_chains(index: ChainIndex, keep: BoolArray) -> Contracted:
    """The graph of ``index`` with every inner node not in ``keep`` (bool, n) contracted away."""
    kept = np.flatnonzero(keep & ~index.outer)
    touched = np.zeros(index.start.size, dtype=bool)
    touched[index.chain[kept]] = True
    whole = np.flatnonzero(~touched)

    # Untouched chains: one edge per usable direction.
    tot = index.total.take(whole)
    s, e = index.start[whole], index.end[whole]
    fwd = (tot.fwd_missing == 0) & (s != e)
    bwd = (tot.bwd_missing == 0) & (s != e)

    # Touched chains: segments between consecutive points (start, kept nodes, end) of each chain.
    cut = np.flatnonzero(touched)
    point_chain = np.concatenate([cut, index.chain[kept], cut])
    point_position = np.concatenate(
        [np.zeros(cut.size, np.int64), index.position[kept], np.full(cut.size, np.iinfo(np.int64).max)]
    )
    point_node = np.concatenate([index.start[cut], kept, index.end[cut]])
    point_prefix = Prefix.concat([Prefix.zeros(cut.size), index.at.take(kept), index.total.take(cut)])
    order = np.lexsort((point_position, point_chain))
    point_chain, point_node = point_chain[order], point_node[order]
    p = point_prefix.take(order)
    pair = np.flatnonzero(point_chain[1:] == point_chain[:-1])
    u, v = pair, pair + 1
    seg_fwd = p.fwd_missing[v] == p.fwd_missing[u]
    seg_bwd = p.bwd_missing[v] == p.bwd_missing[u]

    # Dead ends (at most one neighbour) that are not kept lie on no shortest path between other nodes.
    retained = (index.outer & ~(index.dead_end & ~keep)) | keep
    new_index = np.cumsum(retained) - 1
    tails = [index.direct_tail, s[fwd], e[bwd], point_node[u][seg_fwd], point_node[v][seg_bwd]]
    heads = [index.direct_head, e[fwd], s[bwd], point_node[v][seg_fwd], point_node[u][seg_bwd]]
    # Differences of prefix sums: clip the rounding noise (~1e-16 relative) that could make a zero cost negative.
    lengths = [
        index.direct_length,
        tot.fwd_length[fwd],
        tot.bwd_length[bwd],
        np.maximum(p.fwd_length[v] - p.fwd_length[u], 0.0)[seg_fwd],
        np.maximum(p.bwd_length[v] - p.bwd_length[u], 0.0)[seg_bwd],
    ]
    times = [
        index.direct_time,
        tot.fwd_time[fwd],
        tot.bwd_time[bwd],
        np.maximum(p.fwd_time[v] - p.fwd_time[u], 0.0)[seg_fwd],
        np.maximum(p.bwd_time[v] - p.bwd_time[u], 0.0)[seg_bwd],
    ]
    tail, head = np.concatenate(tails), np.concatenate(heads)
    both = retained[tail] & retained[head]
    return Contracted(
        retained=retained,
        tail=new_index[tail[both]],
        head=new_index[head[both]],
        length=np.concatenate(lengths)[both],
        time=np.concatenate(times)[both],
    )
