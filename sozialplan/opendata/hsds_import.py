"""Import HSDS 3.0 JSON into a district: services, organizations, locations, service_at_locations.

``import_hsds`` accepts one fully nested service, one organization (with its
services), one service_at_location, one location, a list of these or an HSDS
Page envelope (``contents``). It keeps every HSDS ``id`` as our ``uuid`` and
every property we do not model in ``hsds_extra``, so that exporting the
records gives back the original (see ``docs/hsds.md`` for the rare
exceptions).

The input is checked first (JSON, size, NUL characters, dates in the years
1900–9999, http(s) web addresses, the official schema with formats); any
problem raises ``SourceError`` with a German message and the JSON path. Writing
happens in one transaction: a problem found while writing (an id that belongs
to another district, a location outside the district, a value the model's
validation refuses, see ``hsds_import_checks``) rolls everything back. Importing
the same data twice changes nothing (records are matched by ``id``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped,unused-ignore]

from sozialplan.offerings.search import batched_refresh
from sozialplan.opendata import hsds_schema
from sozialplan.opendata.hsds_fields import URL_SCHEMES
from sozialplan.opendata.hsds_import_records import RecordImporter
from sozialplan.regions.models import District
from sozialplan.sources.errors import ImportSummary, SourceError

Actor = AbstractBaseUser | AnonymousUser | None

#: Longest string accepted anywhere, in characters; a service area's ``extent`` may be longer.
MAX_TEXT = 100_000
MAX_EXTENT = 5_000_000
MAX_ERRORS_SHOWN = 3
#: Years a date or instant may name (after conversion to UTC and to local time); anything else is a
#: typo or an attack, and years near 1 or 9999 overflow when converted between time zones.
MIN_YEAR = 1900
MAX_YEAR = 9999
#: HSDS 3.0 properties that hold a date or an instant (schedule, cost_option, metadata, service).
DATE_KEYS = frozenset(
    {"assured_date", "last_modified", "valid_from", "valid_to", "dtstart", "until", "last_action_date"}
)
#: HSDS properties that hold a web address (service.url, organization.website, location.url, accessibility.url …).
URL_KEYS = frozenset({"url", "website"})
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")

_TYPE_NAMES = {
    "string": "Text",
    "number": "Zahl",
    "integer": "ganze Zahl",
    "object": "Objekt",
    "array": "Liste",
    "boolean": "Wahrheitswert",
}
_FORMAT_NAMES = {
    "uuid": "UUID",
    "email": "E-Mail-Adresse",
    "uri": "URI (z. B. https://…)",
    "date-time": "Zeitpunkt nach RFC 3339",
    "date": "Datum (JJJJ-MM-TT)",
}


def import_hsds(*, district: District, data: Any, actor: Actor, filename: str = "") -> ImportSummary:
    """Import HSDS ``data`` (parsed JSON, or JSON text as ``str``/``bytes``) into ``district``.

    Returns the counts of created, updated and unchanged records (organizations,
    locations and services each count). Raises ``SourceError`` (German) and
    writes nothing when the data cannot be imported as a whole.
    """
    try:
        documents = list(_documents(_parse(data, filename), "$", filename))
        for kind, document, path in documents:
            _check_values(document, path, filename)
            _validate(kind, document, path, filename)
    except RecursionError:
        raise SourceError(_("Die HSDS-Daten sind zu tief verschachtelt."), file=filename) from None
    if not documents:
        raise SourceError(_("Die Datei enthält keine HSDS-Objekte."), file=filename)
    importer = RecordImporter(district=district, actor=actor, filename=filename)
    with transaction.atomic(), batched_refresh():
        for kind, document, path in documents:
            importer.dispatch(kind, document, path)
    return importer.summary()


def _parse(data: Any, filename: str) -> Any:
    if isinstance(data, (bytes, bytearray)):
        if len(data) > settings.MAX_UPLOAD_BYTES:
            raise SourceError(_("Die Datei ist zu groß (höchstens %(mb)d MB).") % _mb(), file=filename)
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SourceError(_("Die Datei ist nicht UTF-8-kodiert."), file=filename) from None
    if isinstance(data, str):
        if len(data) > settings.MAX_UPLOAD_BYTES:
            raise SourceError(_("Die Datei ist zu groß (höchstens %(mb)d MB).") % _mb(), file=filename)
        try:
            return json.loads(data)
        except json.JSONDecodeError as error:
            raise SourceError(
                _("Kein gültiges JSON (%(reason)s, Spalte %(col)d).") % {"reason": error.msg, "col": error.colno},
                file=filename,
                line=error.lineno,
            ) from None
    return data


def _mb() -> dict[str, int]:
    return {"mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)}


def detect_kind(document: dict[str, Any]) -> str | None:
    """Which HSDS object ``document`` is: service, organization, service_at_location, location or None."""
    if "status" in document:
        return "service"
    if "service" in document or ("location" in document and "name" not in document):
        return "service_at_location"
    if "services" in document or ("name" in document and "description" in document and "location_type" not in document):
        return "organization"
    if "location_type" in document:
        return "location"
    return None


def _documents(data: Any, path: str, filename: str) -> Iterator[tuple[str, dict[str, Any], str]]:
    """(kind, object, JSON path) of every top-level HSDS object in ``data``."""
    if isinstance(data, list):
        for index, item in enumerate(data):
            yield from _documents(item, f"{path}[{index}]", filename)
        return
    if not isinstance(data, dict):
        raise SourceError(
            _("Bei %(path)s steht kein HSDS-Objekt, sondern „%(type)s“.")
            % {"path": path, "type": _TYPE_NAMES.get(_json_type(data), _json_type(data))},
            file=filename,
        )
    if isinstance(data.get("contents"), list) and "id" not in data:
        yield from _documents(data["contents"], f"{path}.contents", filename)
        return
    kind = detect_kind(data)
    if kind is None:
        raise SourceError(
            _(
                "Bei %(path)s steht ein Objekt, das weder ein HSDS-Angebot (service), ein Träger (organization), "
                "ein Standort (location) noch ein Angebot am Standort (service_at_location) ist."
            )
            % {"path": path},
            file=filename,
        )
    yield kind, data, path


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    return "array" if isinstance(value, list) else "object"


def _check_values(value: Any, path: str, filename: str) -> None:
    """Reject NUL characters and overlong strings anywhere (keys included), dates out of range and
    web addresses that are not http(s)."""
    if isinstance(value, str):
        limit = MAX_EXTENT if path.endswith(".extent") else MAX_TEXT
        if len(value) > limit:
            raise SourceError(
                _("Der Text bei %(path)s ist zu lang (%(n)d Zeichen, höchstens %(max)d).")
                % {"path": path, "n": len(value), "max": limit},
                file=filename,
            )
        if "\x00" in value:
            raise SourceError(_("Der Text bei %(path)s enthält ein NUL-Zeichen.") % {"path": path}, file=filename)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_values(key, f"{path} (Schlüssel)", filename)
            _check_values(item, f"{path}.{key}", filename)
            if isinstance(item, str) and key in DATE_KEYS:
                _check_date(item, f"{path}.{key}", filename)
            if isinstance(item, str) and key in URL_KEYS:
                _check_url(item, f"{path}.{key}", filename)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_values(item, f"{path}[{index}]", filename)


def _check_date(text: str, path: str, filename: str) -> None:
    """A readable date or instant must lie in the years ``MIN_YEAR``–``MAX_YEAR``, in UTC and local time.

    Text that is no date at all is left to the schema check (or kept verbatim,
    as it cannot become one of our dates).
    """
    if not date_in_range(text):
        raise SourceError(
            _("%(path)s: Das Datum „%(value)s“ liegt außerhalb des zulässigen Bereichs (Jahre %(min)d bis %(max)d).")
            % {"path": path, "value": text[:40], "min": MIN_YEAR, "max": MAX_YEAR},
            file=filename,
        )


def date_in_range(text: str) -> bool:
    """False if ``text`` reads as a date or instant outside the years ``MIN_YEAR``–``MAX_YEAR``.

    A naive instant counts as local time; an instant is checked in UTC and in
    local time, so that converting it later (database, display) cannot
    overflow. Unreadable text is not a date and gives True.
    """
    try:
        instant = parse_datetime(text)
        if instant is None:
            day = parse_date(text)
            instant = dt.datetime.combine(day, dt.time()) if day is not None else None
    except ValueError:
        return True  # not a date (e.g. "2024-02-30"): the schema check or the field decides
    except OverflowError:
        return False
    if instant is None:
        return True
    try:
        if timezone.is_naive(instant):
            instant = timezone.make_aware(instant)
        years = (instant.year, instant.astimezone(dt.UTC).year, timezone.localtime(instant).year)
    except (OverflowError, ValueError):
        return False
    return all(MIN_YEAR <= year <= MAX_YEAR for year in years)


def _check_url(text: str, path: str, filename: str) -> None:
    """A web address may only use http or https (no ``javascript:``, ``data:`` …)."""
    match = _SCHEME.match(text)
    if match is None or match.group(1).lower() not in URL_SCHEMES:
        raise SourceError(
            _("%(path)s: Als Internetadresse sind nur http:// und https:// erlaubt, nicht „%(value)s“.")
            % {"path": path, "value": text[:60]},
            file=filename,
        )


def _validate(kind: str, document: dict[str, Any], path: str, filename: str) -> None:
    found = hsds_schema.errors(document, kind, strict=False)
    if not found:
        return
    messages = [_describe(error, path) for error in found[:MAX_ERRORS_SHOWN]]
    more = len(found) - MAX_ERRORS_SHOWN
    text = _("Die Daten entsprechen nicht dem Standard HSDS 3.0: %(errors)s") % {"errors": " ".join(messages)}
    if more > 0:
        text += " " + _("(und %(n)d weitere Fehler)") % {"n": more}
    raise SourceError(text, file=filename)


def _describe(error: ValidationError, base: str) -> str:
    """One schema violation as a German sentence with its JSON path."""
    where = base + hsds_schema.json_path(error)[1:]
    shown = repr(error.instance) if not isinstance(error.instance, (dict, list)) else _json_type(error.instance)
    if len(shown) > 60:
        shown = shown[:60] + "…"
    if error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in str(error.message) else "?"
        return _("Bei %(path)s fehlt die Pflichtangabe „%(name)s“.") % {"path": where, "name": missing}
    if error.validator == "type":
        expected = _TYPE_NAMES.get(str(error.validator_value), str(error.validator_value))
        return _("%(path)s muss %(type)s sein, nicht %(value)s.") % {"path": where, "type": expected, "value": shown}
    if error.validator == "format":
        expected = _FORMAT_NAMES.get(str(error.validator_value), str(error.validator_value))
        return _("%(path)s ist keine gültige Angabe (%(format)s): %(value)s.") % {
            "path": where,
            "format": expected,
            "value": shown,
        }
    if error.validator == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        return _("%(path)s hat den Wert %(value)s; erlaubt sind: %(allowed)s.") % {
            "path": where,
            "value": shown,
            "allowed": allowed,
        }
    return _("%(path)s verletzt die Regel „%(rule)s“ des Schemas.") % {"path": where, "rule": error.validator}
