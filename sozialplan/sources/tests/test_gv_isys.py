from __future__ import annotations

import pytest

from sozialplan.sources.errors import SourceError
from sozialplan.sources.gv_isys import looks_like_gv_isys, read_gv_isys
from sozialplan.sources.tests.conftest import GV_ISYS

HEADER = (
    "satzart,textkennzeichen,land,rb,kreis,vb,gemeinde,gemeindename,flaeche,bevoelkerung,maennlich,weiblich,"
    "jekm2,postleitzahl,laengengrad,breitengrad,schluessel,bezeichnung,verstaedterungschluessel,"
    "verstaedterungbezeichnung"
)
HILDBURGHAUSEN = (
    '60,63,16,0,69,0024,024,"Hildburghausen, Stadt", 72.89, 11 831, 5 901, 5 930,  162,98646,"10,729007",'
    '"50,425612",E28,Thüringer Wald,02,mittlere Besiedlungsdichte'
)


def test_it_reads_the_centre_of_hildburghausen_with_decimal_comma() -> None:
    centres = {c.ags: c for c in read_gv_isys(GV_ISYS, only="16069")}
    assert len(centres) == 32
    hbn = centres["16069024"]
    assert hbn.latitude == pytest.approx(50.425612)
    assert hbn.longitude == pytest.approx(10.729007)
    assert hbn.area_km2 == pytest.approx(72.89)
    assert hbn.population == 11831  # " 11 831": space as thousands separator


def test_it_skips_gemeinden_without_coordinates() -> None:
    centres = list(read_gv_isys(GV_ISYS))
    # 11,004 Satzart-60 rows; the German-Luxembourg condominium has "0,0" as coordinates.
    assert len(centres) == 11001
    assert all(c.latitude > 47 for c in centres)


def test_it_recognises_the_header_with_bom() -> None:
    assert looks_like_gv_isys("\ufeff" + HEADER)


def test_it_rejects_a_missing_column() -> None:
    raw = (HEADER.replace(",breitengrad", "") + "\n").encode()
    with pytest.raises(SourceError, match="„breitengrad“"):
        list(read_gv_isys(raw, file="auszug.csv"))


def test_it_rejects_a_coordinate_outside_germany_with_its_line() -> None:
    raw = f"{HEADER}\n{HILDBURGHAUSEN}\n{HILDBURGHAUSEN.replace('50,425612', '5,425612')}\n".encode()
    with pytest.raises(SourceError) as info:
        list(read_gv_isys(raw, file="auszug.csv"))
    assert info.value.line == 3
    assert "nicht in Deutschland" in str(info.value)


def test_it_rejects_a_value_that_is_not_a_number() -> None:
    raw = f"{HEADER}\n{HILDBURGHAUSEN.replace('10,729007', 'zehn')}\n".encode()
    with pytest.raises(SourceError, match="keine Zahl"):
        list(read_gv_isys(raw))
