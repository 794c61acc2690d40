"""Re-importing the offers CSV keeps what planners did since the last import."""

from __future__ import annotations

import pytest
from django.conf import settings

from sozialplan.audit.models import AuditEntry
from sozialplan.audit.services import record
from sozialplan.catalog.models import ActionField
from sozialplan.offerings.importing import import_offers_file
from sozialplan.offerings.models import Offering, OfferingStatus, PositionPrecision, ReviewState, Site
from sozialplan.regions.models import District
from sozialplan.sources.errors import ImportSummary

pytestmark = pytest.mark.django_db

REAL = (settings.DATA_DIR / "offers" / "hildburghausen" / "offers.csv").read_bytes()
KITA = "Integrative Kindertagesstätte „Farbkleckse“"
#: Eisfelder Straße 41 in Hildburghausen (a real address; the point is near it, for the test only).
EXACT = (50.4265, 10.7421)


def import_file(district: District, data: bytes = REAL, name: str = "offers.csv") -> ImportSummary:
    return import_offers_file(district=district, data=data, filename=name, actor=None)


def changed_file(old: str, new: str) -> bytes:
    text = REAL.decode()
    assert text.count(old) == 1
    return text.replace(old, new).encode()


def test_a_reimport_keeps_a_retired_offer_its_description_and_an_exact_position(district: District) -> None:
    import_file(district)
    kita = Offering.objects.get(name=KITA)
    kita.status = OfferingStatus.DEFUNCT
    kita.review_state = ReviewState.PENDING
    kita.description = "Vom Planungsteam ergänzt: Neubau 2025."
    kita.save()
    site = kita.sites.get()
    site.latitude, site.longitude = EXACT
    site.position_precision = PositionPrecision.EXACT
    site.save()

    summary = import_file(district)

    kita.refresh_from_db()
    site.refresh_from_db()
    assert (kita.status, kita.review_state) == (OfferingStatus.DEFUNCT, ReviewState.PENDING)
    assert not kita.is_public
    assert kita.description == "Vom Planungsteam ergänzt: Neubau 2025."
    assert (site.latitude, site.longitude, site.position_precision) == (*EXACT, PositionPrecision.EXACT)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 72)
    assert f"„{KITA}“: lokal geändert, nicht überschrieben (Beschreibung)." in summary.notes
    # The exact position is an improvement, not a conflict: no note about the site.
    assert not [n for n in summary.notes if n.startswith("Standort")]


def test_a_reimport_writes_what_the_source_changed_unless_a_person_changed_it(district: District) -> None:
    import_file(district)
    kita = Offering.objects.get(name=KITA)
    kita.phone = "03685 000000"  # a person's correction
    kita.save()
    old_description = kita.description
    data = changed_file(old_description.split(".")[0], "Neue Beschreibung laut Quelle")

    summary = import_file(district, data, "neu.csv")

    kita.refresh_from_db()
    assert kita.description.startswith("Neue Beschreibung laut Quelle")
    assert kita.phone == "03685 000000"
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 71)
    assert f"„{KITA}“: lokal geändert, nicht überschrieben (Telefon)." in summary.notes
    entry = AuditEntry.objects.get(action="updated", object_type="offering")
    assert set(entry.changes) == {"description"}
    # The snapshot now holds the new description, and still the phone number the import wrote.
    assert kita.import_snapshot["description"] == kita.description
    assert kita.import_snapshot["phone"] != kita.phone


def test_a_reimport_fills_a_field_a_person_emptied(district: District) -> None:
    import_file(district)
    kita = Offering.objects.get(name=KITA)
    phone = kita.phone
    assert phone
    Offering.objects.filter(pk=kita.pk).update(phone="")
    summary = import_file(district)
    kita.refresh_from_db()
    assert kita.phone == phone
    assert summary.updated == 1


def test_a_reimport_keeps_handlungsfelder_a_person_changed(district: District) -> None:
    import_file(district)
    kita = Offering.objects.get(name=KITA)
    kita.action_fields.add(ActionField.objects.get(code=6))
    summary = import_file(district)
    assert sorted(kita.action_fields.values_list("code", flat=True)) == [2, 6]
    assert summary.updated == 0
    assert f"„{KITA}“: lokal geändert, nicht überschrieben (Handlungsfelder)." in summary.notes


def test_a_reimport_keeps_a_site_a_person_changed(district: District) -> None:
    import_file(district)
    site = Offering.objects.get(name=KITA).sites.get()
    site.name = "Kita Farbkleckse, Haus 26"
    site.save()
    summary = import_file(district)
    site.refresh_from_db()
    assert site.name == "Kita Farbkleckse, Haus 26"
    assert f"Standort „Kita Farbkleckse, Haus 26“ (bei „{KITA}“): lokal geändert, nicht überschrieben (Name)." in (
        summary.notes
    )


def test_records_imported_before_snapshots_are_updated_only_if_no_person_touched_them(district: District) -> None:
    import_file(district)
    Offering.objects.update(import_snapshot={})
    Site.objects.update(import_snapshot={})
    kita = Offering.objects.get(name=KITA)
    kita.description = "Vom Planungsteam geändert."
    kita.save()
    record(actor=None, district=district, action="updated", obj=kita, note="im Arbeitsbereich")
    tafel = Offering.objects.get(name="Hildburghäuser Tafel (Ausgabestelle Eisfeld)")
    data = changed_file(tafel.description, "Ausgabestelle der Tafel in Eisfeld.")

    summary = import_file(district, data, "neu.csv")

    kita.refresh_from_db()
    tafel.refresh_from_db()
    assert kita.description == "Vom Planungsteam geändert."  # touched by a person: kept
    assert tafel.description == "Ausgabestelle der Tafel in Eisfeld."  # only imports touched it: updated
    assert summary.updated == 1
    assert f"„{KITA}“: lokal geändert, nicht überschrieben (Beschreibung)." in summary.notes
    # From now on every offer and site has its snapshot; a further run changes nothing.
    assert not Offering.objects.filter(import_snapshot={}).exists()
    assert not Site.objects.filter(import_snapshot={}).exists()
    again = import_file(district, data, "neu.csv")
    assert (again.updated, again.unchanged) == (0, 72)


def test_a_reimport_of_an_offer_that_lost_its_place_removes_only_what_the_import_wrote(district: District) -> None:
    import_file(district)
    buero = Offering.objects.get(name__startswith="Kreisseniorenbüro")
    assert [r.key for r in buero.served_regions.all()] == ["16069"]
    # Hypothetically the category is no longer district-wide: the Kreis the import wrote goes.
    data = changed_file(
        "Kreisseniorenbüro / Senior*innen-Agentur des Landkreises,Landkreis Hildburghausen,Seniorenbüro",
        "Kreisseniorenbüro / Senior*innen-Agentur des Landkreises,Landkreis Hildburghausen,Pflegeheim",
    )
    summary = import_file(district, data, "neu.csv")
    assert buero.served_regions.count() == 0
    assert summary.updated == 1
