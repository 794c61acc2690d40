from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django.fixtures import Settings

from sozialplan.bench.needs import (
    FcaBenchResult,
    FcaCase,
    NearestBenchResult,
    NearestCase,
    NetworkInfo,
    run_fca_benchmark,
    run_nearest_benchmark,
)

pytestmark = pytest.mark.django_db

DATA = Path(settings.DATA_DIR)
OSM = DATA / "roads" / "north-bayreuth.osm.gz"


@pytest.mark.slow
def test_it_times_ours_against_networkx_on_the_real_network_and_finds_the_same_numbers() -> None:
    result = run_nearest_benchmark(OSM, repeat=1, weights=("time",), max_categories=8)
    assert result.equal
    assert (result.cells, result.categories) == (90, 8)
    assert result.data_date == "2014-11-05T10:47:02Z"
    assert [(c.mode, c.weight) for c in result.cases] == [("car", "time"), ("walk", "time")]
    for case in result.cases:
        assert case.mismatches == 0 and case.largest_difference < 1e-6
        assert case.compared == case.demand * case.categories
        assert case.contracted_nodes < case.nodes
        assert min(case.ours_seconds, case.networkx_seconds, case.scipy_seconds, case.contracted_seconds) > 0
    report = result.report()
    assert "Auto, Zeit:" in report and "zu Fuß, Zeit:" in report
    assert "0 Abweichungen über 1e-6 s" in report


@pytest.mark.slow
def test_it_checks_2sfca_against_access_for_every_decay() -> None:
    result = run_fca_benchmark(DATA, repeat=1)
    assert result.equal
    assert (result.cells, result.persons, result.offers, result.sites, result.left_out) == (363, 66304, 64, 11, 8)
    assert [c.kind for c in result.cases] == ["step", "linear", "gaussian"]
    assert all(c.beyond == 0 and c.largest_relative <= 1e-9 for c in result.cases)
    assert "2SFCA Landkreis Hildburghausen: 363 Gitterzellen" in result.report()


@pytest.mark.slow
def test_the_command_runs_the_needs_bench(
    tmp_path: Path, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.VAR_DIR = tmp_path
    call_command("bench", "--skip-regions", "--skip-statistics", "--repeat", "1")
    out = capsys.readouterr().out
    assert "Nächstes Angebot im Straßennetz aus north-bayreuth.osm.gz" in out
    assert out.count("Faktor:") == 4  # car and walk, time and length
    assert "2SFCA Landkreis Hildburghausen" in out
    assert "Regionen-Import" not in out and "Statistik-Import" not in out


def test_the_command_names_a_broken_road_file_in_german(tmp_path: Path) -> None:
    broken = tmp_path / "kaputt.osm"
    broken.write_bytes(b"<osm><node id='1'")
    with pytest.raises(CommandError, match=r"kaputt\.osm"):
        call_command("bench", "--skip-regions", "--skip-statistics", "--osm", str(broken))


def test_the_command_refuses_zero_repetitions() -> None:
    with pytest.raises(CommandError, match="mindestens 1"):
        call_command("bench", "--skip-regions", "--skip-statistics", "--repeat", "0")


def test_the_reports_read_in_german() -> None:
    nearest = NearestBenchResult(
        file="north-bayreuth.osm.gz",
        data_date="2014-11-05T10:47:02Z",
        repeat=3,
        read_seconds=1.2,
        cells=90,
        pois=250,
        categories=60,
        networks=[NetworkInfo("car", 6027, 11719, 0.15, 0.921, 77, 247, 60)],
        cases=[
            NearestCase(
                mode="car",
                weight="time",
                demand=77,
                categories=60,
                nodes=6027,
                contracted_nodes=1095,
                ours_seconds=0.025,
                warm_seconds=0.02,
                networkx_seconds=1.5,
                scipy_seconds=0.05,
                contracted_seconds=0.2,
                networkx_build_seconds=0.3,
                contracted_build_seconds=0.02,
                compared=4620,
                mismatches=0,
                largest_difference=1.3e-12,
                unreachable=0,
            )
        ],
    )
    assert nearest.target_met and nearest.equal
    assert nearest.report().splitlines()[4:] == [
        "Auto, Zeit: 77 Punkte × 60 Kategorien (6.027 Knoten, verkürzt 1.095)",
        "  unsere (nearest_by_category: Ketten verkürzt, scipy-Dijkstra je Kategorie): 25,0 ms mit Verkürzen, "
        "20,0 ms mit schon verkürztem Netz",
        "  networkx (multi_source_dijkstra_path_length je Kategorie, ganzes Netz): 1,50 s (Graph aufbauen 300,0 ms, "
        "nicht mitgezählt)",
        "  Faktor: 60× (Ziel ≥ 50×: erreicht)",
        "  Woher: scipy auf dem ganzen Netz 50,0 ms (30× gegen networkx, gleicher Graph); networkx auf dem verkürzten "
        "Netz 200,0 ms (7,5×, nur die Verkürzung; verkürzen und aufbauen 20,0 ms)",
        "  Abgleich: 4.620 Paare je Verfahren (unsere, scipy, networkx verkürzt) gegen networkx geprüft, "
        "0 Abweichungen über 1e-6 s (größte 1,3e-12 s), 0 Paare ohne Weg",
    ]
    fca = FcaBenchResult(
        cells=363,
        persons=66304,
        offers=64,
        sites=11,
        left_out=8,
        catchment=30,
        detour_factor=1.3,
        kmh=50,
        repeat=5,
        setup_seconds=0.01,
        cases=[FcaCase("gaussian", 0.0004, 0.028, 4.3e-19, 4e-16, 0, 0)],
    )
    assert fca.equal
    assert fca.report().splitlines()[-1] == (
        "  gaussian: unsere (two_step_fca) 0,40 ms, access (two_stage_fca) 28,0 ms, Faktor 70×; größte Abweichung "
        "4,3e-19 (relativ 4,0e-16), 0 Werte über 1e-9 relativ; 0 Zellen ohne Angebot im Einzugsbereich"
    )
