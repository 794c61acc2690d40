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
* Rows without Gemeinde and town get no site. If their category is
  district-wide in the mapping table (``district_wide = ja``, e.g. the
  Kreisseniorenbüro) they serve the whole Kreis; otherwise their place is
  unknown: no site and no served region, listed in the summary as
  "ohne Ort (Adresse in der Quelle nicht genannt)".
* ``assured_date`` stays empty: nobody verified the offers in sozialplan; the
  source date is kept in ``source_date``. New offers are active and approved.

Identity: an offer is the same offer when district, name and source URL are
the same (its ``uuid`` is a UUID5 of these), so a second import changes
nothing.

Re-imports respect what people did (``import_merge``): the ``status`` and
``review_state`` of an existing offer are never changed, an exact position
(``position_precision = exact``) is never replaced by an approximate one, and
a field that a person changed since the last import keeps its value (reported
as "lokal geändert, nicht überschrieben").

All or nothing: the whole file is written in one transaction, and if any row
is invalid nothing is written (``InvalidRowsError`` names every bad row)
unless ``skip_invalid`` asks to import the valid rows and report the rest.
"""

from __future__ import annotations

import sys
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Field
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from sozialplan.audit.services import diff, record, snapshot
from sozialplan.catalog.mapping import CategoryRule, OfferMapping, load_offer_mapping
from sozialplan.offerings.import_lookup import (
    Catalog,
    GemeindeNames,
    Labels,
    Links,
    label,
    municipal_name,
    name_key,
    split_remark,
)
from sozialplan.offerings.import_merge import current_value, merge, snapshot_form, touched_by_people
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
from sozialplan.regions.models import District
from sozialplan.sources.errors import ImportSummary, SourceError
from sozialplan.sources.offers_csv import InvalidRowsError, OfferRow, OffersFile, RowProblem, read_offers_csv

Actor = AbstractBaseUser | AnonymousUser | None
T = TypeVar("T")

__all__ = [
    "import_offers_csv",
    "import_offers_file",
    "municipal_name",
    "name_key",
    "offering_uuid",
    "site_uuid",
    "split_remark",
]

#: Namespace of the UUID5 identities of imported offers and sites.
IMPORT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:sozialplan:offers-csv")


def offering_uuid(district: District, name: str, source_url: str) -> uuid.UUID:
    """The stable identity of an imported offer."""
    return uuid.uuid5(IMPORT_NAMESPACE, f"offer|{district.slug}|{name}|{source_url}")


def site_uuid(district: District, street: str, postcode: str, town: str) -> uuid.UUID:
    """The stable identity of an imported site (one per distinct address or town)."""
    return uuid.uuid5(IMPORT_NAMESPACE, f"site|{district.slug}|{street.casefold()}|{postcode}|{town.casefold()}")


def import_offers_file(
    *,
    district: District,
    data: bytes,
    filename: str,
    actor: Actor,
    skip_invalid: bool = False,
    show_progress: bool = False,
) -> ImportSummary:
    """Import an uploaded or local file: HSDS JSON if it is JSON, otherwise the offers CSV.

    ``SourceError`` when the file cannot be read as a whole, ``InvalidRowsError``
    (a ``SourceError``) when a CSV row is invalid and ``skip_invalid`` is not
    set; in both cases nothing is written. ``show_progress`` draws a progress
    bar on stderr (CSV only).
    """
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return _import_hsds_json(district=district, data=data, filename=filename, actor=actor)
    return import_offers_csv(
        district=district,
        parsed=read_offers_csv(data, file=filename),
        actor=actor,
        skip_invalid=skip_invalid,
        show_progress=show_progress,
    )


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
    summary: ImportSummary = import_hsds(district=district, data=payload, actor=actor, filename=filename)
    return summary


def import_offers_csv(
    *,
    district: District,
    parsed: OffersFile,
    actor: Actor,
    mapping: OfferMapping | None = None,
    skip_invalid: bool = False,
    show_progress: bool = False,
) -> ImportSummary:
    """Write the parsed rows (see the module docstring).

    Invalid rows (those the reader rejected, a repeated offer, an offer of
    another district) make the whole import fail with ``InvalidRowsError``,
    or, with ``skip_invalid``, are reported as rejected while the rest is
    imported.
    """
    mapping = mapping or load_offer_mapping()
    summary = ImportSummary()
    with transaction.atomic(), batched_refresh():
        catalog = Catalog.load(mapping)
        importer = _Importer(district=district, mapping=mapping, catalog=catalog, actor=actor, summary=summary)
        importer.run(parsed, skip_invalid=skip_invalid, show_progress=show_progress)
    summary.rejected.sort(key=lambda r: r.line or 0)
    return summary


def _verbose_name(model: type[Offering] | type[Site], name: str) -> str:
    """The German label of a field or relation ("Beschreibung", "Handlungsfelder")."""
    model_field = model._meta.get_field(name)
    return str(model_field.verbose_name) if isinstance(model_field, Field) else name


def _progress(items: Sequence[T], *, enabled: bool) -> Iterable[T]:
    """``items`` with a tqdm progress bar on stderr when ``enabled``."""
    if not enabled:
        return items
    bar: Iterable[T] = tqdm(items, desc="Angebote", file=sys.stderr, unit=" Zeilen", leave=False)
    return bar


RELATIONS = ("action_fields", "target_groups", "themes", "sites", "served_regions")
#: Site fields an exact position (set by a person) protects from the import's approximate one.
POSITION_FIELDS = ("latitude", "longitude", "position_precision")


@dataclass
class _Planned:
    """One offer of the file: its row, the object (new or stored) and what it should be.

    ``changes`` are the audit entry's ``{field: [old, new]}``; ``kept`` the
    fields a person changed that the import leaves alone; ``snapshot`` the
    offer's next ``import_snapshot`` (completed with the relations when they
    are synchronised); ``trust_current``: a record from before snapshots that
    only imports touched, whose current values count as the last import's.
    """

    row: OfferRow
    offering: Offering
    created: bool
    changes: dict[str, list[Any]]
    relations: dict[str, set[int]]
    kept: list[str] = field(default_factory=list)
    snapshot: dict[str, Any] = field(default_factory=dict)
    trust_current: bool = False


class _Importer:
    """Writes one parsed file with a small, fixed number of queries per kind of record.

    Providers and sites are created one by one (few, each with an audit entry);
    new offers are inserted with one ``bulk_create``; the many-to-many links of
    all offers are synchronised with one query per relation. Search texts are
    refreshed once at the end (``batched_refresh`` in the caller).
    """

    def __init__(
        self, *, district: District, mapping: OfferMapping, catalog: Catalog, actor: Actor, summary: ImportSummary
    ) -> None:
        self.district = district
        self.mapping = mapping
        self.catalog = catalog
        self.actor = actor
        self.summary = summary
        self.gemeinden = GemeindeNames(district)
        self.providers: dict[str, Provider] = {p.name: p for p in Provider.objects.filter(district=district)}
        self.sites: dict[uuid.UUID, Site] = {
            s.uuid: s for s in Site.objects.filter(district=district).select_related("gemeinde", "provider")
        }
        self.touched_sites = touched_by_people(
            district, "site", [str(s.uuid) for s in self.sites.values() if not s.import_snapshot]
        )
        self.touched_offerings: set[str] = set()
        self.sites_done: set[uuid.UUID] = set()
        self.new_providers = 0
        self.new_sites = 0
        self.changed_sites = 0
        self.kept_notes: list[str] = []
        self.without_place: list[str] = []
        self.labels = Labels(district, catalog)

    def run(self, parsed: OffersFile, *, skip_invalid: bool, show_progress: bool) -> None:
        rows, stored = self._validate(parsed, skip_invalid=skip_invalid)
        self.touched_offerings = touched_by_people(
            self.district, "offering", [str(o.uuid) for o in stored.values() if not o.import_snapshot]
        )
        site_providers: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        for row in rows:
            site_providers[self._site_key(row)].add(self._provider_name(row))
        planned: list[_Planned] = []
        unmapped: set[str] = set()
        for row in _progress(rows, enabled=show_progress):
            rule = self.mapping.category(row.category) if row.category else None
            if row.category and rule is None:
                unmapped.add(row.category)
            provider = self._provider(row)
            site = self._site(row, site_providers, provider)
            if site is None and not (rule and rule.district_wide):
                self.without_place.append(row.name)
            planned.append(self._plan_offering(row, rule, provider, site, stored))
        self._write_offerings(planned, parsed.file)
        self._add_notes(unmapped)

    def _validate(self, parsed: OffersFile, *, skip_invalid: bool) -> tuple[list[OfferRow], dict[uuid.UUID, Offering]]:
        """The rows to import and the stored offers among them; raises ``InvalidRowsError`` for bad rows.

        Bad rows are those the reader rejected, a second row of the same offer
        and an offer that belongs to another district. Nothing is written yet.
        """
        problems = list(parsed.problems)
        seen: dict[uuid.UUID, int] = {}
        unique: list[tuple[uuid.UUID, OfferRow]] = []
        for row in parsed.rows:
            key = offering_uuid(self.district, row.name, row.source_url)
            if key in seen:
                reason = f"Dasselbe Angebot (Name und Quelle) steht schon in Zeile {seen[key]}."
                problems.append(RowProblem(line=row.line, name=row.name, reason=reason))
                continue
            seen[key] = row.line
            unique.append((key, row))
        stored = {
            o.uuid: o for o in Offering.objects.select_related("provider", "offer_type").filter(uuid__in=list(seen))
        }
        rows: list[OfferRow] = []
        for key, row in unique:
            found = stored.get(key)
            if found is not None and found.district_id != self.district.pk:
                reason = "Das Angebot gehört zu einem anderen Landkreis."
                problems.append(RowProblem(line=row.line, name=row.name, reason=reason))
                del stored[key]
                continue
            rows.append(row)
        if problems and not skip_invalid:
            raise InvalidRowsError(parsed.file, problems)
        for problem in problems:
            self.summary.reject(problem.reason, line=problem.line, key=problem.name)
        return rows, stored

    def _add_notes(self, unmapped: set[str]) -> None:
        if self.new_providers or self.new_sites or self.changed_sites:
            self.summary.notes.append(
                f"Träger neu: {self.new_providers}; Standorte neu: {self.new_sites}, geändert: {self.changed_sites}."
            )
        if unmapped:
            self.summary.notes.append(
                "Kategorien ohne Zuordnung in data/reference/category_mapping.csv (ohne Handlungsfeld importiert): "
                + ", ".join(f"„{c}“" for c in sorted(unmapped))
            )
        if self.without_place:
            count = len(self.without_place)
            self.summary.notes.append(
                ngettext(
                    "%(count)d Angebot ohne Ort (Adresse in der Quelle nicht genannt): %(names)s",
                    "%(count)d Angebote ohne Ort (Adresse in der Quelle nicht genannt): %(names)s",
                    count,
                )
                % {"count": count, "names": ", ".join(f"„{n}“" for n in self.without_place)}
            )
        self.summary.notes.extend(self.kept_notes)

    def _note_kept(self, what: str, names: list[str], model: type[Offering] | type[Site]) -> None:
        labels = ", ".join(_verbose_name(model, n) for n in names)
        self.kept_notes.append(
            _("%(what)s: lokal geändert, nicht überschrieben (%(fields)s).") % {"what": what, "fields": labels}
        )

    # --- Träger ------------------------------------------------------------------------------

    def _provider_name(self, row: OfferRow) -> str:
        name, _remark = split_remark(row.traeger)
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
        """The row's site, created or updated by the first row that names it; ``None`` without a place."""
        gemeinde = self.gemeinden.resolve(row.gemeinde, row.town)
        if gemeinde is None and not row.town:
            return None
        key = site_uuid(self.district, row.street, row.postcode, row.town)
        site = self.sites.get(key)
        if key in self.sites_done:
            return site
        self.sites_done.add(key)
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
        if site is None:
            snap = {name: snapshot_form(value) for name, value in values.items()}
            site = Site.objects.create(uuid=key, district=self.district, import_snapshot=snap, **values)
            record(actor=self.actor, district=self.district, action="created", obj=site, note="Import (Angebots-CSV)")
            self.sites[key] = site
            self.labels.sites[site.pk] = str(site)
            self.new_sites += 1
            return site
        self._update_site(site, values, row)
        return site

    def _update_site(self, site: Site, values: dict[str, Any], row: OfferRow) -> None:
        """Write what the file says where no person changed the site since the last import."""
        wanted = {name: snapshot_form(value) for name, value in values.items()}
        if site.position_precision == PositionPrecision.EXACT:
            for name in POSITION_FIELDS:  # a person placed it exactly; the Gemeinde centre is worse
                del wanted[name]
        current = {name: current_value(site, name) for name in wanted}
        last = site.import_snapshot or ({} if str(site.uuid) in self.touched_sites else current)
        result = merge(current, wanted, last)
        if result.kept:
            what = _("Standort „%(site)s“ (bei „%(offer)s“)") % {"site": site.name, "offer": row.name}
            self._note_kept(what, result.kept, Site)
        if not result.write:
            if result.snapshot != site.import_snapshot:
                site.import_snapshot = result.snapshot
                Site.objects.filter(pk=site.pk).update(import_snapshot=result.snapshot)
            return
        before = snapshot(site)
        for name in result.write:
            setattr(site, name, values[name])
        site.import_snapshot = result.snapshot
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

    # --- Angebot -----------------------------------------------------------------------------

    def _offering_values(
        self, row: OfferRow, rule: CategoryRule | None, provider: Provider | None, site: Site | None
    ) -> dict[str, Any]:
        """The fields the file decides (never ``status`` or ``review_state`` of a stored offer)."""
        _name, remark = split_remark(row.traeger)
        description = row.description
        if remark or (row.traeger and provider is not None and provider.name != row.traeger):
            description = f"{description}\n\nTräger laut Quelle: {row.traeger}".strip()
        district_wide = site is None and rule is not None and rule.district_wide
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
            "source_url": row.source_url,
            "source_date": row.source_date,
            "service_area_description": self.district.name if district_wide else "",
        }

    def _relations(self, row: OfferRow, rule: CategoryRule | None, site: Site | None) -> dict[str, set[int]]:
        groups = list(rule.target_groups if rule else ()) + self.mapping.target_groups_for(row.target_groups)
        served: set[int] = set()
        if site is None:
            if rule is not None and rule.district_wide:
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
        self,
        row: OfferRow,
        rule: CategoryRule | None,
        provider: Provider | None,
        site: Site | None,
        stored: dict[uuid.UUID, Offering],
    ) -> _Planned:
        values = self._offering_values(row, rule, provider, site)
        relations = self._relations(row, rule, site)
        wanted = {name: snapshot_form(value) for name, value in values.items()}
        key = offering_uuid(self.district, row.name, row.source_url)
        offering = stored.get(key)
        if offering is None:
            snap = wanted | {name: sorted(pks) for name, pks in relations.items()}
            new = Offering(
                uuid=key,
                district=self.district,
                status=OfferingStatus.ACTIVE,
                review_state=ReviewState.APPROVED,
                import_snapshot=snap,
                **values,
            )
            return _Planned(row, new, True, {}, relations)
        current = {name: current_value(offering, name) for name in wanted}
        trust_current = not offering.import_snapshot and str(offering.uuid) not in self.touched_offerings
        result = merge(current, wanted, current if trust_current else offering.import_snapshot)
        changes: dict[str, list[Any]] = {}
        for name in result.write:
            changes[name] = [label(getattr(offering, name)), label(values[name])]
            setattr(offering, name, values[name])
        return _Planned(row, offering, False, changes, relations, result.kept, result.snapshot, trust_current)

    def _write_offerings(self, planned: list[_Planned], file: str) -> None:
        new = [p.offering for p in planned if p.created]
        Offering.objects.bulk_create(new, batch_size=200)
        for item in planned:
            if not item.created and item.changes:
                item.offering.save()
        self._sync_relations(planned)
        stale = []
        for item in planned:
            if not item.created and item.snapshot != item.offering.import_snapshot:
                item.offering.import_snapshot = item.snapshot
                stale.append(item.offering)
        Offering.objects.bulk_update(stale, ["import_snapshot"], batch_size=200)
        changed_ids: list[int] = []
        for item in planned:
            if item.kept:
                self._note_kept(f"„{item.offering.name}“", item.kept, Offering)
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
        """Write the many-to-many links the file says, where no person changed them (one query per relation and step).

        Writes the through tables directly, without ``m2m_changed`` signals;
        the offers whose links changed get an entry in their ``changes``.
        """
        existing = [p for p in planned if not p.created]
        links = {name: Links.load(name, [p.offering.pk for p in existing]) for name in RELATIONS}
        write: dict[str, list[_Planned]] = {name: [p for p in planned if p.created] for name in RELATIONS}
        for item in existing:
            have = {name: sorted(links[name].targets.get(item.offering.pk, set())) for name in RELATIONS}
            wanted = {name: sorted(item.relations[name]) for name in RELATIONS}
            result = merge(have, wanted, have if item.trust_current else item.snapshot)
            item.kept += result.kept
            item.snapshot.update(result.snapshot)
            for name in result.write:
                write[name].append(item)
                item.changes[name] = [self.labels.of(name, set(have[name])), self.labels.of(name, item.relations[name])]
        for name in RELATIONS:
            links[name].replace({p.offering.pk: p.relations[name] for p in write[name]})
