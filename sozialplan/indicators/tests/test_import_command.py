"""``sozialplan import-statistics``: preview, --dry-run, --map, idempotence and German errors (real files)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django.fixtures import Settings

from sozialplan.indicators.models import Dataset, Observation, RegionKeyMapping
from sozialplan.regions.models import District, Region, RegionKind
from tests.statistics import load_kreis_regions

pytestmark = pytest.mark.django_db

STATISTICS = Path(settings.DATA_DIR) / "statistics"
KREISE_2024 = STATISTICS / "12411-01-01-4_1773175772751_de_flat.csv"
CLASSIC_2018 = STATISTICS / "12411-02-03-5-B_kreise_2018.csv"
ZENSUS_GEMEINDEN = Path(settings.DATA_DIR) / "regions" / "1000A-0000_1773175153999_de_flat.csv"
GRID = STATISTICS / "zensus2011_grid" / "ALTER_KURZcsv_1000m_3_3.csv"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_statistics", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_dry_run_prints_the_preview_in_german_and_writes_nothing(district: District) -> None:
    text = run(str(CLASSIC_2018), "--dry-run")
    assert "Tabelle: 12411-02-03-5-B – Bevölkerung nach Geschlecht und Altersgruppen (17)" in text
    assert "Stichtage: 31.12.2018" in text
    assert "Merkmal: BEVSTD Bevölkerungsstand (Anzahl): 26.406 Werte" in text
    assert "Gliederung: Altersgruppen: 17 (von „unter 3 Jahre“ bis „75 Jahre und mehr“)" in text
    assert "Zugeordnet: Kreis: 2 Gebiete (108 Werte)" in text
    assert "  16069 Hildburghausen, Kreis → Hildburghausen (Kreis)" in text
    assert "16051 Erfurt, krsfr. Stadt: Kreis nicht im geladenen Gebietsverzeichnis" in text
    assert "Gebiete außerhalb der geladenen Gebiete (nicht gespeichert)" in text
    assert "Zeichen „.“ (Zahlenwert unbekannt oder geheim zu halten): 648 Werte" in text
    assert "Probelauf (--dry-run): nichts gespeichert." in text
    assert not Dataset.objects.exists()
    assert not Observation.objects.exists()


def test_it_imports_and_a_second_run_changes_nothing(district: District) -> None:
    first = run(str(KREISE_2024), "--yes")
    assert f"{KREISE_2024.name}: 12411-01-01-4: 6 Werte neu, 0 geändert, 0 unverändert, 0 entfernt." in first
    dataset = Dataset.objects.get(code="12411-01-01-4")
    assert dataset.observation_count == 6
    assert len(dataset.sha256) == 64
    second = run(str(KREISE_2024))
    assert "Gegenüber dem gespeicherten Datensatz: neu 0, geändert 0, unverändert 6, entfernt 0" in second
    assert "12411-01-01-4: nichts geändert (6 Werte unverändert)." in second


def test_several_files_are_imported_one_by_one(district: District) -> None:
    User.objects.create_user("planer")
    text = run(str(KREISE_2024), str(ZENSUS_GEMEINDEN), "--user", "planer")
    assert "Werte für Deutschland: 1 (Deutschland wird nicht gespeichert)" in text
    assert {d.code: d.observation_count for d in Dataset.objects.all()} == {"12411-01-01-4": 6, "1000A-0000": 48}
    assert {d.imported_by.username for d in Dataset.objects.all() if d.imported_by} == {"planer"}


def test_map_adds_a_merged_gemeinde_to_its_successor(district: District, tmp_path: Path) -> None:
    load_kreis_regions("16068")
    without = run(str(ZENSUS_GEMEINDEN), "--dry-run")
    assert "160685005043 Riethgen: Gemeinde nicht im Gebietsverzeichnis" in without
    assert "mögliche Nachfolger (mit --map 160685005043=SCHLÜSSEL bestätigen)" in without
    assert "16068064 Kindelbrück (gleicher Gemeindeverband „Kindelbrück“)" in without
    text = run(str(ZENSUS_GEMEINDEN), "--map", "160685005043=16068064")
    assert "→ zugerechnet zu Kindelbrück" in text
    assert "Die Werte von 1 alten Schlüssel wurden dem Nachfolger zugerechnet." in text
    kindelbrueck = Region.objects.get(kind=RegionKind.GEMEINDE, key="16068064")
    assert Observation.objects.get(region=kindelbrueck).value == pytest.approx(3673 + 239)
    assert RegionKeyMapping.objects.get().new_region == kindelbrueck
    assert "nichts geändert" in run(str(ZENSUS_GEMEINDEN))  # the stored mapping applies again


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--map", "160685005043"], "--map „160685005043“: erwartet ALT=NEU"),
        (["--map", "160685005043=99999999"], "Das Gebiet 99999999 gibt es nicht (oder nicht mehr)."),
        (["--user", "niemand"], "Benutzer „niemand“ gibt es nicht."),
    ],
)
def test_bad_options_are_refused_in_german(district: District, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=re.escape(message)):
        run(str(KREISE_2024), *args)
    assert not Dataset.objects.exists()


def test_a_refused_mapping_imports_nothing(district: District) -> None:
    with pytest.raises(CommandError, match="ist bereits dem Gebiet „Hildburghausen“ zugeordnet"):
        run(str(KREISE_2024), "--map", "16069=16070")
    assert not Dataset.objects.exists()


def test_bad_files_are_reported_and_the_good_ones_imported(district: District, tmp_path: Path) -> None:
    png = tmp_path / "karte.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    empty = tmp_path / "leer.csv"
    empty.write_bytes(b"")
    broken = tmp_path / "kaputt.csv"
    broken.write_bytes(KREISE_2024.read_bytes()[:400])
    with pytest.raises(CommandError) as raised:
        run(str(png), str(empty), str(tmp_path / "fehlt.csv"), str(broken), str(KREISE_2024))
    message = str(raised.value)
    assert "karte.png: Die Datei ist keine Textdatei und keine XLSX-Arbeitsmappe." in message
    assert "leer.csv: Die Datei ist leer." in message
    assert "fehlt.csv: Die Datei gibt es nicht." in message
    assert "kaputt.csv, Zeile 2: Die Zeile hat 8 statt 17 Felder." in message
    assert list(Dataset.objects.values_list("code", flat=True)) == ["12411-01-01-4"]


def test_a_file_above_the_upload_limit_is_refused(district: District, settings: Settings) -> None:
    settings.MAX_UPLOAD_BYTES = 1000
    with pytest.raises(CommandError, match="Die Datei ist zu groß"):
        run(str(KREISE_2024))


def test_a_grid_tile_is_previewed_and_stored_by_the_estimation(district: District) -> None:
    text = run(str(GRID), "--dry-run")
    assert "Gitter: zensus2011-grid-ALTER_KURZ-1km" in text
    assert "Zellen: 7.334" in text
    assert not Dataset.objects.exists()
    stored = run(str(GRID))
    dataset = Dataset.objects.get()
    # Only the cells of stored Gemeinden are kept (the tile reaches beyond Thüringen's loaded Kreise).
    assert f"{dataset.code}: " in stored and "Gitterzellen dieser Datei liegen in gespeicherten Gemeinden" in stored
    assert dataset.file_name == GRID.name
    assert dataset.observation_count > 0
