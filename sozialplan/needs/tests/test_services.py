"""Recompute requests, gap decisions and comments, road network import and switch-off."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pytest_django.fixtures import Settings

from conftest import Personas
from sozialplan.audit.models import AuditEntry
from sozialplan.needs import services
from sozialplan.needs.models import AnalysisRun, Gap, GapKind, GapStatus, Mode, RoadNetwork, RunStatus
from sozialplan.needs.services import (
    comment_gap,
    deactivate_road_networks,
    decide_gap,
    import_road_network,
    request_recompute,
)
from sozialplan.needs.tests.needs_data import gemeinde
from sozialplan.needs.tests.test_compute_small import hand_made_network
from sozialplan.needs.views._common import run_state
from sozialplan.regions.models import District

pytestmark = pytest.mark.django_db

JENA_TEMPO_30 = Path(settings.DATA_DIR) / "roads" / "jena-2014-tempolimits" / "Tempo30.geojson"


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Run ids handed to the task queue (instead of running them)."""
    calls: list[int] = []
    monkeypatch.setattr(services, "_enqueue", calls.append)
    return calls


def test_a_second_request_returns_the_pending_run_and_enqueues_once(
    district: District, personas: Personas, enqueued: list[int], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = request_recompute(district, user=personas.planner, reason="Angebote geändert")
        second = request_recompute(district, user=None, reason="Statistik geändert")
    assert first == second
    assert (first.status, first.reason, first.requested_by) == (RunStatus.QUEUED, "Angebote geändert", personas.planner)
    assert enqueued == [first.pk]
    assert AnalysisRun.objects.filter(district=district).count() == 1


def test_a_run_running_longer_than_the_timeout_is_given_up_and_a_new_one_queued(
    district: District, enqueued: list[int], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    started = timezone.now() - dt.timedelta(minutes=61)
    hanging = AnalysisRun.objects.create(district=district, status=RunStatus.RUNNING, started_at=started)
    with django_capture_on_commit_callbacks(execute=True):
        run = request_recompute(district, user=None, reason="Test")
    hanging.refresh_from_db()
    assert run != hanging and run.status == RunStatus.QUEUED and enqueued == [run.pk]
    since = timezone.localtime(started).strftime("%d.%m.%Y, %H:%M Uhr")
    assert hanging.status == RunStatus.FAILED and hanging.finished_at is not None
    assert hanging.error == f"Abgebrochen: keine Rückmeldung seit {since}; die Berechnung wurde nicht fertig."


def test_a_run_queued_longer_than_the_timeout_is_given_up_and_queued_again(
    district: District, enqueued: list[int], settings: Settings, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    settings.NEEDS_RUN_TIMEOUT = 5
    forgotten = AnalysisRun.objects.create(district=district)
    AnalysisRun.objects.filter(pk=forgotten.pk).update(requested_at=timezone.now() - dt.timedelta(minutes=6))
    assert run_state(district).pending is None  # the page does not wait (poll) for it
    with django_capture_on_commit_callbacks(execute=True):
        run = request_recompute(district, user=None, reason="Test")
    forgotten.refresh_from_db()
    assert forgotten.status == RunStatus.FAILED and "die Berechnung wurde nie begonnen" in forgotten.error
    assert forgotten.error.startswith("Abgebrochen: keine Rückmeldung seit ")
    assert run.status == RunStatus.QUEUED and enqueued == [run.pk]
    assert run_state(district).pending == run
    # The task of the given-up run, if a worker ever takes it, leaves it alone.
    from sozialplan.needs.tasks import recompute_needs

    assert recompute_needs.enqueue(forgotten.pk).return_value == "failed"


def test_only_pending_runs_within_the_timeout_are_live(district: District, settings: Settings) -> None:
    settings.NEEDS_RUN_TIMEOUT = 60
    now = timezone.now()
    old, fresh = now - dt.timedelta(minutes=61), now - dt.timedelta(minutes=59)
    runs = {
        "fresh queued": AnalysisRun.objects.create(district=district),
        "fresh running": AnalysisRun.objects.create(district=district, status=RunStatus.RUNNING, started_at=fresh),
        "old running": AnalysisRun.objects.create(district=district, status=RunStatus.RUNNING, started_at=old),
        "old done": AnalysisRun.objects.create(district=district, status=RunStatus.DONE, started_at=old),
    }
    unstarted = AnalysisRun.objects.create(district=district, status=RunStatus.RUNNING)
    AnalysisRun.objects.filter(pk=unstarted.pk).update(requested_at=old)
    live = AnalysisRun.objects.for_district(district).live(now)
    assert set(live) == {runs["fresh queued"], runs["fresh running"]}
    assert set(AnalysisRun.objects.stale(now)) == {runs["old running"], unstarted}


def test_a_change_after_a_run_started_queues_a_run_behind_it(district: District, enqueued: list[int]) -> None:
    started = timezone.now() - dt.timedelta(minutes=1)
    running = AnalysisRun.objects.create(district=district, status=RunStatus.RUNNING, started_at=started)
    assert request_recompute(district, user=None, reason="Test") == running
    queued = request_recompute(district, user=None, reason="Test", changed_at=timezone.now())
    assert queued != running and queued.status == RunStatus.QUEUED


def test_the_task_computes_the_queued_run_once(district: District) -> None:
    from sozialplan.needs.tasks import recompute_needs

    run = AnalysisRun.objects.create(district=district)
    result = recompute_needs.enqueue(run.pk)  # immediate backend in tests
    run.refresh_from_db()
    assert result.return_value == "done" and run.status == RunStatus.DONE
    assert recompute_needs.enqueue(run.pk).return_value == "done"  # not computed again
    assert recompute_needs.enqueue(run.pk + 1000).return_value == "missing"


def test_only_planners_request_and_decide(district: District, personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        request_recompute(district, user=personas.committee, reason="Test")
    gap = make_gap(district)
    for user in (personas.committee, personas.traeger_a, personas.other_planner, personas.outsider):
        with pytest.raises(PermissionDenied):
            decide_gap(user, gap, GapStatus.CONFIRMED)
        with pytest.raises(PermissionDenied):
            comment_gap(user, gap, "Hallo")


def make_gap(district: District) -> Gap:
    from sozialplan.catalog.models import ActionField, TargetGroup

    themar = gemeinde("Themar")
    return Gap.objects.create(
        district=district,
        kind=GapKind.REACH,
        area_key=themar.key,
        area_name=themar.name,
        region=themar,
        action_field=ActionField.objects.get(code=6),
        target_group=TargetGroup.objects.get(code="hochbetagte"),
        mode=Mode.CAR,
        severity=100.0,
        people_affected=200.0,
        shortfall=0.5,
        pressure=1.0,
        sentence="In Themar leben 412 Menschen ab 80; …",
    )


def test_dismissing_needs_a_reason_and_every_decision_is_audited(district: District, personas: Personas) -> None:
    gap = make_gap(district)
    with pytest.raises(ValidationError) as error:
        decide_gap(personas.planner, gap, GapStatus.DISMISSED, "  ")
    assert error.value.message_dict == {"reason": ["Bitte begründen Sie, warum Sie die Lücke verwerfen."]}
    decided = decide_gap(personas.planner, gap, GapStatus.DISMISSED, "Angebot im Nachbarkreis")
    assert (decided.status, decided.reason, decided.decided_by) == (
        GapStatus.DISMISSED,
        "Angebot im Nachbarkreis",
        personas.planner,
    )
    reopened = decide_gap(personas.planner, gap, GapStatus.OPEN)
    assert (reopened.status, reopened.reason, reopened.decided_at) == (GapStatus.OPEN, "", None)
    actions = list(AuditEntry.objects.filter(object_type="gap").order_by("pk").values_list("action", "changes"))
    assert actions == [
        ("dismissed", {"status": ["open", "dismissed"], "reason": ["", "Angebot im Nachbarkreis"]}),
        ("reopened", {"status": ["dismissed", "open"], "reason": ["Angebot im Nachbarkreis", ""]}),
    ]


def test_comments_are_bounded_and_audited(district: District, personas: Personas) -> None:
    gap = make_gap(district)
    with pytest.raises(ValidationError):
        comment_gap(personas.planner, gap, "   ")
    with pytest.raises(ValidationError) as error:
        comment_gap(personas.planner, gap, "x" * 5001)
    assert "höchstens 5000 Zeichen" in error.value.messages[0]
    comment = comment_gap(personas.planner, gap, "  <script>Fahrdienst prüfen</script>  ")
    assert (comment.text, comment.author) == ("<script>Fahrdienst prüfen</script>", personas.planner)
    assert AuditEntry.objects.get(action="commented").note == "<script>Fahrdienst prüfen</script>"


def test_a_road_network_that_does_not_overlap_the_district_is_refused(district: District) -> None:
    with pytest.raises(ValidationError) as error:
        import_road_network(district, JENA_TEMPO_30, user=None)
    assert error.value.messages == [
        "Das Straßennetz in „Tempo30.geojson“ liegt nicht im Gebiet von Landkreis Hildburghausen: Keine Straße "
        "liegt innerhalb von 5 km um seine Grenze. Bitte einen Ausschnitt laden, der den Kreis abdeckt."
    ]
    assert not RoadNetwork.objects.exists()


def test_a_new_network_replaces_the_old_one_and_can_be_switched_off(district: District) -> None:
    roads = hand_made_network(gemeinde("Hildburghausen"), gemeinde("Themar"))
    old = import_road_network(district, Path("a.osm"), user=None, data=roads).network
    imported = import_road_network(district, Path("b.osm"), user=None, name="Neu", data=roads)
    new = imported.network
    old.refresh_from_db()
    assert not old.is_active and new.is_active and new.name == "Neu"
    assert new.node_count == 4 and new.edge_count == 4  # two nodes and two directed edges per mode
    assert new.report["walk"]["sentences"][0] == "Fußwegenetz: 2 Knoten, 2 gerichtete Kanten."
    assert new.report["file"]["ways_in_district"] == 1
    assert any("Fußwegenetz" in line for line in imported.lines())
    assert deactivate_road_networks(district) == 1
    assert not RoadNetwork.objects.filter(is_active=True).exists()
    assert deactivate_road_networks(district) == 0
