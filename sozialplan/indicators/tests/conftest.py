from __future__ import annotations

import pytest

from sozialplan.indicators.models import Dataset
from sozialplan.regions.models import District
from tests.statistics import load_real_statistics


@pytest.fixture
def real_statistics(district: District, other_district: District) -> tuple[Dataset, Dataset]:
    """12411-02-03-5-B 2018 for Kreise 16069/16070 and Land 16, Zensus 2022 totals per Gemeinde."""
    return load_real_statistics()
