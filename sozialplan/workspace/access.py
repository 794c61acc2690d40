"""Look-ups that decide 404 or 403, so views stay a few lines long.

The rule (docs/permissions.md): a district the user is no member of does not
exist for them (404), whatever the record. Inside their district, a record the
user may not see (another Träger's offer) is also 404; a page or action they
may see but not use is 403.
"""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from sozialplan.accounts.rules import is_district_member, may
from sozialplan.offerings.models import Offering, OfferingChange, Provider, Site, SiteChange
from sozialplan.regions.models import District, PlanningArea

_T = TypeVar("_T", bound=Model)


def acting_user(request: HttpRequest) -> User:
    """The logged-in user (views are wrapped in ``login_required``)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user


def get_district(request: HttpRequest, slug: str) -> District:
    """The district of the URL, or 404 for anyone who is not a member.

    Superusers are no exception: they operate the installation (Django admin),
    they do not plan. To work in a district they need a membership like anyone.
    """
    district = get_object_or_404(District.objects.select_related("region"), slug=slug)
    user = acting_user(request)
    if not is_district_member(user, district):
        raise Http404
    return district


def require(request: HttpRequest, perm: str, obj: Any) -> None:
    """403 unless the user holds ``perm`` on ``obj``."""
    if not may(acting_user(request), perm, obj):
        raise PermissionDenied


def _visible(request: HttpRequest, perm: str, obj: _T) -> _T:
    if not may(acting_user(request), perm, obj):
        raise Http404
    return obj


def get_provider(request: HttpRequest, district: District, uuid: UUID) -> Provider:
    provider = get_object_or_404(Provider, district=district, uuid=uuid)
    return _visible(request, "offerings.view_provider", provider)


def get_site(request: HttpRequest, district: District, uuid: UUID) -> Site:
    site = get_object_or_404(
        Site.objects.select_related("provider", "gemeinde", "district"), district=district, uuid=uuid
    )
    return _visible(request, "offerings.view_site", site)


def get_offering(request: HttpRequest, district: District, uuid: UUID) -> Offering:
    offering = get_object_or_404(
        Offering.objects.select_related("provider", "offer_type", "assured_by", "district"),
        district=district,
        uuid=uuid,
    )
    return _visible(request, "offerings.view_offering", offering)


def get_change(request: HttpRequest, district: District, pk: int) -> OfferingChange:
    change = get_object_or_404(
        OfferingChange.objects.select_related("offering", "offering__district", "offering__provider", "submitted_by"),
        offering__district=district,
        pk=pk,
    )
    _visible(request, "offerings.view_offering", change.offering)
    return change


def get_site_change(request: HttpRequest, district: District, pk: int) -> SiteChange:
    """A proposed change of a Standort of ``district``; 404 for whoever may not see the Standort."""
    change = get_object_or_404(
        SiteChange.objects.select_related("site", "site__district", "site__provider", "submitted_by"),
        site__district=district,
        pk=pk,
    )
    _visible(request, "offerings.view_site", change.site)
    return change


def get_planning_area(district: District, pk: int) -> PlanningArea:
    """A Planungsraum of ``district``; they are not secret inside the district, so no 404 by role."""
    return get_object_or_404(PlanningArea.objects.select_related("district"), district=district, pk=pk)
