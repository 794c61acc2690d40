"""Every open-data endpoint answers hostile parameters with 200, 400 or 404, never with a 500.

Each endpoint gets every parameter it reads (and its path id) with each of
``HOSTILE``: NUL bytes, superscript and other non-ASCII digits, huge and
negative numbers, 10 kB strings, unicode, SQL and dates at the edges of what
Python and the databases can hold. Run on SQLite and on PostgreSQL (which
refuses NUL characters in strings).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

from sozialplan.offerings.models import Offering
from sozialplan.opendata import hsds
from sozialplan.opendata import taxonomy as tx

# A sweep over many hostile inputs: runs with `make test-slow` (in CI), keeping the fast suite under a minute.
pytestmark = pytest.mark.slow

HOSTILE = [
    "\x00",
    "hildburghausen\x00",
    "²",
    "¹²³",
    "٣",  # ARABIC-INDIC DIGIT THREE: str.isdigit() says yes
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "-1",
    "-99999999999",
    "x" * 10_000,
    "ä€😀\u202egnp.exe",
    "' OR '1'='1",
    "1; DROP TABLE offerings_offering; --",
    "<script>alert(1)</script>",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01",
    "0001-01-01T00:00:00+14:00",
    "%",
    "../../etc/passwd",
]

LIST_PARAMETERS = [
    "page",
    "per_page",
    "search",
    "district",
    "taxonomy_term_id",
    "taxonomy_id",
    "organization_id",
    "parent_id",
    "modified_after",
    "minimal",
    "full",
    "full_service",
    "top_only",
    "format",
    "postcode",
    "proximity",
]

#: (URL template, parameters it reads, whether the last path segment is an id to attack too). Endpoints
#: that read no parameter get ``district`` anyway: an ignored parameter must not matter either.
ENDPOINTS = [
    ("/api/hsds/", ["district"], False),
    ("/api/hsds/openapi.json", ["district"], False),
    ("/api/hsds/profile/", ["district"], False),
    ("/api/hsds/services", LIST_PARAMETERS, False),
    ("/api/hsds/services/{service}", [], True),
    ("/api/hsds/service_at_locations", LIST_PARAMETERS, False),
    ("/api/hsds/service_at_locations/{service_at_location}", [], True),
    ("/api/hsds/organizations", LIST_PARAMETERS, False),
    ("/api/hsds/organizations/{organization}", LIST_PARAMETERS, True),
    ("/api/hsds/taxonomies", LIST_PARAMETERS, False),
    ("/api/hsds/taxonomies/{taxonomy}", [], True),
    ("/api/hsds/taxonomy_terms", LIST_PARAMETERS, False),
    ("/api/hsds/taxonomy_terms/{taxonomy_term}", [], True),
    ("/offene-daten/", ["district"], False),
    ("/offene-daten/angebote.csv", ["district"], False),
    ("/offene-daten/angebote.geojson", ["district"], False),
    ("/offene-daten/hsds.json", ["district"], False),
]


def _ids(offering: Offering) -> dict[str, str]:
    site = offering.sites.get()
    assert offering.provider is not None
    return {
        "service": str(offering.uuid),
        "service_at_location": hsds.service_at_location_id(offering, site),
        "organization": str(offering.provider.uuid),
        "taxonomy": tx.taxonomy(tx.HANDLUNGSFELD).id,
        "taxonomy_term": tx.taxonomy(tx.HANDLUNGSFELD).term_id(2),
    }


def _problem(client: Client, url: str, params: dict[str, str]) -> str | None:
    """A description of what is wrong with the answer, or ``None`` if it is 200, 400 or 404 as it should be."""
    response = client.get(url, params)
    status = response.status_code
    if status not in (200, 400, 404):
        return f"{url} {params!r:.80}: {status}"
    if status == 400 and url.startswith("/api/"):
        body = response.json()
        if body.get("status") != 400 or "Parameter" not in body.get("message", ""):
            return f"{url} {params!r:.80}: 400 without German JSON message: {body!r:.200}"
    if status == 400 and url.startswith("/offene-daten/"):
        text = response.content.decode()
        if response["Content-Type"] != "text/plain; charset=utf-8" or "Parameter" not in text:
            return f"{url} {params!r:.80}: 400 without German text: {response.content[:200]!r}"
    return None


@pytest.mark.parametrize(("template", "parameters", "has_id"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_hostile_values_never_give_a_server_error(
    client: Client, farbkleckse: Offering, seniorenbuero: Offering, template: str, parameters: list[str], has_id: bool
) -> None:
    url = template.format(**_ids(farbkleckse))
    assert client.get(url).status_code == 200, url
    problems = []
    for name in parameters:
        for value in HOSTILE:
            problems.append(_problem(client, url, {name: value}))
    if has_id:
        base = url.rsplit("/", 1)[0]
        for value in HOSTILE:
            problems.append(_problem(client, f"{base}/{quote(value, safe='')}", {}))
    assert [p for p in problems if p] == []


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page=%C2%B2", "page"),
        ("per_page=%C2%B2", "per_page"),
        ("page=%D9%A3", "page"),
        ("modified_after=9999-12-31T23:59:59-12:00", "modified_after"),
        ("modified_after=0001-01-01", "modified_after"),
        ("modified_after=1899-12-31", "modified_after"),
        ("district=%00", "district"),
        ("district=hildburghausen%00", "district"),
        ("district=" + "x" * 10_000, "district"),
    ],
)
def test_reported_hostile_parameters_give_400_in_german(client: Client, db: None, query: str, parameter: str) -> None:
    response = client.get(f"/api/hsds/services?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == parameter
    assert body["message"].startswith("Der Parameter „")


@pytest.mark.parametrize("name", ["angebote.csv", "hsds.json", "angebote.geojson"])
def test_downloads_refuse_a_district_that_is_no_slug(client: Client, db: None, name: str) -> None:
    response = client.get(f"/offene-daten/{name}?district=%00")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("Der Parameter „district“ muss der Kurzname eines Kreises sein")
    assert "\x00" not in text


def test_dates_from_1900_to_9999_are_accepted(client: Client, farbkleckse: Offering) -> None:
    for value in ("1900-01-02", "1900-01-01T12:00:00Z", "2024-05-01T12:00:00+02:00", "9999-12-30T00:00:00+01:00"):
        response = client.get("/api/hsds/services", {"modified_after": value})
        assert response.status_code == 200, value
