"""Planners upload an offers CSV or HSDS JSON for their district and see what the import did.

Access: anonymous users are sent to the login page; accounts that are not
members of the district get 404 (they must not learn what exists there);
members without the planner role get 403.

An import is all or nothing: a bad file or a single bad row imports nothing
and the page lists why (file, line, reason), unless the planner ticks
"Fehlerhafte Zeilen überspringen und den Rest importieren". Whatever an
importer raises, the answer is a German message, never a server error.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from sozialplan.accounts.rules import is_district_member, is_planner
from sozialplan.offerings.importing import import_offers_file
from sozialplan.regions.models import District
from sozialplan.sources.errors import ImportSummary, SourceError
from sozialplan.sources.offers_csv import InvalidRowsError, RowProblem

logger = logging.getLogger(__name__)


class OfferFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Datei (Angebots-CSV oder HSDS-JSON)"),
        help_text=gettext_lazy(
            "CSV in UTF-8 mit den Spalten wie in der Vorlage (name, traeger, category …) oder HSDS-3.0-JSON."
        ),
        error_messages={
            "required": gettext_lazy("Bitte eine Datei auswählen."),
            "empty": gettext_lazy("Die Datei ist leer."),
        },
    )
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("Fehlerhafte Zeilen überspringen und den Rest importieren"),
        help_text=gettext_lazy(
            "Ohne Häkchen wird nichts importiert, wenn auch nur eine Zeile fehlerhaft ist. "
            "Mit Häkchen werden die fehlerfreien Zeilen importiert und die übrigen aufgelistet."
        ),
        required=False,
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Die Datei ist zu groß (%(size)s); erlaubt sind höchstens %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(settings.MAX_UPLOAD_BYTES)}
            )
        assert isinstance(upload, UploadedFile)
        return upload


def planner_district(request: HttpRequest, slug: str) -> District:
    """The district, if the user plans for it: 404 for outsiders, 403 for other members."""
    district = get_object_or_404(District.objects.select_related("region"), slug=slug)
    if not is_district_member(request.user, district):
        raise Http404
    if not is_planner(request.user, district):
        raise PermissionDenied
    return district


#: What importers may raise besides ``SourceError`` on hostile or broken input (logged, shown in German).
IMPORT_FAILURES: tuple[type[Exception], ...] = (
    ValueError,
    OverflowError,
    DatabaseError,
    UnicodeError,
    RecursionError,
    json.JSONDecodeError,
)


@dataclass
class Outcome:
    """What the page shows after a POST: a summary, or an error with the bad rows."""

    summary: ImportSummary | None = None
    error: str = ""
    bad_rows: list[RowProblem] = field(default_factory=list)


def run_import(district: District, upload_file: UploadedFile, *, skip_invalid: bool, actor: Any) -> Outcome:
    """Import ``upload_file``; every failure becomes a German message (nothing is written then)."""
    filename = (upload_file.name or "")[:200]
    try:
        summary = import_offers_file(
            district=district, data=upload_file.read(), filename=filename, actor=actor, skip_invalid=skip_invalid
        )
    except InvalidRowsError as exc:
        count = len(exc.problems)
        message = ngettext(
            "Nichts importiert: %(count)d Zeile der Datei %(file)s ist fehlerhaft.",
            "Nichts importiert: %(count)d Zeilen der Datei %(file)s sind fehlerhaft.",
            count,
        ) % {"count": count, "file": filename}
        return Outcome(error=message, bad_rows=exc.problems)
    except SourceError as exc:
        return Outcome(error=_("Nichts importiert. %(reason)s") % {"reason": exc})
    except IMPORT_FAILURES:
        logger.exception("Import of %s into %s failed", filename, district.slug)
        return Outcome(error=_("Nichts importiert: Die Datei konnte nicht verarbeitet werden."))
    except Exception:  # never a server error for an upload; the log has the details
        logger.exception("Unexpected error importing %s into %s", filename, district.slug)
        return Outcome(error=_("Nichts importiert: Beim Import ist ein unerwarteter Fehler aufgetreten."))
    return Outcome(summary=summary)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, district: str) -> HttpResponse:
    """Show the upload form; on POST import the file and show the summary (or why nothing was imported)."""
    the_district = planner_district(request, district)
    outcome = Outcome()
    filename = ""
    if request.method == "POST":
        form = OfferFileForm(request.POST, request.FILES)
        if form.is_valid():
            upload_file = form.cleaned_data["file"]
            filename = (upload_file.name or "")[:200]
            outcome = run_import(
                the_district, upload_file, skip_invalid=form.cleaned_data["skip_invalid"], actor=request.user
            )
    else:
        form = OfferFileForm()
    status = 400 if request.method == "POST" and (outcome.error or form.errors) else 200
    context = {
        "district": the_district,
        "form": form,
        "summary": outcome.summary,
        "error": outcome.error,
        "bad_rows": outcome.bad_rows,
        "filename": filename,
    }
    return render(request, "offerings/import.html", context, status=status)
