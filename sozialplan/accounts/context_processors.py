"""Template context: the districts and Träger the logged-in user acts for."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sozialplan.accounts.models import Role
from sozialplan.accounts.rules import memberships_of


def memberships(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"planner_districts": [], "provider_memberships": []}
    mine = memberships_of(user)
    return {
        "planner_districts": [m.district for m in mine if m.role == Role.PLANNER],
        "provider_memberships": [m for m in mine if m.role == Role.PROVIDER],
    }
