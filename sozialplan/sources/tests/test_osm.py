"""The OSM road readers on the real north-Bayreuth extract and on small hand-written files."""

from __future__ import annotations

import bz2
import gzip
import io
from collections import Counter
from pathlib import Path

import osmium
import pytest

from sozialplan.analysis.roads import RoadData
from sozialplan.sources.osm import (
    SKIP_BAD_NODE,
    SKIP_CUT_AWAY,
    SKIP_DELETED,
    SKIP_NO_HIGHWAY,
    SKIP_OUTSIDE,
    SKIP_SHORT,
    RoadFileError,
    clip,
    read_osm_pbf,
    read_osm_xml,
    read_roads,
)
from sozialplan.sources.tests.conftest import DATA

BAYREUTH = DATA / "roads" / "north-bayreuth.osm.gz"
BAYREUTH_CLASSES = {
    "track": 900,
    "residential": 313,
    "path": 197,
    "service": 156,
    "unclassified": 136,
    "tertiary": 80,
    "motorway": 64,
    "primary": 62,
    "footway": 41,
    "motorway_link": 33,
    "cycleway": 31,
    "secondary": 23,
    "living_street": 8,
    "primary_link": 6,
    "steps": 4,
    "road": 2,
}

# Five nodes near Bayreuth; way 12 uses the absent node 99, way 13 only 1 and the absent 98,
# way 14 repeats one node, way 15 is deleted in JOSM, way 11 is a building.
SMALL_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand">
  <meta osm_base="2014-11-05T10:47:02Z"/>
  <node id="1" lat="50.0000000" lon="11.5000000"/>
  <node id="2" lat="50.0010000" lon="11.5010000"><tag k="amenity" v="bench"/></node>
  <node id="3" lat="50.0020000" lon="11.5020000"/>
  <node id="4" lat="50.0030000" lon="11.5030000"/>
  <node id="5" lat="50.0040000" lon="11.5040000"/>
  <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="2"/><nd ref="3"/>
    <tag k="highway" v="residential"/><tag k="name" v="Hauptstra&#223;e"/><tag k="maxspeed" v="30"/></way>
  <way id="11"><nd ref="3"/><nd ref="4"/><nd ref="5"/><nd ref="3"/><tag k="building" v="yes"/></way>
  <way id="12"><nd ref="3"/><nd ref="4"/><nd ref="99"/><nd ref="5"/><nd ref="1"/><tag k="highway" v="footway"/></way>
  <way id="13"><nd ref="1"/><nd ref="98"/><tag k="highway" v="path"/></way>
  <way id="14"><nd ref="2"/><nd ref="2"/><tag k="highway" v="service"/></way>
  <way id="15" action="delete"><nd ref="4"/><nd ref="5"/><tag k="highway" v="track"/></way>
  <relation id="20"><member type="way" ref="10" role=""/><tag k="highway" v="pedestrian"/></relation>
</osm>
"""


def small_xml(ways: str, nodes: str = "") -> bytes:
    """An OSM XML document with the nodes 1 … 3 of SMALL_XML (or ``nodes``) and ``ways``."""
    nodes = nodes or (
        '<node id="1" lat="50.0" lon="11.5"/><node id="2" lat="50.001" lon="11.501"/>'
        '<node id="3" lat="50.002" lon="11.502"/>'
    )
    return f'<?xml version="1.0"?>\n<osm version="0.6">\n{nodes}\n{ways}\n</osm>\n'.encode()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def bayreuth() -> RoadData:
    """The real extract, parsed once for the module (about a second)."""
    return read_osm_xml(BAYREUTH)


@pytest.fixture(scope="module")
def bayreuth_pbf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole real extract (all nodes, ways, relations) copied by osmium to ``.osm.pbf``."""
    path = tmp_path_factory.mktemp("pbf") / "north-bayreuth.osm.pbf"
    header = osmium.io.Header()
    header.set("osmosis_replication_timestamp", "2014-11-05T10:47:02Z")
    with osmium.SimpleWriter(str(path), header=header) as writer:
        osmium.apply(osmium.io.Reader(osmium.io.File(str(BAYREUTH))), writer)
    return path


# --- the real extract -------------------------------------------------------------------------------------------


def test_it_reads_every_highway_way_of_north_bayreuth(bayreuth: RoadData) -> None:
    assert len(bayreuth.ways) == 2056
    assert len({way.way_id for way in bayreuth.ways}) == 2056
    assert bayreuth.missing_nodes == 0
    assert bayreuth.data_date == "2014-11-05T10:47:02Z"
    assert bayreuth.source_format == "osm-xml"


def test_highway_classes_of_north_bayreuth_match_the_data_readme(bayreuth: RoadData) -> None:
    assert Counter(way.tags["highway"] for way in bayreuth.ways) == BAYREUTH_CLASSES


def test_it_keeps_exactly_the_nodes_the_ways_use(bayreuth: RoadData) -> None:
    used = {node_id for way in bayreuth.ways for node_id in way.node_ids}
    assert set(bayreuth.nodes) == used
    assert len(used) == 14_166  # of 58,631 nodes in the file
    assert bayreuth.skipped == {SKIP_NO_HIGHWAY: 5745}  # buildings, landuse, waterways …
    west, south, east, north = bayreuth.bbox
    assert (west, south, east, north) == pytest.approx((11.4578201, 49.9673384, 11.6134246, 50.06025))


def test_it_keeps_all_tags_of_a_way(bayreuth: RoadData) -> None:
    motorway = [way for way in bayreuth.ways if way.tags["highway"] == "motorway"]
    assert all(isinstance(key, str) and isinstance(value, str) for way in motorway for key, value in way.tags.items())
    assert any("maxspeed" in way.tags or "ref" in way.tags for way in motorway)


def test_a_pbf_copy_gives_the_same_ways_and_positions(bayreuth: RoadData, bayreuth_pbf: Path) -> None:
    pbf = read_osm_pbf(bayreuth_pbf)
    assert pbf.source_format == "osm-pbf"
    assert pbf.data_date == "2014-11-05T10:47:02Z"
    assert pbf.ways == bayreuth.ways
    assert pbf.nodes.keys() == bayreuth.nodes.keys()
    assert all(pbf.nodes[n] == pytest.approx(bayreuth.nodes[n], abs=1e-7) for n in bayreuth.nodes)
    assert pbf.missing_nodes == 0
    assert pbf.skipped == bayreuth.skipped


def test_read_roads_recognises_pbf_by_content_not_name(bayreuth_pbf: Path) -> None:
    renamed = bayreuth_pbf.with_name("strassen.osm")
    renamed.write_bytes(bayreuth_pbf.read_bytes())
    data = read_roads(renamed)
    assert (data.source_format, len(data.ways)) == ("osm-pbf", 2056)


# --- small OSM XML ----------------------------------------------------------------------------------------------


def test_it_reads_a_small_file_and_cuts_ways_at_missing_nodes() -> None:
    data = read_osm_xml(io.BytesIO(SMALL_XML))
    assert [(way.way_id, way.node_ids) for way in data.ways] == [(10, (1, 2, 3)), (12, (3, 4)), (12, (5, 1))]
    assert data.missing_nodes == 2
    assert data.skipped == {SKIP_NO_HIGHWAY: 1, SKIP_CUT_AWAY: 1, SKIP_SHORT: 1, SKIP_DELETED: 1}
    assert data.ways[0].tags == {"highway": "residential", "name": "Hauptstraße", "maxspeed": "30"}
    assert data.nodes == {
        1: (11.5, 50.0),
        2: (11.501, 50.001),
        3: (11.502, 50.002),
        4: (11.503, 50.003),
        5: (11.504, 50.004),
    }
    assert data.data_date == "2014-11-05T10:47:02Z"


@pytest.mark.parametrize("pack", [lambda b: b, gzip.compress, bz2.compress], ids=["plain", "gzip", "bzip2"])
def test_plain_and_compressed_xml_read_the_same(tmp_path: Path, pack: object) -> None:
    assert callable(pack)
    expected = read_osm_xml(io.BytesIO(SMALL_XML))
    assert read_osm_xml(write(tmp_path, "roads.osm", pack(SMALL_XML))) == expected
    assert read_osm_xml(io.BytesIO(pack(SMALL_XML))) == expected
    assert read_roads(write(tmp_path, "roads.bin", pack(SMALL_XML))) == expected


def test_a_declared_latin1_file_is_decoded() -> None:
    text = small_xml(
        '<way id="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/><tag k="name" v="Stra\xdfe"/></way>'
    )
    raw = text.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="ISO-8859-1"?>')
    raw = raw.replace("ß".encode(), b"\xdf")
    assert read_osm_xml(io.BytesIO(raw)).ways[0].tags["name"] == "Straße"


def test_nodes_with_impossible_coordinates_are_skipped_and_missing() -> None:
    nodes = '<node id="1" lat="95.0" lon="11.5"/><node id="2" lat="50.0" lon="11.5"/><node id="3" lat="50" lon="x"/>'
    ways = '<way id="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="path"/></way>'
    with pytest.raises(RoadFileError, match="verweisen nur auf Knoten, die in der Datei fehlen"):
        read_osm_xml(io.BytesIO(small_xml(ways, nodes)))
    ways += '<way id="2"><nd ref="2"/><nd ref="4"/><tag k="highway" v="path"/></way>'
    nodes += '<node id="4" lat="50.1" lon="11.5"/>'
    data = read_osm_xml(io.BytesIO(small_xml(ways, nodes)))
    assert data.skipped == {SKIP_BAD_NODE: 2, SKIP_CUT_AWAY: 1}
    assert data.missing_nodes == 2


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE osm [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<osm version="0.6"><way id="1"><tag k="highway" v="&lol3;"/></way></osm>
"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE osm SYSTEM "file:///etc/passwd">
<osm version="0.6"/>
"""


@pytest.mark.parametrize("raw", [BILLION_LAUGHS, EXTERNAL, gzip.compress(BILLION_LAUGHS)], ids=["lol", "ext", "gz"])
def test_a_document_type_declaration_is_refused(raw: bytes) -> None:
    with pytest.raises(RoadFileError, match="DOCTYPE") as caught:
        read_osm_xml(io.BytesIO(raw))
    assert caught.value.line == 2


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "Die Datei ist leer."),
        (b"  \n", "kein XML-Element"),
        (SMALL_XML[:700], "abgeschnitten"),
        (SMALL_XML[:-20], "abgeschnitten"),
        (gzip.compress(SMALL_XML)[:200], "gzip-komprimierte Datei ist beschädigt oder unvollständig"),
        (b"\x1f\x8bnot really gzip", "gzip-komprimierte Datei ist beschädigt"),
        (b"BZh9 broken", "bzip2-komprimierte Datei ist beschädigt"),
        (small_xml('<way id="1"><tag k="name" v="Stra\xdfe"/></way>').replace(b"\xc3\x9f", b"\xdf"), "UTF-8"),
        (b'<?xml version="1.0"?><gpx version="1.1"><trk/></gpx>', "Wurzelelement „gpx“ statt „osm“"),
        (b'<osm><way id="1"><tag k="highway" v="&foo;"/></way></osm>', "nicht definierte Entität"),
        (b"<osm><node id='1' lat='1' lon='1'></osm>", "kein wohlgeformtes XML"),
        (small_xml('<way id="1"><nd ref="x"/></way>'), "keine ganze Zahl als ref"),
        (small_xml('<way id="w1"><nd ref="1"/></way>'), "keine ganze Zahl als id"),
        (small_xml('<way id="1"><tag v="residential"/></way>'), "kein k oder v"),
        (small_xml('<way id="1"><nd ref="1"/><nd ref="2"/><tag k="building" v="yes"/></way>'), "keine Straßen"),
        (small_xml('<way id="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v=""/></way>'), "keine Straßen"),
    ],
    ids=[
        "empty",
        "blank",
        "truncated-inside",
        "truncated-end",
        "gzip-truncated",
        "gzip-garbage",
        "bzip2-garbage",
        "latin1",
        "gpx",
        "entity",
        "unclosed",
        "nd-ref",
        "way-id",
        "tag-k",
        "no-highway",
        "empty-highway",
    ],
)
def test_broken_xml_is_refused_in_german(raw: bytes, message: str) -> None:
    with pytest.raises(RoadFileError, match=message):
        read_osm_xml(io.BytesIO(raw))


def test_the_message_names_the_file_and_line_but_no_directory(tmp_path: Path) -> None:
    path = write(tmp_path, "kaputt.osm", small_xml('<way id="1">\n<nd ref="x"/></way>'))
    with pytest.raises(RoadFileError) as caught:
        read_osm_xml(path)
    assert str(caught.value) == "kaputt.osm, Zeile 5: Ein Knotenverweis (nd) hat keine ganze Zahl als ref."
    assert str(tmp_path) not in str(caught.value)


def test_size_and_way_limits_stop_the_reader() -> None:
    with pytest.raises(RoadFileError, match="entpackt größer als 1,0\xa0KB"):
        read_osm_xml(io.BytesIO(gzip.compress(SMALL_XML * 2)), max_bytes=1024)
    with pytest.raises(RoadFileError, match="größer als 100\xa0Bytes"):
        read_osm_xml(io.BytesIO(SMALL_XML), max_bytes=100)
    with pytest.raises(RoadFileError, match="mehr als 2 Straßen und Wege"):
        read_osm_xml(io.BytesIO(SMALL_XML), max_ways=2)


def test_a_missing_file_is_a_german_error(tmp_path: Path) -> None:
    for reader in (read_osm_xml, read_roads, read_osm_pbf):
        with pytest.raises(RoadFileError, match="Die Datei gibt es nicht"):
            reader(tmp_path / "fehlt.osm")
    for reader in (read_osm_xml, read_roads, read_osm_pbf):
        with pytest.raises(RoadFileError, match="Verzeichnis"):
            reader(tmp_path)


# --- small PBF --------------------------------------------------------------------------------------------------


def small_pbf(path: Path) -> Path:
    """Nodes 1, 2, 4 and ways 7 (residential over the absent node 3) and 8 (a building)."""
    mutable = osmium.osm.mutable
    header = osmium.io.Header()  # no osmosis_replication_timestamp
    with osmium.SimpleWriter(osmium.io.File(str(path), "pbf"), header=header) as writer:
        writer.add_node(mutable.Node(id=1, location=(11.5, 50.0)))
        writer.add_node(mutable.Node(id=2, location=(11.501, 50.001)))
        writer.add_node(mutable.Node(id=4, location=(11.503, 50.003)))
        writer.add_way(mutable.Way(id=7, nodes=[1, 2, 3, 4, 1], tags={"highway": "residential", "name": "Ring"}))
        writer.add_way(mutable.Way(id=8, nodes=[1, 2, 4, 1], tags={"building": "yes"}))
    return path


def test_pbf_ways_are_cut_at_missing_nodes(tmp_path: Path) -> None:
    data = read_osm_pbf(small_pbf(tmp_path / "small.osm.pbf"))
    assert [(way.way_id, way.node_ids) for way in data.ways] == [(7, (1, 2)), (7, (4, 1))]
    assert data.ways[0].tags == {"highway": "residential", "name": "Ring"}
    assert data.missing_nodes == 1
    assert data.skipped == {SKIP_NO_HIGHWAY: 1}
    assert data.nodes == {1: (11.5, 50.0), 2: (11.501, 50.001), 4: (11.503, 50.003)}
    assert data.data_date == ""


def test_broken_pbf_files_are_refused(tmp_path: Path) -> None:
    good = small_pbf(tmp_path / "small.osm.pbf").read_bytes()
    with pytest.raises(RoadFileError, match="PBF-Datei ist beschädigt oder unvollständig"):
        read_osm_pbf(write(tmp_path, "cut.osm.pbf", good[: len(good) // 2]))
    with pytest.raises(RoadFileError, match="PBF-Datei ist beschädigt"):
        read_osm_pbf(write(tmp_path, "garbage.osm.pbf", b"\x00\x00\x00\x0d\n\tOSMHeader garbage"))
    with pytest.raises(RoadFileError, match="leer"):
        read_osm_pbf(write(tmp_path, "empty.osm.pbf", b""))
    with pytest.raises(RoadFileError, match="größer als 10\xa0Bytes"):
        read_osm_pbf(tmp_path / "small.osm.pbf", max_bytes=10)
    with pytest.raises(RoadFileError, match="zusätzlich komprimiert"):
        read_roads(write(tmp_path, "small.osm.pbf.gz", gzip.compress(good)))


# --- format detection and clipping ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "Die Datei ist leer."),
        (gzip.compress(b""), "Die Datei ist leer."),
        (b"name;lat;lon\nA;50;11\n", "Dateiformat ist nicht erkannt"),
        (b"\x89PNG\r\n\x1a\n", "Dateiformat ist nicht erkannt"),
        (b"\xef\xbb\xbf  ", "Die Datei ist leer."),
    ],
    ids=["empty", "empty-gzip", "csv", "png", "bom"],
)
def test_read_roads_refuses_what_it_does_not_know(tmp_path: Path, raw: bytes, message: str) -> None:
    with pytest.raises(RoadFileError, match=message):
        read_roads(write(tmp_path, "roads.osm", raw))


def test_read_roads_dispatches_by_content(tmp_path: Path) -> None:
    assert read_roads(write(tmp_path, "a.geojson", SMALL_XML)).source_format == "osm-xml"
    assert read_roads(small_pbf(tmp_path / "a.osm")).source_format == "osm-pbf"
    geojson = b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"highway": "path"},'
    geojson += b' "geometry": {"type": "LineString", "coordinates": [[11.5, 50.0], [11.6, 50.1]]}}]}'
    assert read_roads(write(tmp_path, "a.osm.pbf", geojson)).source_format == "geojson"
    assert read_roads(write(tmp_path, "a.gz", gzip.compress(b"\n " + geojson))).source_format == "geojson"


def test_clip_keeps_whole_ways_touching_the_box() -> None:
    data = read_osm_xml(io.BytesIO(SMALL_XML))
    clipped = clip(data, (11.5035, 50.0035, 11.6, 50.1))  # only node 5
    assert [(way.way_id, way.node_ids) for way in clipped.ways] == [(12, (5, 1))]
    assert clipped.nodes == {5: data.nodes[5], 1: data.nodes[1]}
    assert clipped.skipped[SKIP_OUTSIDE] == 2
    assert clipped.missing_nodes == data.missing_nodes
    assert clip(data, data.bbox) == data
    with pytest.raises(ValueError, match="West ≤ Ost"):
        clip(data, (12.0, 50.0, 11.0, 51.0))
    with pytest.raises(ValueError, match="endlichen"):
        clip(data, (float("nan"), 50.0, 11.0, 51.0))
