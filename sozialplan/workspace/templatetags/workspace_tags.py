"""Small template filters of the workspace."""

from __future__ import annotations

from django import template

from sozialplan.offerings.models import Offering, Schedule
from sozialplan.offerings.schedules import describe

register = template.Library()


@register.filter
def gemeinde_names(offer: Offering) -> str:
    """The distinct Gemeinden of the offer's active Standorte ("–" if none); uses prefetched sites."""
    names = sorted({s.gemeinde.name for s in offer.sites.all() if s.gemeinde is not None and s.retired_at is None})
    return ", ".join(names) or "–"


@register.filter
def schedule_text(schedule: Schedule) -> str:
    """One German line for a Zeitplan (see ``offerings.schedules.describe``)."""
    return describe(schedule)
