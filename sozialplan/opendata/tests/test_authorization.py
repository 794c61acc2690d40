"""Every open-data URL × every persona: the same public content, and nothing unpublished, ever."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from conftest import PERSONA_NAMES
from sozialplan.offerings.models import Offering
from sozialplan.opendata.tests.conftest import Hidden

URLS = [
    "/offene-daten/",
    "/offene-daten/angebote.csv",
    "/offene-daten/angebote.geojson",
    "/offene-daten/hsds.json",
    "/api/hsds/",
    "/api/hsds/services",
    "/api/hsds/services?format=ndjson",
    "/api/hsds/organizations?full_service=true",
    "/api/hsds/service_at_locations?full=true",
    "/api/hsds/taxonomies",
    "/api/hsds/taxonomy_terms",
    "/api/hsds/profile/",
    "/api/hsds/openapi.json",
]


def body(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    if response.streaming:
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content


def without_page_chrome(content: bytes) -> bytes:
    """The HTML page differs by persona only in its header navigation; compare the main element."""
    text = content.decode()
    if "<main" not in text:
        return content
    return text[text.index("<main") : text.index("</main>")].encode()


def test_every_persona_gets_the_same_public_content_and_nothing_unpublished(
    client_as: Callable[[str], Client],
    farbkleckse: Offering,
    seniorenbuero: Offering,
    hidden: Hidden,
) -> None:
    """One database for all seven personas keeps this fast; each (persona, URL) is checked."""
    anonymous = client_as("citizen")
    sal = anonymous.get("/api/hsds/service_at_locations").json()["contents"][0]["id"]
    urls = [
        *URLS,
        f"/api/hsds/services/{farbkleckse.uuid}",
        f"/api/hsds/organizations/{seniorenbuero.provider.uuid if seniorenbuero.provider else ''}",
        f"/api/hsds/service_at_locations/{sal}",
    ]
    expected = {url: without_page_chrome(body(anonymous, url)) for url in urls}
    secrets = [str(o.uuid).encode() for o in hidden.offerings]
    secrets += [str(hidden.site.uuid).encode(), str(hidden.provider.uuid).encode()]
    secrets += [o.name.encode() for o in hidden.offerings]
    assert str(farbkleckse.uuid).encode() in expected["/api/hsds/services"]
    for persona in PERSONA_NAMES:
        client = client_as(persona)
        for url in urls:
            content = body(client, url)
            assert without_page_chrome(content) == expected[url], (persona, url)
            assert not any(secret in content for secret in secrets), (persona, url)
        for offering in hidden.offerings:
            assert client.get(f"/api/hsds/services/{offering.uuid}").status_code == 404, persona
        assert client.get(f"/api/hsds/organizations/{hidden.provider.uuid}").status_code == 404, persona
