"""What the OSM road readers (:mod:`sozialplan.sources.osm`, :mod:`~sozialplan.sources.osm_geojson`) share.

The error type, the size limits, the German reasons for skipped objects,
streaming (de)compressed input, and assembling ways: cutting a way at nodes
the file lacks, collapsing repeated nodes, refusing a file without roads.
Import the public names from :mod:`sozialplan.sources.osm`.
"""

from __future__ import annotations

import bz2
import gzip
import zlib
from collections import Counter
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, Final

from sozialplan.analysis.roads import RoadData, RoadWay
from sozialplan.sources.limits import german_count, size_text

#: Largest ``.osm.pbf`` file on disk.
MAX_FILE_BYTES: Final = 2 * 1024**3
#: Largest OSM XML after decompression, checked while streaming.
MAX_XML_BYTES: Final = 4 * 1024**3
#: Largest GeoJSON after decompression (it is parsed in memory as a whole).
MAX_GEOJSON_BYTES: Final = 512 * 1024**2
#: Most highway ways a file may have.
MAX_WAYS: Final = 5_000_000

# Reasons in RoadData.skipped.
SKIP_NO_HIGHWAY: Final = "Objekt ohne highway-Tag"
SKIP_DELETED: Final = "als gelöscht markiertes Objekt"
SKIP_BAD_NODE: Final = "Knoten ohne gültige Koordinaten"
SKIP_SHORT: Final = "Weg mit weniger als zwei Knoten"
SKIP_CUT_AWAY: Final = "Weg ohne zwei aufeinanderfolgende vorhandene Knoten"
SKIP_NOT_FEATURE: Final = "Objekt ist kein GeoJSON-Feature"
SKIP_NO_GEOMETRY: Final = "Objekt ohne Geometrie"
SKIP_BAD_COORDINATES: Final = "Linie mit ungültigen Koordinaten"
SKIP_OUTSIDE: Final = "Weg außerhalb des Ausschnitts"

CHUNK: Final = 1024 * 1024
GZIP_MAGIC: Final = b"\x1f\x8b"
BZIP2_MAGIC: Final = b"BZh"
_NO_ROADS: Final = "Die Datei enthält keine Straßen oder Wege (OSM-Wege mit highway-Tag)."
_NO_NODES: Final = "Die Straßen und Wege der Datei verweisen nur auf Knoten, die in der Datei fehlen."


class RoadFileError(ValueError):
    """A road file that cannot be used; ``str(error)`` is a German sentence, prefixed with the file name."""

    def __init__(self, message: str, *, file: str = "", line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.reason = message
        where = ", ".join(p for p in (file, f"Zeile {line}" if line is not None else "") if p)
        super().__init__(f"{where}: {message}" if where else message)


# --- input ------------------------------------------------------------------------------------------------------


def file_label(source: Path | BinaryIO, default: str) -> str:
    """The file name shown in messages (no directories: they may be server paths)."""
    name = source if isinstance(source, Path) else getattr(source, "name", None)
    if isinstance(name, str | Path):
        return Path(name).name or default
    return default


def open_file(path: Path, label: str) -> BinaryIO:
    """``path`` opened for binary reading; ``RoadFileError`` (German) if it is missing or unreadable."""
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise RoadFileError("Die Datei gibt es nicht.", file=label) from None
    except IsADirectoryError:
        raise RoadFileError("Das ist ein Verzeichnis, keine Datei.", file=label) from None
    except PermissionError:
        raise RoadFileError("Keine Berechtigung, die Datei zu lesen.", file=label) from None
    except OSError as exc:
        raise RoadFileError(f"Die Datei kann nicht gelesen werden (Fehler {exc.errno}).", file=label) from None


class _Prefixed:
    """A byte stream whose first bytes were already read (to look at the magic number)."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return self._rest.read(size)
        if size < 0:
            data, self._head = self._head + self._rest.read(), b""
            return data
        data, self._head = self._head[:size], self._head[size:]
        return data


def chunks(raw: BinaryIO, *, label: str, max_bytes: int) -> Generator[bytes, None, None]:
    """The (decompressed) content of ``raw`` in pieces of at most 1 MiB; ``RoadFileError`` above ``max_bytes``."""
    head = raw.read(3)
    stream: Any = _Prefixed(head, raw)
    packed = ""
    if head.startswith(GZIP_MAGIC):
        stream, packed = gzip.GzipFile(fileobj=stream, mode="rb"), "gzip"
    elif head.startswith(BZIP2_MAGIC):
        stream, packed = bz2.BZ2File(stream), "bzip2"
    total = 0
    try:
        while True:
            try:
                chunk = stream.read(CHUNK)
            except (EOFError, zlib.error, OSError) as exc:
                if not packed:
                    raise RoadFileError("Die Datei kann nicht gelesen werden.", file=label) from exc
                raise RoadFileError(
                    f"Die {packed}-komprimierte Datei ist beschädigt oder unvollständig.", file=label
                ) from exc
            if not chunk:
                return
            total += len(chunk)
            if total > max_bytes:
                raise RoadFileError(
                    f"Die Datei ist {'entpackt ' if packed else ''}größer als {size_text(max_bytes)}.", file=label
                )
            yield chunk
    finally:
        if packed:
            stream.close()  # the decompressor only; ``raw`` belongs to the caller


def read_all(source: Path | BinaryIO, *, label: str, max_bytes: int) -> bytes:
    """The whole (decompressed) content of a path or stream, at most ``max_bytes``."""
    if isinstance(source, Path):
        with open_file(source, label) as raw:
            return b"".join(chunks(raw, label=label, max_bytes=max_bytes))
    return b"".join(chunks(source, label=label, max_bytes=max_bytes))


# --- assembling ways --------------------------------------------------------------------------------------------


def parts_of(refs: Sequence[int | None]) -> list[tuple[int, ...]]:
    """Split a node list at missing nodes (``None``), collapse repeats, keep parts with ≥ 2 nodes."""
    parts: list[tuple[int, ...]] = []
    current: list[int] = []
    for ref in refs:
        if ref is None:
            if len(current) >= 2:
                parts.append(tuple(current))
            current = []
        elif not current or current[-1] != ref:
            current.append(ref)
    if len(current) >= 2:
        parts.append(tuple(current))
    return parts


def valid_position(lon: float, lat: float) -> bool:
    """Whether a position is in range (NaN fails every comparison, infinities the range)."""
    return -180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0


def check_way_count(count: int, max_ways: int, label: str) -> None:
    """``RoadFileError`` once a reader has collected more than ``max_ways`` ways."""
    if count > max_ways:
        raise RoadFileError(
            f"Die Datei hat mehr als {german_count(max_ways)} Straßen und Wege; das ist zu viel für eine Auswertung.",
            file=label,
        )


def add_parts(
    ways: list[RoadWay],
    skipped: Counter[str],
    way_id: int,
    marked: Sequence[int | None],
    tags: dict[str, str],
    distinct: int,
) -> None:
    """Append the parts of one way (``marked``: its node ids, ``None`` for absent nodes) to ``ways``.

    A way with no part left is counted in ``skipped``: as too short when it
    has fewer than ``distinct`` = 2 different nodes, else as cut away.
    """
    parts = parts_of(marked)
    if not parts:
        skipped[SKIP_SHORT if distinct < 2 else SKIP_CUT_AWAY] += 1
    ways.extend(RoadWay(way_id=way_id, node_ids=part, tags=tags) for part in parts)


def road_data(
    ways: list[RoadWay],
    nodes: dict[int, tuple[float, float]],
    source_format: str,
    data_date: str,
    missing: int,
    skipped: Counter[str],
    *,
    label: str,
) -> RoadData:
    """The reader's result with only the nodes the ways use; ``RoadFileError`` when no way is left."""
    if not ways:
        raise RoadFileError(_NO_NODES if missing else _NO_ROADS, file=label)
    used = {ref for way in ways for ref in way.node_ids}
    return RoadData(
        nodes={ref: nodes[ref] for ref in used} if len(used) != len(nodes) else nodes,
        ways=tuple(ways),
        source_format=source_format,
        data_date=data_date,
        missing_nodes=missing,
        skipped=dict(skipped),
    )
