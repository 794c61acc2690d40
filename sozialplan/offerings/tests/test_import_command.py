"""``sozialplan import-offers``: all or nothing, ``--skip-invalid``, progress bar and summary."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from sozialplan.offerings.models import Offering
from sozialplan.regions.models import District
from sozialplan.sources.offers_csv import COLUMNS

pytestmark = pytest.mark.django_db

OFFERS = settings.DATA_DIR / "offers" / "hildburghausen" / "offers.csv"


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """A CSV with two valid rows of offers.csv and a row with a bad postcode (line 4)."""
    lines = OFFERS.read_text(encoding="utf-8").splitlines()
    bad = ",".join("Tafel" if c == "name" else "123" if c == "postcode" else "" for c in COLUMNS)
    path = tmp_path / "angebote.csv"
    path.write_text("\n".join([*lines[:3], bad]) + "\n", encoding="utf-8")
    return path


def test_the_command_imports_nothing_from_a_file_with_a_bad_row(district: District, mixed: Path) -> None:
    with pytest.raises(CommandError) as info:
        call_command("import_offers", str(mixed), "--district", "hildburghausen", "--no-progress")
    message = str(info.value)
    assert message.startswith("Nichts importiert. 1 Zeile ist fehlerhaft:\n")
    assert "– angebote.csv, Zeile 4 („Tafel“): Die PLZ „123“ ist keine fünfstellige deutsche Postleitzahl." in message
    assert "--skip-invalid" in message
    assert not Offering.objects.exists()


def test_the_command_imports_the_valid_rows_with_skip_invalid(
    district: District, mixed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("import_offers", str(mixed), "--district", "hildburghausen", "--skip-invalid", "--no-progress")
    out = capsys.readouterr().out
    assert "angebote.csv → Landkreis Hildburghausen: neu: 2, geändert: 0, unverändert: 0, abgelehnt: 1" in out
    assert "– Zeile 4: Die PLZ „123“ ist keine fünfstellige deutsche Postleitzahl." in out
    assert Offering.objects.count() == 2


def test_the_command_shows_a_progress_bar_on_a_terminal(
    district: District, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    call_command("import_offers", str(OFFERS), "--district", "hildburghausen")
    captured = capsys.readouterr()
    assert "Angebote:" in captured.err
    assert "/72 [" in captured.err
    assert "neu: 72" in captured.out


@pytest.mark.parametrize("args", [["--no-progress"], []])
def test_the_command_shows_no_progress_bar_with_no_progress_or_without_terminal(
    district: District, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: bool(args))  # a terminal only when --no-progress is given
    call_command("import_offers", str(OFFERS), "--district", "hildburghausen", *args)
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "neu: 72" in captured.out


def test_the_command_summary_names_offers_without_place_and_local_changes(
    district: District, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("import_offers", str(OFFERS), "--district", "hildburghausen", "--no-progress")
    Offering.objects.filter(name="Hermann-Lietz-Schule Haubinda").update(description="Geändert.")
    capsys.readouterr()
    call_command("import_offers", str(OFFERS), "--district", "hildburghausen", "--no-progress")
    out = capsys.readouterr().out
    assert "neu: 0, geändert: 0, unverändert: 72, abgelehnt: 0" in out
    assert "3 Angebote ohne Ort (Adresse in der Quelle nicht genannt): " in out
    assert "„Hermann-Lietz-Schule Haubinda“: lokal geändert, nicht überschrieben (Beschreibung)." in out
