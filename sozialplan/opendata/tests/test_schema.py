"""The offline HSDS validator itself: official examples pass strictly, unknown properties fail."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from sozialplan.opendata import hsds_schema

EXAMPLES = Path(settings.DATA_DIR) / "hsds" / "examples" / "json"

SINGLE = [
    ("service_full.json", "service"),
    ("organization_full.json", "organization"),
    ("service_at_location_full.json", "service_at_location"),
    ("location.json", "location"),
    ("taxonomy.json", "taxonomy"),
    ("taxonomy_term.json", "taxonomy_term"),
]
PAGES = [
    ("service_list.json", "service_list"),
    ("organization_list.json", "organization_list"),
    ("service_at_location_list.json", "service_at_location_list"),
    ("taxonomy_list.json", "taxonomy"),
    ("taxonomy_term_list.json", "taxonomy_term"),
]


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("name", "kind"), SINGLE)
def test_official_examples_validate_strictly(name: str, kind: str) -> None:
    assert hsds_schema.errors(example(name), kind, strict=True) == []


@pytest.mark.parametrize(("name", "kind"), PAGES)
def test_official_list_examples_validate_strictly_as_pages(name: str, kind: str) -> None:
    assert list(hsds_schema.page_validator(kind).iter_errors(example(name))) == []


def test_strict_mode_rejects_unknown_properties_at_every_level() -> None:
    service = example("service_full.json")
    service["profile_field"] = "x"
    service["service_at_locations"][0]["location"]["addresses"][0]["kreis"] = "16069"
    service["attributes"][0]["taxonomy_term"]["taxonomy_detail"]["extra"] = 1
    paths = [hsds_schema.json_path(e) for e in hsds_schema.errors(service, "service", strict=True)]
    assert paths == [
        "$",
        "$.attributes[0].taxonomy_term.taxonomy_detail",
        "$.service_at_locations[0].location.addresses[0]",
    ]
    assert hsds_schema.errors(service, "service", strict=False) == []


def test_formats_are_checked() -> None:
    service = example("service_full.json")
    service["id"] = "keine-uuid"
    service["email"] = "keine-mail"
    service["url"] = "kein uri"
    service["last_modified"] = "gestern"
    failed = {(hsds_schema.json_path(e), e.validator) for e in hsds_schema.errors(service, "service", strict=False)}
    assert failed == {("$.id", "format"), ("$.email", "format"), ("$.url", "format"), ("$.last_modified", "format")}


def test_list_schemas_reject_arrays() -> None:
    page = example("service_list.json")
    page["contents"][0]["phones"] = []
    assert list(hsds_schema.page_validator("service_list").iter_errors(page)) != []


def test_make_strict_reaches_defs_items_and_combinators() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "array", "items": {"type": "object", "properties": {"b": {}}}}},
        "$defs": {"d": {"properties": {"c": {}}}},
        "allOf": [{"properties": {"e": {}}}],
        "example": {"properties": {}},
    }
    strict = hsds_schema.make_strict(copy.deepcopy(schema))
    assert strict["additionalProperties"] is False
    assert strict["properties"]["a"]["items"]["additionalProperties"] is False
    assert strict["$defs"]["d"]["additionalProperties"] is False
    assert strict["allOf"][0]["additionalProperties"] is False
    assert "additionalProperties" not in strict["example"]
    assert "additionalProperties" not in schema


def test_registry_needs_no_network() -> None:
    registry = hsds_schema.registry(strict=True)
    uri = hsds_schema.BASE_URI + "compiled/service.json"
    assert registry.get_or_retrieve(uri).value.contents == {"$ref": hsds_schema.BASE_URI + "service.json"}
