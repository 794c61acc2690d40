"""Benchmark: statistics import and indicator computation for all German Gemeinden, against naive ORM loops.

The Zensus 2022 table ``1000A-0000`` (population of 10,786 Gemeinden) is
imported into a throwaway SQLite file (``var/bench/statistics.sqlite3``)
holding all regions of the GV100AD (Gebietsstand 30.11.2023), then the
standard indicators are computed for every currently valid Gemeinde:

* **import**: ``sozialplan.indicators.importing.import_table`` (the importer
  behind ``sozialplan import-statistics`` and the upload form: one
  transaction, regions matched in memory, ``bulk_create`` in batches)
  against a loop that looks each region up with ``Region.objects.get`` and
  writes each number with ``Observation.save()`` in autocommit mode;
* **compute**: :func:`sozialplan.indicators.compute.compute` for every
  catalogue indicator over all Gemeinden with one
  :class:`~sozialplan.indicators.store.ObservationStore` (a few queries)
  against a loop that, per Gemeinde and indicator, queries the latest period
  and then each input with ``Observation.objects.filter(…).preferred()``.
  The naive results are checked against the fast ones.

Each naive loop stops after ``naive_budget`` seconds; its time is then
extrapolated linearly to all rows (numbers resp. Gemeinden), and the report
says so. The throwaway database is made the default connection for the run
(the importer writes through the default connection) and closed afterwards;
the real database is never touched.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import User
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Max, Model

from sozialplan.analysis.ages import compose_band
from sozialplan.analysis.aggregate import ratio
from sozialplan.analysis.formula import evaluate
from sozialplan.audit.models import AuditEntry
from sozialplan.bench.regions import ALIAS, close_bench_database, open_bench_database
from sozialplan.indicators.areas import region_area
from sozialplan.indicators.catalogue import IndicatorDefinition, load_catalogue
from sozialplan.indicators.compute import Area, compute
from sozialplan.indicators.formulas import AREA_VARIABLE, formula
from sozialplan.indicators.importing import import_table
from sozialplan.indicators.models import Dataset, DatasetFormat, Observation, RegionKeyMapping
from sozialplan.indicators.store import ObservationStore, years_before
from sozialplan.regions.formats import RegionData
from sozialplan.regions.models import District, Region
from sozialplan.regions.upsert import LEVEL_KINDS, write_region_data
from sozialplan.sources.detect import read_statistics_file
from sozialplan.sources.gv100ad import in_scope, read_gv100ad
from sozialplan.sources.statistics import StatTable, StatValue

#: Tables the importer writes or refers to, in creation order (SQLite wants a foreign key's table to exist).
MODELS: tuple[type[Model], ...] = (User, Region, District, Dataset, Observation, RegionKeyMapping, AuditEntry)
NAIVE_DATASET = "bench-zeilenweise"


def _de(value: float, digits: int = 1) -> str:
    """A number in German notation: 1234.5 → '1.234,5'."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


@dataclass
class Timing:
    """A fast run against a naive one that may have been cut short after ``naive_rows`` of ``rows``."""

    rows: int
    fast_seconds: float
    naive_seconds: float
    naive_rows: int

    @property
    def extrapolated(self) -> bool:
        return self.naive_rows < self.rows

    @property
    def naive_total_seconds(self) -> float:
        """Measured time, or the linear extrapolation to all rows."""
        if self.naive_rows == 0:
            return float("nan")
        return self.naive_seconds * self.rows / self.naive_rows

    @property
    def ratio(self) -> float:
        return self.naive_total_seconds / self.fast_seconds if self.fast_seconds > 0 else float("inf")

    def lines(self, fast: str, naive: str, unit: str) -> list[str]:
        text = f"  {naive}: {_de(self.naive_total_seconds)} s"
        if self.extrapolated:
            text += (
                f" (hochgerechnet: {_de(self.naive_rows, 0)} {unit} in {_de(self.naive_seconds)} s gemessen, "
                f"linear auf alle {unit})"
            )
        factor = "–" if math.isnan(self.ratio) else f"{_de(self.ratio, 0)}×"
        return [f"  {fast}: {_de(self.fast_seconds, 2)} s", text, f"  Faktor: {factor}"]


@dataclass
class StatisticsBenchResult:
    """What was imported and computed, and how long it took."""

    file: str
    values: int  # numbers in the table
    imported: int  # observations the importer wrote
    unmatched: int  # numbers of regions not in the GV100AD (Deutschland, Gemeinden merged since)
    gemeinden: int
    indicators: int
    computed: int  # indicator values with something to show
    import_timing: Timing
    compute_timing: Timing
    checked: int  # naive values compared with the fast ones
    mismatches: int

    def report(self) -> str:
        lines = [
            f"Statistik-Import aus {self.file}: {_de(self.values, 0)} Werte, davon {_de(self.imported, 0)} "
            f"Gemeinden zugeordnet, {_de(self.unmatched, 0)} nicht zugeordnet",
            *self.import_timing.lines(
                "Importer (import_table: Abgleich im Speicher, bulk_create, eine Transaktion)",
                "Zeilenweise (Region.objects.get + Observation.save() je Wert, Autocommit)",
                "Werte",
            ),
            f"Kennzahlen für {_de(self.gemeinden, 0)} Gemeinden × {self.indicators} Kennzahlen: "
            f"{_de(self.computed, 0)} Werte berechenbar",
            *self.compute_timing.lines(
                "compute (ObservationStore: wenige Abfragen, dann im Speicher)",
                "Zeilenweise (je Gemeinde und Eingangsgröße eine Abfrage mit .preferred())",
                "Gemeinden",
            ),
            f"  Abgleich: {_de(self.checked, 0)} Werte der zeilenweisen Rechnung geprüft, "
            f"{_de(self.mismatches, 0)} Abweichungen",
        ]
        return "\n".join(lines)


@contextmanager
def _bench_as_default() -> Iterator[None]:
    """Route the default connection to the bench database for the duration (the importer uses the default)."""
    original = connections[DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = connections[ALIAS]
    try:
        yield
    finally:
        connections[DEFAULT_DB_ALIAS] = original


def _create_tables() -> None:
    """The tables of :data:`MODELS` and of every other model pointing at a dataset (deleting one cascades)."""
    models = list(MODELS)
    models += [
        r.related_model
        for r in Dataset._meta.related_objects
        if isinstance(r.related_model, type) and r.related_model not in models
    ]
    with connections[ALIAS].schema_editor() as editor:
        for model in models:
            editor.create_model(model)


def _naive_import(table: StatTable, *, budget_seconds: float) -> tuple[float, int]:
    """Seconds and numbers written by the row-by-row loop (stops at the budget)."""
    dataset = Dataset.objects.create(code=NAIVE_DATASET, title=table.title, format=DatasetFormat.COMPUTED)
    done = 0
    start = time.perf_counter()
    for value in table.values:
        _naive_write(dataset, value)
        done += 1
        if time.perf_counter() - start > budget_seconds:
            break
    seconds = time.perf_counter() - start
    dataset.delete()
    return seconds, done


def _naive_write(dataset: Dataset, value: StatValue) -> None:
    field = "ars" if len(value.region_key) == 12 else "key"
    try:
        region = Region.objects.get(**{field: value.region_key})
    except (Region.DoesNotExist, Region.MultipleObjectsReturned):
        return
    Observation(
        dataset=dataset,
        region=region,
        measure=value.measure,
        period=value.period,
        sex=value.sex,
        age_from=value.age_from,
        age_to=value.age_to,
        breakdown=value.breakdown,
        variant=value.variant,
        value=value.value,
        flag=value.flag,
    ).save()


def _fast_compute(
    definitions: Sequence[IndicatorDefinition], areas: Sequence[Area]
) -> tuple[float, dict[str, list[float | None]]]:
    start = time.perf_counter()
    store = ObservationStore.for_areas(areas)
    values = {d.code: [v.value for v in compute(d, areas, public=False, store=store)] for d in definitions}
    return time.perf_counter() - start, values


def _naive_value(definition: IndicatorDefinition, region: Region) -> float | None:
    """One indicator of one Gemeinde, the way a first script would compute it: a query per input."""
    form = formula(definition.numerator, definition.denominator)
    latest = Observation.objects.filter(region=region, measure__in=form.measures, variant="", breakdown="").aggregate(
        latest=Max("period")
    )["latest"]
    if latest is None:
        return None
    inputs: dict[object, float | None] = {}
    for variable in form.variables:
        if variable.name == AREA_VARIABLE:
            inputs[variable] = region.area_km2
            continue
        rows = Observation.objects.filter(
            region=region,
            measure=variable.measure,
            sex=variable.sex,
            period=years_before(latest, variable.lag_years),
            variant="",
            breakdown="",
        ).preferred()
        bands = {(o.age_from, o.age_to): o.value for o in rows}
        inputs[variable] = compose_band(bands, variable.age_from, variable.age_to)
    numerator = evaluate(form.numerator, inputs.__getitem__)
    if form.denominator is None:
        return numerator
    return ratio(numerator, evaluate(form.denominator, inputs.__getitem__), definition.multiplier)


def _naive_compute(
    definitions: Sequence[IndicatorDefinition], areas: Sequence[Area], *, budget_seconds: float
) -> tuple[float, list[dict[str, float | None]]]:
    """Seconds and, per Gemeinde done, its values (stops at the budget)."""
    results: list[dict[str, float | None]] = []
    start = time.perf_counter()
    for area in areas:
        assert area.region_id is not None  # Gemeinden are regions
        region = Region.objects.get(pk=area.region_id)
        results.append({d.code: _naive_value(d, region) for d in definitions})
        if time.perf_counter() - start > budget_seconds:
            break
    return time.perf_counter() - start, results


def _compare(fast: dict[str, list[float | None]], naive: list[dict[str, float | None]]) -> tuple[int, int]:
    checked = mismatches = 0
    for index, row in enumerate(naive):
        for code, value in row.items():
            other = fast[code][index]
            checked += 1
            if (value is None) != (other is None) or (
                value is not None and other is not None and not math.isclose(value, other, rel_tol=1e-9)
            ):
                mismatches += 1
    return checked, mismatches


def run_statistics_benchmark(
    zensus_path: Path,
    gv100ad_path: Path,
    *,
    database: Path,
    naive_budget: float = 30.0,
    only: str | None = None,
) -> StatisticsBenchResult:
    """Import ``zensus_path`` and compute all indicators, fast and naive; ``only`` (a Kreis key) shortens the run."""
    records = [
        r for r in read_gv100ad(gv100ad_path) if r.level in LEVEL_KINDS and (only is None or in_scope(r.key, only))
    ]
    data = zensus_path.read_bytes()
    table = read_statistics_file(zensus_path.name, data)
    if not isinstance(table, StatTable):
        raise TypeError(f"{zensus_path.name} ist keine Tabelle")
    if only is not None:
        table.values = [v for v in table.values if v.region_key.startswith(only)]
    definitions = load_catalogue()
    open_bench_database(database)
    try:
        with _bench_as_default():
            _create_tables()
            with transaction.atomic():
                write_region_data(RegionData(records=records), only=None, using=ALIAS)
            start = time.perf_counter()
            imported = import_table(
                table, user=None, file_name=zensus_path.name, sha256=hashlib.sha256(data).hexdigest()
            )
            import_seconds = time.perf_counter() - start
            naive_import_seconds, naive_import_rows = _naive_import(table, budget_seconds=naive_budget)
            gemeinden = Region.objects.gemeinden().valid_on().order_by("key")
            areas = [region_area(g) for g in gemeinden]
            compute_seconds, fast_values = _fast_compute(definitions, areas)
            naive_seconds, naive_values = _naive_compute(definitions, areas, budget_seconds=naive_budget)
    finally:
        close_bench_database()
    checked, mismatches = _compare(fast_values, naive_values)
    return StatisticsBenchResult(
        file=zensus_path.name,
        values=len(table.values),
        imported=imported.created,
        unmatched=len(table.values) - imported.created,
        gemeinden=len(areas),
        indicators=len(definitions),
        computed=sum(1 for values in fast_values.values() for v in values if v is not None),
        import_timing=Timing(len(table.values), import_seconds, naive_import_seconds, naive_import_rows),
        compute_timing=Timing(len(areas), compute_seconds, naive_seconds, len(naive_values)),
        checked=checked,
        mismatches=mismatches,
    )
