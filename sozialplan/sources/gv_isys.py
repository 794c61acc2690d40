"""Reader of the Destatis GV-ISys extract ``AuszugGV…`` as CSV: Gemeinde centres.

The CSV (converted from Destatis' xlsx) is UTF-8 with BOM, comma-separated,
with German number formatting: coordinates with a decimal comma in quotes
(``"10,729007"``), population with a space as thousands separator
(``" 11 831"``). Only Satzart 60 (Gemeinde) rows carry coordinates; the AGS is
``land + rb + kreis + gemeinde``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sozialplan.sources.errors import SourceError
from sozialplan.sources.textfile import decode_utf8, file_label, parse_decimal, parse_german_int, read_bytes

REQUIRED_COLUMNS = ("satzart", "land", "rb", "kreis", "gemeinde", "gemeindename", "laengengrad", "breitengrad")

#: Coordinates outside this box are not in Germany (with a margin).
LAT_RANGE = (47.0, 55.2)
LON_RANGE = (5.5, 15.3)


@dataclass(frozen=True, slots=True)
class GemeindeCentre:
    """A Gemeinde's centre point in WGS84 decimal degrees, with the extract's area and population."""

    ags: str
    name: str
    latitude: float
    longitude: float
    area_km2: float | None
    population: int | None
    line: int


def looks_like_gv_isys(head: str) -> bool:
    first = head.lstrip("\ufeff").split("\n", 1)[0].lower()
    return first.startswith("satzart,") and "laengengrad" in first and "breitengrad" in first


def read_gv_isys(source: Path | bytes, *, file: str | None = None, only: str | None = None) -> Iterator[GemeindeCentre]:
    """Yield the Gemeinde centres of a GV-ISys CSV (Gemeinden without coordinates are skipped).

    ``only`` keeps AGS starting with that prefix. ``SourceError`` on a missing
    column or a value that is not a number or outside Germany.
    """
    label = file or (file_label(source, "GV-ISys") if isinstance(source, Path) else "GV-ISys")
    text = decode_utf8(read_bytes(source, file=label), file=label)
    if "\x00" in text:
        raise SourceError("Die Datei enthält NUL-Bytes.", file=label)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise SourceError("Die Datei ist leer.", file=label) from None
    except csv.Error as exc:
        raise SourceError(f"Kopfzeile nicht lesbar ({exc}).", file=label, line=1) from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise SourceError(
            "Es fehlen die Spalten " + ", ".join(f"„{c}“" for c in missing) + ".",
            file=label,
            line=1,
        )
    col = {name: header.index(name) for name in header}
    try:
        for row in reader:
            lineno = reader.line_num
            if not row or row[0].strip() != "60":
                continue
            if len(row) != len(header):
                raise SourceError(f"Die Zeile hat {len(row)} statt {len(header)} Felder.", file=label, line=lineno)
            ags = "".join(row[col[c]].strip() for c in ("land", "rb", "kreis", "gemeinde"))
            if not (ags.isascii() and ags.isdigit() and len(ags) == 8):
                raise SourceError(f"Der Gemeindeschlüssel „{ags}“ ist nicht 8-stellig.", file=label, line=lineno)
            if only and not ags.startswith(only):
                continue
            centre = _centre(row, col, ags, label=label, lineno=lineno)
            if centre is not None:
                yield centre
    except csv.Error as exc:
        raise SourceError(f"Die CSV-Struktur ist fehlerhaft ({exc}).", file=label, line=reader.line_num) from exc


def _centre(row: list[str], col: dict[str, int], ags: str, *, label: str, lineno: int) -> GemeindeCentre | None:
    try:
        lon = parse_decimal(row[col["laengengrad"]])
        lat = parse_decimal(row[col["breitengrad"]])
        area = parse_decimal(row[col["flaeche"]]) if "flaeche" in col else None
        population = parse_german_int(row[col["bevoelkerung"]]) if "bevoelkerung" in col else None
    except ValueError:
        raise SourceError("Koordinate, Fläche oder Einwohnerzahl ist keine Zahl.", file=label, line=lineno) from None
    if lat is None or lon is None or (lat == 0 and lon == 0):
        # "0,0" stands for "no coordinate" (e.g. the German-Luxembourg condominium).
        return None
    if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
        raise SourceError(f"Die Koordinate {lat}, {lon} liegt nicht in Deutschland.", file=label, line=lineno)
    return GemeindeCentre(
        ags=ags,
        name=row[col["gemeindename"]].strip(),
        latitude=lat,
        longitude=lon,
        area_km2=area,
        population=population,
        line=lineno,
    )
