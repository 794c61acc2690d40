"""``sozialplan compute-needs --kreis 16069``: compute the Bedarfsanalyse of a district now (synchronously).

Takes the district's queued run if there is one (so the background worker
does not compute it again), otherwise starts a new run, shows a progress bar
on stderr and prints a German summary: travel method, demand and supply
points, categories, gaps (new, current, no longer computed) and the notes.
Exit code 1 (``CommandError``) when the run fails; nothing is written then.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import ngettext
from tqdm import tqdm

from sozialplan.indicators.numbers import format_number
from sozialplan.needs.compute import compute_run
from sozialplan.needs.models import AnalysisRun, RunStatus
from sozialplan.regions.models import District

REASON = "Befehl compute-needs"


def district_by_kreis(kreis: str) -> District:
    """The hosted district of the Kreis key (5 digits) or ``CommandError`` (German)."""
    if not (kreis.isascii() and kreis.isdigit() and len(kreis) == 5):
        raise CommandError(f"--kreis erwartet einen fünfstelligen Kreisschlüssel, z. B. 16069 (nicht „{kreis[:20]}“).")
    district = District.objects.select_related("region").filter(region__key=kreis).first()
    if district is None:
        raise CommandError(
            f"Der Kreis {kreis} ist kein Gebiet dieser Installation (erst load-demo oder Gebiet anlegen)."
        )
    return district


class Command(BaseCommand):
    help = (
        "Berechnet die Bedarfsanalyse eines Kreises sofort: Erreichbarkeit, Versorgung und Lückenregister "
        "(Luftlinie mit Umwegfaktor oder das geladene Straßennetz)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kreis", required=True, metavar="SCHLÜSSEL", help="Kreisschlüssel, z. B. 16069")
        parser.add_argument("--no-progress", action="store_true", help="keinen Fortschrittsbalken zeigen")

    def handle(self, *args: Any, **options: Any) -> None:
        district = district_by_kreis(options["kreis"])
        run = self._claim(district)
        show = not options["no_progress"] and sys.stderr.isatty()
        started = time.monotonic()
        with tqdm(total=100, desc="Bedarfsanalyse", unit="%", file=sys.stderr, disable=not show, leave=False) as bar:

            def progress(percent: int, text: str) -> None:
                bar.n = percent
                bar.set_postfix_str(text, refresh=False)
                bar.refresh()

            run = compute_run(run, progress=progress)
        seconds = time.monotonic() - started
        if run.status != RunStatus.DONE:
            raise CommandError(f"Die Bedarfsanalyse ist fehlgeschlagen, nichts gespeichert: {run.error}")
        self.stdout.write(summary(run, seconds))

    def _claim(self, district: District) -> AnalysisRun:
        queued = AnalysisRun.objects.filter(district=district, status=RunStatus.QUEUED).order_by("requested_at", "pk")
        for run in queued:
            # Claimed in one statement, so a worker that picks it up at the same time leaves it alone.
            if AnalysisRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(status=RunStatus.RUNNING):
                run.refresh_from_db()
                return run
        return AnalysisRun.objects.create(district=district, reason=REASON)


def summary(run: AnalysisRun, seconds: float) -> str:
    """The German summary of a finished run."""
    points = run.points or []
    cells = sum(1 for p in points if p.get("kind") == "cell")
    counts = run.parameters.get("gap_counts", {})
    lines = [
        f"Bedarfsanalyse für {run.district.name} berechnet (Lauf {run.pk}, {format_number(seconds, 1)} s).",
        f"Methode: {run.method_note}",
        f"Nachfragepunkte: {format_number(len(points))} ("
        + ngettext("%(n)s Gitterzelle", "%(n)s Gitterzellen", cells) % {"n": format_number(cells)}
        + ", "
        + ngettext("%(n)s Gemeindemittelpunkt", "%(n)s Gemeindemittelpunkte", len(points) - cells)
        % {"n": format_number(len(points) - cells)}
        + f"); Angebotsorte: {format_number(len(run.supply))}.",
        f"Kategorien (Handlungsfeld × Zielgruppe): {format_number(len(run.parameters.get('categories', [])))}.",
        f"Lücken: {format_number(counts.get('new', 0))} neu, {format_number(counts.get('current', 0))} aktuell, "
        f"{format_number(counts.get('no_longer', 0))} nicht mehr berechnet.",
        f"Bevölkerung: {run.demand_note}",
    ]
    lines.extend(f"Hinweis: {note}" for note in run.notes)
    return "\n".join(lines) + "\n"
