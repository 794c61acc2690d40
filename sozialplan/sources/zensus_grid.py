"""Reader of the tiled Zensus 2011 grid (1 km cells, feature ALTER_KURZ = 5 age classes).

The files come from J. Gaffuri's tiling of the Zensus 2011 grid with eurostat
``gridtiler`` (``out/ALTER_KURZcsv/1000m/<tileX>/<tileY>.csv``). Each file is one
tile of ``tile_size`` × ``tile_size`` cells (128 at 1 km) with a header
``x,y,1,2,3,4,5``: local column and row of the cell in the tile (0 … tile_size−1,
``y`` grows northwards) and the persons in the ALTER_KURZ classes
``1`` unter 18, ``2`` 18–29, ``3`` 30–49, ``4`` 50–64, ``5`` 65 und älter.
Only populated cells are listed.

Coordinates (EPSG:3035, ETRS89-LAEA, metres) of the **lower-left corner** of a cell::

    X = origin_x + (tile_size · tile_x + x) · resolution
    Y = origin_y + (tile_size · tile_y + y) · resolution

with the generator run's ``originPoint`` (3,900,000 / 2,600,000), ``tileSizeCell``
(128) and ``resolutionGeo`` (1000) from its ``info.json``. The INSPIRE cell id is
``1kmN{Y/1000}E{X/1000}`` (e.g. ``1kmN3035E4372``, the town of Hildburghausen).

The statistical offices altered small counts for secrecy: values 1 and 2 do not
occur, 3 is frequent, so a small cell is unreliable and the sum of the classes is
not an exact cell total. Reference date of the Zensus 2011: 09.05.2011.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from sozialplan.sources.errors import SourceError
from sozialplan.sources.statistics import AGE_OPEN
from sozialplan.sources.textfile import decode_utf8, file_label

#: Reference date of the Zensus 2011.
ZENSUS_2011_DAY: Final = dt.date(2011, 5, 9)
#: Feature supported by this reader.
DATASET_CODE: Final = "ALTER_KURZ"
#: The ALTER_KURZ classes as (age_from, age_to) with age_to exclusive, in column order 1 … 5.
ALTER_KURZ_CLASSES: Final = ((0, 18), (18, 30), (30, 50), (50, 65), (65, AGE_OPEN))
HEADER: Final = ("x", "y", "1", "2", "3", "4", "5")
#: Tiling of the generator run (``info.json`` of ``out/ALTER_KURZcsv/1000m`` and its siblings).
DEFAULT_ORIGIN: Final = (3_900_000, 2_600_000)
DEFAULT_TILE_SIZE: Final = 128
DEFAULT_RESOLUTION: Final = 1000
SOURCE: Final = (
    "Zensus 2011, © Statistische Ämter des Bundes und der Länder; Kachelung J. Gaffuri (tiled-grid-germany-zensus2011)"
)
LICENCE: Final = "dl-de/by-2-0"

# ALTER_KURZcsv_1000m_3_3.csv (flattened copy) or …/ALTER_KURZcsv/1000m/3/3.csv (the repository's path).
_FLAT_NAME = re.compile(r"(?P<code>[A-Z][A-Z0-9_]*?)csv_(?P<res>\d+)m_(?P<x>\d+)_(?P<y>\d+)\.csv$")
_PATH_NAME = re.compile(r"(?P<code>[A-Z][A-Z0-9_]*?)csv/(?P<res>\d+)m/(?P<x>\d+)/(?P<y>\d+)\.csv$")


@dataclass(frozen=True, slots=True)
class GridCellRecord:
    """One populated grid cell.

    ``x``/``y`` are the EPSG:3035 coordinates in metres of the cell's lower-left
    corner; ``counts`` are ``(age_from, age_to, persons)`` for the five
    ALTER_KURZ classes (``age_to`` exclusive, ``AGE_OPEN`` = and older).
    """

    cell_id: str
    x: int
    y: int
    counts: tuple[tuple[int, int, int], ...]

    @property
    def total(self) -> int:
        """Sum of the classes (not an exact cell total: the classes were altered for secrecy)."""
        return sum(value for _, _, value in self.counts)


@dataclass(frozen=True)
class GridTable:
    """One tile of the Zensus grid.

    ``origin`` is the tiling origin (EPSG:3035 metres), ``resolution`` the cell
    size in metres, ``tile_size`` the cells per tile side; ``file_name`` is the
    name the file was read as (no directories).
    """

    dataset_code: str
    title: str
    tile_x: int
    tile_y: int
    resolution: int
    origin: tuple[int, int]
    cells: tuple[GridCellRecord, ...]
    source: str = SOURCE
    licence: str = LICENCE
    tile_size: int = DEFAULT_TILE_SIZE
    period: dt.date = ZENSUS_2011_DAY
    file_name: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def extent(self) -> tuple[int, int, int, int]:
        """(x_min, y_min, x_max, y_max) of the tile in EPSG:3035 metres (max exclusive)."""
        span = self.tile_size * self.resolution
        x0 = self.origin[0] + self.tile_x * span
        y0 = self.origin[1] + self.tile_y * span
        return (x0, y0, x0 + span, y0 + span)


def cell_id(x: int, y: int, resolution: int) -> str:
    """INSPIRE-style short cell id of the cell with lower-left corner (x, y), e.g. ``1kmN3035E4372``."""
    label = f"{resolution // 1000}km" if resolution % 1000 == 0 else f"{resolution}m"
    return f"{label}N{y // resolution}E{x // resolution}"


def looks_like_zensus_grid(head: str) -> bool:
    """Whether text starts with the header of a tiled ALTER_KURZ grid file."""
    first = head.lstrip("\ufeff").split("\n", 1)[0].strip()
    return tuple(first.split(",")) == HEADER


def read_zensus_grid(
    name: str, data: bytes, *, tile: tuple[int, int] | None = None, info: Mapping[str, Any] | None = None
) -> GridTable:
    """Read one tile of the Zensus 2011 ALTER_KURZ grid.

    The tile index (tile_x, tile_y) comes from the file name
    (``…csv_1000m_{tileX}_{tileY}.csv`` or ``…csv/1000m/{tileX}/{tileY}.csv``),
    else from ``tile``; a ``tile`` that contradicts the name is an error.
    ``info`` is the parsed ``info.json`` of the generator run (``crs``,
    ``tileSizeCell``, ``originPoint``, ``resolutionGeo``); without it the
    run's values (origin 3,900,000/2,600,000, 128 cells, 1,000 m) apply.

    ``SourceError`` (German, with line) for: another feature than ALTER_KURZ,
    a missing header, rows without 7 fields, values that are not whole numbers
    or negative, x/y outside the tile, duplicate cells, an empty file.
    """
    label = file_label(name, "gitter.csv")
    named = _FLAT_NAME.search(name.replace("\\", "/")) or _PATH_NAME.search(name.replace("\\", "/"))
    if named and named["code"] != DATASET_CODE:
        raise SourceError(
            f"Das Gittermerkmal „{named['code']}“ wird nicht unterstützt; erwartet ist {DATASET_CODE} "
            "(5 Altersklassen).",
            file=label,
        )
    tile_size, origin, resolution = _tiling(info, label)
    if named:
        if int(named["res"]) != resolution:
            raise SourceError(
                f"Die Auflösung im Dateinamen ({named['res']} m) passt nicht zur Kachelung ({resolution} m).",
                file=label,
            )
        named_tile = (int(named["x"]), int(named["y"]))
        if tile is not None and tile != named_tile:
            raise SourceError(
                f"Die angegebene Kachel {tile[0]}/{tile[1]} passt nicht zum Dateinamen ({named_tile[0]}/"
                f"{named_tile[1]}).",
                file=label,
            )
        tile = named_tile
    if tile is None:
        raise SourceError(
            "Die Kachel ist unbekannt: der Dateiname folgt nicht dem Muster „…_1000m_X_Y.csv“; "
            "bitte die Kachel angeben.",
            file=label,
        )
    text = decode_utf8(data, file=label)
    cells = _cells(text, tile=tile, tile_size=tile_size, origin=origin, resolution=resolution, label=label)
    km = f"{resolution // 1000} km" if resolution % 1000 == 0 else f"{resolution} m"
    return GridTable(
        dataset_code=DATASET_CODE,
        title=f"Zensus 2011: Personen nach Alter (5 Altersklassen) im {km}-Gitter",
        tile_x=tile[0],
        tile_y=tile[1],
        resolution=resolution,
        origin=origin,
        cells=cells,
        tile_size=tile_size,
        file_name=label,
        notes=(
            "Kleine Werte sind zur Geheimhaltung verändert (1 und 2 kommen nicht vor, 3 ist häufig); "
            "die Summe der Klassen ist keine exakte Zellensumme.",
        ),
    )


def _tiling(info: Mapping[str, Any] | None, label: str) -> tuple[int, tuple[int, int], int]:
    """(tile size, origin, resolution) from an ``info.json`` mapping or the defaults."""
    if info is None:
        return DEFAULT_TILE_SIZE, DEFAULT_ORIGIN, DEFAULT_RESOLUTION
    crs = str(info.get("crs", "3035"))
    if crs != "3035":
        raise SourceError(f"Das Koordinatensystem EPSG:{crs[:20]} wird nicht unterstützt (erwartet 3035).", file=label)
    try:
        tile_size = int(info.get("tileSizeCell", DEFAULT_TILE_SIZE))
        point = info.get("originPoint", {"x": DEFAULT_ORIGIN[0], "y": DEFAULT_ORIGIN[1]})
        origin = (int(point["x"]), int(point["y"]))
        resolution = int(info.get("resolutionGeo", DEFAULT_RESOLUTION))
    except (KeyError, TypeError, ValueError):
        raise SourceError(
            "Die Kachel-Metadaten (info.json) sind unvollständig oder keine Zahlen.", file=label
        ) from None
    if tile_size <= 0 or resolution <= 0:
        raise SourceError("Kachelgröße und Auflösung müssen positiv sein.", file=label)
    return tile_size, origin, resolution


def _cells(
    text: str, *, tile: tuple[int, int], tile_size: int, origin: tuple[int, int], resolution: int, label: str
) -> tuple[GridCellRecord, ...]:
    lines = text.split("\n")
    if not lines[0].strip():
        raise SourceError("Die Datei ist leer.", file=label, line=1)
    header = tuple(c.strip() for c in lines[0].rstrip("\r").split(","))
    if header != HEADER:
        raise SourceError(
            f"Die Kopfzeile „{lines[0].strip()[:60]}“ ist nicht „{','.join(HEADER)}“.", file=label, line=1
        )
    x0 = origin[0] + tile_size * tile[0] * resolution
    y0 = origin[1] + tile_size * tile[1] * resolution
    seen: set[tuple[int, int]] = set()
    cells: list[GridCellRecord] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        local = _numbers(line, label=label, line=number)
        x, y = local[0], local[1]
        if not (0 <= x < tile_size and 0 <= y < tile_size):
            raise SourceError(
                f"Die Zelle ({x}, {y}) liegt außerhalb der Kachel (0 bis {tile_size - 1}).", file=label, line=number
            )
        if (x, y) in seen:
            raise SourceError(f"Die Zelle ({x}, {y}) kommt doppelt vor.", file=label, line=number)
        seen.add((x, y))
        cx, cy = x0 + x * resolution, y0 + y * resolution
        counts = tuple((a, b, v) for (a, b), v in zip(ALTER_KURZ_CLASSES, local[2:], strict=True))
        cells.append(GridCellRecord(cell_id=cell_id(cx, cy, resolution), x=cx, y=cy, counts=counts))
    return tuple(cells)


def _numbers(text: str, *, label: str, line: int) -> list[int]:
    fields = text.rstrip("\r").split(",")
    if len(fields) != len(HEADER):
        raise SourceError(f"Die Zeile hat {len(fields)} statt {len(HEADER)} Felder.", file=label, line=line)
    values: list[int] = []
    for column, cell in zip(HEADER, fields, strict=True):
        cleaned = cell.strip()
        if cleaned.startswith("-") and cleaned[1:].isdigit():
            raise SourceError(f"Spalte „{column}“: der Wert {cleaned} ist negativ.", file=label, line=line)
        if not (cleaned.isascii() and cleaned.isdigit()):
            raise SourceError(f"Spalte „{column}“: „{cleaned[:20]}“ ist keine ganze Zahl.", file=label, line=line)
        values.append(int(cleaned))
    return values
