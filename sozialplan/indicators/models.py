"""Imported statistics and the indicator catalogue.

A :class:`Dataset` is one statistical table (identified by its table code,
e.g. ``12411-02-03-5-B``), official, estimated by us, or projected.
An :class:`Observation` is one number of it for one region, measure, period
and breakdown (sex, age band, other breakdown, projection variant).

Several datasets may hold a number for the same key (e.g. our age estimate
for a Gemeinde and, later, an official Gemeinde table). Readers pick by
precedence: official before projection before estimate, then the most
recently imported (:meth:`ObservationQuerySet.preferred`). So an imported
official table replaces an estimate without deleting it, and removing the
official table brings the estimate back.

Statistical symbols are kept in ``flag`` (see
:data:`sozialplan.sources.statistics.SYMBOLS`); ``value`` is ``None`` where the
symbol carries no number.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sozialplan.sources.statistics import AGE_OPEN, SYMBOLS


class DatasetKind(models.TextChoices):
    OFFICIAL = "official", _("amtliche Statistik")
    ESTIMATE = "estimate", _("Schätzung")
    PROJECTION = "projection", _("Vorausberechnung")


#: Lower number = preferred when two datasets hold the same key.
KIND_PRECEDENCE = {DatasetKind.OFFICIAL: 0, DatasetKind.PROJECTION: 1, DatasetKind.ESTIMATE: 2}


class DatasetFormat(models.TextChoices):
    GENESIS_FFCSV = "genesis-ffcsv", _("GENESIS Flat-File-CSV")
    GENESIS_CLASSIC = "genesis-classic", _("GENESIS/Regionalstatistik CSV")
    GENESIS_XLSX = "genesis-xlsx", _("GENESIS/Regionalstatistik XLSX")
    ZENSUS_GRID = "zensus-grid", _("Zensus-Gitter (1 km)")
    PROJECTION_CSV = "projection-csv", _("Bevölkerungsvorausberechnung (CSV)")
    COMPUTED = "computed", _("berechnet")


class Dataset(models.Model):
    """One imported (or computed) statistical table."""

    code = models.CharField(_("Tabellencode"), max_length=60, unique=True)
    title = models.CharField(_("Titel"), max_length=300)
    kind = models.CharField(_("Art"), max_length=16, choices=DatasetKind.choices, default=DatasetKind.OFFICIAL)
    format = models.CharField(_("Format"), max_length=20, choices=DatasetFormat.choices)
    source = models.CharField(_("Quelle"), max_length=300, blank=True)
    licence = models.CharField(_("Lizenz"), max_length=200, blank=True)
    method = models.TextField(
        _("Methode"), blank=True, help_text=_("Bei Schätzungen und Vorausberechnungen: Verfahren und Annahmen.")
    )
    vintage = models.CharField(
        _("Datenstand"), max_length=200, blank=True, help_text=_("z. B. „Stichtag 31.12.2018, Gebietsstand 2023“")
    )
    file_name = models.CharField(_("Datei"), max_length=255, blank=True)
    sha256 = models.CharField(_("Prüfsumme"), max_length=64, blank=True)
    imported_at = models.DateTimeField(_("importiert am"), auto_now=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    observation_count = models.PositiveIntegerField(_("Werte"), default=0)
    unmatched_count = models.PositiveIntegerField(_("nicht zugeordnete Gebiete"), default=0)

    class Meta:
        verbose_name = _("Datensatz")
        verbose_name_plural = _("Datensätze")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def citation(self) -> str:
        """Source line as shown under numbers, e.g. "Statistische Ämter …, 12411-02-03-5-B, dl-de/by-2-0"."""
        parts = [p for p in (self.source, self.code, self.licence) if p]
        return ", ".join(parts)


class ObservationQuerySet(models.QuerySet["Observation"]):
    def preferred(self) -> list[Observation]:
        """The observations with, per key, only the one of the preferred dataset.

        Key = (region, measure, sex, age band, breakdown, variant, period).
        Precedence: official < projection < estimate, then newest import.
        Evaluates the queryset.
        """
        best: dict[tuple[object, ...], Observation] = {}
        rank: dict[tuple[object, ...], tuple[int, float]] = {}
        for obs in self.select_related("dataset"):
            key = obs.key
            r = (KIND_PRECEDENCE.get(DatasetKind(obs.dataset.kind), 9), -obs.dataset.imported_at.timestamp())
            if key not in rank or r < rank[key]:
                best[key], rank[key] = obs, r
        return list(best.values())


class Observation(models.Model):
    """One number of a dataset: region × measure × period × breakdown."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="observations")
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="observations")
    measure = models.CharField(_("Merkmal"), max_length=40)
    period = models.DateField(_("Stichtag"))
    sex = models.CharField(_("Geschlecht"), max_length=1, blank=True, default="")
    age_from = models.PositiveSmallIntegerField(_("Alter von"), default=0)
    age_to = models.PositiveSmallIntegerField(_("Alter bis unter"), default=AGE_OPEN)
    breakdown = models.CharField(_("weitere Gliederung"), max_length=200, blank=True, default="")
    variant = models.CharField(_("Variante"), max_length=40, blank=True, default="")
    value = models.FloatField(_("Wert"), null=True, blank=True)
    flag = models.CharField(
        _("Zeichen"), max_length=3, blank=True, default="", choices=[("", "")] + [(k, v) for k, v in SYMBOLS.items()]
    )

    objects = ObservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Wert")
        verbose_name_plural = _("Werte")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "region", "measure", "period", "sex", "age_from", "age_to", "breakdown", "variant"],
                name="observation_unique_key",
            )
        ]
        indexes = [models.Index(fields=["region", "measure", "period"], name="observation_lookup")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.measure} {self.period} = {self.value}{self.flag}"

    @property
    def key(self) -> tuple[object, ...]:
        return (
            self.region_id,
            self.measure,
            self.period,
            self.sex,
            self.age_from,
            self.age_to,
            self.breakdown,
            self.variant,
        )


class RegionKeyMapping(models.Model):
    """A confirmed successor of a region key that no longer exists (Gemeinde merged).

    Counts published for ``old_key`` are added to ``new_region`` when the
    planner confirmed this mapping (in the import preview or the command's
    ``--map``). Only counts (persons, cases) are summed, never ratios.
    """

    old_key = models.CharField(_("alter Schlüssel"), max_length=12, unique=True)
    old_name = models.CharField(_("alter Name"), max_length=200, blank=True)
    new_region = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, related_name="+", verbose_name=_("heute Teil von")
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Schlüsselzuordnung")
        verbose_name_plural = _("Schlüsselzuordnungen")
        ordering = ["old_key"]

    def __str__(self) -> str:
        return f"{self.old_key} → {self.new_region_id}"


class GridCell(models.Model):
    """One populated cell of a Zensus grid (1 km, EPSG:3035) inside a Gemeinde of the database.

    ``x``/``y`` are the EPSG:3035 coordinates in metres of the lower-left corner,
    ``latitude``/``longitude`` the WGS84 centre. The Gemeinde is the one whose
    boundary contains the centre at import time. The five age classes are the
    Zensus 2011 feature ALTER_KURZ (persons, altered for secrecy: small values
    are unreliable); ``total`` is their sum. Cells serve as small-area seeds
    for age estimates and as demand points for reachability analyses.
    """

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="grid_cells")
    cell_id = models.CharField(_("Gitterzelle"), max_length=40)
    x = models.IntegerField(_("Rechtswert (EPSG:3035, m)"))
    y = models.IntegerField(_("Hochwert (EPSG:3035, m)"))
    latitude = models.FloatField(_("Breitengrad Zellmitte"))
    longitude = models.FloatField(_("Längengrad Zellmitte"))
    gemeinde = models.ForeignKey(
        "regions.Region", on_delete=models.SET_NULL, null=True, blank=True, related_name="grid_cells"
    )
    under_18 = models.PositiveIntegerField(_("unter 18 Jahre"))
    age_18_29 = models.PositiveIntegerField(_("18 bis 29 Jahre"))
    age_30_49 = models.PositiveIntegerField(_("30 bis 49 Jahre"))
    age_50_64 = models.PositiveIntegerField(_("50 bis 64 Jahre"))
    age_65_plus = models.PositiveIntegerField(_("65 Jahre und älter"))
    total = models.PositiveIntegerField(_("insgesamt"))

    #: The age-class fields in ALTER_KURZ order with their bands (age_to exclusive).
    CLASS_FIELDS = (
        ("under_18", 0, 18),
        ("age_18_29", 18, 30),
        ("age_30_49", 30, 50),
        ("age_50_64", 50, 65),
        ("age_65_plus", 65, AGE_OPEN),
    )

    class Meta:
        verbose_name = _("Gitterzelle")
        verbose_name_plural = _("Gitterzellen")
        ordering = ["dataset", "cell_id"]
        constraints = [models.UniqueConstraint(fields=["dataset", "cell_id"], name="gridcell_unique_cell")]

    def __str__(self) -> str:
        return f"{self.cell_id} ({self.total})"

    @property
    def counts(self) -> tuple[int, int, int, int, int]:
        """The five class counts in ALTER_KURZ order."""
        return (self.under_18, self.age_18_29, self.age_30_49, self.age_50_64, self.age_65_plus)
