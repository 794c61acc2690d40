"""Background task of the Bedarfsanalyse (django-tasks; ``sozialplan db_worker`` runs it in production)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from sozialplan.needs.compute import compute_run
from sozialplan.needs.models import AnalysisRun, RunStatus


@task()
def recompute_needs(run_id: int) -> str:
    """Compute the queued run ``run_id``; returns its final status.

    The run is claimed by switching it from queued to running in one
    statement, so two workers never compute the same run; a run that is
    gone or no longer queued is left alone.
    """
    claimed = AnalysisRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    run = AnalysisRun.objects.filter(pk=run_id).select_related("district").first()
    if run is None:
        return "missing"
    if not claimed:
        return str(run.status)
    return str(compute_run(run).status)
