"""Filters, distance order and parameter checking of the public directory (portal.directory)."""

from __future__ import annotations

import pytest

from sozialplan.offerings.models import Offering, OfferingStatus, ReviewState
from sozialplan.offerings.search import normalize
from sozialplan.portal import directory
from sozialplan.regions.models import District

SCHLEUSINGEN = "16069043"
HILDBURGHAUSEN = "16069024"
EISFELD = "16069012"
ARNSTADT = "16070004"


def found(params: dict[str, str]) -> list[str]:
    return [e.offering.name for e in directory.search(params).entries]


def test_it_lists_published_offers_by_normalized_name(offers: dict[str, Offering]) -> None:
    names = found({})
    assert len(names) == len(offers)
    assert names == sorted(names, key=normalize)
    assert names[0] == "Bürgerbus der Stadt Schleusingen"


def test_it_hides_drafts_pending_and_defunct_offers(offers: dict[str, Offering]) -> None:
    Offering.objects.filter(name="Jugendklub Haina").update(review_state=ReviewState.PENDING)
    Offering.objects.filter(name="Bürgerbus der Stadt Schleusingen").update(status=OfferingStatus.DEFUNCT)
    Offering.objects.filter(name="Seniorenbeirat der Stadt Eisfeld").update(review_state=ReviewState.DRAFT)
    names = found({})
    assert len(names) == len(offers) - 3
    assert "Jugendklub Haina" not in names


def test_it_filters_by_target_group(offers: dict[str, Offering]) -> None:
    assert set(found({"zielgruppe": "jugendliche"})) == {
        "Jugendamt des Landkreises Hildburghausen",
        "Jugendklub Haina",
        "Hermann-Lietz-Schule Haubinda",
    }


def test_it_filters_by_action_field(offers: dict[str, Offering]) -> None:
    assert set(found({"handlungsfeld": "2"})) == {
        "Kindertagesstätte „Werraspatzen“",
        "Bürgerbus der Stadt Schleusingen",
    }


def test_a_gemeinde_filter_includes_district_wide_offers(offers: dict[str, Offering]) -> None:
    assert set(found({"gemeinde": EISFELD})) == {
        "Hildburghäuser Tafel (Ausgabestelle Eisfeld)",
        "Seniorenbeirat der Stadt Eisfeld",
        "Kreisseniorenbüro / Senior*innen-Agentur des Landkreises",
    }


def test_it_filters_by_district(offers: dict[str, Offering]) -> None:
    assert len(found({"kreis": "hildburghausen"})) == len(offers)
    assert found({"kreis": "ilm-kreis"}) == []


def test_filters_and_words_combine(offers: dict[str, Offering]) -> None:
    params = {"q": "senioren", "zielgruppe": "senioren", "handlungsfeld": "6", "gemeinde": SCHLEUSINGEN}
    assert found(params) == ["Seniorenbeirat der Stadt Schleusingen"]


def test_it_sorts_by_distance_from_a_gemeinde_centre(offers: dict[str, Offering]) -> None:
    result = directory.search({"sortierung": "entfernung", "von": SCHLEUSINGEN, "zielgruppe": "senioren"})
    rows = [(e.offering.name, e.distance_km, e.comes_to_you) for e in result.entries]
    # District-wide offers come to you and come first; then by km from the centre of Schleusingen.
    assert rows[0] == ("Kreisseniorenbüro / Senior*innen-Agentur des Landkreises", None, True)
    assert [name for name, _km, _ in rows[1:4]] == [
        "Bürgerbus der Stadt Schleusingen",
        "Hildburghäuser Tafel (Ausgabestelle Schleusingen)",
        "Seniorenbeirat der Stadt Schleusingen",
    ]
    assert [km for _name, km, _ in rows[1:4]] == [pytest.approx(0.0, abs=1e-9)] * 3
    assert rows[4][0] == "Kreisseniorenbeirat des Landkreises Hildburghausen"
    assert rows[4][1] == pytest.approx(9.39, abs=0.01)
    assert rows[5][0] == "Hildburghäuser Tafel (Ausgabestelle Eisfeld)"
    assert rows[5][1] == pytest.approx(14.41, abs=0.01)
    assert rows[6][1] == pytest.approx(14.41, abs=0.01)
    assert result.sorted_by_distance


def test_offers_without_position_sort_last(offers: dict[str, Offering]) -> None:
    names = found({"sortierung": "entfernung", "von": EISFELD})
    # The CSV gives no Gemeinde for the Haubinda school, so it has no position.
    assert names[-1] == "Hermann-Lietz-Schule Haubinda"
    assert names[0] == "Kreisseniorenbüro / Senior*innen-Agentur des Landkreises"


def test_choosing_a_place_implies_distance_order(offers: dict[str, Offering]) -> None:
    result = directory.search({"von": HILDBURGHAUSEN})
    assert result.filter.sort == directory.SORT_DISTANCE
    assert result.filter.params()["sortierung"] == "entfernung"
    named = directory.search({"von": HILDBURGHAUSEN, "sortierung": "name"})
    assert named.filter.sort == directory.SORT_NAME
    assert named.entries[0].distance_km == pytest.approx(9.39, abs=0.01)  # Bürgerbus Schleusingen


def test_distance_order_uses_the_gemeinde_filter_as_origin(offers: dict[str, Offering]) -> None:
    result = directory.search({"gemeinde": EISFELD, "sortierung": "entfernung"})
    assert result.filter.origin is not None and result.filter.origin.key == EISFELD
    assert not result.filter.hints


def test_distance_order_without_place_falls_back_to_name(offers: dict[str, Offering]) -> None:
    result = directory.search({"sortierung": "entfernung"})
    assert result.filter.sort == directory.SORT_NAME
    assert result.filter.hints == [
        "Bitte wählen Sie einen Ort, von dem aus die Entfernung gemessen wird. Wir sortieren nach Name."
    ]


BAD_PARAMETERS: list[tuple[dict[str, str], str]] = [
    ({"zielgruppe": "<script>alert(1)</script>"}, "Die Zielgruppe „<script>alert(1)</script>“ kennen wir nicht"),
    ({"handlungsfeld": "7"}, "Das Handlungsfeld „7“ kennen wir nicht"),
    ({"handlungsfeld": "'; DROP TABLE offerings_offering; --"}, "Das Handlungsfeld"),
    ({"gemeinde": "99999999"}, "Die Gemeinde „99999999“ gibt es in diesem Verzeichnis nicht"),
    ({"gemeinde": ARNSTADT, "kreis": "hildburghausen"}, "Die Gemeinde Arnstadt, Stadt liegt nicht im Kreis"),
    ({"kreis": "atlantis"}, "Den Kreis „atlantis“ gibt es"),
    ({"von": "1606", "sortierung": "entfernung"}, "Den Ort „1606“ für die Entfernung kennen wir nicht."),
    ({"sortierung": "zufall"}, "Diese Sortierung gibt es nicht"),
    ({"q": "x" * 10_000}, "Ihr Suchbegriff war sehr lang"),
    ({"q": " ".join(["senioren"] * 5 + [f"w{i}" for i in range(20)])}, "Wir suchen nach höchstens 10 Wörtern"),
]


def test_bad_parameters_are_ignored_with_a_german_hint(offers: dict[str, Offering]) -> None:
    for params, hint_start in BAD_PARAMETERS:
        result = directory.search(params)
        assert result.filter.hints, params
        assert result.filter.hints[0].startswith(hint_start), result.filter.hints


def test_nul_bytes_and_long_echoes_are_cleaned(district: District) -> None:
    result = directory.search({"zielgruppe": "a\x00b" + "c" * 500, "q": "sen\x00ioren"})
    assert "\x00" not in result.filter.query
    assert len(result.filter.hints[0]) < 200


def test_a_page_beyond_the_end_shows_the_last_page(
    offers: dict[str, Offering], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(directory, "PAGE_SIZE", 4)
    result = directory.search({"seite": "99"})
    assert result.page.number == 3
    assert len(result.entries) == 3  # 11 offers: 4 + 4 + 3
    assert directory.search({"seite": "abc"}).page.number == 1


def test_the_query_count_does_not_grow_with_results(
    offers: dict[str, Offering], django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        result = directory.search({"von": SCHLEUSINGEN, "q": "stadt"})
        for entry in result.entries:
            _ = [entry.comes_to_you, entry.place, entry.offering.provider]
            _ = [list(entry.offering.action_fields.all()), list(entry.offering.target_groups.all())]
