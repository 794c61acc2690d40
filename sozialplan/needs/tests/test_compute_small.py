"""Hand-checkable runs: real Gemeinde centres of Landkreis Hildburghausen, two test offers, a hand-made network.

Without grid and statistics, every Gemeinde is one demand point at its
centre with its Zensus 2022 population; offers sit at Gemeinde centres, so
every distance is a great circle between two official centres.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import cast

import numpy as np
import pytest
from pyproj import Geod
from pytest_django.fixtures import Settings

from sozialplan.analysis.geo import haversine_km
from sozialplan.analysis.roads import RoadData, RoadWay
from sozialplan.needs import compute as pipeline
from sozialplan.needs import gap_register
from sozialplan.needs.compute import compute_run
from sozialplan.needs.models import AnalysisRun, AreaResult, Gap, GapKind, GapStatus, RunStatus, TravelMethod
from sozialplan.needs.results import AreaRow, category_result
from sozialplan.needs.services import comment_gap, decide_gap, import_road_network
from sozialplan.needs.tests.needs_data import gemeinde, offer_at
from sozialplan.regions.models import District, Region

pytestmark = pytest.mark.django_db

WALK_M_PER_MIN = 4500 / 60
CAR_M_PER_MIN = 50_000 / 60


def two_offers(district: District, **kwargs: object) -> tuple[Region, Region]:
    """Test offers for Senior:innen (HF 6) in Hildburghausen and Eisfeld."""
    hbn, eisfeld = gemeinde("Hildburghausen"), gemeinde("Eisfeld")
    offer_at(district, hbn, action_fields=[6], target_groups=["senioren"], **kwargs)  # type: ignore[arg-type]
    offer_at(district, eisfeld, action_fields=[6], target_groups=["senioren"], **kwargs)  # type: ignore[arg-type]
    return hbn, eisfeld


def compute(district: District) -> AnalysisRun:
    run = compute_run(AnalysisRun.objects.create(district=district, reason="Test"))
    assert run.status == RunStatus.DONE, run.error
    return run


def km(a: Region, b: Region) -> float:
    assert a.latitude is not None and a.longitude is not None and b.latitude is not None and b.longitude is not None
    return haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)


def test_distances_are_great_circles_between_the_centres_times_the_detour_factor(district: District) -> None:
    hbn, eisfeld = two_offers(district)
    run = compute(district)
    assert len(run.points) == 32 and {p["kind"] for p in run.points} == {"centre"}
    assert len(run.supply) == 2
    result = category_result(run, 6, "senioren", "car")
    points = {p.gemeinde_key: p for p in result.points}
    themar = gemeinde("Themar")
    expected_m = min(km(themar, hbn), km(themar, eisfeld)) * 1000 * 1.3
    assert points[themar.key].nearest_m == pytest.approx(expected_m, rel=1e-9)
    assert points[themar.key].nearest_min == pytest.approx(expected_m / CAR_M_PER_MIN, rel=1e-9)
    assert points[hbn.key].nearest_m == 0.0
    walk = {p.gemeinde_key: p for p in category_result(run, 6, "senioren", "walk").points}
    assert walk[themar.key].nearest_min == pytest.approx(expected_m / WALK_M_PER_MIN, rel=1e-9)
    # Offers within 30 minutes by car: those at most 25 km (road) = 19.2 km (straight) away.
    within = sum(km(themar, o) * 1.3 * 1000 / CAR_M_PER_MIN <= 30 for o in (hbn, eisfeld))
    assert points[themar.key].counts[30] == within


def test_without_age_groups_the_census_total_is_split_and_the_note_says_so(district: District) -> None:
    two_offers(district)
    run = compute(district)
    census = sum(g.census_population or 0 for g in district.gemeinden())
    kreis = category_result(run, 6, "senioren", "car").areas[-1]
    assert kreis.level == "kreis" and kreis.key == "16069"
    # No table with age groups at all: 65 and older counted as 35 of 100 years of the total.
    assert kreis.population == pytest.approx(census * 0.35)
    assert "Zensus 2022" in run.demand_note and "kein Zensus-Gitter importiert" in run.demand_note
    assert "65 Jahre: Gruppe 0 und älter gleichmäßig bis 100 Jahre geteilt" in run.demand_note


def test_two_step_floating_catchment_with_a_step_matches_the_hand_computation(
    district: District, settings: Settings
) -> None:
    settings.NEEDS_DECAY = "step"
    hbn, eisfeld = two_offers(district, capacity=20)
    run = compute(district)
    result = category_result(run, 6, "senioren", "car")
    assert result.supply_unit == "Plätze"
    gemeinden = list(district.gemeinden())
    people = {g.key: (g.census_population or 0) * 0.35 for g in gemeinden}

    def minutes(a: Region, b: Region) -> float:
        return km(a, b) * 1.3 * 1000 / CAR_M_PER_MIN

    ratio = {o.key: 20 / sum(people[g.key] for g in gemeinden if minutes(g, o) <= 30) for o in (hbn, eisfeld)}
    themar = gemeinde("Themar")
    expected = sum(ratio[o.key] for o in (hbn, eisfeld) if minutes(themar, o) <= 30) * 1000
    point = next(p for p in result.points if p.gemeinde_key == themar.key)
    assert point.fca == pytest.approx(expected, rel=1e-9)
    row = next(a for a in result.areas if a.key == themar.key)
    assert row.fca_ratio == pytest.approx(expected, rel=1e-9)
    assert row.offers_in_area == 0
    assert next(a for a in result.areas if a.key == hbn.key).offers_in_area == 1


def test_decisions_and_comments_survive_a_recompute_and_gaps_no_longer_found_are_flagged(
    district: District, personas: object
) -> None:
    planner = personas.planner  # type: ignore[attr-defined]
    two_offers(district)
    first = compute(district)
    heldburg = gemeinde("Heldburg")
    gap = Gap.objects.get(district=district, kind=GapKind.REACH, area_key=heldburg.key, target_group__code="senioren")
    assert gap.run == first and gap.is_current
    decide_gap(planner, gap, GapStatus.CONFIRMED, "Fahrdienst fehlt")
    comment_gap(planner, gap, "Mit dem Seniorenbeirat besprechen.")
    count = Gap.objects.filter(district=district).count()

    second = compute(district)
    gap.refresh_from_db()
    assert Gap.objects.filter(district=district).count() == count  # upserted, not duplicated
    assert (gap.run, gap.is_current, gap.status, gap.reason) == (second, True, GapStatus.CONFIRMED, "Fahrdienst fehlt")
    assert second.parameters["gap_counts"] == {"new": 0, "current": count, "no_longer": 0}

    offer_at(district, heldburg, action_fields=[6], target_groups=["senioren"])
    third = compute(district)
    gap.refresh_from_db()
    assert not gap.is_current and gap.run == second
    assert gap.status == GapStatus.CONFIRMED and gap.comments.count() == 1
    assert third.parameters["gap_counts"]["no_longer"] >= 1


def test_old_runs_are_pruned_but_gaps_keep_their_decisions(
    district: District, personas: object, settings: Settings
) -> None:
    settings.NEEDS_KEEP_RUNS = 2
    two_offers(district)
    first = compute(district)
    failed = AnalysisRun.objects.create(district=district, status=RunStatus.FAILED, reason="Test")
    gap = Gap.objects.filter(district=district).first()
    assert gap is not None
    decide_gap(personas.planner, gap, GapStatus.DISMISSED, "Angebot im Nachbarort")  # type: ignore[attr-defined]
    second = compute(district)
    assert AnalysisRun.objects.filter(pk=first.pk).exists()  # two finished runs are kept
    third = compute(district)
    remaining = set(AnalysisRun.objects.filter(district=district).values_list("pk", flat=True))
    assert remaining == {second.pk, third.pk}
    assert not AreaResult.objects.filter(run_id__in=[first.pk, failed.pk]).exists()
    gap.refresh_from_db()
    assert (gap.status, gap.reason, gap.run) == (GapStatus.DISMISSED, "Angebot im Nachbarort", third)


def test_a_failing_run_is_marked_failed_and_writes_nothing(district: District, monkeypatch: pytest.MonkeyPatch) -> None:
    two_offers(district)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("Platte voll")

    monkeypatch.setattr(gap_register, "store_gaps", broken)
    run = compute_run(AnalysisRun.objects.create(district=district, reason="Test"))
    assert run.status == RunStatus.FAILED
    assert run.error == "Die Berechnung ist fehlgeschlagen (RuntimeError: Platte voll)."
    assert not AreaResult.objects.filter(run=run).exists()
    assert not Gap.objects.exists()
    assert run.points == [] and run.matrix is None and run.method_note == ""
    assert AnalysisRun.objects.current(district) is None


def test_a_missing_input_fails_with_its_german_message(district: District, monkeypatch: pytest.MonkeyPatch) -> None:
    from sozialplan.indicators.population_inputs import MissingDataError
    from sozialplan.needs import compute as pipeline

    def missing(_district: District) -> None:
        raise MissingDataError("Es fehlen Einwohnerzahlen der Gemeinden.")

    monkeypatch.setattr(pipeline, "demand_points", missing)
    run = compute_run(AnalysisRun.objects.create(district=district, reason="Test"))
    assert (run.status, run.error) == (RunStatus.FAILED, "Es fehlen Einwohnerzahlen der Gemeinden.")


def hand_made_network(hbn: Region, themar: Region) -> RoadData:
    """One road (maxspeed 50) from the centre of Hildburghausen to the centre of Themar."""
    assert hbn.longitude is not None and hbn.latitude is not None
    assert themar.longitude is not None and themar.latitude is not None
    return RoadData(
        nodes={1: (hbn.longitude, hbn.latitude), 2: (themar.longitude, themar.latitude)},
        ways=(RoadWay(way_id=10, node_ids=(1, 2), tags={"highway": "secondary", "maxspeed": "50"}),),
        source_format="osm-xml",
        data_date="2024-01-01",
    )


def test_on_a_road_network_times_follow_the_roads_and_points_off_the_network_have_no_route(
    district: District,
) -> None:
    hbn, themar = gemeinde("Hildburghausen"), gemeinde("Themar")
    offer_at(district, hbn, action_fields=[6], target_groups=["senioren"])
    import_road_network(
        district, Path("handgemacht.osm"), user=None, name="Testnetz", data=hand_made_network(hbn, themar)
    )
    run = compute(district)
    assert run.method == TravelMethod.NETWORK and run.network is not None
    assert run.method_note.startswith("Straßennetz „Testnetz“ (OpenStreetMap, Stand 2024-01-01)")
    road_m = Geod(ellps="WGS84").inv(hbn.longitude, hbn.latitude, themar.longitude, themar.latitude)[2]
    car = {p.gemeinde_key: p for p in category_result(run, 6, "senioren", "car").points}
    walk = {p.gemeinde_key: p for p in category_result(run, 6, "senioren", "walk").points}
    assert car[themar.key].nearest_m == pytest.approx(road_m, abs=0.01)
    assert car[themar.key].nearest_min == pytest.approx(road_m / CAR_M_PER_MIN, abs=1e-4)
    assert walk[themar.key].nearest_min == pytest.approx(road_m / WALK_M_PER_MIN, abs=1e-3)
    eisfeld = gemeinde("Eisfeld")
    assert car[eisfeld.key].nearest_m is None and car[eisfeld.key].nearest_min is None
    notes = " ".join(run.notes)
    assert "30 Nachfragepunkte mit" in notes and "mehr als 500 m vom Straßennetz entfernt" in notes
    gap = Gap.objects.get(run=run, kind=GapKind.REACH, area_key=eisfeld.key, target_group__code="senioren")
    assert "für sie ist kein Angebot für Senior:innen im Handlungsfeld 6 erreichbar (Straßennetz)" in gap.sentence
    matrix = np.load(__import__("io").BytesIO(bytes(run.matrix or b"")))
    assert set(matrix.files) == {"walk_m", "walk_min", "car_m", "car_min"}


@pytest.mark.parametrize("percent", [40, 92])
def test_a_run_given_up_while_it_computes_stays_failed_and_writes_nothing(district: District, percent: int) -> None:
    two_offers(district)
    run = AnalysisRun.objects.create(district=district, reason="Test")
    message = "Abgebrochen: keine Rückmeldung seit 01.01.2025, 10:00 Uhr; die Berechnung wurde nicht fertig."

    def give_up(reached: int, _text: str) -> None:
        # What request_recompute does to a run older than NEEDS_RUN_TIMEOUT.
        if reached == percent:
            AnalysisRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error=message)

    result = compute_run(run, progress=give_up)
    assert (result.status, result.error) == (RunStatus.FAILED, message)
    assert not AreaResult.objects.filter(run=run).exists() and not Gap.objects.exists()
    assert result.points == [] and result.matrix is None
    assert AnalysisRun.objects.current(district) is None


def test_a_run_that_is_no_longer_pending_is_not_computed(district: District) -> None:
    run = AnalysisRun.objects.create(district=district, status=RunStatus.FAILED, error="alt")
    assert (compute_run(run).status, run.error) == (RunStatus.FAILED, "alt")
    assert run.started_at is None


def test_an_unknown_gap_mode_fails_the_run_with_a_german_message(district: District, settings: Settings) -> None:
    settings.NEEDS_GAP_MODE = "bike"
    two_offers(district)
    run = compute_run(AnalysisRun.objects.create(district=district, reason="Test"))
    assert run.status == RunStatus.FAILED
    assert run.error == "Die Einstellung NEEDS_GAP_MODE muss „walk“ oder „car“ sein, nicht „bike“."
    assert not Gap.objects.exists()


def test_notes_count_in_german_singular_and_plural() -> None:
    assert pipeline._unplaced_note(["HF 2 – Familien"]) == [
        "In 1 Kategorie hat kein Angebot einen Standort mit Lage; dort gibt es keine Entfernungen und keine "
        "Lücken: HF 2 – Familien."
    ]
    assert pipeline._unplaced_note(["a", "b", "c"])[0].startswith("In 3 Kategorien hat kein Angebot ")
    one = pipeline._snap_notes(
        "walk", np.array([-1, 4]), np.array([-1, 2]), ["Kita", "Hort"], np.array([1.0, 9.0]), 500
    )
    assert one == [
        "zu Fuß: 1 Nachfragepunkt mit 1 Einwohner:in liegt mehr als 500 m vom Straßennetz entfernt und hat keinen "
        "Weg (gilt als nicht erreichbar).",
        "zu Fuß: 1 Angebotsort liegt mehr als 500 m vom Straßennetz entfernt: Kita.",
    ]
    many = pipeline._snap_notes(
        "car", np.array([-1, -1]), np.array([-1, -1]), ["Kita", "Hort"], np.array([1.0, 9.0]), 500
    )
    assert many[0].startswith("mit dem Auto: 2 Nachfragepunkte mit 10 Einwohner:innen liegen mehr als 500 m ")
    assert many[0].endswith("und haben keinen Weg (gelten als nicht erreichbar).")
    assert many[1] == "mit dem Auto: 2 Angebotsorte liegen mehr als 500 m vom Straßennetz entfernt: Hort, Kita."


def _row(name: str, population: float, nearest_m: float | None, fca: float | None) -> AreaRow:
    return AreaRow(
        level="gemeinde",
        key="16069001",
        name=name,
        population=population,
        nearest_m=nearest_m,
        nearest_min=None,
        reached={},
        shares={},
        offers_in_area=0,
        offers_per_1000=None,
        fca_ratio=fca,
    )


def _context() -> gap_register.CandidateContext:
    rules = gap_register.GapRules(mode="car", minutes=15.0, min_share=0.8, coverage_min_ratio=0.5, pressure_year=2035)
    return cast(
        gap_register.CandidateContext,
        SimpleNamespace(rules=rules, method_short="Luftlinie × 1,3", kreis_phrase="im Landkreis"),
    )


def _candidate(group: str, people: float) -> gap_register.Candidate:
    return gap_register.Candidate(
        kind="reach",
        area_key="16069001",
        area_name="Heldburg, Stadt",
        region_id=None,
        action_field=3,
        target_group=group,
        mode="car",
        people=people,
        shortfall=0.5,
        pressure=1.0,
    )


def test_the_reach_sentence_agrees_with_the_number_of_people() -> None:
    row = _row("Heldburg, Stadt", 6800.0, 24_400.0, None)
    one = gap_register.reach_sentence(_context(), _candidate("senioren", 1.2), row)
    assert one == (
        "In Heldburg leben 6.800 Menschen ab 65; das nächste Angebot für Senior:innen im Handlungsfeld 3 ist im "
        "Mittel 24 km entfernt (Luftlinie × 1,3), 1 von ihnen erreicht mit dem Auto in 15 Minuten keines."
    )
    many = gap_register.reach_sentence(_context(), _candidate("senioren", 6596.0), row)
    assert many.endswith(", 6.596 von ihnen erreichen mit dem Auto in 15 Minuten keines.")


def test_the_coverage_sentence_names_the_method_and_puts_the_ratio_first() -> None:
    row = _row("Heldburg, Stadt", 300.0, 5000.0, 0.65)
    sentence = gap_register.coverage_sentence(_context(), _candidate("familien", 300.0), row, 1.4, "Angebote")
    assert sentence == (
        "In Heldburg kommen 0,65 erreichbare Angebote für Familien im Handlungsfeld 3 auf 1.000 Kinder und "
        "Jugendliche unter 18 (Luftlinie × 1,3), im Landkreis 1,40."
    )
    small = _row("Heldburg, Stadt", 300.0, 5000.0, 0.004)
    places = gap_register.coverage_sentence(_context(), _candidate("senioren", 300.0), small, 0.033, "Plätze")
    assert places == (
        "In Heldburg kommen 0,0040 erreichbare Plätze für Senior:innen im Handlungsfeld 3 auf 1.000 Menschen ab 65 "
        "(Luftlinie × 1,3), im Landkreis 0,0330."
    )
