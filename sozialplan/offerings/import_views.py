"""Planners upload an offers CSV or HSDS JSON for their district and see what the import did.

Access: anonymous users are sent to the login page; accounts that are not
members of the district get 404 (they must not learn what exists there);
members without the planner role get 403.
"""

from __future__ import annotations

import logging

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
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from sozialplan.accounts.rules import is_district_member, is_planner
from sozialplan.offerings.importing import import_offers_file
from sozialplan.regions.models import District
from sozialplan.sources.errors import ImportSummary, SourceError

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


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, district: str) -> HttpResponse:
    """Show the upload form; on POST import the file and show the summary."""
    the_district = planner_district(request, district)
    summary: ImportSummary | None = None
    error = ""
    filename = ""
    if request.method == "POST":
        form = OfferFileForm(request.POST, request.FILES)
        if form.is_valid():
            upload_file = form.cleaned_data["file"]
            filename = upload_file.name[:200]
            try:
                summary = import_offers_file(
                    district=the_district, data=upload_file.read(), filename=filename, actor=request.user
                )
            except SourceError as exc:
                error = _("Nichts importiert. %(reason)s") % {"reason": exc}
            except (ValueError, DatabaseError):
                logger.exception("Import of %s into %s failed", filename, the_district.slug)
                error = _("Nichts importiert: Die Datei konnte nicht verarbeitet werden.")
    else:
        form = OfferFileForm()
    status = 400 if request.method == "POST" and (error or form.errors) else 200
    return render(
        request,
        "offerings/import.html",
        {"district": the_district, "form": form, "summary": summary, "error": error, "filename": filename},
        status=status,
    )
