"""Population projection per Gemeinde, calibrated on the official Land projection (see docs/small-area-methods.md).

Share method: each Gemeinde keeps its share of the Land's population at the
base date (the latest official Gemeinde totals, e.g. Zensus 15.05.2022), or
moves it along a dampened trend if the same statistic exists for an earlier
date, and the shares are applied to the Land's official projection (Destatis
12421-0003, e.g. variant G2L2W1) for 31.12. of every year up to the horizon.
The Kreis is the sum of its Gemeinden. The Gemeinden of the whole Land add up
exactly to the Land projection.

Cohort-change ratios (:func:`sozialplan.analysis.projection.cohort_change_ratios`)
need age groups per Gemeinde at two dates and an age-specific projection of
the Land; neither is in our data, so the projection is of totals only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from sozialplan.analysis.projection import DAMPING, share_projection, share_trend
from sozialplan.indicators.models import Dataset, DatasetFormat, DatasetKind, Observation
from sozialplan.indicators.population_inputs import (
    MissingDataError,
    PopulationTotals,
    current_gemeinden,
    decimal_year,
    gemeinde_totals,
    kreis_region,
    land_total,
)
from sozialplan.regions.models import Region, RegionKind
from sozialplan.sources.statistics import AGE_OPEN, Measure, Sex

#: A trend needs two dates of the same statistic at least this many years apart.
MIN_TREND_YEARS = 2
PROJECTION_CODE = "12421-0003"


def land_projection(land: Region, variant: str) -> dict[int, float]:
    """The Land's projected population on 31.12. per year (preferred observations of ``variant``)."""
    observations = Observation.objects.filter(
        region=land,
        measure=Measure.POPULATION,
        sex=Sex.TOTAL,
        age_from=0,
        age_to=AGE_OPEN,
        breakdown="",
        variant=variant,
        value__isnull=False,
    ).preferred()
    return {o.period.year: float(o.value or 0.0) for o in observations if (o.period.month, o.period.day) == (12, 31)}


def _trend(
    gemeinden: Sequence[Region], land: Region, base: PopulationTotals, base_land: float
) -> tuple[dict[str, float] | None, str]:
    """Annual share changes from an earlier date of the same statistic, with a German note; (None, why) if none."""
    constant = (
        "Die Anteile bleiben daher konstant. Die Einwohnerzahl des Gemeindeverzeichnisses zum 31.12.2022 "
        "(Fortschreibung auf Basis des Zensus 2011) und der Zensus 2022 (15.05.2022) sind verschiedene Verfahren "
        "und ergeben keinen gültigen Trend."
    )
    earlier: PopulationTotals | None = None
    if base.kind == "observation" and base.dataset_code:
        limit = dt.date(base.period.year - MIN_TREND_YEARS, base.period.month, min(base.period.day, 28))
        try:
            earlier = gemeinde_totals(gemeinden, before=limit + dt.timedelta(days=1))
        except MissingDataError:
            earlier = None
    if earlier is None or earlier.dataset_code != base.dataset_code:
        return None, (
            f"Es gibt keinen früheren Stichtag derselben Statistik ({base.source}) mit mindestens "
            f"{MIN_TREND_YEARS} Jahren Abstand. {constant}"
        )
    earlier_land = land_total(land, earlier)
    if earlier_land is None:
        return None, f"Für den {earlier.period:%d.%m.%Y} fehlt die Landessumme; die Anteile bleiben konstant."
    years = decimal_year(base.period) - decimal_year(earlier.period)
    trend = share_trend(
        {str(pk): v for pk, v in earlier.values.items()},
        earlier_land[0],
        {str(pk): v for pk, v in base.values.items()},
        base_land,
        years,
    )
    return trend, (
        f"Trend der Anteile zwischen {earlier.period:%d.%m.%Y} und {base.period:%d.%m.%Y} ({base.source}), "
        f"jährlich gedämpft mit dem Faktor {DAMPING:g}."
    )


@transaction.atomic
def project_gemeinden(
    kreis_key: str, *, years: Sequence[int] | None = None, variant: str = "G2L2W1", user: AbstractBaseUser | None = None
) -> Dataset:
    """Project every Gemeinde of the Kreis and the Kreis (their sum) for 31.12. of each year to the horizon.

    Stores one value per year from the base year to ``max(years)``
    (``settings.PROJECTION_YEARS`` by default) as dataset
    ``vorausberechnung-gemeinden-<kreis>-<variant>`` (kind projection);
    idempotent. ``MissingDataError`` (German) if the Land projection, the
    Gemeinde totals or the Land total at the base date are missing.
    """
    horizon = sorted(years if years is not None else settings.PROJECTION_YEARS)
    if not horizon:
        raise MissingDataError("Es ist kein Zieljahr angegeben.")
    kreis = kreis_region(kreis_key)
    land = Region.objects.filter(kind=RegionKind.LAND, key=kreis_key[:2]).first()
    if land is None:
        raise MissingDataError(f"Das Land {kreis_key[:2]} fehlt in der Datenbank; bitte die Gebiete importieren.")
    gemeinden = current_gemeinden(kreis_key)
    targets = land_projection(land, variant)
    if not targets:
        raise MissingDataError(
            f"Für {land.name} fehlt die Bevölkerungsvorausberechnung (Variante {variant}); bitte zuerst "
            "12421-0003 importieren (sozialplan import-statistics data/statistics/12421-0003_laender_2022-2070.csv)."
        )
    base = gemeinde_totals(gemeinden)
    wanted = list(range(max(base.period.year, min(targets)), horizon[-1] + 1))
    missing = [y for y in wanted if y not in targets]
    if missing or horizon[0] < base.period.year:
        shown = missing or [horizon[0]]
        raise MissingDataError(
            f"Die Vorausberechnung für {land.name} (Variante {variant}) reicht nicht für "
            f"{', '.join(str(y) for y in shown)}: sie umfasst {min(targets)} bis {max(targets)}, "
            f"der Basisstichtag ist der {base.period:%d.%m.%Y}."
        )
    found = land_total(land, base)
    if found is None:
        raise MissingDataError(
            f"Die Einwohnerzahl von {land.name} am {base.period:%d.%m.%Y} fehlt (weder als Landeswert noch als Summe "
            "aller Gemeinden des Landes); bitte den Landeswert (z. B. Zensus 2022, 1000A-2022) oder alle Gemeinden "
            "des Landes importieren."
        )
    base_land, land_source = found
    trend, trend_note = _trend(gemeinden, land, base, base_land)
    projected = share_projection(
        {str(g.pk): base.values[g.pk] for g in gemeinden},
        base_land,
        {y: targets[y] for y in wanted},
        trend=trend,
        base_year=decimal_year(base.period),
    )
    dataset, _ = Dataset.objects.update_or_create(
        code=f"vorausberechnung-gemeinden-{kreis_key}-{variant}",
        defaults={
            "title": f"Bevölkerungsvorausberechnung je Gemeinde, {kreis.name}, Variante {variant}",
            "kind": DatasetKind.PROJECTION,
            "format": DatasetFormat.COMPUTED,
            "source": f"eigene Berechnung (sozialplan) aus Destatis {PROJECTION_CODE} und {base.source}",
            "licence": "dl-de/by-2-0 (Quelldaten)",
            "method": method_text(variant, base, land_source, trend_note, land.name, trend=trend is not None),
            "vintage": f"Basis {base.period:%d.%m.%Y}, Vorausberechnung {PROJECTION_CODE} (Basis 31.12.2022)",
            "imported_by": user if user is not None and user.is_authenticated else None,
        },
    )
    dataset.observations.all().delete()
    observations: list[Observation] = []
    for year, parts in projected.items():
        period = dt.date(year, 12, 31)
        for gemeinde in gemeinden:
            observations.append(_observation(dataset, gemeinde, period, variant, parts[str(gemeinde.pk)]))
        observations.append(_observation(dataset, kreis, period, variant, sum(parts.values())))
    Observation.objects.bulk_create(observations, batch_size=1000)
    dataset.observation_count = len(observations)
    dataset.save(update_fields=["observation_count"])
    return dataset


def _observation(dataset: Dataset, region: Region, period: dt.date, variant: str, value: float) -> Observation:
    return Observation(
        dataset=dataset, region=region, measure=Measure.POPULATION, period=period, variant=variant, value=value
    )


def method_text(
    variant: str, base: PopulationTotals, land_source: str, trend_note: str, land_name: str, *, trend: bool
) -> str:
    """The German method description stored with the projection."""
    assumption = (
        "Annahmen: Die Anteile der Gemeinden verschieben sich entlang ihres bisherigen Trends, der jährlich "
        "schwächer wird; "
        if trend
        else "Annahmen: Jede Gemeinde entwickelt sich wie das Land (konstanter Anteil); "
    )
    return (
        f"Anteilsmethode: Jede Gemeinde behält ihren Anteil an der Bevölkerung von {land_name} am "
        f"{base.period:%d.%m.%Y} ({base.source}; Landessumme: {land_source}); die Anteile werden auf die "
        f"Landeswerte angewandt und sind kalibriert auf die 15. koordinierte Bevölkerungsvorausberechnung "
        f"(Destatis {PROJECTION_CODE}), Variante {variant}, Stichtag jeweils 31.12. {trend_note} "
        "Der Kreis ist die Summe seiner Gemeinden; alle Gemeinden des Landes zusammen ergeben genau die "
        "Landesvorausberechnung. "
        f"{assumption}Geburten, Sterbefälle und Wanderungen werden nicht je Gemeinde modelliert. "
        f"Hinweis: Die Landesvorausberechnung beginnt mit der Fortschreibung zum 31.12.2022 (Basis Zensus 2011), "
        f"unsere Basis ist der {base.period:%d.%m.%Y}; deshalb werden Anteile übertragen, nicht Niveaus. "
        "Eine Vorausberechnung nach Altersgruppen (Kohorten-Veränderungsraten nach Hamilton–Perry) braucht "
        "Altersgruppen je Gemeinde zu zwei Stichtagen und eine altersgegliederte Landesvorausberechnung; "
        "beides liegt nicht vor."
    )
