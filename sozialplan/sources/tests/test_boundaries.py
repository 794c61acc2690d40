from __future__ import annotations

import json

import pytest

from sozialplan.sources.boundaries import looks_like_geojson, read_boundaries
from sozialplan.sources.errors import SourceError
from sozialplan.sources.tests.conftest import VG5000_GEM, VG5000_KRS

SQUARE = {"type": "Polygon", "coordinates": [[[10.0, 50.0], [11.0, 50.0], [11.0, 51.0], [10.0, 50.0]]]}


def collection(*features: object, crs: str = "urn:ogc:def:crs:OGC:1.3:CRS84") -> bytes:
    data = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": crs}}, "features": features}
    return json.dumps(data).encode()


def test_it_reads_the_631_gemeinden_of_thueringen() -> None:
    boundaries = list(read_boundaries(VG5000_GEM))
    assert len(boundaries) == 631
    hbn = [b for b in boundaries if b.key.startswith("16069")]
    assert len(hbn) == 32
    stadt = next(b for b in hbn if b.key == "16069024")
    assert stadt.level == "gemeinde"
    assert stadt.name == "Hildburghausen"
    assert stadt.geometry["type"] in ("Polygon", "MultiPolygon")


def test_it_reads_kreise_by_their_five_digit_key() -> None:
    kreise = {b.key: b for b in read_boundaries(VG5000_KRS, only="16")}
    assert len(kreise) == 23  # VG5000 01.01.2021 still has Eisenach (16056)
    assert kreise["16069"].level == "kreis"


def test_it_recognises_geojson() -> None:
    assert looks_like_geojson(VG5000_GEM.read_text(encoding="utf-8")[:5000])


def test_it_rejects_another_coordinate_system() -> None:
    raw = collection({"type": "Feature", "properties": {"AGS": "16069024"}, "geometry": SQUARE}, crs="EPSG:31467")
    with pytest.raises(SourceError, match="nicht WGS84"):
        list(read_boundaries(raw, file="grenzen.geojson"))


def test_it_rejects_broken_json_with_its_line() -> None:
    with pytest.raises(SourceError) as info:
        list(read_boundaries(b'{"type": "FeatureCollection",\n "features": [,]}', file="grenzen.geojson"))
    assert info.value.line == 2
    assert "Kein gültiges JSON" in str(info.value)


@pytest.mark.parametrize(
    ("feature", "reason"),
    [
        ({"type": "Feature", "properties": {"GEN": "ohne Schlüssel"}, "geometry": SQUARE}, "weder einen"),
        ({"type": "Feature", "properties": {"AGS": "16069024"}, "geometry": None}, "keine Fläche"),
        (
            {
                "type": "Feature",
                "properties": {"AGS": "16069024"},
                "geometry": {"type": "Polygon", "coordinates": [[["a"]]]},
            },
            "ungültige Koordinaten",
        ),
        ("kein Objekt", "kein GeoJSON-Feature"),
    ],
)
def test_it_rejects_an_unusable_feature_naming_its_number(feature: object, reason: str) -> None:
    raw = collection({"type": "Feature", "properties": {"AGS": "16069012"}, "geometry": SQUARE}, feature)
    with pytest.raises(SourceError) as info:
        list(read_boundaries(raw, file="grenzen.geojson"))
    assert "Objekt Nr. 2" in str(info.value)
    assert reason in str(info.value)
