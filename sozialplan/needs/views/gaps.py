"""The gap register, its exports and the detail page of a gap with the planner's decision and comments.

``luecken/``: all gaps of the district ranked by severity; filters status
(default: open and confirmed), Handlungsfeld, Zielgruppe, and ``alle=on`` to
include gaps the newest run no longer computes; ``sortierung=anteil`` ranks
by the share of the Zielgruppe affected (people affected / the area's
persons of the Zielgruppe, ``evidence["population"]``) × shortfall ×
pressure instead, so that small groups such as Hochbetagte are found too. ``luecken.csv`` /
``luecken.geojson`` export the same selection. ``luecken/<pk>/``: the
sentence, the evidence, the severity formula with this gap's numbers, the
method, status, decision and comment forms (planners), comments and the
decision history from the audit trail. A gap of another district is 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, FloatField, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, NullIf
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sozialplan.accounts.rules import may
from sozialplan.audit.models import AuditEntry
from sozialplan.catalog.models import TargetGroup
from sozialplan.indicators.spreadsheet import to_csv
from sozialplan.needs import exports, services
from sozialplan.needs.forms import SORT_SHARE, CommentForm, DecisionForm, GapFilterForm
from sozialplan.needs.models import Gap, GapQuerySet, GapStatus
from sozialplan.needs.views._common import GEOJSON, gap_url, needs_district, page_context, run_state
from sozialplan.needs.views._display import gap_line, severity_formula
from sozialplan.needs.views._evidence import evidence_rows
from sozialplan.needs.views._gapmap import gap_map
from sozialplan.regions.models import District
from sozialplan.workspace.access import acting_user, require
from sozialplan.workspace.views._common import add_service_errors, paginate

FILTER_NAMES = ("status", "hf", "zielgruppe", "sortierung", "alle")


def _targets(district: District) -> list[tuple[str, str]]:
    """The Zielgruppen that occur among the district's gaps (code, name)."""
    used = Gap.objects.for_district(district).values("target_group")
    return list(TargetGroup.objects.filter(pk__in=used).order_by("sort_order", "name").values_list("code", "name"))


def filter_form(request: HttpRequest, district: District) -> GapFilterForm:
    data = {name: request.GET.get(name, "") for name in FILTER_NAMES}
    return GapFilterForm({k: v for k, v in data.items() if v}, targets=_targets(district))


def by_share(gaps: GapQuerySet) -> GapQuerySet:
    """Current gaps first, then by share affected × shortfall × pressure (gaps without a population last).

    The share is ``people_affected / evidence.population`` (the area's persons
    of the Zielgruppe, stored with every gap); ties by severity.
    """
    population = NullIf(Cast(KT("evidence__population"), FloatField()), Value(0.0))
    weight = F("people_affected") / population * F("shortfall") * F("pressure")
    return gaps.annotate(share_weight=weight).order_by(
        "-is_current", F("share_weight").desc(nulls_last=True), "-severity", "area_name", "pk"
    )


def filtered(district: District, form: GapFilterForm) -> GapQuerySet:
    """The gaps the (valid) filter selects, ranked by severity or by share (current gaps first)."""
    gaps = Gap.objects.for_district(district).select_related("action_field", "target_group")
    data = form.cleaned_data
    if not data.get("alle"):
        gaps = gaps.current()
    status = data.get("status") or ""
    if status == "":
        gaps = gaps.filter(status__in=[GapStatus.OPEN, GapStatus.CONFIRMED])
    elif status != "alle":
        gaps = gaps.filter(status=status)
    if data.get("hf") is not None:
        gaps = gaps.filter(action_field__code=data["hf"])
    if data.get("zielgruppe"):
        gaps = gaps.filter(target_group__code=data["zielgruppe"])
    if data.get("sortierung") == SORT_SHARE:
        return by_share(gaps)
    return gaps.ranked()


def _export_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("seite", None)
    return query.urlencode()


@require_safe
def gap_list(request: HttpRequest, district: str) -> HttpResponse:
    d = needs_district(request, district)
    form = filter_form(request, d)
    context = page_context(request, d, form=form, run=run_state(d).current)
    if not form.is_valid():
        return render(request, "needs/gap_list.html", context, status=400)
    page = paginate(request, filtered(d, form))
    query = _export_query(request)
    csv_url = reverse("needs:gap_csv", kwargs={"district": d.slug})
    geo_url = reverse("needs:gap_geojson", kwargs={"district": d.slug})
    offset = page.start_index() - 1 if page.object_list else 0
    context.update(
        page=page,
        offset=offset,
        by_share=form.by_share,
        gaps=[gap_line(g, gap_url(d, g.pk)) for g in page.object_list],
        downloads=[
            ("CSV", f"{csv_url}?{query}" if query else csv_url),
            ("GeoJSON", f"{geo_url}?{query}" if query else geo_url),
        ],
    )
    return render(request, "needs/gap_list.html", context)


def _valid_gaps(request: HttpRequest, district: District) -> list[Gap]:
    form = filter_form(request, district)
    if not form.is_valid():
        raise Http404
    return list(filtered(district, form))


@require_safe
def gap_csv(request: HttpRequest, district: str) -> HttpResponse:
    d = needs_district(request, district)
    response = HttpResponse(to_csv(exports.gaps_sheet(_valid_gaps(request, d))), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="luecken.csv"'
    return response


@require_safe
def gap_geojson(request: HttpRequest, district: str) -> JsonResponse:
    d = needs_district(request, district)
    response = JsonResponse(exports.gaps_features(d, _valid_gaps(request, d)), content_type=GEOJSON)
    response["Content-Disposition"] = 'attachment; filename="luecken.geojson"'
    return response


def _get_gap(district: District, pk: int) -> Gap:
    return get_object_or_404(
        Gap.objects.select_related("action_field", "target_group", "decided_by", "run", "district"),
        district=district,
        pk=pk,
    )


def detail_context(
    request: HttpRequest,
    district: District,
    gap: Gap,
    *,
    decision_form: DecisionForm | None = None,
    comment_form: CommentForm | None = None,
) -> dict[str, Any]:
    user = acting_user(request)
    history = AuditEntry.objects.filter(district=district, object_type="gap", object_id=str(gap.pk))[:100]
    return page_context(
        request,
        district,
        gap=gap,
        line=gap_line(gap, gap_url(district, gap.pk)),
        evidence=evidence_rows(gap.evidence),
        formula=severity_formula(gap),
        comments=gap.comments.select_related("author"),
        history=history,
        decision_form=decision_form or DecisionForm(),
        comment_form=comment_form or CommentForm(),
        can_decide=may(user, "needs.decide_gap", gap),
        map_url=reverse("needs:gap_map", kwargs={"district": district.slug, "pk": gap.pk}),
        related=related_gaps(district, gap),
        # The evidence chain starts at the indicators: the Gemeinde's profile (age structure, projection).
        profile_url=reverse("indicators_planner:profile", kwargs={"district": district.slug, "key": gap.area_key}),
    )


def related_gaps(district: District, gap: Gap) -> list[tuple[Gap, str]]:
    """The other current gaps of the same Gemeinde, most severe first, with their links.

    Nested Zielgruppen (Senior:innen and Hochbetagte, Familien and Kinder) and
    offers with two Handlungsfelder make parallel gaps; deciding them side by
    side is easier than finding them in the register.
    """
    others = (
        Gap.objects.for_district(district)
        .current()
        .filter(area_key=gap.area_key)
        .exclude(pk=gap.pk)
        .select_related("action_field", "target_group")
        .order_by("-severity", "pk")[:50]
    )
    return [(other, gap_url(district, other.pk)) for other in others]


@require_safe
def gap_detail(request: HttpRequest, district: str, pk: int) -> HttpResponse:
    d = needs_district(request, district)
    gap = _get_gap(d, pk)
    return render(request, "needs/gap_detail.html", detail_context(request, d, gap))


@require_safe
def gap_map_data(request: HttpRequest, district: str, pk: int) -> JsonResponse:
    """The gap's area, its demand points and the nearest offers of the gap's category (current run)."""
    d = needs_district(request, district)
    gap = _get_gap(d, pk)
    return JsonResponse(gap_map(d, gap, run_state(d).current), content_type=GEOJSON)


@require_POST
def gap_decide(request: HttpRequest, district: str, pk: int) -> HttpResponse:
    """Confirm, dismiss (with a reason) or reopen; errors re-show the page with the form (status 400)."""
    d = needs_district(request, district)
    gap = _get_gap(d, pk)
    require(request, "needs.decide_gap", gap)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            status = GapStatus(form.cleaned_data["status"])
            gap = services.decide_gap(acting_user(request), gap, status, form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Die Lücke ist jetzt „%(status)s“.") % {"status": GapStatus(gap.status).label})
            return redirect(gap_url(d, gap.pk))
    context = detail_context(request, d, gap, decision_form=form)
    return render(request, "needs/gap_detail.html", context, status=400)


@require_POST
def gap_comment(request: HttpRequest, district: str, pk: int) -> HttpResponse:
    d = needs_district(request, district)
    gap = _get_gap(d, pk)
    require(request, "needs.decide_gap", gap)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_gap(acting_user(request), gap, form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Ihr Kommentar ist gespeichert."))
            return redirect(gap_url(d, gap.pk) + "#kommentare")
    context = detail_context(request, d, gap, comment_form=form)
    return render(request, "needs/gap_detail.html", context, status=400)
