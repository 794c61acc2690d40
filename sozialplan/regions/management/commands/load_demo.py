"""``sozialplan load-demo``: the demo installation from the real files in data/ (after ``migrate``)."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sozialplan.regions.demo import DEMO_ACCOUNTS, load_demo
from sozialplan.sources.errors import SourceError


class Command(BaseCommand):
    help = (
        "Lädt Referenzdaten, alle Gebiete Thüringens (GV100AD, GV-ISys, VG5000, Zensus 2022), den Landkreis "
        "Hildburghausen mit seinen 72 Angeboten, Planungsräume aus den Verwaltungsgemeinschaften, amtliche "
        "Statistik (mit Schätzung der Altersgruppen und Vorausberechnung je Gemeinde) und Demo-Konten. "
        "Wiederholbar: ein zweiter Lauf ändert nichts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-progress", action="store_true", help="keinen Fortschrittsbalken zeigen")
        parser.add_argument("--no-accounts", action="store_true", help="keine Demo-Konten anlegen")
        parser.add_argument(
            "--demo-accounts",
            action="store_true",
            help="Demo-Konten auch mit DEBUG=False anlegen (ihre Passwörter sind öffentlich!)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = not options["no_accounts"] and (settings.DEBUG or options["demo_accounts"])
        show_progress = not options["no_progress"] and sys.stderr.isatty()
        try:
            result = load_demo(accounts=accounts, show_progress=show_progress)
        except SourceError as exc:
            raise CommandError(f"Nichts importiert. {exc}") from exc
        self.stdout.write("== Gebiete ==")
        self.stdout.write(str(result.regions))
        self.stdout.write(f"== Angebote (offers.csv) ==\n{result.offers}")
        self.stdout.write(f"== Planungsräume aus Verwaltungsgemeinschaften ==\n{result.planning_areas}")
        if result.statistics is not None:
            self.stdout.write(f"== Amtliche Statistik, Schätzung, Vorausberechnung ==\n{result.statistics}")
        if result.needs is not None:
            self.stdout.write(f"== Bedarfsanalyse ==\n{result.needs}")
        if not accounts:
            self.stdout.write("Keine Demo-Konten angelegt (DEBUG=False oder --no-accounts).")
        else:
            self.stdout.write(f"== Demo-Konten ==\n{result.accounts}")
            self.stdout.write("Anmeldung unter /konto/anmelden/ (Passwörter siehe docs/demo.md):")
            for account in DEMO_ACCOUNTS:
                self.stdout.write(f"  {account.username:<18} Passwort: {account.password:<15} {account.description}")
        self.stdout.write("Fertig." if result.changed else "Fertig – nichts geändert (Demo war schon geladen).")
