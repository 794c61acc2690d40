"""Import offers from an offers CSV (or HSDS JSON) into one district.

The CSV is read by ``sozialplan.sources.offers_csv``; its categories and
free-text Zielgruppen are mapped with the tables in ``data/reference/``
(``sozialplan.catalog.mapping``, reasoning in docs/category-mapping.md).

What becomes what:

* ``traeger`` → ``Provider`` by name (kept as published; a trailing remark in
  parentheses such as "(laut Bericht)" is not part of the name and is kept in
  the offer's description). "kommunal" names the Gemeinde of the offer
  ("Stadt Eisfeld"). An empty Träger means no provider.
* Address → one ``Site`` per distinct street/postcode/town. The Gemeinde comes
  from the ``gemeinde`` column (matched to the district's Gemeinden, whose
  GV100AD names look like "Hildburghausen, Stadt"), else from ``town``. The
  repository has no offline geocoder, so the position is the Gemeinde's centre
  with ``position_precision = gemeinde``.
* Rows without Gemeinde and town (district-wide offers such as the
  Kreisseniorenbüro) get no site; they serve the whole Kreis.
* ``assured_date`` stays empty: nobody verified the offers in sozialplan; the
  source date is kept in ``source_date``. Imported offers are approved.

Identity: an offer is the same offer when district, name and source URL are
the same (its ``uuid`` is a UUID5 of these), so a second import changes
nothing. The whole file is written in one transaction.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import ManyToManyField

from sozialplan.audit.services import diff, record, snapshot
from sozialplan.catalog.mapping import OfferMapping, load_offer_mapping
from sozialplan.catalog.models import ActionField, CrossCuttingTheme, OfferType, TargetGroup
from sozialplan.offerings.models import (
    Offering,
    OfferingStatus,
    PositionPrecision,
    Provider,
    ProviderKind,
    ReviewState,
    Site,
)
from sozialplan.offerings.search import batched_refresh, note_changed
from sozialplan.regions.models import District, Region
from sozialplan.sources.errors import ImportSummary, SourceError
from sozialplan.sources.offers_csv import OfferRow, OffersFile, read_offers_csv

Actor = AbstractBaseUser | AnonymousUser | None

#: Namespace of the UUID5 identities of imported offers and sites.
IMPORT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:sozialplan:offers-csv")

_REMARK = re.compile(r"^(?P<name>.*?\S)\s*\((?P<remark>[^()]*)\)$")
_OT = re.compile(r"\s+OT\s+", flags=re.IGNORECASE)


def offering_uuid(district: District, name: str, source_url: str) -> uuid.UUID:
    """The stable identity of an imported offer."""
    return uuid.uuid5(IMPORT_NAMESPACE, f"offer|{district.slug}|{name}|{source_url}")


def site_uuid(district: District, street: str, postcode: str, town: str) -> uuid.UUID:
    """The stable identity of an imported site (one per distinct address or town)."""
    return uuid.uuid5(IMPORT_NAMESPACE, f"site|{district.slug}|{street.casefold()}|{postcode}|{town.casefold()}")


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
class _Catalog:
    """Reference rows by code, checked against the mapping tables."""

    action_fields: dict[str, ActionField]
    target_groups: dict[str, TargetGroup]
    themes: dict[str, CrossCuttingTheme]
    offer_types: dict[str, OfferType]

    @classmethod
    def load(cls, mapping: OfferMapping) -> _Catalog:
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


class _GemeindeNames:
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


def import_offers_file(*, district: District, data: bytes, filename: str, actor: Actor) -> ImportSummary:
    """Import an uploaded or local file: HSDS JSON if it is JSON, otherwise the offers CSV.

    ``SourceError`` when the file cannot be read as a whole (nothing written).
    """
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return _import_hsds_json(district=district, data=data, filename=filename, actor=actor)
    return import_offers_csv(district=district, parsed=read_offers_csv(data, file=filename), actor=actor)


def _import_hsds_json(*, district: District, data: bytes, filename: str, actor: Actor) -> ImportSummary:
    import json

    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SourceError("Die JSON-Datei ist nicht UTF-8-kodiert.", file=filename) from exc
    except json.JSONDecodeError as exc:
        raise SourceError(f"Kein gültiges JSON ({exc.msg}).", file=filename, line=exc.lineno) from exc
    except RecursionError:
        raise SourceError("Das JSON ist zu tief verschachtelt.", file=filename) from None
    try:
        # Written by the HSDS work package; imported lazily so this module works without it.
        from sozialplan.opendata.hsds_import import import_hsds  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        raise SourceError("Der Import von HSDS-JSON ist in dieser Version nicht verfügbar.", file=filename) from None
    summary: ImportSummary = import_hsds(district=district, data=payload, actor=actor)
    return summary


def import_offers_csv(
    *, district: District, parsed: OffersFile, actor: Actor, mapping: OfferMapping | None = None
) -> ImportSummary:
    """Write the parsed rows (see the module docstring); rows the reader rejected are reported."""
    mapping = mapping or load_offer_mapping()
    summary = ImportSummary()
    for problem in parsed.problems:
        summary.reject(problem.reason, line=problem.line, key=problem.name)
    with transaction.atomic(), batched_refresh():
        catalog = _Catalog.load(mapping)
        _Importer(district=district, mapping=mapping, catalog=catalog, actor=actor, summary=summary).run(parsed)
    summary.rejected.sort(key=lambda r: r.line or 0)
    return summary


RELATIONS = ("action_fields", "target_groups", "themes", "sites", "served_regions")


@dataclass
class _Planned:
    """One offer of the file: its row, the object (new or stored) and what it should be."""

    row: OfferRow
    offering: Offering
    created: bool
    changes: dict[str, list[Any]]
    relations: dict[str, set[int]]


class _Importer:
    """Writes one parsed file with a small, fixed number of queries per kind of record.

    Providers and sites are created one by one (few, each with an audit entry);
    new offers are inserted with one ``bulk_create``; the many-to-many links of
    all offers are synchronised with one query per relation. Search texts are
    refreshed once at the end (``batched_refresh`` in the caller).
    """

    def __init__(
        self, *, district: District, mapping: OfferMapping, catalog: _Catalog, actor: Actor, summary: ImportSummary
    ) -> None:
        self.district = district
        self.mapping = mapping
        self.catalog = catalog
        self.actor = actor
        self.summary = summary
        self.gemeinden = _GemeindeNames(district)
        self.providers: dict[str, Provider] = {p.name: p for p in Provider.objects.filter(district=district)}
        self.sites: dict[uuid.UUID, Site] = {
            s.uuid: s for s in Site.objects.filter(district=district).select_related("gemeinde", "provider")
        }
        self.new_providers = 0
        self.new_sites = 0
        self.changed_sites = 0
        self.labels = _Labels(district, catalog)

    def run(self, parsed: OffersFile) -> None:
        rows = self._unique(parsed.rows)
        site_providers: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        for row in rows:
            site_providers[self._site_key(row)].add(self._provider_name(row))
        stored = {
            o.uuid: o
            for o in Offering.objects.select_related("provider", "offer_type").filter(
                uuid__in=[offering_uuid(self.district, r.name, r.source_url) for r in rows]
            )
        }
        planned: list[_Planned] = []
        unmapped: set[str] = set()
        for row in rows:
            if row.category and self.mapping.category(row.category) is None:
                unmapped.add(row.category)
            provider = self._provider(row)
            site = self._site(row, site_providers, provider)
            item = self._plan_offering(row, provider, site, stored)
            if item is not None:
                planned.append(item)
        self._write_offerings(planned, parsed.file)
        if self.new_providers or self.new_sites or self.changed_sites:
            self.summary.notes.append(
                f"Träger neu: {self.new_providers}; Standorte neu: {self.new_sites}, geändert: {self.changed_sites}."
            )
        if unmapped:
            self.summary.notes.append(
                "Kategorien ohne Zuordnung in data/reference/category_mapping.csv (ohne Handlungsfeld importiert): "
                + ", ".join(f"„{c}“" for c in sorted(unmapped))
            )

    def _unique(self, rows: list[OfferRow]) -> list[OfferRow]:
        seen: dict[uuid.UUID, int] = {}
        unique: list[OfferRow] = []
        for row in rows:
            key = offering_uuid(self.district, row.name, row.source_url)
            if key in seen:
                self.summary.reject(
                    f"Dasselbe Angebot (Name und Quelle) steht schon in Zeile {seen[key]}.", line=row.line, key=row.name
                )
                continue
            seen[key] = row.line
            unique.append(row)
        return unique

    # --- Träger ------------------------------------------------------------------------------

    def _provider_name(self, row: OfferRow) -> str:
        name, _ = split_remark(row.traeger)
        if name.casefold() == "kommunal":
            gemeinde = self.gemeinden.resolve(row.gemeinde, row.town)
            return municipal_name(gemeinde) if gemeinde is not None else ""
        return name

    def _provider(self, row: OfferRow) -> Provider | None:
        name = self._provider_name(row)
        if not name:
            return None
        provider = self.providers.get(name)
        if provider is not None:
            return provider
        kind, legal_form = self.mapping.provider_kind(row.traeger)
        if kind not in ProviderKind.values:
            kind = ProviderKind.OTHER
        provider = Provider.objects.create(district=self.district, name=name, kind=kind, legal_form=legal_form)
        record(actor=self.actor, district=self.district, action="created", obj=provider, note="Import (Angebots-CSV)")
        self.providers[name] = provider
        self.new_providers += 1
        return provider

    # --- Standort ----------------------------------------------------------------------------

    @staticmethod
    def _site_key(row: OfferRow) -> tuple[str, str, str]:
        return (row.street.casefold(), row.postcode, row.town.casefold())

    def _site(
        self, row: OfferRow, site_providers: dict[tuple[str, str, str], set[str]], provider: Provider | None
    ) -> Site | None:
        gemeinde = self.gemeinden.resolve(row.gemeinde, row.town)
        if gemeinde is None and not row.town:
            return None
        town = row.town or (gemeinde.name.split(",", 1)[0] if gemeinde else "")
        names = site_providers[self._site_key(row)]
        values: dict[str, Any] = {
            "name": ", ".join(p for p in (row.street, town) if p),
            "street": row.street,
            "postcode": row.postcode,
            "town": town,
            "gemeinde": gemeinde,
            "provider": provider if len(names) == 1 and provider is not None else None,
            "latitude": gemeinde.latitude if gemeinde else None,
            "longitude": gemeinde.longitude if gemeinde else None,
            "position_precision": (
                PositionPrecision.GEMEINDE if gemeinde and gemeinde.latitude is not None else PositionPrecision.NONE
            ),
        }
        key = site_uuid(self.district, row.street, row.postcode, row.town)
        site = self.sites.get(key)
        if site is None:
            site = Site.objects.create(uuid=key, district=self.district, **values)
            record(actor=self.actor, district=self.district, action="created", obj=site, note="Import (Angebots-CSV)")
            self.sites[key] = site
            self.labels.sites[site.pk] = str(site)
            self.new_sites += 1
            return site
        changed = [name for name, value in values.items() if getattr(site, name) != value]
        if changed:
            before = snapshot(site)
            for name in changed:
                setattr(site, name, values[name])
            site.save()
            record(
                actor=self.actor,
                district=self.district,
                action="updated",
                obj=site,
                changes=diff(before, snapshot(site)),
                note="Import (Angebots-CSV)",
            )
            self.labels.sites[site.pk] = str(site)
            self.changed_sites += 1
        return site

    # --- Angebot -----------------------------------------------------------------------------

    def _offering_values(self, row: OfferRow, provider: Provider | None, site: Site | None) -> dict[str, Any]:
        rule = self.mapping.category(row.category) if row.category else None
        _, remark = split_remark(row.traeger)
        description = row.description
        if remark or (row.traeger and provider is not None and provider.name != row.traeger):
            description = f"{description}\n\nTräger laut Quelle: {row.traeger}".strip()
        return {
            "provider": provider,
            "name": row.name,
            "description": description,
            "category": row.category,
            "offer_type": self.catalog.offer_types.get(rule.offer_type) if rule and rule.offer_type else None,
            "target_description": row.target_groups,
            "email": row.email,
            "phone": row.phone,
            "website": row.website,
            "status": OfferingStatus.ACTIVE,
            "source_url": row.source_url,
            "source_date": row.source_date,
            "review_state": ReviewState.APPROVED,
            "service_area_description": self.district.name if site is None else "",
        }

    def _relations(self, row: OfferRow, site: Site | None) -> dict[str, set[int]]:
        rule = self.mapping.category(row.category) if row.category else None
        groups = list(rule.target_groups if rule else ()) + self.mapping.target_groups_for(row.target_groups)
        served: set[int] = set()
        if site is None:
            served.add(self.district.region_id)  # district-wide: the whole Kreis
        elif site.gemeinde_id:
            served.add(site.gemeinde_id)
        return {
            "action_fields": {self.catalog.action_fields[str(c)].pk for c in (rule.action_fields if rule else ())},
            "target_groups": {self.catalog.target_groups[c].pk for c in groups},
            "themes": {self.catalog.themes[c].pk for c in (rule.themes if rule else ())},
            "sites": {site.pk} if site else set(),
            "served_regions": served,
        }

    def _plan_offering(
        self, row: OfferRow, provider: Provider | None, site: Site | None, stored: dict[uuid.UUID, Offering]
    ) -> _Planned | None:
        values = self._offering_values(row, provider, site)
        relations = self._relations(row, site)
        key = offering_uuid(self.district, row.name, row.source_url)
        offering = stored.get(key)
        if offering is None:
            return _Planned(row, Offering(uuid=key, district=self.district, **values), True, {}, relations)
        if offering.district_id != self.district.pk:
            self.summary.reject("Das Angebot gehört zu einem anderen Landkreis.", line=row.line, key=row.name)
            return None
        changes: dict[str, list[Any]] = {}
        for name, value in values.items():
            old = getattr(offering, name)
            if old != value:
                changes[name] = [_label(old), _label(value)]
                setattr(offering, name, value)
        return _Planned(row, offering, False, changes, relations)

    def _write_offerings(self, planned: list[_Planned], file: str) -> None:
        new = [p.offering for p in planned if p.created]
        Offering.objects.bulk_create(new, batch_size=200)
        for item in planned:
            if not item.created and item.changes:
                item.offering.save()
        self._sync_relations(planned)
        changed_ids: list[int] = []
        for item in planned:
            note = f"Import {file}, Zeile {item.row.line}"
            if item.created:
                record(actor=self.actor, district=self.district, action="created", obj=item.offering, note=note)
                self.summary.created += 1
            elif item.changes:
                record(
                    actor=self.actor,
                    district=self.district,
                    action="updated",
                    obj=item.offering,
                    changes=item.changes,
                    note=note,
                )
                self.summary.updated += 1
            else:
                self.summary.unchanged += 1
                continue
            changed_ids.append(item.offering.pk)
        note_changed(changed_ids)

    def _sync_relations(self, planned: list[_Planned]) -> None:
        """Make every offer's many-to-many links what the file says (one query per relation and step).

        Writes the through tables directly, without ``m2m_changed`` signals;
        the offers whose links changed get an entry in their ``changes``.
        """
        by_id = {p.offering.pk: p for p in planned}
        for name in RELATIONS:
            field = Offering._meta.get_field(name)
            assert isinstance(field, ManyToManyField)
            through: Any = field.remote_field.through
            source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
            current: dict[int, set[int]] = defaultdict(set)
            links = through.objects.filter(**{f"{source}__in": [p.offering.pk for p in planned if not p.created]})
            link_ids: dict[tuple[int, int], int] = {}
            for link_id, offering_id, target_id in links.values_list("pk", source, target):
                current[offering_id].add(target_id)
                link_ids[(offering_id, target_id)] = link_id
            to_add = []
            to_remove: list[int] = []
            for offering_id, item in by_id.items():
                wanted, have = item.relations[name], current.get(offering_id, set())
                if wanted == have:
                    continue
                to_add += [through(**{source: offering_id, target: pk}) for pk in sorted(wanted - have)]
                to_remove += [link_ids[(offering_id, pk)] for pk in have - wanted]
                if not item.created:
                    item.changes[name] = [self.labels.of(name, have), self.labels.of(name, wanted)]
            if to_remove:
                through.objects.filter(pk__in=to_remove).delete()
            through.objects.bulk_create(to_add, batch_size=500)


def _label(value: Any) -> Any:
    """A JSON value for the audit trail (objects by their name)."""
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


class _Labels:
    """Names of the targets of the many-to-many relations, for readable audit entries."""

    def __init__(self, district: District, catalog: _Catalog) -> None:
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
