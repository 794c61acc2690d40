"""The district's audit trail (planners): who changed what, when; filterable by object."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sozialplan.audit.models import AuditEntry
from sozialplan.workspace.access import get_district, require
from sozialplan.workspace.forms import TrailFilterForm
from sozialplan.workspace.views._common import paginate, workspace_context


@login_required
@require_GET
def audit_trail(request: HttpRequest, district: str) -> HttpResponse:
    d = get_district(request, district)
    require(request, "audit.view_trail", d)
    form = TrailFilterForm(request.GET or None)
    entries = AuditEntry.objects.filter(district=d)
    if object_type := form.value("object_type"):
        entries = entries.filter(object_type=object_type)
    if object_id := form.value("object_id"):
        entries = entries.filter(object_id=object_id.strip())
    if q := form.value("q"):
        entries = entries.filter(object_label__icontains=q)
    page = paginate(request, entries.order_by("-at", "-id"))
    return render(request, "workspace/audit_trail.html", workspace_context(request, d, form=form, page=page))
