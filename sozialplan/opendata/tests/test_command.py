"""``sozialplan export-hsds DIR``: JSON files per service and organization, and the tabular package."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sozialplan.offerings.models import Offering
from sozialplan.opendata import hsds_schema
from sozialplan.opendata.tabular import columns
from sozialplan.opendata.tests.conftest import Hidden


def test_it_writes_services_organizations_and_tables(
    tmp_path: Path, farbkleckse: Offering, seniorenbuero: Offering, hidden: Hidden
) -> None:
    out = io.StringIO()
    call_command("export_hsds", str(tmp_path), stdout=out)
    assert "2 Angebote" in out.getvalue()
    services = json.loads((tmp_path / "services.json").read_text(encoding="utf-8"))
    assert {s["id"] for s in services} == {str(farbkleckse.uuid), str(seniorenbuero.uuid)}
    for service in services:
        single = json.loads((tmp_path / "services" / f"{service['id']}.json").read_text(encoding="utf-8"))
        assert single == service
        assert hsds_schema.errors(single, "service", strict=True) == []
    organizations = sorted((tmp_path / "organizations").glob("*.json"))
    assert len(organizations) == 2
    for path in organizations:
        assert hsds_schema.errors(json.loads(path.read_text(encoding="utf-8")), "organization") == []
    package = json.loads((tmp_path / "csv" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["hsds_profile"] == "http://127.0.0.1:8000/api/hsds/profile/"
    for resource in package["resources"]:
        text = (tmp_path / "csv" / resource["path"]).read_text(encoding="utf-8")
        header = next(csv.reader(io.StringIO(text)))
        assert header == columns()[resource["name"]]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "csv" / "services.csv").read_text(encoding="utf-8"))))
    assert {r["id"] for r in rows} == {str(farbkleckse.uuid), str(seniorenbuero.uuid)}
    assert all(r["organization_id"] for r in rows)
    locations = list(csv.DictReader(io.StringIO((tmp_path / "csv" / "locations.csv").read_text(encoding="utf-8"))))
    assert [r["external_identifier"] for r in locations] == ["16069024"]
    attributes = (tmp_path / "csv" / "attributes.csv").read_text(encoding="utf-8")
    assert str(farbkleckse.uuid) in attributes
    everything = "".join(p.read_text(encoding="utf-8") for p in tmp_path.rglob("*.*"))
    assert not any(str(o.uuid) in everything for o in hidden.offerings)


def test_it_refuses_an_unknown_district(tmp_path: Path, db: None) -> None:
    with pytest.raises(CommandError, match="Unbekannter Kreis"):
        call_command("export_hsds", str(tmp_path), "--district", "atlantis")
