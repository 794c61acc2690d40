"""Planners import statistical tables: upload → preview → import; the list and detail of the datasets.

Flow: the upload form (``/planung/<district>/statistik/import/``) reads the
file at once, so a file that is no statistics table is refused on the form.
A readable file is kept under ``VAR_DIR/uploads/statistics/<sha256>`` (never
under the client's name) and a random token in the planner's session points
to it; the preview page (``…/import/<token>/``) shows what the import would
do and lets the planner confirm successors for unmatched keys; "Importieren"
writes and redirects to the dataset page. A token is valid for
:data:`UPLOAD_TTL` in the session that uploaded it, for the same user and
district; anything else gets "abgelaufen" and a new upload.

Access: anonymous users go to the login page; non-members of the district get
404; members without the permission 403 (``indicators.import_statistics`` for
upload, import and delete; ``indicators.view_statistics_admin`` for the list
and detail pages, which committee members see read-only). Whatever a reader
raises, the planner gets a German message and nothing is written.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from sozialplan.accounts.rules import may
from sozialplan.indicators.forms import MappingForm, StatisticsFileForm, safe_file_name
from sozialplan.indicators.import_preview import ImportPreview
from sozialplan.indicators.importing import delete_dataset, import_table, preview, read_table
from sozialplan.indicators.models import Dataset, DatasetFormat, Observation, RegionKeyMapping
from sozialplan.offerings.import_views import IMPORT_FAILURES
from sozialplan.regions.models import District, RegionKind
from sozialplan.sources.errors import SourceError
from sozialplan.sources.statistics import SYMBOLS, StatTable
from sozialplan.workspace.access import acting_user, get_district, require
from sozialplan.workspace.views._common import workspace_context

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: Seconds an uploaded file waits for its import.
UPLOAD_TTL = 2 * 60 * 60
#: Pending uploads kept per session (the oldest is forgotten first).
MAX_PENDING = 5
SESSION_KEY = "statistics_uploads"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
EXPIRED = gettext_lazy(
    "Diese Vorschau ist abgelaufen oder gehört nicht zu Ihrer Sitzung. Bitte laden Sie die Datei erneut hoch."
)
FAILED = gettext_lazy("Die Datei konnte nicht verarbeitet werden; es wurde nichts gespeichert.")
CHECK_MAPPINGS = gettext_lazy("Bitte prüfen Sie die Zuordnungen.")


def upload_dir() -> Path:
    """Where uploads wait for their import (created on demand)."""
    path = Path(settings.VAR_DIR) / "uploads" / "statistics"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class PendingUpload:
    """An uploaded file waiting for its import (stored in the session as a dict)."""

    token: str
    sha256: str
    name: str
    size: int

    @property
    def path(self) -> Path:
        return upload_dir() / self.sha256


def _remove_stale_files() -> None:
    """Delete uploads older than the TTL (any session's: the files are named by checksum only)."""
    limit = time.time() - UPLOAD_TTL
    for path in upload_dir().iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
        except OSError:  # removed concurrently; nothing to do
            continue


def _keep(request: HttpRequest, district: District, name: str, data: bytes) -> str:
    """Store ``data`` under its checksum and remember it in the session; the new token."""
    _remove_stale_files()
    digest = hashlib.sha256(data).hexdigest()
    target = upload_dir() / digest
    temporary = target.with_suffix(f".{secrets.token_hex(4)}.part")
    temporary.write_bytes(data)
    temporary.replace(target)
    token = secrets.token_urlsafe(24)
    pending: dict[str, Any] = dict(request.session.get(SESSION_KEY) or {})
    pending[token] = {
        "sha256": digest,
        "name": name,
        "size": len(data),
        "district": district.slug,
        "user": acting_user(request).pk,
        "created": time.time(),
    }
    for old in sorted(pending, key=lambda t: pending[t].get("created", 0))[:-MAX_PENDING]:
        del pending[old]
    request.session[SESSION_KEY] = pending
    return token


def _pending(request: HttpRequest, district: District, token: str) -> PendingUpload | None:
    """The session's upload for ``token`` if it is this user's, for this district and not expired."""
    if not TOKEN_PATTERN.match(token):
        return None
    entry = (request.session.get(SESSION_KEY) or {}).get(token)
    if not isinstance(entry, dict):
        return None
    fresh = time.time() - float(entry.get("created", 0)) < UPLOAD_TTL
    if not fresh or entry.get("district") != district.slug or entry.get("user") != acting_user(request).pk:
        return None
    digest = str(entry.get("sha256", ""))
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        return None
    return PendingUpload(token=token, sha256=digest, name=str(entry.get("name", "")), size=int(entry.get("size", 0)))


def _forget(request: HttpRequest, upload: PendingUpload) -> None:
    pending = dict(request.session.get(SESSION_KEY) or {})
    pending.pop(upload.token, None)
    request.session[SESSION_KEY] = pending
    upload.path.unlink(missing_ok=True)


def _load(upload: PendingUpload) -> bytes | None:
    """The file's bytes, or ``None`` if it is gone or was changed on disk."""
    try:
        data = upload.path.read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == upload.sha256 else None


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
    datasets = Dataset.objects.select_related("imported_by").order_by("code")
    mappings = RegionKeyMapping.objects.select_related("new_region", "confirmed_by").order_by("old_key")
    context = workspace_context(
        request,
        d,
        datasets=datasets,
        mappings=mappings,
        can_import=may(acting_user(request), "indicators.import_statistics", d),
    )
    return render(request, "indicators/dataset_list.html", context)


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
            return redirect("indicators_import:preview", district=d.slug, token=_keep(request, d, name, data))
    status = 400 if request.method == "POST" else 200
    context = workspace_context(request, d, form=form, error=error, max_bytes=settings.MAX_UPLOAD_BYTES)
    return render(request, "indicators/import_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, district: str, token: str) -> HttpResponse:
    """The preview of a pending upload; POST ``action=import`` imports it with the chosen successors."""
    d = get_district(request, district)
    require(request, "indicators.import_statistics", d)
    pending = _pending(request, d, token)
    data = _load(pending) if pending is not None else None
    if pending is None or data is None:
        messages.error(request, str(EXPIRED))
        return redirect("indicators_import:upload", district=d.slug)
    table, error = _guarded("reading", pending.name, d, lambda: read_table(pending.name, data))
    if table is None:
        _forget(request, pending)
        messages.error(request, error)
        return redirect("indicators_import:upload", district=d.slug)
    shown, error = _guarded("preview", pending.name, d, lambda: preview(table, district=d))
    if shown is None:
        return _render_preview(request, d, pending, None, None, error, status=400)
    form = MappingForm(shown.unmatched if isinstance(shown, ImportPreview) else [], request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return _render_preview(request, d, pending, shown, form, str(CHECK_MAPPINGS), status=400)
        shown, error = _guarded(
            "preview", pending.name, d, lambda: preview(table, mappings=form.mappings(), district=d)
        )
        if isinstance(shown, ImportPreview) and shown.mapping_errors:
            error = _("Nichts importiert. %(reason)s") % {"reason": str(CHECK_MAPPINGS)}
        elif request.POST.get("action") == "import" and shown is not None:
            return _import(request, d, pending, table, form, data)
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
        message = _("Nichts importiert. %(reason)s") % {"reason": error}
        return _render_preview(request, d, pending, shown, form, message, status=400)
    _forget(request, pending)
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
    d = get_district(request, district)
    require(request, "indicators.view_statistics_admin", d)
    dataset = get_object_or_404(Dataset.objects.select_related("imported_by"), code=code)
    kreis = d.region.key
    in_district = Q(region__key__startswith=kreis) & ~Q(region__kind=RegionKind.LAND)
    counts = (
        Observation.objects.filter(dataset=dataset)
        .values("region__kind", "period")
        .annotate(
            values=Count("id"),
            regions=Count("region", distinct=True),
            local=Count("id", filter=in_district | Q(region__kind=RegionKind.LAND, region__key=kreis[:2])),
            flagged=Count("id", filter=~Q(flag="")),
        )
        .order_by("period", "region__kind")
    )
    levels = [{**row, "label": RegionKind(row["region__kind"]).label} for row in counts]
    flags = (
        Observation.objects.filter(dataset=dataset).exclude(flag="").values("flag").annotate(n=Count("id")).order_by()
    )
    legend = [(row["flag"], SYMBOLS.get(row["flag"], ""), row["n"]) for row in flags]
    grid_cells = None
    if dataset.format == DatasetFormat.ZENSUS_GRID:
        cells = dataset.grid_cells.all()
        grid_cells = (cells.count(), cells.filter(gemeinde__key__startswith=kreis).count())
    context = workspace_context(
        request,
        d,
        dataset=dataset,
        levels=levels,
        legend=legend,
        grid_cells=grid_cells,
        can_import=may(acting_user(request), "indicators.import_statistics", d),
    )
    return render(request, "indicators/dataset_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def dataset_delete(request: HttpRequest, district: str, code: str) -> HttpResponse:
    """GET asks for confirmation; POST deletes the dataset with its values (audited)."""
    d = get_district(request, district)
    require(request, "indicators.import_statistics", d)
    dataset = get_object_or_404(Dataset, code=code)
    if request.method == "POST":
        delete_dataset(dataset, user=acting_user(request), district=d)
        messages.success(request, _("Der Datensatz %(code)s wurde gelöscht.") % {"code": dataset.code})
        return redirect("indicators_import:dataset_list", district=d.slug)
    return render(request, "indicators/dataset_confirm_delete.html", workspace_context(request, d, dataset=dataset))
