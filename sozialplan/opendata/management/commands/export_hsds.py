"""``sozialplan export-hsds DIR``: every published offer as HSDS 3.0 files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Prefetch

from sozialplan.opendata import hsds, queries
from sozialplan.opendata.tabular import Tables
from sozialplan.regions.models import District


def _write(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


class Command(BaseCommand):
    help = (
        "Schreibt alle veröffentlichten Angebote als HSDS 3.0 nach DIR: services/<id>.json, "
        "organizations/<id>.json, services.json und das Tabellenformat in csv/ (mit datapackage.json)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="Zielverzeichnis (wird angelegt)")
        parser.add_argument("--district", help="nur dieser Kreis (Kurzname, z. B. hildburghausen)")
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Adresse der Installation, für die Profil-URI im datapackage.json",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"])
        district = None
        if options["district"]:
            district = District.objects.filter(slug=options["district"]).first()
            if district is None:
                raise CommandError(f"Unbekannter Kreis „{options['district']}“.")
        try:
            for sub in ("services", "organizations", "csv"):
                (directory / sub).mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Das Verzeichnis {directory} kann nicht angelegt werden: {error.strerror}.") from None

        offerings = list(queries.with_relations(queries.published_offerings(district)).order_by("name", "pk"))
        services = [hsds.service_full(o) for o in offerings]
        for service in services:
            _write(directory / "services" / f"{service['id']}.json", service)
        _write(directory / "services.json", services)

        published = queries.with_relations(queries.published_offerings()).order_by("name", "pk")
        providers = queries.providers_with_relations(queries.public_providers(district)).prefetch_related(
            Prefetch("offerings", queryset=published, to_attr="published_offerings")
        )
        tables = Tables()
        count_orgs = 0
        for provider in providers:
            offerings = getattr(provider, "published_offerings", [])
            organization = hsds.organization_with_services(provider, offerings, full=True)
            _write(directory / "organizations" / f"{organization['id']}.json", organization)
            count_orgs += 1
        for service in services:
            tables.add_service(service)
        profile = options["base_url"].rstrip("/") + "/api/hsds/profile/"
        tables.write(directory / "csv", profile=profile)

        self.stdout.write(
            f"HSDS 3.0 geschrieben nach {directory}: {len(services)} Angebote (services), "
            f"{count_orgs} Träger (organizations), "
            f"{len(tables.rows['location'])} Standorte, Tabellenformat in csv/ (Profil {profile})."
        )
