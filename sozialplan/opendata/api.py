"""The HSDS 3.0 API (HSDA), read-only, as ``data/hsds/schema/openapi.json`` defines it.

Only published offers and their organizations and locations appear, the same
for every visitor, logged in or not. Bad parameters give HTTP 400 and unknown
ids 404, both with a German JSON message.
"""

from __future__ import annotations

import copy
import functools
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _

from sozialplan.offerings.models import Offering, Provider, Site
from sozialplan.opendata import hsds, queries
from sozialplan.opendata import taxonomy as tx
from sozialplan.opendata.api_params import (
    BadParameterError,
    ListParams,
    page_envelope,
    page_slice,
    parse_list_params,
)
from sozialplan.opendata.filters import filter_offerings
from sozialplan.opendata.hsds_schema import openapi
from sozialplan.opendata.profile import profile_document

T = TypeVar("T")
View = Callable[..., HttpResponseBase]


def json_response(data: Any, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error_response(status: int, message: str, parameter: str | None = None) -> JsonResponse:
    body: dict[str, Any] = {"status": status, "message": message}
    if parameter:
        body["parameter"] = parameter
    return json_response(body, status=status)


def api_view(view: View) -> View:
    """GET/HEAD only; ``BadParameterError`` becomes 400 with a German JSON message."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD"):
            response = error_response(405, _("Diese Schnittstelle kann nur gelesen werden (GET)."))
            response["Allow"] = "GET, HEAD"
            return response
        try:
            return view(request, *args, **kwargs)
        except BadParameterError as error:
            return error_response(400, str(error), error.name)

    return wrapper


def not_found(what: str) -> JsonResponse:
    return error_response(404, _("%(what)s wurde nicht gefunden oder ist nicht öffentlich.") % {"what": what})


def _uuid_or_none(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def list_response(
    params: ListParams, items: Sequence[T] | QuerySet[Any], render: Callable[[T], Any]
) -> HttpResponseBase:
    """One Page of ``items``; with ``format=ndjson`` all of them, one JSON document per line."""
    if params.ndjson:
        lines = (json.dumps(render(item), ensure_ascii=False) + "\n" for item in items)
        response = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
        response["Access-Control-Allow-Origin"] = "*"
        return response
    total = items.count() if isinstance(items, QuerySet) else len(items)
    page = list(items[page_slice(params)])
    return json_response(page_envelope(page, total, params, render))


# --- meta ------------------------------------------------------------------------------------------


def profile_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("opendata:api_profile"))


@api_view
def root(request: HttpRequest) -> HttpResponseBase:
    """``/``: the HSDS version, our profile and the OpenAPI document."""
    return json_response(
        {
            "version": "3.0",
            "profile": profile_url(request),
            "openapi_url": request.build_absolute_uri(reverse("opendata:api_openapi")),
        }
    )


@api_view
def profile(request: HttpRequest) -> HttpResponseBase:
    """The DE-LSZ profile as a JSON document (its URI is this URL)."""
    return json_response(profile_document(profile_url(request)))


@api_view
def openapi_document(request: HttpRequest) -> HttpResponseBase:
    """The official HSDS OpenAPI file with our title, server, licence and the ``district`` parameter."""
    document = copy.deepcopy(openapi())
    document["info"] = {
        "title": "sozialplan – HSDS-Schnittstelle",
        "version": "3.0",
        "summary": _("Öffentliche Angebote für Familien und Senior:innen nach Open Referral HSDS 3.0"),
        "description": _(
            "Nur lesender Zugriff. Profil DE-LSZ: %(profile)s. Zusätzlich zu HSDS filtert der Parameter "
            "„district“ (Kurzname des Kreises) alle Listen."
        )
        % {"profile": profile_url(request)},
        "license": {"name": "HSDS: Creative Commons Attribution-ShareAlike 4.0", "identifier": "CC-BY-SA-4.0"},
    }
    document["servers"] = [{"url": request.build_absolute_uri(reverse("opendata:api_root")).rstrip("/")}]
    document["components"]["parameters"]["district"] = {
        "name": "district",
        "in": "query",
        "required": False,
        "description": "Kurzname (slug) eines Kreises, z. B. hildburghausen.",
        "schema": {"type": "string"},
    }
    for path in document["paths"].values():
        get = path.get("get", {})
        if any(p.get("$ref", "").endswith("/page") for p in get.get("parameters", [])):
            get["parameters"].append({"$ref": "#/components/parameters/district"})
    return json_response(document)


# --- services --------------------------------------------------------------------------------------


@api_view
def services(request: HttpRequest) -> HttpResponseBase:
    """``/services``: a Page of services (list form; ``full=true`` nested; ``minimal=true`` id and date)."""
    params = parse_list_params(request.GET)
    qs = filter_offerings(queries.published_offerings(), params)
    if params.minimal:
        return list_response(params, qs, lambda o: {"id": str(o.uuid), "last_modified": hsds.last_modified(o)})
    if params.full:
        return list_response(params, queries.with_relations(qs), hsds.service_full)
    return list_response(params, queries.with_list_relations(qs), hsds.service_list_item)


@api_view
def service_detail(_request: HttpRequest, id: str) -> HttpResponseBase:
    """``/services/{id}``: one published service, fully nested."""
    key = _uuid_or_none(id)
    offering = queries.with_relations(queries.published_offerings()).filter(uuid=key).first() if key else None
    if offering is None:
        return not_found(_("Das Angebot"))
    return json_response(hsds.service_full(offering))


# --- service_at_locations ---------------------------------------------------------------------------


def _pairs(offerings: Iterable[Offering], postcode: str = "") -> list[tuple[Offering, Site]]:
    return [(o, s) for o in offerings for s in o.sites.all() if not postcode or s.postcode == postcode]


@api_view
def service_at_locations(request: HttpRequest) -> HttpResponseBase:
    """``/service_at_locations``: a Page of (service, location) pairs; ``proximity`` is not supported."""
    params = parse_list_params(request.GET, unsupported=("proximity",))
    qs = queries.with_relations(filter_offerings(queries.published_offerings(), params))
    pairs = _pairs(qs, params.postcode)
    if params.full:
        return list_response(params, pairs, lambda p: hsds.service_at_location_full(*p))
    return list_response(params, pairs, lambda p: hsds.service_at_location_list_item(*p))


@api_view
def service_at_location_detail(_request: HttpRequest, id: str) -> HttpResponseBase:
    """``/service_at_locations/{id}``: one pair with service and location nested."""
    key = _uuid_or_none(id)
    if key:
        for offering, site in _pairs(queries.with_relations(queries.published_offerings())):
            if hsds.service_at_location_id(offering, site) == key:
                return json_response(hsds.service_at_location_full(offering, site))
    return not_found(_("Das Angebot am Standort"))


# --- organizations ----------------------------------------------------------------------------------


def _providers(params: ListParams, *, with_offerings: bool) -> QuerySet[Provider]:
    qs = queries.providers_with_relations(queries.public_providers(params.district))
    if params.search:
        for word in params.search.split()[:10]:
            qs = qs.filter(name__icontains=word)
    if with_offerings:
        offerings = queries.with_relations(queries.published_offerings()).order_by("name", "pk")
        qs = qs.prefetch_related(Prefetch("offerings", queryset=offerings, to_attr="published_offerings"))
    return qs


def _organization(provider: Provider, params: ListParams) -> dict[str, Any]:
    offerings = getattr(provider, "published_offerings", [])
    if params.full_service:
        return hsds.organization_with_services(provider, offerings, full=True)
    if params.full:
        return hsds.organization_full(provider)
    return hsds.organization_base(provider)


@api_view
def organizations(request: HttpRequest) -> HttpResponseBase:
    """``/organizations``: a Page of organizations with at least one published service."""
    params = parse_list_params(request.GET)
    providers = _providers(params, with_offerings=params.full_service)
    return list_response(params, providers, lambda p: _organization(p, params))


@api_view
def organization_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    """``/organizations/{id}``: the organization with its services (``full_service=true``: fully nested)."""
    params = parse_list_params(request.GET)
    key = _uuid_or_none(id)
    provider = _providers(ListParams(), with_offerings=True).filter(uuid=key).first() if key else None
    if provider is None:
        return not_found(_("Der Träger"))
    offerings = getattr(provider, "published_offerings", [])
    return json_response(hsds.organization_with_services(provider, offerings, full=params.full_service))


# --- taxonomies -------------------------------------------------------------------------------------


@api_view
def taxonomies(request: HttpRequest) -> HttpResponseBase:
    """``/taxonomies``: our taxonomies (profile DE-LSZ)."""
    params = parse_list_params(request.GET)
    items = [t.as_hsds() for t in tx.taxonomies()]
    if params.search:
        items = [t for t in items if params.search.casefold() in t["name"].casefold()]
    return list_response(params, items, lambda t: t)


@api_view
def taxonomy_detail(_request: HttpRequest, id: str) -> HttpResponseBase:
    for taxonomy in tx.taxonomies():
        if taxonomy.id == id:
            return json_response(taxonomy.as_hsds())
    return not_found(_("Die Taxonomie"))


@api_view
def taxonomy_terms(request: HttpRequest) -> HttpResponseBase:
    """``/taxonomy_terms``: the terms of our taxonomies; none has a parent."""
    params = parse_list_params(request.GET)
    terms = tx.all_terms()
    if params.taxonomy_id:
        terms = [t for t in terms if t["taxonomy_id"] == params.taxonomy_id]
    if params.parent_id:
        terms = []
    if params.search:
        needle = params.search.casefold()
        terms = [t for t in terms if needle in t["name"].casefold() or needle == t["code"].casefold()]
    return list_response(params, terms, lambda t: t)


@api_view
def taxonomy_term_detail(_request: HttpRequest, id: str) -> HttpResponseBase:
    for term in tx.all_terms():
        if term["id"] == id:
            return json_response(term)
    return not_found(_("Der Begriff"))
