"""The editable values of Träger, Standorte and Angebote, and how they travel.

Services take these ``TypedDict``s (all keys optional: a key that is absent
leaves the field as it is). A Träger's proposed change of an offer is stored
in ``OfferingChange.data`` in *JSON form*: scalars as they are, a foreign key
as its primary key, a many-to-many field as the sorted list of primary keys.
``offering_values_from_json`` turns that back into objects, resolving every key
inside the offer's district, so a stored proposal can never point elsewhere.

``display_values`` gives the same readable form as ``audit.services.snapshot``
(targets as ``str()``), so proposals and the audit trail compare like with like.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypedDict, cast

from django.db import models

from sozialplan.catalog.models import ActionField, CrossCuttingTheme, OfferType, TargetGroup
from sozialplan.offerings.models import Offering, Provider, Site
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


class OfferingData(TypedDict, total=False):
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


PROVIDER_FIELDS: tuple[str, ...] = tuple(ProviderData.__annotations__)
SITE_FIELDS: tuple[str, ...] = tuple(SiteData.__annotations__)
OFFERING_FIELDS: tuple[str, ...] = tuple(OfferingData.__annotations__)

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
    """``data`` in JSON form (primary keys for relations), for ``OfferingChange.data``."""
    return {name: _to_json(value) for name, value in data.items()}


def current_offering_json(offering: Offering, fields: Iterable[str] = OFFERING_FIELDS) -> dict[str, JsonValue]:
    """The offer's present values of ``fields`` in JSON form."""
    values: dict[str, JsonValue] = {}
    for name in fields:
        if name in OFFERING_M2M_FIELDS:
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


def offering_values_from_json(district: District, raw: dict[str, JsonValue]) -> OfferingData:
    """Objects for a stored proposal; keys that no longer resolve in ``district`` are dropped.

    A dropped key (say, a Standort deleted since the proposal) shrinks a
    many-to-many list or turns a foreign key into ``None``; the reviewing
    planner sees the result in the diff before approving.
    """
    scope = offering_scope(district)
    data: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in OFFERING_FIELDS:
            continue
        if name in OFFERING_M2M_FIELDS:
            ids = [v for v in (value or []) if isinstance(v, int)]
            data[name] = list(scope[name].filter(pk__in=ids))
        elif name in OFFERING_FK_FIELDS:
            data[name] = scope[name].filter(pk=value).first() if isinstance(value, int) else None
        else:
            data[name] = value
    return cast(OfferingData, data)


def display_values(data: OfferingData) -> dict[str, JsonValue]:
    """Readable values as in ``audit.services.snapshot`` (relations as ``str()``)."""
    shown: dict[str, JsonValue] = {}
    for name, value in data.items():
        if name in OFFERING_M2M_FIELDS:
            shown[name] = sorted(str(v) for v in cast(list[models.Model], value))
        elif name in OFFERING_FK_FIELDS:
            shown[name] = None if value is None else str(value)
        else:
            shown[name] = value
    return shown
