"""The inventory of the Bestandsanalyse: Träger, Standorte and Angebote.

The model is a superset of Open Referral HSDS 3.0 (see docs/hsds.md):

* ``Provider`` (Träger) ↔ HSDS ``organization``
* ``Site`` (Standort) ↔ HSDS ``location`` with its ``address`` and ``accessibility``
* ``Offering`` (Angebot) ↔ HSDS ``service``; ``Offering.sites`` ↔ ``service_at_location``
* ``Schedule`` ↔ HSDS ``schedule``; the ``phone``/``email`` fields ↔ HSDS ``phones``
  and the object's ``email`` (contact persons are not modelled: no personal data;
  imported HSDS ``contacts`` are kept in ``hsds_extra``)
* Handlungsfelder, Zielgruppen, Angebotsart, Querschnittsthemen ↔ HSDS ``attribute``
  with ``taxonomy_term``; ``served_regions`` ↔ ``service_area``.

Every HSDS object keeps its ``id`` in ``uuid`` and whatever HSDS properties we
do not model in ``hsds_extra``, so that an imported HSDS record exports again
without loss.

Publication: a record is public when ``review_state`` is approved. A Träger's
edit of a public offer does not change it; it creates an ``OfferingChange``
that a planner approves or rejects.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sozialplan.catalog.models import ActionField, CrossCuttingTheme, OfferType, TargetGroup
from sozialplan.regions.models import District, Region


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    PENDING = "pending", _("wartet auf Freigabe")
    APPROVED = "approved", _("freigegeben")
    REJECTED = "rejected", _("abgelehnt")


class ProviderKind(models.TextChoices):
    FREE = "frei", _("freier Träger")
    WELFARE = "wohlfahrt", _("Wohlfahrtsverband")
    CHURCH = "kirchlich", _("kirchlicher Träger")
    ASSOCIATION = "verein", _("Verein")
    MUNICIPAL = "kommunal", _("kommunaler Träger")
    STATE = "staatlich", _("staatliche Stelle")
    PRIVATE = "privat", _("privat-gewerblicher Träger")
    OTHER = "sonstig", _("sonstiger Träger")


class Provider(models.Model):
    """A Träger: the organisation responsible for offers."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="providers")
    name = models.CharField(_("Name"), max_length=300)
    alternate_name = models.CharField(_("Kurzname"), max_length=300, blank=True)
    kind = models.CharField(_("Trägerart"), max_length=20, choices=ProviderKind.choices, default=ProviderKind.OTHER)
    legal_form = models.CharField(_("Rechtsform"), max_length=100, blank=True, help_text=_("z. B. e. V., gGmbH"))
    description = models.TextField(_("Beschreibung"), blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    website = models.URLField(_("Website"), blank=True, max_length=500)
    retired_at = models.DateTimeField(_("ausgeschieden am"), null=True, blank=True)
    hsds_extra = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Träger")
        verbose_name_plural = _("Träger")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="provider_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class PositionPrecision(models.TextChoices):
    EXACT = "exact", _("Adresse")
    GEMEINDE = "gemeinde", _("ungefähr (Mitte der Gemeinde)")
    NONE = "none", _("unbekannt")


class SiteQuerySet(models.QuerySet["Site"]):
    def active(self) -> SiteQuerySet:
        return self.filter(retired_at__isnull=True)


class Site(models.Model):
    """A Standort: a place where offers are delivered, with address and access."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="sites")
    provider = models.ForeignKey(
        Provider, on_delete=models.SET_NULL, null=True, blank=True, related_name="sites", verbose_name=_("Träger")
    )
    name = models.CharField(_("Name"), max_length=300)
    description = models.TextField(_("Beschreibung"), blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postcode = models.CharField(_("PLZ"), max_length=10, blank=True)
    town = models.CharField(_("Ort / Ortsteil"), max_length=200, blank=True)
    gemeinde = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sites",
        limit_choices_to={"kind": "gemeinde"},
        verbose_name=_("Gemeinde"),
    )
    latitude = models.FloatField(_("Breitengrad"), null=True, blank=True)
    longitude = models.FloatField(_("Längengrad"), null=True, blank=True)
    position_precision = models.CharField(
        _("Genauigkeit der Lage"), max_length=10, choices=PositionPrecision.choices, default=PositionPrecision.NONE
    )
    wheelchair_accessible = models.BooleanField(_("rollstuhlgerecht"), null=True, blank=True)
    accessibility_description = models.TextField(_("Barrierefreiheit"), blank=True)
    accessibility_url = models.URLField(_("Link zu Barrierefreiheit"), blank=True, max_length=500)
    retired_at = models.DateTimeField(_("aufgegeben am"), null=True, blank=True)
    hsds_extra = models.JSONField(default=dict, blank=True, editable=False)
    #: The values the last import of the offers CSV wrote (see offerings/importing.py):
    #: a re-import changes a field only while it still holds that value.
    import_snapshot = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("Standort")
        verbose_name_plural = _("Standorte")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def address_line(self) -> str:
        """One-line postal address as printed on the offer page."""
        place = " ".join(p for p in (self.postcode, self.town) if p)
        return ", ".join(p for p in (self.street, place) if p)

    @property
    def is_approximate(self) -> bool:
        return self.position_precision != PositionPrecision.EXACT


class OfferingStatus(models.TextChoices):
    """HSDS 3.0 service status values."""

    ACTIVE = "active", _("aktiv")
    INACTIVE = "inactive", _("ruht")
    DEFUNCT = "defunct", _("eingestellt")
    TEMPORARILY_CLOSED = "temporarily closed", _("vorübergehend geschlossen")


class OfferingQuerySet(models.QuerySet["Offering"]):
    def published(self) -> OfferingQuerySet:
        """What the public sees: approved and not defunct."""
        return self.filter(review_state=ReviewState.APPROVED).exclude(status=OfferingStatus.DEFUNCT)

    def for_district(self, district: District) -> OfferingQuerySet:
        return self.filter(district=district)

    def unverified_since(self, day: dt.date) -> OfferingQuerySet:
        """Offers nobody has verified on or after ``day`` (or never)."""
        return self.filter(models.Q(assured_date__isnull=True) | models.Q(assured_date__lt=day))

    def stale(self) -> OfferingQuerySet:
        """Offers not verified within ``ASSURED_MAX_AGE_DAYS`` (default 12 months)."""
        limit = timezone.localdate() - dt.timedelta(days=settings.ASSURED_MAX_AGE_DAYS)
        return self.exclude(status=OfferingStatus.DEFUNCT).unverified_since(limit)


class Offering(models.Model):
    """An Angebot: a service for families and seniors."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="offerings")
    provider = models.ForeignKey(
        Provider, on_delete=models.SET_NULL, null=True, blank=True, related_name="offerings", verbose_name=_("Träger")
    )
    name = models.CharField(_("Name"), max_length=300)
    alternate_name = models.CharField(_("Kurzname"), max_length=300, blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    category = models.CharField(
        _("Kategorie (Quelle)"), max_length=200, blank=True, help_text=_("Kategorie wie in der Quelle angegeben")
    )
    offer_type = models.ForeignKey(
        OfferType, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("Angebotsart")
    )
    action_fields = models.ManyToManyField(ActionField, blank=True, verbose_name=_("Handlungsfelder"))
    target_groups = models.ManyToManyField(TargetGroup, blank=True, verbose_name=_("Zielgruppen"))
    themes = models.ManyToManyField(CrossCuttingTheme, blank=True, verbose_name=_("Querschnittsthemen"))
    target_description = models.CharField(
        _("Zielgruppe (Text)"), max_length=500, blank=True, help_text=_("für wen, in eigenen Worten")
    )
    min_age = models.PositiveSmallIntegerField(_("Mindestalter (Jahre)"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("Höchstalter (Jahre)"), null=True, blank=True)
    schedule_description = models.TextField(_("Zeiten"), blank=True)
    cost_description = models.TextField(_("Kosten"), blank=True)
    is_free = models.BooleanField(_("kostenfrei"), null=True, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    website = models.URLField(_("Website"), blank=True, max_length=500)
    status = models.CharField(_("Status"), max_length=20, choices=OfferingStatus.choices, default=OfferingStatus.ACTIVE)
    capacity = models.PositiveIntegerField(_("Plätze / Kapazität"), null=True, blank=True)
    lsz_funded = models.BooleanField(_("LSZ-gefördert"), default=False)
    assured_date = models.DateField(
        _("zuletzt geprüft am"), null=True, blank=True, help_text=_("Datum, an dem eine Person die Angaben geprüft hat")
    )
    assured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geprüft von"),
    )
    sites = models.ManyToManyField(Site, blank=True, related_name="offerings", verbose_name=_("Standorte"))
    served_regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="served_by",
        verbose_name=_("Einzugsgebiet"),
        help_text=_("Gemeinden oder der ganze Kreis, für die das Angebot da ist"),
    )
    service_area_description = models.CharField(_("Einzugsgebiet (Text)"), max_length=500, blank=True)
    source_url = models.URLField(_("Quelle"), blank=True, max_length=500)
    source_date = models.CharField(_("Stand der Quelle"), max_length=20, blank=True)
    review_state = models.CharField(
        _("Freigabe"), max_length=10, choices=ReviewState.choices, default=ReviewState.APPROVED
    )
    search_text = models.TextField(editable=False, blank=True)
    hsds_extra = models.JSONField(default=dict, blank=True, editable=False)
    #: The values the last import of the offers CSV wrote (see offerings/importing.py):
    #: a re-import changes a field only while it still holds that value.
    import_snapshot = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfferingQuerySet.as_manager()

    class Meta:
        verbose_name = _("Angebot")
        verbose_name_plural = _("Angebote")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.review_state == ReviewState.APPROVED and self.status != OfferingStatus.DEFUNCT


class Schedule(models.Model):
    """When an offer is available (HSDS ``schedule``, iCal-style fields)."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="schedules")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    freq = models.CharField(_("Rhythmus"), max_length=10, blank=True, help_text=_("WEEKLY oder MONTHLY"))
    byday = models.CharField(_("Wochentage"), max_length=50, blank=True, help_text=_("z. B. MO,TU,WE"))
    opens_at = models.TimeField(_("von"), null=True, blank=True)
    closes_at = models.TimeField(_("bis"), null=True, blank=True)
    valid_from = models.DateField(_("gültig ab"), null=True, blank=True)
    valid_to = models.DateField(_("gültig bis"), null=True, blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    hsds_extra = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("Zeitplan")
        verbose_name_plural = _("Zeitpläne")

    def __str__(self) -> str:
        return self.description or f"{self.freq} {self.byday}".strip()


_ChangeT = TypeVar("_ChangeT", bound="ProposedChange")


class ChangeState(models.TextChoices):
    PENDING = "pending", _("wartet auf Freigabe")
    APPROVED = "approved", _("übernommen")
    REJECTED = "rejected", _("abgelehnt")


class ProposedChangeQuerySet(models.QuerySet[_ChangeT]):
    def pending(self) -> ProposedChangeQuerySet[_ChangeT]:
        return self.filter(state=ChangeState.PENDING)


class ProposedChange(models.Model):
    """A Träger's proposed edit waiting for a planner (shared fields of the proposals).

    ``data`` holds only the changed values in JSON form (primitive values,
    primary keys for relations); the record it concerns, and so every public
    page that shows it, is unchanged until a planner approves.
    """

    data = models.JSONField(_("vorgeschlagene Werte"))
    state = models.CharField(_("Status"), max_length=10, choices=ChangeState.choices, default=ChangeState.PENDING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("von")
    )
    submitted_at = models.DateTimeField(_("eingereicht am"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entschieden von"),
    )
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    decision_note = models.TextField(_("Begründung"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-submitted_at"]


class OfferingChange(ProposedChange):
    """A proposed edit of a public offer (fields, Handlungsfelder, Zeitpläne …)."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="changes")

    objects = ProposedChangeQuerySet["OfferingChange"].as_manager()

    class Meta(ProposedChange.Meta):
        verbose_name = _("Änderungsvorschlag")
        verbose_name_plural = _("Änderungsvorschläge")

    def __str__(self) -> str:
        return f"{self.offering} ({self.get_state_display()})"


class SiteChange(ProposedChange):
    """A proposed edit of a Standort that serves a published offer.

    ``data`` gives the Träger and the Gemeinde as primary keys and coordinates
    in decimal degrees; the Gemeinde is resolved again from the coordinates on
    approval.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="changes", verbose_name=_("Standort"))

    objects = ProposedChangeQuerySet["SiteChange"].as_manager()

    class Meta(ProposedChange.Meta):
        verbose_name = _("Änderungsvorschlag zu einem Standort")
        verbose_name_plural = _("Änderungsvorschläge zu Standorten")

    def __str__(self) -> str:
        return f"{self.site} ({self.get_state_display()})"
