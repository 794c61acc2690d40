"""Load the reference data (``data/reference/*.json``) idempotently."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction

from sozialplan.catalog.models import ActionField, CrossCuttingTheme, OfferType, TargetGroup

_Ref = TypeVar("_Ref", ActionField, TargetGroup, OfferType, CrossCuttingTheme)


@dataclass
class ReferenceSummary:
    action_fields: int = 0
    target_groups: int = 0
    offer_types: int = 0
    themes: int = 0


def _read(directory: Path, name: str, key: str) -> list[dict[str, Any]]:
    path = directory / name
    if not path.exists():
        return []
    rows: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))[key]
    return rows


def _sync(model: type[_Ref], rows: list[dict[str, Any]]) -> int:
    """Create or update ``model`` rows by ``code`` with a few queries; returns the number of rows in the file.

    Only rows whose values differ are written, so a second load writes nothing.
    """
    existing = {obj.code: obj for obj in model.objects.all()}
    to_create: list[_Ref] = []
    for row in rows:
        values = {k: v for k, v in row.items() if k != "code"}
        obj = existing.get(row["code"])
        if obj is None:
            to_create.append(model(code=row["code"], **values))
            continue
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        if changed:
            for k in changed:
                setattr(obj, k, values[k])
            obj.save(update_fields=changed)
    model.objects.bulk_create(to_create)
    return len(rows)


@transaction.atomic
def load_reference(directory: Path | None = None) -> ReferenceSummary:
    """Create or update Handlungsfelder, Zielgruppen, Angebotsarten and Querschnittsthemen.

    Rows are matched by ``code``; running it twice changes nothing.
    """
    directory = directory or settings.DATA_DIR / "reference"
    return ReferenceSummary(
        action_fields=_sync(ActionField, _read(directory, "action_fields.json", "action_fields")),
        target_groups=_sync(TargetGroup, _read(directory, "target_groups.json", "target_groups")),
        offer_types=_sync(OfferType, _read(directory, "offer_types.json", "offer_types")),
        themes=_sync(CrossCuttingTheme, _read(directory, "themes.json", "themes")),
    )
