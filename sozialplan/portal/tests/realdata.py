"""Real offers for the portal's unit and browser tests.

Offers are rows of ``data/offers/hildburghausen/offers.csv`` (real, public
sources; see its README), created as the importer would: a Standort at the
published town with the Gemeinde's centre as approximate position, or, for
district-wide offers without a Gemeinde, the whole Kreis as Einzugsgebiet.
The tests assign Zielgruppen and Handlungsfelder themselves (``REAL_OFFERS``):
Zielgruppen translate the row's ``target_groups`` column, Handlungsfelder follow
the LSZ Handbuch's examples per Handlungsfeld. Regions (with centres and VG5000
boundaries) come from ``tests.factories.real_districts()``. Nothing here is invented.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass

from django.conf import settings

from sozialplan.catalog.models import ActionField, TargetGroup
from sozialplan.offerings.models import Offering, PositionPrecision, Provider, Site
from sozialplan.offerings.search import batched_refresh
from sozialplan.regions.models import District, Region

OFFERS_CSV = settings.DATA_DIR / "offers" / "hildburghausen" / "offers.csv"


@dataclass(frozen=True)
class RealOffer:
    """A CSV row name and the test's classification of it."""

    name: str
    target_groups: tuple[str, ...]
    action_fields: tuple[int, ...]


REAL_OFFERS: tuple[RealOffer, ...] = (
    RealOffer("Seniorenbeirat der Stadt Schleusingen", ("senioren",), (6,)),
    RealOffer("Seniorenbeirat der Stadt Eisfeld", ("senioren",), (6,)),
    RealOffer("Kreisseniorenbeirat des Landkreises Hildburghausen", ("senioren",), (6,)),
    RealOffer("Kreisseniorenbüro / Senior*innen-Agentur des Landkreises", ("senioren", "pflegende-angehoerige"), (5,)),
    RealOffer(
        "Hildburghäuser Tafel (Ausgabestelle Schleusingen)", ("menschen-in-notlagen", "familien", "senioren"), (4,)
    ),
    RealOffer("Hildburghäuser Tafel (Ausgabestelle Eisfeld)", ("menschen-in-notlagen", "familien", "senioren"), (4,)),
    RealOffer("Jugendamt des Landkreises Hildburghausen", ("kinder", "jugendliche", "familien"), (4,)),
    RealOffer("Kindertagesstätte „Werraspatzen“", ("kinder-unter-6", "familien"), (2,)),
    RealOffer("Bürgerbus der Stadt Schleusingen", ("senioren",), (2,)),
    RealOffer("Jugendklub Haina", ("jugendliche",), (6,)),
    # The CSV leaves its Gemeinde empty (not checked): a Standort without position.
    RealOffer("Hermann-Lietz-Schule Haubinda", ("kinder", "jugendliche"), (3,)),
)


@functools.cache
def offer_rows() -> dict[str, dict[str, str]]:
    """The rows of the offers CSV by name."""
    with OFFERS_CSV.open(encoding="utf-8-sig", newline="") as handle:
        return {row["name"]: row for row in csv.DictReader(handle)}


def _gemeinde(district: District, name: str) -> Region | None:
    """The loaded Gemeinde of ``district`` called ``name`` (GV100AD adds ", Stadt")."""
    if not name:
        return None
    for gemeinde in district.gemeinden():
        if gemeinde.name == name or gemeinde.name.startswith(f"{name},"):
            return gemeinde
    return None


def _create_offer_with_place(district: District, row: dict[str, str]) -> tuple[Offering, Site | None]:
    """The offer of ``row`` with its Träger and Standort (M2M links are the caller's)."""
    provider = None
    if row["traeger"]:
        provider, _ = Provider.objects.get_or_create(district=district, name=row["traeger"])
    offering = Offering.objects.create(
        district=district,
        provider=provider,
        name=row["name"],
        description=row["description"],
        category=row["category"],
        target_description=row["target_groups"],
        phone=row["phone"],
        email=row["email"],
        website=row["website"],
        source_url=row["source_url"],
        source_date=row["source_date"],
    )
    if not (row["gemeinde"] or row["town"]):
        return offering, None
    gemeinde = _gemeinde(district, row["gemeinde"])
    site = Site.objects.create(
        district=district,
        provider=provider,
        name=row["name"],
        street=row["street"],
        postcode=row["postcode"],
        town=row["town"],
        gemeinde=gemeinde,
        latitude=gemeinde.latitude if gemeinde else None,
        longitude=gemeinde.longitude if gemeinde else None,
        position_precision=PositionPrecision.GEMEINDE if gemeinde else PositionPrecision.NONE,
    )
    return offering, site


def create_real_offer(district: District, spec: RealOffer) -> Offering:
    """Create the offer of CSV row ``spec.name`` in ``district`` through the ORM (signals fire per change)."""
    offering, site = _create_offer_with_place(district, offer_rows()[spec.name])
    if site is not None:
        offering.sites.add(site)
    else:
        offering.served_regions.add(district.region)
    offering.target_groups.set(TargetGroup.objects.filter(code__in=spec.target_groups))
    offering.action_fields.set(ActionField.objects.filter(code__in=spec.action_fields))
    return offering


def create_real_offers(district: District, specs: tuple[RealOffer, ...] = REAL_OFFERS) -> dict[str, Offering]:
    """The offers of ``specs`` (published), by name, with their search texts.

    Links are written in bulk and the search texts refreshed once (few queries,
    so that many tests can afford real data).
    """
    groups = {g.code: g.pk for g in TargetGroup.objects.all()}
    fields = {f.code: f.pk for f in ActionField.objects.all()}
    through_sites, through_regions, through_groups, through_fields = [], [], [], []
    ids = []
    with batched_refresh():
        for spec in specs:
            offering, site = _create_offer_with_place(district, offer_rows()[spec.name])
            ids.append(offering.pk)
            if site is not None:
                through_sites.append(Offering.sites.through(offering_id=offering.pk, site_id=site.pk))
            else:
                through_regions.append(
                    Offering.served_regions.through(offering_id=offering.pk, region_id=district.region.pk)
                )
            through_groups += [
                Offering.target_groups.through(offering_id=offering.pk, targetgroup_id=groups[c])
                for c in spec.target_groups
            ]
            through_fields += [
                Offering.action_fields.through(offering_id=offering.pk, actionfield_id=fields[c])
                for c in spec.action_fields
            ]
        Offering.sites.through.objects.bulk_create(through_sites)
        Offering.served_regions.through.objects.bulk_create(through_regions)
        Offering.target_groups.through.objects.bulk_create(through_groups)
        Offering.action_fields.through.objects.bulk_create(through_fields)
    return {o.name: o for o in Offering.objects.filter(pk__in=ids)}
