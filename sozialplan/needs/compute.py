"""The run pipeline: demand and supply points → travel matrix → results per area → gap register.

:func:`compute_run` does the heavy work outside any transaction, writing
only its progress (``AnalysisRun.progress``/``progress_text``, committed at
once so pages can show it), and then writes *all* results — the run's
points, supply, matrix and notes, every :class:`AreaResult` row and the gap
register — in one ``transaction.atomic`` block with status ``done``. Any
error leaves nothing half-written: the run becomes ``failed`` with a German
message in ``error``.

Travel (docs/needs-analysis.md):

* **Straight line** (no active road network): great-circle distance ×
  ``NEEDS_DETOUR_FACTOR``, at ``NEEDS_WALK_KMH`` on foot and
  ``NEEDS_CAR_KMH`` by car.
* **Road network** (the district's newest active :class:`RoadNetwork`):
  every point is snapped to the nearest node of the main network within
  ``NEEDS_MAX_SNAP_M``; the network distance (shortest path) and time
  (fastest path) between the snapped nodes is extended by the two straight
  access legs, walked at ``NEEDS_WALK_KMH`` on foot and driven at
  :data:`CAR_ACCESS_KMH` by car (a slow access road, the speed the network
  uses for repaired links). Points farther from the network get no route
  (``nan``: not reachable) and a note.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sozialplan.analysis.network import CONNECTOR_CAR_KMH, network_from_bytes, snap_points, travel_matrix
from sozialplan.analysis.reachability import great_circle_matrix, straight_travel
from sozialplan.catalog.models import ActionField, TargetGroup
from sozialplan.indicators.areas import PLANNING_AREA_PREFIX
from sozialplan.indicators.numbers import format_number
from sozialplan.indicators.population_inputs import MissingDataError
from sozialplan.needs import gap_register, signals
from sozialplan.needs.categories import DEMAND_GROUPS
from sozialplan.needs.inputs import DemandInputs, demand_points, supply_inputs
from sozialplan.needs.models import (
    AnalysisRun,
    AreaLevel,
    AreaResult,
    Mode,
    RoadNetwork,
    RunStatus,
    TravelMethod,
)
from sozialplan.needs.results import (
    AreaRow,
    AreaSpec,
    FloatArray,
    Params,
    RunData,
    SupplyPoint,
    area_rows,
    category_arrays,
    matrix_to_bytes,
)
from sozialplan.regions.models import District

logger = logging.getLogger(__name__)

#: Speed (km/h) of the car access legs between a point and the road network: as slow as the network's
#: repair connectors (a driveway or a road missing from the extract, not a through road).
CAR_ACCESS_KMH = CONNECTOR_CAR_KMH
MODES = (Mode.WALK, Mode.CAR)

Progress = Callable[[int, str], None]


class RunError(Exception):
    """A run cannot be computed; ``str(error)`` is a German sentence for the planner."""


class RunAbandonedError(Exception):
    """The run is no longer running (e.g. marked failed as stale meanwhile): stop and write nothing."""


@dataclass
class Travel:
    """The travel matrices (``walk_m``, ``walk_min``, ``car_m``, ``car_min``), method, its note and warnings."""

    matrix: dict[str, FloatArray]
    method: str
    method_note: str
    network: RoadNetwork | None
    notes: list[str]


def _kmh(value: float) -> str:
    return format_number(value, 0 if float(value).is_integer() else 1)


def straight_line(demand: tuple[FloatArray, FloatArray], supply: tuple[FloatArray, FloatArray]) -> Travel:
    """Great circle × detour factor at the configured speeds."""
    factor = float(settings.NEEDS_DETOUR_FACTOR)
    walk, car = float(settings.NEEDS_WALK_KMH), float(settings.NEEDS_CAR_KMH)
    distance = great_circle_matrix(demand[0], demand[1], supply[0], supply[1])
    walk_m, walk_min = straight_travel(distance, detour_factor=factor, kmh=walk)
    car_m, car_min = straight_travel(distance, detour_factor=factor, kmh=car)
    note = _("Luftlinie × %(factor)s (kein Straßennetz geladen; zu Fuß %(walk)s km/h, Auto %(car)s km/h)") % {
        "factor": format_number(factor, 1),
        "walk": _kmh(walk),
        "car": _kmh(car),
    }
    return Travel(
        matrix={"walk_m": walk_m, "walk_min": walk_min, "car_m": car_m, "car_min": car_min},
        method=TravelMethod.STRAIGHT,
        method_note=note,
        network=None,
        notes=[],
    )


def on_network(
    network: RoadNetwork,
    demand: tuple[FloatArray, FloatArray],
    supply: tuple[FloatArray, FloatArray],
    supply_names: list[str],
    demand_people: FloatArray,
) -> Travel:
    """Network distances and times with access legs (see the module docstring)."""
    graphs = network_from_bytes(bytes(network.graph))
    max_snap = float(settings.NEEDS_MAX_SNAP_M)
    walk_kmh = float(settings.NEEDS_WALK_KMH)
    matrix: dict[str, FloatArray] = {}
    notes: list[str] = []
    for mode in MODES:
        graph = graphs.get(mode)
        if graph is None:
            raise RunError(
                _("Das Straßennetz „%(name)s“ enthält kein Netz für %(mode)s.")
                % {"name": network.name, "mode": Mode(mode).label}
            )
        at_demand = snap_points(graph, demand[0], demand[1], max_snap_m=max_snap)
        at_supply = snap_points(graph, supply[0], supply[1], max_snap_m=max_snap)
        legs = at_demand.distance_m[:, np.newaxis] + at_supply.distance_m[np.newaxis, :]
        leg_kmh = walk_kmh if mode == Mode.WALK else CAR_ACCESS_KMH
        metres = travel_matrix(graph, at_demand.node, at_supply.node, weight="length") + legs
        minutes = travel_matrix(graph, at_demand.node, at_supply.node, weight="time") / 60.0 + legs / (
            leg_kmh * 1000.0 / 60.0
        )
        # Unsnapped points have no route: nan (travel_matrix), never a leg-only cost.
        metres[at_demand.node < 0, :] = np.nan
        metres[:, at_supply.node < 0] = np.nan
        minutes[np.isnan(metres)] = np.nan
        matrix[f"{mode}_m"], matrix[f"{mode}_min"] = metres, minutes
        notes.extend(_snap_notes(mode, at_demand.node, at_supply.node, supply_names, demand_people, max_snap))
    note = _(
        "Straßennetz „%(name)s“ (OpenStreetMap%(date)s): kürzeste Wege; zu Fuß %(walk)s km/h, Auto nach "
        "Höchstgeschwindigkeit oder Straßenklasse; Wege zum Netz (bis %(snap)s m Luftlinie) zu Fuß %(walk)s km/h, "
        "mit dem Auto %(access)s km/h"
    ) % {
        "name": network.name,
        "date": f", Stand {network.data_date}" if network.data_date else "",
        "walk": _kmh(walk_kmh),
        "snap": format_number(max_snap),
        "access": _kmh(CAR_ACCESS_KMH),
    }
    return Travel(matrix=matrix, method=TravelMethod.NETWORK, method_note=note, network=network, notes=notes)


def _snap_notes(
    mode: str,
    demand_nodes: np.ndarray,
    supply_nodes: np.ndarray,
    supply_names: list[str],
    people: FloatArray,
    max_snap: float,
) -> list[str]:
    notes: list[str] = []
    label = Mode(mode).label
    off = demand_nodes < 0
    if off.any():
        points, residents = int(off.sum()), float(people[off].sum())
        notes.append(
            ngettext(
                "%(mode)s: %(points)s Nachfragepunkt mit %(people)s liegt mehr als %(snap)s m vom Straßennetz "
                "entfernt und hat keinen Weg (gilt als nicht erreichbar).",
                "%(mode)s: %(points)s Nachfragepunkte mit %(people)s liegen mehr als %(snap)s m vom Straßennetz "
                "entfernt und haben keinen Weg (gelten als nicht erreichbar).",
                points,
            )
            % {
                "mode": str(label),
                "points": format_number(points),
                "people": ngettext("%(n)s Einwohner:in", "%(n)s Einwohner:innen", round(residents))
                % {"n": format_number(residents)},
                "snap": format_number(max_snap),
            }
        )
    missing = sorted({supply_names[j] for j in np.flatnonzero(supply_nodes < 0)})
    if missing:
        count = int((supply_nodes < 0).sum())
        notes.append(
            ngettext(
                "%(mode)s: %(count)s Angebotsort liegt mehr als %(snap)s m vom Straßennetz entfernt: %(names)s.",
                "%(mode)s: %(count)s Angebotsorte liegen mehr als %(snap)s m vom Straßennetz entfernt: %(names)s.",
                count,
            )
            % {
                "mode": str(label),
                "count": format_number(count),
                "snap": format_number(max_snap),
                "names": ", ".join(missing[:8]) + (" …" if len(missing) > 8 else ""),
            }
        )
    return notes


def area_spec(district: District) -> AreaSpec:
    """The run's areas: the district's Gemeinden, Planungsräume (key ``pr<pk>``) and the Kreis."""
    gemeinden = [(g.key, g.name, g.pk) for g in district.gemeinden().only("pk", "key", "name").order_by("key")]
    rooms = [
        (f"{PLANNING_AREA_PREFIX}{room.pk}", room.name, room.pk, tuple(sorted(g.key for g in room.gemeinden.all())))
        for room in district.planning_areas.prefetch_related("gemeinden").order_by("name")
    ]
    return AreaSpec(
        gemeinden=gemeinden, planning_areas=rooms, kreis=(district.region.key, district.name, district.region_id)
    )


def _progress(run: AnalysisRun, callback: Progress | None, percent: int, text: str) -> None:
    """Store the progress; :class:`RunAbandonedError` when the run is no longer running (given up as stale)."""
    if not AnalysisRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
        progress=percent, progress_text=text[:200]
    ):
        raise RunAbandonedError
    run.progress, run.progress_text = percent, text[:200]
    if callback is not None:
        callback(percent, text)


def _parameters(spec: AreaSpec, categories: list[tuple[int, str]], rules: gap_register.GapRules) -> dict[str, object]:
    return {
        "thresholds_min": [int(t) for t in settings.NEEDS_THRESHOLDS_MIN],
        "detour_factor": float(settings.NEEDS_DETOUR_FACTOR),
        "walk_kmh": float(settings.NEEDS_WALK_KMH),
        "car_kmh": float(settings.NEEDS_CAR_KMH),
        "car_access_kmh": CAR_ACCESS_KMH,
        "max_snap_m": float(settings.NEEDS_MAX_SNAP_M),
        "catchment_min": float(settings.NEEDS_CATCHMENT_MIN),
        "decay": str(settings.NEEDS_DECAY),
        "gap": rules.to_json(),
        "modes": list(MODES),
        "categories": [[hf, tg] for hf, tg in categories],
        "areas": spec.to_json(),
    }


def _area_result(run: AnalysisRun, hf_pk: int, tg_pk: int, mode: str, row: AreaRow, unit: str) -> AreaResult:
    return AreaResult(
        run=run,
        level=row.level,
        area_key=row.key,
        area_name=row.name,
        region_id=row.region_id if row.level != AreaLevel.PLANNING_AREA else None,
        planning_area_id=row.planning_area_id,
        action_field_id=hf_pk,
        target_group_id=tg_pk,
        mode=mode,
        population=row.population,
        nearest_m=row.nearest_m,
        nearest_min=row.nearest_min,
        reached={str(t): v for t, v in row.reached.items()},
        shares={str(t): v for t, v in row.shares.items()},
        offers_in_area=row.offers_in_area,
        offers_per_1000=row.offers_per_1000,
        fca_ratio=row.fca_ratio,
        supply_unit=unit,
    )


def compute_run(run: AnalysisRun, *, progress: Progress | None = None) -> AnalysisRun:
    """Compute ``run`` (see the module docstring); returns it with status ``done`` or ``failed``.

    Only a queued or running run is computed. A run that stops being
    ``running`` while it is computed — :func:`~sozialplan.needs.services.request_recompute`
    gave it up after ``NEEDS_RUN_TIMEOUT`` minutes — is left as it is: its
    results are not written (or rolled back), so a failed run never turns
    into a finished one.
    """
    started = timezone.now()
    if not AnalysisRun.objects.filter(pk=run.pk, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).update(
        status=RunStatus.RUNNING, started_at=started, error="", progress=0
    ):
        run.refresh_from_db()
        return run
    run.status, run.started_at, run.error = RunStatus.RUNNING, started, ""
    try:
        _compute(run, progress)
    except RunAbandonedError:
        logger.warning("Bedarfsanalyse %s wurde während der Berechnung aufgegeben; nichts gespeichert", run.pk)
        run.refresh_from_db()
    except Exception as error:
        logger.exception("Bedarfsanalyse %s fehlgeschlagen", run.pk)
        message = (
            str(error)
            if isinstance(error, RunError | MissingDataError | ImproperlyConfigured)
            else _("Die Berechnung ist fehlgeschlagen (%(kind)s: %(detail)s).")
            % {"kind": type(error).__name__, "detail": str(error)[:300]}
        )
        AnalysisRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED, error=message, finished_at=timezone.now(), progress_text=_("fehlgeschlagen")
        )
        run.refresh_from_db()
    else:
        # Changes made earlier in the caller's transaction (the demo) are in this run.
        signals.covered(run.district_id, started)
    return run


def _compute(run: AnalysisRun, progress: Progress | None) -> None:
    district = District.objects.select_related("region").get(pk=run.district_id)
    _progress(run, progress, 2, _("Bevölkerung je Ort wird ermittelt"))
    demand = demand_points(district)
    if not demand.points:
        raise RunError(_("Es gibt keine Nachfragepunkte: weder Gitterzellen noch Gemeinden mit Lage."))
    _progress(run, progress, 10, _("Angebote werden gelesen"))
    supply = supply_inputs(district)
    network = RoadNetwork.objects.filter(district=district, is_active=True).order_by("-imported_at", "-pk").first()
    _progress(run, progress, 15, _("Wege werden berechnet"))
    travel = _travel(demand, supply.points, network)
    spec = area_spec(district)
    rules = gap_register.GapRules.from_settings()
    parameters = _parameters(spec, supply.categories, rules)
    data = RunData.build(
        [p.to_json() for p in demand.points], supply.points, travel.matrix, spec, Params.from_run(parameters)
    )
    _progress(run, progress, 40, _("Erreichbarkeit und Versorgung je Gebiet"))
    ctx = gap_register.CandidateContext(
        data=data,
        rules=rules,
        pressures=gap_register.pressures(district, list(DEMAND_GROUPS), rules),
        method_note=travel.method_note,
        method_short=gap_register.method_short(travel.method, float(settings.NEEDS_DETOUR_FACTOR)),
        run_id=run.pk,
        kreis_phrase=gap_register.kreis_phrase(district),
    )
    field_pk = dict(ActionField.objects.values_list("code", "pk"))
    group_pk = dict(TargetGroup.objects.values_list("code", "pk"))
    group_name = dict(TargetGroup.objects.values_list("code", "name"))
    # Categories whose offers all lack a position: no distances, so no gaps (a gap there would be an artefact).
    unplaced: list[str] = []
    results: list[AreaResult] = []
    candidates: list[gap_register.Candidate] = []
    total = max(1, len(supply.categories))
    for i, (hf, tg) in enumerate(supply.categories):
        if hf not in field_pk or tg not in group_pk:
            continue
        for mode in MODES:
            extra = (rules.minutes,) if mode == rules.mode else ()
            arrays = category_arrays(data, hf, tg, mode, extra_thresholds=extra)
            rows = area_rows(data, arrays)
            results.extend(_area_result(run, field_pk[hf], group_pk[tg], mode, r, arrays.supply_unit) for r in rows)
            if mode != rules.mode:
                continue
            if arrays.columns.size:
                candidates.extend(gap_register.category_candidates(ctx, hf, tg, arrays, rows))
            else:
                unplaced.append(f"HF {hf} – {group_name.get(tg, tg)}")
        _progress(
            run,
            progress,
            40 + int(50 * (i + 1) / total),
            _("Kategorie %(n)s von %(total)s") % {"n": i + 1, "total": total},
        )
    _progress(run, progress, 92, _("Ergebnisse werden gespeichert"))
    with transaction.atomic():
        # Claims the finish: 0 rows when the run was given up meanwhile, then nothing is written.
        if not AnalysisRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(status=RunStatus.DONE):
            raise RunAbandonedError
        run.method = travel.method
        run.network = travel.network
        run.method_note = travel.method_note
        run.parameters = parameters
        run.demand_note = demand.note
        run.points = [p.to_json() for p in demand.points]
        run.supply = [s.to_json() for s in supply.points]
        run.matrix = matrix_to_bytes(travel.matrix)
        run.notes = [*supply.notes, *travel.notes, *_unplaced_note(unplaced)]
        AreaResult.objects.filter(run=run).delete()
        AreaResult.objects.bulk_create(results, batch_size=1000)
        counts = gap_register.store_gaps(run, candidates)
        run.parameters["gap_counts"] = {"new": counts.new, "current": counts.current, "no_longer": counts.no_longer}
        run.status, run.progress, run.progress_text = RunStatus.DONE, 100, _("fertig")
        run.finished_at = timezone.now()
        run.save()
        prune_runs(run.district_id, keep=int(settings.NEEDS_KEEP_RUNS))


def prune_runs(district_id: int, *, keep: int) -> int:
    """Delete the district's finished and failed runs beyond the newest ``keep`` finished ones; returns how many.

    Runs follow every change of offers, so without this a busy district
    collects thousands of area rows per run. Gaps keep their decisions (their
    ``run`` becomes empty); pending runs are never touched. Failed runs older
    than the oldest kept finished run go too.
    """
    done = AnalysisRun.objects.filter(district_id=district_id, status=RunStatus.DONE).order_by("-finished_at", "-pk")
    kept = list(done.values_list("pk", flat=True)[:keep])
    if len(kept) < keep:
        return 0
    oldest = AnalysisRun.objects.get(pk=kept[-1])
    old = AnalysisRun.objects.filter(
        district_id=district_id, status__in=[RunStatus.DONE, RunStatus.FAILED], requested_at__lt=oldest.requested_at
    ).exclude(pk__in=kept)
    count = old.count()
    old.delete()
    return count


def _unplaced_note(categories: list[str]) -> list[str]:
    if not categories:
        return []
    # "hat" agrees with "kein Angebot", so only the noun changes with the count.
    return [
        ngettext(
            "In %(count)s Kategorie hat kein Angebot einen Standort mit Lage; dort gibt es keine Entfernungen und "
            "keine Lücken: %(names)s.",
            "In %(count)s Kategorien hat kein Angebot einen Standort mit Lage; dort gibt es keine Entfernungen und "
            "keine Lücken: %(names)s.",
            len(categories),
        )
        % {"count": format_number(len(categories)), "names": "; ".join(categories)}
    ]


def _travel(demand: DemandInputs, supply: list[SupplyPoint], network: RoadNetwork | None) -> Travel:
    dlon = np.array([p.lon for p in demand.points], dtype=np.float64)
    dlat = np.array([p.lat for p in demand.points], dtype=np.float64)
    slon = np.array([s.lon for s in supply], dtype=np.float64)
    slat = np.array([s.lat for s in supply], dtype=np.float64)
    if network is None:
        return straight_line((dlon, dlat), (slon, slat))
    people = np.array([p.population.get("0-999", 0.0) for p in demand.points], dtype=np.float64)
    return on_network(network, (dlon, dlat), (slon, slat), [s.site_name for s in supply], people)
