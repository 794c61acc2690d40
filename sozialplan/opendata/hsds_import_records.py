"""Map validated HSDS objects onto Provider, Site, Offering and Schedule (used by ``hsds_import``).

The rule for every property: it is *modelled* when our field can hold it so
that the exporter gives back exactly the same value; otherwise it is *kept*
verbatim in the record's ``hsds_extra``. Arrays we model only in part (phones,
addresses, accessibility) are kept whole unless our model reproduces them.
Attributes, funding and service areas are consumed only where the exporter
regenerates them identically. So nothing is lost, and the exporter (``hsds``)
merges the kept properties back.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from sozialplan.audit.services import diff, record, snapshot
from sozialplan.catalog.models import ActionField, CrossCuttingTheme, OfferType, TargetGroup
from sozialplan.offerings.models import (
    Offering,
    PositionPrecision,
    Provider,
    ProviderKind,
    Schedule,
    Site,
)
from sozialplan.opendata import hsds
from sozialplan.opendata import taxonomy as tx
from sozialplan.opendata.hsds_fields import NOT_STORABLE, Field, is_http_url
from sozialplan.opendata.hsds_import_checks import (
    LOCATION_PATHS,
    ORGANIZATION_PATHS,
    SCHEDULE_PATHS,
    SERVICE_PATHS,
    DistrictArea,
    model_problem,
    shown,
)
from sozialplan.opendata.hsds_import_rules import (
    Outcome,
    apply_fields,
    apply_overlay,
    keep_unmatched,
    known_terms,
    placeholder,
    schedule_fill,
    schedule_json,
    schedule_values,
    state,
)
from sozialplan.regions.models import District, Region
from sozialplan.sources.errors import ImportSummary, SourceError

JsonDict = dict[str, Any]
Actor = AbstractBaseUser | AnonymousUser | None
NOTE = "HSDS-Import"

SERVICE_HANDLED = {"id", "organization", "phones", "schedules", "service_areas", "service_at_locations"}
SERVICE_HANDLED |= {"funding", "attributes"} | {f.key for f in hsds.SERVICE_FIELDS}
ORGANIZATION_HANDLED = {"id", "phones", "attributes", "locations", "services"} | {
    f.key for f in hsds.ORGANIZATION_FIELDS
}
LOCATION_HANDLED = {"id", "location_type", "external_identifier", "external_identifier_type"}
LOCATION_HANDLED |= {"addresses", "accessibility", "attributes"} | {f.key for f in hsds.LOCATION_FIELDS}


class RecordImporter:
    """Imports HSDS objects of one file into one district; call ``dispatch`` inside a transaction."""

    def __init__(self, *, district: District, actor: Actor, filename: str) -> None:
        self.district = district
        self.actor = actor
        self.filename = filename
        self.outcome = Outcome()
        self.area = DistrictArea(district)
        #: German notes for the summary (values not taken over), one per key (a record appears in several
        #: places of a file), in order.
        self.notes: dict[Any, str] = {}

    def summary(self) -> ImportSummary:
        result = ImportSummary()
        for outcome in self.outcome.seen.values():
            setattr(result, outcome, getattr(result, outcome) + 1)
        result.notes = list(self.notes.values())
        return result

    def fail(self, message: str) -> SourceError:
        return SourceError(message, file=self.filename)

    def note(self, message: str, key: Any = None) -> None:
        """Add a note for the summary; only the first note per ``key`` (default: the message) is kept."""
        self.notes.setdefault(message if key is None else key, message)

    def check(self, instance: Any, paths: dict[str, str], path: str) -> None:
        """Raise ``SourceError`` with the JSON path if a value fails the model's validation (before saving)."""
        problem = model_problem(instance, paths)
        if problem is not None:
            where, message = problem
            raise self.fail(_("%(path)s: %(message)s") % {"path": f"{path}.{where}", "message": message})

    def dispatch(self, kind: str, obj: JsonDict, path: str) -> None:
        if kind == "service":
            self.service(obj, path)
        elif kind == "organization":
            self.organization(obj, path)
        elif kind == "location":
            self.location(obj, path)
        else:
            self.service_at_location(obj, path)

    # --- shared -----------------------------------------------------------------------------------

    def _existing(self, model: type[Any], uuid: str, path: str) -> Any:
        found = model.objects.filter(uuid=uuid).first()
        if found is not None and found.district_id != self.district.pk:
            raise self.fail(
                _("%(path)s: Die ID %(id)s gehört zu einem Eintrag eines anderen Kreises.") % {"path": path, "id": uuid}
            )
        return found

    @staticmethod
    def _decide(before: JsonDict | None, after: JsonDict) -> str:
        """created (no record before), updated (values differ) or unchanged."""
        if before is None:
            return "created"
        return "unchanged" if before == after else "updated"

    def _audit(self, obj: Any, outcome: str, audit_before: JsonDict | None) -> None:
        self.outcome.note(obj, outcome)
        if outcome == "unchanged":
            return
        after = snapshot(obj)
        action = "created" if outcome == "created" else "updated"
        record(
            actor=self.actor,
            district=self.district,
            action=action,
            obj=obj,
            changes=diff(audit_before or {}, after),
            note=NOTE,
        )

    # --- organization -----------------------------------------------------------------------------

    def organization(self, obj: JsonDict, path: str) -> Provider:
        uuid = obj["id"]
        provider: Provider | None = self._existing(Provider, uuid, path)
        if provider is None and isinstance(obj.get("name"), str):
            # A Träger already known under this name (e.g. from the CSV import) is updated, not duplicated.
            provider = Provider.objects.filter(district=self.district, name=obj["name"][:300]).first()
        before = state(provider) if provider is not None else None
        audit_before = snapshot(provider) if provider is not None else None
        if provider is None:
            provider = Provider(uuid=uuid, district=self.district)
        extra: JsonDict = {k: copy.deepcopy(v) for k, v in obj.items() if k not in ORGANIZATION_HANDLED}
        apply_fields(provider, obj, hsds.ORGANIZATION_FIELDS, extra)
        placeholder(provider, "name", "name", str(obj.get("name", "")), extra, 300)
        apply_overlay(hsds.ORGANIZATION_PHONES, provider, obj, extra, str(provider.uuid))
        provider.kind = ProviderKind.OTHER
        for _attribute, term in known_terms(obj.get("attributes")):
            if term.taxonomy == tx.TRAEGERART and term.code in ProviderKind.values:
                provider.kind = term.code
        keep_unmatched(obj.get("attributes"), hsds.organization_attributes(provider), extra, "attributes")
        if "locations" in obj and not obj["locations"]:
            extra["locations"] = []
        provider.hsds_extra = extra
        outcome = self._decide(before, state(provider))
        if outcome != "unchanged":
            self.check(provider, ORGANIZATION_PATHS, path)
            provider.save()
        self._audit(provider, outcome, audit_before)
        for index, location in enumerate(obj.get("locations") or []):
            self.location(location, f"{path}.locations[{index}]", provider=provider)
        for index, service in enumerate(obj.get("services") or []):
            self.service(service, f"{path}.services[{index}]", provider=provider)
        return provider

    # --- location ---------------------------------------------------------------------------------

    def location(self, obj: JsonDict, path: str, provider: Provider | None = None) -> Site:
        uuid = obj["id"]
        site: Site | None = self._existing(Site, uuid, path)
        before = state(site) if site is not None else None
        audit_before = snapshot(site) if site is not None else None
        if site is None:
            site = Site(uuid=uuid, district=self.district)
        site.district = self.district
        extra: JsonDict = {k: copy.deepcopy(v) for k, v in obj.items() if k not in LOCATION_HANDLED}
        apply_fields(site, obj, hsds.LOCATION_FIELDS, extra)
        self._coordinates(site, obj, extra, path)
        if obj.get("location_type") != "physical":
            extra["location_type"] = obj["location_type"]
        site.gemeinde = None
        ags = obj.get("external_identifier") if obj.get("external_identifier_type") == "AGS" else None
        if isinstance(ags, str) and self.area.gemeinde(ags) is not None:
            site.gemeinde = self.area.gemeinde(ags)
        else:
            if isinstance(ags, str):
                self._foreign_ags(site, ags, f"{path}.external_identifier")
            for key in ("external_identifier", "external_identifier_type"):
                if key in obj:
                    extra[key] = copy.deepcopy(obj[key])
        apply_overlay(hsds.ADDRESSES, site, obj, extra, str(site.uuid), hsds.address_constants(site))
        self._accessibility(site, obj, extra)
        self._location_profile(site, obj, path)
        keep_unmatched(obj.get("attributes"), hsds.site_attributes(site), extra, "attributes")
        if provider is not None:
            site.provider = provider
        elif isinstance(obj.get("organization_id"), str):
            site.provider = Provider.objects.filter(uuid=obj["organization_id"], district=self.district).first()
        fallback = site.street or site.town or _("Standort")
        placeholder(site, "name", "name", str(obj.get("name") or fallback), extra, 300)
        site.retired_at = None
        site.hsds_extra = extra
        outcome = self._decide(before, state(site))
        if outcome != "unchanged":
            self.check(site, LOCATION_PATHS, path)
            site.save()
        self._audit(site, outcome, audit_before)
        return site

    @staticmethod
    def _accessibility(site: Site, obj: JsonDict, extra: JsonDict) -> None:
        """Description, URL and wheelchair access from the first accessibility item."""
        apply_overlay(hsds.ACCESSIBILITY, site, obj, extra, str(site.uuid))
        items = obj.get("accessibility")
        first = items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else {}
        details = first.get("details")
        site.wheelchair_accessible = {_("rollstuhlgerecht"): True, _("nicht rollstuhlgerecht"): False}.get(
            details if isinstance(details, str) else ""
        )
        if isinstance(items, list) and items == hsds.accessibility_items(site, {}):
            extra.pop("accessibility", None)
        elif isinstance(items, list):
            extra["accessibility"] = copy.deepcopy(items)

    def _coordinates(self, site: Site, obj: JsonDict, extra: JsonDict, path: str) -> None:
        """Keep a position only when both coordinates are valid (latitude −90…90, longitude −180…180).

        Otherwise the location is taken over without a position and the
        coordinates are kept as they came (so the export repeats them), with a
        note in the summary.
        """
        given = [key for key in ("latitude", "longitude") if key in obj]
        if not given or (site.latitude is not None and site.longitude is not None):
            return
        for key in given:
            extra[key] = copy.deepcopy(obj[key])
        site.latitude = site.longitude = None
        self.note(
            _(
                "%(path)s: Die Koordinaten (Breite %(lat)s, Länge %(lon)s) sind ungültig (nötig sind Breite "
                "zwischen −90 und 90 und Länge zwischen −180 und 180); der Standort wurde ohne Lage übernommen."
            )
            % {"path": path, "lat": shown(obj.get("latitude", "–")), "lon": shown(obj.get("longitude", "–"))},
            key=("coordinates", str(site.uuid)),
        )

    def _foreign_ags(self, site: Site, key: str, path: str) -> None:
        self.note(
            _(
                "%(path)s: Der Gemeindeschlüssel „%(key)s“ gehört zu keiner Gemeinde im %(district)s; "
                "er wurde nicht als Gemeinde übernommen."
            )
            % {"path": path, "key": shown(key, 20), "district": self.district.name},
            key=("ags", str(site.uuid)),
        )

    def _location_profile(self, site: Site, obj: JsonDict, path: str) -> None:
        """Gemeinde and position precision from our profile attributes or the coordinates.

        A location with coordinates must lie in the district (when the
        boundaries of its Gemeinden are known); its Gemeinde is the one named
        by AGS, else the one containing the point.
        """
        has_point = site.latitude is not None and site.longitude is not None
        site.position_precision = PositionPrecision.EXACT if has_point else PositionPrecision.NONE
        for item, term in known_terms(obj.get("attributes")):
            if term.taxonomy != tx.MERKMAL:
                continue
            value = item.get("value")
            if term.code == "ags" and site.gemeinde is None and isinstance(value, str):
                site.gemeinde = self.area.gemeinde(value)
                if site.gemeinde is None:
                    self._foreign_ags(site, value, f"{path}.attributes")
            if term.code == "lagegenauigkeit" and has_point and value in PositionPrecision.values:
                self._approximate(site, str(value))
        if site.latitude is None or site.longitude is None or not self.area.can_locate:
            return
        located = self.area.locate(site.latitude, site.longitude)
        if located is None:
            raise self.fail(
                _("%(path)s: Der Standort (Breite %(lat)s, Länge %(lon)s) liegt nicht im %(district)s.")
                % {"path": path, "lat": site.latitude, "lon": site.longitude, "district": self.district.name}
            )
        if site.gemeinde is None:
            site.gemeinde = located

    @staticmethod
    def _approximate(site: Site, precision: str) -> None:
        """Our export appended a note to the description of approximate positions: take it off again."""
        candidate = Site(position_precision=precision)
        note = hsds.approximate_note(candidate)
        if site.description == note:
            site.description = ""
        elif site.description.endswith("\n\n" + note):
            site.description = site.description[: -len(note) - 2]
        else:
            return
        site.position_precision = precision

    # --- service ----------------------------------------------------------------------------------

    def service(
        self, obj: JsonDict, path: str, *, provider: Provider | None = None, touch_sites: bool = True
    ) -> Offering:
        uuid = obj["id"]
        offering: Offering | None = self._existing(Offering, uuid, path)
        new = offering is None
        old_extra: JsonDict = {}
        if offering is not None:
            before = state(offering, _relations(offering))
            audit_before = snapshot(offering)
            old_extra = offering.hsds_extra if isinstance(offering.hsds_extra, dict) else {}
        else:
            before, audit_before = None, None
            offering = Offering(uuid=uuid, district=self.district)
        extra: JsonDict = {k: copy.deepcopy(v) for k, v in obj.items() if k not in SERVICE_HANDLED}
        apply_fields(offering, obj, hsds.SERVICE_FIELDS, extra)
        placeholder(offering, "name", "name", str(obj.get("name", "")), extra, 300)
        offering.provider = self._provider_of(obj, path, provider)
        apply_overlay(hsds.SERVICE_PHONES, offering, obj, extra, str(offering.uuid))
        relations = self._classifications(offering, obj, extra)
        offering.lsz_funded = any(
            isinstance(f, dict) and f.get("source") == hsds.LSZ_FUNDING_SOURCE for f in obj.get("funding") or []
        )
        keep_unmatched(obj.get("funding"), hsds.funding_items(offering), extra, "funding")
        relations["served_regions"] = self._service_areas(offering, obj, extra, path)
        if touch_sites:
            relations["sites"] = self._service_at_locations(offering, obj, extra, path)
        else:
            for key in (hsds.SAL_KEY, "service_at_locations"):
                if key in old_extra:
                    extra[key] = old_extra[key]
            relations["sites"] = set(offering.sites.values_list("pk", flat=True)) if not new else set()
        if obj.get("schedules") == []:
            extra["schedules"] = []
        schedule_items = self._schedule_rows(offering, _list(obj, "schedules"))
        modified = _last_modified(obj)
        if modified is not None and _rfc3339(modified) == obj["last_modified"]:
            del extra["last_modified"]  # our own spelling: updated_at reproduces it
        offering.hsds_extra = extra
        outcome = self._decide(before, state(offering, relations))
        if outcome == "unchanged" and modified is not None and modified != offering.updated_at:
            outcome = "updated"
        if outcome == "unchanged" and self._schedules_changed(offering, schedule_items, new):
            outcome = "updated"
        self._check_schedule_ids(offering, schedule_items, path)
        if outcome != "unchanged":
            self.check(offering, SERVICE_PATHS, path)
            offering.save()
            for name in ("action_fields", "target_groups", "themes", "served_regions", "sites"):
                getattr(offering, name).set(relations[name])
            self._write_schedules(offering, schedule_items, path)
            self._set_last_modified(offering, obj)
        self._audit(offering, outcome, audit_before)
        return offering

    def _provider_of(self, obj: JsonDict, path: str, provider: Provider | None) -> Provider | None:
        """The service's Träger: its nested organization, the enclosing one, or a known organization_id."""
        if isinstance(obj.get("organization"), dict):
            return self.organization(obj["organization"], f"{path}.organization")
        if provider is not None:
            return provider
        if isinstance(obj.get("organization_id"), str):
            return Provider.objects.filter(uuid=obj["organization_id"], district=self.district).first()
        return None

    def _classifications(self, offering: Offering, obj: JsonDict, extra: JsonDict) -> dict[str, Any]:
        """Handlungsfelder, Zielgruppen, Angebotsart, Querschnittsthemen and profile values from attributes."""
        fields: list[ActionField] = []
        groups: list[TargetGroup] = []
        themes: list[CrossCuttingTheme] = []
        offering.offer_type = None
        offering.source_url = offering.source_date = offering.category = ""
        merkmale = {
            "quelle": Field("", "source_url", max_length=500),
            "quellenstand": Field("", "source_date", max_length=20),
        }
        merkmale["kategorie"] = Field("", "category", max_length=200)
        for item, term in known_terms(obj.get("attributes")):
            if term.taxonomy == tx.HANDLUNGSFELD and term.code.isdigit():
                fields += ActionField.objects.filter(code=int(term.code))
            elif term.taxonomy == tx.ZIELGRUPPE:
                groups += TargetGroup.objects.filter(code=term.code)
            elif term.taxonomy == tx.QUERSCHNITTSTHEMA:
                themes += CrossCuttingTheme.objects.filter(code=term.code)
            elif term.taxonomy == tx.ANGEBOTSART and offering.offer_type is None:
                offering.offer_type = OfferType.objects.filter(code=term.code).first()
            elif term.taxonomy == tx.MERKMAL and term.code in merkmale:
                value = merkmale[term.code].accept(item.get("value"))
                if term.code == "quelle" and isinstance(value, str) and not is_http_url(value):
                    value = NOT_STORABLE  # our source_url is a web address; other text stays an attribute
                if value is not NOT_STORABLE:
                    setattr(offering, merkmale[term.code].attr, value)
        generated = hsds.service_attributes_of(offering, action_fields=fields, target_groups=groups, themes=themes)
        keep_unmatched(obj.get("attributes"), generated, extra, "attributes")
        return {
            "action_fields": {f.pk for f in fields},
            "target_groups": {g.pk for g in groups},
            "themes": {t.pk for t in themes},
        }

    def _service_areas(self, offering: Offering, obj: JsonDict, extra: JsonDict, path: str) -> set[int]:
        """Served regions from service areas naming the district's Kreis or one of its Gemeinden by key.

        Every other area (another district's region, free text, a polygon) is
        kept as it came and exported again, but links no region.
        """
        items = obj.get("service_areas")
        regions: dict[int, Region] = {}
        for item, term in known_terms(_area_attributes(items)):
            value = item.get("value")
            if term.taxonomy == tx.MERKMAL and term.code == "ags" and isinstance(value, str):
                region = self.area.region(value)
                if region is not None:
                    regions[region.pk] = region
                else:
                    self.note(
                        _(
                            "%(path)s: Das Einzugsgebiet mit dem Schlüssel „%(key)s“ liegt nicht im %(district)s; "
                            "es wurde aufbewahrt, aber nicht als Einzugsgebiet verknüpft."
                        )
                        % {"path": f"{path}.service_areas", "key": shown(value, 20), "district": self.district.name}
                    )
        generated = [hsds.region_service_area(offering, r) for r in regions.values()]
        text_area = {"id": tx.stable_uuid("service_area", offering.uuid, "text")}
        for item in items if isinstance(items, list) else []:
            name = item.get("name") if isinstance(item, dict) else None
            if isinstance(name, str) and 0 < len(name) <= 500 and item == {**text_area, "name": name}:
                offering.service_area_description = name  # our own free-text service area
                generated.append(item)
        keep_unmatched(items, generated, extra, "service_areas")
        return set(regions)

    def _service_at_locations(self, offering: Offering, obj: JsonDict, extra: JsonDict, path: str) -> set[int]:
        sites: list[Site] = []
        kept_pairs: JsonDict = {}
        unresolved = []
        items = obj.get("service_at_locations")
        for index, item in enumerate(items if isinstance(items, list) else []):
            location = item.get("location")
            site: Site | None = None
            if isinstance(location, dict):
                site = self.location(location, f"{path}.service_at_locations[{index}].location")
            elif isinstance(item.get("location_id"), str):
                site = Site.objects.filter(uuid=item["location_id"], district=self.district).first()
            if site is None or site in sites:
                unresolved.append(copy.deepcopy(item))
                continue
            sites.append(site)
            pair = {k: copy.deepcopy(v) for k, v in item.items() if k != "location"}
            if pair != {"id": tx.stable_uuid("service_at_location", offering.uuid, site.uuid)}:
                kept_pairs[str(site.uuid)] = pair
        if kept_pairs:
            extra[hsds.SAL_KEY] = kept_pairs
        if unresolved or items == []:
            extra["service_at_locations"] = unresolved
        return {s.pk for s in sites}

    @staticmethod
    def _schedule_rows(offering: Offering, items: list[Any]) -> list[Any]:
        """The schedule items that become rows; our own free-text schedule becomes ``schedule_description``."""
        own = {"id": tx.stable_uuid("schedule", offering.uuid)}
        if len(items) == 1 and isinstance(items[0], dict):
            text = items[0].get("description")
            if isinstance(text, str) and text and items[0] == {**own, "description": text}:
                offering.schedule_description = text
                return []
        return items

    def _check_schedule_ids(self, offering: Offering, items: list[Any], path: str) -> None:
        for index, item in enumerate(items):
            other = Schedule.objects.filter(uuid=item["id"]).exclude(offering__uuid=offering.uuid).first()
            if other is not None:
                raise self.fail(
                    _("Zeitplan %(path)s: Die ID %(id)s gehört schon zu einem anderen Angebot.")
                    % {"path": f"{path}.schedules[{index}]", "id": item["id"]}
                )

    @staticmethod
    def _schedules_changed(offering: Offering, items: list[Any], new: bool) -> bool:
        if new:
            return True
        current = {str(s.uuid): schedule_json(s) for s in offering.schedules.all()}
        wanted = {str(item["id"]): item for item in items}
        if set(current) != set(wanted):
            return True
        return any(schedule_values(item) != current[key] for key, item in wanted.items())

    def _write_schedules(self, offering: Offering, items: list[Any], path: str) -> None:
        offering.schedules.exclude(uuid__in=[i["id"] for i in items]).delete()
        for index, item in enumerate(items):
            schedule = Schedule.objects.filter(uuid=item["id"]).first() or Schedule(uuid=item["id"], offering=offering)
            schedule.hsds_extra = schedule_fill(schedule, item)
            self.check(schedule, SCHEDULE_PATHS, f"{path}.schedules[{index}]")
            schedule.save()

    @staticmethod
    def _set_last_modified(offering: Offering, obj: JsonDict) -> None:
        """Keep the source's last_modified as our updated_at, so that the export repeats it."""
        parsed = _last_modified(obj)
        if parsed is not None:
            Offering.objects.filter(pk=offering.pk).update(updated_at=parsed)
            offering.updated_at = parsed

    def service_at_location(self, obj: JsonDict, path: str) -> None:
        """One service at one location: both records, and the link between them."""
        site = self.location(obj["location"], f"{path}.location") if isinstance(obj.get("location"), dict) else None
        if site is None and isinstance(obj.get("location_id"), str):
            site = Site.objects.filter(uuid=obj["location_id"], district=self.district).first()
        service = obj.get("service")
        if site is None or not isinstance(service, dict):
            raise self.fail(
                _(
                    "%(path)s: Ein Angebot am Standort braucht „service“ und „location“ "
                    "(oder eine bekannte location_id)."
                )
                % {"path": path}
            )
        offering = self.service(service, f"{path}.service", touch_sites=False)
        pair = {k: copy.deepcopy(v) for k, v in obj.items() if k not in ("location", "service")}
        extra = copy.deepcopy(offering.hsds_extra) if isinstance(offering.hsds_extra, dict) else {}
        kept = extra.get(hsds.SAL_KEY)
        pairs: JsonDict = kept if isinstance(kept, dict) else {}
        if pair != {"id": tx.stable_uuid("service_at_location", offering.uuid, site.uuid)}:
            pairs[str(site.uuid)] = pair
        else:
            pairs.pop(str(site.uuid), None)
        if pairs:
            extra[hsds.SAL_KEY] = pairs
        linked = offering.sites.filter(pk=site.pk).exists()
        if extra != offering.hsds_extra or not linked:
            audit_before = snapshot(offering)
            offering.hsds_extra = extra
            Offering.objects.filter(pk=offering.pk).update(hsds_extra=extra)
            offering.sites.add(site)
            self._audit(offering, "updated", audit_before)


def _list(obj: JsonDict, key: str) -> list[Any]:
    value = obj.get(key)
    return value if isinstance(value, list) else []


def _last_modified(obj: JsonDict) -> dt.datetime | None:
    """The service's last_modified as an aware datetime, if it is one."""
    value = obj.get("last_modified")
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return parsed if parsed is not None and parsed.tzinfo is not None else None


def _rfc3339(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _relations(offering: Offering) -> dict[str, Any]:
    return {
        name: set(getattr(offering, name).values_list("pk", flat=True))
        for name in ("action_fields", "target_groups", "themes", "served_regions", "sites")
    }


def _area_attributes(items: Any) -> list[Any]:
    found: list[Any] = []
    for area in items if isinstance(items, list) else []:
        if isinstance(area, dict) and isinstance(area.get("attributes"), list):
            found += area["attributes"]
    return found
