"""Building blocks of the HSDS import: model a value or keep it verbatim (used by ``hsds_import_records``)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from sozialplan.offerings.models import Schedule
from sozialplan.opendata import hsds
from sozialplan.opendata import taxonomy as tx
from sozialplan.opendata.hsds_fields import NOT_STORABLE, PLACEHOLDERS, Field, Overlay

JsonDict = dict[str, Any]


@dataclass
class Outcome:
    """What happened to each record, by (model label, uuid); the strongest outcome wins."""

    seen: dict[tuple[str, str], str] = field(default_factory=dict)

    def note(self, obj: models.Model, outcome: str) -> None:
        key = (obj._meta.label, str(getattr(obj, "uuid", obj.pk)))
        rank = {"unchanged": 0, "updated": 1, "created": 2}
        if rank[outcome] >= rank.get(self.seen.get(key, "unchanged"), 0):
            self.seen[key] = outcome


def _empty(instance: models.Model, attr: str) -> Any:
    model_field = instance._meta.get_field(attr)
    return None if getattr(model_field, "null", False) else ""


def apply_fields(instance: models.Model, obj: JsonDict, fields: tuple[Field, ...], extra: JsonDict) -> None:
    """Set each field from ``obj``; values the field cannot reproduce go to ``extra``."""
    for f in fields:
        value = f.accept(obj[f.key]) if f.key in obj else NOT_STORABLE
        if value is NOT_STORABLE:
            empty = _empty(instance, f.attr)
            setattr(instance, f.attr, empty)
            if f.key in obj and f.emit(empty) != obj[f.key]:
                extra[f.key] = copy.deepcopy(obj[f.key])
        else:
            setattr(instance, f.attr, value)


def apply_overlay(
    overlay: Overlay,
    instance: models.Model,
    obj: JsonDict,
    extra: JsonDict,
    entity_id: str,
    constants: JsonDict | None = None,
) -> None:
    """Model the first item of an array; keep the whole array unless we regenerate it exactly."""
    items = obj.get(overlay.key)
    for f in overlay.fields:
        setattr(instance, f.attr, _empty(instance, f.attr))
    if not isinstance(items, list):
        return
    first = items[0] if items and isinstance(items[0], dict) else {}
    for f in overlay.fields:
        value = f.accept(first[f.key]) if f.key in first else NOT_STORABLE
        if value is not NOT_STORABLE:
            setattr(instance, f.attr, value)
    generated = overlay.generate(instance, entity_id, constants)
    if generated is None or items != [generated]:
        extra[overlay.key] = copy.deepcopy(items)


def placeholder(instance: models.Model, attr: str, key: str, fallback: str, extra: JsonDict, limit: int) -> None:
    """Give a required model text field a stand-in when HSDS had no storable value, and remember it."""
    if getattr(instance, attr):
        return
    stand_in = fallback[:limit] or _("(ohne Namen)")
    setattr(instance, attr, stand_in)
    extra.setdefault(PLACEHOLDERS, {})[key] = stand_in


def known_terms(items: Any) -> list[tuple[JsonDict, tx.KnownTerm]]:
    """The attributes among ``items`` that point to one of our taxonomy terms."""
    known = tx.resolve_term_ids()
    found = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        term = item.get("taxonomy_term")
        term_id = term.get("id") if isinstance(term, dict) else item.get("taxonomy_term_id")
        if isinstance(term_id, str) and term_id in known:
            found.append((item, known[term_id]))
    return found


def keep_unmatched(items: Any, generated: list[JsonDict], extra: JsonDict, key: str) -> None:
    """Keep the items of ``items`` that the exporter does not regenerate (and an empty array as such)."""
    if not isinstance(items, list):
        return
    kept = [copy.deepcopy(i) for i in items if i not in generated]
    if kept or not items:
        extra[key] = kept


def state(obj: models.Model, relations: dict[str, Any] | None = None) -> JsonDict:
    """Comparable values of ``obj`` (and given relations) to tell whether an import changed it."""
    values: JsonDict = {}
    for f in obj._meta.concrete_fields:
        if f.name not in ("id", "created_at", "updated_at", "search_text"):
            values[f.attname] = getattr(obj, f.attname)
    return values | (relations or {})


def schedule_fill(schedule: Schedule, item: JsonDict) -> JsonDict:
    """Set the schedule's fields from HSDS ``item``; returns what it keeps in ``hsds_extra``."""
    extra = {k: copy.deepcopy(v) for k, v in item.items() if k not in {"id"} | {f.key for f in hsds.SCHEDULE_FIELDS}}
    apply_fields(schedule, item, hsds.SCHEDULE_FIELDS, extra)
    return extra


def schedule_values(item: JsonDict) -> JsonDict:
    """The comparable values a schedule row would get from HSDS ``item``."""
    probe = Schedule(uuid=item["id"])
    probe.hsds_extra = schedule_fill(probe, item)
    return schedule_json(probe)


def schedule_json(schedule: Schedule) -> JsonDict:
    """Comparable values of a schedule row (uuid as text)."""
    values = {f.attname: getattr(schedule, f.attname) for f in schedule._meta.concrete_fields}
    values["uuid"] = str(values["uuid"])
    for key in ("id", "offering_id"):
        values.pop(key, None)
    return values
