"""Actions on the Bedarfsanalyse: recompute, decide and comment gaps, load and drop road networks.

Every function runs in ``transaction.atomic``, checks the acting user's
permission (``PermissionDenied``; ``user=None`` is the system, e.g. the
signals) and writes the audit trail where planners decide something.
Bad input raises ``ValidationError`` with a German message.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sozialplan.accounts.rules import may
from sozialplan.analysis.network import NetworkReport, RoadGraph, build_network, network_to_bytes
from sozialplan.analysis.roads import RoadData
from sozialplan.audit.services import record
from sozialplan.needs.models import AnalysisRun, Gap, GapComment, GapStatus, RoadNetwork, RunStatus
from sozialplan.needs.signals import schedule
from sozialplan.regions.models import District
from sozialplan.sources.osm import clip, read_roads

#: Road networks are clipped to the district's boundary box plus this margin (km).
CLIP_MARGIN_KM = 5.0
#: Longest comment (characters), as ``GapComment.text``.
MAX_COMMENT = 5000
MAX_REASON = 2000
NETWORK_CHANGED = "Straßennetz geändert"

AnyUser = User | AbstractBaseUser | AnonymousUser


def _require(user: AnyUser | None, perm: str, obj: object) -> None:
    if user is not None and not may(user, perm, obj):
        raise PermissionDenied(_("Dazu fehlt Ihnen die Berechtigung."))


# --- recomputation ---------------------------------------------------------------------------------


def request_recompute(
    district: District, *, user: AnyUser | None, reason: str, changed_at: dt.datetime | None = None
) -> AnalysisRun:
    """The district's pending run, or a new queued one whose task is enqueued when the transaction commits.

    At most one run per district waits or runs. A pending run without a
    result for longer than ``settings.NEEDS_RUN_TIMEOUT`` minutes
    (:meth:`~sozialplan.needs.models.AnalysisRunQuerySet.stale`: its worker
    died, or no worker ever took it) is marked failed with a German message
    and no longer blocks: a new run is queued and enqueued. ``changed_at``
    (the signals): the time data changed; a run that started running before
    it cannot see the change, so then a queued run is added after it.
    """
    _require(user, "needs.recompute", district)
    with transaction.atomic():
        District.objects.select_for_update().filter(pk=district.pk).first()
        now = timezone.now()
        for dead in AnalysisRun.objects.filter(district=district).stale(now):
            _give_up(dead, now)
        pending = AnalysisRun.objects.filter(district=district).live(now)
        if changed_at is not None:
            pending = pending.exclude(status=RunStatus.RUNNING, started_at__lt=changed_at)
        found = pending.order_by("requested_at", "pk").first()
        if found is not None:
            return found
        run = AnalysisRun.objects.create(
            district=district,
            reason=reason[:200],
            requested_by=user if isinstance(user, User) else None,
        )
        run_id = run.pk
        transaction.on_commit(lambda: _enqueue(run_id))
    return run


def _give_up(run: AnalysisRun, now: dt.datetime) -> None:
    """Mark a stale run failed (only if it is still pending: a run that just finished keeps its result)."""
    since = run.started_at if run.status == RunStatus.RUNNING and run.started_at else run.requested_at
    values = {"since": timezone.localtime(since).strftime("%d.%m.%Y, %H:%M Uhr")}
    if run.status == RunStatus.RUNNING:
        error = _("Abgebrochen: keine Rückmeldung seit %(since)s; die Berechnung wurde nicht fertig.") % values
    else:
        error = (
            _(
                "Abgebrochen: keine Rückmeldung seit %(since)s; die Berechnung wurde nie begonnen (läuft der "
                "Hintergrunddienst „sozialplan db_worker“?)."
            )
            % values
        )
    AnalysisRun.objects.filter(pk=run.pk, status=run.status).update(
        status=RunStatus.FAILED, finished_at=now, error=error, progress_text=_("abgebrochen")
    )


def _enqueue(run_id: int) -> None:
    from sozialplan.needs.tasks import recompute_needs

    recompute_needs.enqueue(run_id)


# --- gaps ------------------------------------------------------------------------------------------


def decide_gap(user: AnyUser, gap: Gap, status: GapStatus | str, reason: str = "") -> Gap:
    """Confirm, dismiss (a reason is required) or reopen a gap; the decision goes to the audit trail."""
    _require(user, "needs.decide_gap", gap)
    status = GapStatus(status)
    reason = reason.strip()
    if status == GapStatus.DISMISSED and not reason:
        raise ValidationError({"reason": _("Bitte begründen Sie, warum Sie die Lücke verwerfen.")})
    if len(reason) > MAX_REASON:
        raise ValidationError(
            {"reason": _("Die Begründung ist zu lang (höchstens %(max)s Zeichen).") % {"max": MAX_REASON}}
        )
    with transaction.atomic():
        gap = Gap.objects.select_for_update().get(pk=gap.pk)
        before = {"status": gap.status, "reason": gap.reason}
        gap.status = status
        gap.reason = reason if status != GapStatus.OPEN else ""
        gap.decided_by = user if isinstance(user, User) and status != GapStatus.OPEN else None
        gap.decided_at = timezone.now() if status != GapStatus.OPEN else None
        gap.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        action = {GapStatus.CONFIRMED: "confirmed", GapStatus.DISMISSED: "dismissed", GapStatus.OPEN: "reopened"}[
            status
        ]
        after = {"status": gap.status, "reason": gap.reason}
        changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        record(actor=user, district=gap.district, action=action, obj=gap, changes=changes, note=reason[:500])
    return gap


def comment_gap(user: AnyUser, gap: Gap, text: str) -> GapComment:
    """Add a planner's comment (1–5,000 characters) to a gap; recorded in the audit trail."""
    _require(user, "needs.decide_gap", gap)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Bitte schreiben Sie einen Kommentar.")})
    if len(text) > MAX_COMMENT:
        raise ValidationError(
            {"text": _("Der Kommentar ist zu lang (höchstens %(max)s Zeichen).") % {"max": MAX_COMMENT}}
        )
    with transaction.atomic():
        comment = GapComment.objects.create(gap=gap, author=user if isinstance(user, User) else None, text=text)
        record(actor=user, district=gap.district, action="commented", obj=gap, note=text[:500])
    return comment


# --- road networks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedNetwork:
    """The stored network and the German report lines (one list per mode)."""

    network: RoadNetwork
    reports: dict[str, NetworkReport]

    def lines(self) -> list[str]:
        return [line for report in self.reports.values() for line in report.sentences()]


def district_bbox(district: District, margin_km: float = CLIP_MARGIN_KM) -> tuple[float, float, float, float]:
    """(west, south, east, north) of the Kreis boundary (else its Gemeinden's centres) plus ``margin_km``."""
    points = list(_boundary_points(district.region.boundary))
    if not points:
        points = [
            (lon, lat)
            for lat, lon in district.gemeinden().values_list("latitude", "longitude")
            if lat is not None and lon is not None
        ]
    if not points:
        raise ValidationError(
            _("Für %(name)s ist weder eine Grenze noch ein Gemeindemittelpunkt bekannt.") % {"name": district.name}
        )
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    dlat = margin_km / 111.2
    dlon = margin_km / (111.2 * max(0.1, math.cos(math.radians((min(lats) + max(lats)) / 2))))
    return (min(lons) - dlon, min(lats) - dlat, max(lons) + dlon, max(lats) + dlat)


def _boundary_points(geometry: Any) -> list[tuple[float, float]]:
    """All positions of a GeoJSON geometry (Polygon, MultiPolygon, GeometryCollection or Feature)."""
    if not isinstance(geometry, dict):
        return []
    if geometry.get("type") == "Feature":
        return _boundary_points(geometry.get("geometry"))
    if geometry.get("type") == "GeometryCollection":
        return [p for g in geometry.get("geometries", []) for p in _boundary_points(g)]
    out: list[tuple[float, float]] = []

    def walk(value: Any) -> None:
        if isinstance(value, list | tuple) and len(value) >= 2 and all(isinstance(v, int | float) for v in value[:2]):
            out.append((float(value[0]), float(value[1])))
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(geometry.get("coordinates", []))
    return out


def import_road_network(
    district: District, path: Path, *, user: AnyUser | None, name: str = "", data: RoadData | None = None
) -> ImportedNetwork:
    """Read an OSM road file, build walk and car networks for the district and store them as its active network.

    The ways are clipped to the district's boundary box plus 5 km; a file
    with no road there is refused (``ValidationError``, German), as is an
    unreadable file (``RoadFileError`` from the reader, German). Older
    networks of the district are deactivated. ``data`` may pass roads read
    already (tests, the bench).
    """
    _require(user, "needs.recompute", district)
    roads = data if data is not None else read_roads(path)
    bbox = district_bbox(district)
    clipped = clip(roads, bbox)
    if not clipped.ways:
        raise ValidationError(
            _(
                "Das Straßennetz in „%(file)s“ liegt nicht im Gebiet von %(name)s: Keine Straße liegt innerhalb von "
                "%(margin)s km um seine Grenze. Bitte einen Ausschnitt laden, der den Kreis abdeckt."
            )
            % {"file": path.name, "name": district.name, "margin": f"{CLIP_MARGIN_KM:g}"}
        )
    graphs: dict[str, RoadGraph] = {}
    reports: dict[str, NetworkReport] = {}
    modes: tuple[Literal["walk", "car"], ...] = ("walk", "car")
    for mode in modes:
        graph, report = build_network(
            clipped,
            mode,
            walk_kmh=float(settings.NEEDS_WALK_KMH),
            repair_tolerance_m=float(settings.NEEDS_REPAIR_TOLERANCE_M),
        )
        graphs[mode], reports[mode] = graph, report
    if not any(g.n for g in graphs.values()):
        raise ValidationError(
            _("In „%(file)s“ gibt es im Gebiet von %(name)s keine Wege, die zu Fuß oder mit dem Auto nutzbar sind.")
            % {"file": path.name, "name": district.name}
        )
    payload = network_to_bytes(graphs)
    report_json = {
        mode: {**{k: _plain(v) for k, v in vars(r).items()}, "sentences": r.sentences()} for mode, r in reports.items()
    }
    report_json["file"] = {
        "ways_in_file": len(roads.ways),
        "ways_in_district": len(clipped.ways),
        "nodes": len(clipped.nodes),
        "missing_nodes": roads.missing_nodes,
        "skipped": dict(clipped.skipped),
        "bbox": list(bbox),
    }
    with transaction.atomic():
        RoadNetwork.objects.filter(district=district, is_active=True).update(is_active=False)
        network = RoadNetwork.objects.create(
            district=district,
            name=(name or path.name)[:200],
            source_name=path.name[:300],
            source_format=roads.source_format[:20],
            data_date=roads.data_date[:40],
            imported_by=user if isinstance(user, User) else None,
            node_count=sum(g.n for g in graphs.values()),
            edge_count=sum(int(g.tail.size) for g in graphs.values()),
            bbox=list(clipped.bbox),
            report=report_json,
            graph=payload,
            is_active=True,
        )
        record(actor=user, district=district, action="imported", obj=network, note=path.name[:300])
        schedule([district.pk], NETWORK_CHANGED)
    return ImportedNetwork(network=network, reports=reports)


def _plain(value: Any) -> Any:
    """A JSON value from a NumPy scalar (``item()``) or a plain one."""
    return value.item() if hasattr(value, "item") else value


def deactivate_road_networks(district: District, *, user: AnyUser | None = None) -> int:
    """Stop using the district's road networks (back to straight-line distances); how many were active."""
    _require(user, "needs.recompute", district)
    with transaction.atomic():
        active = list(RoadNetwork.objects.filter(district=district, is_active=True))
        for network in active:
            network.is_active = False
            network.save(update_fields=["is_active"])
            record(actor=user, district=district, action="deactivated", obj=network)
        if active:
            schedule([district.pk], NETWORK_CHANGED)
    return len(active)
