"""The official HSDS 3.0 JSON Schemas, offline, as validators.

The schema files in ``data/hsds/schema/`` (openreferral/specification, branch
3.0) refer to each other by relative file name (``"$ref": "attribute.json"``)
and ``openapi.json`` refers to them by their raw.githubusercontent.com URL.
This module registers every file under that URL in a local
``referencing.Registry`` (no network) and adds the *compiled* variants that
upstream's ``hsds_schema_tools`` derives and the OpenAPI file points to:

* ``compiled/service.json``: a service with everything nested;
* ``compiled/organization.json``: an organization plus ``services``;
* ``compiled/service_at_location.json``: a service_at_location plus ``service``
  (whose ``service_at_locations`` are left out);
* ``compiled/*_list.json``: the same without any array ("one-to-one fields
  only"), as upstream's ``remove_one_to_many`` does.

Strict mode is upstream's ``compiletojsonschema
--set-additional-properties-false-everywhere``: every schema object that has
``properties`` gets ``additionalProperties: false``, so unknown properties are
rejected. Formats (uuid, email, uri, date-time) are always checked.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator  # type: ignore[import-untyped,unused-ignore]
from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped,unused-ignore]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

BASE_URI = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"

#: The kinds of document a validator can be asked for (see ``validator``).
KINDS = (
    "service",
    "service_list",
    "organization",
    "organization_list",
    "service_at_location",
    "service_at_location_list",
    "location",
    "taxonomy",
    "taxonomy_term",
)


def schema_dir() -> Path:
    """Where the vendored HSDS schema files are."""
    return Path(settings.DATA_DIR) / "hsds" / "schema"


@functools.cache
def object_schemas() -> dict[str, dict[str, Any]]:
    """The per-object schemas by name (``service``, ``location`` …), as published."""
    schemas: dict[str, dict[str, Any]] = {}
    for path in sorted(schema_dir().glob("*.json")):
        if path.name in ("openapi.json", "compiled_tabular.json"):
            continue
        schemas[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return schemas


@functools.cache
def openapi() -> dict[str, Any]:
    """The HSDS OpenAPI 3.1 document (the API contract)."""
    data: dict[str, Any] = json.loads((schema_dir() / "openapi.json").read_text(encoding="utf-8"))
    return data


def make_strict(schema: Any) -> Any:
    """A copy of ``schema`` with ``additionalProperties: false`` on every object schema with ``properties``.

    Recurses through every subschema (``properties`` values, ``items``,
    ``$defs``, ``allOf`` …), but not into ``properties`` as a mapping of names,
    nor into ``example``/``enum``/``const``/``default`` values.
    """
    if isinstance(schema, list):
        return [make_strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("example", "examples", "enum", "const", "default"):
            result[key] = copy.deepcopy(value)
        elif key in ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas") and isinstance(
            value, dict
        ):
            result[key] = {name: make_strict(sub) for name, sub in value.items()}
        else:
            result[key] = make_strict(value)
    if isinstance(result.get("properties"), dict):
        result["additionalProperties"] = False
    return result


def _absolute_refs(schema: Any, prefix: str = BASE_URI) -> Any:
    """A copy with relative file ``$ref``s (``"phone.json"``) made absolute under ``prefix``."""
    if isinstance(schema, list):
        return [_absolute_refs(item, prefix) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result = {key: _absolute_refs(value, prefix) for key, value in schema.items()}
    ref = result.get("$ref")
    if isinstance(ref, str) and "://" not in ref and not ref.startswith("#"):
        result["$ref"] = prefix + ref
    return result


def _one_to_one(name: str) -> dict[str, Any]:
    """Object schema ``name`` without array properties; nested objects point to their list variant."""
    schema = copy.deepcopy(object_schemas()[name])
    props = schema["properties"]
    for key, prop in list(props.items()):
        if prop.get("type") == "array":
            del props[key]
        elif "$ref" in prop:
            prop["$ref"] = BASE_URI + "list/" + prop["$ref"]
    return schema


def _documents() -> Iterator[tuple[str, dict[str, Any]]]:
    """(URI, schema) of every document in the registry, before strict mode."""
    schemas = object_schemas()
    for name, schema in schemas.items():
        yield BASE_URI + f"{name}.json", _absolute_refs(schema)
        yield BASE_URI + f"list/{name}.json", _one_to_one(name)

    service = BASE_URI + "service.json"
    yield BASE_URI + "compiled/service.json", {"$ref": service}
    yield BASE_URI + "compiled/service_list.json", {"$ref": BASE_URI + "list/service.json"}

    organization = _absolute_refs(schemas["organization"])
    organization["properties"]["services"] = {"name": "services", "type": "array", "items": {"$ref": service}}
    yield BASE_URI + "compiled/organization.json", organization
    yield BASE_URI + "compiled/organization_list.json", {"$ref": BASE_URI + "list/organization.json"}

    service_without_sal = _absolute_refs(schemas["service"])
    del service_without_sal["properties"]["service_at_locations"]
    yield BASE_URI + "variants/service_without_service_at_locations.json", service_without_sal
    sal = _absolute_refs(schemas["service_at_location"])
    sal["properties"]["service"] = {
        "name": "service",
        "$ref": BASE_URI + "variants/service_without_service_at_locations.json",
    }
    yield BASE_URI + "compiled/service_at_location.json", sal
    sal_list = _one_to_one("service_at_location")
    sal_list["properties"]["service"] = {"name": "service", "$ref": BASE_URI + "list/service.json"}
    yield BASE_URI + "compiled/service_at_location_list.json", sal_list


_KIND_URIS = {
    "service": "compiled/service.json",
    "service_list": "compiled/service_list.json",
    "organization": "compiled/organization.json",
    "organization_list": "compiled/organization_list.json",
    "service_at_location": "compiled/service_at_location.json",
    "service_at_location_list": "compiled/service_at_location_list.json",
    "location": "location.json",
    "taxonomy": "taxonomy.json",
    "taxonomy_term": "taxonomy_term.json",
}


@functools.cache
def registry(*, strict: bool) -> Registry[Any]:
    """A local registry of all HSDS schemas, strict or as published."""
    resources = []
    for uri, schema in _documents():
        contents = make_strict(schema) if strict else schema
        resources.append((uri, Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


@functools.cache
def validator(kind: str, *, strict: bool = True) -> Draft202012Validator:
    """A validator for one HSDS document ``kind`` (see ``KINDS``), with format checks on.

    ``strict=True`` rejects unknown properties (upstream's test mode); the
    importer uses ``strict=False``, because HSDS allows extensions.
    """
    if kind not in _KIND_URIS:
        raise ValueError(f"unknown HSDS kind {kind!r}")
    return Draft202012Validator(
        {"$ref": BASE_URI + _KIND_URIS[kind]},
        registry=registry(strict=strict),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def page_validator(item_kind: str, *, strict: bool = True) -> Draft202012Validator:
    """A validator for an HSDS Page envelope whose ``contents`` are ``item_kind`` documents."""
    page = openapi()["components"]["schemas"]["Page"]
    schema: dict[str, Any] = copy.deepcopy(page)
    schema["properties"]["contents"] = {"type": "array", "items": {"$ref": BASE_URI + _KIND_URIS[item_kind]}}
    if strict:
        schema["additionalProperties"] = False
    return Draft202012Validator(
        schema, registry=registry(strict=strict), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def errors(document: Any, kind: str, *, strict: bool = True) -> list[ValidationError]:
    """All schema violations of ``document`` as ``kind``, ordered by their JSON path."""
    found = validator(kind, strict=strict).iter_errors(document)
    return sorted(found, key=lambda e: [str(p) for p in e.absolute_path])


def json_path(error: ValidationError) -> str:
    """The error's location as a JSON path, e.g. ``$.service_at_locations[0].location.id``."""
    text = "$"
    for part in error.absolute_path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text
