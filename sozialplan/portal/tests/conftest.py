"""Fixtures of the portal tests: real offers of Landkreis Hildburghausen."""

from __future__ import annotations

import pytest

from sozialplan.offerings.models import Offering
from sozialplan.portal.tests.realdata import create_real_offers
from sozialplan.regions.models import District


@pytest.fixture
def offers(district: District, other_district: District) -> dict[str, Offering]:
    """Eleven published real offers (see ``realdata.REAL_OFFERS``), with both districts hosted."""
    return create_real_offers(district)
