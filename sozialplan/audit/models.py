"""The audit trail: who changed what, when, in which district."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sozialplan.regions.models import District


class AuditEntry(models.Model):
    """One change. ``changes`` maps field name to ``[old, new]`` (JSON values)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="audit_entries", null=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("wer")
    )
    actor_name = models.CharField(_("wer (Name)"), max_length=200, blank=True)
    at = models.DateTimeField(_("wann"), auto_now_add=True, db_index=True)
    action = models.CharField(_("was"), max_length=50)
    object_type = models.CharField(_("Objektart"), max_length=50)
    object_id = models.CharField(_("Objekt"), max_length=64)
    object_label = models.CharField(_("Bezeichnung"), max_length=300, blank=True)
    changes = models.JSONField(_("Änderungen"), default=dict, blank=True)
    note = models.TextField(_("Bemerkung"), blank=True)

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.actor_name}: {self.action} {self.object_label}"
