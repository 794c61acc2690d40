"""The Django admin (/verwaltung/) is for superusers only, in German, with every model registered."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from sozialplan.accounts.models import Membership
from sozialplan.audit.models import AuditEntry
from sozialplan.catalog.models import ActionField, CrossCuttingTheme, OfferType, TargetGroup
from sozialplan.offerings.models import Offering, OfferingChange, Provider, Site, SiteChange
from sozialplan.regions.models import District, PlanningArea, Region


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def client_for(*, is_staff: bool = False, is_superuser: bool = False) -> Client:
    user = User.objects.create_user("verwaltung", password=None, is_staff=is_staff, is_superuser=is_superuser)
    client = Client()
    client.force_login(user)
    return client


def test_a_superuser_sees_the_german_admin(db: None) -> None:
    response = client_for(is_staff=True, is_superuser=True).get("/verwaltung/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "sozialplan – Verwaltung" in text
    assert "Angebote" in text and "Planungsräume" in text and "Protokoll" in text


def test_staff_without_superuser_status_is_sent_to_the_login(db: None) -> None:
    response = client_for(is_staff=True).get("/verwaltung/")
    assert response.status_code == 302
    assert "/verwaltung/login/" in response["Location"]


def test_every_domain_model_is_registered() -> None:
    for model in (
        Provider,
        Site,
        Offering,
        OfferingChange,
        SiteChange,
        Region,
        District,
        PlanningArea,
        ActionField,
        TargetGroup,
        OfferType,
        CrossCuttingTheme,
        Membership,
        AuditEntry,
    ):
        assert admin.site.is_registered(model), model


@pytest.mark.parametrize(
    "path",
    [
        "/verwaltung/offerings/offering/",
        "/verwaltung/offerings/provider/",
        "/verwaltung/offerings/site/",
        "/verwaltung/offerings/offeringchange/",
        "/verwaltung/regions/region/",
        "/verwaltung/regions/planningarea/",
        "/verwaltung/catalog/targetgroup/",
        "/verwaltung/accounts/membership/",
        "/verwaltung/audit/auditentry/",
    ],
)
def test_the_admin_lists_open_for_a_superuser(db: None, path: str) -> None:
    assert client_for(is_staff=True, is_superuser=True).get(path).status_code == 200


def test_the_audit_trail_is_read_only_in_the_admin(db: None) -> None:
    client = client_for(is_staff=True, is_superuser=True)
    assert client.get("/verwaltung/audit/auditentry/add/").status_code == 403
