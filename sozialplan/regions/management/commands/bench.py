"""``sozialplan bench``: benchmarks as ratios against a baseline measured in the same run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sozialplan.bench.regions import run_region_benchmark
from sozialplan.bench.statistics import run_statistics_benchmark
from sozialplan.sources.osm import RoadFileError

ZENSUS_FILE = "1000A-0000_1773175153999_de_flat.csv"


class Command(BaseCommand):
    help = (
        "Misst in Wegwerf-Datenbanken unter var/bench/ (1) den Bulk-Import aller Gemeinden Deutschlands "
        "(GV100AD) gegen eine zeilenweise Model.save()-Schleife und (2) den Import des Zensus 2022 "
        "(1000A-0000, alle Gemeinden) und die Berechnung aller Kennzahlen für alle Gemeinden gegen "
        "zeilenweise ORM-Schleifen, (3) für die Bedarfsanalyse die Wege zum nächsten Angebot je Kategorie im "
        "realen Straßennetz nördlich von Bayreuth gegen networkx und die 2SFCA-Versorgungsquote im Landkreis "
        "Hildburghausen gegen pysal access (gleiche Zahlen, Laufzeitfaktor)."
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
        parser.add_argument(
            "--osm",
            type=Path,
            default=Path(settings.DATA_DIR) / "roads" / "north-bayreuth.osm.gz",
            help="OSM-XML-Datei (.osm, .osm.gz) für den Wege-Benchmark (Standard: data/roads/north-bayreuth.osm.gz)",
        )
        parser.add_argument(
            "--repeat",
            type=int,
            default=3,
            metavar="N",
            help="Bedarfsanalyse: jedes Verfahren N-mal messen, das Beste zählt (Standard 3)",
        )
        parser.add_argument("--skip-needs", action="store_true", help="den Bedarfsanalyse-Benchmark auslassen")

    def handle(self, *args: Any, **options: Any) -> None:
        bench_dir = Path(settings.VAR_DIR) / "bench"
        if not options["skip_regions"]:
            result = run_region_benchmark(
                options["file"], database=bench_dir / "regions.sqlite3", naive_budget=options["naive_budget"]
            )
            self.stdout.write(result.report())
        if not options["skip_statistics"]:
            statistics = run_statistics_benchmark(
                options["zensus"],
                options["file"],
                database=bench_dir / "statistics.sqlite3",
                naive_budget=options["naive_budget"],
                only=options["only"],
            )
            self.stdout.write(statistics.report())
        if not options["skip_needs"]:
            self._needs(options["osm"], repeat=options["repeat"])

    def _needs(self, osm: Path, *, repeat: int) -> None:
        """Nearest offer (ours vs networkx) and 2SFCA (ours vs access); a differing number fails the command."""
        try:
            # networkx and access are development dependencies: imported here, not when Django loads commands.
            from sozialplan.bench.needs import run_fca_benchmark, run_nearest_benchmark
        except ImportError as error:
            raise CommandError(
                f"Für den Bedarfsanalyse-Benchmark fehlt {error.name}: bitte requirements-dev.txt installieren "
                "oder --skip-needs angeben."
            ) from error
        if repeat < 1:
            raise CommandError("--repeat muss mindestens 1 sein.")
        try:
            nearest = run_nearest_benchmark(osm, repeat=repeat, max_snap_m=settings.NEEDS_MAX_SNAP_M)
        except RoadFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(nearest.report())
        fca = run_fca_benchmark(
            Path(settings.DATA_DIR),
            repeat=max(repeat, 5),
            catchment=settings.NEEDS_CATCHMENT_MIN,
            detour_factor=settings.NEEDS_DETOUR_FACTOR,
            kmh=settings.NEEDS_CAR_KMH,
        )
        self.stdout.write(fca.report())
        if not nearest.equal or not fca.equal:
            raise CommandError(
                "Die Bedarfsanalyse rechnet anders als networkx bzw. access (siehe „Abgleich“ und „Abweichung“ oben)."
            )
