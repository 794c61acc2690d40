from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from pytest_django.fixtures import Settings

from sozialplan.bench.regions import ALIAS
from sozialplan.bench.statistics import StatisticsBenchResult, Timing, run_statistics_benchmark
from sozialplan.indicators.models import Dataset, Observation
from sozialplan.regions.models import Region

pytestmark = pytest.mark.django_db

REGIONS = Path(settings.DATA_DIR) / "regions"
GV100AD = REGIONS / "GV100AD_301123.txt"
ZENSUS = REGIONS / "1000A-0000_1773175153999_de_flat.csv"


@pytest.mark.slow
def test_it_imports_and_computes_one_kreis_fast_and_naive(tmp_path: Path) -> None:
    regions, observations = Region.objects.count(), Observation.objects.count()
    result = run_statistics_benchmark(ZENSUS, GV100AD, database=tmp_path / "bench.sqlite3", only="16069")
    # Landkreis Hildburghausen: 32 Gemeinden in the Zensus table and in the GV100AD.
    assert (result.values, result.imported, result.unmatched, result.gemeinden) == (32, 32, 0, 32)
    assert result.computed == 64  # population and density: the Zensus totals allow nothing else
    assert not result.import_timing.extrapolated and not result.compute_timing.extrapolated
    assert result.checked == 32 * result.indicators
    assert result.mismatches == 0
    assert "Faktor" in result.report()
    # The throwaway database is gone and the real one untouched.
    assert ALIAS not in [c.alias for c in connections.all(initialized_only=True)]
    assert connections["default"].alias == "default"
    assert (Region.objects.count(), Observation.objects.count()) == (regions, observations)
    assert not Dataset.objects.filter(code="1000A-0000").exists()


@pytest.mark.slow
def test_it_extrapolates_naive_loops_cut_short(tmp_path: Path) -> None:
    result = run_statistics_benchmark(
        ZENSUS, GV100AD, database=tmp_path / "bench.sqlite3", only="16069", naive_budget=0.0
    )
    assert result.import_timing.naive_rows == 1 and result.import_timing.extrapolated
    assert result.compute_timing.naive_rows == 1 and result.compute_timing.extrapolated
    assert "hochgerechnet: 1 Werte" in result.report()
    assert "hochgerechnet: 1 Gemeinden" in result.report()


def test_the_report_reads_in_german() -> None:
    result = StatisticsBenchResult(
        file="1000A-0000.csv",
        values=10787,
        imported=10774,
        unmatched=13,
        gemeinden=10981,
        indicators=18,
        computed=21548,
        import_timing=Timing(rows=10787, fast_seconds=2.0, naive_seconds=30.0, naive_rows=1000),
        compute_timing=Timing(rows=10981, fast_seconds=4.0, naive_seconds=30.0, naive_rows=300),
        checked=5400,
        mismatches=0,
    )
    assert result.report().splitlines() == [
        "Statistik-Import aus 1000A-0000.csv: 10.787 Werte, davon 10.774 Gemeinden zugeordnet, 13 nicht zugeordnet",
        "  Importer (import_table: Abgleich im Speicher, bulk_create, eine Transaktion): 2,00 s",
        "  Zeilenweise (Region.objects.get + Observation.save() je Wert, Autocommit): 323,6 s "
        "(hochgerechnet: 1.000 Werte in 30,0 s gemessen, linear auf alle Werte)",
        "  Faktor: 162×",
        "Kennzahlen für 10.981 Gemeinden × 18 Kennzahlen: 21.548 Werte berechenbar",
        "  compute (ObservationStore: wenige Abfragen, dann im Speicher): 4,00 s",
        "  Zeilenweise (je Gemeinde und Eingangsgröße eine Abfrage mit .preferred()): 1.098,1 s "
        "(hochgerechnet: 300 Gemeinden in 30,0 s gemessen, linear auf alle Gemeinden)",
        "  Faktor: 275×",
        "  Abgleich: 5.400 Werte der zeilenweisen Rechnung geprüft, 0 Abweichungen",
    ]


@pytest.mark.slow
def test_the_command_runs_the_statistics_bench(
    tmp_path: Path, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.VAR_DIR = tmp_path
    call_command("bench", "--skip-regions", "--skip-needs", "--only", "16069", "--naive-budget", "1")
    out = capsys.readouterr().out
    assert "Statistik-Import aus 1000A-0000_1773175153999_de_flat.csv: 32 Werte" in out
    assert "Regionen-Import" not in out
