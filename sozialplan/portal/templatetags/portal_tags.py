"""Template helpers of the public directory (German display of offer data)."""

from __future__ import annotations

import re

from django import template
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sozialplan.offerings.models import Offering, Schedule
from sozialplan.portal.directory import DirectoryFilter

register = template.Library()

_WEEKDAYS = {
    "MO": gettext_lazy("Montag"),
    "TU": gettext_lazy("Dienstag"),
    "WE": gettext_lazy("Mittwoch"),
    "TH": gettext_lazy("Donnerstag"),
    "FR": gettext_lazy("Freitag"),
    "SA": gettext_lazy("Samstag"),
    "SU": gettext_lazy("Sonntag"),
}
_FREQ = {"WEEKLY": gettext_lazy("wöchentlich"), "MONTHLY": gettext_lazy("monatlich"), "DAILY": gettext_lazy("täglich")}


@register.filter
def tel_href(phone: str) -> str:
    """A ``tel:`` URI for a German phone number as published ("03685 445-0" → "tel:036854450")."""
    digits = re.sub(r"[^\d+]", "", phone or "")
    return f"tel:{digits}" if digits else ""


@register.simple_tag
def page_query(flt: DirectoryFilter, number: int) -> str:
    """The query string of the list filtered by ``flt`` on page ``number``."""
    query = flt.querystring()
    return f"{query}&seite={number}" if query else f"seite={number}"


@register.filter
def schedule_text(schedule: Schedule) -> str:
    """One German line for a Schedule: "wöchentlich Montag, Dienstag 09:00–12:00" or its description."""
    parts = []
    if schedule.freq:
        parts.append(str(_FREQ.get(schedule.freq.upper(), schedule.freq)))
    days = [str(_WEEKDAYS[d]) for d in re.findall(r"[A-Z]{2}", (schedule.byday or "").upper()) if d in _WEEKDAYS]
    if days:
        parts.append(", ".join(days))
    if schedule.opens_at and schedule.closes_at:
        parts.append(
            _("%(opens)s–%(closes)s Uhr")
            % {"opens": time_format(schedule.opens_at, "H:i"), "closes": time_format(schedule.closes_at, "H:i")}
        )
    elif schedule.opens_at:
        parts.append(_("ab %(time)s Uhr") % {"time": time_format(schedule.opens_at, "H:i")})
    line = " ".join(parts)
    if schedule.description:
        return f"{line}: {schedule.description}" if line else schedule.description
    return line


@register.filter
def age_range(offer: Offering) -> str:
    """The offer's age range in German ("6 bis 13 Jahre", "ab 65 Jahren"), '' if open."""
    low, high = offer.min_age, offer.max_age
    if low is not None and high is not None:
        return _("%(low)d bis %(high)d Jahre") % {"low": low, "high": high}
    if low is not None:
        return _("ab %(low)d Jahren") % {"low": low}
    if high is not None:
        return _("bis %(high)d Jahre") % {"high": high}
    return ""
