"""Which stored region each region key of a statistical table means.

A key is matched by its length, as the statistical offices print them:
2 digits = Land, 5 = Kreis, 8 = Gemeinde (AGS), 9 = Gemeindeverband,
12 = Amtlicher Regionalschlüssel (ARS). A 12-digit key is a Gemeinde by its
ARS; if no Gemeinde has that ARS, by its AGS (ARS[:5] + ARS[9:], because
Verwaltungsgemeinschaften are renumbered more often than Gemeinden); an ARS
padded with zeros names a Gemeindeverband (``…000``), a Kreis (``…0000000``)
or a Land. ``DG`` (Deutschland) is never stored.

Keys that match nothing are reported, never dropped silently, each with a
German reason: outside the regions loaded into this installation (counted as
one group, e.g. the other Länder when only Thüringen is loaded), dissolved
before the table's reference date, only symbols (a historic Kreis the table
still lists), or not in the directory (e.g. a Gemeinde merged after the
table's date). For an unmatched Gemeinde we suggest successors: a stored
mapping the planners confirmed before, a Gemeinde whose name contains the old
name, the other Gemeinden of the same Gemeindeverband. Planners confirm; we
never map on our own.

A confirmed mapping adds the old key's numbers to the new region. Only counts
add up (persons, cases: unit "Anzahl"/"Personen"); a mapping of a key with
ratios or averages is refused with a reason.

With a ``district`` (the upload form, see :mod:`~sozialplan.indicators.import_scope`)
only keys inside the district's Kreis are matched or listed; every other key
(other Kreise, the Land, Deutschland, areas not loaded) goes to
``MatchResult.foreign`` and its values are not imported. A mapping must then
take an old key of the Kreis to a region of the Kreis.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sozialplan.indicators.import_scope import foreign_message, in_district, key_in_district, region_in_district
from sozialplan.indicators.models import RegionKeyMapping
from sozialplan.regions.models import District, Region, RegionKind
from sozialplan.sources.statistics import SYMBOLS_WITHOUT_VALUE, Measure, StatTable, StatValue

#: Key printed for Deutschland as a whole.
GERMANY: Final = "DG"
#: Region kind a key of this length names (12 digits: Gemeinde by ARS, see the module docstring).
KIND_BY_LENGTH: Final[dict[int, str]] = {
    2: RegionKind.LAND,
    5: RegionKind.KREIS,
    8: RegionKind.GEMEINDE,
    9: RegionKind.VERBAND,
    12: RegionKind.GEMEINDE,
}
#: Units (case-folded) whose numbers may be added when Gemeinden are merged.
ADDITIVE_UNITS: Final = frozenset({"anzahl", "personen", "person", "persons", "number", "count", "fälle"})
#: Measures that are counts even when the file names no unit.
COUNT_MEASURES: Final = frozenset(
    {
        Measure.POPULATION,
        Measure.BIRTHS,
        Measure.DEATHS,
        Measure.IN_MIGRATION,
        Measure.OUT_MIGRATION,
        Measure.HOUSEHOLDS,
        Measure.SINGLE_PARENTS,
    }
)
#: Most successor suggestions shown per key.
MAX_SUGGESTIONS: Final = 8


@dataclass(frozen=True)
class Suggestion:
    """A region that may have taken over an unmatched key, and why we think so (German)."""

    region_id: int
    key: str
    name: str
    why: str
    confirmed: bool = False


@dataclass(frozen=True)
class Unmatched:
    """A region key of the table that names no stored region.

    ``kind`` is the level the key would name ('' for a key that is not a key).
    ``mappable`` says whether a planner may map it to a successor (a Gemeinde,
    Gemeindeverband or Kreis inside the loaded regions with numbers to add).
    """

    key: str
    name: str
    reason: str
    value_count: int
    kind: str = ""
    mappable: bool = False
    only_symbols: bool = False
    suggestions: tuple[Suggestion, ...] = ()


@dataclass
class MatchResult:
    """Outcome of :func:`match_regions`.

    ``matched`` maps each matched key to its region; ``unmatched`` lists the
    keys inside the loaded regions (and invalid keys) one by one; ``outside``
    maps keys of areas outside the loaded regions to their name in the file
    (reported as one group); ``germany_values`` counts the values for
    Deutschland (not stored, not an error). With a district, ``foreign``
    maps the keys outside it (Deutschland included) to their name and
    ``foreign_values`` counts their values; ``outside`` and
    ``germany_values`` stay empty then.
    """

    matched: dict[str, Region] = field(default_factory=dict)
    unmatched: list[Unmatched] = field(default_factory=list)
    outside: dict[str, str] = field(default_factory=dict)
    outside_values: int = 0
    germany_values: int = 0
    foreign: dict[str, str] = field(default_factory=dict)
    foreign_values: int = 0

    @property
    def outside_message(self) -> str:
        """E.g. "1.234 Gebiete außerhalb der geladenen Gebiete (nicht gespeichert)"; '' for none."""
        count = len(self.outside)
        if not count:
            return ""
        return ngettext(
            "%(count)s Gebiet außerhalb der geladenen Gebiete (nicht gespeichert)",
            "%(count)s Gebiete außerhalb der geladenen Gebiete (nicht gespeichert)",
            count,
        ) % {"count": f"{count:,}".replace(",", ".")}

    @property
    def foreign_message(self) -> str:
        """E.g. "1.234 Werte anderer Gebiete (andere Kreise, Land, Bund) werden nicht übernommen: …"; '' for none."""
        return foreign_message(self.foreign_values)

    def unmatched_key(self, key: str) -> Unmatched | None:
        return next((u for u in self.unmatched if u.key == key), None)


@dataclass
class _KeyInfo:
    """What the table holds for one key: its name, values, first period, whether any number."""

    name: str
    count: int = 0
    first_period: dt.date = dt.date.max
    with_number: bool = False
    values: list[StatValue] = field(default_factory=list)


def collect_keys(values: Iterable[StatValue]) -> dict[str, _KeyInfo]:
    """Per region key: name, number of values, first period and whether any value is a number."""
    infos: dict[str, _KeyInfo] = {}
    for value in values:
        info = infos.get(value.region_key)
        if info is None:
            info = infos[value.region_key] = _KeyInfo(name=value.region_name)
        info.count += 1
        info.values.append(value)
        info.first_period = min(info.first_period, value.period)
        if value.value is not None and (value.value != 0 or value.flag not in ("-", *SYMBOLS_WITHOUT_VALUE)):
            info.with_number = True
    return infos


class _Directory:
    """The stored regions (land, kreis, verband, gemeinde), loaded once without their boundaries."""

    def __init__(self) -> None:
        kinds = [RegionKind.LAND, RegionKind.KREIS, RegionKind.VERBAND, RegionKind.GEMEINDE]
        regions = list(
            Region.objects.filter(kind__in=kinds).only("id", "kind", "key", "ars", "name", "valid_to", "parent_id")
        )
        self.by_key = {(r.kind, r.key): r for r in regions}
        self.by_ars = {r.ars: r for r in regions if r.kind == RegionKind.GEMEINDE and r.ars}
        self.kreise = {r.key for r in regions if r.kind == RegionKind.KREIS}
        self.laender = {r.key for r in regions if r.kind == RegionKind.LAND}
        self.gemeinden = [r for r in regions if r.kind == RegionKind.GEMEINDE]

    def find(self, key: str) -> Region | None:
        """The region ``key`` names (see the module docstring), or ``None``."""
        kind = KIND_BY_LENGTH.get(len(key))
        if kind is None:
            return None
        if len(key) != 12:
            return self.by_key.get((kind, key))
        found = self.by_ars.get(key) or self.by_key.get((RegionKind.GEMEINDE, key[:5] + key[9:]))
        if found is not None:
            return found
        if key[2:] == "0" * 10:
            return self.by_key.get((RegionKind.LAND, key[:2]))
        if key[5:] == "0" * 7:
            return self.by_key.get((RegionKind.KREIS, key[:5]))
        if key[9:] == "000":
            return self.by_key.get((RegionKind.VERBAND, key[:9]))
        return None

    def inside(self, key: str) -> bool:
        """Whether the key's area lies in the loaded regions (its Kreis, or for a Kreis its Land, is stored)."""
        if len(key) == 2:
            return key in self.laender
        if len(key) == 5:
            return key[:2] in self.laender
        return key[:5] in self.kreise


def _is_key(key: str) -> bool:
    return key.isascii() and key.isdigit() and len(key) in KIND_BY_LENGTH


def _day(day: dt.date) -> str:
    return f"{day:%d.%m.%Y}"


def match_regions(table: StatTable, *, district: District | None = None) -> MatchResult:
    """Map each distinct region key of ``table`` to a stored region (see the module docstring).

    With ``district`` only keys inside its Kreis are matched or listed; the
    others are counted in ``foreign``.
    """
    directory = _Directory()
    stored = _stored_mappings(district)
    result = MatchResult()
    for key, info in sorted(collect_keys(table.values).items()):
        if district is not None and (key == GERMANY or (_is_key(key) and not key_in_district(key, district))):
            result.foreign[key] = info.name
            result.foreign_values += info.count
            continue
        if key == GERMANY:
            result.germany_values += info.count
            continue
        if not _is_key(key):
            reason = _("„%(key)s“ ist kein Gebietsschlüssel (2, 5, 8, 9 oder 12 Ziffern erwartet).") % {"key": key[:20]}
            result.unmatched.append(Unmatched(key=key, name=info.name, reason=reason, value_count=info.count))
            continue
        region = directory.find(key)
        if district is not None and region is not None and not region_in_district(region, district):
            result.foreign[key] = info.name  # defensive: a key of the Kreis names a region of the Kreis
            result.foreign_values += info.count
            continue
        if region is not None and (region.valid_to is None or region.valid_to > info.first_period):
            result.matched[key] = region
            continue
        if region is None and not directory.inside(key):
            result.outside[key] = info.name
            result.outside_values += info.count
            continue
        result.unmatched.append(_unmatched(key, info, region, directory, stored))
    return result


def _unmatched(
    key: str, info: _KeyInfo, dissolved: Region | None, directory: _Directory, stored: Mapping[str, Region]
) -> Unmatched:
    kind = KIND_BY_LENGTH[len(key)]
    if dissolved is not None:
        reason = _(
            "„%(name)s“ wurde zum %(day)s aufgelöst, vor dem Stichtag der Tabelle (%(period)s); "
            "ordnen Sie die Werte der Nachfolgegemeinde zu."
        ) % {
            "name": dissolved.name,
            "day": _day(dissolved.valid_to or info.first_period),
            "period": _day(info.first_period),
        }
    elif not info.with_number:
        reason = _(
            "Nicht im Gebietsverzeichnis, und die Tabelle nennt hier nur Zeichen ohne Zahlen "
            "(z. B. ein aufgelöster Kreis, den die Tabelle noch führt)."
        )
    elif kind == RegionKind.KREIS:
        reason = _(
            "Kreis nicht im geladenen Gebietsverzeichnis: nicht geladen oder vor dessen Gebietsstand aufgelöst "
            "(z. B. durch eine Kreisgebietsreform)."
        )
    elif kind == RegionKind.VERBAND:
        reason = _("Gemeindeverband nicht im Gebietsverzeichnis (aufgelöst oder neu gebildet).")
    else:
        reason = _(
            "Gemeinde nicht im Gebietsverzeichnis (z. B. nach dem Stichtag der Tabelle mit einer anderen Gemeinde "
            "zusammengeschlossen)."
        )
    suggestions = _suggest(key, info.name, kind, directory, stored) if info.with_number else ()
    return Unmatched(
        key=key,
        name=info.name,
        reason=reason,
        value_count=info.count,
        kind=kind,
        mappable=info.with_number,
        only_symbols=not info.with_number,
        suggestions=suggestions,
    )


def _mapping_rows(district: District | None) -> QuerySet[RegionKeyMapping]:
    """The confirmed mappings; with a district only those to one of its regions."""
    rows = RegionKeyMapping.objects.all()
    return rows.filter(in_district(district, prefix="new_region__")) if district is not None else rows


def _stored_mappings(district: District | None) -> dict[str, Region]:
    rows = (
        _mapping_rows(district)
        .select_related("new_region")
        .only("old_key", "new_region__id", "new_region__key", "new_region__name", "new_region__kind")
    )
    return {m.old_key: m.new_region for m in rows}


def stored_mappings(keys: Iterable[str], *, district: District | None = None) -> dict[str, int]:
    """The confirmed mappings (old key → region pk) stored for ``keys``; with a district only to its regions."""
    wanted = list(keys)
    rows = _mapping_rows(district).filter(old_key__in=wanted).values_list("old_key", "new_region_id")
    return {old: new for old, new in rows}


_SUFFIX = re.compile(r",\s*(stadt|gemeinde|markt|flecken|hansestadt)\s*$|\s*\(.*\)\s*$", re.IGNORECASE)


def name_core(name: str) -> str:
    """The comparable core of a Gemeinde name: "Heldburg, Stadt" → "heldburg", "Grub (Landkreis …)" → "grub"."""
    previous = None
    core = name.strip()
    while previous != core:
        previous = core
        core = _SUFFIX.sub("", core).strip()
    return core.casefold()


def _suggest(
    key: str, name: str, kind: str, directory: _Directory, stored: Mapping[str, Region]
) -> tuple[Suggestion, ...]:
    """Successor candidates for an unmatched key, best first (see the module docstring)."""
    found: dict[int, Suggestion] = {}
    confirmed = stored.get(key)
    if confirmed is not None:
        found[confirmed.pk] = Suggestion(
            confirmed.pk, confirmed.key, confirmed.name, _("bereits bestätigte Zuordnung"), confirmed=True
        )
    if kind == RegionKind.GEMEINDE:
        today = dt.date.today()
        current = [
            g for g in directory.gemeinden if g.key[:5] == key[:5] and (g.valid_to is None or g.valid_to > today)
        ]
        core = name_core(name)
        if core:
            for g in current:
                if core in name_core(g.name) and g.pk not in found:
                    found[g.pk] = Suggestion(g.pk, g.key, g.name, _("Name enthält „%(old)s“") % {"old": name})
        if len(key) == 12 and key[5] != "0":  # Verband numbers starting with 0 are single Gemeinden
            verband = directory.by_key.get((RegionKind.VERBAND, key[:9]))
            why = _("gleicher Gemeindeverband „%(name)s“") % {"name": verband.name if verband else key[:9]}
            for g in current:
                if g.ars.startswith(key[:9]) and g.pk not in found:
                    found[g.pk] = Suggestion(g.pk, g.key, g.name, why)
    return tuple(list(found.values())[:MAX_SUGGESTIONS])


def mapping_choices(unmatched: Unmatched) -> list[Region]:
    """Regions a planner may pick as successor of ``unmatched``: valid regions of its level nearby.

    Gemeinden and Gemeindeverbände of the same Kreis, Kreise of the same Land;
    empty when the key may not be mapped.
    """
    if not unmatched.mappable or not unmatched.kind:
        return []
    regions = Region.objects.valid_on().filter(kind=unmatched.kind).only("id", "key", "name").order_by("name")
    if unmatched.kind == RegionKind.KREIS:
        return list(regions.filter(key__startswith=unmatched.key[:2]))
    return list(regions.filter(key__startswith=unmatched.key[:5]))


def is_additive(value: StatValue) -> bool:
    """Whether ``value`` is a count that may be added to another region's (persons, cases)."""
    unit = value.unit.strip().casefold()
    if unit:
        return unit in ADDITIVE_UNITS
    return value.measure in COUNT_MEASURES


@dataclass
class CheckedMappings:
    """Mappings that may be applied (old key → region) and German reasons for the refused ones."""

    accepted: dict[str, Region] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def check_mappings(
    table: StatTable, match: MatchResult, mappings: Mapping[str, int], *, district: District | None = None
) -> CheckedMappings:
    """Validate planner mappings (old key → region pk) against the table and the stored regions.

    With ``district`` (the upload form) the old key must lie in its Kreis
    and the successor must be one of its regions.
    """
    checked = CheckedMappings()
    if not mappings:
        return checked
    infos = collect_keys(v for v in table.values if v.region_key in mappings)
    light = Region.objects.only("id", "kind", "key", "name", "valid_to")
    targets = light.in_bulk([pk for pk in mappings.values() if isinstance(pk, int)])
    for key, pk in mappings.items():
        target = targets.get(pk) if isinstance(pk, int) else None
        info = infos.get(key)
        error = _scope_error(key, info, target, district) or _mapping_error(key, info, match, target)
        if error:
            checked.errors[key] = error
        else:
            checked.accepted[key] = targets[pk]
    return checked


def _scope_error(key: str, info: _KeyInfo | None, target: Region | None, district: District | None) -> str:
    """German reason why the upload form of ``district`` may not apply this mapping; '' if it may."""
    if district is None or info is None or target is None:
        return ""
    if not key_in_district(key, district) or not region_in_district(target, district):
        return _(
            "„%(name)s“ (%(key)s) kann über das Hochladeformular nur einer Gemeinde von %(district)s zugeordnet "
            "werden, und nur wenn der alte Schlüssel dort lag."
        ) % {"name": info.name, "key": key[:20], "district": district.name}
    return ""


def _mapping_error(key: str, info: _KeyInfo | None, match: MatchResult, target: Region | None) -> str:
    """German reason why ``key`` may not be mapped to ``target``; '' if it may."""
    if info is None:
        return _("Der Schlüssel „%(key)s“ kommt in der Tabelle nicht vor.") % {"key": key[:20]}
    if key == GERMANY or not _is_key(key):
        return _("„%(key)s“ kann keinem Gebiet zugeordnet werden.") % {"key": key[:20]}
    if key in match.matched:
        return _("„%(name)s“ (%(key)s) ist bereits dem Gebiet „%(region)s“ zugeordnet.") % {
            "name": info.name,
            "key": key,
            "region": match.matched[key].name,
        }
    if target is None:
        return _("Das gewählte Zielgebiet für „%(name)s“ gibt es nicht.") % {"name": info.name}
    kind = KIND_BY_LENGTH[len(key)]
    if target.kind != kind:
        return _("„%(name)s“ ist %(kind)s und kann nur einem Gebiet derselben Ebene zugeordnet werden.") % {
            "name": info.name,
            "kind": RegionKind(kind).label,
        }
    if target.valid_to is not None and target.valid_to <= dt.date.today():
        return _("„%(target)s“ ist selbst aufgelöst.") % {"target": target.name}
    refused = next((v for v in info.values if not is_additive(v)), None)
    if refused is not None:
        return _(
            "Die Werte von „%(name)s“ (Merkmal %(measure)s, Einheit „%(unit)s“) sind keine Anzahlen; "
            "nur Anzahlen (Personen, Fälle) dürfen zur Nachfolgegemeinde addiert werden."
        ) % {"name": info.name, "measure": refused.measure_label or refused.measure, "unit": refused.unit or "–"}
    return ""
