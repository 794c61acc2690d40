"""Our model as HSDS 3.0 JSON (profile DE-LSZ): Offering → service, Provider → organization, Site → location.

The builders expect the relations to be prefetched (see ``queries.py``) and
never query by themselves, except where a docstring says so. Every object is
built from the model and then completed with its ``hsds_extra`` (the HSDS
properties an import kept because we do not model them), so that an imported
record exports as it came in; see ``hsds_fields`` for the rules and
``docs/hsds.md`` for the field table.

Our profile data live only where HSDS allows them, so the output validates
against the official schemas in strict mode: classifications and profile
properties as ``attributes`` with our ``taxonomy_term``s (``taxonomy.py``),
the Gemeinde of a location also as ``external_identifier`` of type ``AGS``.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from sozialplan.catalog.models import ActionField, CrossCuttingTheme, TargetGroup
from sozialplan.offerings.models import (
    Offering,
    PositionPrecision,
    Provider,
    ProviderKind,
    Schedule,
    Site,
)
from sozialplan.opendata import taxonomy as tx
from sozialplan.opendata.hsds_fields import PLACEHOLDERS, PRIVATE_PREFIX, Field, Overlay, emit_fields
from sozialplan.regions.models import Region

JsonDict = dict[str, Any]

LSZ_FUNDING_SOURCE = "Landesprogramm Solidarisches Zusammenleben der Generationen (LSZ)"
#: In ``Offering.hsds_extra``: the kept properties of each service_at_location, by Site uuid.
SAL_KEY = "_service_at_locations"

SERVICE_FIELDS = (
    Field("name", "name", max_length=300, required=True),
    Field("alternate_name", "alternate_name", max_length=300),
    Field("description", "description"),
    Field("url", "website", "url", 500),
    Field("email", "email", max_length=254),
    Field("status", "status", "status", required=True),
    Field("fees_description", "cost_description"),
    Field("eligibility_description", "target_description", max_length=500),
    Field("minimum_age", "min_age", "int"),
    Field("maximum_age", "max_age", "int"),
    Field("assured_date", "assured_date", "date"),
)
ORGANIZATION_FIELDS = (
    Field("name", "name", max_length=300, required=True),
    Field("alternate_name", "alternate_name", max_length=300),
    Field("description", "description", required=True),
    Field("email", "email", max_length=254),
    Field("website", "website", "url", 500),
    Field("legal_status", "legal_form", max_length=100),
)
LOCATION_FIELDS = (
    Field("name", "name", max_length=300),
    Field("description", "description"),
    Field("latitude", "latitude", "float", bounds=(-90.0, 90.0)),
    Field("longitude", "longitude", "float", bounds=(-180.0, 180.0)),
)
SCHEDULE_FIELDS = (
    Field("freq", "freq", max_length=10),
    Field("byday", "byday", max_length=50),
    Field("opens_at", "opens_at", "time"),
    Field("closes_at", "closes_at", "time"),
    Field("valid_from", "valid_from", "date"),
    Field("valid_to", "valid_to", "date"),
    Field("description", "description"),
)
SERVICE_PHONES = Overlay("phones", "phone", (Field("number", "phone", max_length=50),))
ORGANIZATION_PHONES = Overlay("phones", "phone", (Field("number", "phone", max_length=50),))
ADDRESSES = Overlay(
    "addresses",
    "address",
    (
        Field("address_1", "street", max_length=200),
        Field("postal_code", "postcode", max_length=10),
        Field("city", "town", max_length=200),
    ),
    required=("address_1", "city", "postal_code"),
)
ACCESSIBILITY = Overlay(
    "accessibility",
    "accessibility",
    (Field("description", "accessibility_description"), Field("url", "accessibility_url", "url", 500)),
)


def merged(base: JsonDict, extra: Mapping[str, Any]) -> JsonDict:
    """``base`` (from the model) completed by the kept HSDS properties in ``extra``.

    A placeholder that stands in for a missing value is removed first; then
    every kept property the model did not produce is added. Private keys
    (``_…``) are never exported.
    """
    out = dict(base)
    placeholders = extra.get(PLACEHOLDERS)
    if isinstance(placeholders, dict):
        for key, value in placeholders.items():
            if key in out and out[key] == value:
                del out[key]
    for key, value in extra.items():
        if not key.startswith(PRIVATE_PREFIX) and key not in out:
            out[key] = copy.deepcopy(value)
    return out


def strip_arrays(obj: JsonDict) -> JsonDict:
    """``obj`` without array properties, at every level (HSDS "list" form: one-to-one fields only)."""
    result: JsonDict = {}
    for key, value in obj.items():
        if isinstance(value, list):
            continue
        result[key] = strip_arrays(value) if isinstance(value, dict) else value
    return result


def _union_attributes(generated: list[JsonDict], extra: Mapping[str, Any], model_term_ids: set[str]) -> Any:
    """Our generated attributes plus the kept ones.

    A kept attribute pointing to one of our classification terms is published
    only while the model still has that classification; a generated attribute
    is left out when a kept one already names its term.
    """
    kept = extra.get("attributes")
    kept_items = [a for a in kept if isinstance(a, dict)] if isinstance(kept, list) else []
    classifications = tx.classification_taxonomy_ids()
    result: list[Any] = []
    kept_term_ids = {_term_id(a) for a in kept_items}
    result += [a for a in generated if _term_id(a) not in kept_term_ids]
    for item in kept if isinstance(kept, list) else []:
        term = item.get("taxonomy_term") if isinstance(item, dict) else None
        ours = isinstance(term, dict) and term.get("taxonomy_id") in classifications
        if not ours or _term_id(item) in model_term_ids:
            result.append(copy.deepcopy(item))
    if result or isinstance(kept, list):
        return result
    return None


def _term_id(attribute: Mapping[str, Any]) -> str | None:
    term = attribute.get("taxonomy_term")
    if isinstance(term, dict) and isinstance(term.get("id"), str):
        return str(term["id"])
    value = attribute.get("taxonomy_term_id")
    return value if isinstance(value, str) else None


def _set(out: JsonDict, key: str, value: Any) -> None:
    if value is not None:
        out[key] = value


# --- location -------------------------------------------------------------------------------------


def approximate_note(site: Site) -> str:
    """The sentence added to a location's description when its coordinates are approximate."""
    if site.position_precision == PositionPrecision.GEMEINDE:
        return _("Die Koordinaten geben nur ungefähr die Lage an (Mitte der Gemeinde), nicht die Adresse.")
    return _("Die Koordinaten geben nur ungefähr die Lage an.")


def has_approximate_position(site: Site) -> bool:
    return site.latitude is not None and site.longitude is not None and site.is_approximate


def site_attributes(site: Site) -> list[JsonDict]:
    """Profile attributes of a location: AGS of its Gemeinde, Lagegenauigkeit when approximate."""
    result = []
    if site.gemeinde is not None:
        result.append(tx.attribute(site.uuid, "location", tx.merkmal_term("ags"), site.gemeinde.key))
    if has_approximate_position(site):
        result.append(tx.attribute(site.uuid, "location", tx.merkmal_term("lagegenauigkeit"), site.position_precision))
    return result


def address_constants(site: Site) -> JsonDict:
    land = site.district.region.parent if site.district.region.parent_id else None
    return {
        "state_province": land.name if land is not None else "Thüringen",
        "country": "DE",
        "address_type": "physical",
    }


def accessibility_items(site: Site, extra: Mapping[str, Any]) -> list[JsonDict] | None:
    items = ACCESSIBILITY.export(site, str(site.uuid), extra)
    if items is None and site.wheelchair_accessible is not None:
        items = [{"id": tx.stable_uuid("accessibility", site.uuid)}]
    if items and site.wheelchair_accessible is not None and "accessibility" not in extra:
        items[0]["details"] = _("rollstuhlgerecht") if site.wheelchair_accessible else _("nicht rollstuhlgerecht")
    return items


def location_full(site: Site) -> JsonDict:
    """A Site as HSDS ``location`` (addresses, accessibility, profile attributes)."""
    extra = site.hsds_extra if isinstance(site.hsds_extra, dict) else {}
    out: JsonDict = {"id": str(site.uuid), **emit_fields(site, LOCATION_FIELDS)}
    if has_approximate_position(site):
        note = approximate_note(site)
        out["description"] = f"{site.description}\n\n{note}" if site.description else note
    _set(out, "addresses", ADDRESSES.export(site, str(site.uuid), extra, address_constants(site)))
    _set(out, "accessibility", accessibility_items(site, extra))
    _set(out, "attributes", _union_attributes(site_attributes(site), extra, set()))
    out = merged(out, extra)
    out.setdefault("location_type", "physical")
    if site.gemeinde is not None and "external_identifier" not in out:
        out["external_identifier"] = site.gemeinde.key
        out["external_identifier_type"] = "AGS"
    return out


# --- organization ---------------------------------------------------------------------------------


def organization_attributes(provider: Provider) -> list[JsonDict]:
    if provider.kind == ProviderKind.OTHER:
        return []
    return [tx.attribute(provider.uuid, "organization", tx.provider_kind_term(provider.kind))]


def organization_base(provider: Provider) -> JsonDict:
    """The organization's one-to-one properties (no arrays)."""
    extra = provider.hsds_extra if isinstance(provider.hsds_extra, dict) else {}
    out: JsonDict = {"id": str(provider.uuid), **emit_fields(provider, ORGANIZATION_FIELDS)}
    return strip_arrays(merged(out, extra))


def organization_full(provider: Provider, locations: Iterable[Site] | None = None) -> JsonDict:
    """A Provider as HSDS ``organization`` with phones and its public locations.

    ``locations`` defaults to ``provider.public_sites`` (prefetched by
    ``queries.with_relations``).
    """
    extra = provider.hsds_extra if isinstance(provider.hsds_extra, dict) else {}
    out: JsonDict = {"id": str(provider.uuid), **emit_fields(provider, ORGANIZATION_FIELDS)}
    _set(out, "phones", ORGANIZATION_PHONES.export(provider, str(provider.uuid), extra))
    if locations is None:
        locations = getattr(provider, "public_sites", None)
    if locations is None:
        from sozialplan.opendata.queries import public_sites

        locations = public_sites().filter(provider=provider)
    sites = list(locations)
    if sites or "locations" in extra:
        out["locations"] = [location_full(s) for s in sites]
    model_terms = {a["taxonomy_term"]["id"] for a in organization_attributes(provider)}
    _set(out, "attributes", _union_attributes(organization_attributes(provider), extra, model_terms))
    return merged(out, extra)


# --- service --------------------------------------------------------------------------------------


def last_modified(offering: Offering) -> str:
    """``updated_at`` as RFC 3339; the imported spelling when the record is unchanged since."""
    kept = offering.hsds_extra.get("last_modified") if isinstance(offering.hsds_extra, dict) else None
    if isinstance(kept, str):
        parsed = parse_datetime(kept)
        if parsed is not None and timezone.is_aware(parsed) and parsed == offering.updated_at:
            return kept
    return offering.updated_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def service_attributes(offering: Offering) -> list[JsonDict]:
    """Classifications (Handlungsfelder, Zielgruppen, Angebotsart, Querschnittsthemen) and profile properties."""
    return service_attributes_of(
        offering,
        action_fields=list(offering.action_fields.all()),
        target_groups=list(offering.target_groups.all()),
        themes=list(offering.themes.all()),
    )


def service_attributes_of(
    offering: Offering,
    *,
    action_fields: Iterable[ActionField],
    target_groups: Iterable[TargetGroup],
    themes: Iterable[CrossCuttingTheme],
) -> list[JsonDict]:
    """``service_attributes`` from explicit relation values (the importer has them before saving)."""
    link = offering.uuid
    terms = [tx.action_field_term(f) for f in action_fields]
    terms += [tx.target_group_term(g) for g in target_groups]
    if offering.offer_type is not None:
        terms.append(tx.offer_type_term(offering.offer_type))
    terms += [tx.theme_term(t) for t in themes]
    result = [tx.attribute(link, "service", t) for t in terms]
    for code, value in (
        ("quelle", offering.source_url),
        ("quellenstand", offering.source_date),
        ("kategorie", offering.category),
    ):
        if value:
            result.append(tx.attribute(link, "service", tx.merkmal_term(code), value))
    return result


def region_service_area(offering: Offering, region: Region) -> JsonDict:
    """A served region as HSDS ``service_area`` with its boundary as GeoJSON, where known."""
    area: JsonDict = {
        "id": tx.stable_uuid("service_area", offering.uuid, region.kind, region.key),
        "name": region.name,
        "description": _("%(kind)s %(name)s, amtlicher Schlüssel %(key)s")
        % {"kind": region.get_kind_display(), "name": region.name, "key": region.key},
    }
    if region.boundary:
        area["extent"] = json.dumps(region.boundary, ensure_ascii=False, separators=(",", ":"))
        area["extent_type"] = "geojson"
    area["attributes"] = [tx.attribute(area["id"], "service_area", tx.merkmal_term("ags"), region.key)]
    return area


def area_keys(areas: Any) -> set[str]:
    """The region keys named by the ``ags`` profile attribute of service areas."""
    keys: set[str] = set()
    ags_term = tx.merkmal_term("ags")["id"]
    for area in areas if isinstance(areas, list) else []:
        for attribute in area.get("attributes", []) if isinstance(area, dict) else []:
            if (
                isinstance(attribute, dict)
                and _term_id(attribute) == ags_term
                and isinstance(attribute.get("value"), str)
            ):
                keys.add(attribute["value"])
    return keys


def service_areas(offering: Offering) -> list[JsonDict]:
    """Served regions as service areas; a region a kept (imported) area already names is not repeated."""
    kept = area_keys(offering.hsds_extra.get("service_areas") if isinstance(offering.hsds_extra, dict) else None)
    areas = [region_service_area(offering, r) for r in offering.served_regions.all() if r.key not in kept]
    if offering.service_area_description:
        areas.append(
            {"id": tx.stable_uuid("service_area", offering.uuid, "text"), "name": offering.service_area_description}
        )
    return areas


def funding_items(offering: Offering) -> list[JsonDict]:
    if not offering.lsz_funded:
        return []
    return [{"id": tx.stable_uuid("funding", offering.uuid, "lsz"), "source": LSZ_FUNDING_SOURCE}]


def schedule_json(schedule: Schedule) -> JsonDict:
    extra = schedule.hsds_extra if isinstance(schedule.hsds_extra, dict) else {}
    return merged({"id": str(schedule.uuid), **emit_fields(schedule, SCHEDULE_FIELDS)}, extra)


def schedules(offering: Offering) -> list[JsonDict]:
    rows = [schedule_json(s) for s in offering.schedules.all()]
    if not rows and offering.schedule_description:
        rows.append({"id": tx.stable_uuid("schedule", offering.uuid), "description": offering.schedule_description})
    return rows


def _union(generated: list[JsonDict], extra: Mapping[str, Any], key: str) -> Any:
    kept = extra.get(key)
    if isinstance(kept, list):
        return generated + copy.deepcopy(kept)
    return generated or None


def service_base(offering: Offering) -> JsonDict:
    """The service's own one-to-one properties (no arrays, no nested objects of ours)."""
    out: JsonDict = {"id": str(offering.uuid), **emit_fields(offering, SERVICE_FIELDS)}
    out["last_modified"] = last_modified(offering)
    return out


def service_list_item(offering: Offering) -> JsonDict:
    """A service in HSDS "list" form (``compiled/service_list.json``): one-to-one fields only."""
    extra = offering.hsds_extra if isinstance(offering.hsds_extra, dict) else {}
    out = service_base(offering)
    if offering.provider is not None:
        out["organization"] = organization_base(offering.provider)
    return strip_arrays(merged(out, extra))


def service_at_location_items(offering: Offering, *, with_location: bool = True) -> list[JsonDict]:
    """The service's service_at_locations: one per active site, plus kept ones without a site of ours."""
    extra = offering.hsds_extra if isinstance(offering.hsds_extra, dict) else {}
    kept = extra.get(SAL_KEY) if isinstance(extra.get(SAL_KEY), dict) else {}
    items = []
    for site in offering.sites.all():
        sal_extra = kept.get(str(site.uuid), {}) if isinstance(kept, dict) else {}
        item: JsonDict = {"id": service_at_location_id(offering, site)}
        if with_location:
            item["location"] = location_full(site)
        items.append(merged(item, sal_extra))
    return items


def service_at_location_id(offering: Offering, site: Site) -> str:
    """The id of the pair (offering, site): the imported one, else a stable UUID 5."""
    kept = offering.hsds_extra.get(SAL_KEY) if isinstance(offering.hsds_extra, dict) else None
    sal_extra = kept.get(str(site.uuid)) if isinstance(kept, dict) else None
    if isinstance(sal_extra, dict) and isinstance(sal_extra.get("id"), str):
        return str(sal_extra["id"])
    return tx.stable_uuid("service_at_location", offering.uuid, site.uuid)


def service_full(
    offering: Offering, *, with_organization: bool = True, with_service_at_locations: bool = True
) -> JsonDict:
    """An Offering as fully nested HSDS ``service`` (``compiled/service.json``)."""
    extra = offering.hsds_extra if isinstance(offering.hsds_extra, dict) else {}
    out = service_base(offering)
    if with_organization and offering.provider is not None:
        out["organization"] = organization_full(offering.provider)
    _set(out, "phones", SERVICE_PHONES.export(offering, str(offering.uuid), extra))
    _set(out, "schedules", _union(schedules(offering), extra, "schedules"))
    _set(out, "service_areas", _union(service_areas(offering), extra, "service_areas"))
    if with_service_at_locations:
        sals = service_at_location_items(offering)
        _set(out, "service_at_locations", _union(sals, extra, "service_at_locations"))
    funding = funding_items(offering)
    kept_funding = extra.get("funding")
    if isinstance(kept_funding, list) and any(
        isinstance(f, dict) and f.get("source") == LSZ_FUNDING_SOURCE for f in kept_funding
    ):
        funding = []
    _set(out, "funding", _union(funding, extra, "funding"))
    generated = service_attributes(offering)
    model_terms = {a["taxonomy_term"]["id"] for a in generated}
    _set(out, "attributes", _union_attributes(generated, extra, model_terms))
    result = merged(out, extra)
    if not with_service_at_locations:
        result.pop("service_at_locations", None)
    return result


def service_at_location_full(offering: Offering, site: Site) -> JsonDict:
    """One (offering, site) pair as HSDS ``service_at_location`` with ``location`` and ``service`` nested."""
    extra = offering.hsds_extra if isinstance(offering.hsds_extra, dict) else {}
    kept = extra.get(SAL_KEY)
    sal_extra = kept.get(str(site.uuid), {}) if isinstance(kept, dict) else {}
    item: JsonDict = {
        "id": service_at_location_id(offering, site),
        "location": location_full(site),
        "service": service_full(offering, with_service_at_locations=False),
    }
    return merged(item, sal_extra)


def service_at_location_list_item(offering: Offering, site: Site) -> JsonDict:
    """A service_at_location in HSDS "list" form (``compiled/service_at_location_list.json``)."""
    return strip_arrays(service_at_location_full(offering, site))


def organization_with_services(provider: Provider, offerings: Iterable[Offering], *, full: bool) -> JsonDict:
    """An organization with its published services (``compiled/organization.json``).

    ``full`` nests full services; otherwise their one-to-one fields. The
    services do not repeat the organization.
    """
    out = organization_full(provider)
    if full:
        out["services"] = [service_full(o, with_organization=False) for o in offerings]
    else:
        out["services"] = [_without_organization(service_list_item(o)) for o in offerings]
    return out


def _without_organization(service: JsonDict) -> JsonDict:
    service.pop("organization", None)
    return service
