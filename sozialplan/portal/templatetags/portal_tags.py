"""Template helpers of the public directory (German display of offer data)."""

from __future__ import annotations

import re

from django import template
from django.utils.translation import gettext as _

from sozialplan.offerings.models import Offering, Schedule
from sozialplan.offerings.schedules import describe
from sozialplan.portal.directory import DirectoryFilter

register = template.Library()


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
    """One German line for a Schedule: "wöchentlich Montag, Dienstag 09:00–12:00 Uhr" or its description."""
    return describe(schedule)


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
