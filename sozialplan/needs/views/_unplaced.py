"""Offers of a category that the distances leave out, and the notice of a selection without any positioned offer.

A run measures distances only to offers with a positioned site
(:mod:`sozialplan.needs.inputs`); district-wide offers and sites without an
address are named in the run's notes, but not per category. The Handlungsfeld
page names them for the category on show, read from today's offers (the run
stores only positioned sites), so a planner sees *why* a selection has no
distances, e.g. Handlungsfeld 5 for "Alle Generationen" in Landkreis
Hildburghausen, whose only offer is the district-wide "Netzwerk der Gemeinde-
und Dorfkümmerer".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from sozialplan.needs.categories import offer_matches
from sozialplan.needs.results import CategoryResult
from sozialplan.offerings.models import Offering, Site
from sozialplan.regions.models import District


@dataclass(frozen=True)
class UnplacedOffer:
    """A published offer of the category without a positioned site: its name and its page."""

    name: str
    url: str


@dataclass(frozen=True)
class NoSupply:
    """Why a selection has no distances: German title and sentence."""

    title: str
    text: str


def unplaced_offers(district: District, result: CategoryResult) -> list[UnplacedOffer]:
    """Published offers serving the category (and offer type) without an active site with a position, by name."""
    sites = Site.objects.active().only("pk", "latitude", "longitude")
    offers = (
        Offering.objects.published()
        .for_district(district)
        .filter(action_fields__code=result.action_field.code)
        .select_related("offer_type")
        .prefetch_related("action_fields", "target_groups", Prefetch("sites", queryset=sites))
        .distinct()
        .order_by("name", "pk")
    )
    found: list[UnplacedOffer] = []
    for offer in offers:
        if result.offer_type and (offer.offer_type is None or offer.offer_type.code != result.offer_type):
            continue
        fields = [a.code for a in offer.action_fields.all()]
        groups = [t.code for t in offer.target_groups.all()]
        if not offer_matches(
            fields, groups, offer.min_age, offer.max_age, result.action_field.code, result.target_group.code
        ):
            continue
        if any(s.latitude is not None and s.longitude is not None for s in offer.sites.all()):
            continue
        url = reverse("workspace:offering_detail", kwargs={"district": district.slug, "uuid": offer.uuid})
        found.append(UnplacedOffer(offer.name, url))
    return found


def no_supply(result: CategoryResult, offer_type_name: str) -> NoSupply | None:
    """The notice for a selection without any offer at a positioned site; ``None`` when there is one."""
    if result.supply:
        return None
    values = {"code": result.action_field.code, "type": offer_type_name or result.offer_type}
    if result.offer_type:
        return NoSupply(
            title=_("Kein Angebot dieser Art mit Standort"),
            text=_(
                "Für diese Zielgruppe gibt es im Handlungsfeld %(code)s kein Angebot der Art „%(type)s“ mit "
                "Standort; Entfernungen, Anteile und Versorgungsquoten lassen sich für diese Auswahl nicht berechnen."
            )
            % values,
        )
    return NoSupply(
        title=_("Kein Angebot mit Standort"),
        text=_(
            "Für diese Zielgruppe gibt es im Handlungsfeld %(code)s kein Angebot mit Standort; Entfernungen und "
            "Lücken lassen sich nicht berechnen."
        )
        % values,
    )
