"""Angebote in the workspace: list, create, detail (history, "geprüft"), edit, retire.

The edit page serves planners and Träger alike: a planner's save changes the
offer, a Träger's save of a published offer becomes a proposal (see
``offerings.services.save_offering_edit``).
"""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sozialplan.accounts.rules import may
from sozialplan.audit.models import AuditEntry
from sozialplan.offerings import services
from sozialplan.offerings.forms import OfferingForm, providers_for
from sozialplan.offerings.models import ChangeState, Offering, OfferingStatus, ReviewState, Schedule, Site
from sozialplan.offerings.schedule_forms import BaseScheduleFormSet, schedule_formset, schedule_rows, submitted
from sozialplan.offerings.schedules import rows_from_json
from sozialplan.offerings.services import EditOutcome
from sozialplan.offerings.values import SCHEDULES, OfferingData, offering_data
from sozialplan.regions.models import District
from sozialplan.workspace.access import acting_user, get_district, get_offering, require
from sozialplan.workspace.forms import OfferingFilterForm
from sozialplan.workspace.views._common import add_service_errors, paginate, workspace_context

_OUTCOME_MESSAGES = {
    EditOutcome.UPDATED: gettext_lazy("Das Angebot wurde gespeichert."),
    EditOutcome.PROPOSED: gettext_lazy(
        "Ihre Änderung wurde eingereicht. Sie wird öffentlich sichtbar, sobald die Sozialplanung sie freigibt."
    ),
    EditOutcome.RESUBMITTED: gettext_lazy(
        "Das Angebot wurde gespeichert und wartet auf Freigabe durch die Sozialplanung."
    ),
    EditOutcome.UNCHANGED: gettext_lazy("Es gab keine Änderungen."),
}


def _filtered(district: District, form: OfferingFilterForm) -> QuerySet[Offering]:
    offers = Offering.objects.for_district(district)
    status = form.value("status")
    if status == "all":
        pass
    elif status:
        offers = offers.filter(status=status)
    else:
        offers = offers.exclude(status=OfferingStatus.DEFUNCT)
    if review := form.value("review"):
        offers = offers.filter(review_state=review)
    if field := form.value("field"):
        offers = offers.filter(action_fields=field)
    if gemeinde := form.value("gemeinde"):
        offers = offers.filter(sites__gemeinde=gemeinde, sites__retired_at__isnull=True)
    if form.value("stale"):
        offers = offers.filter(review_state=ReviewState.APPROVED).stale()  # as on the overview
    if q := form.value("q"):
        offers = offers.filter(Q(name__icontains=q) | Q(alternate_name__icontains=q))
    return (
        offers.distinct()
        .select_related("provider")
        .prefetch_related("action_fields", Prefetch("sites", queryset=Site.objects.select_related("gemeinde")))
        .order_by("name", "pk")
    )


@login_required
@require_GET
def offering_list(request: HttpRequest, district: str) -> HttpResponse:
    d = get_district(request, district)
    require(request, "offerings.view_workspace", d)
    form = OfferingFilterForm(request.GET or None, district=d)
    page = paginate(request, _filtered(d, form))
    return render(request, "workspace/offering_list.html", workspace_context(request, d, form=form, page=page))


@login_required
@require_http_methods(["GET", "POST"])
def offering_create(request: HttpRequest, district: str) -> HttpResponse:
    d = get_district(request, district)
    require(request, "offerings.add_offering", d)
    user = acting_user(request)
    planner = may(user, "offerings.approve_offering", d)
    providers = providers_for(user, d, planner=planner)
    form = OfferingForm(request.POST or None, district=d, providers=providers, planner=planner, new=True)
    formset = schedule_formset(_schedule_post(request), None)
    if request.method == "POST" and _valid(form, formset):
        data = _data(form, formset)
        try:
            if planner:
                offer = services.create_offering(user, d, data)
                messages.success(request, _("Das Angebot wurde angelegt."))
            else:
                offer = services.submit_new_offering(user, form.cleaned_data["provider"], data)
                messages.success(
                    request, _("Das Angebot wurde eingereicht. Es erscheint öffentlich, sobald es freigegeben ist.")
                )
            return redirect("workspace:offering_detail", district=d.slug, uuid=offer.uuid)
        except ValidationError as error:
            add_service_errors(form, error)
    context = workspace_context(request, d, form=form, formset=formset, offer=None, planner=planner)
    return render(request, "workspace/offering_form.html", context)


def _schedule_post(request: HttpRequest) -> QueryDict | None:
    """The POST data for the Zeitpläne, or ``None`` if the request sent no Zeitpläne part.

    A POST without it (an older client, a script) leaves the Zeitpläne as they are.
    """
    return request.POST if request.method == "POST" and submitted(request.POST) else None


def _valid(form: OfferingForm, formset: BaseScheduleFormSet) -> bool:
    """Both parts checked, so that every mistake shows at once."""
    form_ok = form.is_valid()
    return (formset.is_valid() if formset.is_bound else True) and form_ok


def _data(form: OfferingForm, formset: BaseScheduleFormSet) -> OfferingData:
    data = offering_data(form.cleaned_data)
    if formset.is_bound:
        data[SCHEDULES] = schedule_rows(formset)
    return data


@login_required
@require_GET
def offering_detail(request: HttpRequest, district: str, uuid: UUID) -> HttpResponse:
    d = get_district(request, district)
    offer = get_offering(request, d, uuid)
    user = acting_user(request)
    can_trail = may(user, "audit.view_trail", d)
    history = (
        AuditEntry.objects.filter(district=d, object_type="offering", object_id=str(offer.uuid))[:100]
        if can_trail
        else []
    )
    changes = offer.changes.select_related("submitted_by", "decided_by").order_by("-submitted_at")[:20]
    rejection = (
        AuditEntry.objects.filter(object_type="offering", object_id=str(offer.uuid), action="rejected").first()
        if offer.review_state == ReviewState.REJECTED
        else None
    )
    context = workspace_context(
        request,
        d,
        offer=offer,
        sites=offer.sites.select_related("gemeinde").order_by("name"),
        schedules=Schedule.objects.filter(offering=offer).order_by("pk"),
        history=history,
        changes=changes,
        pending_change=next((c for c in changes if c.state == ChangeState.PENDING), None),
        rejection=rejection,
        can_change=may(user, "offerings.change_offering", offer),
        can_retire=may(user, "offerings.retire_offering", offer),
        can_verify=may(user, "offerings.verify_offering", offer),
        is_stale=Offering.objects.filter(pk=offer.pk).stale().exists(),
        stale_days=settings.ASSURED_MAX_AGE_DAYS,
    )
    return render(request, "workspace/offering_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def offering_edit(request: HttpRequest, district: str, uuid: UUID) -> HttpResponse:
    d = get_district(request, district)
    offer = get_offering(request, d, uuid)
    require(request, "offerings.change_offering", offer)
    user = acting_user(request)
    planner = may(user, "offerings.approve_offering", offer)
    pending = None if planner else offer.changes.pending().order_by("-submitted_at").first()
    form = OfferingForm(
        request.POST or None,
        instance=offer,
        initial=pending.data if pending else None,
        district=d,
        providers=providers_for(user, d, planner=planner),
        planner=planner,
    )
    proposed = rows_from_json(pending.data[SCHEDULES]) if pending and SCHEDULES in pending.data else None
    formset = schedule_formset(_schedule_post(request), offer, proposed)
    if request.method == "POST" and _valid(form, formset):
        try:
            outcome = services.save_offering_edit(user, offer, _data(form, formset))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _OUTCOME_MESSAGES[outcome])
            return redirect("workspace:offering_detail", district=d.slug, uuid=offer.uuid)
    return render(
        request,
        "workspace/offering_form.html",
        workspace_context(request, d, form=form, formset=formset, offer=offer, planner=planner, pending=pending),
    )


def _post_action(request: HttpRequest, district: str, uuid: UUID, perm: str, action: str) -> HttpResponse:
    d = get_district(request, district)
    offer = get_offering(request, d, uuid)
    require(request, perm, offer)
    user = acting_user(request)
    if action == "retire":
        services.retire_offering(user, offer)
        messages.success(request, _("Das Angebot ist jetzt als eingestellt markiert."))
    elif action == "reactivate":
        services.reactivate_offering(user, offer)
        messages.success(request, _("Das Angebot ist wieder aktiv."))
    else:
        services.mark_verified(user, offer)
        messages.success(request, _("Das Angebot ist als heute geprüft vermerkt."))
    return redirect("workspace:offering_detail", district=d.slug, uuid=offer.uuid)


@login_required
@require_POST
def offering_retire(request: HttpRequest, district: str, uuid: UUID) -> HttpResponse:
    return _post_action(request, district, uuid, "offerings.retire_offering", "retire")


@login_required
@require_POST
def offering_reactivate(request: HttpRequest, district: str, uuid: UUID) -> HttpResponse:
    return _post_action(request, district, uuid, "offerings.retire_offering", "reactivate")


@login_required
@require_POST
def offering_verify(request: HttpRequest, district: str, uuid: UUID) -> HttpResponse:
    return _post_action(request, district, uuid, "offerings.verify_offering", "verify")
