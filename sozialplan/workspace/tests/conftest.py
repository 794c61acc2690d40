"""Fixtures: see sozialplan/offerings/tests/fixtures.py."""

import pytest

from sozialplan.offerings.tests.fixtures import client_for, people, shared, world
from sozialplan.offerings.tests.workflow_data import Shared

__all__ = ["client_for", "people", "shared", "world"]


@pytest.fixture(autouse=True)
def _reference_data(shared: Shared, db: None) -> None:
    """Overrides the root fixture: ``shared`` loaded the reference data once for the module."""
