"""Reference data of integrated social planning, kept as data, not code.

Loaded from ``data/reference/*.json`` by ``sozialplan load-reference``:
the six LSZ Handlungsfelder, Zielgruppen, offer types and the configurable
list of Querschnittsthemen. Codes are stable identifiers used in URLs, exports
and the HSDS taxonomy; names are German display text.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActionField(models.Model):
    """A Handlungsfeld of the LSZ Angebots- und Maßnahmenkatalog (HF 1–6)."""

    code = models.PositiveSmallIntegerField(_("Nummer"), unique=True)
    name = models.CharField(_("Name"), max_length=200)
    short_name = models.CharField(_("Kurzname"), max_length=100)
    aliases = models.JSONField(_("andere Schreibweisen"), default=list, blank=True)
    sub_areas = models.JSONField(_("Teilbereiche"), default=list, blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)

    class Meta:
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"HF {self.code}: {self.short_name}"


class TargetGroup(models.Model):
    """A Zielgruppe, with an age range in years where it has one.

    ``min_age`` is inclusive, ``max_age`` inclusive; ``None`` means open.
    """

    code = models.SlugField(_("Kennung"), unique=True)
    name = models.CharField(_("Name"), max_length=200)
    min_age = models.PositiveSmallIntegerField(_("Mindestalter (Jahre)"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("Höchstalter (Jahre)"), null=True, blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Zielgruppe")
        verbose_name_plural = _("Zielgruppen")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class OfferType(models.Model):
    """A kind of offer (Kita, Beratungsstelle, Seniorenbüro …)."""

    code = models.SlugField(_("Kennung"), unique=True)
    name = models.CharField(_("Name"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)

    class Meta:
        verbose_name = _("Angebotsart")
        verbose_name_plural = _("Angebotsarten")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CrossCuttingTheme(models.Model):
    """A Querschnittsthema (Teilhabe und Mitwirkung, Ehrenamt, Inklusion …)."""

    code = models.SlugField(_("Kennung"), unique=True)
    name = models.CharField(_("Name"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    applies_to_all_fields = models.BooleanField(_("gilt in allen Handlungsfeldern"), default=False)

    class Meta:
        verbose_name = _("Querschnittsthema")
        verbose_name_plural = _("Querschnittsthemen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
