from __future__ import annotations

import csv
from collections import Counter
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from sozialplan.audit.models import AuditEntry
from sozialplan.catalog.mapping import load_offer_mapping
from sozialplan.offerings import importing
from sozialplan.offerings.importing import import_offers_file, name_key, split_remark
from sozialplan.offerings.models import Offering, PositionPrecision, Provider, ProviderKind, ReviewState, Site
from sozialplan.regions.models import District
from sozialplan.sources.errors import ImportSummary, SourceError
from sozialplan.sources.offers_csv import COLUMNS, InvalidRowsError

pytestmark = pytest.mark.django_db

OFFERS = settings.DATA_DIR / "offers" / "hildburghausen" / "offers.csv"
REAL = OFFERS.read_bytes()


def import_real(district: District) -> ImportSummary:
    return import_offers_file(district=district, data=REAL, filename="offers.csv", actor=None)


def test_the_mapping_covers_every_category_of_the_real_offers() -> None:
    mapping = load_offer_mapping()
    categories = {row["category"] for row in csv.DictReader(OFFERS.read_text(encoding="utf-8").splitlines())}
    assert {c for c in categories if mapping.category(c) is None} == set()
    assert all(mapping.category(c).action_fields for c in categories)  # type: ignore[union-attr]


def test_the_mapping_uses_only_known_reference_codes() -> None:
    import json

    reference = settings.DATA_DIR / "reference"
    known = {
        "offer_types": {t["code"] for t in json.loads((reference / "offer_types.json").read_text())["offer_types"]},
        "action_fields": {
            str(a["code"]) for a in json.loads((reference / "action_fields.json").read_text())["action_fields"]
        },
        "target_groups": {
            t["code"] for t in json.loads((reference / "target_groups.json").read_text())["target_groups"]
        },
        "themes": {t["code"] for t in json.loads((reference / "themes.json").read_text())["themes"]},
    }
    for kind, codes in load_offer_mapping().all_codes().items():
        assert codes <= known[kind], kind


def test_it_imports_all_72_real_offers(district: District) -> None:
    summary = import_real(district)
    assert (summary.created, summary.updated, summary.rejected) == (72, 0, [])
    assert Offering.objects.filter(district=district).count() == 72
    assert not Offering.objects.filter(assured_date__isnull=False).exists()
    assert set(Offering.objects.values_list("review_state", flat=True)) == {ReviewState.APPROVED}
    assert Offering.objects.filter(action_fields__isnull=True).count() == 0
    assert Offering.objects.published().count() == 72
    tafel = Offering.objects.get(name="Hildburghäuser Tafel (Ausgabestelle Eisfeld)")
    assert tafel.source_date == "2024"
    assert tafel.source_url.startswith("https://")
    # One audit entry per created record, by "System" (no acting user).
    counts = Counter(AuditEntry.objects.filter(district=district).values_list("object_type", flat=True))
    assert counts == {"offering": 72, "site": 31, "provider": 16}
    assert set(AuditEntry.objects.values_list("actor_name", flat=True)) == {"System"}


def test_it_changes_nothing_on_the_second_run(district: District) -> None:
    import_real(district)
    entries = AuditEntry.objects.count()
    snapshots = dict(Offering.objects.values_list("pk", "import_snapshot"))
    again = import_real(district)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 72)
    assert [note for note in again.notes if "ohne Ort" not in note] == []
    assert dict(Offering.objects.values_list("pk", "import_snapshot")) == snapshots
    assert AuditEntry.objects.count() == entries
    assert Site.objects.count() == 31


def test_it_places_a_site_at_the_centre_of_its_gemeinde(district: District) -> None:
    import_real(district)
    kita = Offering.objects.get(name="Integrative Kindertagesstätte „Farbkleckse“")
    (site,) = kita.sites.all()
    assert site.street == "Eisfelder Straße 41, Haus 26"
    assert site.postcode == "98646"
    assert site.gemeinde is not None and site.gemeinde.key == "16069024"
    assert site.position_precision == PositionPrecision.GEMEINDE
    assert site.latitude == pytest.approx(50.425612)
    assert site.longitude == pytest.approx(10.729007)
    assert [g.key for g in kita.served_regions.all()] == ["16069024"]
    assert {t.code for t in kita.target_groups.all()} == {"kinder-unter-6", "familien", "menschen-mit-behinderung"}
    assert [a.code for a in kita.action_fields.all()] == [2]
    assert [t.code for t in kita.themes.all()] == ["inklusion"]
    assert kita.offer_type is not None and kita.offer_type.code == "kindertagesstaette"
    assert kita.provider is not None and kita.provider.kind == ProviderKind.CHURCH
    assert kita.provider.legal_form == "e. V."
    assert kita.target_description.startswith("Kinder ab 6 Monaten")


def test_it_makes_one_site_per_address_or_town(district: District) -> None:
    import_real(district)
    assert Site.objects.filter(district=district).count() == 31
    # Ortsteil: the Gemeinde comes from the town ("Schleusingen OT Erlau").
    erlau = Offering.objects.get(name="Kita „Erlauer Grashüpfer“").sites.get()
    assert erlau.town == "Schleusingen OT Erlau"
    assert erlau.gemeinde is not None and erlau.gemeinde.name == "Schleusingen, Stadt"
    # Offers at the same address share the site; it belongs to their one Träger.
    wiesenstrasse = Site.objects.get(street="Wiesenstraße 18")
    assert wiesenstrasse.offerings.count() == 3  # Jugendamt, Frühe Hilfen, Kreisseniorenbeirat
    assert wiesenstrasse.provider is not None and wiesenstrasse.provider.name == "Landkreis Hildburghausen"
    # Several Träger at one town without street: the site belongs to none of them.
    assert Site.objects.get(town="Schleusingen", street="").provider is None
    # A town that is no Gemeinde of the district, without Gemeinde in the source: no position.
    haubinda = Offering.objects.get(name="Hermann-Lietz-Schule Haubinda").sites.get()
    assert haubinda.gemeinde is None
    assert haubinda.position_precision == PositionPrecision.NONE
    assert haubinda.latitude is None


def test_it_gives_district_wide_offers_no_site_but_the_whole_kreis(district: District) -> None:
    import_real(district)
    buero = Offering.objects.get(name__startswith="Kreisseniorenbüro")
    assert buero.sites.count() == 0
    assert [r.key for r in buero.served_regions.all()] == ["16069"]
    assert buero.service_area_description == "Landkreis Hildburghausen"
    assert Offering.objects.filter(sites__isnull=True).count() == 7


def test_it_creates_providers_by_published_name(district: District) -> None:
    import_real(district)
    providers = {p.name: p for p in Provider.objects.filter(district=district)}
    assert len(providers) == 16
    assert providers["Landkreis Hildburghausen"].kind == ProviderKind.MUNICIPAL
    assert providers["AWO AJS gGmbH"].kind == ProviderKind.WELFARE
    assert providers["AWO AJS gGmbH"].legal_form == "gGmbH"
    assert providers["Stiftung Rehabilitationszentrum „Thüringer Wald“"].kind == ProviderKind.FREE
    assert providers["Kreissportbund Hildburghausen e.V."].kind == ProviderKind.ASSOCIATION
    # "kommunal" names the Gemeinde of the offer; the source's wording stays in the description.
    sachsenbrunn = Offering.objects.get(name="Kommunaler Kindergarten Sachsenbrunn")
    assert sachsenbrunn.provider == providers["Stadt Eisfeld"]
    assert "Träger laut Quelle: kommunal" in sachsenbrunn.description
    # A remark in parentheses is not part of the name.
    schule = Offering.objects.get(name="Hennebergisches Gymnasium „Georg Ernst“")
    assert schule.provider == providers["Landkreis Hildburghausen"]
    assert "(Alumnat in privater Trägerschaft)" in schule.description
    # No Träger in the source: no provider.
    assert Offering.objects.get(name="Kindertagesstätte „Werraspatzen“").provider is None


def test_it_reuses_an_existing_provider_of_the_district(district: District, provider_a: Provider) -> None:
    import_real(district)
    assert Offering.objects.filter(provider=provider_a).count() == 13


def csv_row(**values: str) -> str:
    return ",".join(values.get(c, "") for c in COLUMNS)


#: A valid row, a row with a bad e-mail address, an empty row and a row without name.
MIXED = "\n".join(
    [
        ",".join(COLUMNS),
        csv_row(name="Bürgerbus der Stadt Schleusingen", gemeinde="Schleusingen"),
        csv_row(name="Tafel", email="keine-mail"),
        csv_row(),
        csv_row(town="Eisfeld"),
    ]
).encode()


def test_it_imports_nothing_when_a_row_is_invalid_and_names_every_bad_row(district: District) -> None:
    with pytest.raises(InvalidRowsError) as info:
        import_offers_file(district=district, data=MIXED, filename="neu.csv", actor=None)
    assert [(p.line, p.name) for p in info.value.problems] == [(3, "Tafel"), (5, "")]
    assert str(info.value) == (
        "2 Zeilen sind fehlerhaft:\n"
        "– neu.csv, Zeile 3 („Tafel“): Die E-Mail-Adresse „keine-mail“ ist ungültig.\n"
        "– neu.csv, Zeile 5: Der Name fehlt."
    )
    assert (Offering.objects.count(), Provider.objects.count(), Site.objects.count()) == (0, 0, 0)
    assert not AuditEntry.objects.exists()


def test_with_skip_invalid_it_imports_valid_rows_and_reports_the_rest(district: District) -> None:
    summary = import_offers_file(district=district, data=MIXED, filename="neu.csv", actor=None, skip_invalid=True)
    assert summary.created == 1
    assert [(r.line, r.key) for r in summary.rejected] == [(3, "Tafel"), (5, "")]
    assert "E-Mail-Adresse" in summary.rejected[0].reason
    assert "Zeile 3: Die E-Mail-Adresse „keine-mail“ ist ungültig." in str(summary)
    assert Offering.objects.get().name == "Bürgerbus der Stadt Schleusingen"


def test_it_refuses_a_second_row_with_the_same_name_and_source(district: District) -> None:
    lines = REAL.decode().splitlines()
    data = "\n".join([*lines[:3], lines[2]]).encode()
    with pytest.raises(InvalidRowsError, match=r"offers\.csv, Zeile 4 .*schon in Zeile 3"):
        import_offers_file(district=district, data=data, filename="offers.csv", actor=None)
    assert not Offering.objects.exists()
    summary = import_offers_file(district=district, data=data, filename="offers.csv", actor=None, skip_invalid=True)
    assert summary.created == 2
    assert [r.line for r in summary.rejected] == [4]
    assert "schon in Zeile 3" in summary.rejected[0].reason


def test_it_writes_nothing_for_a_broken_file(district: District) -> None:
    data = REAL[:2000] + b"\x00" + REAL[2000:]
    with pytest.raises(SourceError, match="NUL"):
        import_offers_file(district=district, data=data, filename="offers.csv", actor=None)
    assert Offering.objects.count() == 0


@pytest.mark.parametrize("step", ["_plan_offering", "_sync_relations"])
def test_it_writes_nothing_when_the_import_fails_half_way(
    district: District, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    original = getattr(importing._Importer, step)
    calls = {"n": 0}

    def failing(self: Any, *args: Any) -> Any:
        calls["n"] += 1
        # Half-way through the rows, or after the offers were inserted.
        if calls["n"] == (36 if step == "_plan_offering" else 1):
            raise SourceError("Test: Abbruch in der Mitte.")
        return original(self, *args)

    monkeypatch.setattr(importing._Importer, step, failing)
    with pytest.raises(SourceError, match="Abbruch"):
        import_real(district)
    assert (Offering.objects.count(), Provider.objects.count(), Site.objects.count()) == (0, 0, 0)
    assert not AuditEntry.objects.exists()


def test_it_records_what_a_second_import_changed(district: District) -> None:
    import_real(district)
    lines = REAL.decode().splitlines()
    # The Frühförderung row without its Träger: provider, description and served offers change.
    changed = [line.replace("Diakonisches Werk Henneberger Land e.V.", "") for line in lines]
    summary = import_offers_file(district=district, data="\n".join(changed).encode(), filename="neu.csv", actor=None)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 71)
    entry = AuditEntry.objects.filter(action="updated", object_type="offering").get()
    assert entry.changes["provider"] == ["Diakonisches Werk Henneberger Land e.V.", None]
    assert entry.note == "Import neu.csv, Zeile 18"


def test_it_keeps_offers_of_districts_apart(district: District, other_district: District) -> None:
    import_real(district)
    summary = import_real(other_district)
    assert summary.created == 72
    assert Offering.objects.filter(district=other_district).count() == 72
    # Gemeinden of Hildburghausen are not Gemeinden of the Ilm-Kreis: no site there has one.
    assert not Site.objects.filter(district=other_district, gemeinde__isnull=False).exists()


def test_it_routes_json_to_the_hsds_importer(district: District, monkeypatch: pytest.MonkeyPatch) -> None:
    hsds_import = pytest.importorskip("sozialplan.opendata.hsds_import")
    received: dict[str, Any] = {}

    def fake(*, district: District, data: Any, actor: Any, filename: str) -> ImportSummary:
        received.update(district=district, data=data, actor=actor, filename=filename)
        return ImportSummary(created=1)

    monkeypatch.setattr(hsds_import, "import_hsds", fake)
    summary = import_offers_file(district=district, data=b'\xef\xbb\xbf {"id": "x"}', filename="a.json", actor=None)
    assert summary.created == 1
    assert received == {"district": district, "data": {"id": "x"}, "actor": None, "filename": "a.json"}


def test_it_refuses_broken_json_in_german(district: District) -> None:
    with pytest.raises(SourceError, match="Kein gültiges JSON"):
        import_offers_file(district=district, data=b'{"id": ', filename="a.json", actor=None)


def test_the_command_imports_the_real_file(district: District, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("import_offers", str(OFFERS), "--district", "hildburghausen")
    assert "offers.csv → Landkreis Hildburghausen: neu: 72, geändert: 0, unverändert: 0, abgelehnt: 0" in (
        capsys.readouterr().out
    )


def test_the_command_refuses_an_unknown_district(district: District) -> None:
    with pytest.raises(CommandError, match="Landkreis „nirgendwo“ gibt es nicht"):
        call_command("import_offers", str(OFFERS), "--district", "nirgendwo")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Hildburghausen, Stadt", "hildburghausen"), ("St.Bernhard", "stbernhard"), ("St. Bernhard", "stbernhard")],
)
def test_it_folds_gemeinde_names_for_matching(text: str, expected: str) -> None:
    assert name_key(text) == expected


def test_it_splits_a_remark_off_a_provider_name() -> None:
    assert split_remark("Diakoniewerk Sonneberg (laut Bericht)") == ("Diakoniewerk Sonneberg", "laut Bericht")
    assert split_remark("Stiftung Rehabilitationszentrum „Thüringer Wald“") == (
        "Stiftung Rehabilitationszentrum „Thüringer Wald“",
        "",
    )


def test_the_command_names_a_missing_file_in_german(district: District) -> None:
    with pytest.raises(CommandError, match=r"Nichts importiert\. fehlt\.csv: Die Datei gibt es nicht\."):
        call_command("import_offers", "/nirgendwo/fehlt.csv", "--district", "hildburghausen")
