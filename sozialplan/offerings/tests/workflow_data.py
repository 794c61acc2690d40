"""Real offers, Standorte and proposals for the workflow and permission tests.

Offers and addresses are rows of ``data/offers/hildburghausen/offers.csv``
(real, public sources; see its README). Standorte are placed at their
Gemeinde's official centre (GV-ISys), as the importer does without a
geocoder. The Handlungsfelder are the tests' own classification, following
docs/domain.md §2. Proposed changes set values from the same rows (e.g. the
published phone number), so nothing here is invented.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from sozialplan.catalog.models import ActionField
from sozialplan.catalog.services import load_reference
from sozialplan.offerings.models import (
    Offering,
    OfferingChange,
    PositionPrecision,
    Provider,
    ProviderKind,
    ReviewState,
    Site,
)
from sozialplan.regions.models import District, PlanningArea, Region
from tests.factories import Personas, make_personas, real_districts

OFFERS_CSV = settings.DATA_DIR / "offers" / "hildburghausen" / "offers.csv"

#: AGS of Gemeinden used in the tests (GV100AD).
HILDBURGHAUSEN = "16069024"
EISFELD = "16069012"
SCHLEUSINGEN = "16069043"
#: Arnstadt, Ilm-Kreis: a real Gemeinde centre outside Landkreis Hildburghausen (GV-ISys).
ARNSTADT_CENTRE = (50.8333, 10.946529)
#: Gemeindeverband "Heldburger Unterland" (GV100AD): a real grouping used as Planungsraum.
HELDBURGER_UNTERLAND = "160695004"

FARBKLECKSE = "Integrative Kindertagesstätte „Farbkleckse“"
KSB = "Kreissportbund Hildburghausen e.V."
BUNKER = "Jugendclub „Bunker“ Eisfeld"
TAFEL_EISFELD = "Hildburghäuser Tafel (Ausgabestelle Eisfeld)"
TAFEL_SCHLEUSINGEN = "Hildburghäuser Tafel (Ausgabestelle Schleusingen)"
STADTCAFE = "Stadtcafé Schleusingen"


@functools.cache
def offer_rows() -> dict[str, dict[str, str]]:
    """The rows of the offers CSV by offer name."""
    with OFFERS_CSV.open(encoding="utf-8-sig", newline="") as handle:
        return {row["name"]: row for row in csv.DictReader(handle)}


def row(name: str) -> dict[str, str]:
    return offer_rows()[name]


def gemeinde(key: str) -> Region:
    return Region.objects.get(kind="gemeinde", key=key)


def field(code: int) -> ActionField:
    return ActionField.objects.get(code=code)


def make_site(district: District, provider: Provider | None, name: str, key: str) -> Site:
    """A Standort for the CSV row ``name`` at its Gemeinde's centre (approximate)."""
    data = row(name)
    place = gemeinde(key)
    return Site.objects.create(
        district=district,
        provider=provider,
        name=data["name"],
        street=data["street"],
        postcode=data["postcode"],
        town=data["town"],
        gemeinde=place,
        latitude=place.latitude,
        longitude=place.longitude,
        position_precision=PositionPrecision.GEMEINDE,
    )


def make_offer(
    district: District,
    provider: Provider | None,
    name: str,
    *,
    site: Site | None = None,
    fields: tuple[int, ...] = (),
    state: ReviewState = ReviewState.APPROVED,
    **extra: Any,
) -> Offering:
    """The offer of CSV row ``name`` (description and source from the row)."""
    data = row(name)
    offering = Offering.objects.create(
        district=district,
        provider=provider,
        name=data["name"],
        description=data["description"],
        category=data["category"],
        source_url=data["source_url"],
        source_date=data["source_date"],
        review_state=state,
        **extra,
    )
    if site is not None:
        offering.sites.add(site)
    if fields:
        offering.action_fields.set(ActionField.objects.filter(code__in=fields))
    return offering


@dataclass
class World:
    """A small real district: two Träger, their Standorte, offers, proposals and a Planungsraum."""

    district: District
    provider_a: Provider
    provider_b: Provider
    site_a: Site
    site_b: Site
    offer_a: Offering  # published, Träger A
    offer_b: Offering  # published, Träger B
    pending_a: Offering  # new offer of Träger A, waiting for approval
    change_a: OfferingChange  # Träger A proposes the published phone number of offer_a
    change_b: OfferingChange  # Träger B proposes the published website of offer_b
    area: PlanningArea


def build_world(
    district: District, provider_a: Provider, provider_b: Provider, traeger_a: User, traeger_b: User
) -> World:
    site_a = make_site(district, provider_a, FARBKLECKSE, HILDBURGHAUSEN)
    site_b = make_site(district, provider_b, KSB, HILDBURGHAUSEN)
    offer_a = make_offer(district, provider_a, FARBKLECKSE, site=site_a, fields=(2, 3))
    offer_b = make_offer(district, provider_b, KSB, site=site_b, fields=(5,))
    pending_a = make_offer(district, provider_a, BUNKER, fields=(6,), state=ReviewState.PENDING)
    change_a = OfferingChange.objects.create(
        offering=offer_a, data={"phone": row(FARBKLECKSE)["phone"]}, submitted_by=traeger_a
    )
    change_b = OfferingChange.objects.create(
        offering=offer_b, data={"website": row(KSB)["website"]}, submitted_by=traeger_b
    )
    area = PlanningArea.objects.create(district=district, name="Heldburger Unterland")
    area.gemeinden.set(district.gemeinden().filter(parent__key=HELDBURGER_UNTERLAND))
    return World(
        district, provider_a, provider_b, site_a, site_b, offer_a, offer_b, pending_a, change_a, change_b, area
    )


@dataclass
class Shared:
    world: World
    personas: Personas
    sessions: dict[str, str]  # persona name → session key of a logged-in session


def log_in(personas: Personas) -> dict[str, str]:
    """One logged-in session per persona (``force_login`` once, reused by every test's client)."""
    keys = {}
    for name, user in vars(personas).items():
        client = Client()
        client.force_login(user)
        keys[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


def build_shared() -> Shared:
    """Everything the root fixtures ``district``, ``provider_a/b`` and ``personas`` create, plus the world."""
    load_reference()
    district, other_district = real_districts()
    provider_a = Provider.objects.create(
        district=district,
        name="Diakoniewerk der Superintendenturen Sonneberg und Hildburghausen/Eisfeld e.V.",
        kind=ProviderKind.CHURCH,
        legal_form="e. V.",
    )
    provider_b = Provider.objects.create(
        district=district, name="Kreissportbund Hildburghausen e.V.", kind=ProviderKind.ASSOCIATION
    )
    personas = make_personas(district, other_district, provider_a, provider_b, password=None)
    world = build_world(district, provider_a, provider_b, personas.traeger_a, personas.traeger_b)
    return Shared(world, personas, log_in(personas))


def fresh_world(world: World) -> World:
    """The same records, read again (tests must not share in-memory state)."""
    values = {}
    for name, obj in vars(world).items():
        values[name] = type(obj).objects.get(pk=obj.pk)
    return World(**values)


def fresh_personas(personas: Personas) -> Personas:
    return Personas(**{name: User.objects.get(pk=user.pk) for name, user in vars(personas).items()})
