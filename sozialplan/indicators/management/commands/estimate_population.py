"""``sozialplan estimate-population --kreis 16069``: age groups per Gemeinde (estimate) and projection."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from sozialplan.indicators.estimation import estimate_gemeinde_ages, import_grid
from sozialplan.indicators.models import Dataset
from sozialplan.indicators.population_inputs import MissingDataError
from sozialplan.indicators.projection_service import project_gemeinden
from sozialplan.regions.models import RegionKind
from sozialplan.sources.errors import SourceError
from sozialplan.sources.textfile import read_bytes
from sozialplan.sources.zensus_grid import read_zensus_grid


def _years(text: str) -> list[int]:
    try:
        years = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise CommandError(f"„{text}“ ist keine Liste von Jahren (z. B. 2030,2035,2040).") from None
    if not years:
        raise CommandError("Es ist kein Zieljahr angegeben.")
    return years


class Command(BaseCommand):
    help = (
        "Schätzt die Altersgruppen je Gemeinde eines Kreises (Zensus-Gitter, angepasst an die Einwohner je "
        "Gemeinde und die Altersgruppen des Kreises) und berechnet die Bevölkerung je Gemeinde bis zum "
        "Planungshorizont voraus (Anteile an der amtlichen Landesvorausberechnung). Alles in einer Transaktion."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kreis", required=True, metavar="SCHLÜSSEL", help="Kreisschlüssel, z. B. 16069")
        parser.add_argument(
            "--years", metavar="JAHRE", help="Zieljahre, durch Komma getrennt (Vorgabe: PROJECTION_YEARS)"
        )
        parser.add_argument("--variant", default="G2L2W1", metavar="VARIANTE", help="Variante, z. B. G2L2W1")
        parser.add_argument(
            "--grid",
            action="append",
            type=Path,
            default=[],
            metavar="DATEI",
            help="zuerst diese Kachel des Zensus-Gitters (ALTER_KURZ, 1 km) importieren; mehrfach möglich",
        )
        parser.add_argument("--grid-info", type=Path, metavar="INFO.JSON", help="Kachel-Metadaten (info.json)")

    def handle(self, *args: Any, **options: Any) -> None:
        kreis_key: str = options["kreis"]
        if not (kreis_key.isdigit() and len(kreis_key) == 5):
            raise CommandError(f"„{kreis_key}“ ist kein fünfstelliger Kreisschlüssel.")
        years = _years(options["years"]) if options["years"] else list(settings.PROJECTION_YEARS)
        try:
            with transaction.atomic():
                for path in options["grid"]:
                    self._import_grid(path, options["grid_info"])
                ages = estimate_gemeinde_ages(kreis_key)
                projection = project_gemeinden(kreis_key, years=years, variant=options["variant"])
        except (MissingDataError, SourceError) as exc:
            raise CommandError(f"Nichts gespeichert. {exc}") from exc
        self._summary(ages, projection, years)

    def _import_grid(self, path: Path, info_path: Path | None) -> None:
        info = None
        if info_path is not None:
            try:
                info = json.loads(read_bytes(info_path, file=info_path.name))
            except ValueError as exc:
                raise SourceError("Die Kachel-Metadaten sind kein JSON.", file=info_path.name) from exc
            if not isinstance(info, dict):
                raise SourceError("Die Kachel-Metadaten sind kein JSON-Objekt.", file=info_path.name)
        table = read_zensus_grid(str(path), read_bytes(path, file=path.name), info=info)
        dataset = import_grid(table)
        self.stdout.write(f"Gitter {path.name}: {dataset.observation_count} Zellen in Gemeinden gespeichert.")

    def _summary(self, ages: Dataset, projection: Dataset, years: list[int]) -> None:
        self.stdout.write(f"Altersschätzung „{ages.code}“: {ages.observation_count} Werte ({ages.vintage}).")
        self.stdout.write(f"Vorausberechnung „{projection.code}“: {projection.observation_count} Werte.")
        kreis_values = {
            o.period.year: o.value
            for o in projection.observations.filter(region__kind=RegionKind.KREIS, period__year__in=years).order_by(
                "period"
            )
        }
        for year, value in kreis_values.items():
            self.stdout.write(f"  Kreis 31.12.{year}: {value or 0:,.0f} Einwohner".replace(",", "."))
        self.stdout.write(self.style.SUCCESS("Fertig. Die Werte sind als Schätzung bzw. Vorausberechnung markiert."))
