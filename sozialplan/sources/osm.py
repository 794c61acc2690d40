"""Readers of OpenStreetMap road data: OSM XML (plain, gzip, bzip2), ``.osm.pbf`` and GeoJSON.

Every reader returns a :class:`~sozialplan.analysis.roads.RoadData` with the
ways that carry a ``highway`` tag (of any value: whether a way is usable on
foot or by car is decided when the network is built) and the positions of
exactly the nodes these ways use. What a reader leaves out is counted in
``RoadData.skipped`` under a German reason (e.g. "Objekt ohne highway-Tag").

Missing nodes: a way that refers to a node the file does not contain (an
extract cut at its border) is cut at that node into the parts before and
after it; the parts are never joined across the gap. ``missing_nodes``
counts such references; parts with fewer than two nodes are dropped.
Consecutive repetitions of the same node in a way are collapsed (they would
be edges of length 0).

GeoJSON has no nodes: :mod:`~sozialplan.sources.osm_geojson` makes one node
per distinct coordinate (rounded to 1e-7°, negative ids from
:func:`coordinate_node_id`), so lines meeting at a point share a node – also
across files. What the readers share (error, limits, reasons, decompression,
cutting ways) is in :mod:`~sozialplan.sources.osm_common`; import everything
from this module.

Safety: XML is read with expat directly. A document type declaration
(``<!DOCTYPE``, the only place entities can be declared) is refused before its
content is parsed, so entity expansion ("billion laughs") and external
entities are impossible. Compressed input is decompressed while streaming and
stops at ``MAX_XML_BYTES``; PBF files above ``MAX_FILE_BYTES``, GeoJSON above
``MAX_GEOJSON_BYTES`` (it is parsed in memory) and more than ``MAX_WAYS``
highway ways are refused. All problems raise :class:`RoadFileError` with a
German message that names the file (never a server path).

Memory: the XML reader keeps every node of the file as 24 bytes in compact
arrays (OSM XML lists nodes before the ways that use them), then keeps only
the nodes the road ways use; the PBF reader leaves the node index to
libosmium.
"""

from __future__ import annotations

import math
import os
import sys
from array import array
from collections import Counter
from pathlib import Path
from typing import BinaryIO, Final
from xml.parsers import expat

import numpy as np
import osmium

from sozialplan.analysis.roads import RoadData, RoadWay
from sozialplan.sources.limits import size_text
from sozialplan.sources.osm_common import (
    BZIP2_MAGIC,
    GZIP_MAGIC,
    MAX_FILE_BYTES,
    MAX_GEOJSON_BYTES,
    MAX_WAYS,
    MAX_XML_BYTES,
    SKIP_BAD_COORDINATES,
    SKIP_BAD_NODE,
    SKIP_CUT_AWAY,
    SKIP_DELETED,
    SKIP_NO_GEOMETRY,
    SKIP_NO_HIGHWAY,
    SKIP_NOT_FEATURE,
    SKIP_OUTSIDE,
    SKIP_SHORT,
    RoadFileError,
    add_parts,
    check_way_count,
    chunks,
    file_label,
    open_file,
    road_data,
    valid_position,
)
from sozialplan.sources.osm_geojson import coordinate_node_id, read_geojson_roads

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_GEOJSON_BYTES",
    "MAX_WAYS",
    "MAX_XML_BYTES",
    "SKIP_BAD_COORDINATES",
    "SKIP_BAD_NODE",
    "SKIP_CUT_AWAY",
    "SKIP_DELETED",
    "SKIP_NOT_FEATURE",
    "SKIP_NO_GEOMETRY",
    "SKIP_NO_HIGHWAY",
    "SKIP_OUTSIDE",
    "SKIP_SHORT",
    "RoadFileError",
    "clip",
    "coordinate_node_id",
    "read_geojson_roads",
    "read_osm_pbf",
    "read_osm_xml",
    "read_roads",
]

_UNKNOWN_FORMAT: Final = (
    "Das Dateiformat ist nicht erkannt. Gelesen werden OSM-XML (.osm, auch gzip- oder bzip2-komprimiert), "
    "OSM-PBF (.osm.pbf) und GeoJSON mit Linien."
)


# --- OSM XML ----------------------------------------------------------------------------------------------------


class _OsmXml:
    """expat callbacks collecting all nodes (compactly) and the ways with a ``highway`` tag."""

    def __init__(self, parser: expat.XMLParserType, *, label: str, max_ways: int) -> None:
        self.parser = parser
        self.label = label
        self.max_ways = max_ways
        self.node_ids = array("q")
        self.lons = array("d")
        self.lats = array("d")
        self.ways: list[tuple[int, list[int], dict[str, str]]] = []
        self.skipped: Counter[str] = Counter()
        self.data_date = ""
        self.root = ""
        self.way_id = 0
        self.refs: list[int] | None = None
        self.tags: dict[str, str] = {}
        self.deleted = False

    def malformed(self, what: str) -> RoadFileError:
        """The error for a broken element, with the line the parser is at."""
        return RoadFileError(what, file=self.label, line=self.parser.CurrentLineNumber)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        # Ordered by frequency: nd, node and tag are almost all elements of a file.
        if name == "nd":
            if self.refs is not None:
                try:
                    self.refs.append(int(attrs["ref"]))
                except (KeyError, ValueError):
                    raise self.malformed("Ein Knotenverweis (nd) hat keine ganze Zahl als ref.") from None
        elif name == "node":
            # The common case inline (this runs for every node of the file); the rest in node().
            try:
                lon, lat = float(attrs["lon"]), float(attrs["lat"])
                node_id = int(attrs["id"])
            except (KeyError, ValueError):
                lon = lat = math.nan
            if -180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0 and "action" not in attrs and "visible" not in attrs:
                self.node_ids.append(node_id)
                self.lons.append(lon)
                self.lats.append(lat)
            else:
                self.node(attrs)
        elif name == "tag":
            if self.refs is not None:
                try:
                    self.tags[sys.intern(attrs["k"])] = sys.intern(attrs["v"])
                except KeyError:
                    raise self.malformed("Ein Tag hat kein k oder v.") from None
        else:
            self.other(name, attrs)

    def other(self, name: str, attrs: dict[str, str]) -> None:
        """The start of a way (collect its nodes and tags from now on) or of ``meta`` (the data date)."""
        if name == "way":
            try:
                self.way_id = int(attrs["id"])
            except (KeyError, ValueError):
                raise self.malformed("Ein Weg hat keine ganze Zahl als id.") from None
            self.refs, self.tags, self.deleted = [], {}, _deleted(attrs)
        elif name == "meta" and "osm_base" in attrs:
            self.data_date = attrs["osm_base"][:40]

    def first(self, name: str, _attrs: dict[str, str]) -> None:
        """The root element: it must be ``osm``; later elements go to :meth:`start`."""
        self.root = name
        if name != "osm":
            raise self.malformed(f"Die Datei ist kein OSM-XML (Wurzelelement „{name[:40]}“ statt „osm“).")
        self.parser.StartElementHandler = self.start

    def node(self, attrs: dict[str, str]) -> None:
        """A node with attributes start() does not handle inline: deleted, invisible or broken."""
        if _deleted(attrs):
            self.skipped[SKIP_DELETED] += 1
            return
        try:
            node_id, lon, lat = int(attrs["id"]), float(attrs["lon"]), float(attrs["lat"])
        except (KeyError, ValueError):
            node_id, lon, lat = 0, math.nan, math.nan
        if not valid_position(lon, lat):
            self.skipped[SKIP_BAD_NODE] += 1
            return
        self.node_ids.append(node_id)
        self.lons.append(lon)
        self.lats.append(lat)

    def end(self, name: str) -> None:
        """The end of a way: keep it when it has a ``highway`` tag, else count it as skipped."""
        if name != "way" or self.refs is None:
            return
        if self.deleted:
            self.skipped[SKIP_DELETED] += 1
        elif not self.tags.get("highway"):
            self.skipped[SKIP_NO_HIGHWAY] += 1
        else:
            self.ways.append((self.way_id, self.refs, self.tags))
            check_way_count(len(self.ways), self.max_ways, self.label)
        self.refs, self.tags = None, {}

    def doctype(self, *_: object) -> None:
        raise self.malformed(
            "Die Datei enthält eine Dokumenttyp-Deklaration (<!DOCTYPE …>); "
            "das ist in OSM-XML nicht vorgesehen und wird aus Sicherheitsgründen abgelehnt."
        )

    def nodes_used(self) -> dict[int, tuple[float, float]]:
        """Positions of the nodes the collected ways refer to (the last one if an id occurs twice)."""
        wanted = np.fromiter({ref for _, refs, _ in self.ways for ref in refs}, dtype=np.int64)
        ids = np.frombuffer(self.node_ids, dtype=np.int64)
        if not len(ids) or not len(wanted):
            return {}
        order = np.argsort(ids, kind="stable")
        sorted_ids = ids[order]
        pos = np.searchsorted(sorted_ids, wanted, side="right") - 1
        found = pos >= 0
        found[found] = sorted_ids[pos[found]] == wanted[found]
        rows = order[pos[found]]
        lons = np.frombuffer(self.lons, dtype=np.float64)[rows]
        lats = np.frombuffer(self.lats, dtype=np.float64)[rows]
        return dict(zip(wanted[found].tolist(), zip(lons.tolist(), lats.tolist(), strict=True), strict=True))


def _deleted(attrs: dict[str, str]) -> bool:
    """JOSM marks deleted objects with ``action="delete"``, history files with ``visible="false"``."""
    return attrs.get("action") == "delete" or attrs.get("visible") == "false"


def _expat_message(exc: expat.ExpatError, *, started: bool) -> str:
    """expat's (English) error as a German sentence; ``started``: the root element had been read."""
    codes = expat.errors.codes
    if exc.code == codes[expat.errors.XML_ERROR_NO_ELEMENTS]:
        if not started:
            return "Die Datei enthält kein XML-Element."
        return "Die Datei endet mitten im XML; sie ist wohl abgeschnitten (unvollständiger Download?)."
    if exc.code in (codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN], codes[expat.errors.XML_ERROR_PARTIAL_CHAR]):
        return "Die Datei endet mitten im XML; sie ist wohl abgeschnitten (unvollständiger Download?)."
    if exc.code in (codes[expat.errors.XML_ERROR_UNKNOWN_ENCODING], codes[expat.errors.XML_ERROR_INCORRECT_ENCODING]):
        return "Die Zeichenkodierung der Datei wird nicht unterstützt oder passt nicht zur Angabe; bitte UTF-8."
    if exc.code == codes[expat.errors.XML_ERROR_INVALID_TOKEN]:
        return "Die Datei enthält ungültige Zeichen: sie ist beschädigt oder nicht UTF-8-kodiert."
    if exc.code == codes[expat.errors.XML_ERROR_UNDEFINED_ENTITY]:
        return "Die Datei verwendet eine nicht definierte Entität (&…;)."
    return f"Die Datei ist kein wohlgeformtes XML (Spalte {exc.offset + 1})."


def read_osm_xml(source: Path | BinaryIO, *, max_bytes: int = MAX_XML_BYTES, max_ways: int = MAX_WAYS) -> RoadData:
    """Read the road ways of an OSM XML 0.6 file (plain, gzip or bzip2, recognised by the magic bytes).

    ``source`` is a path or a binary stream (read from its current position,
    not closed). ``data_date`` comes from ``<meta osm_base="…"/>`` (Overpass).
    Objects marked deleted (JOSM ``action="delete"``, ``visible="false"``)
    are skipped. ``RoadFileError`` for an empty, truncated, non-UTF-8 or
    otherwise malformed file, a root element other than ``osm``, a document
    type declaration, more than ``max_bytes`` (decompressed) or ``max_ways``,
    and a file without usable highway ways.
    """
    label = file_label(source, "OSM-XML")
    if isinstance(source, Path):
        with open_file(source, label) as raw:
            collected = _parse_xml(raw, label=label, max_bytes=max_bytes, max_ways=max_ways)
    else:
        collected = _parse_xml(source, label=label, max_bytes=max_bytes, max_ways=max_ways)
    nodes = collected.nodes_used()
    ways: list[RoadWay] = []
    skipped = collected.skipped
    missing = 0
    for way_id, refs, tags in collected.ways:
        marked = [ref if ref in nodes else None for ref in refs]
        missing += marked.count(None)
        add_parts(ways, skipped, way_id, marked, tags, len(set(refs)))
    return road_data(ways, nodes, "osm-xml", collected.data_date, missing, skipped, label=label)


def _parse_xml(raw: BinaryIO, *, label: str, max_bytes: int, max_ways: int) -> _OsmXml:
    """Stream ``raw`` through expat (no DTD, no entities) into an :class:`_OsmXml` collector."""
    parser = expat.ParserCreate()
    handler = _OsmXml(parser, label=label, max_ways=max_ways)
    parser.StartElementHandler = handler.first
    parser.EndElementHandler = handler.end
    parser.StartDoctypeDeclHandler = handler.doctype
    parser.EntityDeclHandler = handler.doctype
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    size = 0
    try:
        for chunk in chunks(raw, label=label, max_bytes=max_bytes):
            size += len(chunk)
            parser.Parse(chunk, False)
        if not size:
            raise RoadFileError("Die Datei ist leer.", file=label)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise RoadFileError(_expat_message(exc, started=bool(handler.root)), file=label, line=exc.lineno) from None
    return handler


# --- OSM PBF ----------------------------------------------------------------------------------------------------


class _OtherWays:
    """osmium handler counting the ways the highway filter dropped (nodes pass through in C++: no ``node``)."""

    def __init__(self) -> None:
        self.count = 0

    def way(self, _way: osmium.osm.Way) -> None:
        self.count += 1


def read_osm_pbf(path: Path, *, max_bytes: int = MAX_FILE_BYTES, max_ways: int = MAX_WAYS) -> RoadData:
    """Read the road ways of an ``.osm.pbf`` file with pyosmium (any file name: the format is forced).

    Node positions come from libosmium's location index; a node the file
    lacks cuts the way (``missing_nodes``). ``data_date`` is the header
    option ``osmosis_replication_timestamp`` (Geofabrik and osmium set it).
    ``RoadFileError`` for a missing, empty, damaged or too large file and a
    file without highway ways.
    """
    label = file_label(path, "OSM-PBF")
    with open_file(path, label) as raw:  # a missing file or a directory: the German message
        size = os.fstat(raw.fileno()).st_size
    if not size:
        raise RoadFileError("Die Datei ist leer.", file=label)
    if size > max_bytes:
        raise RoadFileError(f"Die Datei ist größer als {size_text(max_bytes)}.", file=label)
    ways: list[RoadWay] = []
    nodes: dict[int, tuple[float, float]] = {}
    skipped: Counter[str] = Counter()
    missing = 0
    highway_ways = 0
    others = _OtherWays()
    try:
        processor = (
            osmium.FileProcessor(osmium.io.File(str(path), "pbf"), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway"))
            .handler_for_filtered(others)
        )
        data_date = processor.header.get("osmosis_replication_timestamp", "")[:40]
        for way in processor:
            if not isinstance(way, osmium.osm.Way):  # the entity filter lets only ways through
                continue
            tags = {sys.intern(tag.k): sys.intern(tag.v) for tag in way.tags}
            if not tags.get("highway"):
                skipped[SKIP_NO_HIGHWAY] += 1
                continue
            highway_ways += 1
            if highway_ways > max_ways:
                break
            refs: list[int] = []
            marked: list[int | None] = []
            for node in way.nodes:
                location = node.location
                refs.append(node.ref)
                if location.valid():
                    nodes[node.ref] = (location.lon, location.lat)
                    marked.append(node.ref)
                else:
                    marked.append(None)
                    missing += 1
            add_parts(ways, skipped, way.id, marked, tags, len(set(refs)))
    except (RuntimeError, OSError) as exc:  # libosmium reports format errors as RuntimeError
        raise RoadFileError("Die PBF-Datei ist beschädigt oder unvollständig.", file=label) from exc
    check_way_count(highway_ways, max_ways, label)
    if others.count:
        skipped[SKIP_NO_HIGHWAY] += others.count
    return road_data(ways, nodes, "osm-pbf", data_date, missing, skipped, label=label)


# --- detection and clipping -------------------------------------------------------------------------------------


def read_roads(path: Path) -> RoadData:
    """Read a road file of any supported format, recognised from its content (never from its name).

    gzip/bzip2 are unpacked to look inside; ``<`` starts OSM XML, ``{``
    GeoJSON; a PBF file has ``OSMHeader`` in its first block header.
    ``RoadFileError`` for an empty file, an unknown format and everything
    the format's reader refuses.
    """
    label = file_label(path, "Datei")
    with open_file(path, label) as raw:
        head = raw.read(64)
        if not head:
            raise RoadFileError("Die Datei ist leer.", file=label)
        raw.seek(0)
        inner = head
        if head.startswith((GZIP_MAGIC, BZIP2_MAGIC)):
            content = chunks(raw, label=label, max_bytes=MAX_XML_BYTES)
            try:
                inner = next(content, b"")[:4096]
            finally:
                content.close()
    if b"OSMHeader" in head[4:20]:
        return read_osm_pbf(path)
    if b"OSMHeader" in inner[4:20]:
        raise RoadFileError("Die PBF-Datei ist zusätzlich komprimiert; bitte zuerst entpacken.", file=label)
    start = inner.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"<"):
        return read_osm_xml(path)
    if start.startswith(b"{"):
        return read_geojson_roads(path)
    if not start:
        raise RoadFileError("Die Datei ist leer.", file=label)
    raise RoadFileError(_UNKNOWN_FORMAT, file=label)


def clip(data: RoadData, bbox: tuple[float, float, float, float]) -> RoadData:
    """The ways of ``data`` with at least one node inside ``bbox`` = (west, south, east, north) in degrees.

    Ways are kept whole (a road leaving the box still reaches its next
    junction outside). Dropped ways are counted under :data:`SKIP_OUTSIDE`;
    ``missing_nodes`` and the other counts describe the file and stay.
    ``ValueError`` (German) for a box that is not finite or has west > east
    or south > north.
    """
    west, south, east, north = bbox
    if not all(math.isfinite(v) for v in bbox) or west > east or south > north:
        raise ValueError("Der Ausschnitt muss aus endlichen Grenzen mit West ≤ Ost und Süd ≤ Nord bestehen.")
    inside = {node_id for node_id, (lon, lat) in data.nodes.items() if west <= lon <= east and south <= lat <= north}
    kept = tuple(way for way in data.ways if not inside.isdisjoint(way.node_ids))
    nodes = {node_id: data.nodes[node_id] for way in kept for node_id in way.node_ids if node_id in data.nodes}
    skipped = Counter(data.skipped)
    if len(kept) < len(data.ways):
        skipped[SKIP_OUTSIDE] += len(data.ways) - len(kept)
    return RoadData(
        nodes=nodes,
        ways=kept,
        source_format=data.source_format,
        data_date=data.data_date,
        missing_nodes=data.missing_nodes,
        skipped=dict(skipped),
    )
