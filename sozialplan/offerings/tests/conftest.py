"""Fixtures: see sozialplan/offerings/tests/fixtures.py."""

from sozialplan.offerings.tests.fixtures import client_for, people, shared, world

__all__ = ["client_for", "people", "shared", "world"]
