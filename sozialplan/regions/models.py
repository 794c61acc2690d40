"""Administrative regions (Land → Kreis → Gemeindeverband → Gemeinde → Ortsteil),
the districts this installation hosts, and their Planungsräume.

Keys follow the Destatis Gemeindeverzeichnis: ``key`` is the official key of
the level (Land 2 digits, Kreis 5, Gemeindeverband 9 = Kreis + Verband number,
Gemeinde 8 = AGS); ``ars`` is the 12-digit Amtlicher Regionalschlüssel of a
Gemeinde. Gemeinden merge, so a region is valid from ``valid_from`` until
``valid_to`` (exclusive, ``None`` = still valid). A key names one region for all time:
when Gemeinden merge, the dissolved ones keep their key and get ``valid_to``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionKind(models.TextChoices):
    LAND = "land", _("Land")
    KREIS = "kreis", _("Kreis")
    VERBAND = "verband", _("Gemeindeverband")
    GEMEINDE = "gemeinde", _("Gemeinde")
    ORTSTEIL = "ortsteil", _("Ortsteil")


class RegionQuerySet(models.QuerySet["Region"]):
    def valid_on(self, day: dt.date | None = None) -> RegionQuerySet:
        """Regions valid on ``day`` (today if omitted)."""
        day = day or dt.date.today()
        return self.filter(models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day)).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=day)
        )

    def gemeinden(self) -> RegionQuerySet:
        return self.filter(kind=RegionKind.GEMEINDE)

    def in_kreis(self, kreis_key: str) -> RegionQuerySet:
        """Regions whose key lies inside the Kreis ``kreis_key`` (5 digits)."""
        return self.filter(key__startswith=kreis_key)


class Region(models.Model):
    kind = models.CharField(_("Ebene"), max_length=16, choices=RegionKind.choices)
    key = models.CharField(_("Schlüssel"), max_length=12, db_index=True)
    ars = models.CharField(_("Regionalschlüssel (ARS)"), max_length=12, blank=True, db_index=True)
    name = models.CharField(_("Name"), max_length=200)
    designation = models.CharField(
        _("Bezeichnung"), max_length=100, blank=True, help_text=_("z. B. Stadt, Gemeinde, Landkreis")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("gehört zu")
    )
    area_km2 = models.FloatField(_("Fläche (km²)"), null=True, blank=True)
    population = models.PositiveIntegerField(_("Einwohner"), null=True, blank=True)
    population_male = models.PositiveIntegerField(_("Einwohner männlich"), null=True, blank=True)
    population_date = models.DateField(_("Stichtag Einwohner"), null=True, blank=True)
    population_source = models.CharField(_("Quelle Einwohner"), max_length=200, blank=True)
    census_population = models.PositiveIntegerField(_("Einwohner Zensus 2022"), null=True, blank=True)
    postcode = models.CharField(_("PLZ Verwaltungssitz"), max_length=5, blank=True)
    latitude = models.FloatField(_("Breitengrad Mittelpunkt"), null=True, blank=True)
    longitude = models.FloatField(_("Längengrad Mittelpunkt"), null=True, blank=True)
    centre_source = models.CharField(_("Quelle Mittelpunkt"), max_length=200, blank=True)
    boundary = models.JSONField(_("Grenze (GeoJSON, WGS84)"), null=True, blank=True)
    boundary_source = models.CharField(_("Quelle Grenze"), max_length=200, blank=True)
    valid_from = models.DateField(_("gültig ab"), null=True, blank=True)
    valid_to = models.DateField(_("gültig bis (ausschließlich)"), null=True, blank=True)
    source = models.CharField(_("Quelle"), max_length=200, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Gebiet")
        verbose_name_plural = _("Gebiete")
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="region_unique_kind_key"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def kreis_key(self) -> str:
        """The 5-digit Kreis key this region lies in ('' for a Land)."""
        return self.key[:5] if len(self.key) >= 5 else ""

    @property
    def density(self) -> float | None:
        """Inhabitants per km², or ``None`` without population or area."""
        if self.population is None or not self.area_km2:
            return None
        return self.population / self.area_km2


#: Slugs that name fixed pages under /planung/ and so cannot name a district.
RESERVED_DISTRICT_SLUGS = frozenset({"traeger"})


def validate_district_slug(value: str) -> None:
    """Reject slugs that would shadow a fixed URL (e.g. /planung/traeger/)."""
    if value in RESERVED_DISTRICT_SLUGS:
        raise ValidationError(_("„%(slug)s“ ist reserviert und kann kein Kurzname sein."), params={"slug": value})


class District(models.Model):
    """A Landkreis or kreisfreie Stadt hosted by this installation.

    Every district-owned record (Träger, Standort, Angebot, Planungsraum …)
    points here, and users see only the districts they are members of.
    """

    region = models.OneToOneField(
        Region, on_delete=models.PROTECT, limit_choices_to={"kind": RegionKind.KREIS}, verbose_name=_("Kreis")
    )
    slug = models.SlugField(_("Kurzname"), unique=True, validators=[validate_district_slug])
    name = models.CharField(_("Name"), max_length=200)
    contact_email = models.EmailField(_("Kontakt E-Mail"), blank=True)
    website = models.URLField(_("Website"), blank=True)

    class Meta:
        verbose_name = _("Landkreis / kreisfreie Stadt")
        verbose_name_plural = _("Landkreise / kreisfreie Städte")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def key(self) -> str:
        return self.region.key

    def gemeinden(self) -> RegionQuerySet:
        """Currently valid Gemeinden of the district."""
        return Region.objects.gemeinden().in_kreis(self.region.key).valid_on()


class PlanningArea(models.Model):
    """A Planungsraum: a district's own named group of Gemeinden."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="planning_areas")
    name = models.CharField(_("Name"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    gemeinden = models.ManyToManyField(
        Region, related_name="planning_areas", verbose_name=_("Gemeinden"), limit_choices_to={"kind": "gemeinde"}
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        verbose_name = _("Planungsraum")
        verbose_name_plural = _("Planungsräume")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="planningarea_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def population(self) -> int | None:
        """Sum of the member Gemeinden's population (``None`` if any is unknown)."""
        values = [g.population for g in self.gemeinden.all()]
        if not values or any(v is None for v in values):
            return None
        return sum(v for v in values if v is not None)
