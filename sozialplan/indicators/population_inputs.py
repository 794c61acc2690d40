"""Inputs of the small-area estimate and projection: population totals and the Kreis age structure.

Shared by :mod:`sozialplan.indicators.estimation` and
:mod:`sozialplan.indicators.projection_service`. Everything here reads the
database; the arithmetic lives in :mod:`sozialplan.analysis`.

Totals of the Gemeinden come, in this order, from (1) the preferred official
observations (``BEVSTD``, all ages, both sexes) at the latest date for which
*every* Gemeinde has one, (2) ``Region.census_population`` (Zensus 2022,
15.05.2022), (3) ``Region.population`` (GV100AD, Fortschreibung) at its date.
Sources are never mixed within one set of totals, because Zensus and
Fortschreibung count differently.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sozialplan.indicators.models import DatasetKind, Observation
from sozialplan.regions.models import Region, RegionKind
from sozialplan.sources.statistics import AGE_OPEN, Measure, Sex

ZENSUS_2022_DAY = dt.date(2022, 5, 15)
#: Gemeinde population sums within this relative distance of the Land's count the whole Land.
COVERAGE_TOLERANCE = 0.001

Band = tuple[int, int]

#: Caveat of a Land total summed over today's Gemeinden.
UNMAPPED_NOTE = (
    "; Einwohner von Gemeinden, die nach dem Stichtag aufgelöst und keinem Nachfolger zugeordnet wurden, fehlen "
    "darin (dann sind die Anteile etwas zu hoch; besser den Landeswert importieren, z. B. Zensus 1000A-2022)"
)


class MissingDataError(Exception):
    """Inputs are missing; ``str(error)`` is a German sentence saying what to import first."""


@dataclass(frozen=True)
class PopulationTotals:
    """Total population of regions on one date from one source.

    ``values`` maps region pk → persons; ``source`` is a German label
    (e.g. "Zensus 2022 (1000A-0000)"); ``dataset_code`` is set when the values
    are observations of one dataset (then a trend pair can be looked for).
    """

    period: dt.date
    values: dict[int, float]
    source: str
    kind: str  # "observation", "census" or "register"
    dataset_code: str = ""


@dataclass(frozen=True)
class AgeStructure:
    """A region's population by age band (and sex) on one date.

    ``by_sex`` maps ``""`` (and, when complete, ``"m"`` and ``"w"``) to band →
    persons; ``bands`` tile [0, AGE_OPEN) without gaps.
    """

    period: dt.date
    bands: tuple[Band, ...]
    by_sex: dict[str, dict[Band, float]]
    dataset_code: str

    @property
    def sexes(self) -> tuple[str, ...]:
        """("m", "w") when the table has both sexes for every band, else ("",)."""
        return (Sex.MALE, Sex.FEMALE) if Sex.MALE in self.by_sex and Sex.FEMALE in self.by_sex else (Sex.TOTAL,)


def kreis_region(kreis_key: str) -> Region:
    """The Kreis with this 5-digit key, or ``MissingDataError``."""
    kreis = Region.objects.filter(kind=RegionKind.KREIS, key=kreis_key).first()
    if kreis is None:
        raise MissingDataError(
            f"Den Kreis {kreis_key} gibt es nicht in der Datenbank; bitte zuerst die Gebiete importieren "
            "(sozialplan import-regions)."
        )
    return kreis


def current_gemeinden(kreis_key: str) -> list[Region]:
    """The Gemeinden of the Kreis valid today, by key; ``MissingDataError`` if there are none."""
    gemeinden = list(Region.objects.gemeinden().in_kreis(kreis_key).valid_on().order_by("key"))
    if not gemeinden:
        raise MissingDataError(f"Der Kreis {kreis_key} hat keine Gemeinden in der Datenbank.")
    return gemeinden


def _total_observations(region_ids: Sequence[int]) -> list[Observation]:
    return Observation.objects.filter(
        region_id__in=region_ids,
        measure=Measure.POPULATION,
        sex=Sex.TOTAL,
        age_from=0,
        age_to=AGE_OPEN,
        breakdown="",
        variant="",
        value__isnull=False,
        dataset__kind=DatasetKind.OFFICIAL,
    ).preferred()


def gemeinde_totals(gemeinden: Sequence[Region], *, before: dt.date | None = None) -> PopulationTotals:
    """The latest totals that exist for every one of ``gemeinden`` (see module docstring for the order).

    ``before`` restricts observations to periods strictly before that date
    (used to look for an earlier date of the same statistic).
    ``MissingDataError`` (German) if no source covers all of them.
    """
    ids = [g.pk for g in gemeinden]
    by_period: dict[dt.date, dict[int, Observation]] = defaultdict(dict)
    for obs in _total_observations(ids):
        if before is None or obs.period < before:
            by_period[obs.period][obs.region_id] = obs
    for period in sorted(by_period, reverse=True):
        found = by_period[period]
        if len(found) == len(ids):
            codes = sorted({o.dataset.code for o in found.values()})
            return PopulationTotals(
                period=period,
                values={pk: float(o.value or 0.0) for pk, o in found.items()},
                source=", ".join(codes),
                kind="observation",
                dataset_code=codes[0] if len(codes) == 1 else "",
            )
    if before is None and all(g.census_population is not None for g in gemeinden):
        return PopulationTotals(
            period=ZENSUS_2022_DAY,
            values={g.pk: float(g.census_population or 0) for g in gemeinden},
            source="Zensus 2022 (Einwohner im Gebietsverzeichnis)",
            kind="census",
        )
    dates = {g.population_date for g in gemeinden}
    if before is None and all(g.population is not None for g in gemeinden) and len(dates) == 1:
        (day,) = dates
        if day is not None:
            return PopulationTotals(
                period=day,
                values={g.pk: float(g.population or 0) for g in gemeinden},
                source=gemeinden[0].population_source or "Gemeindeverzeichnis (GV100AD)",
                kind="register",
            )
    raise MissingDataError(
        "Es fehlen Einwohnerzahlen der Gemeinden (an einem gemeinsamen Stichtag); bitte zuerst den Zensus 2022 "
        "(1000A-0000) oder eine Gemeindetabelle der Bevölkerung importieren."
    )


def land_total(land: Region, totals: PopulationTotals) -> tuple[float, str] | None:
    """The Land's population on ``totals.period`` from a comparable source, with a German label.

    First the Land's own official observation on that date; else the sum over
    all Gemeinden of the Land, if the database holds the whole Land (their
    GV100AD populations add up to the Land's within 0.1 %) and each has a
    value from the same kind of source. ``None`` if neither exists.
    """
    for obs in _total_observations([land.pk]):
        if obs.period == totals.period:
            return float(obs.value or 0.0), f"Landeswert {obs.dataset.code}"
    gemeinden = list(Region.objects.gemeinden().filter(key__startswith=land.key).valid_on())
    registered = [g.population for g in gemeinden]
    if not land.population or not gemeinden or any(p is None for p in registered):
        return None
    if abs(sum(p or 0 for p in registered) - land.population) > COVERAGE_TOLERANCE * land.population:
        return None
    if totals.kind == "census":
        values = [g.census_population for g in gemeinden]
        if any(v is None for v in values):
            return None
        return float(sum(v or 0 for v in values)), f"Summe der {len(values)} Gemeinden, Zensus 2022{UNMAPPED_NOTE}"
    if totals.kind == "register":
        return float(land.population), land.population_source or "Gemeindeverzeichnis"
    found = {
        o.region_id: float(o.value or 0.0)
        for o in _total_observations([g.pk for g in gemeinden])
        if o.period == totals.period and (not totals.dataset_code or o.dataset.code == totals.dataset_code)
    }
    if len(found) != len(gemeinden):
        return None
    return sum(found.values()), f"Summe der {len(found)} Gemeinden, {totals.source}{UNMAPPED_NOTE}"


def kreis_age_structure(kreis: Region, *, nesting: Sequence[int] = (18, 30, 50, 65)) -> AgeStructure:
    """The Kreis's latest official age bands (``BEVSTD``) whose boundaries include ``nesting``.

    Uses the preferred official observations without variant or other
    breakdown, the finest tiling of [0, AGE_OPEN) on the latest date that has
    one containing every age in ``nesting`` (the ALTER_KURZ class limits),
    e.g. the 17 groups of 12411-02-03-5-B on 31.12.2018. Sexes are used when
    both "m" and "w" have the same tiling. ``MissingDataError`` (German) if none.
    """
    observations = Observation.objects.filter(
        region=kreis,
        measure=Measure.POPULATION,
        breakdown="",
        variant="",
        value__isnull=False,
        dataset__kind=DatasetKind.OFFICIAL,
    ).preferred()
    table: dict[dt.date, dict[str, dict[Band, Observation]]] = defaultdict(lambda: defaultdict(dict))
    for obs in observations:
        if (obs.age_from, obs.age_to) != (0, AGE_OPEN):
            table[obs.period][obs.sex][(obs.age_from, obs.age_to)] = obs
    for period in sorted(table, reverse=True):
        total = table[period].get(Sex.TOTAL, {})
        bands = finest_tiling(list(total))
        if bands is None or not set(nesting) <= {b[0] for b in bands}:
            continue
        by_sex = {Sex.TOTAL: {b: float(total[b].value or 0.0) for b in bands}}
        for sex in (Sex.MALE, Sex.FEMALE):
            part = table[period].get(sex, {})
            if all(b in part for b in bands):
                by_sex[sex] = {b: float(part[b].value or 0.0) for b in bands}
        codes = sorted({total[b].dataset.code for b in bands})
        return AgeStructure(period=period, bands=tuple(bands), by_sex=by_sex, dataset_code=", ".join(codes))
    raise MissingDataError(
        f"Für {kreis.name} ({kreis.key}) fehlt eine amtliche Tabelle der Bevölkerung nach Altersgruppen; bitte "
        "zuerst z. B. 12411-02-03-5-B (17 Altersgruppen, Kreise) importieren."
    )


def finest_tiling(bands: Sequence[Band]) -> list[Band] | None:
    """The tiling of [0, AGE_OPEN) with the most bands from ``bands``, or ``None`` if there is none."""
    starts: dict[int, list[int]] = defaultdict(list)
    for lower, upper in bands:
        if lower < upper:
            starts[lower].append(upper)
    best: dict[int, list[Band] | None] = {AGE_OPEN: []}

    def walk(start: int) -> list[Band] | None:
        if start in best:
            return best[start]
        found: list[Band] | None = None
        for upper in starts.get(start, []):
            rest = walk(upper)
            if rest is not None and (found is None or len(rest) + 1 > len(found)):
                found = [(start, upper), *rest]
        best[start] = found
        return found

    return walk(0)


def decimal_year(day: dt.date) -> float:
    """Year as a number with 31.12.Y = Y (so the projection dates are whole years); 15.05.2022 ≈ 2021.37."""
    days = 366 if (day.year % 4 == 0 and day.year % 100 != 0) or day.year % 400 == 0 else 365
    return day.year - 1 + day.timetuple().tm_yday / days
