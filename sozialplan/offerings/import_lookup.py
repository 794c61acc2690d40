"""Lookups the offers importer (``importing.py``) needs.

Reference rows by code (checked against the mapping tables), the district's
Gemeinden by folded name, Träger names from the source's wording, the link
tables of an offer's many-to-many relations, and readable labels for the
audit trail.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import ManyToManyField

from sozialplan.catalog.mapping import OfferMapping
from sozialplan.catalog.models import ActionField, CrossCuttingTheme, OfferType, TargetGroup
from sozialplan.offerings.models import Offering, Site
from sozialplan.regions.models import District, Region
from sozialplan.sources.errors import SourceError

_REMARK = re.compile(r"^(?P<name>.*?\S)\s*\((?P<remark>[^()]*)\)$")
_OT = re.compile(r"\s+OT\s+", flags=re.IGNORECASE)


def name_key(name: str) -> str:
    """A Gemeinde or town name folded for matching.

    "Hildburghausen, Stadt" → "hildburghausen"; "St.Bernhard" and
    "St. Bernhard" → "stbernhard"; "Brünn/Thür." → "brunnthur".
    """
    base = name.split(",", 1)[0].casefold()
    base = unicodedata.normalize("NFKD", base)
    return "".join(ch for ch in base if ch.isalnum() and not unicodedata.combining(ch))


def split_remark(traeger: str) -> tuple[str, str]:
    """("AWO AJS gGmbH", "Übernahme von Regiomed 2024") from "AWO AJS gGmbH (Übernahme von Regiomed 2024)"."""
    match = _REMARK.match(traeger.strip())
    if match is None:
        return traeger.strip(), ""
    return match["name"], match["remark"].strip()


def municipal_name(gemeinde: Region) -> str:
    """The name of a Gemeinde as a Träger: "Hildburghausen, Stadt" → "Stadt Hildburghausen"."""
    base = gemeinde.name.split(",", 1)[0].strip()
    prefix = "Stadt" if gemeinde.designation in ("Stadt", "Kreisfreie Stadt", "Große Kreisstadt") else "Gemeinde"
    return f"{prefix} {base}"


@dataclass
class Catalog:
    """Reference rows by code, checked against the mapping tables."""

    action_fields: dict[str, ActionField]
    target_groups: dict[str, TargetGroup]
    themes: dict[str, CrossCuttingTheme]
    offer_types: dict[str, OfferType]

    @classmethod
    def load(cls, mapping: OfferMapping) -> Catalog:
        catalog = cls(
            action_fields={str(a.code): a for a in ActionField.objects.all()},
            target_groups={t.code: t for t in TargetGroup.objects.all()},
            themes={t.code: t for t in CrossCuttingTheme.objects.all()},
            offer_types={t.code: t for t in OfferType.objects.all()},
        )
        for kind, codes in mapping.all_codes().items():
            missing = sorted(codes - set(getattr(catalog, kind)))
            if missing:
                raise SourceError(
                    "Die Zuordnungstabellen nennen unbekannte Codes ("
                    + ", ".join(missing[:10])
                    + "); bitte zuerst „sozialplan load-reference“ ausführen.",
                    file="data/reference",
                )
        return catalog


class GemeindeNames:
    """The district's currently valid Gemeinden by folded name."""

    def __init__(self, district: District) -> None:
        self.by_name: dict[str, Region] = {name_key(g.name): g for g in district.gemeinden()}

    def resolve(self, gemeinde: str, town: str) -> Region | None:
        """The Gemeinde named in ``gemeinde``, else the one ``town`` starts with ("Schleusingen OT Erlau")."""
        for text in (gemeinde, _OT.split(town, maxsplit=1)[0] if town else ""):
            if text:
                found = self.by_name.get(name_key(text))
                if found is not None:
                    return found
        return None


@dataclass
class Links:
    """The through table of one many-to-many relation of ``Offering``, for a set of offers."""

    through: Any
    source: str
    target: str
    targets: dict[int, set[int]]
    link_ids: dict[tuple[int, int], int]

    @classmethod
    def load(cls, relation: str, offering_ids: list[int]) -> Links:
        model_field = Offering._meta.get_field(relation)
        assert isinstance(model_field, ManyToManyField)
        through: Any = model_field.remote_field.through
        source, target = f"{model_field.m2m_field_name()}_id", f"{model_field.m2m_reverse_field_name()}_id"
        links = cls(through, source, target, defaultdict(set), {})
        rows = through.objects.filter(**{f"{source}__in": offering_ids}).values_list("pk", source, target)
        for link_id, offering_id, target_id in rows:
            links.targets[offering_id].add(target_id)
            links.link_ids[(offering_id, target_id)] = link_id
        return links

    def replace(self, wanted: dict[int, set[int]]) -> None:
        """Make the links of each offer in ``wanted`` exactly its set of targets (others untouched)."""
        to_add = []
        to_remove: list[int] = []
        for offering_id, targets in wanted.items():
            have = self.targets.get(offering_id, set())
            to_add += [self.through(**{self.source: offering_id, self.target: pk}) for pk in sorted(targets - have)]
            to_remove += [self.link_ids[(offering_id, pk)] for pk in have - targets]
        if to_remove:
            self.through.objects.filter(pk__in=to_remove).delete()
        self.through.objects.bulk_create(to_add, batch_size=500)


def label(value: Any) -> Any:
    """A JSON value for the audit trail (objects by their name)."""
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


class Labels:
    """Names of the targets of the many-to-many relations, for readable audit entries."""

    def __init__(self, district: District, catalog: Catalog) -> None:
        self.by_relation: dict[str, dict[int, str]] = {
            "action_fields": {a.pk: str(a) for a in catalog.action_fields.values()},
            "target_groups": {t.pk: str(t) for t in catalog.target_groups.values()},
            "themes": {t.pk: str(t) for t in catalog.themes.values()},
            "served_regions": {g.pk: g.name for g in district.gemeinden()} | {district.region_id: district.region.name},
        }
        self.sites: dict[int, str] = {s.pk: str(s) for s in Site.objects.filter(district=district)}
        self.by_relation["sites"] = self.sites

    def of(self, relation: str, pks: set[int]) -> list[str]:
        names = self.by_relation[relation]
        return sorted(names.get(pk, str(pk)) for pk in pks)
