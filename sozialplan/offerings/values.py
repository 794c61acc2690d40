"""The editable values of Träger, Standorte and Angebote, and how they travel.

Services take these ``TypedDict``s (all keys optional: a key that is absent
leaves the field as it is). A Träger's proposed change of an offer is stored
in ``OfferingChange.data`` in *JSON form*: scalars as they are, a foreign key
as its primary key, a many-to-many field as the sorted list of primary keys.
``offering_values_from_json`` turns that back into objects, resolving every key
inside the offer's district, so a stored proposal can never point elsewhere.
Zeitpläne travel under the key ``schedules`` as JSON rows (``offerings.schedules``).

``display_values`` gives the same readable form as ``audit.services.snapshot``
(targets as ``str()``), so proposals and the audit trail compare like with like.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, TypedDict, cast

from django.db import models

from sozialplan.catalog.models import ActionField, CrossCuttingTheme, OfferType, TargetGroup
from sozialplan.offerings import schedules
from sozialplan.offerings.models import Offering, Provider, Site
from sozialplan.offerings.schedules import ScheduleData
from sozialplan.regions.models import District, Region, RegionKind

JsonValue = Any


class ProviderData(TypedDict, total=False):
    name: str
    alternate_name: str
    kind: str
    legal_form: str
    description: str
    email: str
    phone: str
    website: str


class SiteData(TypedDict, total=False):
    provider: Provider | None
    name: str
    description: str
    street: str
    postcode: str
    town: str
    gemeinde: Region | None
    latitude: float | None
    longitude: float | None
    wheelchair_accessible: bool | None
    accessibility_description: str
    accessibility_url: str


class OfferingFieldData(TypedDict, total=False):
    """The offer's own fields (model fields, including its many-to-many relations)."""

    name: str
    alternate_name: str
    provider: Provider | None
    description: str
    offer_type: OfferType | None
    action_fields: list[ActionField]
    target_groups: list[TargetGroup]
    themes: list[CrossCuttingTheme]
    target_description: str
    min_age: int | None
    max_age: int | None
    schedule_description: str
    cost_description: str
    is_free: bool | None
    sites: list[Site]
    served_regions: list[Region]
    service_area_description: str
    email: str
    phone: str
    website: str
    status: str
    capacity: int | None
    lsz_funded: bool
    source_url: str
    source_date: str


class OfferingData(OfferingFieldData, total=False):
    """An offer's values as the services take them: its fields and, optionally, its Zeitpläne.

    ``schedules`` is the complete list the offer shall have afterwards (see
    ``offerings.schedules``); without the key the Zeitpläne stay as they are.
    """

    schedules: list[ScheduleData]


#: The key of the Zeitpläne in ``OfferingData`` and in ``OfferingChange.data``.
SCHEDULES: Final = "schedules"

PROVIDER_FIELDS: tuple[str, ...] = tuple(ProviderData.__annotations__)
SITE_FIELDS: tuple[str, ...] = tuple(SiteData.__annotations__)
OFFERING_FIELDS: tuple[str, ...] = tuple(OfferingFieldData.__annotations__)

#: Fields a Träger may change on its own offers (the rest is the planners' business:
#: who runs it, LSZ funding, and where the record came from).
OFFERING_FIELDS_FOR_PROVIDERS: tuple[str, ...] = tuple(
    f for f in OFFERING_FIELDS if f not in ("provider", "lsz_funded", "source_url", "source_date")
)

OFFERING_M2M_FIELDS: tuple[str, ...] = ("action_fields", "target_groups", "themes", "sites", "served_regions")
OFFERING_FK_FIELDS: tuple[str, ...] = ("provider", "offer_type")


def pick(cleaned: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """The subset of form ``cleaned_data`` that a service takes (querysets become lists)."""
    picked: dict[str, Any] = {}
    for name in fields:
        if name in cleaned:
            value = cleaned[name]
            picked[name] = list(value) if isinstance(value, models.QuerySet) else value
    return picked


def provider_data(cleaned: dict[str, Any]) -> ProviderData:
    return cast(ProviderData, pick(cleaned, PROVIDER_FIELDS))


def site_data(cleaned: dict[str, Any]) -> SiteData:
    return cast(SiteData, pick(cleaned, SITE_FIELDS))


def offering_data(cleaned: dict[str, Any]) -> OfferingData:
    return cast(OfferingData, pick(cleaned, OFFERING_FIELDS))


def _to_json(value: Any) -> JsonValue:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, models.QuerySet)):
        return sorted(v.pk for v in value)
    return value


def offering_values_to_json(data: OfferingData) -> dict[str, JsonValue]:
    """``data`` in JSON form (primary keys for relations, Zeitpläne as JSON rows), for ``OfferingChange.data``."""
    return {
        name: schedules.rows_to_json(cast(list[ScheduleData], value)) if name == SCHEDULES else _to_json(value)
        for name, value in data.items()
    }


def current_offering_json(offering: Offering, fields: Iterable[str] = OFFERING_FIELDS) -> dict[str, JsonValue]:
    """The offer's present values of ``fields`` in JSON form."""
    values: dict[str, JsonValue] = {}
    for name in fields:
        if name == SCHEDULES:
            values[name] = schedules.rows_to_json(schedules.current_rows(offering))
        elif name in OFFERING_M2M_FIELDS:
            values[name] = sorted(o.pk for o in getattr(offering, name).all())
        elif name in OFFERING_FK_FIELDS:
            values[name] = getattr(offering, f"{name}_id")
        else:
            values[name] = getattr(offering, name)
    return values


def offering_scope(district: District) -> dict[str, models.QuerySet[Any]]:
    """The records an offer of ``district`` may refer to, per relation field."""
    return {
        "provider": Provider.objects.filter(district=district),
        "offer_type": OfferType.objects.all(),
        "action_fields": ActionField.objects.all(),
        "target_groups": TargetGroup.objects.all(),
        "themes": CrossCuttingTheme.objects.all(),
        "sites": Site.objects.filter(district=district),
        "served_regions": served_region_choices(district),
    }


def served_region_choices(district: District) -> models.QuerySet[Region]:
    """What an offer of ``district`` may serve: the whole Kreis or its current Gemeinden."""
    gemeinde_ids = district.gemeinden().values("pk")
    return Region.objects.filter(
        models.Q(pk=district.region_id) | models.Q(kind=RegionKind.GEMEINDE, pk__in=gemeinde_ids)
    ).order_by("-kind", "name")


#: Records referred to by stored proposals, per relation field and primary key (see ``relation_lookup``).
Lookup = dict[str, dict[int, models.Model]]


def _ids(name: str, value: JsonValue) -> list[int]:
    if name in OFFERING_M2M_FIELDS:
        return [v for v in (value if isinstance(value, list) else []) if isinstance(v, int)]
    return [value] if isinstance(value, int) and not isinstance(value, bool) else []


def relation_lookup(district: District, raws: Iterable[dict[str, JsonValue]]) -> Lookup:
    """Resolve the relations of many stored proposals of ``district`` at once.

    One query per relation field that occurs in any of ``raws`` (at most seven),
    however many proposals there are; keys outside the district are left out.
    """
    wanted: dict[str, set[int]] = {}
    for raw in raws:
        for name, value in raw.items():
            if name in OFFERING_M2M_FIELDS or name in OFFERING_FK_FIELDS:
                wanted.setdefault(name, set()).update(_ids(name, value))
    scope = offering_scope(district)
    lookup: Lookup = {}
    for name, ids in wanted.items():
        queryset = scope[name].filter(pk__in=ids)
        if name == "served_regions":
            queryset = queryset.defer("boundary")
        lookup[name] = {o.pk: o for o in queryset}
    return lookup


def offering_values_from_json(
    district: District, raw: dict[str, JsonValue], lookup: Lookup | None = None
) -> OfferingData:
    """Objects for a stored proposal; keys that no longer resolve in ``district`` are dropped.

    A dropped key (say, a Standort deleted since the proposal) shrinks a
    many-to-many list or turns a foreign key into ``None``; the reviewing
    planner sees the result in the diff before approving. ``lookup`` (from
    ``relation_lookup``) saves the queries when many proposals are read.
    """
    if lookup is None:
        lookup = relation_lookup(district, [raw])
    data: dict[str, Any] = {}
    for name, value in raw.items():
        if name == SCHEDULES:
            data[name] = schedules.rows_from_json(value)
        elif name not in OFFERING_FIELDS:
            continue
        elif name in OFFERING_M2M_FIELDS:
            found = lookup.get(name, {})
            data[name] = [found[i] for i in _ids(name, value) if i in found]
        elif name in OFFERING_FK_FIELDS:
            found = lookup.get(name, {})
            data[name] = next((found[i] for i in _ids(name, value) if i in found), None)
        else:
            data[name] = value
    return cast(OfferingData, data)


def display_values(data: OfferingData) -> dict[str, JsonValue]:
    """Readable values as in ``audit.services.snapshot`` (relations as ``str()``, Zeitpläne as one text)."""
    shown: dict[str, JsonValue] = {}
    for name, value in data.items():
        if name == SCHEDULES:
            shown[name] = schedules.summary(cast(list[ScheduleData], value))
        elif name in OFFERING_M2M_FIELDS:
            shown[name] = sorted(str(v) for v in cast(list[models.Model], value))
        elif name in OFFERING_FK_FIELDS:
            shown[name] = None if value is None else str(value)
        else:
            shown[name] = value
    return shown
