"""``sozialplan bench``: benchmarks as ratios against a baseline measured in the same run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from sozialplan.bench.regions import run_region_benchmark


class Command(BaseCommand):
    help = (
        "Misst den Bulk-Import aller Gemeinden Deutschlands (GV100AD) gegen eine zeilenweise "
        "Model.save()-Schleife in einer Wegwerf-Datenbank unter var/bench/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=Path(settings.DATA_DIR) / "regions" / "GV100AD_301123.txt",
            help="GV100AD-Datei (Standard: data/regions/GV100AD_301123.txt)",
        )
        parser.add_argument(
            "--naive-budget",
            type=float,
            default=60.0,
            metavar="SEKUNDEN",
            help="höchstens so lange zeilenweise schreiben, dann linear hochrechnen (Standard 60)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = run_region_benchmark(
            options["file"],
            database=Path(settings.VAR_DIR) / "bench" / "regions.sqlite3",
            naive_budget=options["naive_budget"],
        )
        self.stdout.write(result.report())
