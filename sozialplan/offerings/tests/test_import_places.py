"""Where imported offers are: a Standort, the whole Kreis (district-wide category) or unknown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from sozialplan.catalog.mapping import load_offer_mapping
from sozialplan.offerings.importing import import_offers_file
from sozialplan.offerings.models import Offering
from sozialplan.portal import directory
from sozialplan.regions.models import District
from sozialplan.sources.errors import SourceError

pytestmark = pytest.mark.django_db

REAL = (settings.DATA_DIR / "offers" / "hildburghausen" / "offers.csv").read_bytes()
EISFELD = "16069012"

#: Offers of offers.csv without address whose category serves the whole Kreis (docs/category-mapping.md).
DISTRICT_WIDE = {
    "Kreisseniorenbüro / Senior*innen-Agentur des Landkreises",
    "Netzwerk der Gemeinde- und Dorfkümmerer",
    "Rikscha des Kreisseniorenbeirats",
    "Mobile Flüchtlingsarbeit",
}
#: Offers of offers.csv without address whose place is unknown (the source names none).
PLACE_UNKNOWN = {
    "AWO Seniorenzentrum „Hildburghäuser Land“",
    "AWO Seniorenzentrum „Am Thomasberg“",
    "Evangelische Werrataljugend",
}


@pytest.fixture
def imported(district: District) -> list[str]:
    """The notes of importing the real offers.csv."""
    return import_offers_file(district=district, data=REAL, filename="offers.csv", actor=None).notes


def test_only_offers_of_district_wide_categories_serve_the_whole_kreis(district: District, imported: list[str]) -> None:
    without_site = Offering.objects.filter(district=district, sites__isnull=True)
    assert {o.name for o in without_site} == DISTRICT_WIDE | PLACE_UNKNOWN
    kreis = Offering.objects.filter(served_regions=district.region)
    assert {o.name for o in kreis} == DISTRICT_WIDE
    for offer in Offering.objects.filter(name__in=DISTRICT_WIDE):
        assert offer.service_area_description == "Landkreis Hildburghausen"


def test_offers_without_address_of_other_categories_have_no_place(district: District, imported: list[str]) -> None:
    for offer in Offering.objects.filter(name__in=PLACE_UNKNOWN):
        assert offer.sites.count() == 0
        assert offer.served_regions.count() == 0
        assert offer.service_area_description == ""
    (note,) = [n for n in imported if "ohne Ort" in n]
    assert note.startswith("3 Angebote ohne Ort (Adresse in der Quelle nicht genannt): ")
    assert all(f"„{name}“" in note for name in PLACE_UNKNOWN)


def test_nursing_homes_without_address_sort_last_by_distance(imported: list[str]) -> None:
    result = directory.search({"sortierung": "entfernung", "von": EISFELD})
    by_pk = dict(Offering.objects.values_list("pk", "name"))
    names = [by_pk[pk] for pk in result.page.paginator.object_list]
    assert len(names) == 72
    assert set(names[:4]) == DISTRICT_WIDE  # "kommt zu Ihnen"
    # Last: offers without position (the Haubinda school has a town but no Gemeinde, hence no point).
    assert set(names[-4:]) == PLACE_UNKNOWN | {"Hermann-Lietz-Schule Haubinda"}
    entries = {e.offering.name: e for e in result.entries}
    assert all(entries[name].comes_to_you for name in DISTRICT_WIDE)


def test_the_mapping_marks_only_categories_without_fixed_place_district_wide() -> None:
    mapping = load_offer_mapping()
    wide = {rule.category for rule in mapping.categories.values() if rule.district_wide}
    assert wide == {
        "Jugendamt / Beratung",
        "Frühe Hilfen",
        "Migrationsberatung",
        "Seniorenbüro",
        "Dorf- und Gemeindekümmerer",
        "Mobilität / Teilhabe",
    }


def test_the_mapping_refuses_an_unknown_district_wide_value(tmp_path: Path) -> None:
    reference = settings.DATA_DIR / "reference"
    for name in ("target_group_phrases.csv", "provider_kinds.csv"):
        (tmp_path / name).write_bytes((reference / name).read_bytes())
    text = (reference / "category_mapping.csv").read_text(encoding="utf-8")
    (tmp_path / "category_mapping.csv").write_text(
        text.replace("Seniorenbüro,seniorenbuero,5;4,senioren,,ja,", "Seniorenbüro,seniorenbuero,5;4,senioren,,nein,"),
        encoding="utf-8",
    )
    with pytest.raises(
        SourceError, match=re.escape("category_mapping.csv, Zeile 28: „district_wide“ ist „ja“ oder leer.")
    ):
        load_offer_mapping(tmp_path)
