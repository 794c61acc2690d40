"""Planungsräume: a district's named groups of Gemeinden, listed and edited with a map."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sozialplan.regions.models import District, PlanningArea
from sozialplan.workspace import services
from sozialplan.workspace.access import acting_user, get_district, get_planning_area, require
from sozialplan.workspace.forms import PlanningAreaForm
from sozialplan.workspace.services import PlanningAreaData
from sozialplan.workspace.views._common import add_service_errors, workspace_context


def _map_context() -> dict[str, str]:
    return {"map_tile_url": settings.MAP_TILE_URL, "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION}


@login_required
@require_GET
def area_list(request: HttpRequest, district: str) -> HttpResponse:
    d = get_district(request, district)
    require(request, "regions.view_planningarea", d)
    areas = PlanningArea.objects.filter(district=d).prefetch_related("gemeinden").order_by("name")
    return render(request, "workspace/area_list.html", workspace_context(request, d, areas=areas, **_map_context()))


def _data(form: PlanningAreaForm) -> PlanningAreaData:
    return PlanningAreaData(
        name=form.cleaned_data["name"],
        description=form.cleaned_data["description"],
        gemeinden=list(form.cleaned_data["gemeinden"]),
    )


def _render(
    request: HttpRequest, district: District, form: PlanningAreaForm, area: PlanningArea | None
) -> HttpResponse:
    context = workspace_context(request, district, form=form, area=area, **_map_context())
    return render(request, "workspace/area_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def area_create(request: HttpRequest, district: str) -> HttpResponse:
    d = get_district(request, district)
    require(request, "regions.add_planningarea", d)
    form = PlanningAreaForm(request.POST or None, district=d)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_planning_area(acting_user(request), d, _data(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Der Planungsraum wurde angelegt."))
            return redirect("workspace:area_list", district=d.slug)
    return _render(request, d, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def area_edit(request: HttpRequest, district: str, pk: int) -> HttpResponse:
    d = get_district(request, district)
    area = get_planning_area(d, pk)
    require(request, "regions.change_planningarea", area)
    form = PlanningAreaForm(request.POST or None, instance=area, district=d)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_planning_area(acting_user(request), area, _data(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Der Planungsraum wurde gespeichert."))
            return redirect("workspace:area_list", district=d.slug)
    return _render(request, d, form, area)


@login_required
@require_POST
def area_delete(request: HttpRequest, district: str, pk: int) -> HttpResponse:
    d = get_district(request, district)
    area = get_planning_area(d, pk)
    require(request, "regions.delete_planningarea", area)
    name = area.name
    services.delete_planning_area(acting_user(request), area)
    messages.success(request, _("Der Planungsraum „%(name)s“ wurde gelöscht.") % {"name": name})
    return redirect("workspace:area_list", district=d.slug)
