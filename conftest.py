"""Shared test fixtures: real regions, reference data and the personas.

Personas (as in healthchecks/meinBerlin): the citizen (anonymous), the planner
of this district, the planner of another district, Träger A, Träger B, the
committee member and the outsider (an account without membership).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from sozialplan.offerings.models import Provider, ProviderKind
from sozialplan.regions.models import District
from tests.factories import Personas as Personas  # re-exported: tests import it from here
from tests.factories import make_personas, real_districts

PASSWORD = "test-passwort-0815"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # PBKDF2 costs ~0.2 s per user; tests create six per persona set.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings: Any) -> None:
    # Production and the demo queue background tasks in the database for
    # `sozialplan db_worker`; tests run them where they are enqueued.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _no_automatic_needs_recompute(settings: Any) -> None:
    # Offers, sites and statistics written by tests would each queue a whole
    # Bedarfsanalyse; the signal tests switch it on with the settings fixture.
    settings.NEEDS_AUTO_RECOMPUTE = False


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # The login throttle counts failures in the cache; tests must not share them.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Load the reference data and the real regions once per test database.

    Each test runs in a transaction that is rolled back, so these rows stay;
    tests that flush the database (``transactional_db``) get them again from
    the fixtures below, which only write what is missing.
    """
    from sozialplan.catalog.services import load_reference

    with django_db_blocker.unblock():
        load_reference()
        real_districts()


#: Test folders of the Django-free packages: their tests get no database (faster, and it proves they need none).
DJANGO_FREE = ("sozialplan/analysis/", "sozialplan/sources/")


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    if any(part in request.node.nodeid for part in DJANGO_FREE):
        return
    request.getfixturevalue("db")
    from sozialplan.catalog.models import ActionField
    from sozialplan.catalog.services import load_reference

    if not ActionField.objects.exists():
        load_reference()


@pytest.fixture
def district(db: None) -> District:
    """Landkreis Hildburghausen with its real Gemeinden (see tests/factories.py)."""
    return real_districts()[0]


@pytest.fixture
def other_district(district: District) -> District:
    """Ilm-Kreis: a second district, for tests of district isolation."""
    return real_districts()[1]


@pytest.fixture
def provider_a(district: District) -> Provider:
    return Provider.objects.create(
        district=district,
        name="Diakoniewerk der Superintendenturen Sonneberg und Hildburghausen/Eisfeld e.V.",
        kind=ProviderKind.CHURCH,
        legal_form="e. V.",
    )


@pytest.fixture
def provider_b(district: District) -> Provider:
    return Provider.objects.create(
        district=district, name="Kreissportbund Hildburghausen e.V.", kind=ProviderKind.ASSOCIATION
    )


@pytest.fixture
def personas(district: District, other_district: District, provider_a: Provider, provider_b: Provider) -> Personas:
    return make_personas(district, other_district, provider_a, provider_b, password=PASSWORD)


PERSONA_NAMES = ["citizen", "planner", "other_planner", "traeger_a", "traeger_b", "committee", "outsider"]


@pytest.fixture
def client_as(personas: Personas) -> Callable[[str], Client]:
    """``client_as("planner")`` → a logged-in test client; "citizen" is anonymous."""

    def make(name: str) -> Client:
        client = Client()
        if name != "citizen":
            client.force_login(getattr(personas, name))
        return client

    return make
