from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sozialplan.catalog.services import load_reference


class Command(BaseCommand):
    help = "Lädt Handlungsfelder, Zielgruppen, Angebotsarten und Querschnittsthemen aus data/reference/."

    def handle(self, *args: Any, **options: Any) -> None:
        s = load_reference()
        self.stdout.write(
            f"Handlungsfelder: {s.action_fields}, Zielgruppen: {s.target_groups}, "
            f"Angebotsarten: {s.offer_types}, Querschnittsthemen: {s.themes}"
        )
