"""Fixtures of the opendata tests: real offers of Landkreis Hildburghausen, published and hidden.

The offers, their Träger and addresses are real (``offers_hildburghausen/offers.csv``);
the boundary of the Gemeinde Hildburghausen is the real VG5000 polygon
(``tests/data/README.md``). Review states, the LSZ flag, the verification
date and the schedule's structured fields are set by the tests to exercise
the mapping; they are not claims about the real offers.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sozialplan.catalog.models import ActionField, CrossCuttingTheme, OfferType, TargetGroup
from sozialplan.offerings.models import (
    Offering,
    OfferingStatus,
    PositionPrecision,
    Provider,
    ProviderKind,
    ReviewState,
    Schedule,
    Site,
)
from sozialplan.regions.models import District, Region

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """The personas' passwords need no real hashing in these tests (saves seconds per test)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def offer_type(code: str, name: str) -> OfferType:
    """The catalog's offer type, created with its catalog name if the catalog file lacks it."""
    found, _ = OfferType.objects.get_or_create(code=code, defaults={"name": name})
    return found


@pytest.fixture
def hildburghausen(district: District) -> Region:
    """The Gemeinde Hildburghausen, Stadt, with its real VG5000 boundary."""
    gemeinde = Region.objects.get(key="16069024")
    feature = json.loads((DATA / "vg5000_gem_16069024.geojson").read_text(encoding="utf-8"))["features"][0]
    gemeinde.boundary = feature["geometry"]
    gemeinde.boundary_source = "VG5000 01.01.2021, © GeoBasis-DE / BKG 2021"
    gemeinde.save()
    return gemeinde


@pytest.fixture
def farbkleckse(district: District, provider_a: Provider, hildburghausen: Region) -> Offering:
    """A published offer with every relation: site with Gemeinde, schedule, served region, classifications."""
    provider_a.website = "https://www.diakoniewerk-son-hbn.de"
    provider_a.save()
    site = Site.objects.create(
        district=district,
        provider=provider_a,
        name="Integrative Kindertagesstätte „Farbkleckse“",
        street="Eisfelder Straße 41, Haus 26",
        postcode="98646",
        town="Hildburghausen",
        gemeinde=hildburghausen,
        latitude=hildburghausen.latitude,
        longitude=hildburghausen.longitude,
        position_precision=PositionPrecision.GEMEINDE,
        wheelchair_accessible=True,
        accessibility_description="barrierefrei, mit Therapieräumen",
    )
    offering = Offering.objects.create(
        district=district,
        provider=provider_a,
        name="Integrative Kindertagesstätte „Farbkleckse“",
        description=(
            "Integrative Kita mit 45 Plätzen im Park des Fachkrankenhauses, barrierefrei, mit Therapieräumen; "
            "Öffnungszeit Mo–Fr 6–17 Uhr."
        ),
        category="Kindertagesstätte (integrativ)",
        offer_type=offer_type("kita", "Kindertagesstätte"),
        target_description="Kinder ab 6 Monaten bis Schuleintritt; Kinder mit Behinderung oder Entwicklungsverzögerung",
        min_age=0,
        max_age=6,
        phone="03685 700675",
        website="https://www.diakoniewerk-son-hbn.de",
        capacity=45,
        lsz_funded=True,
        assured_date=dt.date(2025, 3, 1),
        source_url="https://www.hildburghausen.de/seite/277551/kindergärten.html",
        review_state=ReviewState.APPROVED,
    )
    offering.sites.add(site)
    offering.served_regions.add(hildburghausen)
    offering.action_fields.add(ActionField.objects.get(code=2))
    offering.target_groups.add(*TargetGroup.objects.filter(code__in=["kinder-unter-6", "menschen-mit-behinderung"]))
    offering.themes.add(CrossCuttingTheme.objects.get(code="inklusion"))
    Schedule.objects.create(
        offering=offering,
        freq="WEEKLY",
        byday="MO,TU,WE,TH,FR",
        opens_at=dt.time(6, 0),
        closes_at=dt.time(17, 0),
        description="Mo–Fr 6–17 Uhr",
    )
    return offering


@pytest.fixture
def seniorenbuero(district: District) -> Offering:
    """A published district-wide offer without a site: its service area is the whole Kreis."""
    landkreis = Provider.objects.create(district=district, name="Landkreis Hildburghausen", kind=ProviderKind.MUNICIPAL)
    offering = Offering.objects.create(
        district=district,
        provider=landkreis,
        name="Kreisseniorenbüro / Senior*innen-Agentur des Landkreises",
        description=(
            "Anlaufstelle des Landkreises für Seniorenarbeit, unterstützt u. a. die Gründung kommunaler "
            "Seniorenbeiräte (kreisweit; Anschrift in der Quelle nicht genannt)."
        ),
        category="Seniorenbüro",
        service_area_description="kreisweit",
        source_url="https://www.total-lokal.de/city/hildburghausen/data/98646_57_01_22/4/",
    )
    offering.served_regions.add(district.region)
    offering.action_fields.add(ActionField.objects.get(code=4))
    offering.target_groups.add(TargetGroup.objects.get(code="senioren"))
    return offering


@dataclass
class Hidden:
    """Offers that must never be public, with the site and Träger only they use."""

    offerings: list[Offering]
    site: Site
    provider: Provider


@pytest.fixture
def hidden(district: District, provider_b: Provider) -> Hidden:
    """A pending, a draft, a rejected and a defunct offer; provider_b and the site have nothing public."""
    site = Site.objects.create(
        district=district, provider=provider_b, name="Kreissportbund Hildburghausen e.V.", town="Hildburghausen"
    )
    made = []
    for name, provider, state, status in [
        ("Kreissportbund Hildburghausen e.V.", provider_b, ReviewState.PENDING, OfferingStatus.ACTIVE),
        ("Kreisdiakoniestelle Hildburghausen (Kirchenkreissozialarbeit)", provider_b, ReviewState.DRAFT, "active"),
        (
            "Sozialpädagogische Familienhilfe des Diakoniewerks Hildburghausen",
            provider_b,
            ReviewState.REJECTED,
            "active",
        ),
        (
            "Ambulant betreutes Wohnen des Diakoniewerks Hildburghausen",
            provider_b,
            ReviewState.APPROVED,
            OfferingStatus.DEFUNCT,
        ),
    ]:
        offering = Offering.objects.create(
            district=district, provider=provider, name=name, review_state=state, status=status
        )
        offering.sites.add(site)
        made.append(offering)
    return Hidden(offerings=made, site=site, provider=provider_b)
