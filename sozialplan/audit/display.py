"""Readable German text for audit entries: action names, field labels, values.

Entries store field names and JSON values; labels are looked up at display
time from the models' verbose names, so the trail reads in German and stays
readable after a field is renamed (unknown fields are shown by their name).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from sozialplan.audit.models import AuditEntry

#: Longest value shown in a change row (characters); the entry keeps the full value.
MAX_SHOWN = 500

#: German names of the actions services record (past participles). "create" and
#: "update" are older spellings, kept so that existing entries stay readable.
ACTION_LABELS: dict[str, Any] = {
    "created": _("angelegt"),
    "create": _("angelegt"),
    "updated": _("geändert"),
    "update": _("geändert"),
    "retired": _("ausgeschieden / eingestellt"),
    "reactivated": _("wieder aktiviert"),
    "deleted": _("gelöscht"),
    "submitted": _("neu eingereicht"),
    "resubmitted": _("geändert und erneut eingereicht"),
    "approved": _("freigegeben"),
    "rejected": _("abgelehnt"),
    "change_proposed": _("Änderung vorgeschlagen"),
    "change_approved": _("Änderung übernommen"),
    "change_rejected": _("Änderung abgelehnt"),
    "verified": _("geprüft"),
    "imported": _("importiert"),
}


@dataclass(frozen=True)
class ChangeRow:
    field: str
    label: str
    old: str
    new: str


@functools.cache
def _model(object_type: str) -> type[models.Model] | None:
    for model in apps.get_models():
        if model._meta.model_name == object_type:
            return model
    return None


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def object_type_label(object_type: str) -> str:
    model = _model(object_type)
    return str(capfirst(model._meta.verbose_name)) if model is not None else object_type


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def field_label(object_type: str, name: str) -> str:
    """The German label of a field; a reverse relation (an offer's Zeitpläne) by its model's plural name."""
    field = _field(_model(object_type), name)
    label = getattr(field, "verbose_name", None)
    related = field.related_model if isinstance(field, models.ForeignObjectRel) else None
    if not label and isinstance(related, type) and issubclass(related, models.Model):
        label = related._meta.verbose_name_plural
    return str(capfirst(label)) if label else name


def shown(value: Any, choices: dict[Any, Any] | None = None) -> str:
    """A JSON value as German text ("–" for empty, "ja"/"nein" for booleans)."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return str(_("ja") if value else _("nein"))
    if isinstance(value, list):
        return ", ".join(shown(v) for v in value)
    if choices and value in choices:
        return str(choices[value])
    text = str(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + " …"


def change_rows(entry: AuditEntry) -> list[ChangeRow]:
    """One row per changed field of an audit entry: German label, old and new value as text."""
    return rows_for(entry.object_type, entry.changes or {})


def rows_for(object_type: str, changes: dict[str, Any]) -> list[ChangeRow]:
    """Rows for ``{field: [old, new]}`` of a model named by ``object_type`` (e.g. "offering")."""
    model = _model(object_type)
    rows = []
    for name, pair in changes.items():
        old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        field = _field(model, name)
        choices = dict(field.flatchoices) if getattr(field, "choices", None) else None
        rows.append(ChangeRow(name, field_label(object_type, name), shown(old, choices), shown(new, choices)))
    return rows
