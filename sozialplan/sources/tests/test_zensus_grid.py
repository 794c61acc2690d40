from __future__ import annotations

import json

import pytest

from sozialplan.sources.errors import SourceError
from sozialplan.sources.tests.conftest import DATA
from sozialplan.sources.zensus_grid import GridTable, looks_like_zensus_grid, read_zensus_grid

GRID_DIR = DATA / "statistics" / "zensus2011_grid"
GRID = GRID_DIR / "ALTER_KURZcsv_1000m_3_3.csv"
HEADER = "x,y,1,2,3,4,5"


def read(text: str, name: str = "ALTER_KURZcsv_1000m_3_3.csv", tile: tuple[int, int] | None = None) -> GridTable:
    return read_zensus_grid(name, text.encode(), tile=tile)


def test_it_reads_every_cell_of_the_real_tile() -> None:
    table = read_zensus_grid(GRID.name, GRID.read_bytes())
    assert (table.tile_x, table.tile_y, table.resolution, table.origin) == (3, 3, 1000, (3_900_000, 2_600_000))
    assert len(table.cells) == 7334
    assert table.extent == (4_284_000, 2_984_000, 4_412_000, 3_112_000)
    first = table.cells[0]
    # first data line "0,9,13,15,26,36,31"
    assert (first.x, first.y, first.cell_id) == (4_284_000, 2_993_000, "1kmN2993E4284")
    assert first.counts == ((0, 18, 13), (18, 30, 15), (30, 50, 26), (50, 65, 36), (65, 999, 31))


def test_it_names_the_cell_of_hildburghausen_town_by_its_inspire_id() -> None:
    table = read_zensus_grid(GRID.name, GRID.read_bytes())
    (cell,) = [c for c in table.cells if c.cell_id == "1kmN3035E4372"]
    assert (cell.x, cell.y) == (4_372_000, 3_035_000)  # local cell x=88, y=51
    assert cell.total == 3660


def test_it_takes_the_tile_from_the_repository_path_and_the_tiling_from_info_json() -> None:
    info = json.loads((GRID_DIR / "GEBURTLAND_GRPcsv_1000m_info.json").read_text(encoding="utf-8"))
    table = read_zensus_grid("out/ALTER_KURZcsv/1000m/3/3.csv", GRID.read_bytes(), info=info)
    assert (table.tile_x, table.tile_y, len(table.cells)) == (3, 3, 7334)


def test_it_needs_the_tile_when_the_name_does_not_give_it() -> None:
    with pytest.raises(SourceError, match="Kachel ist unbekannt"):
        read(f"{HEADER}\n0,9,13,15,26,36,31", name="gitter.csv")
    table = read_zensus_grid("gitter.csv", f"{HEADER}\n88,51,486,563,929,756,926".encode(), tile=(3, 3))
    assert table.cells[0].cell_id == "1kmN3035E4372"


def test_it_uses_the_tile_size_of_info_json() -> None:
    info = json.loads((GRID_DIR / "INSGESAMTcsv_1000m_info.json").read_text(encoding="utf-8"))
    table = read_zensus_grid("gitter.csv", f"{HEADER}\n200,3,1,1,1,1,1".encode(), tile=(1, 1), info=info)
    # 3,900,000 + (256·1 + 200)·1000
    assert (table.cells[0].x, table.cells[0].y) == (4_356_000, 2_859_000)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("0,9,13,15,x,36,31", "keine ganze Zahl"),
        ("0,9,13,15,-3,36,31", "negativ"),
        ("0,128,13,15,26,36,31", "außerhalb der Kachel"),
        ("0,9,13,15,26,36", "6 statt 7 Felder"),
        ("0,9,13,15,26.5,36,31", "keine ganze Zahl"),
    ],
)
def test_it_rejects_a_bad_row_with_its_line(line: str, message: str) -> None:
    with pytest.raises(SourceError, match=message) as info:
        read(f"{HEADER}\n0,8,3,3,3,3,3\n{line}\n")
    assert info.value.line == 3


def test_it_rejects_a_duplicate_cell() -> None:
    with pytest.raises(SourceError, match="doppelt"):
        read(f"{HEADER}\n0,9,3,3,3,3,3\n0,9,3,3,3,3,3")


def test_it_rejects_a_missing_header_and_an_empty_file() -> None:
    with pytest.raises(SourceError, match="Kopfzeile"):
        read("0,9,13,15,26,36,31\n")
    with pytest.raises(SourceError, match="leer"):
        read("")


def test_it_rejects_another_grid_feature_and_a_contradicting_tile() -> None:
    with pytest.raises(SourceError, match="GEBURTLAND_GRP"):
        read(f"{HEADER}\n0,9,3,3,3,3,3", name="GEBURTLAND_GRPcsv_1000m_3_3.csv")
    with pytest.raises(SourceError, match="passt nicht zum Dateinamen"):
        read(f"{HEADER}\n0,9,3,3,3,3,3", tile=(2, 3))


def test_it_recognises_the_header() -> None:
    assert looks_like_zensus_grid(GRID.read_text(encoding="ascii")[:100])
    assert not looks_like_zensus_grid("statistics_code;statistics_label")
