"""Load the reference data (``data/reference/*.json``) idempotently."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from sozialplan.catalog.models import ActionField, CrossCuttingTheme, OfferType, TargetGroup


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


@transaction.atomic
def load_reference(directory: Path | None = None) -> ReferenceSummary:
    """Create or update Handlungsfelder, Zielgruppen, Angebotsarten and Querschnittsthemen.

    Rows are matched by ``code``; running it twice changes nothing.
    """
    directory = directory or settings.DATA_DIR / "reference"
    summary = ReferenceSummary()
    for row in _read(directory, "action_fields.json", "action_fields"):
        ActionField.objects.update_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})
        summary.action_fields += 1
    for row in _read(directory, "target_groups.json", "target_groups"):
        TargetGroup.objects.update_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})
        summary.target_groups += 1
    for row in _read(directory, "offer_types.json", "offer_types"):
        OfferType.objects.update_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})
        summary.offer_types += 1
    for row in _read(directory, "themes.json", "themes"):
        CrossCuttingTheme.objects.update_or_create(
            code=row["code"], defaults={k: v for k, v in row.items() if k != "code"}
        )
        summary.themes += 1
    return summary
