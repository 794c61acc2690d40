"""Template context: the districts and Träger the logged-in user acts for."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sozialplan.accounts.models import Role
from sozialplan.accounts.rules import memberships_of


def memberships(request: HttpRequest) -> dict[str, Any]:
    """``planner_districts``: districts whose planning workspace the user may open.

    That is where the user is a planner or a committee member (committee
    members read the workspace without changing it), each district once.
    ``provider_memberships``: the Träger the user acts for.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"planner_districts": [], "provider_memberships": []}
    mine = memberships_of(user)
    districts = {m.district.pk: m.district for m in mine if m.role in (Role.PLANNER, Role.COMMITTEE)}
    return {
        "planner_districts": sorted(districts.values(), key=lambda d: d.name),
        "provider_memberships": [m for m in mine if m.role == Role.PROVIDER],
    }
