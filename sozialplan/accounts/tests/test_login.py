"""Login and logout for every persona, and bad input on the login form."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, PERSONA_NAMES, Personas

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_every_persona_sees_the_login_page(client_as: Callable[[str], Client], name: str) -> None:
    response = client_as(name).get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "Anmelden" in response.content.decode()


@pytest.mark.parametrize("name", [n for n in PERSONA_NAMES if n != "citizen"])
def test_every_account_logs_in_with_its_password(personas: Personas, name: str) -> None:
    user = getattr(personas, name)
    response = Client().post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_logout_needs_post_and_ends_the_session(client_as: Callable[[str], Client], name: str) -> None:
    client = client_as(name)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "username",
    ["", "planerin", "<script>alert(1)</script>", "' OR 1=1 --", "x" * 10_000, "null\x00byte"],
)
def test_it_rejects_wrong_credentials_with_a_german_message(personas: Personas, username: str) -> None:
    response = Client().post(reverse("accounts:login"), {"username": username, "password": "falsch"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "Benutzername oder Passwort ist falsch." in body or "Bitte geben Sie Benutzername und Passwort an." in body


def test_it_refuses_a_login_post_without_csrf_token(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "planerin", "password": PASSWORD})
    assert response.status_code == 403


def test_it_pauses_logins_after_too_many_failures(personas: Personas) -> None:
    client = Client()
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "planerin", "password": "falsch"})
    response = client.post(reverse("accounts:login"), {"username": "planerin", "password": PASSWORD})
    assert response.status_code == 200
    assert "Zu viele fehlgeschlagene Anmeldungen" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_login_resets_the_count(personas: Personas) -> None:
    client = Client()
    for _ in range(4):
        client.post(reverse("accounts:login"), {"username": "planerin", "password": "falsch"})
    assert client.post(reverse("accounts:login"), {"username": "planerin", "password": PASSWORD}).status_code == 302


def test_failures_of_one_name_do_not_lock_out_colleagues_at_the_same_address(personas: Personas) -> None:
    client = Client()
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "planerin", "password": "falsch"})
    assert client.post(reverse("accounts:login"), {"username": "gremium", "password": PASSWORD}).status_code == 302
