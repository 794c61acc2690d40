"""Fixtures shared by the offerings and workspace tests (imported by their conftest.py).

The district, personas and the small real "world" are built once per test
module inside an outer transaction that is rolled back at the end of the
module; every test runs in a savepoint inside it (pytest-django's ``db``), so
tests stay isolated while the expensive setup (two real districts with
boundaries, seven personas) runs once per module instead of once per test.
Each test gets freshly read copies of the records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from pytest_django import DjangoDbBlocker

from conftest import Personas
from sozialplan.offerings.tests.workflow_data import Shared, World, build_shared, fresh_personas, fresh_world


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Shared]:
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        data = build_shared()
    # Tests reach the database only through their own ``db`` fixture (a savepoint in ``outer``).
    yield data
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def world(shared: Shared, db: None) -> World:
    return fresh_world(shared.world)


@pytest.fixture
def people(shared: Shared, db: None) -> Personas:
    """The seven personas of the root conftest (citizen = no user)."""
    return fresh_personas(shared.personas)


@pytest.fixture
def client_for(shared: Shared, people: Personas) -> Callable[[str], Client]:
    """``client_for("planner")`` → a logged-in client; "citizen" is anonymous.

    The client carries the persona's session made once for the module (logging in
    anew for every request would cost more than the request itself).
    """

    def make(name: str) -> Client:
        client = Client()
        if name != "citizen":
            client.cookies[settings.SESSION_COOKIE_NAME] = shared.sessions[name]
        return client

    return make
