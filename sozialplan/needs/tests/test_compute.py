"""The pipeline on the real Landkreis Hildburghausen: 72 offers, Zensus grid, statistics, estimate, projection."""

from __future__ import annotations

import re
import time

import pytest

from sozialplan.needs.demo import compute_demo_analysis
from sozialplan.needs.models import AnalysisRun, AreaLevel, AreaResult, Gap, GapKind, Mode, RunStatus, TravelMethod
from sozialplan.needs.results import categories, category_result, offer_types
from sozialplan.needs.tests.needs_data import RealRun, real_run
from sozialplan.regions.models import Region

__all__ = ["real_run"]  # the module-scoped fixture, imported for this module

pytestmark = pytest.mark.django_db


def test_the_run_uses_all_363_grid_cells_of_all_32_gemeinden(real_run: RealRun) -> None:
    run = real_run.run
    assert run.status == RunStatus.DONE
    assert len(run.points) == 363
    assert {p["kind"] for p in run.points} == {"cell"}
    keys = set(real_run.district.gemeinden().values_list("key", flat=True))
    assert len(keys) == 32
    assert {p["gemeinde"] for p in run.points} == keys
    assert run.progress == 100


def test_the_method_note_says_straight_line_because_there_is_no_road_network(real_run: RealRun) -> None:
    run = real_run.run
    assert run.method == TravelMethod.STRAIGHT
    assert run.network is None
    assert run.method_note == "Luftlinie × 1,3 (kein Straßennetz geladen; zu Fuß 4,5 km/h, Auto 50 km/h)"
    assert set(Gap.objects.filter(run=run).values_list("method_note", flat=True)) == {run.method_note}


def test_the_demand_is_todays_population_of_every_gemeinde(real_run: RealRun) -> None:
    run = real_run.run
    everybody = sum(p["population"]["0-999"] for p in run.points)
    census = sum(g.census_population or 0 for g in real_run.district.gemeinden())
    # The age estimate on 15.05.2022 adds up to each Gemeinde's Zensus 2022 population.
    assert everybody == pytest.approx(census)
    assert "schaetzung-alter-16069" in run.demand_note and "15.05.2022" in run.demand_note
    assert "80 Jahre" in run.demand_note and "1000A-2022" in run.demand_note
    over_80 = sum(p["population"]["80-999"] for p in run.points)
    over_65 = sum(p["population"]["65-999"] for p in run.points)
    assert 0 < over_80 < over_65 < everybody


def test_kreis_totals_equal_the_sum_of_the_demand_of_each_category(real_run: RealRun) -> None:
    run = real_run.run
    kreis = AreaResult.objects.filter(run=run, level=AreaLevel.KREIS, mode=Mode.CAR).select_related("target_group")
    assert kreis.count() == len(run.parameters["categories"])
    for row in kreis:
        band = {"senioren": "65-999", "hochbetagte": "80-999", "kinder-unter-6": "0-5"}.get(row.target_group.code)
        if band:
            assert row.population == pytest.approx(sum(p["population"][band] for p in run.points))
        gemeinden = AreaResult.objects.filter(
            run=run,
            level=AreaLevel.GEMEINDE,
            mode=Mode.CAR,
            action_field=row.action_field,
            target_group=row.target_group,
        )
        assert gemeinden.count() == 32
        assert sum(g.population for g in gemeinden) == pytest.approx(row.population)


def test_there_are_rows_for_every_category_mode_and_level(real_run: RealRun) -> None:
    run = real_run.run
    n = len(run.parameters["categories"])
    rooms = real_run.district.planning_areas.count()
    assert rooms == 2
    assert AreaResult.objects.filter(run=run).count() == n * 2 * (32 + rooms + 1)
    room = AreaResult.objects.filter(run=run, level=AreaLevel.PLANNING_AREA).first()
    assert room is not None and room.planning_area is not None and room.area_key == f"pr{room.planning_area.pk}"


def test_categories_are_the_handlungsfelder_with_analysable_zielgruppen_of_published_offers(real_run: RealRun) -> None:
    found = {(hf.code, tg.code) for hf, tg in categories(real_run.run)}
    assert {(2, "kinder-unter-6"), (2, "familien"), (3, "jugendliche"), (6, "senioren")} <= found
    # Offers for Senior:innen also serve the over-80s.
    assert (6, "hochbetagte") in found
    assert not any(tg in {"alleinerziehende", "eltern", "menschen-mit-behinderung"} for _hf, tg in found)


def test_offers_without_a_positioned_site_are_reported(real_run: RealRun) -> None:
    notes = " ".join(real_run.run.notes)
    assert "8 von 72 veröffentlichten Angeboten haben keinen Standort mit Lage" in notes
    assert "Kreisseniorenbüro" in notes
    assert "liegen nur ungefähr (Mitte der Gemeinde)" in notes


def test_gap_sentences_name_real_gemeinden_in_german(real_run: RealRun) -> None:
    gaps = Gap.objects.filter(run=real_run.run, is_current=True)
    assert gaps.filter(kind=GapKind.REACH).exists() and gaps.filter(kind=GapKind.COVERAGE).exists()
    gap = gaps.filter(kind=GapKind.REACH, action_field__code=6, target_group__code="hochbetagte").order_by("-severity")[
        0
    ]
    name = gap.area_name.split(",")[0]
    assert Region.objects.filter(key=gap.area_key, name=gap.area_name).exists()
    assert gap.sentence.startswith(f"In {name} leben ")
    assert "Menschen ab 80; das nächste Angebot für Hochbetagte im Handlungsfeld 6 ist im Mittel " in gap.sentence
    assert "(Luftlinie × 1,3)" in gap.sentence and gap.sentence.endswith("in 15 Minuten keines.")
    evidence = gap.evidence
    assert evidence["run"] == real_run.run_pk
    assert gap.severity == pytest.approx(gap.people_affected * gap.shortfall * gap.pressure)
    assert evidence["pressure"]["variant"] == "G2L2W1"
    # 12421-0003 has no age groups: the pressure uses the Gemeinde's projected total only.
    assert evidence["pressure"]["age_ratio"] is None
    assert evidence["share_within_threshold"] < 0.8


def test_a_coverage_sentence_compares_with_the_kreis(real_run: RealRun) -> None:
    gap = Gap.objects.filter(run=real_run.run, kind=GapKind.COVERAGE).order_by("-severity")[0]
    name = gap.area_name.split(",")[0]
    assert re.match(rf"In {re.escape(name)} kommen \d+,\d+ erreichbare (Angebote|Plätze) für ", gap.sentence)
    assert " auf 1.000 " in gap.sentence and "(Luftlinie × 1,3), im Landkreis " in gap.sentence
    assert gap.evidence["coverage"] < 0.5 * gap.evidence["kreis_coverage"]


def test_category_results_are_the_stored_area_results_computed_again_from_the_matrix(real_run: RealRun) -> None:
    run = real_run.run
    started = time.perf_counter()
    result = category_result(run, 6, "senioren", "car")
    assert time.perf_counter() - started < 1.0  # milliseconds in practice; generous for loaded test machines
    stored = {
        (r.level, r.area_key): r
        for r in AreaResult.objects.filter(run=run, action_field__code=6, target_group__code="senioren", mode="car")
    }
    assert [a.level for a in result.areas] == ["gemeinde"] * 32 + ["planungsraum"] * 2 + ["kreis"]
    assert [a.name for a in result.areas[:32]] == sorted(a.name for a in result.areas[:32])
    for area in result.areas:
        row = stored[(area.level, area.key)]
        assert area.population == pytest.approx(row.population)
        assert area.nearest_m == pytest.approx(row.nearest_m)
        assert {str(t): v for t, v in area.shares.items()} == pytest.approx(row.shares)
        assert area.fca_ratio == pytest.approx(row.fca_ratio)
        assert area.offers_in_area == row.offers_in_area
    assert len(result.points) == 363 and result.thresholds == (15, 30)
    assert result.supply_unit == "Angebote" and result.method_note == run.method_note


def test_results_can_be_narrowed_to_an_offer_type_without_a_new_run(real_run: RealRun) -> None:
    run = real_run.run
    assert dict(offer_types(run, 2))["kindertagesstaette"] == "Kindertagesstätte / Krippe"
    everything = category_result(run, 3, "kinder", "car")
    assert len({s.offer_type for s in everything.supply}) > 1
    assert ("schule", "Schule") in offer_types(run, 3)
    schools = category_result(run, 3, "kinder", "car", "schule")
    assert schools.supply and {s.offer_type for s in schools.supply} == {"schule"}
    assert len(schools.supply) < len(everything.supply)
    assert schools.areas[-1].population == pytest.approx(everything.areas[-1].population)
    assert schools.areas[-1].nearest_m is not None and everything.areas[-1].nearest_m is not None
    assert schools.areas[-1].nearest_m >= everything.areas[-1].nearest_m


@pytest.mark.slow
def test_computing_the_demo_analysis_again_does_not_duplicate_gaps(real_run: RealRun) -> None:
    district = real_run.district
    before = Gap.objects.filter(district=district).count()
    assert compute_demo_analysis(district, data_changed=False).computed is False
    result = compute_demo_analysis(district, data_changed=True)
    assert result.computed and "Luftlinie × 1,3" in str(result)
    assert Gap.objects.filter(district=district).count() == before
    assert Gap.objects.filter(district=district, is_current=True).count() == before
    latest = AnalysisRun.objects.current(district)
    assert latest is not None and latest.parameters["gap_counts"] == {"new": 0, "current": before, "no_longer": 0}
