"""Real numbers for the analysis tests, read from the repository's copies of official files.

Django-free on purpose (the analysis package does not import Django), so the
files are found relative to this module instead of ``settings.DATA_DIR``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sozialplan.sources.statistics import AGE_OPEN

DATA = Path(__file__).resolve().parents[3] / "data"

#: The 17 age groups of table 12411-02-03-5-B, (from, to) with ``to`` exclusive; then the total.
BANDS_12411 = (
    (0, 3), (3, 6), (6, 10), (10, 15), (15, 18), (18, 20), (20, 25), (25, 30), (30, 35),
    (35, 40), (40, 45), (45, 50), (50, 55), (55, 60), (60, 65), (65, 75), (75, AGE_OPEN), (0, AGE_OPEN),
)  # fmt: skip


def age_bands_2018(key: str, block: int = 0) -> dict[tuple[int, int], float]:
    """Persons by age group on 31.12.2018 (12411-02-03-5-B) for a Kreis key; block 0 total, 1 male, 2 female."""
    name = "12411-02-03-5-B_kreise_2018.csv" if len(key) == 5 else "12411-02-03-5-B_laender_2018.csv"
    for line in (DATA / "statistics" / name).read_text(encoding="latin-1").splitlines():
        cells = line.split(";")
        if cells[0] == key:
            values = cells[2 + 18 * block : 2 + 18 * (block + 1)]
            return {band: float(text) for band, text in zip(BANDS_12411, values, strict=True)}
    raise KeyError(key)


def zensus_2022_gemeinden(kreis_key: str) -> dict[str, int]:
    """Zensus 2022 population (15.05.2022, 1000A-0000) of each Gemeinde of a Kreis, by name."""
    path = DATA / "regions" / "1000A-0000_1773175153999_de_flat.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {
            row["1_variable_attribute_label"]: int(row["value"])
            for row in csv.DictReader(handle, delimiter=";")
            if row["1_variable_code"] == "GEOGM4" and row["1_variable_attribute_code"].startswith(kreis_key)
        }
