"""Freigaben: the planner's queue of new offers and proposed changes, with approve/reject.

Every decision is a POST with CSRF token. With htmx (``HX-Request``) the queue
swaps the decided item in place; without JavaScript the same forms post and
redirect back, so everything works without JS.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sozialplan.audit.display import rows_for
from sozialplan.offerings import services, site_changes
from sozialplan.offerings.forms import DecisionForm
from sozialplan.offerings.models import Offering, OfferingChange, ReviewState, SiteChange
from sozialplan.regions.models import District
from sozialplan.workspace.access import (
    acting_user,
    get_change,
    get_district,
    get_offering,
    get_site_change,
    require,
)
from sozialplan.workspace.views._common import is_htmx, workspace_context


@login_required
@require_GET
def review_queue(request: HttpRequest, district: str) -> HttpResponse:
    d = get_district(request, district)
    require(request, "offerings.approve_offering", d)
    new_offers = (
        Offering.objects.for_district(d)
        .filter(review_state=ReviewState.PENDING)
        .select_related("provider")
        .order_by("created_at")
    )
    changes = list(
        OfferingChange.objects.pending()
        .filter(offering__district=d)
        .select_related("offering__provider", "offering__offer_type", "offering__district__region", "submitted_by")
        .order_by("submitted_at")
    )
    # All diffs at once: the number of queries does not grow with the number of proposals.
    diffs = services.proposal_diffs(changes)
    items = [(change, rows_for("offering", changed)) for change, changed in zip(changes, diffs, strict=True)]
    site_items = [
        (change, rows_for("site", site_changes.site_change_diff(change))) for change in pending_site_changes(d)
    ]
    context = workspace_context(request, d, new_offers=new_offers, items=items, site_items=site_items)
    return render(request, "workspace/review_queue.html", context)


def pending_site_changes(district: District) -> list[SiteChange]:
    """The district's pending proposals for Standorte, oldest first."""
    return list(
        SiteChange.objects.pending()
        .filter(site__district=district)
        .select_related("site__provider", "site__gemeinde", "site__district__region", "submitted_by")
        .order_by("submitted_at")
    )


@login_required
@require_GET
def change_detail(request: HttpRequest, district: str, pk: int) -> HttpResponse:
    d = get_district(request, district)
    change = get_change(request, d, pk)
    require(request, "offerings.approve_offering", change.offering)
    return _render_change(request, d, change)


def _render_change(
    request: HttpRequest, district: District, change: OfferingChange, errors: list[str] | None = None
) -> HttpResponse:
    rows = rows_for("offering", services.proposal_diff(change)) if change.state == "pending" else []
    context = workspace_context(request, district, change=change, rows=rows, decision_errors=errors or [])
    return render(request, "workspace/review_change.html", context)


def _done(request: HttpRequest, district: District, message: str) -> HttpResponse:
    """After a decision: a small fragment for htmx, else back to the queue with a message."""
    if is_htmx(request):
        return render(request, "workspace/_review_done.html", {"message": message})
    messages.success(request, message)
    return redirect("workspace:review_queue", district=district.slug)


@login_required
@require_POST
def change_approve(request: HttpRequest, district: str, pk: int) -> HttpResponse:
    d = get_district(request, district)
    change = get_change(request, d, pk)
    require(request, "offerings.approve_offering", change.offering)
    try:
        services.approve_change(acting_user(request), change)
    except ValidationError as error:
        return _failed(request, d, change, DecisionForm(), error)
    return _done(request, d, _("Die Änderung an „%(name)s“ ist übernommen.") % {"name": change.offering.name})


@login_required
@require_POST
def change_reject(request: HttpRequest, district: str, pk: int) -> HttpResponse:
    d = get_district(request, district)
    change = get_change(request, d, pk)
    require(request, "offerings.approve_offering", change.offering)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _failed(request, d, change, form, None)
    try:
        services.reject_change(acting_user(request), change, form.cleaned_data["reason"])
    except ValidationError as error:
        return _failed(request, d, change, form, error)
    return _done(request, d, _("Die Änderung an „%(name)s“ ist abgelehnt.") % {"name": change.offering.name})


def _failed(
    request: HttpRequest,
    district: District,
    change: OfferingChange,
    form: DecisionForm,
    error: ValidationError | None,
) -> HttpResponse:
    """Show why a decision failed: in the htmx fragment, or on the proposal's page."""
    errors = [*(error.messages if error is not None else []), *(form.errors.get("reason", []) if form.is_bound else [])]
    if is_htmx(request):
        context = {"district": district, "change": change, "decision_errors": errors}
        return render(request, "workspace/_change_decision.html", context)
    return _render_change(request, district, change, errors)


def _decide_offering(request: HttpRequest, district: str, uuid: UUID, *, approve: bool) -> HttpResponse:
    d = get_district(request, district)
    offer = get_offering(request, d, uuid)
    require(request, "offerings.approve_offering", offer)
    form = DecisionForm(request.POST)
    try:
        if approve:
            services.approve_offering(acting_user(request), offer)
            message = _("„%(name)s“ ist freigegeben und öffentlich sichtbar.") % {"name": offer.name}
        elif form.is_valid():
            services.reject_offering(acting_user(request), offer, form.cleaned_data["reason"])
            message = _("„%(name)s“ ist abgelehnt.") % {"name": offer.name}
        else:
            raise ValidationError(_("Bitte geben Sie eine Begründung an."))
    except ValidationError as error:
        if is_htmx(request):
            context = {"district": d, "offer": offer, "decision_errors": error.messages}
            return render(request, "workspace/_offering_decision.html", context)
        for text in error.messages:
            messages.error(request, text)
        return redirect("workspace:offering_detail", district=d.slug, uuid=offer.uuid)
    return _done(request, d, message)


@login_required
@require_POST
def offering_approve(request: HttpRequest, district: str, uuid: UUID) -> HttpResponse:
    return _decide_offering(request, district, uuid, approve=True)


@login_required
@require_POST
def offering_reject(request: HttpRequest, district: str, uuid: UUID) -> HttpResponse:
    return _decide_offering(request, district, uuid, approve=False)


def _decide_site_change(request: HttpRequest, district: str, pk: int, *, approve: bool) -> HttpResponse:
    """Approve or reject a Träger's proposal for a Standort (planners only)."""
    d = get_district(request, district)
    change = get_site_change(request, d, pk)
    require(request, "offerings.approve_site", change.site)
    name = change.site.name
    form = DecisionForm(request.POST)
    try:
        if approve:
            site_changes.approve_site_change(acting_user(request), change)
            message = _("Die Änderung am Standort „%(name)s“ ist übernommen.") % {"name": name}
        elif form.is_valid():
            site_changes.reject_site_change(acting_user(request), change, form.cleaned_data["reason"])
            message = _("Die Änderung am Standort „%(name)s“ ist abgelehnt.") % {"name": name}
        else:
            raise ValidationError(list(form.errors.get("reason", [])) or _("Bitte geben Sie eine Begründung an."))
    except ValidationError as error:
        if is_htmx(request):
            context = {"district": d, "change": change, "decision_errors": error.messages}
            return render(request, "workspace/_site_change_decision.html", context)
        for text in error.messages:
            messages.error(request, text)
        return redirect("workspace:review_queue", district=d.slug)
    return _done(request, d, message)


@login_required
@require_POST
def site_change_approve(request: HttpRequest, district: str, pk: int) -> HttpResponse:
    return _decide_site_change(request, district, pk, approve=True)


@login_required
@require_POST
def site_change_reject(request: HttpRequest, district: str, pk: int) -> HttpResponse:
    return _decide_site_change(request, district, pk, approve=False)
