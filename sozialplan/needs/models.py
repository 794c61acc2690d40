"""Bedarfsanalyse: road networks, analysis runs, their results per area and the gap register.

A run (:class:`AnalysisRun`) computes, for one district, the travel matrix
between demand points (Zensus grid cells or Gemeinde centres) and supply
points (published offers at their sites), the reachability and coverage per
area, Handlungsfeld, Zielgruppe and mode (:class:`AreaResult`), and the
candidate gaps (:class:`Gap`). Runs are computed by a background task
(``tasks.py``) or the ``compute-needs`` command, never inside a request.
The planner's decisions on gaps survive recomputation: a gap is identified
by district, kind, area, Handlungsfeld, Zielgruppe and mode.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sozialplan.catalog.models import ActionField, TargetGroup
from sozialplan.regions.models import District, PlanningArea, Region


class TravelMethod(models.TextChoices):
    STRAIGHT = "straight", _("Luftlinie mit Umwegfaktor")
    NETWORK = "network", _("Straßennetz (OpenStreetMap)")


class Mode(models.TextChoices):
    WALK = "walk", _("zu Fuß")
    CAR = "car", _("mit dem Auto")


class AreaLevel(models.TextChoices):
    GEMEINDE = "gemeinde", _("Gemeinde")
    PLANNING_AREA = "planungsraum", _("Planungsraum")
    KREIS = "kreis", _("Landkreis")


class RoadNetwork(models.Model):
    """A road network loaded from OpenStreetMap data for one district (``import-roads``).

    ``graph`` holds the network as compressed NumPy arrays (see
    :func:`sozialplan.analysis.network.graph_to_bytes`): node positions in
    WGS84, edges with length in metres and travel time in seconds per mode.
    ``report`` says what the import found and repaired (components, links
    added across small gaps, ways without usable tags) in German sentences
    and numbers. Only the newest active network of a district is used.
    """

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="road_networks")
    name = models.CharField(_("Name"), max_length=200)
    source_name = models.CharField(_("Datei"), max_length=300)
    source_format = models.CharField(_("Format"), max_length=20)
    licence = models.CharField(_("Lizenz"), max_length=200, default="ODbL, © OpenStreetMap-Mitwirkende")
    data_date = models.CharField(_("Datenstand"), max_length=40, blank=True)
    imported_at = models.DateTimeField(_("importiert am"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    node_count = models.PositiveIntegerField(_("Knoten"), default=0)
    edge_count = models.PositiveIntegerField(_("Kanten"), default=0)
    bbox = models.JSONField(_("Ausdehnung (WGS84: West, Süd, Ost, Nord)"), default=list)
    report = models.JSONField(_("Prüfbericht"), default=dict)
    graph = models.BinaryField(editable=False)
    is_active = models.BooleanField(_("in Gebrauch"), default=True)

    class Meta:
        verbose_name = _("Straßennetz")
        verbose_name_plural = _("Straßennetze")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.name


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("wartet")
    RUNNING = "running", _("läuft")
    DONE = "done", _("fertig")
    FAILED = "failed", _("fehlgeschlagen")


def _stale(now: datetime | None) -> models.Q:
    cutoff = (now or timezone.now()) - timedelta(minutes=int(settings.NEEDS_RUN_TIMEOUT))
    return (
        models.Q(status=RunStatus.QUEUED, requested_at__lt=cutoff)
        | models.Q(status=RunStatus.RUNNING, started_at__lt=cutoff)
        | models.Q(status=RunStatus.RUNNING, started_at__isnull=True, requested_at__lt=cutoff)
    )


class AnalysisRunQuerySet(models.QuerySet["AnalysisRun"]):
    def for_district(self, district: District) -> AnalysisRunQuerySet:
        return self.filter(district=district)

    def pending(self) -> AnalysisRunQuerySet:
        """Runs that are waiting or running (at most one per district is enqueued)."""
        return self.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING])

    def stale(self, now: datetime | None = None) -> AnalysisRunQuerySet:
        """Pending runs without a result for longer than ``settings.NEEDS_RUN_TIMEOUT`` minutes.

        A queued run counts from its request (no worker took it: the enqueueing
        failed or no worker runs), a running one from its start (its worker
        died); a running run without a start time from its request.
        """
        return self.filter(_stale(now))

    def live(self, now: datetime | None = None) -> AnalysisRunQuerySet:
        """Pending runs that are not :meth:`stale`: the ones a page waits for and a request reuses."""
        return self.pending().exclude(_stale(now))

    def current(self, district: District) -> AnalysisRun | None:
        """The district's newest finished run: the one every page shows."""
        return self.filter(district=district, status=RunStatus.DONE).order_by("-finished_at", "-pk").first()


class AnalysisRun(models.Model):
    """One computation of the Bedarfsanalyse of a district.

    ``parameters`` are the settings used (thresholds in minutes, speeds in
    km/h, detour factor, catchment and decay, gap rule); ``method_note`` is
    the German sentence shown with every result ("Luftlinie × 1,3 …, kein
    Straßennetz geladen"). ``points`` and ``supply`` list the demand and
    supply points (JSON); ``matrix`` holds the travel matrix as compressed
    NumPy arrays (metres and minutes per mode, demand × supply), so pages can
    filter by offer type without a new run. ``notes`` are German warnings
    (points not on the network, offers without a position).
    """

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="needs_runs")
    status = models.CharField(_("Status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("Fortschritt (%)"), default=0)
    progress_text = models.CharField(_("Schritt"), max_length=200, blank=True)
    reason = models.CharField(_("Anlass"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("angefordert am"), auto_now_add=True)
    started_at = models.DateTimeField(_("begonnen am"), null=True, blank=True)
    finished_at = models.DateTimeField(_("beendet am"), null=True, blank=True)
    method = models.CharField(_("Wegemethode"), max_length=10, choices=TravelMethod.choices, blank=True)
    network = models.ForeignKey(
        RoadNetwork,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="runs",
        verbose_name=_("Straßennetz"),
    )
    method_note = models.TextField(_("Methode"), blank=True)
    parameters = models.JSONField(_("Parameter"), default=dict)
    demand_note = models.TextField(_("Bevölkerungsgrundlage"), blank=True)
    points = models.JSONField(_("Nachfragepunkte"), default=list, editable=False)
    supply = models.JSONField(_("Angebotspunkte"), default=list, editable=False)
    matrix = models.BinaryField(null=True, editable=False)
    notes = models.JSONField(_("Hinweise"), default=list)
    error = models.TextField(_("Fehler"), blank=True)

    objects = AnalysisRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("Berechnung der Bedarfsanalyse")
        verbose_name_plural = _("Berechnungen der Bedarfsanalyse")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.district} {self.requested_at:%d.%m.%Y %H:%M} ({self.get_status_display()})"


class AreaResult(models.Model):
    """Reachability and coverage of one category in one area for one mode, from one run.

    A category is a Handlungsfeld with a Zielgruppe. ``population`` is the
    Zielgruppe's persons in the area; ``reached`` maps a threshold in minutes
    (as string, e.g. ``"15"``) to persons reaching at least one offer within
    it, ``shares`` the same as a share 0–1. Distances in metres and times in
    minutes are population-weighted means of the nearest offer (``None`` when
    there is no reachable offer at all). ``offers_per_1000`` counts offers with
    a site in the area per 1,000 persons of the Zielgruppe; ``fca_ratio`` is
    the population-weighted mean two-step floating catchment ratio (supply
    units per 1,000 persons, ``supply_unit`` says whether offers or places).
    """

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="area_results")
    level = models.CharField(_("Ebene"), max_length=12, choices=AreaLevel.choices)
    area_key = models.CharField(_("Gebietsschlüssel"), max_length=20)
    area_name = models.CharField(_("Gebiet"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    planning_area = models.ForeignKey(PlanningArea, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    action_field = models.ForeignKey(ActionField, on_delete=models.CASCADE, related_name="+")
    target_group = models.ForeignKey(TargetGroup, on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(_("Verkehrsmittel"), max_length=8, choices=Mode.choices)
    population = models.FloatField(_("Personen der Zielgruppe"))
    nearest_m = models.FloatField(_("Entfernung zum nächsten Angebot (m, Mittel)"), null=True, blank=True)
    nearest_min = models.FloatField(_("Zeit zum nächsten Angebot (Minuten, Mittel)"), null=True, blank=True)
    reached = models.JSONField(_("erreichte Personen je Schwelle"), default=dict)
    shares = models.JSONField(_("Anteile je Schwelle"), default=dict)
    offers_in_area = models.PositiveIntegerField(_("Angebote im Gebiet"), default=0)
    offers_per_1000 = models.FloatField(_("Angebote je 1.000"), null=True, blank=True)
    fca_ratio = models.FloatField(_("2SFCA-Versorgungsquote je 1.000"), null=True, blank=True)
    supply_unit = models.CharField(_("Einheit des Angebots"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("Ergebnis je Gebiet")
        verbose_name_plural = _("Ergebnisse je Gebiet")
        indexes = [models.Index(fields=["run", "action_field", "target_group", "mode", "level"])]

    def __str__(self) -> str:
        return f"{self.area_name}: HF {self.action_field_id} / {self.target_group_id} ({self.mode})"


class GapKind(models.TextChoices):
    REACH = "reach", _("Erreichbarkeit")
    COVERAGE = "coverage", _("Versorgung")


class GapStatus(models.TextChoices):
    OPEN = "open", _("offen")
    CONFIRMED = "confirmed", _("bestätigt")
    DISMISSED = "dismissed", _("verworfen")


class GapQuerySet(models.QuerySet["Gap"]):
    def for_district(self, district: District) -> GapQuerySet:
        return self.filter(district=district)

    def current(self) -> GapQuerySet:
        """Gaps the newest run still computes."""
        return self.filter(is_current=True)

    def confirmed(self) -> GapQuerySet:
        """Confirmed gaps: what goals and measures link to."""
        return self.filter(status=GapStatus.CONFIRMED)

    def ranked(self) -> GapQuerySet:
        return self.order_by("-is_current", "-severity", "area_name", "pk")


class Gap(models.Model):
    """A candidate gap of the offering structure, computed by a run, decided by a planner.

    ``severity`` = ``people_affected`` × ``shortfall`` × ``pressure``
    (docs/needs-analysis.md): persons of the Zielgruppe concerned, the
    shortfall 0–1, and the demographic pressure ≥ 1 (projected growth of
    the Zielgruppe). ``evidence`` holds the numbers the sentence cites and
    more (thresholds, shares, coverage, indicators, method). ``sentence`` is
    one German sentence that explains the gap. When a later run no longer
    computes the gap, ``is_current`` becomes False; decisions are kept.
    """

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="gaps")
    kind = models.CharField(_("Art"), max_length=10, choices=GapKind.choices)
    area_key = models.CharField(_("Gebietsschlüssel"), max_length=20)
    area_name = models.CharField(_("Gebiet"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    planning_area = models.ForeignKey(PlanningArea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action_field = models.ForeignKey(ActionField, on_delete=models.PROTECT, related_name="+")
    target_group = models.ForeignKey(TargetGroup, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("Verkehrsmittel"), max_length=8, choices=Mode.choices)
    severity = models.FloatField(_("Schweregrad"))
    people_affected = models.FloatField(_("betroffene Personen"))
    shortfall = models.FloatField(_("Unterversorgung (0–1)"))
    pressure = models.FloatField(_("demografischer Druck (≥ 1)"))
    evidence = models.JSONField(_("Belege"), default=dict)
    sentence = models.TextField(_("Begründung"))
    method_note = models.TextField(_("Methode"), blank=True)
    run = models.ForeignKey(AnalysisRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="gaps")
    is_current = models.BooleanField(_("aktuell berechnet"), default=True)
    first_found_at = models.DateTimeField(_("zuerst gefunden am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("zuletzt berechnet am"), auto_now=True)
    status = models.CharField(_("Status"), max_length=10, choices=GapStatus.choices, default=GapStatus.OPEN)
    reason = models.TextField(_("Begründung der Entscheidung"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)

    objects = GapQuerySet.as_manager()

    class Meta:
        verbose_name = _("Lücke")
        verbose_name_plural = _("Lücken")
        ordering = ["-severity", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "kind", "area_key", "action_field", "target_group", "mode"],
                name="needs_gap_identity",
            )
        ]

    def __str__(self) -> str:
        return self.sentence


class GapComment(models.Model):
    """A planner's comment on a gap (the decision history is in the audit trail)."""

    gap = models.ForeignKey(Gap, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("Kommentar"), max_length=5000)
    created_at = models.DateTimeField(_("geschrieben am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Kommentar zu einer Lücke")
        verbose_name_plural = _("Kommentare zu Lücken")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]
