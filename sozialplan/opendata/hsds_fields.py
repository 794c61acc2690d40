"""Field-level mapping between our models and HSDS properties, shared by export and import.

A ``Field`` maps one HSDS property to one model attribute. ``emit`` turns the
model value into the HSDS value (``None`` = leave the property out);
``accept`` turns an HSDS value into a model value, or ``NOT_STORABLE`` when the
model cannot hold it *exactly* (too long, wrong shape, an empty string …).
The importer keeps such values verbatim in ``hsds_extra``; the exporter puts
every ``hsds_extra`` property back that the model did not produce. So a value
is either modelled or kept, never lost.

``Overlay`` describes an HSDS array whose *first* item we model as plain
fields (``service.phones[0].number`` ↔ ``Offering.phone``); the whole array is
kept when it holds more than we model, and the modelled fields are laid over
its first item on export, so later edits show.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.encoding import iri_to_uri

from sozialplan.offerings.models import OfferingStatus

Kind = Literal["text", "url", "int", "float", "date", "time", "status"]


class _NotStorable:
    def __repr__(self) -> str:
        return "NOT_STORABLE"


NOT_STORABLE: Final = _NotStorable()

#: Keys in ``hsds_extra`` that start with this are ours, never HSDS properties.
PRIVATE_PREFIX = "_"
#: ``hsds_extra[PLACEHOLDERS]`` maps a property to the stand-in value a required
#: model field got because HSDS had no (storable) value; it is not exported.
PLACEHOLDERS = "_placeholders"

#: The only URL schemes a model URL field may hold (no ``javascript:``, ``data:``, ``ftp:`` …).
URL_SCHEMES = ("http", "https")
_validate_http_url = URLValidator(schemes=list(URL_SCHEMES))


def is_http_url(value: str) -> bool:
    """Whether ``value`` is a valid absolute http(s) URL (Django's ``URLValidator``)."""
    try:
        _validate_http_url(value)
    except ValidationError:
        return False
    return True


@dataclass(frozen=True)
class Field:
    """HSDS property ``key`` ↔ model attribute ``attr``.

    ``max_length`` is the model field's limit in characters; ``required`` means
    HSDS requires the property, so it is emitted even when empty. ``bounds``
    limits a float (inclusive, e.g. latitude −90 to 90); a ``url`` must be an
    http(s) URL (``is_http_url``).
    """

    key: str
    attr: str
    kind: Kind = "text"
    max_length: int | None = None
    required: bool = False
    bounds: tuple[float, float] | None = None

    def emit(self, value: Any) -> Any:
        """The HSDS value for model value ``value`` (``None`` = no property)."""
        if value is None or (value == "" and not self.required):
            return None
        if self.kind == "url":
            return iri_to_uri(value)
        if self.kind in ("date", "time"):
            return value.isoformat()
        if self.kind == "float":
            return float(value)
        return value

    def accept(self, value: Any) -> Any:
        """The model value for HSDS ``value``, or ``NOT_STORABLE`` if it would not export identically."""
        converted = self._convert(value)
        if converted is NOT_STORABLE or self.emit(converted) != value:
            return NOT_STORABLE
        return converted

    def _convert(self, value: Any) -> Any:
        if isinstance(value, bool):
            return NOT_STORABLE
        if self.kind in ("text", "url", "status"):
            return self._convert_text(value)
        if self.kind == "int":
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            return value if isinstance(value, int) and 0 <= value <= 32767 else NOT_STORABLE
        if self.kind == "float":
            ok = isinstance(value, (int, float)) and math.isfinite(value)
            if ok and self.bounds is not None:
                ok = self.bounds[0] <= value <= self.bounds[1]
            return float(value) if ok else NOT_STORABLE
        if not isinstance(value, str):
            return NOT_STORABLE
        try:
            parsed: Any = dt.date.fromisoformat(value) if self.kind == "date" else dt.time.fromisoformat(value)
        except ValueError:
            return NOT_STORABLE
        if self.kind == "time" and parsed.tzinfo is not None:
            return NOT_STORABLE
        return parsed

    def _convert_text(self, value: Any) -> Any:
        """A non-empty string within ``max_length``; a known status; an http(s) URL."""
        if not isinstance(value, str) or value == "":
            return NOT_STORABLE
        if self.max_length is not None and len(value) > self.max_length:
            return NOT_STORABLE
        if self.kind == "status" and value not in OfferingStatus.values:
            return NOT_STORABLE
        if self.kind == "url" and not is_http_url(value):
            return NOT_STORABLE
        return value


def emit_fields(obj: Any, fields: tuple[Field, ...]) -> dict[str, Any]:
    """HSDS properties of ``obj`` for ``fields``, leaving out empty ones."""
    result: dict[str, Any] = {}
    for f in fields:
        value = f.emit(getattr(obj, f.attr))
        if value is not None:
            result[f.key] = value
    return result


@dataclass(frozen=True)
class Overlay:
    """An HSDS array whose first item is modelled by ``fields``; ``constants`` fill a generated item."""

    key: str
    tag: str
    fields: tuple[Field, ...]
    constants: Mapping[str, Any] = field(default_factory=dict)
    #: Properties the generated item always carries ("" when empty), as HSDS requires them.
    required: tuple[str, ...] = ()

    def generate(self, obj: Any, entity_id: str, constants: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
        """The single item we generate from ``obj``, or ``None`` if none of the fields has a value."""
        from sozialplan.opendata.taxonomy import stable_uuid

        values = emit_fields(obj, self.fields)
        if not values:
            return None
        item: dict[str, Any] = {"id": stable_uuid(self.tag, entity_id)}
        for key in self.required:
            item[key] = ""
        item.update(values)
        item.update(constants if constants is not None else self.constants)
        return item

    def export(
        self, obj: Any, entity_id: str, extra: Mapping[str, Any], constants: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]] | None:
        """The array to publish: the kept one with our fields laid over, or the generated one."""
        kept = extra.get(self.key)
        if isinstance(kept, list) and kept:
            items: list[dict[str, Any]] = [dict(i) if isinstance(i, dict) else i for i in kept]
            if isinstance(items[0], dict):
                items[0].update(emit_fields(obj, self.fields))
            return items
        generated = self.generate(obj, entity_id, constants)
        if generated is not None:
            return [generated]
        return [] if isinstance(kept, list) else None
