"""``sozialplan import-statistics FILE… [--dry-run] [--map ALT=NEU …] [--yes]``: official statistics into datasets.

For each file the format is detected from its content (GENESIS flat file,
classic GENESIS/Regionalstatistik CSV or XLSX, projection table, Zensus grid),
a German preview is printed (table, variables, regions matched and not
matched with reasons), and the table is imported atomically and idempotently
unless ``--dry-run`` is given. In a terminal the command asks before
importing unless ``--yes``. ``--map 160685005043=16068064`` adds the counts of
an old key to its successor (confirmed mappings are stored and apply to later
imports). A progress bar goes to stderr for tables above 10,000 values.

Exit code 1 if any file could not be imported; the other files are imported.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from tqdm import tqdm

from sozialplan.indicators.import_grid import GridPreview
from sozialplan.indicators.import_matching import KIND_BY_LENGTH, match_regions, stored_mappings
from sozialplan.indicators.import_plan import number
from sozialplan.indicators.import_preview import ImportPreview
from sozialplan.indicators.importing import check_size, import_table, preview, read_table
from sozialplan.regions.models import Region
from sozialplan.sources.errors import SourceError
from sozialplan.sources.statistics import StatTable
from sozialplan.sources.textfile import read_bytes

#: Tables with more values than this get a progress bar.
PROGRESS_ABOVE = 10_000


class Command(BaseCommand):
    help = (
        "Importiert amtliche Statistiktabellen (GENESIS-Flatfile-CSV, GENESIS/Regionalstatistik-CSV und -XLSX, "
        "Bevölkerungsvorausberechnung 12421-0003, Zensus-Gitter). Zeigt zuerst eine Vorschau; wiederholbar: "
        "ein zweiter Lauf ändert nichts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="DATEI")
        parser.add_argument("--dry-run", action="store_true", help="nur die Vorschau zeigen, nichts speichern")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="ALT=NEU",
            help="Werte des alten Schlüssels dem Gebiet NEU (AGS, Kreis- oder Landesschlüssel) zurechnen, "
            "z. B. 160685005043=16068064; nur für Anzahlen",
        )
        parser.add_argument("--yes", action="store_true", help="ohne Rückfrage importieren")
        parser.add_argument("--user", metavar="BENUTZER", help="Benutzername für das Protokoll (sonst „System“)")
        parser.add_argument("--no-progress", action="store_true", help="keinen Fortschrittsbalken zeigen")

    def handle(self, *args: Any, **options: Any) -> None:
        user = _user(options["user"])
        cli_mappings = _parse_mappings(options["map"])
        failures: list[str] = []
        for path in options["files"]:
            try:
                self._one(path, user=user, cli_mappings=cli_mappings, options=options)
            except SourceError as exc:
                failures.append(f"{path.name}: {exc}" if exc.file != path.name else str(exc))
                self.stderr.write(f"Nichts importiert aus {path.name}. {exc}")
        if failures:
            raise CommandError("Nicht importiert:\n" + "\n".join(f"  – {f}" for f in failures))

    def _one(self, path: Path, *, user: User | None, cli_mappings: dict[str, int], options: dict[str, Any]) -> None:
        if path.is_file():
            check_size(path.stat().st_size, file=path.name)
        data = read_bytes(path, file=path.name)
        table = read_table(path.name, data)
        mappings: dict[str, int] | None = None
        if cli_mappings and isinstance(table, StatTable):
            match = match_regions(table)
            mappings = stored_mappings(u.key for u in match.unmatched if u.mappable) | cli_mappings
        shown = preview(table, mappings=mappings)
        self.stdout.write(render_preview(path.name, shown))
        if isinstance(shown, ImportPreview) and shown.mapping_errors:
            raise SourceError("Zuordnungen abgelehnt: " + " ".join(shown.mapping_errors.values()), file=path.name)
        if options["dry_run"]:
            self.stdout.write("Probelauf (--dry-run): nichts gespeichert.\n")
            return
        if not options["yes"] and sys.stdin.isatty() and not _confirm(self.stdout):
            self.stdout.write("Abgebrochen: nichts gespeichert.\n")
            return
        values = len(table.values) if isinstance(table, StatTable) else len(table.cells)
        show = values > PROGRESS_ABOVE and not options["no_progress"] and sys.stderr.isatty()
        with tqdm(total=0, desc="Werte", unit=" Werte", file=sys.stderr, disable=not show, leave=False) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()

            result = import_table(
                table,
                user=user,
                file_name=path.name,
                sha256=hashlib.sha256(data).hexdigest(),
                confirmed_mappings=mappings,
                progress=progress,
            )
        self.stdout.write(f"{path.name}: {result.summary()}\n")


def _confirm(out: OutputWrapper) -> bool:
    out.write("Importieren? [j/N] ")
    answer = sys.stdin.readline().strip().casefold()
    return answer in ("j", "ja", "y", "yes")


def _user(name: str | None) -> User | None:
    if not name:
        return None
    try:
        user = get_user_model().objects.get(username=name)
    except get_user_model().DoesNotExist:
        raise CommandError(f"Benutzer „{name}“ gibt es nicht.") from None
    assert isinstance(user, User)
    return user


def _parse_mappings(items: list[str]) -> dict[str, int]:
    """``["160685005043=16068064"]`` → old key → pk of the valid region NEU names (CommandError in German)."""
    result: dict[str, int] = {}
    for item in items:
        old, sep, new = item.partition("=")
        old, new = old.strip(), new.strip()
        kind = KIND_BY_LENGTH.get(len(new))
        if not sep or not old or not (new.isascii() and new.isdigit()) or kind is None:
            raise CommandError(f"--map „{item[:40]}“: erwartet ALT=NEU, NEU als Gebietsschlüssel (z. B. 16068064).")
        regions = Region.objects.valid_on().filter(kind=kind)
        region = (regions.filter(ars=new) if len(new) == 12 else regions.filter(key=new)).first()
        if region is None:
            raise CommandError(f"--map {old}={new}: Das Gebiet {new} gibt es nicht (oder nicht mehr).")
        result[old] = region.pk
    return result


def render_preview(file_name: str, shown: ImportPreview | GridPreview) -> str:
    """The preview as German text lines for the terminal."""
    if isinstance(shown, GridPreview):
        return _render_grid(file_name, shown)
    lines = [
        f"Datei: {file_name}",
        f"Tabelle: {shown.code} – {shown.title} ({shown.format_label}, Sprache {shown.language})",
    ]
    if shown.source or shown.licence:
        lines.append(f"Quelle: {shown.source or '–'}; Lizenz: {shown.licence or '–'}")
    lines.append("Stichtage: " + ", ".join(f"{p:%d.%m.%Y}" for p in shown.periods[:10]) + _more(shown.periods, 10))
    for m in shown.measures:
        lines.append(f"Merkmal: {m.code} {m.label} ({m.unit or 'ohne Einheit'}): {number(m.count)} Werte")
    lines.extend(f"Gliederung: {b}" for b in shown.breakdowns)
    lines.append(f"Werte: {number(shown.value_count)}, davon gespeichert: {number(shown.stored_values)}")
    for level in shown.levels:
        lines.append(f"Zugeordnet: {level.label}: {number(level.regions)} Gebiete ({number(level.values)} Werte)")
    lines.extend(f"  {row.key} {row.name} → {row.region} ({row.level})" for row in shown.sample)
    lines.extend(_unmatched_lines(shown))
    if shown.outside_message:
        lines.append(shown.outside_message)
    if shown.germany_values:
        lines.append(f"Werte für Deutschland: {number(shown.germany_values)} (Deutschland wird nicht gespeichert)")
    lines.extend(f"Zeichen „{f.flag}“ ({f.meaning}): {number(f.count)} Werte" for f in shown.flags)
    lines.extend(f"Hinweis: {note}" for note in shown.notes)
    c = shown.changes
    if shown.existing is not None:
        lines.append(
            f"Gegenüber dem gespeicherten Datensatz: neu {number(c.new)}, geändert {number(c.changed)}, "
            f"unverändert {number(c.unchanged)}, entfernt {number(c.removed)}"
        )
    return "\n".join(lines) + "\n"


def _unmatched_lines(shown: ImportPreview) -> list[str]:
    if not shown.unmatched:
        return []
    lines = [f"Nicht zugeordnet ({len(shown.unmatched)}):"]
    for u in shown.unmatched:
        lines.append(f"  {u.key} {u.name}: {u.reason}")
        if u.key in shown.mapped:
            lines.append(f"    → zugerechnet zu {shown.mapped[u.key].name}")
        elif u.key in shown.mapping_errors:
            lines.append(f"    Zuordnung abgelehnt: {shown.mapping_errors[u.key]}")
        elif u.suggestions:
            hints = "; ".join(f"{s.key} {s.name} ({s.why})" for s in u.suggestions)
            lines.append(f"    mögliche Nachfolger (mit --map {u.key}=SCHLÜSSEL bestätigen): {hints}")
    return lines


def _render_grid(file_name: str, shown: GridPreview) -> str:
    lines = [
        f"Datei: {file_name}",
        f"Gitter: {shown.code} – {shown.title} (Kachel {shown.tile}, Stichtag {shown.period:%d.%m.%Y})",
        f"Quelle: {shown.source}; Lizenz: {shown.licence}",
        f"Zellen: {number(shown.cells)}, Personen: {number(shown.persons)}",
    ]
    lines.extend(f"Hinweis: {note}" for note in shown.notes)
    return "\n".join(lines) + "\n"


def _more(items: list[Any], shown: int) -> str:
    return f" … ({len(items)} insgesamt)" if len(items) > shown else ""
