"""``sozialplan import-regions FILE…``: load official region files (formats detected by content)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sozialplan.regions.services import import_region_files
from sozialplan.sources.errors import SourceError


class Command(BaseCommand):
    help = (
        "Liest Gemeindeverzeichnis (GV100AD), GV-ISys-Mittelpunkte (CSV), VG5000-Grenzen (GeoJSON) und "
        "Zensus-2022-Einwohner (GENESIS ffcsv 1000A-0000) ein. Das Format wird am Inhalt erkannt; "
        "alle Dateien werden in einer Transaktion geschrieben."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="DATEI")
        parser.add_argument(
            "--only", metavar="SCHLÜSSEL", help="nur dieses Land oder diesen Kreis, z. B. 16 (Thüringen) oder 16069"
        )
        parser.add_argument("--no-progress", action="store_true", help="keinen Fortschrittsbalken zeigen")

    def handle(self, *args: Any, **options: Any) -> None:
        show_progress = not options["no_progress"] and sys.stderr.isatty()
        try:
            result = import_region_files(options["files"], only=options["only"], show_progress=show_progress)
        except SourceError as exc:
            raise CommandError(f"Nichts importiert. {exc}") from exc
        self.stdout.write(str(result))
