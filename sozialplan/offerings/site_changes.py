"""Review of a Träger's edits of Standorte that serve published offers.

A Standort's name, address, position and accessibility appear on the public
page of every published offer linked to it. So a Träger's edit of such a
Standort does not change it: it becomes a ``SiteChange`` holding only the
changed form values, which a planner approves (applied in one transaction, the
Gemeinde resolved again from the coordinates by point in polygon) or rejects
with a reason the Träger sees. A newer proposal replaces an older pending one.

Planners' edits, and a Träger's edits of Standorte that serve no published
offer, stay direct (``services.update_site``); ``save_site_edit`` decides.
Every step is in the audit trail of the Standort ("Änderung vorgeschlagen",
"Änderung übernommen", "Änderung abgelehnt").
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sozialplan.audit.services import diff, record, snapshot
from sozialplan.offerings.models import ChangeState, Provider, Site, SiteChange
from sozialplan.offerings.services import (
    SITE_AUDIT_FIELDS,
    EditOutcome,
    _fill_site,
    _reason,
    _require,
    site_needs_review,
    write_site,
)
from sozialplan.offerings.values import SITE_FIELDS, SiteData

#: The audited values a proposal can change (the outcome of ``_fill_site``).
SITE_CHANGE_FIELDS = [f for f in SITE_AUDIT_FIELDS if f != "retired_at"]

#: The form values that together decide the position and the Gemeinde.
_LOCATION_INPUTS = ("latitude", "longitude", "gemeinde")
_LOCATION_RESULTS = {"latitude", "longitude", "gemeinde", "position_precision"}


def site_values_to_json(data: SiteData) -> dict[str, Any]:
    """``data`` in JSON form: primary keys for the Träger and the Gemeinde, other values as they are."""
    return {k: v.pk if isinstance(v, models.Model) else v for k, v in data.items()}


def site_values_from_json(site: Site, raw: Mapping[str, Any]) -> SiteData:
    """``SiteChange.data`` back as ``SiteData``; a Träger or Gemeinde outside the district becomes ``None``."""
    data: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in SITE_FIELDS:
            continue
        if name == "provider":
            data[name] = Provider.objects.filter(district_id=site.district_id, pk=value).first() if value else None
        elif name == "gemeinde":
            data[name] = site.district.gemeinden().filter(pk=value).first() if value else None
        else:
            data[name] = value
    return cast(SiteData, data)


def _probe(site: Site, data: SiteData) -> Site:
    """A copy of ``site`` with ``data`` applied and its location resolved; ``site`` stays untouched."""
    probe = copy.copy(site)
    _fill_site(probe, data)
    return probe


def _raw(site: Site, name: str) -> Any:
    """The stored value of a field (the primary key for a foreign key)."""
    field = Site._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field.value_from_object(site)


def _changed_inputs(site: Site, data: SiteData, probe: Site) -> dict[str, Any]:
    """The submitted values (JSON form) that change something; the location inputs travel together."""
    differs = {f for f in SITE_CHANGE_FIELDS if _raw(site, f) != _raw(probe, f)}
    moved = bool(differs & _LOCATION_RESULTS)
    values = site_values_to_json(data)
    return {k: v for k, v in values.items() if k in differs or (moved and k in _LOCATION_INPUTS)}


def site_change_diff(change: SiteChange) -> dict[str, list[Any]]:
    """``{field: [current, proposed]}`` in readable form, for the fields that still differ.

    Empty when the proposal no longer applies (its values are already the
    current ones, or its position no longer lies in the district).
    """
    site = change.site
    try:
        probe = _probe(site, site_values_from_json(site, change.data))
    except ValidationError:
        return {}
    return diff(snapshot(site, SITE_CHANGE_FIELDS), snapshot(probe, SITE_CHANGE_FIELDS))


@transaction.atomic
def propose_site_change(user: User, site: Site, data: SiteData) -> SiteChange | None:
    """Store a Träger's change of ``site`` for review; the Standort itself stays unchanged.

    Only values that change something are stored; returns ``None`` when nothing
    differs. A newer proposal replaces an older pending one (closed as rejected,
    with a note). Raises ``ValidationError`` by form field and ``PermissionDenied``
    for a Träger that would hand the Standort to another.
    """
    _require(user, "offerings.change_site", site)
    probe = _probe(site, data)
    _require(user, "offerings.change_site", probe)
    probe.full_clean()
    changed = _changed_inputs(site, data, probe)
    if not changed:
        return None
    now = timezone.now()
    for older in SiteChange.objects.select_for_update().filter(site=site, state=ChangeState.PENDING):
        _close(user, older, ChangeState.REJECTED, _("Durch einen neueren Vorschlag ersetzt."), now)
    change = SiteChange.objects.create(site=site, data=changed, submitted_by=user)
    record(actor=user, district=site.district, action="change_proposed", obj=site, changes=site_change_diff(change))
    return change


@transaction.atomic
def save_site_edit(user: User, site: Site, data: SiteData) -> EditOutcome:
    """The Standort form's action: direct for planners and unpublished Standorte, else a proposal."""
    _require(user, "offerings.change_site", site)
    if site_needs_review(user, site):
        return EditOutcome.PROPOSED if propose_site_change(user, site, data) is not None else EditOutcome.UNCHANGED
    changes = write_site(user, site, data, action="updated")
    return EditOutcome.UPDATED if changes else EditOutcome.UNCHANGED


def _close(user: User, change: SiteChange, state: ChangeState, note: str, at: dt.datetime | None = None) -> None:
    change.state = state
    change.decided_by = user
    change.decided_at = at or timezone.now()
    change.decision_note = note
    change.save()


def _locked_pending(change: SiteChange) -> SiteChange:
    locked = SiteChange.objects.select_for_update().select_related("site", "site__district").get(pk=change.pk)
    if locked.state != ChangeState.PENDING:
        raise ValidationError(_("Über diesen Vorschlag wurde bereits entschieden."))
    return locked


@transaction.atomic
def approve_site_change(user: User, change: SiteChange) -> Site:
    """Apply a pending proposal to its Standort (planners only), all values in one transaction.

    The Gemeinde is resolved again from the coordinates, as in ``update_site``.
    """
    _require(user, "offerings.approve_site", change.site)
    change = _locked_pending(change)
    site = change.site
    submitter = change.submitted_by.get_username() if change.submitted_by else _("unbekannt")
    note = _("Vorschlag von %(user)s übernommen.") % {"user": submitter}
    write_site(user, site, site_values_from_json(site, change.data), action="change_approved", note=note)
    _close(user, change, ChangeState.APPROVED, "")
    return site


@transaction.atomic
def reject_site_change(user: User, change: SiteChange, reason: str) -> SiteChange:
    """Close a pending proposal without changing the Standort (planners only); the reason goes to the Träger."""
    _require(user, "offerings.approve_site", change.site)
    note = _reason(reason)
    change = _locked_pending(change)
    changes = site_change_diff(change)
    _close(user, change, ChangeState.REJECTED, note)
    record(
        actor=user, district=change.site.district, action="change_rejected", obj=change.site, changes=changes, note=note
    )
    return change
