from __future__ import annotations

import pytest

from sozialplan.regions.models import District


@pytest.mark.django_db
def test_it_lists_the_district_gemeinden_only(district: District, other_district: District) -> None:
    names = [g.name for g in district.gemeinden()]
    assert "Hildburghausen, Stadt" in names
    assert "Arnstadt, Stadt" not in names


@pytest.mark.django_db
def test_it_computes_density_in_inhabitants_per_km2(district: District) -> None:
    gemeinde = district.gemeinden().get(key="16069024")
    assert gemeinde.density == pytest.approx(11689 / 72.89)


def test_it_refuses_a_district_slug_that_names_a_fixed_page() -> None:
    from django.core.exceptions import ValidationError

    from sozialplan.regions.models import validate_district_slug

    with pytest.raises(ValidationError):
        validate_district_slug("traeger")
    validate_district_slug("hildburghausen")
