"""Permission predicates (package ``rules``), checked with ``may(user, perm, obj)``.

Object-level permissions take a ``District``, ``Provider``, ``Site`` or
``Offering``. Outsiders get 404 from the views (they must not learn that a
draft exists); members without the permission get 403.
"""

from __future__ import annotations

from typing import Any

from rules.permissions import has_perm
from rules.predicates import predicate

from sozialplan.accounts.models import Role


def district_of(obj: Any) -> Any:
    """The District an object belongs to (the object itself for a District)."""
    from sozialplan.regions.models import District

    if isinstance(obj, District):
        return obj
    return getattr(obj, "district", None)


def has_role(user: Any, district: Any, role: str) -> bool:
    if not getattr(user, "is_authenticated", False) or district is None:
        return False
    return any(m.district_id == district.pk and m.role == role for m in memberships_of(user))


def memberships_of(user: Any) -> list[Any]:
    """The user's memberships, cached on the user object for one request."""
    cached = getattr(user, "_sozialplan_memberships", None)
    if cached is None:
        cached = list(user.memberships.select_related("district", "provider"))
        user._sozialplan_memberships = cached
    return cached


def may(user: Any, perm: str, obj: Any = None) -> bool:
    """Whether ``user`` holds ``perm`` on ``obj`` by the rules, i.e. by their memberships.

    Use this instead of ``user.has_perm``: Django grants an active superuser
    every permission there, but superusers operate the installation (Django
    admin) and plan only where a membership says so. Inactive users hold none.
    """
    if not getattr(user, "is_active", False):
        return False
    return bool(has_perm(perm, user, obj))


@predicate
def is_planner(user: Any, obj: Any) -> bool:
    """Planner (Sozialplanung) of the object's district."""
    return has_role(user, district_of(obj), Role.PLANNER)


@predicate
def is_committee_member(user: Any, obj: Any) -> bool:
    return has_role(user, district_of(obj), Role.COMMITTEE)


@predicate
def is_district_member(user: Any, obj: Any) -> bool:
    district = district_of(obj)
    if not getattr(user, "is_authenticated", False) or district is None:
        return False
    return any(m.district_id == district.pk for m in memberships_of(user))


@predicate
def is_provider_member(user: Any, obj: Any) -> bool:
    """Acts for the Träger that owns the object (a Provider, Site or Offering)."""
    from sozialplan.offerings.models import Provider

    if not getattr(user, "is_authenticated", False) or obj is None:
        return False
    provider_id = obj.pk if isinstance(obj, Provider) else getattr(obj, "provider_id", None)
    if provider_id is None:
        return False
    district_id = getattr(obj, "district_id", None)
    # The membership's district must be the object's too: a membership that
    # names a Träger of another district (a data-entry error) grants nothing.
    return any(
        m.role == Role.PROVIDER and m.provider_id == provider_id and m.district_id == district_id
        for m in memberships_of(user)
    )


@predicate
def is_any_provider(user: Any) -> bool:
    """Acts for at least one Träger somewhere."""
    if not getattr(user, "is_authenticated", False):
        return False
    return any(m.role == Role.PROVIDER for m in memberships_of(user))


@predicate
def is_district_provider(user: Any, obj: Any) -> bool:
    """Acts for at least one Träger of the object's district (may propose offers there)."""
    return has_role(user, district_of(obj), Role.PROVIDER)


@predicate
def is_superuser(user: Any) -> bool:
    """An active superuser (administration of the installation, Django admin)."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))
