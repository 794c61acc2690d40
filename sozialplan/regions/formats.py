"""Recognise region files by their content and parse them into one ``RegionData``.

Four formats are understood (see ``sozialplan.sources``): the Destatis
Gemeindeverzeichnis GV100AD, the GV-ISys extract CSV (Gemeinde centres),
BKG VG5000 GeoJSON (boundaries) and the Zensus 2022 GENESIS ffcsv 1000A-0000
(population). Parsing reads everything before anything is written, so a
broken file stops the import before the database is touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from sozialplan.sources.boundaries import Boundary, looks_like_geojson, read_boundaries
from sozialplan.sources.errors import SourceError
from sozialplan.sources.gv100ad import Gv100Record, looks_like_gv100ad, read_gv100ad
from sozialplan.sources.gv_isys import GemeindeCentre, looks_like_gv_isys, read_gv_isys
from sozialplan.sources.textfile import read_bytes
from sozialplan.sources.zensus import CensusPopulation, looks_like_zensus_ffcsv, read_zensus_population


class RegionFormat(StrEnum):
    GV100AD = "gv100ad"
    GV_ISYS = "gv-isys"
    VG5000 = "vg5000"
    ZENSUS = "zensus"


FORMAT_LABELS: dict[RegionFormat, str] = {
    RegionFormat.GV100AD: "Gemeindeverzeichnis GV100AD",
    RegionFormat.GV_ISYS: "GV-ISys-Auszug (Mittelpunkte)",
    RegionFormat.VG5000: "VG5000-Grenzen (GeoJSON)",
    RegionFormat.ZENSUS: "Zensus 2022 (GENESIS ffcsv 1000A-0000)",
}


def detect_format(head: bytes, *, file: str) -> RegionFormat:
    """The format of a region file from its first bytes (about 8 KB are enough)."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    if looks_like_geojson(text):
        return RegionFormat.VG5000
    if looks_like_zensus_ffcsv(text):
        return RegionFormat.ZENSUS
    if looks_like_gv_isys(text):
        return RegionFormat.GV_ISYS
    # Decoded with replacement, a character of an ISO-8859-1 file still counts as one.
    if looks_like_gv100ad(text):
        return RegionFormat.GV100AD
    raise SourceError(
        "Unbekanntes Dateiformat: erwartet GV100AD, GV-ISys-CSV, VG5000-GeoJSON oder Zensus-ffcsv 1000A-0000.",
        file=file,
    )


@dataclass
class RegionFile:
    """One parsed file: its name (for messages), format and source description."""

    name: str
    format: RegionFormat


@dataclass
class RegionData:
    """Everything read from a set of region files, in memory, not yet written."""

    files: list[RegionFile] = field(default_factory=list)
    records: list[Gv100Record] = field(default_factory=list)
    centres: list[tuple[str, GemeindeCentre]] = field(default_factory=list)
    boundaries: list[tuple[str, Boundary]] = field(default_factory=list)
    census: list[tuple[str, CensusPopulation]] = field(default_factory=list)
    gv100ad_file: str = ""


def read_region_file(data: RegionData, raw: bytes, *, name: str, only: str | None = None) -> RegionFormat:
    """Parse one file's bytes into ``data`` (``SourceError`` on any problem)."""
    fmt = detect_format(raw[:8192], file=name)
    if fmt is RegionFormat.GV100AD:
        if data.records:
            raise SourceError("Es kann nur eine GV100AD-Datei auf einmal eingelesen werden.", file=name)
        data.records = list(read_gv100ad(raw, file=name, only=only))
        data.gv100ad_file = name
    elif fmt is RegionFormat.GV_ISYS:
        data.centres.extend((name, c) for c in read_gv_isys(raw, file=name, only=only))
    elif fmt is RegionFormat.VG5000:
        data.boundaries.extend((name, b) for b in read_boundaries(raw, file=name, only=only))
    else:
        data.census.extend((name, c) for c in read_zensus_population(raw, file=name, only=only))
    data.files.append(RegionFile(name=name, format=fmt))
    return fmt


def read_region_files(paths: Iterable[Path], *, only: str | None = None) -> RegionData:
    """Parse all files (any order, formats detected by content) into one ``RegionData``."""
    data = RegionData()
    for path in paths:
        read_region_file(data, read_bytes(path, file=path.name), name=path.name, only=only)
    return data
