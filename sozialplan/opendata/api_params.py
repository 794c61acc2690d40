"""Query parameters of the HSDS API (as ``openapi.json`` defines them) and the Page envelope.

Every bad value raises ``BadParameterError`` with a German message; the views turn
it into HTTP 400 with a JSON body, never a 500.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from sozialplan.regions.models import District

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 1000
MAX_SEARCH_LENGTH = 200
#: Years a ``modified_after`` may name, after conversion to UTC (older or later dates are typos or attacks,
#: and years outside 1–9999 overflow Python's datetime when converted between time zones).
MIN_YEAR = 1900
MAX_YEAR = 9999

# ASCII only: str.isdigit() also accepts "²" and other digits int() cannot read.
_INTEGER = re.compile(r"[0-9]{1,9}")
# A district's slug (SlugField: ASCII letters, digits, "-" and "_"; at most 50 characters).
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")

T = TypeVar("T")


class BadParameterError(Exception):
    """A query parameter the API cannot use; ``str()`` is the German message."""

    def __init__(self, name: str, message: str) -> None:
        self.name = name
        super().__init__(message)


@dataclass
class ListParams:
    """The parsed query of a list endpoint; unset values are ``None``/``False``/``""``."""

    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    search: str = ""
    district: District | None = None
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    organization_id: str | None = None
    parent_id: str | None = None
    modified_after: dt.datetime | None = None
    minimal: bool = False
    full: bool = False
    full_service: bool = False
    top_only: bool = False
    ndjson: bool = False
    postcode: str = ""


def _text(query: QueryDict, name: str, max_length: int = MAX_SEARCH_LENGTH) -> str:
    value = query.get(name, "")
    if "\x00" in value:
        raise BadParameterError(name, _("Der Parameter „%(name)s“ enthält ein unzulässiges Zeichen.") % {"name": name})
    if len(value) > max_length:
        raise BadParameterError(
            name,
            _("Der Parameter „%(name)s“ ist zu lang (höchstens %(max)d Zeichen).") % {"name": name, "max": max_length},
        )
    return value.strip()


def _int(query: QueryDict, name: str, default: int, low: int, high: int) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    if not _INTEGER.fullmatch(raw.strip()):
        raise BadParameterError(
            name, _("Der Parameter „%(name)s“ muss eine ganze Zahl sein, nicht „%(value)s“.") % _shown(name, raw)
        )
    value = int(raw.strip())
    if not low <= value <= high:
        raise BadParameterError(
            name,
            _("Der Parameter „%(name)s“ muss zwischen %(low)d und %(high)d liegen.")
            % {"name": name, "low": low, "high": high},
        )
    return value


def _bool(query: QueryDict, name: str) -> bool:
    raw = query.get(name)
    if raw is None or raw == "":
        return False
    value = raw.strip().lower()
    if value in ("true", "1", "ja"):
        return True
    if value in ("false", "0", "nein"):
        return False
    raise BadParameterError(
        name, _("Der Parameter „%(name)s“ muss „true“ oder „false“ sein, nicht „%(value)s“.") % _shown(name, raw)
    )


def _uuid(query: QueryDict, name: str) -> str | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    try:
        return str(uuid.UUID(raw.strip()))
    except ValueError:
        raise BadParameterError(
            name, _("Der Parameter „%(name)s“ muss eine UUID sein, nicht „%(value)s“.") % _shown(name, raw)
        ) from None


def _datetime(query: QueryDict, name: str) -> dt.datetime | None:
    """An ISO 8601 instant; a date alone means midnight local time.

    Only years 1900 to 9999 are accepted, both in UTC and in local time, so
    that no later conversion (database, display) can overflow.
    """
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    text = raw.strip().replace(" ", "+")  # a "+" of the UTC offset arrives as a space when not URL-encoded
    parsed: dt.datetime | None = None
    try:
        parsed = parse_datetime(text)
        if parsed is None:
            day = parse_date(text)
            parsed = dt.datetime.combine(day, dt.time()) if day is not None else None
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None:
        raise BadParameterError(
            name,
            _(
                "Der Parameter „%(name)s“ muss ein Zeitpunkt nach ISO 8601 sein "
                "(z. B. 2024-05-01T12:00:00Z), nicht „%(value)s“."
            )
            % _shown(name, raw),
        )
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise _out_of_range(name)
    try:
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        in_range = all(MIN_YEAR <= t.year <= MAX_YEAR for t in (parsed.astimezone(dt.UTC), timezone.localtime(parsed)))
    except (OverflowError, ValueError):
        in_range = False
    if not in_range:
        raise _out_of_range(name)
    return parsed


def _out_of_range(name: str) -> BadParameterError:
    return BadParameterError(
        name,
        _("Der Parameter „%(name)s“ muss ein Zeitpunkt zwischen den Jahren %(min)d und %(max)d sein.")
        % {"name": name, "min": MIN_YEAR, "max": MAX_YEAR},
    )


def _shown(name: str, raw: str) -> dict[str, str]:
    """Message parameters echoing at most 40 characters of ``raw``, control characters replaced."""
    raw = _printable(raw)
    shown = raw if len(raw) <= 40 else raw[:40] + "…"
    return {"name": name, "value": shown}


def parse_list_params(query: QueryDict, *, unsupported: Sequence[str] = ()) -> ListParams:
    """Read and check every parameter of a list endpoint; raises ``BadParameterError``."""
    for name in unsupported:
        if query.get(name):
            raise BadParameterError(name, _("Der Parameter „%(name)s“ wird nicht unterstützt.") % {"name": name})
    fmt = _text(query, "format", 20).lower()
    if fmt not in ("", "json", "ndjson"):
        raise BadParameterError("format", _("Der Parameter „format“ kennt nur „json“ und „ndjson“."))
    params = ListParams(
        page=_int(query, "page", 1, 1, 1_000_000),
        per_page=_int(query, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
        search=_text(query, "search"),
        taxonomy_term_id=_uuid(query, "taxonomy_term_id"),
        taxonomy_id=_uuid(query, "taxonomy_id"),
        organization_id=_uuid(query, "organization_id"),
        parent_id=_uuid(query, "parent_id"),
        modified_after=_datetime(query, "modified_after"),
        minimal=_bool(query, "minimal"),
        full=_bool(query, "full"),
        full_service=_bool(query, "full_service"),
        top_only=_bool(query, "top_only"),
        ndjson=fmt == "ndjson",
        postcode=_text(query, "postcode", 10),
    )
    params.district = district_param(query)
    return params


def district_param(query: QueryDict) -> District | None:
    """The optional ``district`` filter (a district's slug); anything else is a bad parameter.

    Only a well-formed slug reaches the database (NUL characters, for one,
    make PostgreSQL fail); an unknown slug is a bad parameter too.
    """
    slug = query.get("district", "").strip()
    if not slug:
        return None
    if not _SLUG.fullmatch(slug):
        raise BadParameterError(
            "district",
            _(
                "Der Parameter „district“ muss der Kurzname eines Kreises sein "
                "(Buchstaben, Ziffern und Bindestriche), nicht „%(value)s“."
            )
            % _shown("district", slug),
        )
    district = District.objects.filter(slug=slug).select_related("region").first()
    if district is None:
        raise BadParameterError(
            "district", _("Der Parameter „district“ nennt keinen bekannten Kreis: „%(value)s“.") % _shown("", slug)
        )
    return district


def _printable(value: str) -> str:
    """``value`` with control characters (NUL …) replaced by "�", for echoing in a message."""
    return "".join(c if c.isprintable() else "\ufffd" for c in value)


def page_envelope(items: Sequence[T], total: int, params: ListParams, render: Callable[[T], Any]) -> dict[str, Any]:
    """The HSDS Page object (``openapi.json#/components/schemas/Page``) around ``items``.

    ``items`` is the current page already cut out of ``total`` results. Pages
    count from 1; a page past the last one is empty. ``size`` is the number of
    entities on this page, as the OpenAPI file defines it.
    """
    total_pages = math.ceil(total / params.per_page) if total else 0
    contents = [render(item) for item in items]
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": params.page,
        "size": len(contents),
        "first_page": params.page == 1,
        "last_page": params.page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def page_slice(params: ListParams) -> slice:
    start = (params.page - 1) * params.per_page
    return slice(start, start + params.per_page)
