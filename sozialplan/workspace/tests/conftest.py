"""Fixtures: see sozialplan/offerings/tests/fixtures.py."""

from collections.abc import Callable

import pytest
from django.test import Client

from sozialplan.offerings.tests.fixtures import client_for, people, shared, world
from sozialplan.offerings.tests.workflow_data import Shared

__all__ = ["client_for", "people", "shared", "world"]


@pytest.fixture(autouse=True)
def _reference_data(shared: Shared, db: None) -> None:
    """Overrides the root fixture: ``shared`` loaded the reference data once for the module."""


@pytest.fixture
def client_as(client_for: Callable[[str], Client]) -> Callable[[str], Client]:
    """The root ``client_as`` (same seven personas), served from the module's shared sessions.

    The root fixture would create the personas again, which collides with the
    ones ``shared`` made for the module; this one logs in as those instead.
    """
    return client_for
