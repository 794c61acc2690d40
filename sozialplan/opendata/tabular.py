"""Nested HSDS JSON → the HSDS tabular format (one CSV per table plus ``datapackage.json``).

The tables and their columns are those of the official datapackage
(``data/hsds/examples/csv/datapackage.json``). Nested objects become rows of
their table with the foreign key to their parent filled in (``service_id``,
``location_id`` …; ``link_id``/``link_entity`` for attributes,
``resource_id``/``resource_type`` for metadata). A row appears once per id.
"""

from __future__ import annotations

import copy
import csv
import functools
import io
import json
from pathlib import Path
from typing import Any

from sozialplan.opendata.hsds_schema import object_schemas, schema_dir

JsonDict = dict[str, Any]


@functools.cache
def datapackage() -> JsonDict:
    """The official HSDS 3.0 datapackage descriptor."""
    path = schema_dir().parent / "examples" / "csv" / "datapackage.json"
    data: JsonDict = json.loads(path.read_text(encoding="utf-8"))
    return data


def columns() -> dict[str, list[str]]:
    """Table name (``service``, ``phone`` …) → its CSV columns, in order."""
    return {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in datapackage()["resources"]}


class Tables:
    """Rows of every HSDS table, collected from nested documents."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, JsonDict]] = {name: {} for name in columns()}

    def add(self, table: str, obj: JsonDict, parent: tuple[str, str] | None = None) -> None:
        """Add ``obj`` (of ``table``) and everything nested in it; ``parent`` is (table, id)."""
        schemas = object_schemas()
        row = {k: v for k, v in obj.items() if not isinstance(v, (dict, list))}
        if parent is not None:
            parent_table, parent_id = parent
            if table == "attribute":
                row.setdefault("link_id", parent_id)
                row.setdefault("link_entity", parent_table)
            elif table == "metadata":
                row.setdefault("resource_id", parent_id)
                row.setdefault("resource_type", parent_table)
            elif f"{parent_table}_id" in columns()[table]:
                row.setdefault(f"{parent_table}_id", parent_id)
        own_id = str(obj.get("id", ""))
        for key, value in obj.items():
            prop = schemas[table]["properties"].get(key, {})
            if isinstance(value, dict) and "$ref" in prop:
                child = prop["$ref"].removesuffix(".json")
                if isinstance(value.get("id"), str) and f"{child}_id" in columns()[table]:
                    row.setdefault(f"{child}_id", value["id"])
                self.add(child, value)
            elif isinstance(value, list) and "$ref" in prop.get("items", {}):
                child = prop["items"]["$ref"].removesuffix(".json")
                for item in value:
                    if isinstance(item, dict):
                        self.add(child, item, (table, own_id))
        if own_id:
            self.rows[table].setdefault(own_id, row)

    def add_service(self, service: JsonDict) -> None:
        self.add("service", service)

    def add_organization(self, organization: JsonDict) -> None:
        organization = copy.copy(organization)
        services = organization.pop("services", [])
        self.add("organization", organization)
        for service in services:
            self.add("service", {**service, "organization_id": organization["id"]})

    def csv_text(self, table: str) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns()[table], extrasaction="ignore", lineterminator="\r\n")
        writer.writeheader()
        for row in self.rows[table].values():
            writer.writerow({k: _cell(v) for k, v in row.items()})
        return out.getvalue()

    def write(self, directory: Path, *, profile: str) -> list[Path]:
        """Write every table's CSV and ``datapackage.json`` into ``directory``; returns the written paths."""
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        package = copy.deepcopy(datapackage())
        package["title"] = "sozialplan – Angebote (HSDS 3.0, tabellarisch)"
        package["hsds_profile"] = profile
        for resource in package["resources"]:
            path = directory / resource["path"]
            path.write_text(self.csv_text(resource["name"]), encoding="utf-8")
            written.append(path)
        target = directory / "datapackage.json"
        target.write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
        written.append(target)
        return written


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
