"""Data for the page tests beyond ``real_statistics``: estimated Gemeinde ages and a projection.

Both come from the real files through the product's own services: the
Zensus 2011 grid tile and the small-area estimate
(:func:`sozialplan.indicators.estimation.estimate_gemeinde_ages`), Thüringen's
official projection 12421-0003 and the Gemeinde projection
(:func:`sozialplan.indicators.projection_service.project_gemeinden`).
"""

from __future__ import annotations

from django.conf import settings

from sozialplan.indicators.estimation import estimate_gemeinde_ages, import_grid
from sozialplan.indicators.models import Dataset
from sozialplan.indicators.projection_service import project_gemeinden
from sozialplan.indicators.tests.test_estimation import tile
from sozialplan.indicators.tests.test_projection_service import load_land_inputs
from sozialplan.regions.models import District


def estimate_ages(district: District) -> Dataset:
    """Age groups by sex for every Gemeinde of the district, estimated (needs ``real_statistics``)."""
    import_grid(tile(), gemeinden=district.gemeinden())
    return estimate_gemeinde_ages(district.region.key)


def project(district: District) -> Dataset:
    """Every Gemeinde projected to the plan horizon (needs ``real_statistics``)."""
    load_land_inputs()
    return project_gemeinden(district.region.key, years=settings.PROJECTION_YEARS)
