"""Write audit entries. Every service that changes district data calls ``record``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import models

from sozialplan.audit.models import AuditEntry
from sozialplan.regions.models import District

JsonValue = Any


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, JsonValue]:
    """JSON-serialisable values of ``obj``'s concrete and many-to-many fields.

    Foreign keys and many-to-many fields are given as ``str()`` of their
    targets so that the trail stays readable after the target is deleted.
    """
    values: dict[str, JsonValue] = {}
    for field in obj._meta.get_fields():
        if fields is not None and field.name not in fields:
            continue
        if isinstance(field, models.ManyToManyField):
            if obj.pk is None:
                continue
            values[field.name] = sorted(str(o) for o in getattr(obj, field.name).all())
        elif isinstance(field, models.ForeignKey):
            target = getattr(obj, field.name)
            values[field.name] = None if target is None else str(target)
        elif isinstance(field, models.Field) and field.concrete and not field.auto_created:
            if field.name in ("search_text", "hsds_extra", "import_snapshot", "created_at", "updated_at"):
                continue
            value = field.value_from_object(obj)
            values[field.name] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
    return values


def diff(before: dict[str, JsonValue], after: dict[str, JsonValue]) -> dict[str, list[JsonValue]]:
    """Fields whose value differs, as ``{field: [old, new]}``."""
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record(
    *,
    actor: User | AbstractBaseUser | AnonymousUser | None,
    district: District | None,
    action: str,
    obj: models.Model,
    changes: dict[str, list[JsonValue]] | None = None,
    note: str = "",
) -> AuditEntry:
    """Append one entry to the audit trail (never updated or deleted)."""
    user = actor if isinstance(actor, User) else None
    return AuditEntry.objects.create(
        district=district,
        actor=user,
        actor_name=user.get_username() if user is not None else "System",
        action=action,
        object_type=obj._meta.model_name or "",
        object_id=str(getattr(obj, "uuid", obj.pk)),
        object_label=str(obj)[:300],
        changes=changes or {},
        note=note,
    )
