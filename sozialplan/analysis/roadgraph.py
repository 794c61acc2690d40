"""The road graph type and its storage as bytes (see :mod:`sozialplan.analysis.network`).

A :class:`RoadGraph` is plain arrays plus a private cache of derived data
(sparse matrices, the chain index for contraction, a KD-tree for snapping);
only the arrays are stored. The storage format is a compressed ``.npz``
(``numpy.savez_compressed``) read with ``allow_pickle=False``, so stored
bytes can never run code; anything that is not a complete, consistent
graph file gives a German ``ValueError``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_array

from sozialplan.analysis.contraction import ChainIndex, chain_index

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Weight = Literal["length", "time"]

_FORMAT_VERSION: Final = 1


def _csr(n: int, tail: IntArray, head: IntArray, weight: FloatArray) -> csr_array:
    """n×n CSR matrix with the cheapest of parallel edges, without self-loops; zero costs stay explicit edges.

    Index arrays are int32 (what scipy's Dijkstra works on, so it need not
    convert them on every call) unless the graph is too large for that.
    """
    keep = tail != head
    key = tail[keep] * n + head[keep]
    order = np.argsort(key, kind="stable")
    key = key[order]
    first = np.ones(key.size, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    starts = np.flatnonzero(first)
    data = np.minimum.reduceat(weight[keep][order], starts) if starts.size else np.empty(0)
    rows, cols = key[starts] // n, key[starts] % n
    index_type = np.int32 if max(n, starts.size) < np.iinfo(np.int32).max else np.int64
    indptr = np.zeros(n + 1, dtype=index_type)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return csr_array((data, cols.astype(index_type), indptr), shape=(n, n))


@dataclass(frozen=True, eq=False)
class RoadGraph:
    """A directed road graph for one mode (``"walk"`` or ``"car"``).

    Per node (n): OSM ``node_ids`` (int64), ``lon``/``lat`` (degrees),
    ``x``/``y`` (EPSG:3035 metres), ``main`` (bool: in the main network, see
    :mod:`sozialplan.analysis.network`). Per directed edge (m):
    ``tail``/``head`` (node positions, int64), ``length_m`` (metres),
    ``time_s`` (seconds; both ≥ 0). Node arguments of the network functions
    are positions ``0 … n-1`` in these arrays, not OSM ids. Graphs compare
    by identity; derived data is cached on the graph, so treat the arrays as
    read-only.
    """

    mode: str
    node_ids: IntArray
    lon: FloatArray
    lat: FloatArray
    x: FloatArray
    y: FloatArray
    tail: IntArray
    head: IntArray
    length_m: FloatArray
    time_s: FloatArray
    main: BoolArray
    _cache: dict[object, object] = field(default_factory=dict, init=False, repr=False)

    @property
    def n(self) -> int:
        """Number of nodes."""
        return int(self.node_ids.size)

    def weights(self, weight: Weight) -> FloatArray:
        """The edge costs for ``weight``: ``length_m`` or ``time_s``."""
        if weight == "length":
            return self.length_m
        if weight == "time":
            return self.time_s
        raise ValueError(f"Unbekanntes Gewicht {weight!r}; erlaubt sind 'length' und 'time'.")

    def prepare(self) -> RoadGraph:
        """Find the graph's degree-2 chains now (once; else on the first query) and return the graph.

        :func:`build_network` and :func:`network_from_bytes` call it, so
        queries only pay for the cheap per-query part of the contraction.
        """
        self._chains()
        return self

    def _chains(self) -> ChainIndex:
        chains = self._cache.get("chains")
        if not isinstance(chains, ChainIndex):
            chains = chain_index(self.n, self.tail, self.head, self.length_m, self.time_s)
            self._cache["chains"] = chains
        return chains

    def csr(self, weight: Weight) -> csr_array:
        """n×n sparse matrix of edge costs (row = tail); parallel edges → the cheapest, no self-loops."""
        key = ("csr", weight)
        cached = self._cache.get(key)
        if not isinstance(cached, csr_array):
            cached = _csr(self.n, self.tail, self.head, self.weights(weight))
            self._cache[key] = cached
        return cached

    def csr_reverse(self, weight: Weight) -> csr_array:
        """The transposed matrix (row = head): Dijkstra on it gives costs *to* the start nodes."""
        key = ("csr_reverse", weight)
        cached = self._cache.get(key)
        if not isinstance(cached, csr_array):
            cached = _csr(self.n, self.head, self.tail, self.weights(weight))
            self._cache[key] = cached
        return cached


_ARRAYS: Final = ("node_ids", "lon", "lat", "x", "y", "tail", "head", "length_m", "time_s", "main")


def network_to_bytes(graphs: Mapping[str, RoadGraph]) -> bytes:
    """Graphs by name as one compressed ``.npz`` (no pickles), e.g. for ``RoadNetwork`` storage."""
    arrays: dict[str, npt.NDArray[np.generic]] = {
        "format_version": np.array([_FORMAT_VERSION], dtype=np.int64),
        "names": np.array(list(graphs), dtype=np.str_),
        "modes": np.array([g.mode for g in graphs.values()], dtype=np.str_),
    }
    for i, graph in enumerate(graphs.values()):
        for name in _ARRAYS:
            arrays[f"g{i}_{name}"] = getattr(graph, name)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()


_BROKEN: Final = "Die gespeicherten Netzdaten sind beschädigt oder stammen aus einer anderen Programmversion."


def network_from_bytes(data: bytes) -> dict[str, RoadGraph]:
    """The graphs written by :func:`network_to_bytes`; ``ValueError`` (German) for anything else."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            if not isinstance(npz, np.lib.npyio.NpzFile):
                raise ValueError(_BROKEN)
            if int(npz["format_version"][0]) != _FORMAT_VERSION:
                raise ValueError(_BROKEN)
            names = [str(s) for s in npz["names"]]
            modes = [str(s) for s in npz["modes"]]
            graphs = {
                name: RoadGraph(
                    mode=mode,
                    node_ids=np.asarray(npz[f"g{i}_node_ids"], dtype=np.int64),
                    lon=np.asarray(npz[f"g{i}_lon"], dtype=np.float64),
                    lat=np.asarray(npz[f"g{i}_lat"], dtype=np.float64),
                    x=np.asarray(npz[f"g{i}_x"], dtype=np.float64),
                    y=np.asarray(npz[f"g{i}_y"], dtype=np.float64),
                    tail=np.asarray(npz[f"g{i}_tail"], dtype=np.int64),
                    head=np.asarray(npz[f"g{i}_head"], dtype=np.int64),
                    length_m=np.asarray(npz[f"g{i}_length_m"], dtype=np.float64),
                    time_s=np.asarray(npz[f"g{i}_time_s"], dtype=np.float64),
                    main=np.asarray(npz[f"g{i}_main"], dtype=np.bool_),
                )
                for i, (name, mode) in enumerate(zip(names, modes, strict=True))
            }
    except (
        OSError,
        KeyError,
        IndexError,
        EOFError,
        ValueError,
        TypeError,
        AttributeError,
        zipfile.BadZipFile,
    ) as error:
        raise ValueError(_BROKEN) from error
    for graph in graphs.values():
        _check(graph)
        graph.prepare()
    return graphs


def _check(graph: RoadGraph) -> None:
    n, m = graph.n, graph.tail.size
    per_node = (graph.lon, graph.lat, graph.x, graph.y, graph.main)
    per_edge = (graph.head, graph.length_m, graph.time_s)
    ok = (
        graph.mode in ("walk", "car")
        and all(a.shape == (n,) for a in per_node)
        and all(a.shape == (m,) for a in per_edge)
        and graph.main.dtype == np.bool_
        and all(np.issubdtype(a.dtype, np.integer) for a in (graph.node_ids, graph.tail, graph.head))
        and (m == 0 or (min(graph.tail.min(), graph.head.min()) >= 0 and max(graph.tail.max(), graph.head.max()) < n))
        and bool(np.all(graph.length_m >= 0))
        and bool(np.all(graph.time_s >= 0))
    )
    if not ok:
        raise ValueError(_BROKEN)
