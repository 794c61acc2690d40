"""Changes of offers, sites and statistics queue one recomputation per district and transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from pytest_django.fixtures import Settings

from sozialplan.indicators.models import Dataset, DatasetFormat
from sozialplan.needs import services
from sozialplan.needs.compute import compute_run
from sozialplan.needs.models import AnalysisRun, RunStatus
from sozialplan.needs.signals import OFFERS_CHANGED, STATISTICS_CHANGED, _Recompute, covered
from sozialplan.needs.tests.needs_data import gemeinde, offer_at
from sozialplan.offerings.models import Offering, Site
from sozialplan.regions.models import District

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> list[int]:
    settings.NEEDS_AUTO_RECOMPUTE = True
    calls: list[int] = []
    monkeypatch.setattr(services, "_enqueue", calls.append)
    return calls


def test_creating_an_offer_with_site_and_relations_queues_one_run(
    district: District, enqueued: list[int], django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        offer_at(district, gemeinde("Themar"), action_fields=[6], target_groups=["senioren", "hochbetagte"])
    run = AnalysisRun.objects.get(district=district)
    assert (run.status, run.reason, run.requested_by) == (RunStatus.QUEUED, OFFERS_CHANGED, None)
    assert enqueued == [run.pk]


def test_each_kind_of_change_queues_a_run(
    district: District, enqueued: list[int], settings: Settings, django_capture_on_commit_callbacks: Capture
) -> None:
    settings.NEEDS_AUTO_RECOMPUTE = False
    offering = offer_at(district, gemeinde("Themar"), action_fields=[6], target_groups=["senioren"])
    site = offering.sites.get()
    settings.NEEDS_AUTO_RECOMPUTE = True
    changes: list[Callable[[], object]] = [
        lambda: Offering.objects.get(pk=offering.pk).save(),
        lambda: offering.action_fields.clear(),
        lambda: offering.target_groups.remove(*offering.target_groups.all()),
        lambda: site.offerings.remove(offering),
        lambda: Site.objects.get(pk=site.pk).save(),
        lambda: Offering.objects.get(pk=offering.pk).delete(),
    ]
    for change in changes:
        AnalysisRun.objects.all().delete()
        enqueued.clear()
        with django_capture_on_commit_callbacks(execute=True):
            change()
        assert len(enqueued) == 1, changes.index(change)


def test_a_statistics_change_queues_every_district(
    district: District, other_district: District, enqueued: list[int], django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        Dataset.objects.create(code="12411-01-01-4", title="Bevölkerung", format=DatasetFormat.GENESIS_FFCSV)
    runs = AnalysisRun.objects.filter(reason=STATISTICS_CHANGED)
    assert set(runs.values_list("district", flat=True)) == {district.pk, other_district.pk}
    assert len(enqueued) == 2


def test_nothing_is_queued_when_automatic_recompute_is_off(
    district: District, enqueued: list[int], settings: Settings, django_capture_on_commit_callbacks: Capture
) -> None:
    settings.NEEDS_AUTO_RECOMPUTE = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        offer_at(district, gemeinde("Themar"), action_fields=[6], target_groups=["senioren"])
    assert callbacks == [] and not AnalysisRun.objects.exists() and enqueued == []


def test_a_run_computed_after_the_change_in_the_same_transaction_makes_the_request_unnecessary(
    district: District, enqueued: list[int], django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        offer_at(district, gemeinde("Themar"), action_fields=[6], target_groups=["senioren"])
        # As the demo does: compute in the same transaction, after the change.
        run = compute_run(AnalysisRun.objects.create(district=district, reason="Demo"))
        assert run.status == RunStatus.DONE, run.error
    assert AnalysisRun.objects.count() == 1 and enqueued == []


def test_a_change_after_the_run_in_the_same_transaction_still_queues_a_run(
    district: District, enqueued: list[int], django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        offer = offer_at(district, gemeinde("Themar"), action_fields=[6], target_groups=["senioren"])
        covered(district.pk, timezone.now())
        Offering.objects.get(pk=offer.pk).save()
    assert AnalysisRun.objects.filter(status=RunStatus.QUEUED).count() == 1 and len(enqueued) == 1


def test_a_run_that_started_between_the_change_and_the_commit_gets_a_run_queued_behind_it(
    district: District, enqueued: list[int], django_capture_on_commit_callbacks: Capture
) -> None:
    now = timezone.now()
    # Another worker started before the commit made the change visible: it may have read the old data.
    running = AnalysisRun.objects.create(
        district=district, status=RunStatus.RUNNING, started_at=now - dt.timedelta(seconds=5)
    )
    callback = _Recompute(district.pk, OFFERS_CHANGED, now - dt.timedelta(seconds=10))
    with django_capture_on_commit_callbacks(execute=True):
        callback()
    queued = AnalysisRun.objects.exclude(pk=running.pk).get()
    assert queued.status == RunStatus.QUEUED and enqueued == [queued.pk]


def test_a_run_that_started_after_the_commit_makes_the_request_unnecessary(
    district: District, enqueued: list[int]
) -> None:
    AnalysisRun.objects.create(
        district=district, status=RunStatus.RUNNING, started_at=timezone.now() + dt.timedelta(seconds=5)
    )
    _Recompute(district.pk, OFFERS_CHANGED, timezone.now() - dt.timedelta(seconds=10))()
    assert AnalysisRun.objects.count() == 1 and enqueued == []


def test_a_rolled_back_change_queues_nothing_and_does_not_block_the_next(
    district: District, enqueued: list[int], django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            offer_at(district, gemeinde("Themar"), action_fields=[6], target_groups=["senioren"])
            raise RuntimeError("abgebrochen")
        assert not AnalysisRun.objects.exists()
        offer_at(district, gemeinde("Eisfeld"), action_fields=[6], target_groups=["senioren"])
    assert len(callbacks) == 2  # the recompute request and, from it, the enqueueing
    assert AnalysisRun.objects.count() == 1 and len(enqueued) == 1
