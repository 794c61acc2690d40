"""Paths of the repository's copies of the real files (data/regions, data/offers)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from sozialplan.sources.gv100ad import Gv100Record, read_gv100ad

DATA = Path(__file__).resolve().parents[3] / "data"
GV100AD = DATA / "regions" / "GV100AD_301123.txt"
GV_ISYS = DATA / "regions" / "AuszugGV4QAktuell_2020Q4.csv"
VG5000_GEM = DATA / "regions" / "vg5000_gem_thueringen_20210101.geojson"
VG5000_KRS = DATA / "regions" / "vg5000_krs_deutschland_20210101.geojson"
ZENSUS = DATA / "regions" / "1000A-0000_1773175153999_de_flat.csv"
OFFERS = DATA / "offers" / "hildburghausen" / "offers.csv"


@cache
def all_gv100ad_records() -> tuple[Gv100Record, ...]:
    """The whole GV100AD, parsed once per test process."""
    return tuple(read_gv100ad(GV100AD))


@cache
def _gv100ad_text() -> tuple[str, ...]:
    return tuple(GV100AD.read_text(encoding="utf-8").splitlines())


def gv100ad_lines(prefix: str) -> list[str]:
    """The real GV100AD lines of Land 16 and everything whose key starts with ``prefix``."""
    keep = []
    for line in _gv100ad_text():
        key = line[10:15] if line[:2] in ("40", "50", "60") else line[10:12]
        if key.startswith(prefix) or (line[:2] == "10" and prefix.startswith(line[10:12])):
            keep.append(line)
    return keep
