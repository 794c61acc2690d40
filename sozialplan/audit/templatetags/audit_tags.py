"""Template filters for the audit trail: ``{{ entry|change_rows }}``, ``{{ entry.action|action_label }}``."""

from __future__ import annotations

from django import template

from sozialplan.audit import display
from sozialplan.audit.models import AuditEntry

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return display.action_label(action)


@register.filter
def object_type_label(object_type: str) -> str:
    return display.object_type_label(object_type)


@register.filter
def change_rows(entry: AuditEntry) -> list[display.ChangeRow]:
    return display.change_rows(entry)
