"""Entry pages: the hosted districts and a district's indicator catalogue with its sources."""

from __future__ import annotations

from django.test import Client

from sozialplan.indicators.catalogue import load_catalogue
from sozialplan.indicators.models import Dataset
from sozialplan.regions.models import District


def test_it_lists_every_hosted_district(client: Client, other_district: District) -> None:
    html = client.get("/zahlen/").content.decode()
    assert 'href="/zahlen/hildburghausen/"' in html and 'href="/zahlen/ilm-kreis/"' in html


def test_it_lists_the_catalogue_by_topic_with_links_to_the_atlas(
    client: Client, real_statistics: tuple[Dataset, Dataset]
) -> None:
    response = client.get("/zahlen/hildburghausen/")
    assert response.status_code == 200
    html = response.content.decode()
    for definition in load_catalogue():
        assert f'href="/zahlen/hildburghausen/atlas/?indikator={definition.code}"' in html
    topics = [topic for topic, _entries in response.context["catalogue"]]
    assert topics[:2] == ["Bevölkerung", "Altersstruktur"]
    assert 'href="/zahlen/hildburghausen/gebiet/16069/"' in html
    assert 'href="/zahlen/hildburghausen/gebiet/16069024/"' in html


def test_it_names_the_datasets_with_source_vintage_and_licence(
    client: Client, real_statistics: tuple[Dataset, Dataset]
) -> None:
    html = client.get("/zahlen/hildburghausen/").content.decode()
    classic, census = real_statistics
    for dataset in (classic, census):
        assert dataset.citation in html and dataset.vintage in html
    assert "GeoBasis-DE / BKG" in html


def test_it_is_404_for_an_unknown_district(client: Client, district: District) -> None:
    assert client.get("/zahlen/nirgendwo/").status_code == 404
