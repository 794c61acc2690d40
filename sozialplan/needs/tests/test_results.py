"""Categories, offer matching, age bands and the result helpers (no run needed)."""

from __future__ import annotations

import numpy as np
import pytest

from sozialplan.needs.categories import DEMAND_GROUPS, matching_categories, offer_matches
from sozialplan.needs.inputs import Reference, band_value
from sozialplan.needs.results import _per_offer_minimum, matrix_from_bytes, matrix_to_bytes
from sozialplan.sources.statistics import AGE_OPEN

pytestmark = pytest.mark.django_db


def test_the_demand_groups_have_age_bands_and_german_labels() -> None:
    assert DEMAND_GROUPS["hochbetagte"].band == (80, 999) and DEMAND_GROUPS["hochbetagte"].label == "Menschen ab 80"
    assert DEMAND_GROUPS["hochbetagte"].half_open == (80, AGE_OPEN)
    assert DEMAND_GROUPS["kinder-unter-6"].half_open == (0, 6)
    assert DEMAND_GROUPS["familien"].band == (0, 17)
    assert DEMAND_GROUPS["familien"].proxy_note == "Kinder und Jugendliche unter 18 als Maß für Familien"
    assert "alleinerziehende" not in DEMAND_GROUPS and "pflegende-angehoerige" not in DEMAND_GROUPS


@pytest.mark.parametrize(
    ("fields", "groups", "ages", "category", "expected"),
    [
        ([6], ["senioren"], (None, None), (6, "senioren"), True),
        ([6], ["senioren"], (None, None), (5, "senioren"), False),  # another Handlungsfeld
        ([3], ["alle-generationen"], (None, None), (3, "kinder"), True),
        ([4], ["eltern"], (0, 3), (4, "kinder-unter-6"), True),  # age range overlaps 0–5
        ([4], ["eltern"], (0, 3), (4, "kinder"), False),
        ([6], ["eltern"], (60, None), (6, "hochbetagte"), True),  # 60 and older overlaps 80+
        ([6], ["senioren"], (None, None), (6, "hochbetagte"), True),  # 65+ contains 80+
        ([6], ["hochbetagte"], (None, None), (6, "senioren"), False),  # but not the other way round
        ([2], ["familien"], (None, None), (2, "kinder-unter-6"), False),  # Familien is a proxy
        ([4], ["alleinerziehende"], (None, None), (4, "alleinerziehende"), False),  # no age basis
        ([5], ["alle-generationen"], (None, None), (5, "alle-generationen"), True),
        ([2], ["eltern"], (0, 5), (2, "alle-generationen"), False),  # a Kita is not for everybody
        ([6], ["senioren"], (65, None), (6, "alle-generationen"), False),
        ([5], ["eltern"], (0, None), (5, "alle-generationen"), True),  # open to every age
        ([5], ["eltern"], (None, None), (5, "alle-generationen"), False),  # no age range at all
    ],
)
def test_an_offer_serves_a_category_by_zielgruppe_age_range_or_wider_age_group(
    fields: list[int], groups: list[str], ages: tuple[int | None, int | None], category: tuple[int, str], expected: bool
) -> None:
    assert offer_matches(fields, groups, ages[0], ages[1], *category) is expected


def test_the_categories_of_some_offers_are_sorted_by_handlungsfeld() -> None:
    offers = [([6], ["senioren"], None, None), ([2], ["kinder-unter-6", "familien"], None, None)]
    assert matching_categories(offers) == [
        (2, "kinder-unter-6"),
        (2, "familien"),
        (6, "senioren"),
        (6, "hochbetagte"),
    ]


def test_a_band_straddling_the_data_is_split_by_years_or_by_a_finer_table() -> None:
    gemeinde = {(0, 10): 100.0, (10, 15): 50.0, (15, AGE_OPEN): 850.0}
    land = Reference("Thüringen am 15.05.2022 (1000A-2022)", {(0, 15): 1000.0, (15, 18): 30.0, (18, AGE_OPEN): 970.0})
    splits: dict[str, str] = {}
    # 14–17: a fifth of 10–14 (evenly by years) + 30/1000 of 15+ (from the Land's table).
    assert band_value(gemeinde, (14, 18), [land], splits) == pytest.approx(50 / 5 + 850 * 0.03)
    assert splits == {
        "14": "Gruppe 10–14 gleichmäßig nach Lebensjahren geteilt",
        "18": "Gruppe 15 und älter im Verhältnis von Thüringen am 15.05.2022 (1000A-2022) geteilt",
    }
    assert band_value(gemeinde, (0, AGE_OPEN), [], {}) == pytest.approx(1000.0)


def test_an_offer_at_two_sites_counts_once_at_its_nearer_site() -> None:
    minutes = np.array([[10.0, 40.0, np.nan], [50.0, 20.0, 5.0]])
    reduced = _per_offer_minimum(minutes, [7, 7, 9])
    assert reduced.tolist() == [[10.0, np.inf], [20.0, 5.0]]


def test_the_matrix_survives_storage() -> None:
    matrix = {"car_m": np.array([[1.5, np.nan]]), "car_min": np.array([[0.1, np.inf]])}
    again = matrix_from_bytes(memoryview(matrix_to_bytes(matrix)))
    assert set(again) == {"car_m", "car_min"}
    np.testing.assert_array_equal(again["car_m"], matrix["car_m"])
    np.testing.assert_array_equal(again["car_min"], matrix["car_min"])


def test_an_age_range_opens_no_category_for_all_generations() -> None:
    kita = ([2], ["eltern"], 0, 5)
    assert matching_categories([kita]) == [(2, "kinder-unter-6"), (2, "familien")]
    assert (2, "alle-generationen") in matching_categories([kita, ([2], ["alle-generationen"], None, None)])
