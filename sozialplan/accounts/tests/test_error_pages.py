"""Error pages are German, use the site layout and need no inline CSS (CSP)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_it_shows_a_german_404_page() -> None:
    response = Client().get("/gibt-es-nicht/")
    assert response.status_code == 404
    body = response.content.decode()
    assert '<html lang="de"' in body
    assert "Seite nicht gefunden" in body
    assert "<style" not in body


def test_it_shows_a_german_page_when_the_csrf_check_fails() -> None:
    response = Client(enforce_csrf_checks=True).post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Das Formular konnte nicht gesendet werden" in body
    assert "<style" not in body


def test_the_500_page_renders_without_a_request_context() -> None:
    from django.template import loader

    html = loader.get_template("500.html").render({})
    assert "Interner Fehler" in html
