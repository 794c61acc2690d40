"""Our model as HSDS: the exports validate against the official schemas in strict mode."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from sozialplan.offerings.models import Offering, Site
from sozialplan.opendata import hsds, hsds_schema, queries
from sozialplan.opendata import taxonomy as tx
from sozialplan.regions.models import Region


def strict_errors(document: Any, kind: str) -> list[str]:
    return [f"{hsds_schema.json_path(e)}: {e.message}" for e in hsds_schema.errors(document, kind, strict=True)]


def loaded(offering: Offering) -> Offering:
    return queries.with_relations(Offering.objects.filter(pk=offering.pk)).get()


def attribute_terms(document: dict[str, Any]) -> dict[str, str]:
    return {a["taxonomy_term"]["id"]: a.get("value", "") for a in document.get("attributes", [])}


def test_full_service_validates_strictly(farbkleckse: Offering) -> None:
    service = hsds.service_full(loaded(farbkleckse))
    assert strict_errors(service, "service") == []


def test_full_service_maps_every_part(farbkleckse: Offering, hildburghausen: Region) -> None:
    service = hsds.service_full(loaded(farbkleckse))
    assert service["id"] == str(farbkleckse.uuid)
    assert service["status"] == "active"
    assert service["minimum_age"] == 0
    assert service["maximum_age"] == 6
    assert service["assured_date"] == "2025-03-01"
    assert service["url"] == "https://www.diakoniewerk-son-hbn.de"
    assert service["phones"][0]["number"] == "03685 700675"
    assert service["funding"] == [
        {"id": tx.stable_uuid("funding", farbkleckse.uuid, "lsz"), "source": hsds.LSZ_FUNDING_SOURCE}
    ]
    assert service["organization"]["name"].startswith("Diakoniewerk")
    assert service["schedules"][0]["byday"] == "MO,TU,WE,TH,FR"
    assert service["schedules"][0]["opens_at"] == "06:00:00"
    terms = attribute_terms(service)
    assert tx.taxonomy(tx.HANDLUNGSFELD).term_id(2) in terms
    assert tx.taxonomy(tx.ZIELGRUPPE).term_id("kinder-unter-6") in terms
    assert tx.taxonomy(tx.QUERSCHNITTSTHEMA).term_id("inklusion") in terms
    assert tx.taxonomy(tx.ANGEBOTSART).term_id("kita") in terms
    assert terms[tx.merkmal_term("quelle")["id"]] == farbkleckse.source_url
    area = service["service_areas"][0]
    assert area["name"] == "Hildburghausen, Stadt"
    assert area["extent_type"] == "geojson"
    assert json.loads(area["extent"]) == hildburghausen.boundary


def test_location_carries_ags_and_says_position_is_approximate(farbkleckse: Offering) -> None:
    service = hsds.service_full(loaded(farbkleckse))
    location = service["service_at_locations"][0]["location"]
    assert location["location_type"] == "physical"
    assert location["external_identifier"] == "16069024"
    assert location["external_identifier_type"] == "AGS"
    assert "ungefähr" in location["description"]
    assert location["latitude"] == pytest.approx(50.425612)
    address = location["addresses"][0]
    assert address == {
        "id": address["id"],
        "address_1": "Eisfelder Straße 41, Haus 26",
        "city": "Hildburghausen",
        "postal_code": "98646",
        "state_province": "Thüringen",
        "country": "DE",
        "address_type": "physical",
    }
    assert location["accessibility"][0]["description"] == "barrierefrei, mit Therapieräumen"
    terms = attribute_terms(location)
    assert terms[tx.merkmal_term("ags")["id"]] == "16069024"
    assert terms[tx.merkmal_term("lagegenauigkeit")["id"]] == "gemeinde"


def test_exact_position_has_no_note(farbkleckse: Offering) -> None:
    Site.objects.filter(offerings=farbkleckse).update(position_precision="exact")
    location = hsds.service_full(loaded(farbkleckse))["service_at_locations"][0]["location"]
    assert "description" not in location
    assert tx.merkmal_term("lagegenauigkeit")["id"] not in attribute_terms(location)


def test_district_wide_offer_has_service_area_and_no_location(seniorenbuero: Offering) -> None:
    service = hsds.service_full(loaded(seniorenbuero))
    assert strict_errors(service, "service") == []
    assert "service_at_locations" not in service
    assert [a["name"] for a in service["service_areas"]] == ["Hildburghausen", "kreisweit"]
    assert service["service_areas"][0]["description"].startswith("Kreis Hildburghausen")
    assert service["organization"]["attributes"][0]["taxonomy_term"]["code"] == "kommunal"


def test_list_forms_validate_strictly(farbkleckse: Offering, seniorenbuero: Offering) -> None:
    for offering in queries.with_relations(queries.published_offerings()):
        assert strict_errors(hsds.service_list_item(offering), "service_list") == []
        for site in offering.sites.all():
            assert strict_errors(hsds.service_at_location_full(offering, site), "service_at_location") == []
            assert strict_errors(hsds.service_at_location_list_item(offering, site), "service_at_location_list") == []
            assert strict_errors(hsds.location_full(site), "location") == []


def test_organizations_validate_strictly(farbkleckse: Offering, seniorenbuero: Offering) -> None:
    providers = queries.providers_with_relations(queries.public_providers())
    offerings = list(queries.with_relations(queries.published_offerings()))
    assert len(providers) == 2
    for provider in providers:
        own = [o for o in offerings if o.provider_id == provider.pk]
        for full in (True, False):
            assert strict_errors(hsds.organization_with_services(provider, own, full=full), "organization") == []
        assert strict_errors(hsds.organization_base(provider), "organization_list") == []


def test_taxonomies_and_terms_validate_strictly() -> None:
    for taxonomy in tx.taxonomies():
        assert strict_errors(taxonomy.as_hsds(), "taxonomy") == []
    terms = tx.all_terms()
    assert len(terms) > 30
    for term in terms:
        assert strict_errors(term, "taxonomy_term") == []


def test_taxonomy_ids_are_stable_uuid5() -> None:
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, "urn:sozialplan:hsds:de-lsz")
    assert namespace == tx.NAMESPACE
    assert tx.taxonomy(tx.HANDLUNGSFELD).term_id(4) == str(uuid.uuid5(namespace, "handlungsfeld:4"))
    assert uuid.UUID(tx.taxonomy(tx.HANDLUNGSFELD).id).version == 5


def test_export_reads_no_database_after_prefetch(
    farbkleckse: Offering, seniorenbuero: Offering, django_assert_num_queries: Any
) -> None:
    offerings = list(queries.with_relations(queries.published_offerings()))
    with django_assert_num_queries(0):
        for offering in offerings:
            hsds.service_full(offering)
