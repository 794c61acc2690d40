"""Standorte in the workspace: list, create, edit (planners and their own Träger), retire.

A Träger's edit of a Standort that serves a published offer becomes a proposal
(``offerings.site_changes.save_site_edit``); the page says so and shows a
pending proposal and the last rejection reason.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sozialplan.accounts.rules import may
from sozialplan.offerings import services, site_changes
from sozialplan.offerings.forms import SiteForm, providers_for
from sozialplan.offerings.models import ChangeState, OfferingStatus, Site, SiteChange
from sozialplan.offerings.services import EditOutcome
from sozialplan.offerings.values import site_data
from sozialplan.regions.models import District
from sozialplan.workspace.access import acting_user, get_district, get_site, require
from sozialplan.workspace.forms import SiteFilterForm
from sozialplan.workspace.views._common import add_service_errors, paginate, workspace_context

_OUTCOME_MESSAGES = {
    EditOutcome.UPDATED: gettext_lazy("Der Standort wurde gespeichert."),
    EditOutcome.PROPOSED: gettext_lazy(
        "Ihre Änderung wurde eingereicht. Sie wird öffentlich sichtbar, sobald die Sozialplanung sie freigibt."
    ),
    EditOutcome.UNCHANGED: gettext_lazy("Es gab keine Änderungen."),
}


@login_required
@require_GET
def site_list(request: HttpRequest, district: str) -> HttpResponse:
    d = get_district(request, district)
    require(request, "offerings.view_workspace", d)
    form = SiteFilterForm(request.GET or None, district=d)
    sites = Site.objects.filter(district=d)
    state = form.value("state")
    if state == "retired":
        sites = sites.filter(retired_at__isnull=False)
    elif state != "all":
        sites = sites.filter(retired_at__isnull=True)
    if gemeinde := form.value("gemeinde"):
        sites = sites.filter(gemeinde=gemeinde)
    if q := form.value("q"):
        sites = sites.filter(Q(name__icontains=q) | Q(street__icontains=q) | Q(town__icontains=q))
    sites = (
        sites.select_related("provider", "gemeinde")
        .annotate(offer_count=Count("offerings", filter=~Q(offerings__status=OfferingStatus.DEFUNCT)))
        .order_by("name", "pk")
    )
    page = paginate(request, sites)
    return render(request, "workspace/site_list.html", workspace_context(request, d, form=form, page=page))


def _form(request: HttpRequest, district: District, site: Site | None) -> SiteForm:
    user = acting_user(request)
    planner = may(user, "offerings.approve_offering", district)
    return SiteForm(
        request.POST or None,
        instance=site,
        district=district,
        providers=providers_for(user, district, planner=planner),
        planner=planner,
    )


def _render(request: HttpRequest, district: District, form: SiteForm, site: Site | None) -> HttpResponse:
    user = acting_user(request)
    offers = site.offerings.select_related("district").order_by("name") if site is not None else []
    changes = SiteChange.objects.filter(site=site).order_by("-submitted_at") if site is not None else None
    context = workspace_context(
        request,
        district,
        form=form,
        site=site,
        can_retire=site is not None and may(user, "offerings.retire_site", site),
        offers=[o for o in offers if may(user, "offerings.view_offering", o)],
        needs_review=site is not None and services.site_needs_review(user, site),
        pending_change=changes.filter(state=ChangeState.PENDING).first() if changes is not None else None,
        # Rejected by a planner (a proposal replaced by a newer one was closed by its own author).
        last_rejection=changes.filter(state=ChangeState.REJECTED).exclude(decided_by=F("submitted_by")).first()
        if changes is not None
        else None,
    )
    return render(request, "workspace/site_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def site_create(request: HttpRequest, district: str) -> HttpResponse:
    d = get_district(request, district)
    require(request, "offerings.add_site", d)
    form = _form(request, d, None)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.create_site(acting_user(request), d, site_data(form.cleaned_data))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Der Standort wurde angelegt."))
            return redirect("workspace:site_edit", district=d.slug, uuid=site.uuid)
    return _render(request, d, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def site_edit(request: HttpRequest, district: str, uuid: UUID) -> HttpResponse:
    d = get_district(request, district)
    site = get_site(request, d, uuid)
    require(request, "offerings.change_site", site)
    form = _form(request, d, site)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = site_changes.save_site_edit(acting_user(request), site, site_data(form.cleaned_data))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, str(_OUTCOME_MESSAGES[outcome]))
            return redirect("workspace:site_edit", district=d.slug, uuid=site.uuid)
    return _render(request, d, form, site)


def _retire(request: HttpRequest, district: str, uuid: UUID, *, retired: bool) -> HttpResponse:
    d = get_district(request, district)
    site = get_site(request, d, uuid)
    require(request, "offerings.retire_site", site)
    if retired:
        services.retire_site(acting_user(request), site)
        messages.success(request, _("Der Standort ist als aufgegeben markiert."))
    else:
        services.reactivate_site(acting_user(request), site)
        messages.success(request, _("Der Standort ist wieder aktiv."))
    return redirect("workspace:site_edit", district=d.slug, uuid=site.uuid)


@login_required
@require_POST
def site_retire(request: HttpRequest, district: str, uuid: UUID) -> HttpResponse:
    return _retire(request, district, uuid, retired=True)


@login_required
@require_POST
def site_reactivate(request: HttpRequest, district: str, uuid: UUID) -> HttpResponse:
    return _retire(request, district, uuid, retired=False)
