"""Our HSDS taxonomies (profile DE-LSZ) with stable identifiers.

HSDS classifies services through ``attributes`` that point to a
``taxonomy_term`` of a ``taxonomy``. Our classifications are reference data
(``sozialplan.catalog``): Handlungsfelder, Zielgruppen, Angebotsarten,
Querschnittsthemen, plus the Trägerarten of ``ProviderKind``. The profile's
own properties (AGS, Quelle, Lagegenauigkeit …) are terms of the taxonomy
``DE-LSZ-Merkmale`` and carry their value in ``attribute.value``.

Every identifier is a UUID version 5 in ``NAMESPACE`` (itself the UUID 5 of
the URL namespace and ``urn:sozialplan:hsds:de-lsz``), derived from the
taxonomy key and the term code, e.g. ``uuid5(NAMESPACE, "handlungsfeld:4")``.
They are the same in every installation and never change while the code does
not: a term keeps its id when its name is edited.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sozialplan.catalog.models import ActionField, CrossCuttingTheme, OfferType, TargetGroup
from sozialplan.offerings.models import ProviderKind

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:sozialplan:hsds:de-lsz")

HANDLUNGSFELD = "handlungsfeld"
ZIELGRUPPE = "zielgruppe"
ANGEBOTSART = "angebotsart"
QUERSCHNITTSTHEMA = "querschnittsthema"
TRAEGERART = "traegerart"
MERKMAL = "merkmal"

#: Profile properties (terms of the taxonomy ``merkmal``): code → (name, description).
MERKMALE: dict[str, tuple[str, str]] = {
    "ags": (
        "Amtlicher Gemeindeschlüssel",
        "Amtlicher Schlüssel nach dem Gemeindeverzeichnis in value: bei einem Standort der achtstellige "
        "AGS seiner Gemeinde, bei einem Einzugsgebiet der Schlüssel des Gebiets (Gemeinde 8, Kreis 5 Stellen).",
    ),
    "lagegenauigkeit": (
        "Lagegenauigkeit",
        "Wie genau die Koordinaten sind: exact (Adresse), gemeinde (ungefähr die Mitte der Gemeinde) "
        "oder none (unbekannt); in value.",
    ),
    "quelle": ("Quelle", "Öffentlich zugängliche Quelle der Angaben (URL); in value."),
    "quellenstand": ("Stand der Quelle", "Stand der Quelle, wie dort angegeben; in value."),
    "kategorie": ("Kategorie der Quelle", "Die Kategorie des Angebots, wie in der Quelle angegeben; in value."),
}


def stable_uuid(*parts: object) -> str:
    """A UUID 5 in our namespace from ``parts`` joined by ``:``, as a string."""
    return _uuid5(":".join(str(p) for p in parts))


@functools.lru_cache(maxsize=8192)
def _uuid5(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, name))


@dataclass(frozen=True)
class Taxonomy:
    """One of our taxonomies: ``key`` is the stable code used in ids and ``link_type``."""

    key: str
    name: str
    description: str

    @property
    def id(self) -> str:
        return stable_uuid("taxonomy", self.key)

    def as_hsds(self) -> dict[str, Any]:
        """The HSDS ``taxonomy`` object."""
        return {"id": self.id, "name": self.name, "description": self.description, "version": "1"}

    def term_id(self, code: object) -> str:
        return stable_uuid(self.key, code)


def taxonomies() -> list[Taxonomy]:
    """All taxonomies of the profile, in a fixed order (names and descriptions in the active language)."""
    return list(_taxonomies(get_language() or ""))


@functools.lru_cache(maxsize=8)
def _taxonomies(language: str) -> tuple[Taxonomy, ...]:  # noqa: ARG001 - the cache key
    return (
        Taxonomy(
            HANDLUNGSFELD,
            "LSZ-Handlungsfelder",
            _(
                "Die sechs Handlungsfelder des Landesprogramms Solidarisches Zusammenleben der "
                "Generationen (LSZ) in Thüringen; code ist die Nummer des Handlungsfelds."
            ),
        ),
        Taxonomy(ZIELGRUPPE, "LSZ-Zielgruppen", _("Zielgruppen der integrierten Sozialplanung (mit Altersspanne).")),
        Taxonomy(ANGEBOTSART, "Angebotsarten", _("Art des Angebots (Beratungsstelle, Familienzentrum …).")),
        Taxonomy(
            QUERSCHNITTSTHEMA,
            "LSZ-Querschnittsthemen",
            _("Querschnittsthemen, die in mehreren Handlungsfeldern gelten (Teilhabe, Ehrenamt …)."),
        ),
        Taxonomy(TRAEGERART, "Trägerarten", _("Art des Trägers (freier, kirchlicher, kommunaler Träger …).")),
        Taxonomy(
            MERKMAL,
            "DE-LSZ-Merkmale",
            _("Zusätzliche Angaben des Profils DE-LSZ; der Wert steht in attribute.value."),
        ),
    )


def taxonomy(key: str) -> Taxonomy:
    for tax in _taxonomies(get_language() or ""):
        if tax.key == key:
            return tax
    raise KeyError(key)


def term(tax_key: str, code: object, name: str, description: str = "") -> dict[str, Any]:
    """An HSDS ``taxonomy_term`` of our taxonomy ``tax_key``, with its taxonomy nested."""
    tax = taxonomy(tax_key)
    return {
        "id": tax.term_id(code),
        "code": str(code),
        "name": name,
        "description": description or name,
        "taxonomy": tax.name,
        "taxonomy_detail": tax.as_hsds(),
        "language": "de",
        "taxonomy_id": tax.id,
    }


def action_field_term(field: ActionField) -> dict[str, Any]:
    return term(HANDLUNGSFELD, field.code, field.name, field.description)


def target_group_term(group: TargetGroup) -> dict[str, Any]:
    return term(ZIELGRUPPE, group.code, group.name, group.description)


def offer_type_term(offer_type: OfferType) -> dict[str, Any]:
    return term(ANGEBOTSART, offer_type.code, offer_type.name, offer_type.description)


def theme_term(theme: CrossCuttingTheme) -> dict[str, Any]:
    return term(QUERSCHNITTSTHEMA, theme.code, theme.name, theme.description)


def provider_kind_term(kind: str) -> dict[str, Any]:
    return term(TRAEGERART, kind, str(ProviderKind(kind).label))


def merkmal_term(code: str) -> dict[str, Any]:
    name, description = MERKMALE[code]
    return term(MERKMAL, code, name, description)


def attribute(link_id: object, link_entity: str, term_obj: dict[str, Any], value: str | None = None) -> dict[str, Any]:
    """An HSDS ``attribute`` linking entity ``link_id`` to ``term_obj``; its id is stable."""
    result: dict[str, Any] = {
        "id": stable_uuid("attribute", link_id, term_obj["id"]),
        "link_type": _key_of(term_obj["taxonomy_id"]),
        "link_entity": link_entity,
        "taxonomy_term": term_obj,
    }
    if value is not None:
        result["value"] = value
    return result


def all_terms() -> list[dict[str, Any]]:
    """Every term of our taxonomies, for ``/taxonomy_terms`` (reads the catalog)."""
    terms = [action_field_term(f) for f in ActionField.objects.all()]
    terms += [target_group_term(g) for g in TargetGroup.objects.all()]
    terms += [offer_type_term(t) for t in OfferType.objects.all()]
    terms += [theme_term(t) for t in CrossCuttingTheme.objects.all()]
    terms += [provider_kind_term(k) for k in ProviderKind.values]
    terms += [merkmal_term(code) for code in MERKMALE]
    return terms


def classification_taxonomy_ids() -> frozenset[str]:
    """Ids of the taxonomies whose terms mirror our catalog (all but ``merkmal``)."""
    return frozenset(t.id for t in taxonomies() if t.key != MERKMAL)


@dataclass(frozen=True)
class KnownTerm:
    """A term id of ours resolved to its taxonomy key and code."""

    taxonomy: str
    code: str


def resolve_term_ids() -> dict[str, KnownTerm]:
    """Map of every current term id of ours to (taxonomy key, code)."""
    return {t["id"]: KnownTerm(_key_of(t["taxonomy_id"]), t["code"]) for t in all_terms()}


def _key_of(taxonomy_id: str) -> str:
    return next(t.key for t in _taxonomies(get_language() or "") if t.id == taxonomy_id)
