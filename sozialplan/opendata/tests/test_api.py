"""The HSDS API: root, Page envelope, parameters, filters, errors and query counts."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sozialplan.offerings.models import Offering, ReviewState
from sozialplan.opendata import hsds_schema
from sozialplan.opendata import taxonomy as tx
from sozialplan.regions.models import District


def get_json(client: Client, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def strict_page_errors(page: Any, kind: str) -> list[str]:
    return [e.message for e in hsds_schema.page_validator(kind).iter_errors(page)]


@pytest.fixture
def many(district: District) -> list[Offering]:
    """Five more published offers of the district (real names from offers.csv)."""
    names = [
        "Kindergarten „Parkmäuse“",
        "Kindergarten „Lindenzwerge“",
        "Kindertagesstätte „Werraspatzen“",
        "Stadt- und Kreisbibliothek „Joseph Meyer“",
        "Kreisvolkshochschule „Joseph Meyer“",
    ]
    return [Offering.objects.create(district=district, name=name) for name in names]


def test_root_reports_version_profile_and_openapi(client: Client, db: None) -> None:
    root = get_json(client, "/api/hsds/")
    assert root == {
        "version": "3.0",
        "profile": "http://testserver/api/hsds/profile/",
        "openapi_url": "http://testserver/api/hsds/openapi.json",
    }
    profile = get_json(client, "/api/hsds/profile/")
    assert profile["name"] == "DE-LSZ"
    assert profile["uri"] == root["profile"]
    assert {t["name"] for t in profile["taxonomies"]} >= {"LSZ-Handlungsfelder", "LSZ-Zielgruppen"}
    openapi = get_json(client, "/api/hsds/openapi.json")
    assert openapi["openapi"] == "3.1.0"
    assert openapi["servers"] == [{"url": "http://testserver/api/hsds"}]
    assert {"$ref": "#/components/parameters/district"} in openapi["paths"]["/services"]["get"]["parameters"]


def test_services_page_validates_strictly(client: Client, farbkleckse: Offering, seniorenbuero: Offering) -> None:
    page = get_json(client, "/api/hsds/services")
    assert page["total_items"] == 2
    assert strict_page_errors(page, "service_list") == []
    full = get_json(client, "/api/hsds/services?full=true")
    assert strict_page_errors(full, "service") == []
    assert full["contents"][0]["service_at_locations"]


def test_pages_count_from_one(client: Client, farbkleckse: Offering, many: list[Offering]) -> None:
    first = get_json(client, "/api/hsds/services?per_page=4")
    assert {k: v for k, v in first.items() if k != "contents"} == {
        "total_items": 6,
        "total_pages": 2,
        "page_number": 1,
        "size": 4,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    last = get_json(client, "/api/hsds/services?per_page=4&page=2")
    assert (last["size"], last["first_page"], last["last_page"], last["empty"]) == (2, False, True, False)
    beyond = get_json(client, "/api/hsds/services?per_page=4&page=3")
    assert (beyond["size"], beyond["last_page"], beyond["empty"], beyond["contents"]) == (0, True, True, [])
    ids = [s["id"] for s in first["contents"] + last["contents"]]
    assert len(set(ids)) == 6


def test_empty_result_is_a_valid_page(client: Client, db: None) -> None:
    page = get_json(client, "/api/hsds/services")
    assert page == {
        "total_items": 0,
        "total_pages": 0,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
        "contents": [],
    }


BAD_PARAMETERS = [
    ("page=0", "page"),
    ("page=x", "page"),
    ("page=-1", "page"),
    ("per_page=5000", "per_page"),
    ("per_page=1.5", "per_page"),
    ("minimal=vielleicht", "minimal"),
    ("full=2", "full"),
    ("modified_after=gestern", "modified_after"),
    ("taxonomy_term_id=%3Cscript%3E", "taxonomy_term_id"),
    ("organization_id=1%27%3B%20DROP%20TABLE", "organization_id"),
    ("district=unbekannt", "district"),
    ("format=xml", "format"),
    ("search=" + "x" * 300, "search"),
    ("search=a%00b", "search"),
]


def test_bad_parameters_give_400_in_german(client: Client, db: None) -> None:
    for query, parameter in BAD_PARAMETERS:
        body = get_json(client, f"/api/hsds/services?{query}", status=400)
        assert body["status"] == 400, query
        assert body["parameter"] == parameter, query
        assert "Parameter" in body["message"], query


def test_proximity_is_refused_not_ignored(client: Client, db: None) -> None:
    body = get_json(client, "/api/hsds/service_at_locations?proximity=500", status=400)
    assert "nicht unterstützt" in body["message"]


def test_unknown_or_unpublished_service_is_404_json(client: Client, farbkleckse: Offering) -> None:
    assert "nicht gefunden" in get_json(client, "/api/hsds/services/kein-uuid", status=404)["message"]
    get_json(client, "/api/hsds/services/00000000-0000-4000-8000-000000000000", status=404)
    Offering.objects.filter(pk=farbkleckse.pk).update(review_state=ReviewState.PENDING)
    get_json(client, f"/api/hsds/services/{farbkleckse.uuid}", status=404)


def test_service_detail_validates_strictly(client: Client, farbkleckse: Offering) -> None:
    service = get_json(client, f"/api/hsds/services/{farbkleckse.uuid}")
    assert hsds_schema.errors(service, "service", strict=True) == []


def test_writing_is_refused(client: Client, db: None) -> None:
    response = client.post("/api/hsds/services", data="{}", content_type="application/json")
    assert response.status_code == 405
    assert response.json()["status"] == 405


def test_filters(client: Client, farbkleckse: Offering, seniorenbuero: Offering) -> None:
    def ids(query: str) -> set[str]:
        return {s["id"] for s in get_json(client, f"/api/hsds/services?{query}")["contents"]}

    kita, buero = str(farbkleckse.uuid), str(seniorenbuero.uuid)
    assert ids(f"taxonomy_term_id={tx.taxonomy(tx.HANDLUNGSFELD).term_id(2)}") == {kita}
    assert ids(f"taxonomy_term_id={tx.taxonomy(tx.ZIELGRUPPE).term_id('senioren')}") == {buero}
    assert ids(f"taxonomy_id={tx.taxonomy(tx.QUERSCHNITTSTHEMA).id}") == {kita}
    assert ids("taxonomy_term_id=00000000-0000-4000-8000-000000000000") == set()
    assert ids(f"organization_id={farbkleckse.provider.uuid if farbkleckse.provider else ''}") == {kita}
    assert ids("search=Senioren") == {buero}
    assert ids("district=hildburghausen") == {kita, buero}
    assert ids("district=ilm-kreis") == set()
    future = (timezone.now() + dt.timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert ids(f"modified_after={future}") == set()
    assert ids("modified_after=2020-01-01") == {kita, buero}


def test_minimal_and_ndjson(client: Client, farbkleckse: Offering, seniorenbuero: Offering) -> None:
    minimal = get_json(client, "/api/hsds/services?minimal=true")
    assert all(set(item) == {"id", "last_modified"} for item in minimal["contents"])
    response = client.get("/api/hsds/services?format=ndjson")
    assert response["Content-Type"].startswith("application/x-ndjson")
    lines = b"".join(response.streaming_content).decode().splitlines()  # type: ignore[attr-defined]
    assert {json.loads(line)["id"] for line in lines} == {str(farbkleckse.uuid), str(seniorenbuero.uuid)}


def test_other_endpoints_validate_strictly(client: Client, farbkleckse: Offering, seniorenbuero: Offering) -> None:
    assert strict_page_errors(get_json(client, "/api/hsds/organizations"), "organization_list") == []
    full = get_json(client, "/api/hsds/organizations?full_service=true")
    assert strict_page_errors(full, "organization") == []
    provider = farbkleckse.provider
    assert provider is not None
    organization = get_json(client, f"/api/hsds/organizations/{provider.uuid}?full_service=true")
    assert hsds_schema.errors(organization, "organization") == []
    assert [s["id"] for s in organization["services"]] == [str(farbkleckse.uuid)]
    sals = get_json(client, "/api/hsds/service_at_locations")
    assert strict_page_errors(sals, "service_at_location_list") == []
    sal = get_json(client, f"/api/hsds/service_at_locations/{sals['contents'][0]['id']}")
    assert hsds_schema.errors(sal, "service_at_location") == []
    assert strict_page_errors(get_json(client, "/api/hsds/taxonomies"), "taxonomy") == []
    terms = get_json(client, f"/api/hsds/taxonomy_terms?taxonomy_id={tx.taxonomy(tx.HANDLUNGSFELD).id}")
    assert strict_page_errors(terms, "taxonomy_term") == []
    assert sorted(t["code"] for t in terms["contents"]) == ["1", "2", "3", "4", "5", "6"]
    term_id = tx.taxonomy(tx.HANDLUNGSFELD).term_id(1)
    assert get_json(client, f"/api/hsds/taxonomy_terms/{term_id}")["code"] == "1"
    get_json(client, "/api/hsds/taxonomies/unbekannt", status=404)
    get_json(client, "/api/hsds/organizations/00000000-0000-4000-8000-000000000000", status=404)
    get_json(client, "/api/hsds/service_at_locations/unbekannt", status=404)


def test_list_query_count_does_not_grow_with_offers(
    client: Client,
    farbkleckse: Offering,
    seniorenbuero: Offering,
    many: list[Offering],
    django_assert_max_num_queries: Any,
) -> None:
    for offering in many:
        offering.sites.add(*farbkleckse.sites.all())
        offering.served_regions.add(*farbkleckse.served_regions.all())
        offering.action_fields.add(*farbkleckse.action_fields.all())
    with django_assert_max_num_queries(14):
        page = get_json(client, "/api/hsds/services?full=true&per_page=100")
    assert page["total_items"] == 7
    with django_assert_max_num_queries(14):
        get_json(client, "/api/hsds/service_at_locations?full=true")
    with django_assert_max_num_queries(6):
        get_json(client, "/api/hsds/services")
