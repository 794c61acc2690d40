"""Query logic of the public directory: read the filter, find, order and page offers.

The GET parameters of ``/angebote/`` (all optional, empty = not set):

* ``q``: search words (see ``sozialplan.offerings.search``), at most
  ``MAX_QUERY_CHARS`` characters are used;
* ``zielgruppe``: a Zielgruppe code; ``handlungsfeld``: a Handlungsfeld number;
* ``gemeinde``: the AGS of a Gemeinde of a hosted district: offers with a
  Standort there, or whose Einzugsgebiet covers it (the Gemeinde, its
  Gemeindeverband, its Kreis or its Land);
* ``kreis``: the slug of a hosted district;
* ``sortierung``: ``name`` or ``entfernung``; ``von``: the AGS of the Gemeinde
  whose centre distances are measured from (defaults to ``gemeinde``);
* ``seite``: the page number.

An unknown or malformed value never fails the request: the filter is not
applied and a German hint says so. Distances are great-circle kilometres from
the centre of the ``von`` Gemeinde to the nearest active Standort of an offer.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from sozialplan.analysis.geo import haversine_km
from sozialplan.catalog.models import ActionField, TargetGroup
from sozialplan.offerings.models import Offering, Site
from sozialplan.offerings.search import MAX_QUERY_WORDS, filter_by_query, normalize, query_words
from sozialplan.regions.models import District, Region, RegionKind

SORT_NAME = "name"
SORT_DISTANCE = "entfernung"
PAGE_SIZE = 25
#: Characters of ``q`` that are used; the rest is dropped with a hint.
MAX_QUERY_CHARS = 200
#: Longest echo of a rejected value in a hint.
_ECHO_CHARS = 40


@dataclass(frozen=True)
class GemeindeGroup:
    """The Gemeinden of one hosted district, for an ``<optgroup>``."""

    district: District
    gemeinden: list[Region]


@dataclass(frozen=True)
class Choices:
    """Everything a filter value may name, loaded once per request (4 queries)."""

    districts: list[District]
    target_groups: list[TargetGroup]
    action_fields: list[ActionField]
    gemeinde_groups: list[GemeindeGroup]

    @classmethod
    def load(cls) -> Choices:
        districts = list(District.objects.select_related("region").defer("region__boundary"))
        keys = [d.region.key for d in districts]
        gemeinden: list[Region] = []
        if keys:
            in_any = Q()
            for key in keys:
                in_any |= Q(key__startswith=key)
            # Boundaries are large (GeoJSON); the choices need only keys, names and centres.
            gemeinden = list(Region.objects.gemeinden().valid_on().filter(in_any).defer("boundary").order_by("name"))
        groups = [GemeindeGroup(d, [g for g in gemeinden if g.key.startswith(d.region.key)]) for d in districts]
        return cls(
            districts=districts,
            target_groups=list(TargetGroup.objects.all()),
            action_fields=list(ActionField.objects.all()),
            gemeinde_groups=groups,
        )

    @property
    def several_districts(self) -> bool:
        return len(self.districts) > 1

    def gemeinde(self, ags: str) -> Region | None:
        for group in self.gemeinde_groups:
            for gemeinde in group.gemeinden:
                if gemeinde.key == ags:
                    return gemeinde
        return None

    def district_of(self, gemeinde: Region) -> District | None:
        for district in self.districts:
            if gemeinde.key.startswith(district.region.key):
                return district
        return None


@dataclass
class DirectoryFilter:
    """A parsed, valid filter; ``hints`` explains what was ignored and why."""

    query: str = ""
    target_group: TargetGroup | None = None
    action_field: ActionField | None = None
    gemeinde: Region | None = None
    district: District | None = None
    sort: str = SORT_NAME
    origin: Region | None = None
    page: str = "1"
    hints: list[str] = field(default_factory=list)

    @property
    def is_filtered(self) -> bool:
        return bool(query_words(self.query) or self.target_group or self.action_field or self.gemeinde or self.district)

    def params(self) -> dict[str, str]:
        """The filter as GET parameters (without the page), for links and the map."""
        values = {
            "q": self.query,
            "zielgruppe": self.target_group.code if self.target_group else "",
            "handlungsfeld": str(self.action_field.code) if self.action_field else "",
            "gemeinde": self.gemeinde.key if self.gemeinde else "",
            "kreis": self.district.slug if self.district else "",
            # Without a place the default order is by name, with one by distance.
            "sortierung": self.sort if (self.origin is not None or self.sort != SORT_NAME) else "",
            "von": self.origin.key if self.origin else "",
        }
        return {k: v for k, v in values.items() if v}

    def querystring(self) -> str:
        return urlencode(self.params())


def clean_param(value: object) -> str:
    """A parameter as a single-line string without NUL bytes ('' for None)."""
    if not isinstance(value, str):
        return ""
    return value.replace("\x00", "").strip()


def _echo(value: str) -> str:
    return textwrap.shorten(value, _ECHO_CHARS, placeholder=" …") or "…"


def parse_filter(params: Mapping[str, str], choices: Choices) -> DirectoryFilter:
    """Read the GET parameters into a ``DirectoryFilter``; never raises."""
    result = DirectoryFilter()
    get = {key: clean_param(params.get(key)) for key in ("q", "zielgruppe", "handlungsfeld", "gemeinde", "kreis")}
    get.update({key: clean_param(params.get(key)) for key in ("sortierung", "von", "seite")})

    query = get["q"]
    if len(query) > MAX_QUERY_CHARS:
        query = query[:MAX_QUERY_CHARS]
        result.hints.append(_("Ihr Suchbegriff war sehr lang. Wir haben nur den Anfang verwendet."))
    if len(normalize(query).split()) > MAX_QUERY_WORDS:
        result.hints.append(
            _("Wir suchen nach höchstens %(count)d Wörtern; weitere Wörter wurden nicht berücksichtigt.")
            % {"count": MAX_QUERY_WORDS}
        )
    result.query = query

    if get["zielgruppe"]:
        result.target_group = next((t for t in choices.target_groups if t.code == get["zielgruppe"]), None)
        if result.target_group is None:
            result.hints.append(
                _("Die Zielgruppe „%(value)s“ kennen wir nicht; dieser Filter wurde nicht angewendet.")
                % {"value": _echo(get["zielgruppe"])}
            )
    if get["handlungsfeld"]:
        code = get["handlungsfeld"]
        result.action_field = next((a for a in choices.action_fields if str(a.code) == code), None)
        if result.action_field is None:
            result.hints.append(
                _("Das Handlungsfeld „%(value)s“ kennen wir nicht; dieser Filter wurde nicht angewendet.")
                % {"value": _echo(code)}
            )
    if get["kreis"]:
        result.district = next((d for d in choices.districts if d.slug == get["kreis"]), None)
        if result.district is None:
            result.hints.append(
                _("Den Kreis „%(value)s“ gibt es in diesem Verzeichnis nicht; dieser Filter wurde nicht angewendet.")
                % {"value": _echo(get["kreis"])}
            )
    if get["gemeinde"]:
        result.gemeinde = choices.gemeinde(get["gemeinde"])
        if result.gemeinde is None:
            result.hints.append(
                _("Die Gemeinde „%(value)s“ gibt es in diesem Verzeichnis nicht; dieser Filter wurde nicht angewendet.")
                % {"value": _echo(get["gemeinde"])}
            )
        elif result.district is not None and choices.district_of(result.gemeinde) != result.district:
            result.hints.append(
                _(
                    "Die Gemeinde %(gemeinde)s liegt nicht im Kreis %(kreis)s; "
                    "der Gemeinde-Filter wurde nicht angewendet."
                )
                % {"gemeinde": result.gemeinde.name, "kreis": result.district.name}
            )
            result.gemeinde = None
    _parse_sort(get, choices, result)
    result.page = get["seite"] or "1"
    return result


def _parse_sort(get: Mapping[str, str], choices: Choices, result: DirectoryFilter) -> None:
    if get["von"]:
        result.origin = choices.gemeinde(get["von"])
        if result.origin is None:
            result.hints.append(
                _("Den Ort „%(value)s“ für die Entfernung kennen wir nicht.") % {"value": _echo(get["von"])}
            )
    sort = get["sortierung"]
    if sort not in ("", SORT_NAME, SORT_DISTANCE):
        result.hints.append(_("Diese Sortierung gibt es nicht; wir sortieren nach Name."))
        sort = ""
    if result.origin is None and sort == SORT_DISTANCE:
        result.origin = result.gemeinde
    if result.origin is not None and (result.origin.latitude is None or result.origin.longitude is None):
        result.hints.append(
            _("Für %(name)s ist keine Lage bekannt; Entfernungen können nicht berechnet werden.")
            % {"name": result.origin.name}
        )
        result.origin = None
    if sort == SORT_DISTANCE and result.origin is None:
        if not get["von"] or choices.gemeinde(get["von"]) is None:
            result.hints.append(
                _("Bitte wählen Sie einen Ort, von dem aus die Entfernung gemessen wird. Wir sortieren nach Name.")
            )
        sort = SORT_NAME
    # Choosing a place without a sort order means "what is near me".
    result.sort = sort or (SORT_DISTANCE if result.origin is not None else SORT_NAME)


def regions_containing(gemeinde: Region) -> Q:
    """Regions whose area contains ``gemeinde``: itself, its Verband, its Kreis and its Land."""
    q = Q(kind=RegionKind.GEMEINDE, key=gemeinde.key)
    q |= Q(kind=RegionKind.KREIS, key=gemeinde.key[:5]) | Q(kind=RegionKind.LAND, key=gemeinde.key[:2])
    if len(gemeinde.ars) == 12:
        q |= Q(kind=RegionKind.VERBAND, key=gemeinde.ars[:9])
    return q


def _served_regions_containing(gemeinde: Region) -> Q:
    """The same as ``regions_containing``, as a lookup from Offering over ``served_regions``."""
    q = Q(served_regions__kind=RegionKind.GEMEINDE, served_regions__key=gemeinde.key)
    q |= Q(served_regions__kind=RegionKind.KREIS, served_regions__key=gemeinde.key[:5])
    q |= Q(served_regions__kind=RegionKind.LAND, served_regions__key=gemeinde.key[:2])
    if len(gemeinde.ars) == 12:
        q |= Q(served_regions__kind=RegionKind.VERBAND, served_regions__key=gemeinde.ars[:9])
    return q


def filtered_offers(flt: DirectoryFilter) -> QuerySet[Offering]:
    """Published offers matching the filter, without order or duplicates."""
    qs = Offering.objects.published()
    if flt.district is not None:
        qs = qs.filter(district=flt.district)
    if flt.target_group is not None:
        qs = qs.filter(target_groups=flt.target_group)
    if flt.action_field is not None:
        qs = qs.filter(action_fields=flt.action_field)
    if flt.gemeinde is not None:
        here = Q(sites__gemeinde=flt.gemeinde, sites__retired_at__isnull=True) | _served_regions_containing(
            flt.gemeinde
        )
        qs = qs.filter(pk__in=Offering.objects.filter(here).values("pk"))
    return filter_by_query(qs, flt.query)


@dataclass
class Entry:
    """One offer in the result list.

    ``distance_km`` is set when a place to measure from was chosen and the
    offer has a positioned Standort; ``site`` is the nearest (or first) active
    Standort; ``serves_origin`` means the Einzugsgebiet covers the chosen place.
    """

    offering: Offering
    site: Site | None = None
    distance_km: float | None = None
    serves_origin: bool = False

    @property
    def comes_to_you(self) -> bool:
        """No fixed place, but serves the whole Kreis (or the chosen place): "kommt zu Ihnen"."""
        if self.distance_km is not None or any(s.latitude is not None for s in self.offering.sites.all()):
            return False
        return self.serves_origin or any(
            r.kind in (RegionKind.KREIS, RegionKind.LAND) for r in self.offering.served_regions.all()
        )

    @property
    def place(self) -> str:
        """Town (or Ortsteil) of the Standort shown, else its Gemeinde; '' without one."""
        if self.site is None:
            return ""
        if self.site.town:
            return self.site.town
        return self.site.gemeinde.name if self.site.gemeinde else ""


@dataclass
class DirectoryResult:
    filter: DirectoryFilter
    choices: Choices
    count: int
    page: Page[int]
    entries: list[Entry]

    @property
    def sorted_by_distance(self) -> bool:
        return self.filter.sort == SORT_DISTANCE

    @property
    def map_district(self) -> District | None:
        """The district the map shows: the chosen Kreis, the chosen Gemeinde's, or ``None`` for all."""
        if self.filter.district is not None:
            return self.filter.district
        place = self.filter.gemeinde or self.filter.origin
        if place is not None:
            return self.choices.district_of(place)
        return self.choices.districts[0] if len(self.choices.districts) == 1 else None


def _distances(qs: QuerySet[Offering], origin: Region) -> dict[int, tuple[float, int]]:
    """Offer id → (km to its nearest active positioned Standort, that Standort's id)."""
    assert origin.latitude is not None and origin.longitude is not None
    through = Offering.sites.through.objects.filter(
        offering__in=qs.values("pk"),
        site__retired_at__isnull=True,
        site__latitude__isnull=False,
        site__longitude__isnull=False,
    ).values_list("offering_id", "site_id", "site__latitude", "site__longitude")
    best: dict[int, tuple[float, int]] = {}
    for offering_id, site_id, lat, lon in through:
        if lat is None or lon is None:  # excluded by the query; keeps the types honest
            continue
        km = haversine_km(origin.latitude, origin.longitude, lat, lon)
        if offering_id not in best or km < best[offering_id][0]:
            best[offering_id] = (km, site_id)
    return best


def _serving(qs: QuerySet[Offering], origin: Region) -> set[int]:
    """Ids of offers in ``qs`` whose Einzugsgebiet contains ``origin``."""
    regions = Region.objects.filter(regions_containing(origin)).values("pk")
    rows = Offering.served_regions.through.objects.filter(offering__in=qs.values("pk"), region__in=regions)
    return set(rows.values_list("offering_id", flat=True))


def search(params: Mapping[str, str], *, choices: Choices | None = None) -> DirectoryResult:
    """Parse ``params``, find the matching published offers, order them and fetch one page.

    Order by name: by the normalized name (so „Werraspatzen“ sorts under W).
    Order by distance: first offers without a Standort whose Einzugsgebiet covers
    the chosen place ("kommt zu Ihnen"), then by kilometres, then offers without
    a known position; ties by name. The query count does not grow with the
    number of results.
    """
    choices = choices or Choices.load()
    flt = parse_filter(params, choices)
    qs = filtered_offers(flt)
    rows = list(qs.values_list("pk", "name"))
    distances: dict[int, tuple[float, int]] = {}
    serving: set[int] = set()
    if flt.origin is not None:
        distances = _distances(qs, flt.origin)
        serving = _serving(qs, flt.origin)

    def by_name(row: tuple[int, str]) -> tuple[str, int]:
        return (normalize(row[1]), row[0])

    def by_distance(row: tuple[int, str]) -> tuple[int, float, str, int]:
        pk = row[0]
        if pk in distances:
            return (1, distances[pk][0], normalize(row[1]), pk)
        return (0 if pk in serving else 2, 0.0, normalize(row[1]), pk)

    if flt.sort == SORT_DISTANCE:
        rows.sort(key=by_distance)
    else:
        rows.sort(key=by_name)
    page = Paginator([pk for pk, _name in rows], PAGE_SIZE).get_page(flt.page)
    offers = {o.pk: o for o in _page_offers(list(page.object_list))}
    entries = []
    for pk in page.object_list:
        offer = offers[pk]
        entry = Entry(offering=offer, serves_origin=pk in serving)
        sites = list(offer.sites.all())
        if pk in distances:
            entry.distance_km, site_id = distances[pk]
            entry.site = next((s for s in sites if s.pk == site_id), None)
        elif sites:
            entry.site = sites[0]
        entries.append(entry)
    return DirectoryResult(filter=flt, choices=choices, count=len(rows), page=page, entries=entries)


def sites_for_display() -> QuerySet[Site]:
    """Active Standorte with their Gemeinde, without the Gemeinde's (large) boundary."""
    return Site.objects.active().select_related("gemeinde").defer("gemeinde__boundary").order_by("name", "pk")


def _page_offers(ids: list[int]) -> QuerySet[Offering]:
    """The offers of one page with everything the list shows (fixed number of queries)."""
    return (
        Offering.objects.filter(pk__in=ids)
        .select_related("provider", "offer_type", "district")
        .prefetch_related(
            Prefetch("sites", queryset=sites_for_display()),
            "action_fields",
            "target_groups",
            Prefetch("served_regions", queryset=Region.objects.defer("boundary")),
        )
    )
