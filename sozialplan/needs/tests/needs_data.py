"""Test data of the Bedarfsanalyse pipeline tests: real Hildburghausen inputs, small cases, Landkreis Bayreuth.

* :func:`real_run` (module-scoped fixture): the 72 real offers of Landkreis
  Hildburghausen, every real statistics file of ``data/statistics`` imported
  through the real importer (with the Gemeinden's age estimate and
  projection, as ``load-demo`` does) and one computed run — loaded once per
  test module inside a transaction that is rolled back when the module ends,
  so each test (in a savepoint) sees them without paying for them.
* :func:`offer_at`: a published offer at a site placed at a real Gemeinde's
  centre (for hand-checkable cases; the offers are labelled as test offers,
  the places are real).
* :func:`bayreuth_district`: Landkreis Bayreuth (09472) from the real region
  files (GV100AD, GV-ISys centres, VG5000 Kreis boundary, Zensus 2022), the
  district the OSM extract ``data/roads/north-bayreuth.osm.gz`` lies in.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from sozialplan.analysis.roads import RoadData
from sozialplan.catalog.models import ActionField, TargetGroup
from sozialplan.needs.models import AnalysisRun, RunStatus
from sozialplan.offerings.models import Offering, PositionPrecision, Site
from sozialplan.regions.formats import RegionData, read_region_files
from sozialplan.regions.models import District, Region, RegionKind
from sozialplan.regions.services import apply_region_data, planning_areas_from_verwaltungsgemeinschaften

OFFERS_CSV = Path(settings.DATA_DIR) / "offers" / "hildburghausen" / "offers.csv"
ROADS = Path(settings.DATA_DIR) / "roads"
BAYREUTH = "09472"


@dataclass(frozen=True)
class RealRun:
    """Primary keys of the real district and its computed run (objects are fetched per test)."""

    district_pk: int
    run_pk: int

    @property
    def run(self) -> AnalysisRun:
        return AnalysisRun.objects.select_related("district__region").get(pk=self.run_pk)

    @property
    def district(self) -> District:
        return District.objects.select_related("region").get(pk=self.district_pk)


def load_real_hildburghausen(district: District) -> None:
    """The 72 real offers, all real statistics (importer, estimate, projection) and the Planungsräume from the
    Verwaltungsgemeinschaften of Landkreis Hildburghausen, as ``load-demo`` loads them."""
    from sozialplan.indicators.demo import load_demo_statistics
    from sozialplan.offerings.importing import import_offers_file

    if not Offering.objects.filter(district=district).exists():
        summary = import_offers_file(
            district=district, data=OFFERS_CSV.read_bytes(), filename=OFFERS_CSV.name, actor=None
        )
        assert not summary.rejected, summary
    load_demo_statistics(Path(settings.DATA_DIR), district.region.key)
    planning_areas_from_verwaltungsgemeinschaften(district)


@pytest.fixture(scope="module")
def real_run(django_db_setup: None, django_db_blocker: Any) -> Iterator[RealRun]:
    """Real inputs and one finished run, rolled back after the module (see the module docstring)."""
    from sozialplan.needs.compute import compute_run
    from tests.factories import real_districts

    with django_db_blocker.unblock(), override_settings(NEEDS_AUTO_RECOMPUTE=False):
        block = transaction.atomic()
        block.__enter__()
        try:
            district = real_districts()[0]
            load_real_hildburghausen(district)
            run = compute_run(AnalysisRun.objects.create(district=district, reason="Test"))
            assert run.status == RunStatus.DONE, run.error
            yield RealRun(district_pk=district.pk, run_pk=run.pk)
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


def gemeinde(name_start: str, kreis: str = "16069") -> Region:
    """The currently valid Gemeinde of the Kreis with this name, else the one whose name starts with it."""
    gemeinden = Region.objects.gemeinden().in_kreis(kreis).valid_on()
    return gemeinden.filter(name=name_start).first() or gemeinden.get(name__startswith=name_start)


def offer_at(
    district: District,
    place: Region,
    *,
    action_fields: Sequence[int],
    target_groups: Sequence[str],
    name: str = "",
    capacity: int | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
) -> Offering:
    """A published test offer at a site at ``place``'s centre (approximate position, as imported offers have)."""
    site = Site.objects.create(
        district=district,
        name=f"Standort {place.name}",
        gemeinde=place,
        latitude=place.latitude,
        longitude=place.longitude,
        position_precision=PositionPrecision.GEMEINDE,
    )
    offering = Offering.objects.create(
        district=district,
        name=name or f"Testangebot in {place.name}",
        capacity=capacity,
        min_age=min_age,
        max_age=max_age,
    )
    offering.action_fields.set(ActionField.objects.filter(code__in=action_fields))
    offering.target_groups.set(TargetGroup.objects.filter(code__in=target_groups))
    offering.sites.add(site)
    return offering


@functools.cache
def _bayreuth_regions() -> RegionData:
    names = (
        "GV100AD_301123.txt",
        "AuszugGV4QAktuell_2020Q4.csv",
        "vg5000_krs_deutschland_20210101.geojson",
        "1000A-0000_1773175153999_de_flat.csv",
    )
    return read_region_files([Path(settings.DATA_DIR) / "regions" / n for n in names], only=BAYREUTH)


def bayreuth_district() -> District:
    """Landkreis Bayreuth from the real region files, hosted as a district (written if missing)."""
    district = District.objects.filter(region__key=BAYREUTH).first()
    if district is not None:
        return district
    apply_region_data(_bayreuth_regions(), only=BAYREUTH)
    kreis = Region.objects.get(kind=RegionKind.KREIS, key=BAYREUTH)
    return District.objects.create(region=kreis, slug="bayreuth", name="Landkreis Bayreuth")


@functools.cache
def north_bayreuth_roads() -> RoadData:
    """The real OSM extract north of Bayreuth, read once per test process."""
    from sozialplan.sources.osm import read_roads

    return read_roads(ROADS / "north-bayreuth.osm.gz")
