"""Träger in the workspace: list, create, edit, retire and reactivate (planners)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sozialplan.offerings import services
from sozialplan.offerings.forms import ProviderForm
from sozialplan.offerings.models import OfferingStatus, Provider
from sozialplan.offerings.values import provider_data
from sozialplan.workspace.access import acting_user, get_district, get_provider, require
from sozialplan.workspace.forms import RetiredFilterForm
from sozialplan.workspace.views._common import add_service_errors, paginate, workspace_context


@login_required
@require_GET
def provider_list(request: HttpRequest, district: str) -> HttpResponse:
    d = get_district(request, district)
    require(request, "offerings.view_workspace", d)
    form = RetiredFilterForm(request.GET or None)
    providers = Provider.objects.filter(district=d)
    state = form.value("state")
    if state == "retired":
        providers = providers.filter(retired_at__isnull=False)
    elif state != "all":
        providers = providers.filter(retired_at__isnull=True)
    if q := form.value("q"):
        providers = providers.filter(Q(name__icontains=q) | Q(alternate_name__icontains=q))
    providers = providers.annotate(
        offer_count=Count("offerings", filter=~Q(offerings__status=OfferingStatus.DEFUNCT), distinct=True),
        site_count=Count("sites", filter=Q(sites__retired_at__isnull=True), distinct=True),
    ).order_by("name", "pk")
    page = paginate(request, providers)
    return render(request, "workspace/provider_list.html", workspace_context(request, d, form=form, page=page))


@login_required
@require_http_methods(["GET", "POST"])
def provider_create(request: HttpRequest, district: str) -> HttpResponse:
    d = get_district(request, district)
    require(request, "offerings.add_provider", d)
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            provider = services.create_provider(acting_user(request), d, provider_data(form.cleaned_data))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Der Träger wurde angelegt."))
            return redirect("workspace:provider_edit", district=d.slug, uuid=provider.uuid)
    return render(request, "workspace/provider_form.html", workspace_context(request, d, form=form, provider=None))


@login_required
@require_http_methods(["GET", "POST"])
def provider_edit(request: HttpRequest, district: str, uuid: UUID) -> HttpResponse:
    d = get_district(request, district)
    provider = get_provider(request, d, uuid)
    require(request, "offerings.change_provider", provider)
    form = ProviderForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_provider(acting_user(request), provider, provider_data(form.cleaned_data))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Der Träger wurde gespeichert."))
            return redirect("workspace:provider_edit", district=d.slug, uuid=provider.uuid)
    context = workspace_context(
        request,
        d,
        form=form,
        provider=provider,
        offers=provider.offerings.order_by("name"),
        sites=provider.sites.select_related("gemeinde").order_by("name"),
    )
    return render(request, "workspace/provider_form.html", context)


def _retire(request: HttpRequest, district: str, uuid: UUID, *, retired: bool) -> HttpResponse:
    d = get_district(request, district)
    provider = get_provider(request, d, uuid)
    require(request, "offerings.retire_provider", provider)
    if retired:
        services.retire_provider(acting_user(request), provider)
        messages.success(request, _("Der Träger ist als ausgeschieden markiert. Seine Angebote bleiben bestehen."))
    else:
        services.reactivate_provider(acting_user(request), provider)
        messages.success(request, _("Der Träger ist wieder aktiv."))
    return redirect("workspace:provider_edit", district=d.slug, uuid=provider.uuid)


@login_required
@require_POST
def provider_retire(request: HttpRequest, district: str, uuid: UUID) -> HttpResponse:
    return _retire(request, district, uuid, retired=True)


@login_required
@require_POST
def provider_reactivate(request: HttpRequest, district: str, uuid: UUID) -> HttpResponse:
    return _retire(request, district, uuid, retired=False)
