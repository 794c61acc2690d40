"""Search normalization and the upkeep of ``Offering.search_text`` (sozialplan.offerings.search)."""

from __future__ import annotations

import pytest

from sozialplan.catalog.models import TargetGroup
from sozialplan.offerings.models import Offering, Provider, Site
from sozialplan.offerings.search import (
    MAX_QUERY_WORDS,
    filter_by_query,
    normalize,
    query_words,
    refresh_search_text,
    refresh_search_texts,
    search_text_for,
)
from sozialplan.regions.models import District


def names(qs: object) -> set[str]:
    return {o.name for o in qs}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Römhild", "roemhild"),
        ("ÄRZTE Über Öl", "aerzte ueber oel"),
        ("Straße", "strasse"),
        ("STRASSE", "strasse"),
        ("Senior:innen-Büro", "senior innen buero"),
        ("Kita „Werraspatzen“", "kita werraspatzen"),
        ("Café Crème", "cafe creme"),
        ("Ro\u0308mhild", "roemhild"),  # o + combining diaeresis is ö
        ("a\x00b", "ab"),
        ("  ;-) ", ""),
    ],
)
def test_it_normalizes_case_umlauts_diacritics_and_punctuation(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_it_limits_query_words() -> None:
    words = query_words(" ".join(f"wort{i}" for i in range(50)))
    assert len(words) == MAX_QUERY_WORDS
    assert query_words("Senioren senioren SENIOREN") == ["senioren"]


def test_search_text_holds_both_umlaut_folds(offers: dict[str, Offering]) -> None:
    text = offers["Jugendklub Haina"].search_text
    assert "roemhild" in text
    assert "romhild" in text
    assert text == search_text_for(offers["Jugendklub Haina"])


def test_search_text_covers_provider_place_and_reference_data(offers: dict[str, Offering]) -> None:
    text = offers["Hildburghäuser Tafel (Ausgabestelle Schleusingen)"].search_text
    for word in ("diakoniewerk", "schleusingen", "senior innen", "beratung", "tafel", "lebensmittelhilfe"):
        assert word in text


def test_it_finds_roemhild_in_every_spelling(offers: dict[str, Offering]) -> None:
    for query in ("Römhild", "Roemhild", "Romhild", "römhild", "RÖMHILD", "haina"):
        assert names(filter_by_query(Offering.objects.all(), query)) == {"Jugendklub Haina"}, query


def test_it_finds_beratung_case_insensitively(offers: dict[str, Offering]) -> None:
    found = names(filter_by_query(Offering.objects.all(), "BERATUNG"))
    assert found == {
        "Hildburghäuser Tafel (Ausgabestelle Schleusingen)",
        "Hildburghäuser Tafel (Ausgabestelle Eisfeld)",
        "Jugendamt des Landkreises Hildburghausen",
    }


def test_every_word_of_a_query_must_match(offers: dict[str, Offering]) -> None:
    assert len(names(filter_by_query(Offering.objects.all(), "senioren"))) == 7
    assert names(filter_by_query(Offering.objects.all(), "senioren beratung schleusingen")) == {
        "Hildburghäuser Tafel (Ausgabestelle Schleusingen)"
    }
    assert names(filter_by_query(Offering.objects.all(), "senioren beratung arnstadt")) == set()


def test_an_empty_query_changes_nothing(offers: dict[str, Offering]) -> None:
    assert filter_by_query(Offering.objects.all(), " ;-) ").count() == len(offers)


def test_renaming_the_provider_updates_its_offers(offers: dict[str, Offering]) -> None:
    provider = Provider.objects.get(name="Landkreis Hildburghausen")
    provider.alternate_name = "Landratsamt"
    provider.save()
    assert names(filter_by_query(Offering.objects.all(), "landratsamt")) == {
        "Jugendamt des Landkreises Hildburghausen",
        "Kreisseniorenbeirat des Landkreises Hildburghausen",
        "Kreisseniorenbüro / Senior*innen-Agentur des Landkreises",
    }


def test_changing_a_site_updates_its_offers(offers: dict[str, Offering]) -> None:
    site = Site.objects.get(name="Jugendamt des Landkreises Hildburghausen")
    site.town = "Hildburghausen OT Birkenfeld"
    site.save()
    assert names(filter_by_query(Offering.objects.all(), "birkenfeld")) == {"Jugendamt des Landkreises Hildburghausen"}


def test_a_retired_site_no_longer_finds_its_offers(offers: dict[str, Offering]) -> None:
    from django.utils import timezone

    site = Site.objects.get(name="Jugendamt des Landkreises Hildburghausen")
    site.town = "Hildburghausen OT Birkenfeld"
    site.save()
    site.retired_at = timezone.now()
    site.save()
    assert names(filter_by_query(Offering.objects.all(), "birkenfeld")) == set()


def test_m2m_changes_from_either_side_update_the_text(offers: dict[str, Offering]) -> None:
    kita = offers["Kindertagesstätte „Werraspatzen“"]
    seniors = TargetGroup.objects.get(code="senioren")
    seniors.offering_set.add(kita)  # reverse add
    kita.refresh_from_db()
    assert "senior innen" in kita.search_text
    seniors.offering_set.clear()  # reverse clear
    assert filter_by_query(Offering.objects.filter(pk=kita.pk), "senior innen").count() == 0
    kita.target_groups.add(seniors)  # forward add
    assert filter_by_query(Offering.objects.filter(pk=kita.pk), "seniorinnen").count() == 1


def test_refresh_touches_only_the_search_column(offers: dict[str, Offering]) -> None:
    offer = offers["Seniorenbeirat der Stadt Eisfeld"]
    before = Offering.objects.get(pk=offer.pk).updated_at
    Offering.objects.filter(pk=offer.pk).update(search_text="")
    assert refresh_search_text(offer) == search_text_for(offer)
    stored = Offering.objects.get(pk=offer.pk)
    assert stored.updated_at == before
    assert "eisfeld" in stored.search_text


def test_bulk_refresh_repairs_texts_after_bulk_writes(offers: dict[str, Offering], district: District) -> None:
    Offering.objects.update(search_text="")
    assert refresh_search_texts(Offering.objects.all()) == len(offers)
    assert refresh_search_texts(Offering.objects.all()) == 0
    assert filter_by_query(Offering.objects.all(), "werraspatzen").count() == 1
