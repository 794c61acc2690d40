"""``sozialplan bench``: benchmarks as ratios against a baseline measured in the same run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from sozialplan.bench.regions import run_region_benchmark
from sozialplan.bench.statistics import run_statistics_benchmark

ZENSUS_FILE = "1000A-0000_1773175153999_de_flat.csv"


class Command(BaseCommand):
    help = (
        "Misst in Wegwerf-Datenbanken unter var/bench/ (1) den Bulk-Import aller Gemeinden Deutschlands "
        "(GV100AD) gegen eine zeilenweise Model.save()-Schleife und (2) den Import des Zensus 2022 "
        "(1000A-0000, alle Gemeinden) und die Berechnung aller Kennzahlen für alle Gemeinden gegen "
        "zeilenweise ORM-Schleifen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=Path(settings.DATA_DIR) / "regions" / "GV100AD_301123.txt",
            help="GV100AD-Datei (Standard: data/regions/GV100AD_301123.txt)",
        )
        parser.add_argument(
            "--zensus",
            type=Path,
            default=Path(settings.DATA_DIR) / "regions" / ZENSUS_FILE,
            help=f"Zensus-Tabelle 1000A-0000 (Standard: data/regions/{ZENSUS_FILE})",
        )
        parser.add_argument(
            "--naive-budget",
            type=float,
            default=60.0,
            metavar="SEKUNDEN",
            help="höchstens so lange je zeilenweiser Schleife rechnen, dann linear hochrechnen (Standard 60)",
        )
        parser.add_argument(
            "--only",
            metavar="SCHLÜSSEL",
            help="Statistik-Benchmark nur für diesen Kreis oder dieses Land (z. B. 16069), zum Ausprobieren",
        )
        parser.add_argument("--skip-regions", action="store_true", help="den Regionen-Benchmark auslassen")
        parser.add_argument("--skip-statistics", action="store_true", help="den Statistik-Benchmark auslassen")

    def handle(self, *args: Any, **options: Any) -> None:
        bench_dir = Path(settings.VAR_DIR) / "bench"
        if not options["skip_regions"]:
            result = run_region_benchmark(
                options["file"], database=bench_dir / "regions.sqlite3", naive_budget=options["naive_budget"]
            )
            self.stdout.write(result.report())
        if options["skip_statistics"]:
            return
        statistics = run_statistics_benchmark(
            options["zensus"],
            options["file"],
            database=bench_dir / "statistics.sqlite3",
            naive_budget=options["naive_budget"],
            only=options["only"],
        )
        self.stdout.write(statistics.report())
