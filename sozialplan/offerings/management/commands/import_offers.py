"""``sozialplan import-offers FILE --district SLUG``: offers CSV or HSDS JSON into one district.

All or nothing by default: one invalid row and nothing is imported (the
message names every bad row); ``--skip-invalid`` imports the valid rows and
lists the rest. A progress bar goes to stderr when it is a terminal (not with
``--no-progress``); the summary goes to stdout.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sozialplan.offerings.importing import import_offers_file
from sozialplan.regions.models import District
from sozialplan.sources.errors import SourceError
from sozialplan.sources.offers_csv import InvalidRowsError
from sozialplan.sources.textfile import read_bytes


class Command(BaseCommand):
    help = (
        "Importiert Angebote aus einer Angebots-CSV (Format wie data/offers/hildburghausen/offers.csv) "
        "oder aus HSDS-3.0-JSON in einen Landkreis. Wiederholbar: ein zweiter Lauf ändert nichts. "
        "Enthält die Datei eine fehlerhafte Zeile, wird nichts importiert (außer mit --skip-invalid)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, metavar="DATEI")
        parser.add_argument("--district", required=True, metavar="KURZNAME", help="z. B. hildburghausen")
        parser.add_argument("--user", metavar="BENUTZER", help="Benutzername für das Protokoll (sonst „System“)")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="fehlerhafte Zeilen überspringen und den Rest importieren (sonst wird nichts importiert)",
        )
        parser.add_argument("--no-progress", action="store_true", help="keinen Fortschrittsbalken zeigen")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            district = District.objects.select_related("region").get(slug=options["district"])
        except District.DoesNotExist:
            raise CommandError(f"Landkreis „{options['district']}“ gibt es nicht.") from None
        actor = None
        if options["user"]:
            try:
                actor = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"Benutzer „{options['user']}“ gibt es nicht.") from None
        path: Path = options["file"]
        show_progress = not options["no_progress"] and sys.stderr.isatty()
        try:
            data = read_bytes(path, file=path.name)
            summary = import_offers_file(
                district=district,
                data=data,
                filename=path.name,
                actor=actor,
                skip_invalid=options["skip_invalid"],
                show_progress=show_progress,
            )
        except InvalidRowsError as exc:
            raise CommandError(
                f"Nichts importiert. {exc}\n"
                "Bitte die Zeilen korrigieren oder mit --skip-invalid nur die fehlerfreien Zeilen importieren."
            ) from exc
        except SourceError as exc:
            raise CommandError(f"Nichts importiert. {exc}") from exc
        self.stdout.write(f"{path.name} → {district.name}: {summary}")
