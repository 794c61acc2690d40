"""Results of a finished run per category: by demand point and by area, from the stored travel matrix.

A run stores its demand points (``AnalysisRun.points``), its supply points
(``AnalysisRun.supply``), the travel matrix in metres and minutes per mode
(``AnalysisRun.matrix``) and its parameters (thresholds, catchment, decay,
areas, categories). Everything a page shows for one Handlungsfeld,
Zielgruppe, mode and optionally offer type is computed from these in a few
milliseconds (:func:`category_result`), so filtering by offer type needs no
new run. The pipeline (:mod:`sozialplan.needs.compute`) uses the same
functions to write the :class:`~sozialplan.needs.models.AreaResult` rows.

Definitions (docs/needs-analysis.md):

* *nearest*: per demand point the smallest distance (metres) and the
  smallest time (minutes) to a supply point of the category (``None`` when
  none can be reached);
* *counts*: per threshold (minutes) the number of distinct offers with a
  site within it (an offer at two sites counts once);
* *2SFCA* (:func:`sozialplan.analysis.coverage.two_step_fca`): supply units
  per 1,000 persons of the Zielgruppe within the catchment, distance-decayed.
  A unit is a place when every offer of the category states its capacity,
  else an offer; an offer with several sites has its units split evenly
  among them;
* per area: persons, persons reaching an offer within each threshold and
  their share, population-weighted mean nearest distance and time (over
  persons who reach one), offers with a site in the area per 1,000 persons,
  and the population-weighted mean 2SFCA ratio.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sozialplan.analysis.coverage import per_1000, two_step_fca
from sozialplan.analysis.reachability import nearest, summarise
from sozialplan.catalog.models import ActionField, TargetGroup
from sozialplan.needs.categories import DEMAND_GROUPS, offer_matches
from sozialplan.needs.models import AnalysisRun, AreaLevel

FloatArray = NDArray[np.float64]

UNIT_OFFERS = "Angebote"
UNIT_PLACES = "Plätze"
#: Decoded runs kept in memory (runs do not change once finished).
CACHE_SIZE = 8


@dataclass(frozen=True)
class SupplyPoint:
    """One published offer at one of its positioned sites (a column of the travel matrix).

    ``action_fields`` are Handlungsfeld codes, ``target_groups`` Zielgruppe
    codes; ``approximate``: the site's position is the Gemeinde centre.
    ``sites_of_offer``: how many positioned sites the offer has (its supply
    is split among them). ``gemeinde_key``: AGS of the site's Gemeinde.
    """

    offering_id: int
    offering_name: str
    offering_uuid: str
    site_id: int
    site_name: str
    lat: float
    lon: float
    approximate: bool
    capacity: int | None
    offer_type: str
    action_fields: tuple[int, ...]
    target_groups: tuple[str, ...]
    offer_type_name: str = ""
    min_age: int | None = None
    max_age: int | None = None
    gemeinde_key: str = ""
    sites_of_offer: int = 1

    def to_json(self) -> dict[str, Any]:
        return {
            "offering_id": self.offering_id,
            "offering_name": self.offering_name,
            "offering_uuid": self.offering_uuid,
            "site_id": self.site_id,
            "site_name": self.site_name,
            "lat": self.lat,
            "lon": self.lon,
            "approximate": self.approximate,
            "capacity": self.capacity,
            "offer_type": self.offer_type,
            "offer_type_name": self.offer_type_name,
            "action_fields": list(self.action_fields),
            "target_groups": list(self.target_groups),
            "min_age": self.min_age,
            "max_age": self.max_age,
            "gemeinde_key": self.gemeinde_key,
            "sites_of_offer": self.sites_of_offer,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SupplyPoint:
        return cls(
            offering_id=int(data["offering_id"]),
            offering_name=str(data["offering_name"]),
            offering_uuid=str(data["offering_uuid"]),
            site_id=int(data["site_id"]),
            site_name=str(data["site_name"]),
            lat=float(data["lat"]),
            lon=float(data["lon"]),
            approximate=bool(data["approximate"]),
            capacity=None if data.get("capacity") is None else int(data["capacity"]),
            offer_type=str(data.get("offer_type") or ""),
            action_fields=tuple(int(a) for a in data.get("action_fields", ())),
            target_groups=tuple(str(t) for t in data.get("target_groups", ())),
            offer_type_name=str(data.get("offer_type_name") or ""),
            min_age=data.get("min_age"),
            max_age=data.get("max_age"),
            gemeinde_key=str(data.get("gemeinde_key") or ""),
            sites_of_offer=int(data.get("sites_of_offer") or 1),
        )

    def matches(self, action_field: int, target_group: str, offer_type: str | None = None) -> bool:
        """Whether this offer serves the category (and has the offer type, when one is given)."""
        if offer_type and self.offer_type != offer_type:
            return False
        return offer_matches(
            self.action_fields, self.target_groups, self.min_age, self.max_age, action_field, target_group
        )


@dataclass(frozen=True)
class PointResult:
    """Reachability at one demand point for one category and mode (``fca`` per 1,000 persons)."""

    point_id: str
    lat: float
    lon: float
    gemeinde_key: str
    gemeinde_name: str
    population: float
    nearest_m: float | None
    nearest_min: float | None
    counts: dict[int, int]
    fca: float | None


@dataclass(frozen=True)
class AreaRow:
    """Reachability and coverage of one category in one area (see the module docstring)."""

    level: str
    key: str
    name: str
    population: float
    nearest_m: float | None
    nearest_min: float | None
    reached: dict[int, float]
    shares: dict[int, float | None]
    offers_in_area: int
    offers_per_1000: float | None
    fca_ratio: float | None
    region_id: int | None = None
    planning_area_id: int | None = None
    unreachable: float = 0.0


@dataclass(frozen=True)
class CategoryResult:
    """Everything the Bedarfsanalyse page shows for one category, mode and offer type."""

    run: AnalysisRun
    action_field: ActionField
    target_group: TargetGroup
    mode: str
    offer_type: str | None
    thresholds: tuple[int, ...]
    points: list[PointResult]
    areas: list[AreaRow]
    supply: list[SupplyPoint]
    supply_unit: str
    method_note: str
    demand_note: str


# --- the decoded run -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaSpec:
    """The areas of a run: Gemeinden (key, name, region pk), Planungsräume (key, name, pk, Gemeinde keys), Kreis."""

    gemeinden: Sequence[tuple[str, str, int | None]]
    planning_areas: Sequence[tuple[str, str, int | None, tuple[str, ...]]]
    kreis: tuple[str, str, int | None]

    def to_json(self) -> dict[str, Any]:
        return {
            "gemeinden": [list(g) for g in self.gemeinden],
            "planungsraeume": [[key, name, pk, list(members)] for key, name, pk, members in self.planning_areas],
            "kreis": list(self.kreis),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AreaSpec:
        return cls(
            gemeinden=[(str(k), str(n), pk) for k, n, pk in data.get("gemeinden", [])],
            planning_areas=[(str(k), str(n), pk, tuple(m)) for k, n, pk, m in data.get("planungsraeume", [])],
            kreis=_kreis(data.get("kreis")),
        )


def _kreis(value: Any) -> tuple[str, str, int | None]:
    key, name, pk = value if isinstance(value, list | tuple) and len(value) == 3 else ("", "", None)
    return str(key), str(name), None if pk is None else int(pk)


@dataclass(frozen=True)
class Params:
    """What the results depend on besides the points: thresholds and catchment (minutes) and the decay."""

    thresholds: tuple[int, ...]
    catchment: float
    decay: str

    @classmethod
    def from_run(cls, parameters: Mapping[str, Any]) -> Params:
        return cls(
            thresholds=tuple(int(t) for t in parameters.get("thresholds_min", [15, 30])),
            catchment=float(parameters.get("catchment_min", 30.0)),
            decay=str(parameters.get("decay", "gaussian")),
        )


@dataclass
class RunData:
    """A run's points, supply, matrix (``"walk_m"``, ``"walk_min"``, ``"car_m"``, ``"car_min"``) and areas."""

    point_ids: list[str]
    lat: FloatArray
    lon: FloatArray
    gemeinde_keys: list[str]
    gemeinde_names: list[str]
    population: dict[str, FloatArray]
    supply: list[SupplyPoint]
    matrix: dict[str, FloatArray]
    areas: AreaSpec
    params: Params
    gemeinde_array: NDArray[np.str_] = field(init=False)

    def __post_init__(self) -> None:
        self.gemeinde_array = np.array(self.gemeinde_keys, dtype=str)

    @classmethod
    def build(
        cls,
        points: Sequence[Mapping[str, Any]],
        supply: Sequence[SupplyPoint],
        matrix: dict[str, FloatArray],
        areas: AreaSpec,
        params: Params,
    ) -> RunData:
        keys = sorted({k for p in points for k in p["population"]})
        return cls(
            point_ids=[str(p["id"]) for p in points],
            lat=np.array([float(p["lat"]) for p in points], dtype=np.float64),
            lon=np.array([float(p["lon"]) for p in points], dtype=np.float64),
            gemeinde_keys=[str(p["gemeinde"]) for p in points],
            gemeinde_names=[str(p.get("gemeinde_name", "")) for p in points],
            population={
                k: np.array([float(p["population"].get(k, 0.0)) for p in points], dtype=np.float64) for k in keys
            },
            supply=list(supply),
            matrix=matrix,
            areas=areas,
            params=params,
        )


def matrix_to_bytes(matrix: Mapping[str, FloatArray]) -> bytes:
    """The travel matrices as ``np.savez_compressed`` bytes."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **{k: np.asarray(v, dtype=np.float64) for k, v in matrix.items()})  # type: ignore[arg-type]
    return buffer.getvalue()


def matrix_from_bytes(data: bytes | memoryview) -> dict[str, FloatArray]:
    with np.load(io.BytesIO(bytes(data)), allow_pickle=False) as archive:
        return {name: np.asarray(archive[name], dtype=np.float64) for name in archive.files}


_cache: OrderedDict[tuple[int, str], RunData] = OrderedDict()


def run_data(run: AnalysisRun) -> RunData:
    """The decoded data of a finished run (cached per run)."""
    key = (run.pk, run.finished_at.isoformat() if run.finished_at else "")
    cached = _cache.get(key)
    if cached is not None:
        _cache.move_to_end(key)
        return cached
    if run.matrix is None:
        raise ValueError("Diese Berechnung hat keine gespeicherte Fahrzeitmatrix.")
    data = RunData.build(
        run.points,
        [SupplyPoint.from_json(s) for s in run.supply],
        matrix_from_bytes(run.matrix),
        AreaSpec.from_json(run.parameters.get("areas", {})),
        Params.from_run(run.parameters),
    )
    _cache[key] = data
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return data


# --- one category ----------------------------------------------------------------------------------


@dataclass
class CategoryArrays:
    """Per-point results of one category and mode (arrays in the order of the run's points)."""

    columns: NDArray[np.int64]
    population: FloatArray
    nearest_m: FloatArray
    nearest_min: FloatArray
    counts: dict[float, NDArray[np.int64]]
    fca: FloatArray
    supply_unit: str


def category_arrays(
    data: RunData,
    action_field: int,
    target_group: str,
    mode: str,
    offer_type: str | None = None,
    *,
    extra_thresholds: Sequence[float] = (),
) -> CategoryArrays:
    """Nearest offer, offer counts per threshold and 2SFCA per point (see the module docstring).

    ``extra_thresholds`` (minutes) are counted too (the gap rule's threshold).
    Raises ``KeyError`` for a Zielgruppe without an age basis or an unknown mode.
    """
    group = DEMAND_GROUPS[target_group]
    metres, minutes = data.matrix[f"{mode}_m"], data.matrix[f"{mode}_min"]
    mask = np.array([s.matches(action_field, target_group, offer_type) for s in data.supply], dtype=bool)
    columns = np.flatnonzero(mask).astype(np.int64)
    population = data.population[group.band_key]
    k = len(data.point_ids)
    near_m, _ = nearest(metres.reshape(k, len(data.supply)), mask)
    near_min, _ = nearest(minutes.reshape(k, len(data.supply)), mask)
    counts: dict[float, NDArray[np.int64]] = {}
    per_offer = _per_offer_minimum(minutes[:, columns], [data.supply[j].offering_id for j in columns])
    for t in (*data.params.thresholds, *extra_thresholds):
        counts[float(t)] = (per_offer <= t).sum(axis=1).astype(np.int64)
    chosen = [data.supply[j] for j in columns]
    with_capacity = bool(chosen) and all(s.capacity is not None for s in chosen)
    units = np.array(
        [((s.capacity or 0) if with_capacity else 1.0) / max(1, s.sites_of_offer) for s in chosen], dtype=np.float64
    )
    fca = (
        two_step_fca(population, units, minutes[:, columns], catchment=data.params.catchment, kind=data.params.decay)
        * 1000.0
    )
    return CategoryArrays(
        columns=columns,
        population=population,
        nearest_m=near_m,
        nearest_min=near_min,
        counts=counts,
        fca=fca,
        supply_unit=UNIT_PLACES if with_capacity else UNIT_OFFERS,
    )


def _per_offer_minimum(minutes: FloatArray, offering_ids: Sequence[int]) -> FloatArray:
    """k × (distinct offers): the smallest time to any site of each offer (``inf`` where none is known)."""
    k = minutes.shape[0]
    if not offering_ids:
        return np.full((k, 0), np.inf)
    clean = np.where(np.isnan(minutes), np.inf, minutes)
    order = np.argsort(np.asarray(offering_ids), kind="stable")
    ids = np.asarray(offering_ids)[order]
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    reduced: FloatArray = np.minimum.reduceat(clean[:, order], starts, axis=1)
    return reduced


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def point_results(data: RunData, arrays: CategoryArrays) -> list[PointResult]:
    thresholds = data.params.thresholds
    return [
        PointResult(
            point_id=data.point_ids[i],
            lat=float(data.lat[i]),
            lon=float(data.lon[i]),
            gemeinde_key=data.gemeinde_keys[i],
            gemeinde_name=data.gemeinde_names[i],
            population=float(arrays.population[i]),
            nearest_m=_finite(arrays.nearest_m[i]),
            nearest_min=_finite(arrays.nearest_min[i]),
            counts={t: int(arrays.counts[float(t)][i]) for t in thresholds},
            fca=_finite(arrays.fca[i]),
        )
        for i in range(len(data.point_ids))
    ]


def area_rows(data: RunData, arrays: CategoryArrays) -> list[AreaRow]:
    """One row per Gemeinde (by name), Planungsraum (by name) and the Kreis."""
    thresholds = data.params.thresholds
    offering_of = {int(j): data.supply[j].offering_id for j in arrays.columns}
    sites_in: dict[str, set[int]] = {}
    for j, offering in offering_of.items():
        sites_in.setdefault(data.supply[j].gemeinde_key, set()).add(offering)

    def row(
        level: str,
        key: str,
        name: str,
        members: NDArray[np.bool_],
        gemeinden: Sequence[str] | None,
        region_id: int | None = None,
        planning_area_id: int | None = None,
    ) -> AreaRow:
        pop = arrays.population[members]
        summary = summarise(
            arrays.nearest_m[members], arrays.nearest_min[members], pop, [key] * int(members.sum()), thresholds
        ).get(key)
        total = float(pop.sum())
        offers = (
            set(offering_of.values())
            if gemeinden is None
            else set().union(*(sites_in.get(g, set()) for g in gemeinden))
        )
        fca = float((pop * arrays.fca[members]).sum() / total) if total > 0 else None
        return AreaRow(
            level=level,
            key=key,
            name=name,
            population=total,
            nearest_m=summary.mean_nearest_m if summary else None,
            nearest_min=summary.mean_nearest_min if summary else None,
            reached={int(t): (summary.reached[float(t)] if summary else 0.0) for t in thresholds},
            shares={int(t): (summary.shares[float(t)] if summary else None) for t in thresholds},
            offers_in_area=len(offers),
            offers_per_1000=per_1000(len(offers), total),
            fca_ratio=fca,
            region_id=region_id,
            planning_area_id=planning_area_id,
            unreachable=summary.unreachable if summary else 0.0,
        )

    rows = [
        row(AreaLevel.GEMEINDE, key, name, data.gemeinde_array == key, [key], region_id=pk)
        for key, name, pk in sorted(data.areas.gemeinden, key=lambda g: (g[1], g[0]))
    ]
    for key, name, pk, members in sorted(data.areas.planning_areas, key=lambda p: (p[1], p[0])):
        inside = np.isin(data.gemeinde_array, list(members)) if members else np.zeros(len(data.point_ids), bool)
        rows.append(row(AreaLevel.PLANNING_AREA, key, name, inside, list(members), planning_area_id=pk))
    kreis_key, kreis_name, kreis_pk = data.areas.kreis
    rows.append(
        row(AreaLevel.KREIS, kreis_key, kreis_name, np.ones(len(data.point_ids), bool), None, region_id=kreis_pk)
    )
    return rows


# --- public API ------------------------------------------------------------------------------------


def categories(run: AnalysisRun) -> list[tuple[ActionField, TargetGroup]]:
    """The run's categories (HF, Zielgruppe) by HF code and the Zielgruppen's order."""
    pairs = [(int(hf), str(tg)) for hf, tg in run.parameters.get("categories", [])]
    fields = {a.code: a for a in ActionField.objects.filter(code__in={hf for hf, _ in pairs})}
    groups = {t.code: t for t in TargetGroup.objects.filter(code__in={tg for _, tg in pairs})}
    found = [(fields[hf], groups[tg]) for hf, tg in pairs if hf in fields and tg in groups]
    return sorted(found, key=lambda c: (c[0].code, c[1].sort_order, c[1].name))


def offer_types(run: AnalysisRun, action_field: int) -> list[tuple[str, str]]:
    """(code, name) of the offer types of the run's positioned offers in the Handlungsfeld, by name."""
    found = {
        str(s["offer_type"]): str(s.get("offer_type_name") or s["offer_type"])
        for s in run.supply
        if s.get("offer_type") and action_field in s.get("action_fields", [])
    }
    return sorted(found.items(), key=lambda item: (item[1].casefold(), item[0]))


def category_result(
    run: AnalysisRun, action_field: int, target_group: str, mode: str, offer_type: str | None = None
) -> CategoryResult:
    """Points, areas and supply of one category for a finished run (computed from the stored matrix).

    Raises ``KeyError`` for a Handlungsfeld, Zielgruppe or mode the run does not have.
    """
    if [action_field, target_group] not in [list(c) for c in run.parameters.get("categories", [])]:
        raise KeyError((action_field, target_group))
    data = run_data(run)
    if f"{mode}_min" not in data.matrix:
        raise KeyError(mode)
    arrays = category_arrays(data, action_field, target_group, mode, offer_type or None)
    return CategoryResult(
        run=run,
        action_field=ActionField.objects.get(code=action_field),
        target_group=TargetGroup.objects.get(code=target_group),
        mode=mode,
        offer_type=offer_type or None,
        thresholds=data.params.thresholds,
        points=point_results(data, arrays),
        areas=area_rows(data, arrays),
        supply=[data.supply[j] for j in arrays.columns],
        supply_unit=arrays.supply_unit,
        method_note=run.method_note,
        demand_note=run.demand_note,
    )
