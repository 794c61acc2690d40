"""The public pages for every persona, bad input, htmx partials and query counts."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sozialplan.offerings.models import Offering, OfferingStatus, ReviewState, Schedule
from sozialplan.regions.models import District

PERSONAS = ["citizen", "planner", "other_planner", "traeger_a", "traeger_b", "committee", "outsider"]
ClientAs = Callable[[str], Client]


def main_of(html: str) -> str:
    """The <main> element: what differs between personas is only header and navigation."""
    match = re.search(r"<main\b.*?</main>", html, re.S)
    assert match, "page has no <main>"
    return match.group(0)


def detail_url(offer: Offering) -> str:
    return reverse("portal:offer_detail", args=[offer.uuid])


def test_every_persona_sees_the_same_public_pages(client_as: ClientAs, offers: dict[str, Offering]) -> None:
    citizen = client_as("citizen")
    tafel = offers["Hildburghäuser Tafel (Ausgabestelle Schleusingen)"]
    pages = [
        reverse("portal:home"),
        reverse("portal:offer_list"),
        reverse("portal:offer_list") + "?q=senioren+beratung&gemeinde=16069043&sortierung=entfernung",
        detail_url(tafel),
        reverse("portal:about"),
    ]
    expected = {url: main_of(citizen.get(url).content.decode()) for url in pages}
    data = [
        reverse("portal:gemeinden_geojson") + "?kreis=hildburghausen",
        reverse("portal:offers_geojson") + "?q=tafel",
    ]
    expected_data = {url: citizen.get(url).json() for url in data}
    for persona in PERSONAS:
        client = client_as(persona)
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, (persona, url)
            assert main_of(response.content.decode()) == expected[url], (persona, url)
        for url in data:
            assert client.get(url).json() == expected_data[url], (persona, url)


def test_unpublished_offers_are_404_for_everyone(client_as: ClientAs, offers: dict[str, Offering]) -> None:
    hidden: list[tuple[str, dict[str, str]]] = [
        ("Jugendklub Haina", {"review_state": ReviewState.DRAFT}),
        ("Seniorenbeirat der Stadt Eisfeld", {"review_state": ReviewState.PENDING}),
        ("Bürgerbus der Stadt Schleusingen", {"review_state": ReviewState.REJECTED}),
        ("Kindertagesstätte „Werraspatzen“", {"status": OfferingStatus.DEFUNCT}),
    ]
    for name, change in hidden:
        Offering.objects.filter(name=name).update(**change)
    for persona in PERSONAS:
        client = client_as(persona)
        for name, _change in hidden:
            assert client.get(detail_url(offers[name])).status_code == 404, (persona, name)
        listing = client.get(reverse("portal:offer_list")).content.decode()
        assert "7 Angebote gefunden" in listing, persona
        points = client.get(reverse("portal:offers_geojson")).json()
        for name, _change in hidden:
            assert f">{name}</a>" not in listing, (persona, name)
            assert name not in {f["properties"]["name"] for f in points["features"]}, (persona, name)
        assert client.get(reverse("portal:offer_detail", args=[uuid.uuid4()])).status_code == 404


def test_home_offers_entry_points(client: Client, offers: dict[str, Offering]) -> None:
    html = client.get(reverse("portal:home")).content.decode()
    assert "Infos aus einer Hand" in html
    assert "11 Angebote" in html
    assert 'href="/angebote/?handlungsfeld=4"' in html
    assert 'href="/angebote/?zielgruppe=senioren"' in html
    assert 'href="/angebote/?kreis=hildburghausen"' in html
    assert "zielgruppe=hochbetagte" not in html  # no offers for this group yet


def test_the_list_shows_count_provider_place_badges_and_distance(client: Client, offers: dict[str, Offering]) -> None:
    response = client.get(reverse("portal:offer_list"), {"q": "Tafel", "von": "16069043"})
    html = response.content.decode()
    assert "2 Angebote gefunden" in html
    assert "Diakoniewerk der Superintendenturen Sonneberg und Hildburghausen/Eisfeld e.V." in html
    assert "Lage ungefähr (Ortsmitte)" in html
    assert "14,4 km entfernt" in html
    assert "Beratung und Unterstützung" in html
    assert "Menschen in finanziellen Notlagen" in html
    assert 'hx-get="/angebote/"' in html and 'hx-push-url="true"' in html


def test_district_wide_offers_come_to_you(client: Client, offers: dict[str, Offering]) -> None:
    html = client.get(reverse("portal:offer_list"), {"q": "Kreisseniorenbüro"}).content.decode()
    assert "kreisweit / kommt zu Ihnen" in html


def test_the_selected_filters_stay_selected(client: Client, offers: dict[str, Offering]) -> None:
    html = client.get(
        reverse("portal:offer_list"), {"zielgruppe": "senioren", "handlungsfeld": "6", "gemeinde": "16069012"}
    ).content.decode()
    assert '<option value="senioren" selected>' in html
    assert '<option value="6" selected>' in html
    assert re.search(r'<option value="16069012" selected>\s*Eisfeld, Stadt', html)
    assert 'id="id_kreis" name="kreis"' in html  # two districts hosted: the Kreis filter shows


HOSTILE: list[dict[str, str]] = [
    {"q": "<script>alert('x')</script>"},
    {"q": "'; DROP TABLE offerings_offering; --"},
    {"q": "senioren\x00beratung"},
    {"q": "ä" * 10_000},
    {"zielgruppe": "<img src=x onerror=alert(1)>", "handlungsfeld": "-1", "gemeinde": "\x00", "von": "x" * 5000},
    {"seite": "-3", "sortierung": "<b>", "kreis": "../../etc/passwd"},
]


def test_hostile_parameters_give_a_page_never_an_error(client: Client, offers: dict[str, Offering]) -> None:
    for params in HOSTILE:
        for name in ("portal:offer_list", "portal:offers_geojson"):
            assert client.get(reverse(name), params).status_code == 200, (name, params)
        html = client.get(reverse("portal:offer_list"), params).content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "<b>" not in main_of(html)
        assert len(html) < 200_000
        assert client.get(reverse("portal:offer_list"), params, HTTP_HX_REQUEST="true").status_code == 200


def test_rejected_values_are_explained_in_german(client: Client, offers: dict[str, Offering]) -> None:
    html = client.get(reverse("portal:offer_list"), {"zielgruppe": "<script>"}).content.decode()
    assert "Die Zielgruppe „&lt;script&gt;“ kennen wir nicht; dieser Filter wurde nicht angewendet." in html
    assert "11 Angebote gefunden" in html


def test_htmx_requests_get_the_results_partial(client: Client, offers: dict[str, Offering]) -> None:
    response = client.get(reverse("portal:offer_list"), {"zielgruppe": "jugendliche"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert "3 Angebote gefunden" in html
    assert 'data-points-url="/karte/angebote.geojson?zielgruppe=jugendliche"' in html
    assert "HX-Request" in response["Vary"]
    restore = client.get(
        reverse("portal:offer_list"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    ).content.decode()
    assert "<html" in restore


def test_pagination_keeps_the_filter(
    client: Client, offers: dict[str, Offering], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sozialplan.portal import directory

    monkeypatch.setattr(directory, "PAGE_SIZE", 3)
    html = client.get(reverse("portal:offer_list"), {"zielgruppe": "senioren", "seite": "2"}).content.decode()
    assert "Seite 2 von 3" in html
    assert 'href="/angebote/?zielgruppe=senioren&amp;seite=3"' in html
    assert 'href="/angebote/?zielgruppe=senioren&amp;seite=1"' in html


def test_the_offer_page_shows_every_fact(client: Client, offers: dict[str, Offering]) -> None:
    offer = offers["Jugendamt des Landkreises Hildburghausen"]
    html = client.get(detail_url(offer)).content.decode()
    for text in (
        "Jugendamt des Landkreises Hildburghausen",
        "Öffentlicher Träger der Jugendhilfe",
        "Handlungsfeld 4: Beratung, Unterstützung und Information",
        "Jugendliche",
        "Kinder, Jugendliche und Familien",
        "Wiesenstraße 18",
        "98646 Hildburghausen",
        "Gemeinde Hildburghausen, Stadt",
        'href="tel:036854450"',
        'href="https://www.landkreis-hildburghausen.de"',
        "noch nicht geprüft",
        "https://docslib.org/doc/3386729/jugendhilfeplan-teilfachplan-jugendf%C3%B6rderplan-2020-2024",
        "Stand der Quelle: 2019-12",
        "Lage ungefähr (Ortsmitte)",
        "data-sp-print",
        'id="sp-offer-points" type="application/json"',
        "Barrierefreiheit",
        "keine Angabe – bitte beim Angebot nachfragen",
    ):
        assert text in html, text
    assert "<script>" not in html.replace('<script id="sp-offer-points" type="application/json">', "")


def test_the_offer_page_shows_verification_schedule_and_service_area(
    client: Client, offers: dict[str, Offering]
) -> None:
    offer = offers["Kreisseniorenbüro / Senior*innen-Agentur des Landkreises"]
    Offering.objects.filter(pk=offer.pk).update(assured_date=dt.date(2025, 5, 12), is_free=True)
    Schedule.objects.create(offering=offer, freq="WEEKLY", byday="MO,TH", opens_at=dt.time(9), closes_at=dt.time(12))
    html = client.get(detail_url(offer)).content.decode()
    assert "12. Mai 2025" in html
    assert ("vor über einem Jahr" in html) == (dt.date(2025, 5, 12) < timezone.localdate() - dt.timedelta(days=365))
    assert "noch nicht geprüft" not in html
    assert "wöchentlich Montag, Donnerstag 09:00–12:00 Uhr" in html
    assert "kostenfrei" in html
    assert "Einzugsgebiet: ganzer Kreis Hildburghausen" in html
    assert "kein fester Ort" in html
    assert "sp-offer-points" not in html  # nothing to draw


def test_about_names_sources_licences_and_accessibility(client: Client, offers: dict[str, Offering]) -> None:
    html = client.get(reverse("portal:about")).content.decode()
    for text in (
        "GV100AD",
        "dl-de/by-2-0",
        "© GeoBasis-DE / BKG 2021 (Daten verändert",
        "Zensus 2022",
        "EUPL-1.2",
        "Erklärung zur Barrierefreiheit",
        "diakoniewerk-son-hbn.de (2 Angebote)",
    ):
        assert text in html, text


def test_gemeinde_boundaries_as_geojson(client: Client, district: District, other_district: District) -> None:
    response = client.get(reverse("portal:gemeinden_geojson"), {"kreis": "hildburghausen"})
    assert response["Content-Type"] == "application/geo+json"
    features = response.json()["features"]
    assert len(features) == 32
    by_ags = {f["properties"]["ags"]: f for f in features}
    assert by_ags["16069024"]["properties"]["name"] == "Hildburghausen, Stadt"
    assert by_ags["16069024"]["properties"]["population"] == district.gemeinden().get(key="16069024").population
    assert {f["geometry"]["type"] for f in features} <= {"Polygon", "MultiPolygon"}
    both = client.get(reverse("portal:gemeinden_geojson")).json()["features"]
    assert len(both) == 32 + other_district.gemeinden().exclude(boundary=None).count()
    missing = client.get(reverse("portal:gemeinden_geojson"), {"kreis": "atlantis\x00"})
    assert missing.status_code == 404
    assert missing.json() == {"fehler": "Diesen Kreis gibt es in diesem Verzeichnis nicht."}


def test_offer_points_follow_the_list_filter(client: Client, offers: dict[str, Offering]) -> None:
    data: dict[str, Any] = client.get(reverse("portal:offers_geojson"), {"q": "tafel"}).json()
    assert len(data["features"]) == 2
    point = next(f for f in data["features"] if f["properties"]["place"] == "Eisfeld")
    assert point["geometry"]["coordinates"] == [10.907349, 50.427398]
    assert point["properties"]["approximate"] is True
    assert point["properties"]["url"] == detail_url(offers["Hildburghäuser Tafel (Ausgabestelle Eisfeld)"])
    everything = client.get(reverse("portal:offers_geojson")).json()
    # The Haubinda school (Gemeinde not given) and the district-wide Kreisseniorenbüro have no point.
    assert len(everything["features"]) == len(offers) - 2
    json.dumps(everything)


def test_post_is_not_allowed(client: Client, district: District) -> None:
    assert client.post(reverse("portal:offer_list")).status_code == 405


def test_list_and_detail_queries_do_not_grow_with_offers(
    client: Client, offers: dict[str, Offering], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(14):
        client.get(reverse("portal:offer_list"), {"von": "16069043"})
    with django_assert_max_num_queries(12):
        client.get(detail_url(offers["Jugendamt des Landkreises Hildburghausen"]))
    with django_assert_max_num_queries(8):
        client.get(reverse("portal:home"))
