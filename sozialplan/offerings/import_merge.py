"""Re-importing a file without reverting what people changed since the last import.

Every imported ``Offering`` and ``Site`` keeps in ``import_snapshot`` the
values the last import wrote, in a JSON form: foreign keys and many-to-many
relations as primary keys (relations as sorted lists), everything else as
stored. A re-import compares three values per field:

* *current*: what the record holds now;
* *wanted*: what the file says now;
* *last*: what the last import wrote (the snapshot).

The file's value is written when the record still holds *last* (nobody
changed it since) or holds nothing; otherwise a person changed the field and
the current value is kept ("lokal geändert, nicht überschrieben"). A field
that already holds the file's value needs nothing.

Records imported before snapshots existed have an empty snapshot. If the
audit trail shows that only imports ever touched such a record, its current
values are what the imports wrote and serve as *last*; otherwise nothing is
known and only empty fields are filled (``legacy_untouched``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from sozialplan.audit.models import AuditEntry
from sozialplan.regions.models import District

#: Notes of audit entries written by imports start with this word.
IMPORT_NOTE_PREFIX = "Import"


def snapshot_form(value: Any) -> Any:
    """``value`` as stored in a snapshot: a model by its primary key, a set as a sorted list."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, set | frozenset):
        return sorted(value)
    return value


def current_value(obj: models.Model, name: str) -> Any:
    """The snapshot form of concrete field ``name`` of ``obj`` (a foreign key by its id, without a query)."""
    model_field = obj._meta.get_field(name)
    if isinstance(model_field, models.ForeignKey):
        return getattr(obj, model_field.attname)
    return getattr(obj, name)


def is_empty(value: Any) -> bool:
    """Nothing in the field: ``None``, '' or no related records."""
    return value is None or value == "" or value == []


@dataclass
class Merge:
    """The outcome for one record.

    ``write``: names of fields to set to the file's value; ``kept``: names of
    fields a person changed (their current value stays, the file differs);
    ``snapshot``: the record's new ``import_snapshot``.
    """

    write: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    snapshot: dict[str, Any] = field(default_factory=dict)


def merge(current: Mapping[str, Any], wanted: Mapping[str, Any], last: Mapping[str, Any]) -> Merge:
    """Decide field by field (all arguments in snapshot form; ``wanted`` names the fields to consider).

    A kept field keeps its old snapshot value (if it had one), so that it
    stays "changed by a person" at the next import too.
    """
    result = Merge(snapshot=dict(last))
    for name, new in wanted.items():
        have = current[name]
        if have == new:
            result.snapshot[name] = new
        elif (name in last and have == last[name]) or is_empty(have):
            result.write.append(name)
            result.snapshot[name] = new
        else:
            result.kept.append(name)
    return result


def touched_by_people(district: District, object_type: str, uuids: Iterable[str]) -> set[str]:
    """Of the records ``uuids`` (as strings), those with an audit entry not written by an import."""
    ids = list(uuids)
    touched: set[str] = set()
    for start in range(0, len(ids), 500):
        entries = (
            AuditEntry.objects.filter(
                district=district, object_type=object_type, object_id__in=ids[start : start + 500]
            )
            .exclude(note__startswith=IMPORT_NOTE_PREFIX)
            .values_list("object_id", flat=True)
        )
        touched.update(entries)
    return touched
