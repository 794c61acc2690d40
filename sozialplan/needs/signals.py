"""Offers, sites and statistics changing make the district's analysis stale: queue a recomputation.

With ``settings.NEEDS_AUTO_RECOMPUTE`` (default on), these changes request
a recomputation (:func:`sozialplan.needs.services.request_recompute`) when
the transaction commits:

* ``post_save``/``post_delete`` of an ``Offering`` or a ``Site`` (its district);
* ``m2m_changed`` of ``Offering.action_fields``, ``target_groups`` and
  ``sites``, from either side (the districts of the offers concerned);
* ``post_save``/``post_delete`` of an indicators ``Dataset`` (every
  district: a statistic may concern any of them).

An import that changes hundreds of rows in one transaction asks once per
district (one callback per district and transaction). A run that started
after the commit, or one computed inside the same transaction after the
changes (the demo; :func:`covered`), makes the request unnecessary; a run
that started before the commit cannot have seen the change, so then a run
is queued behind it. Fixture loading (``raw``) is skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from sozialplan.indicators.models import Dataset
from sozialplan.needs.models import AnalysisRun, RunStatus
from sozialplan.offerings.models import Offering, Site
from sozialplan.regions.models import District

OFFERS_CHANGED = "Angebote geändert"
STATISTICS_CHANGED = "Statistik geändert"


class _Recompute:
    """The on-commit callback for one district (recognisable, so a transaction registers it once).

    ``last_change``: when the latest change of the transaction was signalled;
    ``covered_at``: the start of a run computed *inside* the same transaction
    after the changes (:func:`covered`), which already sees them.
    """

    def __init__(self, district_id: int, reason: str, changed_at: dt.datetime) -> None:
        self.district_id = district_id
        self.reason = reason
        self.last_change = changed_at
        self.covered_at: dt.datetime | None = None
        self.done = False

    def __call__(self) -> None:
        from sozialplan.needs.services import request_recompute

        self.done = True
        if self.covered_at is not None and self.covered_at >= self.last_change:
            return
        # Other transactions see the change only from now on: a run that started
        # before the commit (even after the signal) may have read the old data.
        committed = timezone.now()
        district = District.objects.filter(pk=self.district_id).select_related("region").first()
        if district is None:
            return
        newer = AnalysisRun.objects.filter(
            district=district, started_at__gte=committed, status__in=[RunStatus.RUNNING, RunStatus.DONE]
        )
        if newer.exists():
            return
        request_recompute(district, user=None, reason=self.reason, changed_at=committed)


def _waiting() -> dict[int, _Recompute]:
    """The callbacks of the current transaction that have not run yet, by district."""
    connection = transaction.get_connection()
    # Callbacks already run (only in tests, which never commit) no longer wait.
    return {
        func.district_id: func
        for _sids, func, _robust in connection.run_on_commit
        if isinstance(func, _Recompute) and not func.done
    }


def schedule(district_ids: Iterable[int | None], reason: str) -> None:
    """Request a recomputation of these districts when the current transaction commits (once per district)."""
    if not settings.NEEDS_AUTO_RECOMPUTE:
        return
    waiting = _waiting()
    now = timezone.now()
    for district_id in sorted({d for d in district_ids if d is not None}):
        if district_id in waiting:
            waiting[district_id].last_change = now
            continue
        transaction.on_commit(_Recompute(district_id, reason, now))


def covered(district_id: int, started_at: dt.datetime) -> None:
    """A run of the district that started at ``started_at`` finished inside the current transaction.

    It saw every change the transaction made before it started, so the
    transaction's waiting request for the district is not needed unless a
    change comes later (the demo computes its analysis right after loading
    the offers, in one transaction).
    """
    callback = _waiting().get(district_id)
    if callback is not None:
        callback.covered_at = started_at


@receiver(post_save, sender=Offering, dispatch_uid="needs_offering_saved")
@receiver(post_delete, sender=Offering, dispatch_uid="needs_offering_deleted")
@receiver(post_save, sender=Site, dispatch_uid="needs_site_saved")
@receiver(post_delete, sender=Site, dispatch_uid="needs_site_deleted")
def offer_or_site_changed(instance: Offering | Site, raw: bool = False, **_kwargs: Any) -> None:
    if not raw:
        schedule([instance.district_id], OFFERS_CHANGED)


def offering_relation_changed(
    instance: Any, action: str, reverse: bool, pk_set: set[Any] | None, **_kwargs: Any
) -> None:
    """Forward (``offering.sites.add``): the offer's district; reverse: the districts of the offers in ``pk_set``."""
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if not reverse:
        if action != "pre_clear":
            schedule([instance.district_id], OFFERS_CHANGED)
        return
    if action == "pre_clear" and isinstance(instance, Site):
        # Clearing a site's offers: only the site's district can be concerned.
        schedule([instance.district_id], OFFERS_CHANGED)
    elif action in ("post_add", "post_remove") and pk_set:
        ids = Offering.objects.filter(pk__in=pk_set).values_list("district_id", flat=True).distinct()
        schedule(ids, OFFERS_CHANGED)
    elif action == "pre_clear":
        schedule(
            Offering.objects.filter(**{_reverse_filter(instance): instance})
            .values_list("district_id", flat=True)
            .distinct(),
            OFFERS_CHANGED,
        )


def _reverse_filter(instance: Any) -> str:
    """The Offering lookup that selects the offers related to a catalogue entry (``action_fields``, …)."""
    from sozialplan.catalog.models import ActionField

    return "action_fields" if isinstance(instance, ActionField) else "target_groups"


for _relation in (Offering.action_fields, Offering.target_groups, Offering.sites):
    m2m_changed.connect(
        offering_relation_changed, sender=_relation.through, dispatch_uid=f"needs_offering_{_relation.field.name}"
    )


@receiver(post_save, sender=Dataset, dispatch_uid="needs_dataset_saved")
@receiver(post_delete, sender=Dataset, dispatch_uid="needs_dataset_deleted")
def dataset_changed(raw: bool = False, **_kwargs: Any) -> None:
    if not raw and settings.NEEDS_AUTO_RECOMPUTE:
        schedule(District.objects.values_list("pk", flat=True), STATISTICS_CHANGED)
