from __future__ import annotations

import pytest

from sozialplan.analysis.ages import AGE_OPEN, age_label, compose_band
from sozialplan.analysis.tests.realdata import age_bands_2018

# Landkreis Hildburghausen, 31.12.2018 (12411-02-03-5-B, total of both sexes)
HILDBURGHAUSEN = age_bands_2018("16069")


def test_it_composes_the_destatis_bands_of_the_dependency_ratios() -> None:
    # unter 20: 1541 + 1568 + 2171 + 2540 + 1507 + 957 = 10284
    assert compose_band(HILDBURGHAUSEN, 0, 20) == pytest.approx(10284)
    # 20 bis unter 65: 2051 + 2713 + 3934 + 4256 + 3577 + 4270 + 5156 + 6008 + 5480 = 37445
    assert compose_band(HILDBURGHAUSEN, 20, 65) == pytest.approx(37445)
    # 65 und mehr: 7609 + 8215 = 15824
    assert compose_band(HILDBURGHAUSEN, 65, AGE_OPEN) == pytest.approx(15824)
    # the three add up to the published total 63553
    assert 10284 + 37445 + 15824 == 63553


def test_it_takes_a_published_band_as_it_is() -> None:
    assert compose_band(HILDBURGHAUSEN, 75, AGE_OPEN) == pytest.approx(8215)
    assert compose_band(HILDBURGHAUSEN, 0, AGE_OPEN) == pytest.approx(63553)


def test_it_composes_the_total_from_the_age_groups_when_the_total_is_missing() -> None:
    bands = {band: value for band, value in HILDBURGHAUSEN.items() if band != (0, AGE_OPEN)}
    assert compose_band(bands, 0, AGE_OPEN) == pytest.approx(63553)


def test_it_gives_none_without_an_exact_tiling() -> None:
    # 80+ cannot be cut out of "75 und mehr"; 0–4 not out of "3 bis unter 6"
    assert compose_band(HILDBURGHAUSEN, 80, AGE_OPEN) is None
    assert compose_band(HILDBURGHAUSEN, 0, 4) is None
    assert compose_band({}, 0, 6) is None


def test_it_ignores_bands_that_cross_the_boundaries() -> None:
    bands: dict[tuple[int, int], float | None] = {(0, 3): 10.0, (3, 6): 20.0, (0, 10): 99.0, (5, 8): 7.0}
    assert compose_band(bands, 0, 6) == pytest.approx(30.0)


def test_it_routes_around_a_band_with_a_symbol() -> None:
    # (3, 6) is "." (unknown), but a coarser table gives 0–6 via (0, 6)
    bands: dict[tuple[int, int], float | None] = {(0, 3): 10.0, (3, 6): None, (0, 6): 31.0, (6, 10): 5.0}
    assert compose_band(bands, 0, 10) == pytest.approx(36.0)
    assert compose_band({(0, 3): 10.0, (3, 6): None}, 0, 6) is None
    assert compose_band({(0, 6): float("nan"), (0, 3): 1.0, (3, 6): 2.0}, 0, 6) == pytest.approx(3.0)


def test_it_prefers_the_finest_tiling_when_the_data_disagree() -> None:
    # inconsistent on purpose: 0–3 + 3–6 = 30, but (0, 6) says 31; (0, 10) is not asked exactly
    bands: dict[tuple[int, int], float | None] = {(0, 3): 10.0, (3, 6): 20.0, (0, 6): 31.0, (6, 10): 5.0}
    assert compose_band(bands, 0, 10) == pytest.approx(35.0)
    # but a band published exactly as asked wins over any sum
    assert compose_band(bands, 0, 6) == pytest.approx(31.0)


def test_it_rejects_an_empty_band() -> None:
    with pytest.raises(ValueError, match="invalid age band"):
        compose_band(HILDBURGHAUSEN, 20, 20)


@pytest.mark.parametrize(
    ("age_from", "age_to", "label"),
    [
        (0, AGE_OPEN, "insgesamt"),
        (0, 3, "unter 3 Jahre"),
        (0, 1, "unter 1 Jahr"),
        (3, 6, "3 bis unter 6 Jahre"),
        (75, AGE_OPEN, "75 Jahre und mehr"),
        (1, 2, "1 Jahr"),
        (45, 46, "45 Jahre"),
    ],
)
def test_it_labels_age_bands_as_genesis_does(age_from: int, age_to: int, label: str) -> None:
    assert age_label(age_from, age_to) == label


def test_it_refuses_to_label_an_invalid_band() -> None:
    with pytest.raises(ValueError, match="invalid age band"):
        age_label(10, 5)
