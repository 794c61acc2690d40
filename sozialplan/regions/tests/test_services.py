from __future__ import annotations

import pytest

from sozialplan.audit.models import AuditEntry
from sozialplan.regions.models import District, PlanningArea, Region
from sozialplan.regions.services import (
    GemeindeLocator,
    locate_gemeinde,
    planning_areas_from_verwaltungsgemeinschaften,
)
from sozialplan.sources.errors import ImportSummary, Rejected

pytestmark = pytest.mark.django_db


def test_it_locates_the_gemeinde_of_a_point(district: District) -> None:
    # Centres from GV-ISys: Hildburghausen (50.425612, 10.729007), Schleusingen (50.509068, 10.749262).
    assert locate_gemeinde(50.425612, 10.729007, district).key == "16069024"  # type: ignore[union-attr]
    assert locate_gemeinde(50.509068, 10.749262, "16069").key == "16069043"  # type: ignore[union-attr]


def test_it_finds_no_gemeinde_outside_the_kreis(district: District, other_district: District) -> None:
    # Arnstadt (Ilm-Kreis) is not in Landkreis Hildburghausen, Berlin is nowhere near.
    assert locate_gemeinde(50.8333, 10.946529, district) is None
    assert locate_gemeinde(52.52, 13.40, district.region) is None
    assert locate_gemeinde(50.8333, 10.946529, other_district).key == "16070004"  # type: ignore[union-attr]


def test_it_takes_the_nearest_gemeinde_just_outside_the_generalised_border(district: District) -> None:
    locator = GemeindeLocator("16069", tolerance_km=1.0)
    assert len(locator) == 32
    kreis = district.region
    assert kreis.boundary is not None
    # The northernmost vertex of the Kreis boundary, moved ~300 m further north.
    rings = kreis.boundary["coordinates"] if kreis.boundary["type"] == "Polygon" else kreis.boundary["coordinates"][0]
    lon, lat = max(rings[0], key=lambda p: p[1])
    assert locator.locate(lat + 0.0027, lon) is not None
    assert locator.locate(lat + 0.05, lon) is None  # ~5.5 km: outside


def test_it_ignores_points_that_are_not_numbers(district: District) -> None:
    assert locate_gemeinde(float("nan"), 10.7, district) is None


def test_it_creates_planning_areas_from_the_verwaltungsgemeinschaften(district: District) -> None:
    summary = planning_areas_from_verwaltungsgemeinschaften(district)
    assert summary.created == 2
    areas = {a.name: a for a in PlanningArea.objects.filter(district=district)}
    assert set(areas) == {"VG Feldstein", "VG Heldburger Unterland"}
    feldstein = areas["VG Feldstein"]
    assert feldstein.gemeinden.count() == 17
    assert "Abgeleitet aus der Verwaltungsgemeinschaft Feldstein" in feldstein.description
    heldburg = {g.name for g in areas["VG Heldburger Unterland"].gemeinden.all()}
    assert {"Heldburg, Stadt", "Ummerstadt, Stadt", "Westhausen"} <= heldburg
    assert AuditEntry.objects.filter(object_type="planningarea").count() == 2


def test_it_changes_no_planning_area_on_the_second_run(district: District) -> None:
    planning_areas_from_verwaltungsgemeinschaften(district)
    again = planning_areas_from_verwaltungsgemeinschaften(district)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_it_derives_the_planning_areas_of_another_district_from_its_own_vgs(other_district: District) -> None:
    # Ilm-Kreis has the VGs Geratal/Plaue and Riechheimer Berg (GV100AD), nothing else.
    planning_areas_from_verwaltungsgemeinschaften(other_district)
    names = set(PlanningArea.objects.filter(district=other_district).values_list("name", flat=True))
    assert names == {"VG Geratal/Plaue", "VG Riechheimer Berg"}


def test_the_real_districts_carry_official_figures(district: District, other_district: District) -> None:
    assert district.gemeinden().count() == 32
    assert other_district.gemeinden().count() == 16
    stadt = Region.objects.get(key="16069024")
    assert stadt.census_population == 11684
    assert stadt.boundary is not None


def test_the_summary_reads_in_german() -> None:
    summary = ImportSummary(created=2, updated=1, unchanged=3)
    summary.rejected.append(Rejected(line=7, key="", reason="Der Name fehlt."))
    summary.skip("Gebiet nicht in der Datenbank.", 4)
    summary.notes.append("Träger neu: 1.")
    assert str(summary) == (
        "neu: 2, geändert: 1, unverändert: 3, abgelehnt: 1, übersprungen: 4\n"
        "  – Zeile 7: Der Name fehlt.\n"
        "  – übersprungen (4): Gebiet nicht in der Datenbank.\n"
        "  – Träger neu: 1."
    )
