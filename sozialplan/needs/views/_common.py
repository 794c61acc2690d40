"""What every Bedarfsanalyse page shares: access, the district's runs, page context, numbers as German text.

Access (docs/permissions.md): every view is wrapped in ``login_required``
(``urls.py``); :func:`needs_district` answers 404 for non-members of the
district and 403 for members without ``needs.view_needs`` (Träger). Actions
check ``needs.recompute`` / ``needs.decide_gap`` on top.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from sozialplan.accounts.rules import may
from sozialplan.catalog.models import ActionField
from sozialplan.indicators.numbers import format_number
from sozialplan.needs.models import AnalysisRun, RunStatus
from sozialplan.regions.models import District
from sozialplan.workspace.access import acting_user, get_district, require
from sozialplan.workspace.views._common import workspace_context

#: Boundaries drawn on the maps (VG5000, see data/regions/README.md).
BOUNDARY_ATTRIBUTION = "Gemeindegrenzen © GeoBasis-DE / BKG 2021 (Daten verändert), dl-de/by-2-0"
#: Offers and sites on the maps and in the exports.
OFFERS_ATTRIBUTION = "Angebote: Sozialplanung des Landkreises und Träger"
GEOJSON = "application/geo+json"
#: Longest query value read at all (codes of target groups and offer types are short slugs).
MAX_PARAM_LENGTH = 80


def needs_district(request: HttpRequest, slug: str) -> District:
    """The district of the URL for a reader of the Bedarfsanalyse: 404 non-members, 403 Träger."""
    district = get_district(request, slug)
    require(request, "needs.view_needs", district)
    return district


@dataclass(frozen=True)
class RunState:
    """The runs a page shows: the current (newest finished) one, a pending one and a newer failed one."""

    current: AnalysisRun | None
    pending: AnalysisRun | None
    failed: AnalysisRun | None

    @property
    def busy(self) -> bool:
        return self.pending is not None


def run_state(district: District) -> RunState:
    """The district's current run, the run waiting or running (if any), and a failure newer than the current run.

    A run pending for longer than ``NEEDS_RUN_TIMEOUT`` minutes (its worker is
    gone) is not reported as pending, so the page stops polling for it; the
    next recompute request marks it failed.
    """
    runs = AnalysisRun.objects.for_district(district)
    current = runs.current(district)
    pending = runs.live().order_by("-requested_at", "-pk").first()
    failed = runs.filter(status=RunStatus.FAILED).order_by("-requested_at", "-pk").first()
    if failed is not None and current is not None and failed.requested_at < current.requested_at:
        failed = None
    return RunState(current=current, pending=pending, failed=failed)


def links(district: District) -> dict[str, str]:
    slug = district.slug
    return {
        "index": reverse("needs:index", kwargs={"district": slug}),
        "gaps": reverse("needs:gap_list", kwargs={"district": slug}),
        "progress": reverse("needs:progress", kwargs={"district": slug}),
        "recompute": reverse("needs:recompute", kwargs={"district": slug}),
    }


def field_url(district: District, code: int, query: str = "") -> str:
    url = reverse("needs:field", kwargs={"district": district.slug, "code": code})
    return f"{url}?{query}" if query else url


def gap_url(district: District, pk: int) -> str:
    return reverse("needs:gap_detail", kwargs={"district": district.slug, "pk": pk})


def page_context(request: HttpRequest, district: District, **extra: Any) -> dict[str, Any]:
    """Workspace context plus the user's rights on the analysis and the links between its pages."""
    user = acting_user(request)
    context = workspace_context(request, district)
    context.update(
        can_recompute=may(user, "needs.recompute", district),
        can_decide=may(user, "needs.decide_gap", district),
        links=links(district),
        nav_fields=list(ActionField.objects.order_by("code")),
        map_tile_url=settings.MAP_TILE_URL,
        map_tile_attribution=settings.MAP_TILE_ATTRIBUTION,
        boundary_attribution=BOUNDARY_ATTRIBUTION,
    )
    context.update(extra)
    return context


# Numbers as German text -----------------------------------------------------------------------------


def persons(value: float | None) -> str:
    """Persons, whole (the demand is modelled, so fractions are rounded away): ``"1.234"``."""
    return format_number(value, 0)


def km(metres: float | None) -> str:
    """Metres as kilometres with one place: ``"14,2 km"``; ``"–"`` for none."""
    if metres is None:
        return "–"
    return _("%(value)s km") % {"value": format_number(metres / 1000, 1)}


def minutes(value: float | None) -> str:
    """``"12 min"`` (whole minutes; one place below 10 minutes); ``"–"`` for none."""
    if value is None:
        return "–"
    return _("%(value)s min") % {"value": format_number(value, 1 if value < 10 else 0)}


def percent(share: float | None) -> str:
    """A share 0–1 as ``"83,4 %"``; ``"–"`` when there is no population to take a share of."""
    if share is None:
        return "–"
    return _("%(value)s %%") % {"value": format_number(share * 100, 1)}


def decimal(value: float | None, places: int = 2) -> str:
    return format_number(value, places)
