"""Forms of the statistics import: the upload and the confirmation of successors for unmatched keys.

The upload form checks only size and presence; what the file means is the
readers' job (``sozialplan.sources.detect``). The mapping form offers, per
unmatched key, only regions of the same level nearby, so a tampered POST with
another region is an invalid choice; the service checks every mapping again.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sozialplan.indicators.import_matching import Unmatched, mapping_choices

#: Longest file name kept (characters); the name is only shown, never used as a path.
MAX_NAME_LENGTH = 120


def safe_file_name(name: str | None) -> str:
    """The last part of a client-supplied file name, without control characters, at most 120 characters.

    Used for display and as ``Dataset.file_name`` only; files are stored under
    their checksum, never under this name.
    """
    last = PurePosixPath((name or "").replace("\\", "/")).name
    cleaned = "".join(ch for ch in last if unicodedata.category(ch)[0] != "C").strip()
    if cleaned.strip(".") == "":
        cleaned = ""
    return cleaned[:MAX_NAME_LENGTH] or _("Datei")


class StatisticsFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Statistikdatei"),
        help_text=gettext_lazy(
            "GENESIS-Flatfile-CSV (ffcsv), GENESIS/Regionalstatistik-Tabelle als CSV oder XLSX, "
            "Bevölkerungsvorausberechnung 12421-0003 (CSV) oder eine Zensus-Gitterdatei."
        ),
        error_messages={
            "required": gettext_lazy("Bitte eine Datei auswählen."),
            "empty": gettext_lazy("Die Datei ist leer."),
        },
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        assert isinstance(upload, UploadedFile)
        limit: int = settings.MAX_UPLOAD_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("Die Datei ist zu groß (%(size)s); erlaubt sind höchstens %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        return upload


_KEY = re.compile(r"^[0-9]{2,12}$")


class MappingForm(forms.Form):
    """One select per unmatched key that may be mapped: field ``map_<key>``, value a region pk or ''."""

    def __init__(self, unmatched: list[Unmatched], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.keys: list[str] = []
        for item in unmatched:
            if not item.mappable or not _KEY.match(item.key):
                continue
            suggested = [(str(s.region_id), f"{s.name} ({s.key}) – {s.why}") for s in item.suggestions]
            taken = {value for value, _label in suggested}
            others = [(str(r.pk), f"{r.name} ({r.key})") for r in mapping_choices(item) if str(r.pk) not in taken]
            choices: list[tuple[str, object]] = [("", _("keine Zuordnung – Werte nicht speichern"))]
            if suggested:
                choices.append((_("Vorschläge"), suggested))
            if others:
                choices.append((_("weitere Gebiete"), others))
            confirmed = next((s for s in item.suggestions if s.confirmed), None)
            self.fields[f"map_{item.key}"] = forms.ChoiceField(
                label=_("Nachfolger von „%(name)s“ (%(key)s)") % {"name": item.name, "key": item.key},
                choices=choices,
                required=False,
                initial=str(confirmed.region_id) if confirmed else "",
            )
            self.fields[f"map_{item.key}"].widget.attrs["class"] = "kern-form-input__select"
            self.keys.append(item.key)

    def mappings(self) -> dict[str, int]:
        """The chosen mappings (old key → region pk); call after ``is_valid()``."""
        chosen: dict[str, int] = {}
        for key in self.keys:
            value = self.cleaned_data.get(f"map_{key}") or ""
            if value:
                chosen[key] = int(value)
        return chosen
