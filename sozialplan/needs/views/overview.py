"""The Bedarfsanalyse start page: method and state of the run, Handlungsfelder, top gaps; recomputation.

``""``: the current run (when, who, why, parameters, method note, notes),
the six Handlungsfelder with their current open and confirmed gaps, the ten
most severe gaps, and for planners the button "Neu berechnen". ``lauf/``: the
progress of a waiting or running computation as an htmx fragment, polled
every 2 s while there is one (without JavaScript the page links to itself).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sozialplan.catalog.models import ActionField
from sozialplan.needs import services
from sozialplan.needs.forms import RecomputeForm
from sozialplan.needs.models import Gap, GapStatus
from sozialplan.needs.views._common import (
    RunState,
    field_url,
    gap_url,
    needs_district,
    page_context,
    run_state,
)
from sozialplan.needs.views._display import gap_line
from sozialplan.needs.views._method import parameter_rows, requested_by
from sozialplan.regions.models import District
from sozialplan.workspace.access import acting_user, require

TOP_GAPS = 10


def field_counts(district: District) -> list[dict[str, Any]]:
    """Each Handlungsfeld with the numbers of its current open and confirmed gaps and its page."""
    counts: dict[tuple[int, str], int] = {}
    rows = (
        Gap.objects.for_district(district)
        .current()
        .values_list("action_field__code", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for code, status, n in rows:
        counts[(code, status)] = n
    return [
        {
            "field": field,
            "open": counts.get((field.code, GapStatus.OPEN), 0),
            "confirmed": counts.get((field.code, GapStatus.CONFIRMED), 0),
            "url": field_url(district, field.code),
        }
        for field in ActionField.objects.order_by("code")
    ]


def progress_context(state: RunState) -> dict[str, Any]:
    run = state.pending
    return {
        "state": state,
        "pending": run,
        "pending_by": requested_by(run) if run is not None else "",
    }


@require_safe
def index(request: HttpRequest, district: str) -> HttpResponse:
    d = needs_district(request, district)
    state = run_state(d)
    run = state.current
    top = (
        Gap.objects.for_district(d)
        .current()
        .exclude(status=GapStatus.DISMISSED)
        .select_related("action_field", "target_group")
        .ranked()[:TOP_GAPS]
    )
    context = page_context(
        request,
        d,
        run=run,
        run_by=requested_by(run) if run is not None else "",
        parameters=parameter_rows(run.parameters) if run is not None else [],
        fields=field_counts(d),
        top_gaps=[gap_line(g, gap_url(d, g.pk)) for g in top],
        recompute_form=RecomputeForm(),
        **progress_context(state),
    )
    return render(request, "needs/index.html", context)


@require_safe
def progress(request: HttpRequest, district: str) -> HttpResponse:
    """The progress fragment; polling stops once no run is waiting or running (the fragment has no trigger)."""
    d = needs_district(request, district)
    context = page_context(request, d, **progress_context(run_state(d)))
    return render(request, "needs/_progress.html", context)


@require_POST
def recompute(request: HttpRequest, district: str) -> HttpResponse:
    """Ask for a new run (one pending run per district: asking again keeps the waiting one)."""
    d = needs_district(request, district)
    require(request, "needs.recompute", d)
    form = RecomputeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.request_recompute(d, user=acting_user(request), reason=reason or _("von Hand angefordert"))
    messages.success(request, _("Die Neuberechnung ist angefordert. Der Fortschritt steht oben auf der Seite."))
    return redirect("needs:index", district=d.slug)
