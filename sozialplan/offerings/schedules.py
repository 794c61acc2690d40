"""Zeitpläne of an offer (HSDS ``schedule``): values, German wording, checks, JSON form, writing.

A Zeitplan says when an offer is open: a rhythm (``freq``: weekly or monthly),
weekdays (``byday``, iCal codes such as ``"MO,TH"``), a time span (``opens_at``
to ``closes_at``, local time), a validity period (``valid_from`` to ``valid_to``,
both days included) and a free note. The edit form and the services pass them
as ``ScheduleData``; a Träger's proposal keeps them in ``OfferingChange.data``
in JSON form (``rows_to_json``), identified by the Zeitplan's ``uuid`` so that an
HSDS id stays stable when a row is edited.

Imported HSDS rows may carry values the form does not offer (``DAILY``,
``"1MO"`` for "first Monday"): they are kept as they are, and only new or
changed values must come from the choices here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sozialplan.offerings.models import Offering, Schedule

WEEKLY = "WEEKLY"
MONTHLY = "MONTHLY"

#: Rhythms a person may choose; ``""`` is a Zeitplan without fixed rhythm (e.g. only a note).
FREQ_CHOICES = [
    ("", gettext_lazy("– ohne festen Rhythmus –")),
    (WEEKLY, gettext_lazy("wöchentlich")),
    (MONTHLY, gettext_lazy("monatlich")),
]
FREQ_LABELS = {
    WEEKLY: gettext_lazy("wöchentlich"),
    MONTHLY: gettext_lazy("monatlich"),
    "DAILY": gettext_lazy("täglich"),
}

#: iCal weekday codes with short and full German names, Monday first.
WEEKDAYS = (
    ("MO", gettext_lazy("Mo"), gettext_lazy("Montag")),
    ("TU", gettext_lazy("Di"), gettext_lazy("Dienstag")),
    ("WE", gettext_lazy("Mi"), gettext_lazy("Mittwoch")),
    ("TH", gettext_lazy("Do"), gettext_lazy("Donnerstag")),
    ("FR", gettext_lazy("Fr"), gettext_lazy("Freitag")),
    ("SA", gettext_lazy("Sa"), gettext_lazy("Samstag")),
    ("SU", gettext_lazy("So"), gettext_lazy("Sonntag")),
)
WEEKDAY_CODES = tuple(code for code, _short, _long in WEEKDAYS)
_WEEKDAY_NAMES = {code: name for code, _short, name in WEEKDAYS}

#: Most Zeitpläne one offer may have (the form refuses more, in German).
MAX_SCHEDULES = 20
#: Longest note of one Zeitplan (characters).
MAX_NOTE_LENGTH = 10_000

SCHEDULE_FIELDS = ("freq", "byday", "opens_at", "closes_at", "valid_from", "valid_to", "description")


class ScheduleData(TypedDict):
    """One Zeitplan as the services take it.

    ``uuid`` names an existing Zeitplan of the same offer (text), or is ``None``
    for a new one; a uuid the offer does not have is treated as new.
    """

    uuid: str | None
    freq: str
    byday: str
    opens_at: dt.time | None
    closes_at: dt.time | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    description: str


def row_of(schedule: Schedule) -> ScheduleData:
    """The values of a stored Zeitplan (its HSDS extras stay on the row and are not part of this)."""
    return ScheduleData(
        uuid=str(schedule.uuid),
        freq=schedule.freq,
        byday=schedule.byday,
        opens_at=schedule.opens_at,
        closes_at=schedule.closes_at,
        valid_from=schedule.valid_from,
        valid_to=schedule.valid_to,
        description=schedule.description,
    )


def current_rows(offering: Offering) -> list[ScheduleData]:
    """The offer's Zeitpläne in the order they were created (uses prefetched ``schedules`` if present)."""
    if offering.pk is None:
        return []
    return [row_of(s) for s in sorted(offering.schedules.all(), key=lambda s: s.pk)]


def stored_rows(offering: Offering) -> list[ScheduleData]:
    """Like ``current_rows`` but always read from the database (ignores a prefetch that may be stale)."""
    if offering.pk is None:
        return []
    return [row_of(s) for s in Schedule.objects.filter(offering=offering).order_by("pk")]


def weekday_codes(byday: str) -> list[str]:
    """The comma-separated tokens of ``byday``, upper case, without blanks."""
    return [token.strip().upper() for token in (byday or "").split(",") if token.strip()]


def join_weekdays(codes: Iterable[str]) -> str:
    """``byday`` text in weekday order (known codes first, Monday first; others after, as given)."""
    chosen = list(dict.fromkeys(c.strip().upper() for c in codes if c.strip()))
    known = [c for c in WEEKDAY_CODES if c in chosen]
    return ",".join(known + [c for c in chosen if c not in WEEKDAY_CODES])


# --- German wording ------------------------------------------------------------------------------


def _values(schedule: Schedule | ScheduleData) -> ScheduleData:
    return row_of(schedule) if isinstance(schedule, Schedule) else schedule


def describe(schedule: Schedule | ScheduleData) -> str:
    """One German line: "wöchentlich Montag, Donnerstag 09:00–12:00 Uhr (gültig ab 01.09.2025): Hinweis".

    Weekday tokens with a position ("1MO", first Monday) are shown by their day.
    An empty Zeitplan gives "".
    """
    row = _values(schedule)
    parts = []
    freq = row["freq"] or ""
    if freq:
        parts.append(str(FREQ_LABELS.get(freq.upper(), freq)))
    days = [
        str(_WEEKDAY_NAMES[d]) for d in re.findall(r"[A-Z]{2}", (row["byday"] or "").upper()) if d in _WEEKDAY_NAMES
    ]
    if days:
        parts.append(", ".join(days))
    opens, closes = row["opens_at"], row["closes_at"]
    if opens and closes:
        parts.append(
            _("%(opens)s–%(closes)s Uhr") % {"opens": time_format(opens, "H:i"), "closes": time_format(closes, "H:i")}
        )
    elif opens:
        parts.append(_("ab %(time)s Uhr") % {"time": time_format(opens, "H:i")})
    elif closes:
        parts.append(_("bis %(time)s Uhr") % {"time": time_format(closes, "H:i")})
    start, end = row["valid_from"], row["valid_to"]
    if start and end:
        parts.append(_("(gültig vom %(start)s bis %(end)s)") % {"start": _day(start), "end": _day(end)})
    elif start:
        parts.append(_("(gültig ab %(start)s)") % {"start": _day(start)})
    elif end:
        parts.append(_("(gültig bis %(end)s)") % {"end": _day(end)})
    line = " ".join(parts)
    note = row["description"] or ""
    if note:
        return f"{line}: {note}" if line else note
    return line


def _day(day: dt.date) -> str:
    return date_format(day, "d.m.Y")


def summary(rows: Iterable[Schedule | ScheduleData]) -> str:
    """All Zeitpläne as one text for diffs and the audit trail ("; "-separated, sorted; "" for none).

    Sorting makes the text independent of row order, so that only real changes differ.
    """
    return "; ".join(sorted(describe(r) for r in rows))


# --- checks ---------------------------------------------------------------------------------------


def row_errors(row: ScheduleData, existing: Schedule | ScheduleData | None = None) -> dict[str, str]:
    """German messages by field for one Zeitplan; ``existing`` is its stored version, if any.

    A rhythm or weekday the form does not offer is accepted only if the stored
    row already had it (kept from an HSDS import).
    """
    errors: dict[str, str] = {}
    before = _values(existing) if existing is not None else None
    freq = row["freq"] or ""
    if freq not in (WEEKLY, MONTHLY, "") and (before is None or freq != before["freq"]):
        errors["freq"] = _("Bitte wählen Sie „wöchentlich“, „monatlich“ oder keinen Rhythmus.")
    codes = weekday_codes(row["byday"])
    kept = set(weekday_codes(before["byday"])) if before is not None else set()
    if any(c not in WEEKDAY_CODES and c not in kept for c in codes) or len(row["byday"] or "") > 50:
        errors["byday"] = _("Bitte wählen Sie nur Wochentage von Montag bis Sonntag.")
    elif freq == WEEKLY and not codes:
        errors["byday"] = _("Bitte wählen Sie für einen wöchentlichen Zeitplan mindestens einen Wochentag.")
    opens, closes = row["opens_at"], row["closes_at"]
    if closes is not None and opens is None:
        errors["opens_at"] = _("Bitte geben Sie auch an, ab wann („von“) das Angebot offen ist.")
    elif opens is not None and closes is not None and closes <= opens:
        errors["closes_at"] = _("„bis“ muss nach „von“ liegen.")
    start, end = row["valid_from"], row["valid_to"]
    if start is not None and end is not None and end < start:
        errors["valid_to"] = _("„gültig bis“ darf nicht vor „gültig ab“ liegen.")
    if len(row["description"] or "") > MAX_NOTE_LENGTH:
        errors["description"] = _("Der Hinweis darf höchstens %(limit)d Zeichen lang sein.") % {
            "limit": MAX_NOTE_LENGTH
        }
    if not errors and not any(row_to_json(row)[name] for name in SCHEDULE_FIELDS):
        errors["__all__"] = _("Bitte füllen Sie den Zeitplan aus oder markieren Sie ihn zum Löschen.")
    return errors


def validate_rows(offering: Offering, rows: list[ScheduleData]) -> list[str]:
    """German messages for a complete list of Zeitpläne of ``offering`` ("Zeitplan 2: …")."""
    if len(rows) > MAX_SCHEDULES:
        return [_("Ein Angebot kann höchstens %(limit)d Zeitpläne haben.") % {"limit": MAX_SCHEDULES}]
    stored = {r["uuid"]: r for r in stored_rows(offering)}
    messages: list[str] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        uuid = row["uuid"]
        if uuid is not None and uuid in seen:
            messages.append(_("Zeitplan %(n)d ist doppelt angegeben.") % {"n": number})
            continue
        if uuid is not None:
            seen.add(uuid)
        for message in row_errors(row, stored.get(uuid)).values():
            messages.append(_("Zeitplan %(n)d: %(message)s") % {"n": number, "message": message})
    return messages


# --- JSON form (OfferingChange.data["schedules"]) -------------------------------------------------


def _iso(value: dt.date | dt.time | None) -> str | None:
    return None if value is None else value.isoformat()


def row_to_json(row: ScheduleData) -> dict[str, Any]:
    """One row in JSON form; weekdays in canonical order, so "TH,MO" and "MO,TH" compare equal."""
    return {
        "uuid": row["uuid"],
        "freq": row["freq"] or "",
        "byday": join_weekdays(weekday_codes(row["byday"])),
        "opens_at": _iso(row["opens_at"]),
        "closes_at": _iso(row["closes_at"]),
        "valid_from": _iso(row["valid_from"]),
        "valid_to": _iso(row["valid_to"]),
        "description": row["description"] or "",
    }


def rows_to_json(rows: Iterable[ScheduleData]) -> list[dict[str, Any]]:
    """Rows in JSON form, in a canonical order (existing rows by uuid, then new ones as given).

    Two lists that hold the same Zeitpläne give equal JSON, whatever their order.
    """
    items = [row_to_json(r) for r in rows]
    existing = sorted((i for i in items if i["uuid"] is not None), key=lambda i: str(i["uuid"]))
    return existing + [i for i in items if i["uuid"] is None]


def _parse(kind: type[dt.date] | type[dt.time], value: Any) -> Any:
    if not isinstance(value, str):
        return None
    try:
        return kind.fromisoformat(value)
    except ValueError:
        return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def rows_from_json(raw: Any) -> list[ScheduleData]:
    """Rows from JSON form; malformed items and values are dropped, never raised."""
    rows: list[ScheduleData] = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, Mapping):
            continue
        uuid = item.get("uuid")
        rows.append(
            ScheduleData(
                uuid=uuid if isinstance(uuid, str) else None,
                freq=_text(item.get("freq")),
                byday=_text(item.get("byday")),
                opens_at=_parse(dt.time, item.get("opens_at")),
                closes_at=_parse(dt.time, item.get("closes_at")),
                valid_from=_parse(dt.date, item.get("valid_from")),
                valid_to=_parse(dt.date, item.get("valid_to")),
                description=_text(item.get("description")),
            )
        )
    return rows


# --- writing --------------------------------------------------------------------------------------


def write_rows(offering: Offering, rows: list[ScheduleData]) -> None:
    """Make the offer's Zeitpläne exactly ``rows`` (validated before): update, create, delete.

    Rows are matched by uuid among this offer's Zeitpläne only; an unmatched row
    becomes a new Zeitplan with a fresh uuid. HSDS extras of kept rows stay.
    """
    existing = {str(s.uuid): s for s in Schedule.objects.filter(offering=offering)}
    kept: set[str] = set()
    for row in rows:
        schedule = existing.get(row["uuid"] or "")
        if schedule is None:
            schedule = Schedule(offering=offering)
        else:
            kept.add(str(schedule.uuid))
            if {**row_to_json(row_of(schedule)), "uuid": None} == {**row_to_json(row), "uuid": None}:
                continue  # unchanged: no write
        schedule.freq = row["freq"] or ""
        schedule.byday = row["byday"] or ""
        schedule.opens_at = row["opens_at"]
        schedule.closes_at = row["closes_at"]
        schedule.valid_from = row["valid_from"]
        schedule.valid_to = row["valid_to"]
        schedule.description = row["description"] or ""
        schedule.save()
    stale = [s.pk for key, s in existing.items() if key not in kept]
    if stale:
        Schedule.objects.filter(pk__in=stale).delete()
    getattr(offering, "_prefetched_objects_cache", {}).pop("schedules", None)
