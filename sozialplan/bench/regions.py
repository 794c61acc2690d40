"""Benchmark: bulk region import against a naive row-by-row ``Model.save()`` loop.

Both variants write the same GV100AD records (all of Germany: 15,994 regions,
i.e. 16 Länder, 400 Kreise, 4,597 Gemeindeverbände and 10,981 Gemeinden) into a fresh ``regions_region`` table of a
throwaway SQLite file (``var/bench/regions.sqlite3``, its own database alias,
so the real database is never touched):

* **bulk**: ``sozialplan.regions.upsert.write_region_data``, the importer used
  by ``sozialplan import-regions`` (one transaction, ``bulk_create`` in
  batches);
* **naive**: one ``Region(...).save()`` per record in autocommit mode, the
  way a first script would do it (parents looked up from a dict in memory,
  so the baseline is not slowed down by extra queries).

The naive loop stops after ``naive_budget`` seconds; its time is then
extrapolated linearly to all records, and the report says so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connections, transaction
from django.db.utils import load_backend
from django.utils.connection import ConnectionDoesNotExist

from sozialplan.regions.formats import RegionData
from sozialplan.regions.models import Region
from sozialplan.regions.upsert import LEVEL_KINDS, write_region_data
from sozialplan.sources import gv100ad
from sozialplan.sources.gv100ad import Gv100Record, read_gv100ad

ALIAS = "bench"


def _de(value: float, digits: int = 1) -> str:
    """A number in German notation: 1234.5 → '1.234,5'."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


@dataclass
class BenchResult:
    """Timings in seconds; ``naive_rows`` is how many records the naive loop actually wrote."""

    file: str
    records: int
    gemeinden: int
    bulk_seconds: float
    naive_seconds: float
    naive_rows: int

    @property
    def naive_extrapolated(self) -> bool:
        return self.naive_rows < self.records

    @property
    def naive_total_seconds(self) -> float:
        """Measured time, or the linear extrapolation to all records."""
        if self.naive_rows == 0:
            return float("nan")
        return self.naive_seconds * self.records / self.naive_rows

    @property
    def ratio(self) -> float:
        return self.naive_total_seconds / self.bulk_seconds if self.bulk_seconds > 0 else float("inf")

    def report(self) -> str:
        lines = [
            f"Regionen-Import aus {self.file}: {_de(self.records, 0)} Gebiete, "
            f"davon {_de(self.gemeinden, 0)} Gemeinden",
            f"  Bulk (bulk_create in Stapeln, eine Transaktion): {_de(self.bulk_seconds, 2)} s",
        ]
        naive = f"  Zeilenweise (Model.save() je Satz, Autocommit): {_de(self.naive_total_seconds)} s"
        if self.naive_extrapolated:
            naive += (
                f" (hochgerechnet: {_de(self.naive_rows, 0)} Sätze in {_de(self.naive_seconds)} s gemessen, "
                "linear auf alle Sätze)"
            )
        lines.append(naive)
        lines.append(f"  Faktor: {_de(self.ratio, 0)}×")
        return "\n".join(lines)


def open_bench_database(path: Path) -> str:
    """Open a fresh SQLite file as database alias ``bench`` (deleting an old file).

    The connection is put into Django's connection handler without adding it
    to ``settings.DATABASES``: it exists only for the benchmark (and Django's
    test isolation treats it as a dynamically created connection).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    close_bench_database()
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    # configure_settings fills in Django's defaults; it insists on the key "default".
    settings_dict = connections.configure_settings(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}}
    )["default"]
    backend = load_backend(settings_dict["ENGINE"])
    connections[ALIAS] = backend.DatabaseWrapper(settings_dict, ALIAS)
    return ALIAS


def close_bench_database() -> None:
    try:
        connection = connections[ALIAS]
    except ConnectionDoesNotExist:
        return
    connection.close()
    del connections[ALIAS]


def _fresh_table() -> None:
    """Drop and create ``regions_region`` in the bench database (the model's own schema)."""
    connection = connections[ALIAS]
    with connection.schema_editor() as editor:
        if Region._meta.db_table in connection.introspection.table_names():
            editor.delete_model(Region)
        editor.create_model(Region)


def time_bulk(records: list[Gv100Record]) -> float:
    _fresh_table()
    data = RegionData(records=records)
    start = time.perf_counter()
    with transaction.atomic(using=ALIAS):
        write_region_data(data, only=None, using=ALIAS)
    return time.perf_counter() - start


def time_naive(records: list[Gv100Record], *, budget_seconds: float, limit: int | None = None) -> tuple[float, int]:
    """Seconds and number of records written by the row-by-row loop (stops at the budget or limit)."""
    _fresh_table()
    pks: dict[str, int] = {}
    written = 0
    start = time.perf_counter()
    for rec in records:
        kind = LEVEL_KINDS.get(rec.level)
        if kind is None:
            continue
        if limit is not None and written >= limit:
            break
        parent = {
            gv100ad.KREIS: rec.land_key,
            gv100ad.VERBAND: rec.kreis_key,
            gv100ad.GEMEINDE: rec.verband_key,
        }.get(rec.level)
        region = Region(
            kind=kind,
            key=rec.key,
            ars=rec.ars,
            name=rec.name,
            designation=rec.designation,
            parent_id=pks.get(parent) if parent else None,
            area_km2=rec.area_km2,
            population=rec.population,
            population_male=rec.population_male,
            postcode=rec.postcode,
            valid_from=rec.territorial_date,
            source="GV100AD",
        )
        region.save(using=ALIAS)
        pks[rec.key] = region.pk
        written += 1
        if time.perf_counter() - start > budget_seconds:
            break
    return time.perf_counter() - start, written


def run_region_benchmark(
    gv100ad_path: Path,
    *,
    database: Path,
    naive_budget: float = 60.0,
    naive_limit: int | None = None,
    max_records: int | None = None,
) -> BenchResult:
    """Time bulk and naive imports of the same records; ``max_records`` shortens the run (tests)."""
    records = [r for r in read_gv100ad(gv100ad_path) if r.level in LEVEL_KINDS]
    if max_records is not None:
        records = records[:max_records]
    open_bench_database(database)
    try:
        bulk = time_bulk(records)
        naive, rows = time_naive(records, budget_seconds=naive_budget, limit=naive_limit)
    finally:
        close_bench_database()
    return BenchResult(
        file=gv100ad_path.name,
        records=len(records),
        gemeinden=sum(1 for r in records if r.level == gv100ad.GEMEINDE),
        bulk_seconds=bulk,
        naive_seconds=naive,
        naive_rows=rows,
    )
