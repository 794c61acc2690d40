"""The district at a glance (planners; committee members read-only) and its map data."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sozialplan.catalog.models import ActionField
from sozialplan.offerings.models import Offering, OfferingChange, Provider, ReviewState, Site, SiteChange
from sozialplan.regions.models import PlanningArea, Region
from sozialplan.workspace.access import get_district, require
from sozialplan.workspace.mapdata import gemeinden_geojson
from sozialplan.workspace.stats import Matrix, counted_offerings, offerings_matrix
from sozialplan.workspace.views._common import workspace_context


@dataclass(frozen=True)
class Cell:
    count: int
    url: str  # the offer list filtered to this cell ("" where no filter exists, e.g. "ohne Standort")


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell]
    total: Cell


@dataclass(frozen=True)
class Table:
    columns: list[tuple[str, str]]  # (short heading, full name)
    rows: list[Row]
    totals: Row


def matrix_table(matrix: Matrix[Region, ActionField], list_url: str) -> Table:
    """The Gemeinde × Handlungsfeld matrix as table rows with links to the filtered offer list.

    The matrix counts published offers only, so every link also filters the
    list to published ones (``review=approved``; the list's default status
    filter already leaves out "eingestellt"): a cell's number is the number of
    rows its link shows.
    """

    def url(row: Region | str | None, column: ActionField | str | None) -> str:
        params = {"review": ReviewState.APPROVED.value}
        if isinstance(row, Region):
            params["gemeinde"] = row.key
        elif row is None:
            return ""
        if isinstance(column, ActionField):
            params["field"] = str(column.code)
        elif column is None:
            return ""
        return f"{list_url}?{urlencode(params)}"

    columns = [
        (f"HF {c.code}", c.name) if c is not None else (_("ohne HF"), _("ohne Handlungsfeld"))
        for c in matrix.column_keys
    ]
    rows = [
        Row(
            r.name if r is not None else _("ohne Standort (z. B. kreisweit)"),
            [Cell(matrix.cell(r, c), url(r, c) if matrix.cell(r, c) else "") for c in matrix.column_keys],
            Cell(matrix.row_totals.get(r, 0), url(r, "all") if matrix.row_totals.get(r, 0) else ""),
        )
        for r in matrix.row_keys
    ]
    totals = Row(
        _("alle Angebote"),
        [Cell(matrix.column_totals.get(c, 0), url("all", c)) for c in matrix.column_keys],
        Cell(matrix.total, url("all", "all")),
    )
    return Table(columns, rows, totals)


#: How many stale offers and waiting items the overview lists before linking to the full list.
PREVIEW = 10


@login_required
@require_GET
def dashboard(request: HttpRequest, district: str) -> HttpResponse:
    d = get_district(request, district)
    require(request, "offerings.view_workspace", d)
    offers = Offering.objects.for_district(d)
    stale = offers.published().stale().select_related("provider").order_by("assured_date", "name")
    new_offers = offers.filter(review_state=ReviewState.PENDING).select_related("provider").order_by("created_at")
    changes = (
        OfferingChange.objects.pending()
        .filter(offering__district=d)
        .select_related("offering", "submitted_by")
        .order_by("submitted_at")
    )
    site_changes = SiteChange.objects.pending().filter(site__district=d).select_related("site").order_by("submitted_at")
    context = workspace_context(
        request,
        d,
        table=matrix_table(offerings_matrix(d), reverse("workspace:offering_list", kwargs={"district": d.slug})),
        published_count=counted_offerings(d).count(),
        stale_count=stale.count(),
        stale=stale[:PREVIEW],
        new_offers=new_offers[:PREVIEW],
        new_count=new_offers.count(),
        changes=changes[:PREVIEW],
        change_count=changes.count(),
        site_changes=site_changes[:PREVIEW],
        site_change_count=site_changes.count(),
        provider_count=Provider.objects.filter(district=d, retired_at__isnull=True).count(),
        site_count=Site.objects.filter(district=d, retired_at__isnull=True).count(),
        area_count=PlanningArea.objects.filter(district=d).count(),
        stale_days=settings.ASSURED_MAX_AGE_DAYS,
        map_tile_url=settings.MAP_TILE_URL,
        map_tile_attribution=settings.MAP_TILE_ATTRIBUTION,
    )
    return render(request, "workspace/dashboard.html", context)


@login_required
@require_GET
def map_data(request: HttpRequest, district: str) -> JsonResponse:
    """GeoJSON of the district's Gemeinden with offer counts and Planungsräume."""
    d = get_district(request, district)
    require(request, "offerings.view_workspace", d)
    return JsonResponse(gemeinden_geojson(d))
