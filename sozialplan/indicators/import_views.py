"""Planners import statistical tables: upload → preview → import; the list and detail of the datasets.

Flow: the upload form (``/planung/<district>/statistik/import/``) reads the
file at once, so a file that is no statistics table is refused on the form.
A readable file waits with its parsed table (see
:mod:`~sozialplan.indicators.import_uploads`) and a token in the planner's
session; the preview page (``…/import/<token>/``) shows what the import would
do and lets the planner confirm successors for unmatched keys; "Importieren"
writes and redirects to the dataset page. An expired or foreign token gets
"abgelaufen" and a new upload.

District scope: datasets are shared by all districts, but everything here
acts for the district of the URL only (:mod:`~sozialplan.indicators.import_scope`):
the import writes only values of its regions, the detail page shows its
part of a dataset (404 if it has none), and deleting removes only its values
(the dataset goes when nothing is left).

Access: anonymous users go to the login page; non-members of the district get
404; members without the permission 403 (``indicators.import_statistics`` for
upload, import and delete; ``indicators.view_statistics_admin`` for the list
and detail pages, which committee members see read-only). Whatever a reader
raises, the planner gets a German message and nothing is written.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from sozialplan.accounts.rules import may
from sozialplan.indicators.forms import MappingForm, StatisticsFileForm, safe_file_name
from sozialplan.indicators.import_plan import number
from sozialplan.indicators.import_preview import ImportPreview
from sozialplan.indicators.import_scope import in_district, local_count, local_grid_cells, local_observations
from sozialplan.indicators.import_uploads import (
    PendingUpload,
    forget,
    keep,
    load,
    parsed_table,
    pending_upload,
)
from sozialplan.indicators.importing import delete_dataset, import_table, preview, read_table
from sozialplan.indicators.models import Dataset, GridCell, Observation, RegionKeyMapping
from sozialplan.offerings.import_views import IMPORT_FAILURES
from sozialplan.regions.models import District, RegionKind
from sozialplan.sources.errors import SourceError
from sozialplan.sources.statistics import SYMBOLS, StatTable
from sozialplan.workspace.access import acting_user, get_district, require
from sozialplan.workspace.views._common import workspace_context

logger = logging.getLogger(__name__)
T = TypeVar("T")

EXPIRED = gettext_lazy(
    "Diese Vorschau ist abgelaufen oder gehört nicht zu Ihrer Sitzung. Bitte laden Sie die Datei erneut hoch."
)
FAILED = gettext_lazy("Die Datei konnte nicht verarbeitet werden; es wurde nichts gespeichert.")
CHECK_MAPPINGS = gettext_lazy("Bitte prüfen Sie die Zuordnungen.")


def _guarded(what: str, name: str, district: District, call: Callable[[], T]) -> tuple[T | None, str]:
    """``(call(), "")``, or ``(None, German message)`` for any failure (logged unless a ``SourceError``)."""
    try:
        return call(), ""
    except SourceError as exc:
        return None, str(exc)
    except IMPORT_FAILURES:
        logger.exception("%s of %s for %s failed", what, name, district.slug)
    except Exception:  # never a server error for an upload; the log has the details
        logger.exception("Unexpected error: %s of %s for %s", what, name, district.slug)
    return None, str(FAILED)


# --- Views ------------------------------------------------------------------------------------


@login_required
@require_GET
def dataset_list(request: HttpRequest, district: str) -> HttpResponse:
    d = get_district(request, district)
    require(request, "indicators.view_statistics_admin", d)
    local = _local_counts(d)
    datasets = [
        {"dataset": dataset, "local": local[dataset.pk]}
        for dataset in Dataset.objects.select_related("imported_by").order_by("code")
    ]
    mappings = RegionKeyMapping.objects.select_related("new_region", "confirmed_by").order_by("old_key")
    context = workspace_context(
        request,
        d,
        datasets=datasets,
        mappings=mappings,
        can_import=may(acting_user(request), "indicators.import_statistics", d),
    )
    return render(request, "indicators/dataset_list.html", context)


def _local_counts(d: District) -> Counter[int]:
    """Per dataset pk, how many of its values (or grid cells) belong to the district (two queries)."""
    counts: Counter[int] = Counter()
    observations = Observation.objects.filter(in_district(d)).values("dataset").annotate(n=Count("id")).order_by()
    cells = GridCell.objects.filter(gemeinde__kind=RegionKind.GEMEINDE, gemeinde__key__startswith=d.region.key)
    cell_counts = cells.values("dataset").annotate(n=Count("id")).order_by()
    for row in [*observations, *cell_counts]:
        counts[int(row["dataset"])] += int(row["n"])
    return counts


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, district: str) -> HttpResponse:
    """The upload form; a readable file leads to its preview, anything else back to the form with a reason."""
    d = get_district(request, district)
    require(request, "indicators.import_statistics", d)
    form = StatisticsFileForm(request.POST, request.FILES) if request.method == "POST" else StatisticsFileForm()
    error = ""
    if request.method == "POST" and form.is_valid():
        name = safe_file_name(form.cleaned_data["file"].name)
        data = form.cleaned_data["file"].read()
        table, error = _guarded("reading", name, d, lambda: read_table(name, data))
        if table is not None:
            return redirect("indicators_import:preview", district=d.slug, token=keep(request, d, name, data, table))
    status = 400 if request.method == "POST" else 200
    context = workspace_context(request, d, form=form, error=error, max_bytes=settings.MAX_UPLOAD_BYTES)
    return render(request, "indicators/import_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, district: str, token: str) -> HttpResponse:
    """The preview of a pending upload; POST ``action=import`` imports it with the chosen successors."""
    d = get_district(request, district)
    require(request, "indicators.import_statistics", d)
    pending = pending_upload(request, d, token)
    data = load(pending) if pending is not None else None
    if pending is None or data is None:
        messages.error(request, str(EXPIRED))
        return redirect("indicators_import:upload", district=d.slug)
    table, error = _guarded("reading", pending.name, d, lambda: parsed_table(pending, data))
    if table is None:
        forget(request, pending)
        messages.error(request, error)
        return redirect("indicators_import:upload", district=d.slug)
    shown, error = _guarded("preview", pending.name, d, lambda: preview(table, district=d))
    if shown is None:
        return _render_preview(request, d, pending, None, None, error, status=400)
    form = MappingForm(shown.unmatched if isinstance(shown, ImportPreview) else [], request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return _render_preview(request, d, pending, shown, form, str(CHECK_MAPPINGS), status=400)
        if request.POST.get("action") == "import":
            # The import checks the mappings itself; only a failure needs the preview again.
            return _import(request, d, pending, table, form, data)
        shown, error = _guarded(
            "preview", pending.name, d, lambda: preview(table, mappings=form.mappings(), district=d)
        )
        if isinstance(shown, ImportPreview) and shown.mapping_errors:
            error = _("Nichts importiert. %(reason)s") % {"reason": str(CHECK_MAPPINGS)}
    return _render_preview(request, d, pending, shown, form, error, status=400 if error else 200)


def _import(
    request: HttpRequest, d: District, pending: PendingUpload, table: Any, form: MappingForm, data: bytes
) -> HttpResponse:
    """Import ``table``; success → the dataset page, failure → the preview with the reason (nothing written)."""
    mappings = form.mappings()
    sha256 = hashlib.sha256(data).hexdigest()
    kwargs: dict[str, Any] = {"user": acting_user(request), "file_name": pending.name, "sha256": sha256, "district": d}
    if isinstance(table, StatTable):
        kwargs["confirmed_mappings"] = mappings
    result, error = _guarded("import", pending.name, d, lambda: import_table(table, **kwargs))
    if result is None:
        shown, _error = _guarded("preview", pending.name, d, lambda: preview(table, mappings=mappings, district=d))
        if isinstance(shown, ImportPreview) and shown.mapping_errors:
            error = str(CHECK_MAPPINGS)  # the reasons stand next to each mapping
        message = _("Nichts importiert. %(reason)s") % {"reason": error}
        return _render_preview(request, d, pending, shown, form, message, status=400)
    forget(request, pending)
    messages.success(request, result.summary())
    return redirect("indicators_import:dataset_detail", district=d.slug, code=result.dataset.code)


def _render_preview(
    request: HttpRequest,
    d: District,
    pending: PendingUpload,
    shown: Any,
    form: MappingForm | None,
    error: str,
    status: int,
) -> HttpResponse:
    fields = [form[f"map_{key}"] for key in form.keys] if form is not None else []
    rows: list[dict[str, Any]] = []
    if isinstance(shown, ImportPreview):
        by_key = {f.name.removeprefix("map_"): f for f in fields}
        rows = [
            {
                "item": u,
                "field": by_key.get(u.key),
                "mapped": shown.mapped.get(u.key),
                "error": shown.mapping_errors.get(u.key, ""),
            }
            for u in shown.unmatched
        ]
    context = workspace_context(
        request, d, upload=pending, preview=shown, form=form, unmatched_rows=rows, error=error, has_mapping=bool(fields)
    )
    return render(request, "indicators/import_preview.html", context, status=status)


@login_required
@require_GET
def dataset_detail(request: HttpRequest, district: str, code: str) -> HttpResponse:
    """The dataset's metadata and the district's part of its values; 404 if the district has none."""
    d = get_district(request, district)
    require(request, "indicators.view_statistics_admin", d)
    dataset = get_object_or_404(Dataset.objects.select_related("imported_by"), code=code)
    local = local_observations(dataset, d)
    counts = (
        local.values("region__kind", "period")
        .annotate(values=Count("id"), regions=Count("region", distinct=True), flagged=Count("id", filter=~Q(flag="")))
        .order_by("period", "region__kind")
    )
    levels = [{**row, "label": RegionKind(row["region__kind"]).label} for row in counts]
    cells = local_grid_cells(dataset, d).count()
    if not levels and not cells:
        raise Http404
    flags = local.exclude(flag="").values("flag").annotate(n=Count("id")).order_by()
    legend = [(row["flag"], SYMBOLS.get(row["flag"], ""), row["n"]) for row in flags]
    context = workspace_context(
        request,
        d,
        dataset=dataset,
        levels=levels,
        local_values=sum(row["values"] for row in levels) + cells,
        legend=legend,
        grid_cells=(dataset.grid_cells.count(), cells) if cells else None,
        can_import=may(acting_user(request), "indicators.import_statistics", d),
    )
    return render(request, "indicators/dataset_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def dataset_delete(request: HttpRequest, district: str, code: str) -> HttpResponse:
    """GET asks for confirmation; POST deletes the district's values of the dataset (audited).

    The dataset itself goes only when no other values are left; 404 if the
    district has no values in it.
    """
    d = get_district(request, district)
    require(request, "indicators.import_statistics", d)
    dataset = get_object_or_404(Dataset, code=code)
    removable = local_count(dataset, d)
    if not removable:
        raise Http404
    if request.method == "POST":
        result = delete_dataset(dataset, user=acting_user(request), district=d)
        if result.dataset_deleted:
            message = _("Der Datensatz %(code)s wurde gelöscht.") % {"code": dataset.code}
        else:
            message = _(
                "%(count)s Werte von %(district)s wurden aus dem Datensatz %(code)s gelöscht; "
                "die %(kept)s Werte anderer Gebiete bleiben."
            ) % {"count": number(result.removed), "district": d.name, "code": dataset.code, "kept": number(result.kept)}
        messages.success(request, message)
        return redirect("indicators_import:dataset_list", district=d.slug)
    total = Observation.objects.filter(dataset=dataset).count() + dataset.grid_cells.count()
    context = workspace_context(request, d, dataset=dataset, removable=removable, kept=total - removable)
    return render(request, "indicators/dataset_confirm_delete.html", context)
