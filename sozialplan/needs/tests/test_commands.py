"""``sozialplan compute-needs`` and ``sozialplan import-roads``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from sozialplan.analysis.geo import haversine_km
from sozialplan.analysis.network import network_from_bytes, snap_points
from sozialplan.needs import gap_register
from sozialplan.needs.models import AnalysisRun, AreaResult, RoadNetwork, RunStatus, TravelMethod
from sozialplan.needs.results import category_result
from sozialplan.needs.services import import_road_network
from sozialplan.needs.tests.needs_data import bayreuth_district, gemeinde, north_bayreuth_roads, offer_at
from sozialplan.needs.tests.test_compute_small import hand_made_network
from sozialplan.regions.models import District

pytestmark = pytest.mark.django_db

JENA = Path(settings.DATA_DIR) / "roads" / "jena-2014-tempolimits" / "Tempo50.geojson"
NORTH_BAYREUTH = Path(settings.DATA_DIR) / "roads" / "north-bayreuth.osm.gz"


def test_compute_needs_prints_a_german_summary(district: District, capsys: pytest.CaptureFixture[str]) -> None:
    offer_at(district, gemeinde("Hildburghausen"), action_fields=[6], target_groups=["senioren"])
    call_command("compute_needs", "--kreis", "16069", "--no-progress")
    out = capsys.readouterr().out
    run = AnalysisRun.objects.get(district=district)
    assert run.status == RunStatus.DONE and run.reason == "Befehl compute-needs"
    lines = out.splitlines()
    assert lines[0].startswith(f"Bedarfsanalyse für Landkreis Hildburghausen berechnet (Lauf {run.pk}, ")
    assert "Methode: Luftlinie × 1,3 (kein Straßennetz geladen; zu Fuß 4,5 km/h, Auto 50 km/h)" in lines
    assert "Nachfragepunkte: 32 (0 Gitterzellen, 32 Gemeindemittelpunkte); Angebotsorte: 1." in lines
    assert "Kategorien (Handlungsfeld × Zielgruppe): 2." in lines
    gaps = run.parameters["gap_counts"]["current"]
    assert f"Lücken: {gaps} neu, {gaps} aktuell, 0 nicht mehr berechnet." in lines
    assert any(line.startswith("Hinweis: 1 von 1 Standorten liegt nur ungefähr") for line in lines)


def test_compute_needs_takes_over_a_queued_run(district: District) -> None:
    queued = AnalysisRun.objects.create(district=district, reason="Angebote geändert")
    call_command("compute_needs", "--kreis", "16069", "--no-progress")
    queued.refresh_from_db()
    assert queued.status == RunStatus.DONE and queued.reason == "Angebote geändert"
    assert AnalysisRun.objects.count() == 1


@pytest.mark.parametrize(
    ("kreis", "message"),
    [
        ("99999", "Der Kreis 99999 ist kein Gebiet dieser Installation"),
        ("1606'", "--kreis erwartet einen fünfstelligen Kreisschlüssel"),
    ],
)
def test_compute_needs_refuses_an_unknown_kreis(district: District, kreis: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("compute_needs", "--kreis", kreis, "--no-progress")


def test_compute_needs_fails_with_the_reason_and_writes_nothing(
    district: District, monkeypatch: pytest.MonkeyPatch
) -> None:
    offer_at(district, gemeinde("Hildburghausen"), action_fields=[6], target_groups=["senioren"])

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("Platte voll")

    monkeypatch.setattr(gap_register, "store_gaps", broken)
    with pytest.raises(CommandError, match=r"fehlgeschlagen, nichts gespeichert: .*RuntimeError: Platte voll"):
        call_command("compute_needs", "--kreis", "16069", "--no-progress")
    assert AnalysisRun.objects.get().status == RunStatus.FAILED
    assert not AreaResult.objects.exists()


def test_import_roads_refuses_a_network_outside_the_district(district: District) -> None:
    with pytest.raises(CommandError) as error:
        call_command("import_roads", str(JENA), "--kreis", "16069")
    assert str(error.value).startswith("Nichts gespeichert. Das Straßennetz in „Tempo50.geojson“ liegt nicht im Gebiet")
    assert not RoadNetwork.objects.exists()


def test_import_roads_refuses_a_missing_or_broken_file(district: District, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="gibt es nicht"):
        call_command("import_roads", str(tmp_path / "fehlt.osm"), "--kreis", "16069")
    broken = tmp_path / "kaputt.osm"
    broken.write_bytes(b"<osm><way id='1'>")
    with pytest.raises(CommandError, match=r"^Nichts gespeichert\. "):
        call_command("import_roads", str(broken), "--kreis", "16069")
    assert not RoadNetwork.objects.exists()


def test_import_roads_deactivate_goes_back_to_straight_lines(
    district: District, capsys: pytest.CaptureFixture[str]
) -> None:
    import_road_network(
        district, Path("netz.osm"), user=None, data=hand_made_network(gemeinde("Hildburghausen"), gemeinde("Themar"))
    )
    call_command("import_roads", "--kreis", "16069", "--deactivate")
    assert "1 Straßennetz für Landkreis Hildburghausen abgeschaltet" in capsys.readouterr().out
    assert not RoadNetwork.objects.filter(is_active=True).exists()
    call_command("import_roads", "--kreis", "16069", "--deactivate")
    assert "war kein Straßennetz in Gebrauch" in capsys.readouterr().out
    RoadNetwork.objects.update(is_active=True)
    RoadNetwork.objects.create(district=district, name="zweites", source_name="b.osm", source_format="osm-xml")
    call_command("import_roads", "--kreis", "16069", "--deactivate")
    assert "2 Straßennetze für Landkreis Hildburghausen abgeschaltet" in capsys.readouterr().out


@pytest.mark.slow
def test_the_real_north_bayreuth_network_serves_landkreis_bayreuth(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sozialplan.needs import services

    district = bayreuth_district()
    monkeypatch.setattr(services, "read_roads", lambda _path: north_bayreuth_roads())
    call_command("import_roads", str(NORTH_BAYREUTH), "--kreis", "09472", "--name", "Nördlich von Bayreuth")
    out = capsys.readouterr().out
    assert "Straßennetz „Nördlich von Bayreuth“ für Landkreis Bayreuth gespeichert (osm-xml, Stand 2014-11-05" in out
    assert "Fußwegenetz: " in out and "Straßennetz für Autos: " in out
    bindlach, heinersreuth = gemeinde("Bindlach", "09472"), gemeinde("Heinersreuth", "09472")
    offer_at(district, bindlach, action_fields=[6], target_groups=["senioren"])
    call_command("compute_needs", "--kreis", "09472", "--no-progress")
    out = capsys.readouterr().out
    run = AnalysisRun.objects.get(district=district)
    assert run.method == TravelMethod.NETWORK
    assert "Methode: Straßennetz „Nördlich von Bayreuth“ (OpenStreetMap, Stand 2014-11-05" in out
    assert "mehr als 500 m vom Straßennetz entfernt" in out  # most of the Kreis lies outside the extract
    car = {p.gemeinde_key: p for p in category_result(run, 6, "senioren", "car").points}
    walk = {p.gemeinde_key: p for p in category_result(run, 6, "senioren", "walk").points}
    # Bindlach's centre and its offer snap to the same node of the car network: two access legs, no road.
    graphs = network_from_bytes(bytes(RoadNetwork.objects.get(district=district).graph))
    assert bindlach.latitude is not None and bindlach.longitude is not None
    snap = snap_points(graphs["car"], np.array([bindlach.longitude]), np.array([bindlach.latitude]))
    assert car[bindlach.key].nearest_m == pytest.approx(2 * snap.distance_m[0])
    assert car[bindlach.key].nearest_min == pytest.approx(2 * snap.distance_m[0] / (15_000 / 60))
    # Heinersreuth's centre is 536 m from the car network (no route) but 341 m from the footpaths.
    assert car[heinersreuth.key].nearest_m is None
    assert heinersreuth.latitude is not None and heinersreuth.longitude is not None
    straight_m = 1000 * haversine_km(
        heinersreuth.latitude, heinersreuth.longitude, bindlach.latitude, bindlach.longitude
    )
    on_foot = walk[heinersreuth.key].nearest_m
    assert on_foot is not None and straight_m <= on_foot < 2 * straight_m
    assert walk[heinersreuth.key].nearest_min == pytest.approx(on_foot / (4500 / 60))
