"""A finished Bedarfsanalyse run on real data for the view tests, computed once per test process.

The first call imports the 72 real offers of Landkreis Hildburghausen
(``data/offers``) and the real statistics (``tests.statistics``), runs the
pipeline (:func:`sozialplan.needs.compute.compute_run`, straight-line
distances: the district has no road network) and keeps the run's stored
fields and its gaps in memory. Every later call writes them again (a few
inserts), so each test gets the same real run without recomputing it. The
offers themselves are only in the database of the first test; the run's
supply points keep their names and positions either way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from sozialplan.needs.models import AnalysisRun, Gap, RunStatus
from sozialplan.regions.models import District

OFFERS_CSV = Path(settings.DATA_DIR) / "offers" / "hildburghausen" / "offers.csv"
RUN_FIELDS = ("method", "method_note", "parameters", "demand_note", "points", "supply", "matrix", "notes")
GAP_FIELDS = (
    "kind",
    "area_key",
    "area_name",
    "region_id",
    "planning_area_id",
    "action_field_id",
    "target_group_id",
    "mode",
    "severity",
    "people_affected",
    "shortfall",
    "pressure",
    "evidence",
    "sentence",
    "method_note",
)


@dataclass(frozen=True)
class Snapshot:
    run: dict[str, Any]
    gaps: list[dict[str, Any]]


_SNAPSHOT: list[Snapshot] = []


def load_real_inputs(district: District) -> None:
    """The real offers and statistics the pipeline reads (idempotent for the statistics)."""
    from sozialplan.offerings.importing import import_offers_file
    from sozialplan.offerings.models import Offering
    from tests.statistics import load_real_statistics

    load_real_statistics()
    if not Offering.objects.filter(district=district).exists():
        summary = import_offers_file(
            district=district, data=OFFERS_CSV.read_bytes(), filename=OFFERS_CSV.name, actor=None
        )
        assert not summary.rejected, summary


def _compute(district: District) -> Snapshot:
    from sozialplan.needs.compute import compute_run

    load_real_inputs(district)
    run = compute_run(AnalysisRun.objects.create(district=district, reason="Test"))
    assert run.status == RunStatus.DONE, run.error
    gaps = [{name: getattr(g, name) for name in GAP_FIELDS} for g in Gap.objects.filter(run=run)]
    snapshot = Snapshot(run={name: getattr(run, name) for name in RUN_FIELDS}, gaps=gaps)
    AnalysisRun.objects.filter(pk=run.pk).delete()
    Gap.objects.filter(district=district).delete()
    return snapshot


def real_run(district: District, *, with_gaps: bool = True) -> AnalysisRun:
    """A finished run of the district (newest), with the gaps it found (all ``open`` and current)."""
    if not _SNAPSHOT:
        _SNAPSHOT.append(_compute(district))
    snapshot = _SNAPSHOT[0]
    now = timezone.now()
    run = AnalysisRun.objects.create(
        district=district,
        status=RunStatus.DONE,
        progress=100,
        progress_text="fertig",
        reason="Test",
        started_at=now - dt.timedelta(seconds=3),
        finished_at=now,
        **snapshot.run,
    )
    if with_gaps:
        Gap.objects.bulk_create(Gap(district=district, run=run, **values) for values in snapshot.gaps)
    return run
