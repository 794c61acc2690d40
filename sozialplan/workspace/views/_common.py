"""Shared helpers of the workspace views: page context, paging, service errors on forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from sozialplan.accounts.rules import may
from sozialplan.offerings.models import Offering, OfferingChange, ReviewState, SiteChange
from sozialplan.regions.models import District
from sozialplan.workspace.access import acting_user

PAGE_SIZE = 50


def workspace_context(request: HttpRequest, district: District, **extra: Any) -> dict[str, Any]:
    """What every district page needs: the district, the user's abilities, the queue size."""
    user = acting_user(request)
    can_review = may(user, "offerings.approve_offering", district)
    context: dict[str, Any] = {
        "district": district,
        "can_view_workspace": may(user, "offerings.view_workspace", district),
        "can_review": can_review,
        "can_view_trail": may(user, "audit.view_trail", district),
        "can_view_statistics": may(user, "indicators.view_statistics_admin", district),
        "can_add_offering": may(user, "offerings.add_offering", district),
        "can_add_provider": may(user, "offerings.add_provider", district),
        "can_add_site": may(user, "offerings.add_site", district),
        "can_add_area": may(user, "regions.add_planningarea", district),
        "review_count": review_count(district) if can_review else 0,
    }
    context.update(extra)
    return context


def review_count(district: District) -> int:
    """New offers and proposed changes (of offers and of Standorte) waiting for a planner."""
    new = Offering.objects.for_district(district).filter(review_state=ReviewState.PENDING).count()
    changes = OfferingChange.objects.pending().filter(offering__district=district).count()
    site_changes = SiteChange.objects.pending().filter(site__district=district).count()
    return new + changes + site_changes


def paginate(request: HttpRequest, queryset: QuerySet[Any], size: int = PAGE_SIZE) -> Page[Any]:
    """The requested page; a bad or too large page number gives the nearest valid page."""
    return Paginator(queryset, size).get_page(request.GET.get("seite"))


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on the form (unknown fields as general errors)."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
