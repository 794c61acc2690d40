"""Who may do what in which district.

A person's role is per district (``Membership``). Citizens need no account;
an account without a membership in a district (an outsider) sees there only
what the public sees.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from sozialplan.offerings.models import Provider
from sozialplan.regions.models import District


class Role(models.TextChoices):
    PLANNER = "planner", _("Sozialplanung")
    PROVIDER = "provider", _("Träger")
    COMMITTEE = "committee", _("Gremienmitglied")


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)
    provider = models.ForeignKey(
        Provider,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("Träger"),
        help_text=_("nur für die Rolle Träger: die Organisation, für die die Person handelt"),
    )

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        constraints = [
            models.UniqueConstraint(fields=["user", "district", "role", "provider"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role="provider", provider__isnull=False) | ~models.Q(role="provider"),
                name="membership_provider_has_provider",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.district} – {self.get_role_display()}"

    def clean(self) -> None:
        """A Träger membership names a Träger of the same district; other roles name none."""
        if self.role == Role.PROVIDER and self.provider is None:
            raise ValidationError({"provider": _("Für die Rolle Träger muss ein Träger gewählt werden.")})
        if self.role != Role.PROVIDER and self.provider is not None:
            raise ValidationError({"provider": _("Nur die Rolle Träger ist an einen Träger gebunden.")})
        if self.provider is not None and self.provider.district_id != self.district_id:
            raise ValidationError({"provider": _("Der Träger gehört zu einem anderen Landkreis.")})
