"""Small real region files for import tests, cut from the repository's copies in data/regions/."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from sozialplan.sources.tests.conftest import GV_ISYS, VG5000_GEM, VG5000_KRS, ZENSUS, gv100ad_lines


def write_gv100ad(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def kreis_files(directory: Path, kreis: str) -> list[Path]:
    """GV100AD, GV-ISys, VG5000 (Gemeinden and Kreise) and Zensus rows of one Kreis, as files."""
    paths = []
    for name, text in _kreis_texts(kreis):
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


@functools.cache
def _kreis_texts(kreis: str) -> tuple[tuple[str, str], ...]:
    """File names and contents of ``kreis_files`` (cut once per test process)."""
    texts = [(f"GV100AD_{kreis}.txt", "\n".join(gv100ad_lines(kreis)) + "\n")]
    isys_lines = GV_ISYS.read_text(encoding="utf-8-sig").splitlines()
    rows = [line for line in isys_lines if line.startswith("60,") and _isys_ags(line).startswith(kreis)]
    texts.append((f"gvisys_{kreis}.csv", "\n".join([isys_lines[0], *rows])))
    for source, name in ((VG5000_GEM, "gem"), (VG5000_KRS, "krs")):
        data = json.loads(source.read_text(encoding="utf-8"))
        key = "AGS" if name == "gem" else "ARS"
        data["features"] = [f for f in data["features"] if str(f["properties"][key]).startswith(kreis)]
        texts.append((f"vg5000_{name}_{kreis}.geojson", json.dumps(data)))
    zensus_lines = ZENSUS.read_text(encoding="utf-8-sig").splitlines()
    zensus_rows = [line for line in zensus_lines[1:] if line.split(";")[7].startswith(kreis)]
    texts.append((f"zensus_{kreis}.csv", "\n".join([zensus_lines[0], *zensus_rows])))
    return tuple(texts)


def _isys_ags(line: str) -> str:
    parts = line.split(",")
    return parts[2] + parts[3] + parts[4] + parts[6]


@pytest.fixture
def hbn_files(tmp_path: Path) -> list[Path]:
    """The five region files restricted to Landkreis Hildburghausen (16069)."""
    return kreis_files(tmp_path, "16069")


@pytest.fixture
def empty_regions(db: None) -> None:
    """No districts and no regions (the session's real regions are removed inside this test's transaction)."""
    from sozialplan.regions.models import District, Region, RegionKind

    District.objects.all().delete()
    for kind in (RegionKind.ORTSTEIL, RegionKind.GEMEINDE, RegionKind.VERBAND, RegionKind.KREIS, RegionKind.LAND):
        Region.objects.filter(kind=kind).delete()
