from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sozialplan.regions.formats import RegionFormat, detect_format
from sozialplan.regions.models import Region, RegionKind
from sozialplan.regions.services import import_region_files
from sozialplan.regions.tests.conftest import write_gv100ad
from sozialplan.sources.errors import SourceError
from sozialplan.sources.tests.conftest import GV100AD, GV_ISYS, VG5000_GEM, ZENSUS, gv100ad_lines

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_regions")]


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        (GV100AD, RegionFormat.GV100AD),
        (GV_ISYS, RegionFormat.GV_ISYS),
        (VG5000_GEM, RegionFormat.VG5000),
        (ZENSUS, RegionFormat.ZENSUS),
    ],
)
def test_it_detects_each_format_by_content(path: Path, fmt: RegionFormat) -> None:
    assert detect_format(path.read_bytes()[:8192], file=path.name) is fmt


def test_it_refuses_an_unknown_format_in_german() -> None:
    with pytest.raises(SourceError, match="Unbekanntes Dateiformat"):
        detect_format(b"name;wert\nx;1\n", file="irgendwas.csv")


def test_it_imports_hildburghausen_with_the_parent_chain(hbn_files: list[Path]) -> None:
    result = import_region_files(hbn_files)
    assert result.summary("Gebiete (GV100AD)").created == 1 + 1 + 10 + 32
    gemeinden = Region.objects.gemeinden().in_kreis("16069")
    assert gemeinden.count() == 32
    stadt = gemeinden.get(key="16069024")
    assert stadt.ars == "160690024024"
    assert stadt.area_km2 == pytest.approx(72.89)
    assert stadt.population == 11689
    assert stadt.population_male == 5802
    assert stadt.population_date == dt.date(2022, 12, 31)
    assert stadt.census_population == 11684
    assert stadt.postcode == "98646"
    assert stadt.latitude == pytest.approx(50.425612)
    assert stadt.longitude == pytest.approx(10.729007)
    assert stadt.boundary is not None and stadt.boundary["type"] in ("Polygon", "MultiPolygon")
    assert "GeoBasis-DE / BKG" in stadt.boundary_source
    assert stadt.valid_from == dt.date(2023, 11, 30)
    assert stadt.valid_to is None
    # Einheitsgemeinde: its Verband (0024) exists as GV100AD lists it.
    verband = stadt.parent
    assert verband is not None and (verband.kind, verband.key) == (RegionKind.VERBAND, "160690024")
    kreis = verband.parent
    assert kreis is not None and (kreis.kind, kreis.key, kreis.designation) == (RegionKind.KREIS, "16069", "Landkreis")
    assert kreis.parent is not None and kreis.parent.name == "Thüringen"
    # Figures of the Kreis are the sums of its Gemeinden.
    assert kreis.population == 61926
    assert kreis.area_km2 == pytest.approx(938.41)
    assert kreis.boundary is not None


def test_it_puts_the_gemeinden_of_a_verwaltungsgemeinschaft_under_it(hbn_files: list[Path]) -> None:
    import_region_files(hbn_files)
    feldstein = Region.objects.get(kind=RegionKind.VERBAND, key="160695002")
    assert feldstein.designation == "Verwaltungsgemeinschaft"
    assert feldstein.children.count() == 17
    assert "Themar, Stadt" in {g.name for g in feldstein.children.all()}


def test_it_changes_nothing_on_the_second_run(hbn_files: list[Path]) -> None:
    import_region_files(hbn_files)
    again = import_region_files(hbn_files)
    assert (again.created, again.updated) == (0, 0)
    assert again.summary("Gebiete (GV100AD)").unchanged == 44


def test_it_limits_the_import_to_a_kreis(tmp_path: Path) -> None:
    gv = write_gv100ad(tmp_path / "gv.txt", gv100ad_lines("1606"))  # Kreise 16061 … 16069
    import_region_files([gv], only="16069")
    assert set(Region.objects.filter(kind=RegionKind.KREIS).values_list("key", flat=True)) == {"16069"}
    assert Region.objects.filter(kind=RegionKind.LAND).count() == 1


def test_it_refuses_a_limit_that_is_not_a_key(hbn_files: list[Path]) -> None:
    with pytest.raises(SourceError, match="kein Gebietsschlüssel"):
        import_region_files(hbn_files, only="Thüringen")


def test_it_writes_nothing_when_a_line_in_the_middle_is_broken(tmp_path: Path) -> None:
    lines = gv100ad_lines("16069")
    lines[20] = lines[20][:140] + "elf" + lines[20][143:]
    path = write_gv100ad(tmp_path / "GV100AD_kaputt.txt", lines)
    with pytest.raises(SourceError) as info:
        import_region_files([path])
    assert str(info.value).startswith("GV100AD_kaputt.txt, Zeile 21: Die Bevölkerung „")
    assert Region.objects.count() == 0


def test_it_writes_nothing_when_a_later_file_is_broken(hbn_files: list[Path], tmp_path: Path) -> None:
    broken = tmp_path / "grenzen.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature"}]}', encoding="utf-8")
    with pytest.raises(SourceError, match=r"grenzen\.geojson"):
        import_region_files([*hbn_files, broken])
    assert Region.objects.count() == 0


def test_it_writes_nothing_when_the_census_date_is_not_the_zensus_day(hbn_files: list[Path]) -> None:
    zensus = hbn_files[-1]
    zensus.write_text(zensus.read_text(encoding="utf-8").replace("2022-05-15", "2023-05-15"), encoding="utf-8")
    with pytest.raises(SourceError, match="Zensusstichtag"):
        import_region_files(hbn_files)
    assert Region.objects.count() == 0


def test_it_gives_valid_to_to_a_gemeinde_missing_from_a_newer_file(hbn_files: list[Path], tmp_path: Path) -> None:
    import_region_files(hbn_files)
    newer = [line[:2] + "20240101" + line[10:] for line in gv100ad_lines("16069") if line[10:18] != "16069001"]
    path = write_gv100ad(tmp_path / "GV100AD_010124.txt", newer)
    result = import_region_files([path])
    summary = result.summary("Gebiete (GV100AD)")
    ahlstaedt = Region.objects.get(kind=RegionKind.GEMEINDE, key="16069001")
    assert ahlstaedt.valid_to == dt.date(2024, 1, 1)
    assert summary.updated >= 1
    assert any("Ahlstädt (16069001)" in note and "nicht gelöscht" in note for note in summary.notes)
    # The others stay valid since the older Gebietsstand.
    assert Region.objects.get(kind=RegionKind.GEMEINDE, key="16069024").valid_from == dt.date(2023, 11, 30)
    assert Region.objects.gemeinden().in_kreis("16069").valid_on(dt.date(2024, 6, 1)).count() == 31
    # Importing the older file again does not revive it.
    import_region_files([hbn_files[0]])
    assert Region.objects.get(kind=RegionKind.GEMEINDE, key="16069001").valid_to == dt.date(2024, 1, 1)


def test_it_rejects_a_boundary_from_another_territorial_state(hbn_files: list[Path]) -> None:
    gem = hbn_files[2]
    text = gem.read_text(encoding="utf-8")
    # Give Hildburghausen, Stadt the outline of a tiny triangle: far less than its 72.89 km².
    import json

    data = json.loads(text)
    for feature in data["features"]:
        if feature["properties"]["AGS"] == "16069024":
            feature["geometry"] = {
                "type": "Polygon",
                "coordinates": [[[10.72, 50.42], [10.73, 50.42], [10.72, 50.43], [10.72, 50.42]]],
            }
    gem.write_text(json.dumps(data), encoding="utf-8")
    result = import_region_files(hbn_files)
    (rejected,) = result.summary("Grenzen (VG5000)").rejected
    assert rejected.key == "Hildburghausen, Stadt (16069024)"
    assert "Grenze nicht übernommen" in rejected.reason
    assert Region.objects.get(kind=RegionKind.GEMEINDE, key="16069024").boundary is None


def test_it_skips_census_rows_of_gemeinden_not_loaded(hbn_files: list[Path]) -> None:
    result = import_region_files([hbn_files[0], ZENSUS], only="16")
    census = result.summary("Einwohner Zensus 2022")
    # Only Kreis 16069 is in the GV100AD cut; the other 599 Thüringen Gemeinden are skipped.
    assert census.updated == 32
    assert sum(census.skipped.values()) == 631 - 32
    assert "übersprungen: 599" in str(census)


def test_the_command_prints_a_german_summary(hbn_files: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    call_command("import_regions", *map(str, hbn_files), "--no-progress")
    out = capsys.readouterr().out
    assert "Gebiete (GV100AD): neu: 44, geändert: 0, unverändert: 0, abgelehnt: 0" in out
    assert "Einwohner Zensus 2022: neu: 0, geändert: 32" in out


def test_the_command_names_file_line_and_reason_of_a_broken_file(tmp_path: Path) -> None:
    lines = gv100ad_lines("16069")
    lines[3] = "77" + lines[3][2:]
    path = write_gv100ad(tmp_path / "GV100AD_kaputt.txt", lines)
    with pytest.raises(CommandError, match=r"Nichts importiert\. GV100AD_kaputt\.txt, Zeile 4: Unbekannte Satzart"):
        call_command("import_regions", str(path), "--no-progress")
    assert Region.objects.count() == 0


def test_it_names_a_missing_file_in_german(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"^fehlt\.txt: Die Datei gibt es nicht\.$"):
        import_region_files([tmp_path / "fehlt.txt"])
