"""What every indicator page shares: the district (public or planner), links, colours, sources.

Each page is implemented once and mounted twice: publicly under
``/zahlen/<district>/`` (``public=True``: small numbers suppressed, base
layout of the portal) and for the district's planners and committee members
under ``/planung/<district>/zahlen/`` (``public=False``: no suppression,
workspace layout, login required, 404 for non-members, 403 for Träger).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from sozialplan.indicators.display import modelled_note, suppressed_note
from sozialplan.indicators.models import Dataset, DatasetKind
from sozialplan.regions.models import District
from sozialplan.workspace.access import get_district, require

PUBLIC_NAMESPACE = "indicators"
PLANNER_NAMESPACE = "indicators_planner"

#: Boundaries drawn on the maps (VG5000, see data/regions/README.md).
BOUNDARY_ATTRIBUTION = "Gemeindegrenzen © GeoBasis-DE / BKG 2021 (Daten verändert), dl-de/by-2-0"


@dataclass(frozen=True)
class Scope:
    """Where a page is shown: the district, public or planner view, and how to link within that view."""

    district: District
    public: bool

    @property
    def namespace(self) -> str:
        return PUBLIC_NAMESPACE if self.public else PLANNER_NAMESPACE

    @property
    def base_template(self) -> str:
        return "indicators/_public.html" if self.public else "indicators/_planner.html"

    def url(self, name: str, query: dict[str, str] | None = None, **kwargs: str) -> str:
        """The URL of page ``name`` of this view for the district, with an optional query string."""
        path = reverse(f"{self.namespace}:{name}", kwargs={"district": self.district.slug, **kwargs})
        return f"{path}?{urlencode(query)}" if query else path

    def profile_url(self, key: str) -> str:
        return self.url("profile", key=key)


def get_scope(request: HttpRequest, slug: str, *, public: bool) -> Scope:
    """The district of the URL; planner pages: 404 for non-members, 403 for members without workspace access.

    Planner views are wrapped in ``login_required`` in ``planner_urls.py``.
    """
    if public:
        return Scope(get_object_or_404(District.objects.select_related("region"), slug=slug), public=True)
    district = get_district(request, slug)
    require(request, "offerings.view_workspace", district)
    return Scope(district, public=False)


def page_context(request: HttpRequest, scope: Scope, **extra: Any) -> dict[str, Any]:
    """Context of every page: the scope, base template, planner navigation where needed."""
    context: dict[str, Any] = {
        "scope": scope,
        "district": scope.district,
        "base_template": scope.base_template,
        "public": scope.public,
        "threshold": settings.SMALL_NUMBER_THRESHOLD,
        "suppressed_note": suppressed_note(),
        "modelled_note": modelled_note(),
        "links": {
            "start": scope.url("district"),
            "atlas": scope.url("atlas"),
            "overview": scope.url("overview"),
            "kreis": scope.profile_url(scope.district.region.key),
        },
    }
    if not scope.public:
        from sozialplan.workspace.views._common import workspace_context

        context.update(workspace_context(request, scope.district))
    context.update(extra)
    return context


def download_links(
    scope: Scope, name: str, query: dict[str, str] | None = None, **kwargs: str
) -> list[tuple[str, str]]:
    """(label, URL) of the CSV and XLSX downloads of a table (``indicators_download`` URLs)."""
    namespace = "indicators_download" if scope.public else "indicators_planner_download"
    links = []
    for fmt, label in (("csv", _("CSV")), ("xlsx", _("Excel (XLSX)"))):
        try:
            url = reverse(f"{namespace}:{name}", kwargs={"district": scope.district.slug, "fmt": fmt, **kwargs})
        except NoReverseMatch:
            continue
        links.append((label, f"{url}?{urlencode(query)}" if query else url))
    return links


@dataclass(frozen=True)
class MethodNote:
    """An estimate or projection used on a page, with its method as the dataset states it."""

    title: str
    kind: str
    method: str
    vintage: str


def method_notes(citations: Iterable[str]) -> list[MethodNote]:
    """The estimate and projection datasets among these citations, with their methods."""
    wanted = set(citations)
    if not wanted:
        return []
    notes = []
    for dataset in Dataset.objects.exclude(kind=DatasetKind.OFFICIAL).order_by("code"):
        if dataset.citation in wanted:
            kind = _("Schätzung") if dataset.kind == DatasetKind.ESTIMATE else _("Vorausberechnung")
            notes.append(MethodNote(dataset.title, kind, dataset.method, dataset.vintage))
    return notes


# Colours -------------------------------------------------------------------------------------------

#: ColorBrewer "YlGnBu" sequential schemes (colour-blind safe) by number of classes.
SEQUENTIAL: dict[int, tuple[str, ...]] = {
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
    6: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"),
    7: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
}
NO_VALUE_COLOUR = "#ffffff"


def palette(classes: int) -> tuple[str, ...]:
    """``classes`` colours from light to dark (1 or 2 classes take the ends of the 3-class scheme)."""
    if classes <= 0:
        return ()
    if classes == 1:
        return (SEQUENTIAL[3][1],)
    if classes == 2:
        return (SEQUENTIAL[3][0], SEQUENTIAL[3][2])
    return SEQUENTIAL[min(classes, 7)]


#: Benchmark colours: better/similar/worse (indicators with polarity), higher/lower in blues (without).
COMPARISON_COLOURS: dict[str, str] = {
    "better": "#1b7837",
    "similar": "#fee08b",
    "worse": "#b2182b",
    "higher": "#08519c",
    "lower": "#c6dbef",
    "not_compared": "#ffffff",
    # By point value (an estimate or projection is involved): one neutral grey, the words say higher/lower.
    "estimate_higher": "#e3e6ea",
    "estimate_lower": "#e3e6ea",
    "estimate_similar": "#e3e6ea",
}
