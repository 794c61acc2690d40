"""Workflows on Träger, Standorte and Angebote, each for an acting user.

Every function checks the acting user's permission (``PermissionDenied``),
validates (``ValidationError`` with German messages keyed by form field), runs
in one transaction and appends to the audit trail. Nothing is ever deleted:
"retire" sets ``retired_at`` (Träger, Standort) or the status "eingestellt"
(Angebot), and the record stays in the database and in the trail.

Publication: planners change offers directly. A Träger's edit of a published
offer becomes an ``OfferingChange`` that waits for a planner
(``approve_change``/``reject_change``); a new offer by a Träger waits with
``review_state=pending`` (``approve_offering``/``reject_offering``). Until then
the public sees the previous version, or nothing.

An offer's Zeitpläne travel with it under ``OfferingData["schedules"]`` (see
``offerings.schedules``): saved, proposed, approved and audited like its fields.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar, cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sozialplan.accounts.rules import may
from sozialplan.audit.services import diff, record, snapshot
from sozialplan.offerings import schedules
from sozialplan.offerings.locations import resolve_location
from sozialplan.offerings.models import (
    ChangeState,
    Offering,
    OfferingChange,
    OfferingStatus,
    PositionPrecision,
    Provider,
    ReviewState,
    Site,
)
from sozialplan.offerings.values import (
    OFFERING_FIELDS,
    OFFERING_FIELDS_FOR_PROVIDERS,
    OFFERING_M2M_FIELDS,
    PROVIDER_FIELDS,
    SCHEDULES,
    SITE_FIELDS,
    Lookup,
    OfferingData,
    ProviderData,
    SiteData,
    current_offering_json,
    display_values,
    offering_scope,
    offering_values_from_json,
    offering_values_to_json,
    relation_lookup,
)
from sozialplan.regions.models import District, Region

PROVIDER_AUDIT_FIELDS = [*PROVIDER_FIELDS, "retired_at"]
SITE_AUDIT_FIELDS = [*SITE_FIELDS, "position_precision", "retired_at"]
OFFERING_AUDIT_FIELDS = [*OFFERING_FIELDS, "review_state", "assured_date", "assured_by"]
SITE_LOCATION_FIELDS = ("latitude", "longitude", "gemeinde")
_Retirable = TypeVar("_Retirable", Provider, Site)


class EditOutcome(enum.StrEnum):
    """What ``save_offering_edit`` did with an edit."""

    UPDATED = "updated"  # a planner changed the offer directly
    PROPOSED = "proposed"  # a Träger's change of a published offer waits for approval
    RESUBMITTED = "resubmitted"  # a Träger changed its unpublished offer; it waits for approval
    UNCHANGED = "unchanged"  # nothing differed from the current values


def _require(user: User, perm: str, obj: models.Model) -> None:
    if not may(user, perm, obj):
        raise PermissionDenied(_("Dazu fehlt Ihnen die Berechtigung."))


def _assign(obj: models.Model, data: Mapping[str, Any], fields: Iterable[str]) -> None:
    """Set the given scalar and foreign-key values on ``obj`` (many-to-many excluded)."""
    for name in fields:
        if name in data and name not in OFFERING_M2M_FIELDS:
            setattr(obj, name, data[name])


# --- Träger -------------------------------------------------------------------------------------


def _check_provider_name(provider: Provider) -> None:
    same = Provider.objects.filter(district_id=provider.district_id, name__iexact=provider.name.strip())
    if same.exclude(pk=provider.pk).exists():
        raise ValidationError({"name": _("Einen Träger mit diesem Namen gibt es in diesem Gebiet schon.")})


@transaction.atomic
def create_provider(user: User, district: District, data: ProviderData) -> Provider:
    """A new Träger in ``district`` (planners only)."""
    _require(user, "offerings.add_provider", district)
    provider = Provider(district=district)
    _assign(provider, data, PROVIDER_FIELDS)
    _check_provider_name(provider)
    provider.full_clean()
    provider.save()
    record(
        actor=user,
        district=district,
        action="created",
        obj=provider,
        changes=diff({}, snapshot(provider, PROVIDER_AUDIT_FIELDS)),
    )
    return provider


@transaction.atomic
def update_provider(user: User, provider: Provider, data: ProviderData) -> Provider:
    """Change a Träger's name, kind and contact details (planners only)."""
    _require(user, "offerings.change_provider", provider)
    before = snapshot(provider, PROVIDER_AUDIT_FIELDS)
    _assign(provider, data, PROVIDER_FIELDS)
    _check_provider_name(provider)
    provider.full_clean()
    changes = diff(before, snapshot(provider, PROVIDER_AUDIT_FIELDS))
    if changes:
        provider.save()
        record(actor=user, district=provider.district, action="updated", obj=provider, changes=changes)
    return provider


@transaction.atomic
def retire_provider(user: User, provider: Provider) -> Provider:
    """Mark a Träger as no longer active (its offers stay as they are)."""
    _require(user, "offerings.retire_provider", provider)
    return _set_retired(user, provider, PROVIDER_AUDIT_FIELDS, retired=True)


@transaction.atomic
def reactivate_provider(user: User, provider: Provider) -> Provider:
    _require(user, "offerings.retire_provider", provider)
    return _set_retired(user, provider, PROVIDER_AUDIT_FIELDS, retired=False)


def _set_retired(user: User, obj: _Retirable, fields: list[str], *, retired: bool) -> _Retirable:
    if (obj.retired_at is not None) == retired:
        return obj
    before = snapshot(obj, fields)
    obj.retired_at = timezone.now() if retired else None
    obj.save(update_fields=["retired_at", "updated_at"])
    record(
        actor=user,
        district=obj.district,
        action="retired" if retired else "reactivated",
        obj=obj,
        changes=diff(before, snapshot(obj, fields)),
    )
    return obj


# --- Standorte ----------------------------------------------------------------------------------


def _fill_site(site: Site, data: SiteData) -> None:
    """Assign ``data`` and resolve the Gemeinde and position (see ``locations``)."""
    _assign(site, data, [f for f in SITE_FIELDS if f not in SITE_LOCATION_FIELDS])
    if site.provider is not None and site.provider.district_id != site.district_id:
        raise ValidationError({"provider": _("Dieser Träger gehört nicht zu diesem Gebiet.")})
    exact = site.position_precision == PositionPrecision.EXACT
    location = resolve_location(
        site.district,
        latitude=data.get("latitude", site.latitude if exact else None),
        longitude=data.get("longitude", site.longitude if exact else None),
        gemeinde=data.get("gemeinde", site.gemeinde),
    )
    site.gemeinde = location.gemeinde
    site.latitude = location.latitude
    site.longitude = location.longitude
    site.position_precision = location.precision


@transaction.atomic
def create_site(user: User, district: District, data: SiteData) -> Site:
    """A new Standort; a Träger may create Standorte only for its own organisation."""
    _require(user, "offerings.add_site", district)
    site = Site(district=district)
    _fill_site(site, data)
    _require(user, "offerings.change_site", site)
    site.full_clean()
    site.save()
    record(
        actor=user, district=district, action="created", obj=site, changes=diff({}, snapshot(site, SITE_AUDIT_FIELDS))
    )
    return site


def serves_published_offer(site: Site) -> bool:
    """Whether ``site`` is linked to at least one published offer, so its data shows on public pages."""
    return Offering.objects.published().filter(sites=site).exists()


def site_needs_review(user: User, site: Site) -> bool:
    """Whether ``user``'s edit of ``site`` must wait for a planner (see ``site_changes``).

    True for a Träger (anyone who may not approve) when the Standort serves a
    published offer: its name, address and accessibility appear on the public
    offer pages. Planners' edits, and a Träger's edits of Standorte that no
    published offer uses, are direct.
    """
    return not may(user, "offerings.approve_site", site) and serves_published_offer(site)


@transaction.atomic
def update_site(user: User, site: Site, data: SiteData) -> Site:
    """Change a Standort's address, position or accessibility directly (planner, or its own Träger).

    A Träger cannot change a Standort of a published offer directly
    (``PermissionDenied``); ``site_changes.save_site_edit`` turns such an edit
    into a proposal.
    """
    _require(user, "offerings.change_site", site)
    if site_needs_review(user, site):
        raise PermissionDenied(_("Änderungen an diesem Standort muss die Sozialplanung freigeben."))
    write_site(user, site, data, action="updated")
    return site


def write_site(user: User, site: Site, data: SiteData, *, action: str, note: str = "") -> dict[str, Any]:
    """Validate, save and audit ``data`` on ``site`` (no review check: callers decide); returns the changes.

    The Gemeinde is resolved again from the coordinates (point in polygon, see
    ``locations``). Raises ``ValidationError`` by form field, ``PermissionDenied``
    when the result would belong to a Träger the user does not act for.
    """
    before = snapshot(site, SITE_AUDIT_FIELDS)
    _fill_site(site, data)
    _require(user, "offerings.change_site", site)  # a Träger cannot hand its Standort to another
    site.full_clean()
    changes = diff(before, snapshot(site, SITE_AUDIT_FIELDS))
    if changes:
        site.save()
    if changes or note:
        record(actor=user, district=site.district, action=action, obj=site, changes=changes, note=note)
    return changes


@transaction.atomic
def retire_site(user: User, site: Site) -> Site:
    """Mark a Standort as given up (planners only)."""
    _require(user, "offerings.retire_site", site)
    return _set_retired(user, site, SITE_AUDIT_FIELDS, retired=True)


@transaction.atomic
def reactivate_site(user: User, site: Site) -> Site:
    _require(user, "offerings.retire_site", site)
    return _set_retired(user, site, SITE_AUDIT_FIELDS, retired=False)


# --- Angebote -----------------------------------------------------------------------------------


def _allowed_fields(user: User, offering: Offering) -> tuple[str, ...]:
    if may(user, "offerings.approve_offering", offering.district):
        return OFFERING_FIELDS
    return OFFERING_FIELDS_FOR_PROVIDERS


def _restrict(data: OfferingData, fields: Iterable[str]) -> OfferingData:
    """``data`` without the fields outside ``fields`` (Zeitpläne are everyone's to edit and always stay)."""
    allowed = {*fields, SCHEDULES}
    return cast(OfferingData, {k: v for k, v in data.items() if k in allowed})


def _validate_offering(user: User, offering: Offering, data: OfferingData) -> None:
    """Check ``data`` against ``offering`` without changing it (German messages by field)."""
    probe = copy.copy(offering)
    _assign(probe, data, OFFERING_FIELDS)
    errors: dict[str, list[str]] = {}
    try:
        probe.full_clean(exclude=["search_text", "hsds_extra"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if probe.min_age is not None and probe.max_age is not None and probe.min_age > probe.max_age:
        errors.setdefault("max_age", []).append(_("Das Höchstalter darf nicht kleiner als das Mindestalter sein."))
    scope = offering_scope(offering.district)
    if probe.provider is not None and not scope["provider"].filter(pk=probe.provider.pk).exists():
        errors.setdefault("provider", []).append(_("Dieser Träger gehört nicht zu diesem Gebiet."))
    values = cast(dict[str, Any], data)
    for name in ("sites", "served_regions"):
        chosen = {o.pk for o in values.get(name, [])}
        if chosen - set(scope[name].filter(pk__in=chosen).values_list("pk", flat=True)):
            errors.setdefault(name, []).append(_("Bitte wählen Sie nur Einträge aus diesem Gebiet."))
    if not may(user, "offerings.approve_offering", offering.district):
        # A Träger may keep the Standorte an offer already has, but add only its own.
        linked = set(offering.sites.values_list("pk", flat=True)) if offering.pk else set()
        foreign = [s for s in values.get("sites", []) if s.pk not in linked and s.provider_id != probe.provider_id]
        if foreign:
            errors.setdefault("sites", []).append(_("Bitte wählen Sie nur Standorte Ihres eigenen Trägers."))
    if SCHEDULES in data and (problems := schedules.validate_rows(offering, data[SCHEDULES])):
        errors.setdefault(SCHEDULES, []).extend(problems)
    if errors:
        raise ValidationError(errors)


def _write(offering: Offering, data: OfferingData) -> None:
    _assign(offering, data, OFFERING_FIELDS)
    offering.save()
    for name in OFFERING_M2M_FIELDS:
        if name in data:
            getattr(offering, name).set(cast(dict[str, Any], data)[name])
    if SCHEDULES in data:
        schedules.write_rows(offering, data[SCHEDULES])


def _state(offering: Offering) -> dict[str, Any]:
    """The audited values of an offer; its Zeitpläne as one German text (absent when it has none)."""
    state = snapshot(offering, OFFERING_AUDIT_FIELDS)
    if text := schedules.summary(schedules.stored_rows(offering)):
        state[SCHEDULES] = text
    return state


def _update(
    user: User,
    offering: Offering,
    data: OfferingData,
    *,
    action: str,
    note: str = "",
    review_state: ReviewState | None = None,
) -> dict[str, Any]:
    """Validate, write and audit; returns the changes as ``{field: [old, new]}``."""
    _validate_offering(user, offering, data)
    before = _state(offering)
    if review_state is not None:
        offering.review_state = review_state
    _write(offering, data)
    changes = diff(before, _state(offering))
    if changes or note:
        record(actor=user, district=offering.district, action=action, obj=offering, changes=changes, note=note)
    return changes


def _create(user: User, district: District, data: OfferingData, state: ReviewState, action: str) -> Offering:
    offering = Offering(district=district, review_state=state)
    _validate_offering(user, offering, data)
    _write(offering, data)
    record(actor=user, district=district, action=action, obj=offering, changes=diff({}, _state(offering)))
    return offering


@transaction.atomic
def create_offering(user: User, district: District, data: OfferingData) -> Offering:
    """A new, published offer (planners only)."""
    _require(user, "offerings.add_offering", district)
    _require(user, "offerings.approve_offering", district)
    return _create(user, district, data, ReviewState.APPROVED, "created")


@transaction.atomic
def submit_new_offering(user: User, provider: Provider, data: OfferingData) -> Offering:
    """A Träger proposes a new offer of ``provider``; it waits for a planner (``pending``)."""
    district = provider.district
    _require(user, "offerings.add_offering", district)
    _require(user, "offerings.change_offering", Offering(district=district, provider=provider))
    data = _restrict(data, OFFERING_FIELDS_FOR_PROVIDERS)
    data["provider"] = provider
    return _create(user, district, data, ReviewState.PENDING, "submitted")


@transaction.atomic
def update_offering(user: User, offering: Offering, data: OfferingData) -> Offering:
    """Change an offer directly, visible to the public at once (planners only)."""
    _require(user, "offerings.change_offering", offering)
    _require(user, "offerings.approve_offering", offering)
    _update(user, offering, data, action="updated")
    return offering


@transaction.atomic
def save_offering_edit(user: User, offering: Offering, data: OfferingData) -> EditOutcome:
    """The edit form's action: direct for planners, a proposal or resubmission for a Träger."""
    _require(user, "offerings.change_offering", offering)
    if may(user, "offerings.approve_offering", offering):
        return EditOutcome.UPDATED if _update(user, offering, data, action="updated") else EditOutcome.UNCHANGED
    if offering.review_state == ReviewState.APPROVED:
        change = propose_offering_change(user, offering, data)
        return EditOutcome.PROPOSED if change is not None else EditOutcome.UNCHANGED
    data = _restrict(data, OFFERING_FIELDS_FOR_PROVIDERS)
    changes = _update(user, offering, data, action="resubmitted", review_state=ReviewState.PENDING)
    return EditOutcome.RESUBMITTED if changes else EditOutcome.UNCHANGED


@transaction.atomic
def propose_offering_change(user: User, offering: Offering, data: OfferingData) -> OfferingChange | None:
    """Store a change of a published offer for review; the offer itself stays unchanged.

    Only fields whose proposed value differs from the current one are stored.
    Returns ``None`` when nothing differs. A newer proposal replaces an older
    pending one (the older is closed as rejected, with a note).
    """
    _require(user, "offerings.change_offering", offering)
    data = _restrict(data, _allowed_fields(user, offering))
    _validate_offering(user, offering, data)
    proposed = offering_values_to_json(data)
    current = current_offering_json(offering, proposed.keys())
    changed = {k: v for k, v in proposed.items() if current[k] != v}
    if not changed:
        return None
    now = timezone.now()
    for older in OfferingChange.objects.select_for_update().filter(offering=offering, state=ChangeState.PENDING):
        older.state = ChangeState.REJECTED
        older.decided_by = user
        older.decided_at = now
        older.decision_note = _("Durch einen neueren Vorschlag ersetzt.")
        older.save()
    change = OfferingChange.objects.create(offering=offering, data=changed, submitted_by=user)
    record(
        actor=user,
        district=offering.district,
        action="change_proposed",
        obj=offering,
        changes=proposal_diff(change),
    )
    return change


def proposal_diff(change: OfferingChange, lookup: Lookup | None = None) -> dict[str, list[Any]]:
    """``{field: [current, proposed]}`` in readable form, for fields that still differ.

    Zeitpläne appear as one field ``schedules`` (all of them as German text).
    Uses the offer's prefetched relations and ``lookup`` when given (see ``proposal_diffs``).
    """
    offering = change.offering
    proposed = display_values(offering_values_from_json(offering.district, change.data, lookup))
    current = snapshot(offering, list(proposed))
    if SCHEDULES in proposed:
        current[SCHEDULES] = schedules.summary(schedules.current_rows(offering))
    return diff(current, proposed)


#: What ``proposal_diffs`` prefetches on the offers: everything a proposal can change.
PROPOSAL_PREFETCH = (*(n for n in OFFERING_M2M_FIELDS if n != "served_regions"), SCHEDULES)


def proposal_diffs(changes: list[OfferingChange]) -> list[dict[str, list[Any]]]:
    """``proposal_diff`` for many proposals with a constant number of queries.

    The offers' many-to-many relations and Zeitpläne are prefetched once, and
    the records the proposals refer to are resolved once per district and
    relation. Load the changes with ``select_related("offering__district",
    "offering__provider", "offering__offer_type")`` so that the foreign keys
    cost nothing either.
    """
    offerings = [c.offering for c in changes]
    models.prefetch_related_objects(
        offerings,
        *PROPOSAL_PREFETCH,
        models.Prefetch("served_regions", queryset=Region.objects.defer("boundary")),
    )
    lookups: dict[int, Lookup] = {}
    for district_id in {o.district_id for o in offerings}:
        district = next(o.district for o in offerings if o.district_id == district_id)
        raws = [c.data for c in changes if c.offering.district_id == district_id]
        lookups[district_id] = relation_lookup(district, raws)
    return [proposal_diff(c, lookups[c.offering.district_id]) for c in changes]


def _close(user: User, change: OfferingChange, state: ChangeState, note: str) -> None:
    change.state = state
    change.decided_by = user
    change.decided_at = timezone.now()
    change.decision_note = note
    change.save()


def _locked_pending(change: OfferingChange) -> OfferingChange:
    locked = OfferingChange.objects.select_for_update().select_related("offering").get(pk=change.pk)
    if locked.state != ChangeState.PENDING:
        raise ValidationError(_("Über diesen Vorschlag wurde bereits entschieden."))
    return locked


@transaction.atomic
def approve_change(user: User, change: OfferingChange) -> Offering:
    """Apply a pending proposal to its offer, all fields in one transaction."""
    _require(user, "offerings.approve_offering", change.offering)
    change = _locked_pending(change)
    offering = change.offering
    data = offering_values_from_json(offering.district, change.data)
    submitter = change.submitted_by.get_username() if change.submitted_by else _("unbekannt")
    note = _("Vorschlag von %(user)s übernommen.") % {"user": submitter}
    _update(user, offering, data, action="change_approved", note=note)
    _close(user, change, ChangeState.APPROVED, "")
    return offering


def _reason(reason: str) -> str:
    cleaned = reason.strip()
    if not cleaned:
        raise ValidationError({"reason": _("Bitte geben Sie eine Begründung an.")})
    return cleaned


@transaction.atomic
def reject_change(user: User, change: OfferingChange, reason: str) -> OfferingChange:
    """Close a pending proposal without changing the offer; the reason goes to the Träger."""
    _require(user, "offerings.approve_offering", change.offering)
    note = _reason(reason)
    change = _locked_pending(change)
    changes = proposal_diff(change)
    _close(user, change, ChangeState.REJECTED, note)
    record(
        actor=user,
        district=change.offering.district,
        action="change_rejected",
        obj=change.offering,
        changes=changes,
        note=note,
    )
    return change


def _decide_offering(user: User, offering: Offering, state: ReviewState, action: str, note: str) -> Offering:
    _require(user, "offerings.approve_offering", offering)
    offering = Offering.objects.select_for_update().get(pk=offering.pk)
    if offering.review_state != ReviewState.PENDING:
        raise ValidationError(_("Dieses Angebot wartet nicht auf Freigabe."))
    offering.review_state = state
    offering.save(update_fields=["review_state", "updated_at"])
    record(
        actor=user,
        district=offering.district,
        action=action,
        obj=offering,
        changes={"review_state": [ReviewState.PENDING.value, state.value]},
        note=note,
    )
    return offering


@transaction.atomic
def approve_offering(user: User, offering: Offering) -> Offering:
    """Publish a new offer that a Träger submitted."""
    return _decide_offering(user, offering, ReviewState.APPROVED, "approved", "")


@transaction.atomic
def reject_offering(user: User, offering: Offering, reason: str) -> Offering:
    """Refuse a submitted offer; it stays unpublished and the Träger sees the reason."""
    return _decide_offering(user, offering, ReviewState.REJECTED, "rejected", _reason(reason))


def _set_status(user: User, offering: Offering, status: OfferingStatus, action: str) -> Offering:
    if offering.status == status:
        return offering
    before = offering.status
    offering.status = status
    offering.save(update_fields=["status", "updated_at"])
    record(
        actor=user,
        district=offering.district,
        action=action,
        obj=offering,
        changes={"status": [before, status.value]},
    )
    return offering


@transaction.atomic
def retire_offering(user: User, offering: Offering) -> Offering:
    """Mark an offer as "eingestellt" (defunct); it leaves the public directory, not the database."""
    _require(user, "offerings.retire_offering", offering)
    return _set_status(user, offering, OfferingStatus.DEFUNCT, "retired")


@transaction.atomic
def reactivate_offering(user: User, offering: Offering) -> Offering:
    _require(user, "offerings.retire_offering", offering)
    return _set_status(user, offering, OfferingStatus.ACTIVE, "reactivated")


@transaction.atomic
def mark_verified(user: User, offering: Offering) -> Offering:
    """Record that ``user`` checked the offer today ("geprüft": ``assured_date``, ``assured_by``)."""
    _require(user, "offerings.verify_offering", offering)
    before = snapshot(offering, ["assured_date", "assured_by"])
    offering.assured_date = timezone.localdate()
    offering.assured_by = user
    offering.save(update_fields=["assured_date", "assured_by", "updated_at"])
    record(
        actor=user,
        district=offering.district,
        action="verified",
        obj=offering,
        changes=diff(before, snapshot(offering, ["assured_date", "assured_by"])),
    )
    return offering
