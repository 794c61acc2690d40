from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from pytest_django.fixtures import Settings

from sozialplan.bench.regions import ALIAS, BenchResult, run_region_benchmark
from sozialplan.regions.models import Region

pytestmark = pytest.mark.django_db

GV100AD = Path(settings.DATA_DIR) / "regions" / "GV100AD_301123.txt"


@pytest.mark.slow
def test_it_times_bulk_and_naive_on_the_same_records(tmp_path: Path) -> None:
    regions_before = Region.objects.count()
    result = run_region_benchmark(GV100AD, database=tmp_path / "bench.sqlite3", max_records=20)
    assert result.records == 20
    assert result.naive_rows == 20
    assert not result.naive_extrapolated
    assert result.bulk_seconds > 0 and result.naive_seconds > 0
    assert "Faktor" in result.report()
    # The throwaway database is gone again and the real one untouched.
    assert ALIAS not in connections.settings
    assert ALIAS not in [c.alias for c in connections.all(initialized_only=True)]
    assert Region.objects.count() == regions_before


def test_it_extrapolates_a_naive_loop_cut_short(tmp_path: Path) -> None:
    result = run_region_benchmark(GV100AD, database=tmp_path / "bench.sqlite3", max_records=20, naive_budget=0.0)
    assert result.naive_rows == 1
    assert result.naive_extrapolated
    assert "hochgerechnet: 1 Sätze" in result.report()


def test_the_report_reads_in_german() -> None:
    result = BenchResult(
        file="GV100AD_301123.txt",
        records=15994,
        gemeinden=10981,
        bulk_seconds=2.0,
        naive_seconds=30.0,
        naive_rows=7997,
    )
    assert result.report() == (
        "Regionen-Import aus GV100AD_301123.txt: 15.994 Gebiete, davon 10.981 Gemeinden\n"
        "  Bulk (bulk_create in Stapeln, eine Transaktion): 2,00 s\n"
        "  Zeilenweise (Model.save() je Satz, Autocommit): 60,0 s (hochgerechnet: 7.997 Sätze in 30,0 s "
        "gemessen, linear auf alle Sätze)\n"
        "  Faktor: 30×"
    )


@pytest.mark.slow
def test_the_command_runs(tmp_path: Path, settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    settings.VAR_DIR = tmp_path
    small = tmp_path / "GV100AD_klein.txt"
    small.write_text("\n".join(GV100AD.read_text(encoding="utf-8").splitlines()[:20]) + "\n", encoding="utf-8")
    call_command("bench", "--file", str(small), "--naive-budget", "5", "--skip-statistics", "--skip-needs")
    assert "Regionen-Import aus GV100AD_klein.txt" in capsys.readouterr().out
