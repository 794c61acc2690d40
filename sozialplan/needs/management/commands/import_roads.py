"""``sozialplan import-roads FILE --kreis 16069 [--name …]``: load an OSM road network for the Bedarfsanalyse.

Reads OSM XML (also .gz/.bz2), .osm.pbf or GeoJSON (format from the
content), clips it to the district plus 5 km, builds the walking and the
car network (speeds from ``maxspeed`` or the road class, small gaps closed)
and stores it as the district's active network; older networks are no
longer used. Prints the network report. ``--deactivate`` goes back to
straight-line distances. A file that does not cover the district is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import ngettext

from sozialplan.indicators.numbers import format_number
from sozialplan.needs.management.commands.compute_needs import district_by_kreis
from sozialplan.needs.services import deactivate_road_networks, import_road_network
from sozialplan.sources.osm import RoadFileError


class Command(BaseCommand):
    help = (
        "Lädt ein Straßennetz aus OpenStreetMap (OSM-XML, .osm.pbf, GeoJSON) für die Bedarfsanalyse eines Kreises; "
        "--deactivate schaltet zurück auf Luftlinie."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, metavar="DATEI")
        parser.add_argument("--kreis", required=True, metavar="SCHLÜSSEL", help="Kreisschlüssel, z. B. 16069")
        parser.add_argument("--name", default="", help="Name des Netzes (sonst der Dateiname)")
        parser.add_argument(
            "--deactivate", action="store_true", help="kein Straßennetz mehr verwenden (zurück zur Luftlinie)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        district = district_by_kreis(options["kreis"])
        if options["deactivate"]:
            count = deactivate_road_networks(district)
            if not count:
                self.stdout.write(f"Für {district.name} war kein Straßennetz in Gebrauch.\n")
                return
            message = ngettext(
                "%(count)s Straßennetz für %(name)s abgeschaltet; die Bedarfsanalyse rechnet wieder mit "
                "Luftlinie × Umwegfaktor.",
                "%(count)s Straßennetze für %(name)s abgeschaltet; die Bedarfsanalyse rechnet wieder mit "
                "Luftlinie × Umwegfaktor.",
                count,
            )
            self.stdout.write(message % {"count": format_number(count), "name": district.name} + "\n")
            return
        path: Path | None = options["file"]
        if path is None:
            raise CommandError("Bitte eine Datei angeben (oder --deactivate).")
        if not path.is_file():
            raise CommandError(f"Die Datei „{path}“ gibt es nicht.")
        try:
            imported = import_road_network(district, path, user=None, name=options["name"])
        except RoadFileError as error:
            raise CommandError(f"Nichts gespeichert. {error}") from error
        except ValidationError as error:
            raise CommandError("Nichts gespeichert. " + " ".join(error.messages)) from error
        network = imported.network
        lines = [
            f"Straßennetz „{network.name}“ für {district.name} gespeichert ({network.source_format}"
            + (f", Stand {network.data_date}" if network.data_date else "")
            + f"): {format_number(network.node_count)} Knoten, "
            + ngettext("%(n)s Kante", "%(n)s Kanten", network.edge_count) % {"n": format_number(network.edge_count)}
            + ".",
            *imported.lines(),
            "Die Bedarfsanalyse rechnet ab der nächsten Berechnung im Straßennetz (sozialplan compute-needs "
            f"--kreis {district.region.key}).",
        ]
        self.stdout.write("\n".join(lines) + "\n")
