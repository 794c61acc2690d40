"""HSDS import: the official examples round-trip without loss; bad input writes nothing."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from sozialplan.audit.models import AuditEntry
from sozialplan.offerings.models import Offering, Provider, Schedule, Site
from sozialplan.opendata import hsds, hsds_schema, queries
from sozialplan.opendata import taxonomy as tx
from sozialplan.opendata.hsds_import import import_hsds
from sozialplan.regions.models import District
from sozialplan.sources.errors import SourceError

EXAMPLES = Path(settings.DATA_DIR) / "hsds" / "examples" / "json"


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def normalized(value: Any) -> Any:
    """Arrays sorted (HSDS gives arrays no meaningful order), recursively."""
    if isinstance(value, dict):
        return {k: normalized(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((normalized(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def service(uuid: str) -> dict[str, Any]:
    offering = queries.with_relations(queries.published_offerings()).get(uuid=uuid)
    return hsds.service_full(offering)


def counts() -> tuple[int, int, int, int]:
    return (Provider.objects.count(), Site.objects.count(), Offering.objects.count(), Schedule.objects.count())


def test_service_full_round_trips_without_loss(district: District) -> None:
    original = example("service_full.json")
    summary = import_hsds(district=district, data=copy.deepcopy(original), actor=None)
    assert (summary.created, summary.updated, summary.rejected) == (3, 0, [])
    assert normalized(service(original["id"])) == normalized(original)


def test_organization_full_round_trips_without_loss(district: District) -> None:
    original = example("organization_full.json")
    import_hsds(district=district, data=copy.deepcopy(original), actor=None)
    provider = queries.providers_with_relations(Provider.objects.filter(uuid=original["id"])).get()
    offerings = list(queries.with_relations(queries.published_offerings().filter(provider=provider)))
    exported = hsds.organization_with_services(provider, offerings, full=True)
    assert normalized(exported) == normalized(original)


def test_service_at_location_full_round_trips_without_loss(district: District) -> None:
    original = example("service_at_location_full.json")
    import_hsds(district=district, data=copy.deepcopy(original), actor=None)
    offering = queries.with_relations(queries.published_offerings()).get(uuid=original["service"]["id"])
    site = queries.public_sites().get(uuid=original["location"]["id"])
    assert normalized(hsds.service_at_location_full(offering, site)) == normalized(original)


def test_service_list_page_round_trips_without_loss(district: District) -> None:
    original = example("service_list.json")
    summary = import_hsds(district=district, data=copy.deepcopy(original), actor=None)
    assert summary.created == 2  # the service and its organization
    offering = queries.with_relations(queries.published_offerings()).get()
    assert normalized(hsds.service_list_item(offering)) == normalized(original["contents"][0])


def test_import_is_idempotent(district: District) -> None:
    data = example("service_full.json")
    import_hsds(district=district, data=copy.deepcopy(data), actor=None)
    before = service(data["id"])
    entries = AuditEntry.objects.count()
    again = import_hsds(district=district, data=copy.deepcopy(data), actor=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert service(data["id"]) == before
    assert AuditEntry.objects.count() == entries


def test_changed_source_updates_and_is_audited(district: District, db: None) -> None:
    actor = User.objects.create_user("importeur")
    data = example("service_full.json")
    import_hsds(district=district, data=copy.deepcopy(data), actor=actor)
    data["name"] = "Beratung für Familien"
    data["last_modified"] = "2024-06-01T08:00:00Z"
    summary = import_hsds(district=district, data=copy.deepcopy(data), actor=actor)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 2)
    exported = service(data["id"])
    assert exported["name"] == "Beratung für Familien"
    assert exported["last_modified"] == "2024-06-01T08:00:00Z"
    entry = AuditEntry.objects.filter(object_id=data["id"], action="updated").get()
    assert entry.actor == actor
    assert entry.changes["name"][1] == "Beratung für Familien"


def test_a_list_of_objects_and_our_own_export_import_again(
    district: District, farbkleckse: Offering, seniorenbuero: Offering
) -> None:
    exported = [service(str(farbkleckse.uuid)), service(str(seniorenbuero.uuid))]
    summary = import_hsds(district=district, data=copy.deepcopy(exported), actor=None)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 5)
    assert [service(str(farbkleckse.uuid)), service(str(seniorenbuero.uuid))] == exported


def test_our_export_imports_into_a_fresh_installation_with_its_classifications(
    district: District, farbkleckse: Offering
) -> None:
    exported = service(str(farbkleckse.uuid))
    Offering.objects.all().delete()
    Site.objects.all().delete()
    Provider.objects.all().delete()
    import_hsds(district=district, data=copy.deepcopy(exported), actor=None)
    offering = Offering.objects.get(uuid=farbkleckse.uuid)
    assert [f.code for f in offering.action_fields.all()] == [2]
    assert {g.code for g in offering.target_groups.all()} == {"kinder-unter-6", "menschen-mit-behinderung"}
    assert [r.key for r in offering.served_regions.all()] == ["16069024"]
    assert offering.lsz_funded
    assert offering.source_url == farbkleckse.source_url
    site = offering.sites.get()
    assert site.gemeinde is not None and site.gemeinde.key == "16069024"
    assert site.position_precision == "gemeinde"
    assert site.description == ""
    assert normalized(service(str(farbkleckse.uuid))) == normalized(exported)


def test_a_location_outside_the_district_is_refused(
    district: District, other_district: District, farbkleckse: Offering
) -> None:
    exported = service(str(farbkleckse.uuid))
    Offering.objects.all().delete()
    Site.objects.all().delete()
    Provider.objects.all().delete()
    expected = r"^\$\.organization\.locations\[0\]: Der Standort \(Breite 50\.\d+, Länge 10\.\d+\) "
    expected += r"liegt nicht im Ilm-Kreis\.$"
    with pytest.raises(SourceError, match=expected):
        import_hsds(district=other_district, data=copy.deepcopy(exported), actor=None)
    assert counts() == (0, 0, 0, 0)


def test_known_term_by_id_sets_the_classification(district: District) -> None:
    data = example("service_full.json")
    term = tx.term(tx.HANDLUNGSFELD, 4, "Beratung, Unterstützung und Information")
    data["attributes"].append({"id": "0b6e0e54-3f5f-4d38-9a40-3a8b4c6f8f01", "taxonomy_term": term})
    import_hsds(district=district, data=copy.deepcopy(data), actor=None)
    offering = Offering.objects.get(uuid=data["id"])
    assert [f.code for f in offering.action_fields.all()] == [4]
    assert normalized(service(data["id"])) == normalized(data)


def test_json_text_and_bytes_are_accepted(district: District) -> None:
    text = (EXAMPLES / "service_full.json").read_text(encoding="utf-8")
    assert import_hsds(district=district, data=text.encode("utf-8"), actor=None).created == 3
    assert import_hsds(district=district, data=text, actor=None).unchanged == 3


def _bad(name: str) -> Any:
    data = example("service_full.json")
    if name == "wrong_type":
        data["minimum_age"] = "zwölf"
    elif name == "invalid_uuid":
        data["service_at_locations"][0]["location"]["id"] = "nicht-eindeutig"
    elif name == "missing_name":
        del data["name"]
    elif name == "bad_status":
        data["status"] = "geschlossen"
    elif name == "huge_string":
        data["description"] = "x" * (10 * 1024 * 1024)
    elif name == "nul_byte":
        data["organization"]["name"] = "Verein\x00"
    elif name == "not_an_object":
        data = [data, 42]
    elif name == "unknown_object":
        data = {"foo": "bar"}
    elif name == "empty":
        data = []
    return data


BAD_CASES = [
    ("wrong_type", "$.minimum_age muss Zahl sein"),
    ("invalid_uuid", "$.service_at_locations[0].location.id ist keine gültige Angabe (UUID)"),
    ("missing_name", "fehlt die Pflichtangabe „name“"),
    ("bad_status", "erlaubt sind: active, inactive, defunct, temporarily closed"),
    ("huge_string", "$.description ist zu lang"),
    ("nul_byte", "$.organization.name enthält ein NUL-Zeichen"),
    ("not_an_object", "Bei $[1] steht kein HSDS-Objekt"),
    ("unknown_object", "weder ein HSDS-Angebot"),
    ("empty", "keine HSDS-Objekte"),
]
UNREADABLE = [
    (b"\xff\xfe kaputt", "nicht UTF-8"),
    ('{"id": ', "Kein gültiges JSON"),
    ("[" * 100_000 + "]" * 100_000, "zu tief verschachtelt"),
]


def test_bad_input_is_refused_in_german_and_writes_nothing(district: District) -> None:
    before = counts()
    for case, expected in BAD_CASES:
        with pytest.raises(SourceError) as error:
            import_hsds(district=district, data=_bad(case), actor=None, filename="angebote.json")
        assert expected in str(error.value), case
        assert str(error.value).startswith("angebote.json: "), case
        assert counts() == before, case


def test_unreadable_json_is_refused(district: District) -> None:
    for data, expected in UNREADABLE:
        with pytest.raises(SourceError, match=expected):
            import_hsds(district=district, data=data, actor=None)
    assert counts() == (0, 0, 0, 0)


def test_a_conflict_while_writing_rolls_everything_back(district: District, other_district: District) -> None:
    first = example("service_full.json")
    import_hsds(district=other_district, data=copy.deepcopy(first), actor=None)
    before = counts()
    fresh = example("organization_full.json")
    fresh["id"] = "6f2c7a34-1a0e-4f5e-9d59-0a4d8f3b9c11"
    fresh["name"] = "Anderer Träger"
    with pytest.raises(SourceError, match="gehört zu einem Eintrag eines anderen Kreises"):
        import_hsds(district=district, data=[fresh], actor=None)
    assert counts() == before
    assert not Provider.objects.filter(uuid=fresh["id"]).exists()


def test_hostile_text_is_kept_verbatim_and_stays_valid(district: District) -> None:
    data = example("service_full.json")
    data["name"] = "<script>alert(1)</script>'; DROP TABLE offerings_offering; --"
    data["description"] = "ä" * 5000
    import_hsds(district=district, data=copy.deepcopy(data), actor=None)
    exported = service(data["id"])
    assert exported["name"] == data["name"]
    assert hsds_schema.errors(exported, "service", strict=False) == []


def test_values_our_fields_cannot_hold_are_kept(district: District) -> None:
    data = example("service_full.json")
    data["name"] = "N" * 400
    data["alternate_name"] = ""
    data["minimum_age"] = 12.5
    data["schedules"][0]["opens_at"] = "10:00"
    data["phones"][0]["number"] = "0" * 80
    import_hsds(district=district, data=copy.deepcopy(data), actor=None)
    offering = Offering.objects.get(uuid=data["id"])
    assert offering.name == "N" * 300
    assert offering.min_age is None
    assert normalized(service(data["id"])) == normalized(data)
