"""Benchmark of the Bedarfsanalyse: nearest offer on a real road network, and 2SFCA, against standard tools.

**Nearest offer** (:func:`run_nearest_benchmark`). The complete OSM road
network north of Bayreuth (``data/roads/north-bayreuth.osm.gz``) becomes a
car and a walk network (:func:`sozialplan.analysis.network.build_network`).
Demand points are the centres of the 1 km INSPIRE grid cells (EPSG:3035, the
Zensus grid) covering the file's ``<bounds>``; offer categories are the real
POIs of the same file (``amenity=*``, ``shop=*``, ``highway=bus_stop`` …, see
:mod:`sozialplan.bench.needs_data`), every category with at least one POI.
Both are snapped to the network. For every mode and weight (time, length),
the cost from each demand point to the nearest POI of each category is
computed by

* **ours**: :func:`~sozialplan.analysis.network.nearest_by_category` (chains
  of degree-2 nodes contracted, then one scipy multi-source Dijkstra per
  category), timed including the contraction;
* **networkx**: ``multi_source_dijkstra_path_length`` per category on the
  same, uncontracted graph (reversed, so the direction is demand → offer);
  building the networkx graph is timed separately and not counted;

and, to show where the speed comes from, scipy's Dijkstra on the
uncontracted graph and networkx on the contracted graph. Every number of the
three is compared with networkx (agreement within 1e-6 m or s, or both
unreachable). Each side is timed as the best of ``repeat`` runs in the same
process. Target: ours at least 50× faster than networkx.

**2SFCA** (:func:`run_fca_benchmark`). Landkreis Hildburghausen: the 363
Zensus 2011 grid cells with their persons and the real offers of
``data/offers`` at their Gemeinde's centre, straight-line travel minutes
(detour factor and car speed of the settings); ours
(:func:`~sozialplan.analysis.coverage.two_step_fca`) against pysal
``access`` ``two_stage_fca`` with the same matrix, catchment and weight
function, for each decay kind. The results must agree to 1e-9 relative.

Django-free (the command passes settings in).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TypeVar, cast

import numpy as np

from sozialplan.analysis.coverage import DecayKind, two_step_fca
from sozialplan.analysis.network import RoadGraph, build_network, contract, nearest_by_category, snap_points
from sozialplan.analysis.reachability import great_circle_matrix, straight_travel
from sozialplan.bench.needs_baselines import (
    FCA_RELATIVE_TOLERANCE,
    TOLERANCE,
    AccessBaseline,
    Weight,
    compare_fca,
    compare_nearest,
    networkx_graph,
    networkx_nearest,
    scalar_decay,
    scipy_nearest,
)
from sozialplan.bench.needs_data import hildburghausen_inputs, inspire_cells, read_pois
from sozialplan.sources.osm import read_osm_xml

T = TypeVar("T")

#: ours must be at least this many times faster than networkx.
TARGET_RATIO = 50.0
MODE_NAMES = {"car": "Auto", "walk": "zu Fuß"}
WEIGHT_NAMES = {"time": ("Zeit", "s"), "length": ("Weglänge", "m")}


def _de(value: float, digits: int = 1) -> str:
    """A number in German notation: 1234.5 → '1.234,5'."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _seconds(value: float) -> str:
    """A duration: seconds from 1 s on, milliseconds below."""
    if value >= 1:
        return f"{_de(value, 2)} s"
    ms = value * 1000
    return f"{_de(ms, 1 if ms >= 10 else 2)} ms"


def _factor(value: float) -> str:
    if not np.isfinite(value):
        return "–"
    return f"{_de(value, 0 if value >= 10 else 1)}×"


def _small(value: float) -> str:
    """A tiny difference in scientific notation, German decimal comma: 3.6e-12 → '3,6e-12'."""
    return "0" if value == 0 else f"{value:.1e}".replace(".", ",")


def _power(value: float) -> str:
    """A tolerance like 1e-06 as '1e-6'."""
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def best_of(repeat: int, run: Callable[[], T]) -> tuple[float, T]:
    """The shortest wall time of ``repeat`` runs (at least one) and the last run's result.

    As ``timeit`` does, garbage is collected before each run and the collector is off during it, so a
    collection caused by an earlier step does not land in one side's time.
    """
    best = float("inf")
    result: T | None = None
    for _ in range(max(1, repeat)):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            result = run()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best, cast(T, result)


@dataclass(frozen=True)
class NetworkInfo:
    """One mode's network and what could be snapped to it."""

    mode: str
    nodes: int
    edges: int
    build_seconds: float
    share_in_main: float
    demand_snapped: int
    pois_snapped: int
    categories: int


@dataclass(frozen=True)
class NearestCase:
    """Timings (best of N, seconds) and the comparison of one mode × weight."""

    mode: str
    weight: str
    demand: int
    categories: int
    nodes: int
    contracted_nodes: int
    ours_seconds: float  # including the contraction
    warm_seconds: float  # contraction cached on the graph, as for further queries
    networkx_seconds: float
    scipy_seconds: float
    contracted_seconds: float
    networkx_build_seconds: float
    contracted_build_seconds: float
    compared: int  # demand × category pairs, per method
    mismatches: int  # over the three methods compared with networkx
    largest_difference: float
    unreachable: int

    @property
    def ratio(self) -> float:
        """networkx time / our time."""
        return self.networkx_seconds / self.ours_seconds if self.ours_seconds > 0 else float("inf")

    @property
    def scipy_ratio(self) -> float:
        """networkx / scipy on the same, uncontracted graph: the algorithm's implementation alone."""
        return self.networkx_seconds / self.scipy_seconds if self.scipy_seconds > 0 else float("inf")

    @property
    def contraction_ratio(self) -> float:
        """networkx on the whole graph / networkx on the contracted graph: the contraction alone."""
        return self.networkx_seconds / self.contracted_seconds if self.contracted_seconds > 0 else float("inf")

    def lines(self) -> list[str]:
        weight, unit = WEIGHT_NAMES[self.weight]
        met = "erreicht" if self.ratio >= TARGET_RATIO else "NICHT erreicht"
        return [
            f"{MODE_NAMES[self.mode]}, {weight}: {_de(self.demand, 0)} Punkte × {self.categories} Kategorien "
            f"({_de(self.nodes, 0)} Knoten, verkürzt {_de(self.contracted_nodes, 0)})",
            "  unsere (nearest_by_category: Ketten verkürzt, scipy-Dijkstra je Kategorie): "
            f"{_seconds(self.ours_seconds)} mit Verkürzen, {_seconds(self.warm_seconds)} mit schon verkürztem Netz",
            f"  networkx (multi_source_dijkstra_path_length je Kategorie, ganzes Netz): "
            f"{_seconds(self.networkx_seconds)} (Graph aufbauen {_seconds(self.networkx_build_seconds)}, "
            "nicht mitgezählt)",
            f"  Faktor: {_factor(self.ratio)} (Ziel ≥ {_de(TARGET_RATIO, 0)}×: {met})",
            f"  Woher: scipy auf dem ganzen Netz {_seconds(self.scipy_seconds)} ({_factor(self.scipy_ratio)} gegen "
            f"networkx, gleicher Graph); networkx auf dem verkürzten Netz {_seconds(self.contracted_seconds)} "
            f"({_factor(self.contraction_ratio)}, nur die Verkürzung; verkürzen und aufbauen "
            f"{_seconds(self.contracted_build_seconds)})",
            f"  Abgleich: {_de(self.compared, 0)} Paare je Verfahren (unsere, scipy, networkx verkürzt) gegen networkx "
            f"geprüft, {_de(self.mismatches, 0)} Abweichungen über {_power(TOLERANCE)} {unit} "
            f"(größte {_small(self.largest_difference)} {unit}), {_de(self.unreachable, 0)} Paare ohne Weg",
        ]


@dataclass
class NearestBenchResult:
    """What the nearest-offer benchmark read, built and measured."""

    file: str
    data_date: str
    repeat: int
    read_seconds: float
    cells: int
    pois: int
    categories: int
    networks: list[NetworkInfo] = field(default_factory=list)
    cases: list[NearestCase] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        """Every number of every method agreed with networkx."""
        return all(c.mismatches == 0 for c in self.cases)

    @property
    def target_met(self) -> bool:
        return bool(self.cases) and all(c.ratio >= TARGET_RATIO for c in self.cases)

    def report(self) -> str:
        date = f" (OSM-Stand {self.data_date})" if self.data_date else ""
        networks = "; ".join(
            f"{MODE_NAMES[n.mode]} {_de(n.nodes, 0)} Knoten, {_de(n.edges, 0)} Kanten, "
            f"{_de(n.share_in_main * 100)} % im Hauptnetz, {_seconds(n.build_seconds)}"
            for n in self.networks
        )
        lines = [
            f"Nächstes Angebot im Straßennetz aus {self.file}{date}, je Verfahren das Beste von {self.repeat} Läufen",
            f"  Einlesen (read_osm_xml): {_seconds(self.read_seconds)}; Netze (build_network): {networks}",
            f"  Nachfrage: {_de(self.cells, 0)} Mittelpunkte der 1-km-Gitterzellen (INSPIRE, EPSG:3035) über der "
            "Dateiausdehnung; angebunden (höchstens 500 m): "
            + ", ".join(f"{MODE_NAMES[n.mode]} {_de(n.demand_snapped, 0)}" for n in self.networks),
            f"  Angebote: {_de(self.pois, 0)} POIs derselben Datei in {self.categories} Kategorien (amenity, shop, "
            "leisure, tourism, Haltestellen …); angebunden: "
            + ", ".join(
                f"{MODE_NAMES[n.mode]} {_de(n.pois_snapped, 0)} in {n.categories} Kategorien" for n in self.networks
            ),
        ]
        for case in self.cases:
            lines.extend(case.lines())
        return "\n".join(lines)


def _snap_sources(graph: RoadGraph, pois: Mapping[str, Sequence[tuple[float, float]]]) -> dict[str, np.ndarray]:
    """Per category, the network nodes of its POIs that lie within reach of the main network."""
    names = list(pois)
    lon = np.array([p[0] for n in names for p in pois[n]], dtype=float)
    lat = np.array([p[1] for n in names for p in pois[n]], dtype=float)
    nodes = snap_points(graph, lon, lat).node
    result: dict[str, np.ndarray] = {}
    start = 0
    for name in names:
        chunk = nodes[start : start + len(pois[name])]
        start += len(pois[name])
        chunk = chunk[chunk >= 0]
        if chunk.size:
            result[name] = chunk.astype(np.int64)
    return result


def _contracted(
    graph: RoadGraph, demand: np.ndarray, sources: Mapping[str, np.ndarray]
) -> tuple[RoadGraph, np.ndarray, dict[str, np.ndarray]]:
    """The graph contracted to keep demand and source nodes, with those nodes renumbered into it."""
    keep = np.unique(np.concatenate([demand, *sources.values()]))
    small = contract(graph, keep)
    index = {int(osm): i for i, osm in enumerate(small.node_ids.tolist())}

    def renumber(nodes: np.ndarray) -> np.ndarray:
        return np.array([index[int(osm)] for osm in graph.node_ids[nodes].tolist()], dtype=np.int64)

    return small, renumber(demand), {c: renumber(n) for c, n in sources.items()}


def _case(
    graph: RoadGraph, weight: Weight, demand: np.ndarray, sources: dict[str, np.ndarray], repeat: int
) -> NearestCase:
    # A fresh copy of the graph per run: nearest_by_category caches the contracted graph on it, and the
    # contraction belongs to the time (the warm time, contraction cached, is reported as well).
    ours_seconds, ours = best_of(repeat, lambda: nearest_by_category(replace(graph), demand, sources, weight=weight))
    warm_seconds, _ = best_of(repeat, lambda: nearest_by_category(graph, demand, sources, weight=weight))
    build_seconds, reversed_graph = best_of(1, lambda: networkx_graph(graph, weight))
    networkx_seconds, reference = best_of(repeat, lambda: networkx_nearest(reversed_graph, demand, sources))
    scipy_seconds, plain = best_of(repeat, lambda: scipy_nearest(replace(graph), demand, sources, weight=weight))
    start = time.perf_counter()
    small, small_demand, small_sources = _contracted(graph, demand, sources)
    small_graph = networkx_graph(small, weight)
    contracted_build = time.perf_counter() - start
    contracted_seconds, shortened = best_of(repeat, lambda: networkx_nearest(small_graph, small_demand, small_sources))
    compared, mismatches, largest, unreachable = compare_nearest(ours, reference)
    for other in (plain, shortened):
        _, more, also_largest, _ = compare_nearest(other, reference)
        mismatches += more
        largest = max(largest, also_largest)
    return NearestCase(
        mode=graph.mode,
        weight=weight,
        demand=int(demand.size),
        categories=len(sources),
        nodes=len(graph.node_ids),
        contracted_nodes=len(small.node_ids),
        ours_seconds=ours_seconds,
        warm_seconds=warm_seconds,
        networkx_seconds=networkx_seconds,
        scipy_seconds=scipy_seconds,
        contracted_seconds=contracted_seconds,
        networkx_build_seconds=build_seconds,
        contracted_build_seconds=contracted_build,
        compared=compared,
        mismatches=mismatches,
        largest_difference=largest,
        unreachable=unreachable,
    )


def run_nearest_benchmark(
    osm_path: Path,
    *,
    repeat: int = 3,
    modes: Sequence[str] = ("car", "walk"),
    weights: Sequence[Weight] = ("time", "length"),
    max_categories: int | None = None,
    max_snap_m: float = 500.0,
) -> NearestBenchResult:
    """Time ours against networkx for all demand cells × POI categories of ``osm_path``.

    ``max_categories`` keeps only the first categories by name (tests).
    """
    read_seconds, data = best_of(1, lambda: read_osm_xml(osm_path))
    extract = read_pois(osm_path)
    cells = inspire_cells(extract.bounds)
    by_category = {
        name: [(p.lon, p.lat) for p in pois]
        for name, pois in list(extract.categories().items())[: max_categories or None]
    }
    result = NearestBenchResult(
        file=osm_path.name,
        data_date=data.data_date,
        repeat=repeat,
        read_seconds=read_seconds,
        cells=len(cells),
        pois=sum(len(p) for p in by_category.values()),
        categories=len(by_category),
    )
    for mode in modes:
        start = time.perf_counter()
        graph, report = build_network(data, "car" if mode == "car" else "walk")
        build_seconds = time.perf_counter() - start
        snap = snap_points(graph, cells.lon, cells.lat, max_snap_m=max_snap_m)
        demand = snap.node[snap.node >= 0].astype(np.int64)
        sources = _snap_sources(graph, by_category)
        result.networks.append(
            NetworkInfo(
                mode=mode,
                nodes=len(graph.node_ids),
                edges=len(graph.tail),
                build_seconds=build_seconds,
                share_in_main=report.share_in_main,
                demand_snapped=int(demand.size),
                pois_snapped=sum(int(n.size) for n in sources.values()),
                categories=len(sources),
            )
        )
        for weight in weights:
            result.cases.append(_case(graph, weight, demand, sources, repeat))
    return result


@dataclass(frozen=True)
class FcaCase:
    """One decay kind: timings (best of N, seconds) and the comparison with ``access``."""

    kind: str
    ours_seconds: float
    access_seconds: float
    largest_difference: float
    largest_relative: float
    beyond: int  # values differing by more than 1e-9 relative
    uncovered: int  # demand points with no offer in their catchment (A = 0)

    @property
    def ratio(self) -> float:
        return self.access_seconds / self.ours_seconds if self.ours_seconds > 0 else float("inf")


@dataclass
class FcaBenchResult:
    """Inputs, timings and agreement of the 2SFCA benchmark."""

    cells: int
    persons: float
    offers: int
    sites: int
    left_out: int
    catchment: float
    detour_factor: float
    kmh: float
    repeat: int
    setup_seconds: float
    cases: list[FcaCase] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return all(c.beyond == 0 for c in self.cases)

    def report(self) -> str:
        lines = [
            f"2SFCA Landkreis Hildburghausen: {_de(self.cells, 0)} Gitterzellen (Zensus 2011, "
            f"{_de(self.persons, 0)} Personen) × {_de(self.offers, 0)} Angebote an {self.sites} Orten "
            f"(Gemeindemittelpunkte; {self.left_out} Angebote ohne Ort nicht berücksichtigt)",
            f"  Fahrzeit: Luftlinie × {_de(self.detour_factor, 1)} bei {_de(self.kmh, 0)} km/h; Einzugsbereich "
            f"{_de(self.catchment, 0)} min; je Verfahren das Beste von {self.repeat} Läufen; access vorbereiten "
            f"(DataFrames) {_seconds(self.setup_seconds)}, nicht mitgezählt",
        ]
        for case in self.cases:
            lines.append(
                f"  {case.kind}: unsere (two_step_fca) {_seconds(case.ours_seconds)}, access (two_stage_fca) "
                f"{_seconds(case.access_seconds)}, Faktor {_factor(case.ratio)}; größte Abweichung "
                f"{_small(case.largest_difference)} (relativ {_small(case.largest_relative)}), "
                f"{case.beyond} Werte über {_power(FCA_RELATIVE_TOLERANCE)} relativ; "
                f"{case.uncovered} Zellen ohne Angebot im Einzugsbereich"
            )
        return "\n".join(lines)


def run_fca_benchmark(
    data_dir: Path,
    *,
    repeat: int = 5,
    catchment: float = 30.0,
    detour_factor: float = 1.3,
    kmh: float = 50.0,
    kinds: Sequence[DecayKind] = ("step", "linear", "gaussian"),
) -> FcaBenchResult:
    """Time :func:`two_step_fca` against ``access`` on the Hildburghausen cells and offers in ``data_dir``."""
    inputs = hildburghausen_inputs(data_dir)
    cells = inputs.cells
    distance = great_circle_matrix(cells.lon, cells.lat, inputs.offer_lon, inputs.offer_lat)
    _, minutes = straight_travel(distance, detour_factor=detour_factor, kmh=kmh)
    supply = np.ones(len(inputs.offer_names))
    setup_seconds, baseline = best_of(1, lambda: AccessBaseline(cells.persons, supply, minutes))
    result = FcaBenchResult(
        cells=len(cells),
        persons=float(cells.persons.sum()),
        offers=len(inputs.offer_names),
        sites=inputs.sites,
        left_out=inputs.left_out,
        catchment=catchment,
        detour_factor=detour_factor,
        kmh=kmh,
        repeat=repeat,
        setup_seconds=setup_seconds,
    )
    for kind in kinds:
        ours_seconds, ours = best_of(
            repeat, partial(two_step_fca, cells.persons, supply, minutes, catchment=catchment, kind=kind)
        )
        access_seconds, theirs = best_of(repeat, partial(baseline.compute, catchment, scalar_decay(kind, catchment)))
        largest, relative, beyond = compare_fca(ours, theirs)
        result.cases.append(
            FcaCase(
                kind=kind,
                ours_seconds=ours_seconds,
                access_seconds=access_seconds,
                largest_difference=largest,
                largest_relative=relative,
                beyond=beyond,
                uncovered=int(np.count_nonzero(ours == 0)),
            )
        )
    return result
