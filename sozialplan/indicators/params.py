"""Query and path parameters of the indicator API and downloads, checked strictly.

Each parser raises :class:`BadParameterError` with a German message for a
value it cannot use (the API answers 400 with it, downloads too); nothing
unchecked reaches a query.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import cast

from django.http import QueryDict
from django.utils.translation import gettext as _

from sozialplan.indicators.compute import LEVEL_LABELS, AreaLevel

#: Longest parameter value read at all (a date has 10 characters, a Kreis key 5).
MAX_LENGTH = 40
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_KREIS = re.compile(r"[0-9]{5}")
#: Download formats and their content types.
FORMATS: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class BadParameterError(ValueError):
    """A parameter value we cannot use; ``str()`` is the German message, ``name`` the parameter."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def _text(query: QueryDict, name: str) -> str:
    value = query.get(name, "")
    if len(value) > MAX_LENGTH or "\x00" in value:
        raise BadParameterError(name, _("Der Parameter „%(name)s“ ist ungültig.") % {"name": name})
    return value.strip()


def parse_level(value: str, name: str = "ebene") -> AreaLevel:
    """``gemeinde``, ``planungsraum``, ``kreis`` or ``land``."""
    if value not in LEVEL_LABELS:
        raise BadParameterError(
            name,
            _("Unbekannte Ebene „%(value)s“; erlaubt sind: %(allowed)s.")
            % {"value": value[:MAX_LENGTH], "allowed": ", ".join(LEVEL_LABELS)},
        )
    return cast(AreaLevel, value)


def level_param(query: QueryDict, default: AreaLevel = "gemeinde") -> AreaLevel:
    """The ``ebene`` query parameter (default ``gemeinde``)."""
    value = _text(query, "ebene")
    return parse_level(value) if value else default


def period_param(query: QueryDict) -> dt.date | None:
    """The ``stichtag`` query parameter as a date (``YYYY-MM-DD``), ``None`` if absent (= latest)."""
    value = _text(query, "stichtag")
    if not value:
        return None
    message = _("Der Stichtag muss ein Datum der Form JJJJ-MM-TT sein (z. B. 2022-05-15).")
    if not _DATE.fullmatch(value):
        raise BadParameterError("stichtag", message)
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as error:
        raise BadParameterError("stichtag", message) from error
    if not 1800 <= day.year <= 2200:
        raise BadParameterError("stichtag", _("Der Stichtag liegt außerhalb der Jahre 1800 bis 2200."))
    return day


def kreis_param(query: QueryDict) -> str:
    """The ``kreis`` query parameter: a 5-digit Kreis key (required)."""
    value = _text(query, "kreis")
    if not value:
        raise BadParameterError("kreis", _("Der Parameter „kreis“ (fünfstelliger Kreisschlüssel) fehlt."))
    if not _KREIS.fullmatch(value):
        raise BadParameterError("kreis", _("Der Kreisschlüssel muss aus fünf Ziffern bestehen (z. B. 16069)."))
    return value
