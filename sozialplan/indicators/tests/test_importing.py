"""The statistics import service: matching, preview, idempotence, atomicity, mappings, symbols.

Every table is a real file of data/ read by ``sozialplan.sources.detect``;
the test database holds the real regions of Land Thüringen, Kreis 16069
(Hildburghausen) and 16070 (Ilm-Kreis), see tests/factories.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from pathlib import Path

import hypothesis
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from sozialplan.audit.models import AuditEntry
from sozialplan.indicators import import_plan, importing
from sozialplan.indicators.import_matching import is_additive, match_regions, name_core
from sozialplan.indicators.import_preview import ImportPreview
from sozialplan.indicators.importing import (
    MappingRefusedError,
    delete_dataset,
    import_table,
    preview,
    read_table,
)
from sozialplan.indicators.models import Dataset, DatasetKind, Observation, RegionKeyMapping
from sozialplan.regions.formats import read_region_files
from sozialplan.regions.models import District, Region, RegionKind
from sozialplan.regions.services import apply_region_data
from sozialplan.sources.errors import SourceError
from sozialplan.sources.statistics import StatTable, StatValue

pytestmark = pytest.mark.django_db

STATISTICS = Path(settings.DATA_DIR) / "statistics"
KREISE_2024 = STATISTICS / "12411-01-01-4_1773175772751_de_flat.csv"
KREISE_2024_EN = STATISTICS / "12411-01-01-4_1773175790049_en_flat.csv"
CLASSIC_2018 = STATISTICS / "12411-02-03-5-B_kreise_2018.csv"
PROJECTION = STATISTICS / "12421-0003_laender_2022-2070.csv"
ZENSUS_GEMEINDEN = Path(settings.DATA_DIR) / "regions" / "1000A-0000_1773175153999_de_flat.csv"
STAND_2024 = dt.date(2024, 12, 31)
#: Symbols in 12411-02-03-5-B_kreise_2018.csv: "-" for 73 Kreise dissolved before 2018 (54 values each),
#: "." for the 12 Berlin Bezirke.
FLAGS_DASH = 73 * 54
FLAGS_DOT = 12 * 54
ZENSUS_DAY = dt.date(2022, 5, 15)


@functools.cache
def _read(path: Path) -> StatTable:
    table = read_table(path.name, path.read_bytes())
    assert isinstance(table, StatTable)
    return table


def real(path: Path) -> StatTable:
    """A fresh copy of the table (tests may change the list of values)."""
    table = _read(path)
    return dataclasses.replace(table, values=list(table.values), notes=list(table.notes))


def only(table: StatTable, prefix: str) -> StatTable:
    """The table with only the values of region keys starting with ``prefix`` (a smaller real file)."""
    return dataclasses.replace(table, values=[v for v in table.values if v.region_key.startswith(prefix)])


@pytest.fixture
def planner(district: District) -> User:
    return User.objects.create_user("planerin-statistik")


@pytest.fixture
def soemmerda() -> Region:
    """Kreis Sömmerda (16068) from the GV100AD 30.11.2023: Riethgen (Zensus 2022) is no longer listed."""
    path = Path(settings.DATA_DIR) / "regions" / "GV100AD_301123.txt"
    apply_region_data(read_region_files([path], only="16068"), only="16068")
    return Region.objects.get(kind=RegionKind.KREIS, key="16068")


def value(dataset: Dataset, key: str, kind: str = RegionKind.KREIS, **fields: object) -> Observation:
    return Observation.objects.get(dataset=dataset, region__kind=kind, region__key=key, **fields)


# --- Matching ---------------------------------------------------------------------------------


def test_it_matches_kreise_and_groups_the_areas_outside_the_loaded_regions(district: District) -> None:
    match = match_regions(real(KREISE_2024))
    assert {k: r.name for k, r in match.matched.items()} == {"16069": "Hildburghausen", "16070": "Ilm-Kreis"}
    assert len(match.outside) == 466  # the Kreise of the other 15 Länder
    assert match.outside_message == "466 Gebiete außerhalb der geladenen Gebiete (nicht gespeichert)"
    listed = {u.key: u for u in match.unmatched}
    assert len(listed) == 21  # the other Kreise of Thüringen, which is loaded (only two of its Kreise)
    assert listed["16051"].reason.startswith("Kreis nicht im geladenen Gebietsverzeichnis")
    assert listed["16056"].only_symbols  # Eisenach, merged into the Wartburgkreis in 2021: only "-"
    assert "nur Zeichen ohne Zahlen" in listed["16056"].reason
    assert not listed["16056"].mappable


def test_it_matches_gemeinden_by_ars_and_does_not_store_germany(district: District) -> None:
    match = match_regions(real(ZENSUS_GEMEINDEN))
    assert match.germany_values == 1
    gemeinden = {k: r for k, r in match.matched.items() if r.kind == RegionKind.GEMEINDE}
    assert len(gemeinden) == 48  # 32 in Hildburghausen, 16 in the Ilm-Kreis
    assert gemeinden["160690024024"].key == "16069024"  # Hildburghausen, Stadt
    assert not match.unmatched
    assert len(match.outside) == 10786 - 48


def test_it_matches_an_ags_and_a_12_digit_key_padded_with_zeros(district: District) -> None:
    values = [v for v in real(ZENSUS_GEMEINDEN).values if v.region_key == "160690024024"]
    table = StatTable(
        code="1000A-0000",
        title="Zensus",
        format="genesis-ffcsv",
        values=[
            dataclasses.replace(values[0], region_key="16069024"),
            dataclasses.replace(values[0], region_key="160690000000"),
        ],
    )
    match = match_regions(table)
    assert match.matched["16069024"].name == "Hildburghausen, Stadt"
    assert match.matched["160690000000"].kind == RegionKind.KREIS


def test_it_reports_a_region_dissolved_before_the_reference_date(district: District) -> None:
    # Eisenach was a kreisfreie Stadt until 30.06.2021 and is part of the Wartburgkreis since 01.07.2021.
    Region.objects.create(
        kind=RegionKind.KREIS, key="16056", name="Eisenach", valid_to=dt.date(2021, 7, 1), parent=district.region.parent
    )
    eisenach = next(u for u in match_regions(real(KREISE_2024)).unmatched if u.key == "16056")
    assert eisenach.reason.startswith(
        "„Eisenach“ wurde zum 01.07.2021 aufgelöst, vor dem Stichtag der Tabelle (31.12.2024)"
    )
    older = only(real(CLASSIC_2018), "16056")
    assert "16056" in match_regions(older).matched  # at 31.12.2018 Eisenach still existed


def test_it_suggests_the_gemeinden_of_the_same_verband_for_a_merged_gemeinde(soemmerda: Region) -> None:
    match = match_regions(only(real(ZENSUS_GEMEINDEN), "16068"))
    riethgen = match.unmatched_key("160685005043")
    assert riethgen is not None
    assert riethgen.name == "Riethgen"
    assert riethgen.reason.startswith("Gemeinde nicht im Gebietsverzeichnis")
    assert riethgen.mappable
    names = [s.name for s in riethgen.suggestions]
    assert set(names) == {"Büchel", "Griefstedt", "Günstedt", "Kindelbrück"}
    assert riethgen.suggestions[0].why == "gleicher Gemeindeverband „Kindelbrück“"
    assert [u.key for u in match.unmatched] == ["160685005043"]


def test_name_cores_ignore_designations_and_parentheses() -> None:
    assert name_core("Heldburg, Stadt") == "heldburg"
    assert name_core("Eichenberg (Landkreis Hildburghausen)") == "eichenberg"


# --- Preview ----------------------------------------------------------------------------------


def test_the_preview_describes_the_table_and_writes_nothing(district: District) -> None:
    result = preview(real(CLASSIC_2018))
    assert isinstance(result, ImportPreview)
    assert result.code == "12411-02-03-5-B"
    assert result.format_label == "GENESIS/Regionalstatistik CSV"
    assert result.periods == [dt.date(2018, 12, 31)]
    assert [(m.code, m.label, m.unit) for m in result.measures] == [("BEVSTD", "Bevölkerungsstand", "Anzahl")]
    assert result.breakdowns[0] == "Geschlecht: insgesamt, männlich, weiblich"
    assert result.breakdowns[1] == "Altersgruppen: 17 (von „unter 3 Jahre“ bis „75 Jahre und mehr“)"
    assert [(lv.label, lv.regions, lv.values) for lv in result.levels] == [("Kreis", 2, 2 * 54)]
    assert [(row.key, row.region) for row in result.sample] == [("16069", "Hildburghausen"), ("16070", "Ilm-Kreis")]
    assert result.changes.new == 2 * 54
    assert result.stored_values == 2 * 54
    assert result.existing is None
    assert {f.flag: f.count for f in result.flags} == {"-": FLAGS_DASH, ".": FLAGS_DOT}
    assert result.flags[0].meaning == "nichts vorhanden (genau null)"
    assert not Dataset.objects.filter(code="12411-02-03-5-B").exists()


def test_the_preview_says_what_an_import_would_replace(district: District, planner: User) -> None:
    import_table(real(KREISE_2024), user=planner, file_name=KREISE_2024.name, sha256="a" * 64)
    again = preview(real(KREISE_2024_EN))
    assert isinstance(again, ImportPreview)
    assert again.existing is not None
    assert (again.changes.new, again.changes.changed, again.changes.unchanged, again.changes.removed) == (0, 0, 6, 0)
    assert again.language == "en"


# --- Import -----------------------------------------------------------------------------------


def test_it_imports_the_matched_values_with_the_metadata(district: District, planner: User) -> None:
    result = import_table(real(KREISE_2024), user=planner, file_name=KREISE_2024.name, sha256="b" * 64)
    dataset = result.dataset
    assert (result.created, result.updated, result.unchanged, result.deleted) == (6, 0, 0, 0)
    assert value(dataset, "16069", sex="").value == pytest.approx(59987)
    assert value(dataset, "16069", sex="m").value == pytest.approx(30060)
    assert value(dataset, "16069", sex="w").value == pytest.approx(29927)
    assert dataset.kind == DatasetKind.OFFICIAL
    assert dataset.vintage == "Stichtag 31.12.2024"
    assert (dataset.observation_count, dataset.unmatched_count) == (6, 20)
    assert (dataset.file_name, dataset.sha256, dataset.imported_by) == (KREISE_2024.name, "b" * 64, planner)
    # The flat file names no source: the reader sets GENESIS and the licence of its downloads.
    assert dataset.source == "Statistische Ämter des Bundes und der Länder, GENESIS-Online"
    assert dataset.licence == "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)"
    assert result.outside_count == 466
    entry = AuditEntry.objects.get(object_type="dataset")
    assert (entry.action, entry.actor, entry.district) == ("imported", planner, None)
    assert entry.note.startswith("12411-01-01-4: 6 Werte neu, 0 geändert")


def test_a_second_import_changes_nothing(district: District, planner: User) -> None:
    first = import_table(real(KREISE_2024), user=planner, file_name="a.csv", sha256="c" * 64)
    stamp = Dataset.objects.get().imported_at
    second = import_table(real(KREISE_2024), user=planner, file_name="a.csv", sha256="c" * 64)
    assert not second.changed
    assert second.unchanged == first.created == 6
    assert second.summary() == "12411-01-01-4: nichts geändert (6 Werte unverändert). 20 Gebiete nicht zugeordnet."
    assert Dataset.objects.get().imported_at == stamp
    assert AuditEntry.objects.filter(object_type="dataset").count() == 1


def test_a_second_upload_for_a_district_changes_nothing(district: District, planner: User) -> None:
    first = import_table(real(KREISE_2024), user=planner, file_name="a.csv", sha256="c" * 64, district=district)
    stamp = Dataset.objects.get().imported_at
    second = import_table(real(KREISE_2024), user=planner, file_name="a.csv", sha256="c" * 64, district=district)
    assert not second.changed
    assert second.unchanged == first.created == 3  # Hildburghausen's total, men and women
    assert (
        second.summary()
        == "12411-01-01-4: nichts geändert (3 Werte unverändert). 1.464 Werte anderer Gebiete nicht übernommen."
    )
    assert Dataset.objects.get().imported_at == stamp
    assert AuditEntry.objects.filter(object_type="dataset").count() == 1
    assert AuditEntry.objects.get(object_type="dataset").district == district


def test_a_reimport_restores_changed_values_and_removes_only_what_the_file_covers(
    district: District, planner: User
) -> None:
    dataset = import_table(real(KREISE_2024), user=planner, file_name="a.csv", sha256="").dataset
    Observation.objects.filter(dataset=dataset, region__key="16069", sex="").update(value=1.0)
    # A value of another reference date in the same dataset stays (31.12.2018 from 12411-02-03-5-B).
    kreis = district.region
    Observation.objects.create(
        dataset=dataset, region=kreis, measure="BEVSTD", period=dt.date(2018, 12, 31), value=63553
    )
    table = real(KREISE_2024)
    table.values = [v for v in table.values if not (v.region_key == "16070" and v.sex == "m")]
    result = import_table(table, user=planner, file_name="a.csv", sha256="")
    assert (result.created, result.updated, result.unchanged, result.deleted) == (0, 1, 4, 1)
    assert value(dataset, "16069", sex="", period=STAND_2024).value == pytest.approx(59987)
    assert value(dataset, "16069", period=dt.date(2018, 12, 31)).value == pytest.approx(63553)
    assert not Observation.objects.filter(dataset=dataset, region__key="16070", sex="m").exists()
    assert Dataset.objects.get().observation_count == 6


def test_the_laender_and_the_kreise_file_of_one_table_share_the_dataset(district: District) -> None:
    laender = STATISTICS / "12411-02-03-5-B_laender_2018.csv"
    import_table(real(laender), user=None, file_name=laender.name, sha256="")
    result = import_table(real(CLASSIC_2018), user=None, file_name=CLASSIC_2018.name, sha256="")
    assert (result.created, result.deleted) == (2 * 54, 0)  # the Land's values stay: the Kreise file does not cover it
    assert result.dataset.observation_count == 3 * 54
    assert value(result.dataset, "16", kind=RegionKind.LAND, sex="", age_from=0, age_to=999).value == pytest.approx(
        2143145
    )


def test_an_error_midway_writes_nothing(district: District, planner: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    calls: list[int] = []
    original = Observation.objects.bulk_create

    def failing(objs: list[Observation], *args: object, **kwargs: object) -> list[Observation]:
        calls.append(len(objs))
        if len(calls) == 2:
            raise RuntimeError("Datenbank voll")
        return original(objs)

    monkeypatch.setattr(Observation.objects, "bulk_create", failing)
    with pytest.raises(RuntimeError):
        import_table(real(KREISE_2024), user=planner, file_name="a.csv", sha256="")
    assert calls == [2, 2]
    assert not Dataset.objects.exists()
    assert not Observation.objects.exists()
    assert not AuditEntry.objects.filter(object_type="dataset").exists()


def test_progress_is_reported_per_batch(district: District, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "BATCH_SIZE", 4)
    seen: list[tuple[int, int]] = []
    import_table(real(KREISE_2024), user=None, file_name="a.csv", sha256="", progress=lambda d, t: seen.append((d, t)))
    assert seen == [(4, 6), (6, 6)]


def test_symbols_are_kept_as_flags(district: District) -> None:
    # An installation whose directory predates the merger still lists Eisenach: the 2024 table has only "-" there.
    Region.objects.create(kind=RegionKind.KREIS, key="16056", name="Eisenach", parent=district.region.parent)
    dataset = import_table(only(real(KREISE_2024), "16056"), user=None, file_name="a.csv", sha256="").dataset
    stored = value(dataset, "16056", sex="")
    assert (stored.value, stored.flag) == (0.0, "-")


def test_a_projection_is_stored_as_projection_with_its_variants(district: District) -> None:
    result = import_table(only(real(PROJECTION), "16"), user=None, file_name=PROJECTION.name, sha256="")
    dataset = result.dataset
    assert dataset.kind == DatasetKind.PROJECTION
    assert dataset.vintage == "Stichtage 31.12.2022 bis 31.12.2070 (49)"
    assert result.created == 49 * 5
    assert Observation.objects.filter(dataset=dataset, region__key="16").values("variant").distinct().count() == 5


# --- Mappings ---------------------------------------------------------------------------------


def test_a_confirmed_mapping_adds_the_old_gemeinde_to_its_successor(soemmerda: Region, planner: User) -> None:
    kindelbrueck = Region.objects.get(kind=RegionKind.GEMEINDE, key="16068064")
    table = only(real(ZENSUS_GEMEINDEN), "16068")
    shown = preview(table, mappings={"160685005043": kindelbrueck.pk})
    assert isinstance(shown, ImportPreview)
    assert shown.mapped == {"160685005043": kindelbrueck}
    assert shown.unmatched_count == 0
    result = import_table(
        table, user=planner, file_name="z.csv", sha256="", confirmed_mappings={"160685005043": kindelbrueck.pk}
    )
    assert result.mapped_keys == 1
    stored = value(result.dataset, "16068064", kind=RegionKind.GEMEINDE)
    assert stored.value == pytest.approx(3673 + 239)  # Kindelbrück + Riethgen, Zensus 2022
    mapping = RegionKeyMapping.objects.get()
    assert (mapping.old_key, mapping.old_name, mapping.new_region, mapping.confirmed_by) == (
        "160685005043",
        "Riethgen",
        kindelbrueck,
        planner,
    )
    # The confirmed mapping applies again without being given, and suggests itself first.
    again = import_table(table, user=planner, file_name="z.csv", sha256="")
    assert not again.changed
    riethgen = match_regions(table).unmatched_key("160685005043")
    assert riethgen is not None
    assert riethgen.suggestions[0].why == "bereits bestätigte Zuordnung"


def test_a_mapping_to_another_level_or_a_matched_key_is_refused(soemmerda: Region, planner: User) -> None:
    table = only(real(ZENSUS_GEMEINDEN), "16068")
    hildburghausen = Region.objects.get(kind=RegionKind.GEMEINDE, key="16069024")
    mappings = {"160685005043": soemmerda.pk, "160685005064": hildburghausen.pk, "99": 1}
    shown = preview(table, mappings=mappings)
    assert isinstance(shown, ImportPreview)
    assert shown.mapping_errors["160685005043"] == (
        "„Riethgen“ ist Gemeinde und kann nur einem Gebiet derselben Ebene zugeordnet werden."
    )
    assert "ist bereits dem Gebiet „Kindelbrück“ zugeordnet" in shown.mapping_errors["160685005064"]
    assert shown.mapping_errors["99"] == "Der Schlüssel „99“ kommt in der Tabelle nicht vor."
    with pytest.raises(MappingRefusedError) as raised:
        import_table(table, user=planner, file_name="z.csv", sha256="", confirmed_mappings=mappings)
    assert set(raised.value.errors) == {"160685005043", "160685005064", "99"}
    assert not Dataset.objects.exists()
    assert not RegionKeyMapping.objects.exists()


def test_only_counts_may_be_added(soemmerda: Region) -> None:
    riethgen = next(v for v in real(ZENSUS_GEMEINDEN).values if v.region_key == "160685005043")
    assert is_additive(riethgen)
    ratio = dataclasses.replace(riethgen, unit="%")  # a share, as in tables of quotas: never summed
    assert not is_additive(ratio)
    table = StatTable(code="x", title="x", format="genesis-ffcsv", values=[ratio])
    kindelbrueck = Region.objects.get(kind=RegionKind.GEMEINDE, key="16068064")
    shown = preview(table, mappings={"160685005043": kindelbrueck.pk})
    assert isinstance(shown, ImportPreview)
    assert "sind keine Anzahlen" in shown.mapping_errors["160685005043"]


# --- Refused tables ---------------------------------------------------------------------------


def test_a_value_twice_in_the_file_is_refused(district: District) -> None:
    table = only(real(KREISE_2024), "16069")
    table.values.append(dataclasses.replace(table.values[0], line=9999))
    with pytest.raises(SourceError, match="steht doppelt in der Datei"):
        import_table(table, user=None, file_name="a.csv", sha256="")
    assert not Dataset.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"flag": "p"}, "kein Zeichen der amtlichen Statistik"),
        ({"measure": "M" * 41}, "länger als 40 Zeichen"),
        ({"sex": "x"}, "Das Geschlecht „x“ ist unbekannt."),
        ({"age_from": 10, "age_to": 5}, "Die Altersgruppe 10 bis 5 ist ungültig."),
        ({"value": float("nan")}, "keine gültige Zahl"),
    ],
)
def test_a_value_the_database_cannot_hold_is_refused(
    district: District, change: dict[str, object], message: str
) -> None:
    table = only(real(KREISE_2024), "16069")
    table.values[0] = dataclasses.replace(table.values[0], **change)  # type: ignore[arg-type]
    with pytest.raises(SourceError, match=message):
        preview(table)


@pytest.mark.parametrize("code", ["", "../etc", "<script>", "x" * 61])
def test_a_bad_table_code_is_refused(district: District, code: str) -> None:
    table = dataclasses.replace(only(real(KREISE_2024), "16069"), code=code)
    with pytest.raises(SourceError, match="kein gültiger Tabellencode"):
        import_table(table, user=None, file_name="a.csv", sha256="")


def test_too_many_values_are_refused(district: District, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_plan, "MAX_VALUES", 2)
    with pytest.raises(SourceError, match=re.escape("Die Tabelle hat 3 Werte; erlaubt sind höchstens 2.")):
        preview(only(real(KREISE_2024), "16069"))


def test_a_file_above_the_upload_limit_is_refused_before_reading(settings: Settings) -> None:
    settings.MAX_UPLOAD_BYTES = 1000
    with pytest.raises(SourceError, match="Die Datei ist zu groß"):
        read_table(KREISE_2024.name, KREISE_2024.read_bytes())


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "Die Datei ist leer."), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "nicht erkannt")],
)
def test_a_file_that_is_no_statistics_table_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        read_table("bild.png", data)


def test_an_estimate_is_never_overwritten_by_a_file(district: District) -> None:
    Dataset.objects.create(code="12411-01-01-4", title="Schätzung", kind=DatasetKind.ESTIMATE, format="computed")
    with pytest.raises(SourceError, match="gehört zu einem berechneten Datensatz"):
        import_table(real(KREISE_2024), user=None, file_name="a.csv", sha256="")
    assert not Observation.objects.exists()


def test_deleting_a_dataset_removes_its_values_and_is_audited(district: District, planner: User) -> None:
    dataset = import_table(real(KREISE_2024), user=planner, file_name="a.csv", sha256="").dataset
    result = delete_dataset(dataset, user=planner)
    assert (result.removed, result.kept, result.dataset_deleted) == (6, 0, True)
    assert not Dataset.objects.exists()
    assert not Observation.objects.exists()
    entry = AuditEntry.objects.filter(action="deleted").get()
    assert (entry.object_type, entry.district, entry.note) == ("dataset", None, "6 Werte gelöscht.")


def test_deleting_for_a_district_removes_only_its_values(
    district: District, other_district: District, planner: User
) -> None:
    dataset = import_table(real(KREISE_2024), user=planner, file_name="a.csv", sha256="").dataset
    result = delete_dataset(dataset, user=planner, district=other_district)
    assert (result.removed, result.kept, result.dataset_deleted) == (3, 3, False)
    dataset.refresh_from_db()
    assert dataset.observation_count == 3
    assert set(dataset.observations.values_list("region__key", flat=True)) == {"16069"}
    entry = AuditEntry.objects.filter(action="deleted").get()
    assert (entry.district, entry.note) == (other_district, "3 Werte gelöscht. 3 Werte anderer Gebiete bleiben.")
    assert delete_dataset(dataset, user=planner, district=district).dataset_deleted
    assert not Dataset.objects.exists()


def test_values_keep_their_real_numbers_through_the_english_file(district: District) -> None:
    english = real(KREISE_2024_EN)
    german = real(KREISE_2024)
    assert [(v.region_key, v.sex, v.value) for v in english.values] == [
        (v.region_key, v.sex, v.value) for v in german.values
    ]
    assert isinstance(english.values[0], StatValue)


# --- Fuzzing ----------------------------------------------------------------------------------

_REAL_VALUE = StatValue(
    region_key="16069",
    region_name="Hildburghausen, Landkreis",
    measure="BEVSTD",
    period=STAND_2024,
    value=59987.0,
    unit="Anzahl",
)
_keys = st.one_of(
    st.sampled_from(["16069", "16070", "16", "DG", "160690024024", "16069024", "01001"]), st.text(max_size=14)
)
_values = st.builds(
    dataclasses.replace,
    st.just(_REAL_VALUE),
    region_key=_keys,
    measure=st.one_of(st.just("BEVSTD"), st.text(max_size=45)),
    value=st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
    flag=st.one_of(st.sampled_from(["", "-", ".", "x", "...", "/", "()"]), st.text(max_size=4)),
    sex=st.sampled_from(["", "m", "w", "d"]),
    age_from=st.integers(min_value=-5, max_value=1200),
    age_to=st.integers(min_value=-5, max_value=1200),
    breakdown=st.text(max_size=210),
    unit=st.sampled_from(["Anzahl", "%", ""]),
)


@pytest.mark.slow  # a fuzz sweep: `make test-slow` (CI)
@hypothesis.settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture],
)
@hypothesis.given(values=st.lists(_values, max_size=6), code=st.one_of(st.just("12411-01-01-4"), st.text(max_size=65)))
def test_any_table_is_imported_or_refused_in_german_without_writing(
    district: District, values: list[StatValue], code: str
) -> None:
    table = StatTable(code=code, title="Fortschreibung des Bevölkerungsstandes", format="genesis-ffcsv", values=values)
    before = (Dataset.objects.count(), Observation.objects.count())
    # Kreis Flensburg (01001) lies outside the loaded regions; mapping it to Hildburghausen exercises the sums.
    mappings = {"01001": district.region.pk} if any(v.region_key == "01001" for v in values) else None
    try:
        import_table(table, user=None, file_name="fuzz.csv", sha256="", confirmed_mappings=mappings)
    except SourceError as exc:
        assert str(exc)
        assert (Dataset.objects.count(), Observation.objects.count()) == before
