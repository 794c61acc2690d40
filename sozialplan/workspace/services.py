"""Workflows on Planungsräume (named groups of a district's Gemeinden), with audit entries."""

from __future__ import annotations

from typing import TypedDict

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sozialplan.accounts.rules import may
from sozialplan.audit.services import diff, record, snapshot
from sozialplan.regions.models import District, PlanningArea, Region

AREA_FIELDS = ["name", "description", "gemeinden"]


class PlanningAreaData(TypedDict):
    name: str
    description: str
    gemeinden: list[Region]


def _require(user: User, perm: str, obj: District | PlanningArea) -> None:
    if not may(user, perm, obj):
        raise PermissionDenied(_("Dazu fehlt Ihnen die Berechtigung."))


def _validate(area: PlanningArea, data: PlanningAreaData) -> None:
    errors: dict[str, str] = {}
    name = data["name"].strip()
    if not name:
        errors["name"] = _("Bitte geben Sie einen Namen an.")
    elif PlanningArea.objects.filter(district=area.district, name__iexact=name).exclude(pk=area.pk).exists():
        errors["name"] = _("Einen Planungsraum mit diesem Namen gibt es schon.")
    if not data["gemeinden"]:
        errors["gemeinden"] = _("Bitte wählen Sie mindestens eine Gemeinde.")
    else:
        allowed = set(area.district.gemeinden().values_list("pk", flat=True))
        if any(g.pk not in allowed for g in data["gemeinden"]):
            errors["gemeinden"] = _("Bitte wählen Sie nur Gemeinden dieses Gebiets.")
    if errors:
        raise ValidationError(errors)


def _write(area: PlanningArea, data: PlanningAreaData) -> None:
    area.name = data["name"].strip()
    area.description = data["description"]
    area.full_clean(exclude=["created_by"])
    area.save()
    area.gemeinden.set(data["gemeinden"])


@transaction.atomic
def create_planning_area(user: User, district: District, data: PlanningAreaData) -> PlanningArea:
    """A new Planungsraum of ``district`` (planners only)."""
    _require(user, "regions.add_planningarea", district)
    area = PlanningArea(district=district, created_by=user)
    _validate(area, data)
    _write(area, data)
    record(actor=user, district=district, action="created", obj=area, changes=diff({}, snapshot(area, AREA_FIELDS)))
    return area


@transaction.atomic
def update_planning_area(user: User, area: PlanningArea, data: PlanningAreaData) -> PlanningArea:
    _require(user, "regions.change_planningarea", area)
    _validate(area, data)
    before = snapshot(area, AREA_FIELDS)
    _write(area, data)
    changes = diff(before, snapshot(area, AREA_FIELDS))
    if changes:
        record(actor=user, district=area.district, action="updated", obj=area, changes=changes)
    return area


@transaction.atomic
def delete_planning_area(user: User, area: PlanningArea) -> None:
    """Delete a Planungsraum; the trail keeps its last state (its Gemeinden are untouched)."""
    _require(user, "regions.delete_planningarea", area)
    record(
        actor=user,
        district=area.district,
        action="deleted",
        obj=area,
        changes=diff(snapshot(area, AREA_FIELDS), {}),
    )
    area.delete()
