"""The gap register: candidate gaps per Gemeinde and category, their evidence, sentence and persistence.

Rules (settings, documented in docs/needs-analysis.md), evaluated for every
Gemeinde × category in the mode ``NEEDS_GAP_MODE``:

* **reach**: fewer than ``NEEDS_GAP_MIN_SHARE`` of the Zielgruppe reach an
  offer within ``NEEDS_GAP_MINUTES``. People affected and shortfall from
  :func:`sozialplan.analysis.gaps.reach_shortfall`.
* **coverage**: the Gemeinde's 2SFCA ratio is below
  ``NEEDS_COVERAGE_MIN_RATIO`` × the Kreis's ratio. Shortfall
  :func:`~sozialplan.analysis.gaps.coverage_shortfall` against the Kreis
  ratio; people = the Zielgruppe's persons in the Gemeinde.

Severity = people × shortfall × pressure (:mod:`sozialplan.analysis.gaps`).
The pressure is the projected change of the Zielgruppe in the Gemeinde from
the latest projected year up to today to ``NEEDS_PRESSURE_YEAR``
(:func:`pressures`): the Gemeinde's projected total ratio, times the Land's
ratio of the Zielgruppe's share when the Land projection has age groups
(12421-0003 as imported here has totals only; the evidence says which), and
1 when there is no projection.

:func:`store_gaps` upserts by the gap identity (district, kind, Gemeinde,
HF, Zielgruppe, mode): computed fields are replaced, the planner's status,
reason and comments are kept, and gaps a run no longer finds get
``is_current = False``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sozialplan.analysis import gaps
from sozialplan.analysis.ages import compose_band
from sozialplan.analysis.formula import Variable
from sozialplan.catalog.models import ActionField, TargetGroup
from sozialplan.indicators.numbers import format_number
from sozialplan.indicators.population_inputs import finest_tiling
from sozialplan.indicators.store import ObservationStore
from sozialplan.needs.categories import DEMAND_GROUPS
from sozialplan.needs.models import AnalysisRun, AreaLevel, Gap, GapKind, Mode
from sozialplan.needs.results import AreaRow, CategoryArrays, RunData
from sozialplan.regions.models import District, Region, RegionKind
from sozialplan.sources.statistics import AGE_OPEN, Measure, Sex

#: Preferred projection variant (Destatis G2L2W1: moderate births, life expectancy and migration).
PREFERRED_VARIANT = "G2L2W1"

#: The fields that identify a gap across runs (``needs_gap_identity``).
IDENTITY_FIELDS = ("district", "kind", "area_key", "action_field", "target_group", "mode")
#: Computed fields a new run replaces on an existing gap.
COMPUTED_FIELDS = (
    "area_name",
    "region",
    "severity",
    "people_affected",
    "shortfall",
    "pressure",
    "evidence",
    "sentence",
    "method_note",
    "run",
    "is_current",
    "updated_at",
)


@dataclass(frozen=True)
class Pressure:
    """Demographic pressure of one Zielgruppe in one Gemeinde, with its inputs for the evidence.

    ``group_ratio`` = ``total_ratio`` (the Gemeinde's projected total in
    ``future_year`` / in ``now_year``) × ``age_ratio`` (change of the
    Zielgruppe's share in the Land projection; ``None`` when the Land
    projection has no age groups, then the total alone counts).
    """

    value: float
    total_now: float | None = None
    total_future: float | None = None
    now_year: int | None = None
    future_year: int | None = None
    total_ratio: float | None = None
    age_ratio: float | None = None
    group_ratio: float | None = None
    variant: str = ""
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "total_now": self.total_now,
            "total_future": self.total_future,
            "now_year": self.now_year,
            "future_year": self.future_year,
            "total_ratio": self.total_ratio,
            "age_ratio": self.age_ratio,
            "group_ratio": self.group_ratio,
            "variant": self.variant,
            "note": self.note,
        }


@dataclass(frozen=True)
class GapRules:
    """The gap rule's settings (stored with the run)."""

    mode: str
    minutes: float
    min_share: float
    coverage_min_ratio: float
    pressure_year: int
    min_severity: float = 0.0

    @classmethod
    def from_settings(cls) -> GapRules:
        """The rules of ``settings.NEEDS_GAP_*``; ``ImproperlyConfigured`` (German) for a mode other than walk/car.

        (The settings check this at start-up; this guards settings changed later, e.g. in tests.)
        """
        mode = str(settings.NEEDS_GAP_MODE)
        if mode not in Mode.values:
            raise ImproperlyConfigured(
                _("Die Einstellung NEEDS_GAP_MODE muss %(allowed)s sein, nicht „%(mode)s“.")
                % {"allowed": " oder ".join(f"„{m}“" for m in Mode.values), "mode": mode[:40]}
            )
        return cls(
            mode=mode,
            minutes=float(settings.NEEDS_GAP_MINUTES),
            min_share=float(settings.NEEDS_GAP_MIN_SHARE),
            coverage_min_ratio=float(settings.NEEDS_COVERAGE_MIN_RATIO),
            pressure_year=int(settings.NEEDS_PRESSURE_YEAR),
            min_severity=float(settings.NEEDS_GAP_MIN_SEVERITY),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "minutes": self.minutes,
            "min_share": self.min_share,
            "coverage_min_ratio": self.coverage_min_ratio,
            "pressure_year": self.pressure_year,
            "min_severity": self.min_severity,
        }


@dataclass
class Candidate:
    """A computed gap, before it is stored."""

    kind: str
    area_key: str
    area_name: str
    region_id: int | None
    action_field: int
    target_group: str
    mode: str
    people: float
    shortfall: float
    pressure: float
    evidence: dict[str, Any] = field(default_factory=dict)
    sentence: str = ""

    @property
    def severity(self) -> float:
        return gaps.severity(self.people, self.shortfall, self.pressure)


@dataclass(frozen=True)
class GapCounts:
    new: int
    current: int
    no_longer: int


# --- pressure --------------------------------------------------------------------------------------


def pressures(district: District, group_codes: Sequence[str], rules: GapRules) -> dict[str, dict[str, Pressure]]:
    """Gemeinde key → Zielgruppe code → :class:`Pressure` (see the module docstring)."""
    gemeinden = list(district.gemeinden().only("pk", "key", "name"))
    land = Region.objects.filter(kind=RegionKind.LAND, key=district.region.key[:2]).only("pk").first()
    ids = [g.pk for g in gemeinden]
    store = ObservationStore.for_regions(ids + ([land.pk] if land else []))
    variants = store.variants(ids, Measure.POPULATION)
    none = {
        g.key: {
            code: Pressure(1.0, note=_("Keine Bevölkerungsvorausberechnung je Gemeinde vorhanden."))
            for code in group_codes
        }
        for g in gemeinden
    }
    if not variants:
        return none
    variant = PREFERRED_VARIANT if PREFERRED_VARIANT in variants else sorted(variants)[0]
    years = sorted(
        p.year for p in store.periods(ids, [Measure.POPULATION], variant=variant) if (p.month, p.day) == (12, 31)
    )
    this_year = timezone.localdate().year
    past = [y for y in years if y < this_year]
    now_year = past[-1] if past else (years[0] if years else None)
    future = [y for y in years if y <= rules.pressure_year]
    future_year = future[-1] if future else None
    if now_year is None or future_year is None or future_year <= now_year:
        return none
    total = Variable(name="pop")
    age_ratios = {
        code: _land_age_ratio(store, land, DEMAND_GROUPS[code].half_open, now_year, future_year, variant)
        for code in group_codes
    }
    result: dict[str, dict[str, Pressure]] = {}
    for g in gemeinden:
        now_value = store.region_value(g.pk, total, dt.date(now_year, 12, 31), variant).value
        future_value = store.region_value(g.pk, total, dt.date(future_year, 12, 31), variant).value
        result[g.key] = {
            code: _pressure(now_value, future_value, age_ratios[code], now_year, future_year, variant)
            for code in group_codes
        }
    return result


def _pressure(
    now: float | None, future: float | None, age_ratio: float | None, now_year: int, future_year: int, variant: str
) -> Pressure:
    if now is None or future is None or now <= 0:
        return Pressure(1.0, variant=variant, note=_("Für diese Gemeinde fehlt die Vorausberechnung."))
    total_ratio = future / now
    group_ratio = total_ratio * (age_ratio if age_ratio is not None else 1.0)
    if age_ratio is not None:
        note = _(
            "Gesamtbevölkerung der Gemeinde laut Vorausberechnung × Veränderung des Anteils der Altersgruppe im Land."
        )
    else:
        note = _(
            "Nur die Gesamtbevölkerung der Gemeinde laut Vorausberechnung (die Vorausberechnung des Landes hat "
            "keine Altersgruppen)."
        )
    return Pressure(
        value=gaps.pressure(1.0, group_ratio),
        total_now=now,
        total_future=future,
        now_year=now_year,
        future_year=future_year,
        total_ratio=total_ratio,
        age_ratio=age_ratio,
        group_ratio=group_ratio,
        variant=variant,
        note=note,
    )


def _land_age_ratio(
    store: ObservationStore, land: Region | None, band: tuple[int, int], now_year: int, future_year: int, variant: str
) -> float | None:
    """Change of the band's share of the Land's projected population, or ``None`` without age groups."""
    if land is None or band == (0, AGE_OPEN):
        return None if land is None else 1.0
    shares = []
    for year in (now_year, future_year):
        bucket = store.cells.get((land.pk, Measure.POPULATION, Sex.TOTAL, dt.date(year, 12, 31), variant), {})
        values = {b: c[0] for b, c in bucket.items() if c[0] is not None}
        tiling = finest_tiling(list(values))
        if tiling is None or len(tiling) < 2:
            return None
        part = compose_band({b: values[b] for b in tiling}, *band)
        whole = sum(values[b] or 0.0 for b in tiling)
        if part is None or whole <= 0:
            return None
        shares.append(part / whole)
    return shares[1] / shares[0] if shares[0] > 0 else None


# --- candidates ------------------------------------------------------------------------------------


def short_place(name: str) -> str:
    """ "Themar, Stadt" → "Themar" (the designation after the comma is not said in a sentence)."""
    return name.split(",")[0].strip()


def method_short(run_method: str, detour_factor: float) -> str:
    if run_method == "network":
        return _("Straßennetz")
    return _("Luftlinie × %(factor)s") % {"factor": format_number(detour_factor, 1)}


@dataclass(frozen=True)
class CandidateContext:
    """What every candidate of a run needs besides its category's arrays."""

    data: RunData
    rules: GapRules
    pressures: Mapping[str, Mapping[str, Pressure]]
    method_note: str
    method_short: str
    run_id: int
    kreis_phrase: str


def category_candidates(
    ctx: CandidateContext, action_field: int, target_group: str, arrays: CategoryArrays, rows: Sequence[AreaRow]
) -> list[Candidate]:
    """Reach and coverage candidates of one category in the gap mode, one per Gemeinde at most per kind."""
    data, rules = ctx.data, ctx.rules
    kreis = next(r for r in rows if r.level == AreaLevel.KREIS)
    threshold = rules.minutes
    out: list[Candidate] = []
    for row in rows:
        if row.level != AreaLevel.GEMEINDE or row.population <= 0:
            continue
        inside = data.gemeinde_array == row.key
        pop = arrays.population[inside]
        minutes = arrays.nearest_min[inside]
        reached = float(pop[minutes <= threshold].sum())
        share = reached / row.population
        pressure = ctx.pressures.get(row.key, {}).get(target_group) or Pressure(1.0)
        within = arrays.counts.get(threshold)
        evidence = {
            "run": ctx.run_id,
            "population": row.population,
            "threshold_min": threshold,
            "share_within_threshold": share,
            "reached_within_threshold": reached,
            "shares": {str(t): v for t, v in row.shares.items()},
            "reached": {str(t): v for t, v in row.reached.items()},
            "nearest_km": None if row.nearest_m is None else row.nearest_m / 1000.0,
            "nearest_min": row.nearest_min,
            "offers_within": {
                f"{t:g}": float((pop * c[inside]).sum() / row.population) for t, c in arrays.counts.items()
            },
            "offers_within_threshold": None if within is None else float((pop * within[inside]).sum() / row.population),
            "offers_in_area": row.offers_in_area,
            "coverage": row.fca_ratio,
            "kreis_coverage": kreis.fca_ratio,
            "supply_unit": arrays.supply_unit,
            "pressure": pressure.to_json(),
            "method_note": ctx.method_note,
            "mode": rules.mode,
            "rules": rules.to_json(),
            "proxy_note": DEMAND_GROUPS[target_group].proxy_note,
        }
        reach_gap = False
        if share < rules.min_share:
            people, shortfall = gaps.reach_shortfall(minutes, pop, threshold)
            if people > 0 and shortfall > 0:
                cand = _candidate(
                    GapKind.REACH, row, action_field, target_group, rules.mode, people, shortfall, pressure, evidence
                )
                # Below the floor (e.g. 40 persons who miss the threshold by a few
                # minutes) a candidate is noise in the register; the HF table still shows it.
                if cand.severity >= rules.min_severity:
                    reach_gap = True
                    cand.sentence = reach_sentence(ctx, cand, row)
                    out.append(cand)
        benchmark = kreis.fca_ratio
        # A Gemeinde that already has a reach gap in this category gets no second,
        # coverage gap: its coverage numbers are in the reach gap's evidence.
        if (
            not reach_gap
            and benchmark
            and row.fca_ratio is not None
            and row.fca_ratio < rules.coverage_min_ratio * benchmark
        ):
            shortfall = gaps.coverage_shortfall(row.fca_ratio, benchmark)
            if shortfall > 0:
                cand = _candidate(
                    GapKind.COVERAGE,
                    row,
                    action_field,
                    target_group,
                    rules.mode,
                    row.population,
                    shortfall,
                    pressure,
                    evidence,
                )
                if cand.severity >= rules.min_severity:
                    cand.sentence = coverage_sentence(ctx, cand, row, benchmark, arrays.supply_unit)
                    out.append(cand)
    return out


def _candidate(
    kind: str,
    row: AreaRow,
    action_field: int,
    target_group: str,
    mode: str,
    people: float,
    shortfall: float,
    pressure: Pressure,
    evidence: dict[str, Any],
) -> Candidate:
    return Candidate(
        kind=kind,
        area_key=row.key,
        area_name=row.name,
        region_id=row.region_id,
        action_field=action_field,
        target_group=target_group,
        mode=mode,
        people=people,
        shortfall=shortfall,
        pressure=pressure.value,
        evidence={**evidence, "kind": kind, "people_affected": people, "shortfall": shortfall},
    )


def _mode_phrase(mode: str) -> str:
    return _("mit dem Auto") if mode == Mode.CAR else _("zu Fuß")


def _minutes_phrase(minutes: float) -> str:
    """ "15 Minuten", "1 Minute"."""
    text = format_number(minutes, 0 if float(minutes).is_integer() else 1)
    return ngettext("%(n)s Minute", "%(n)s Minuten", 1 if minutes == 1 else 2) % {"n": text}


def reach_sentence(ctx: CandidateContext, cand: Candidate, row: AreaRow) -> str:
    """E.g. "In Themar leben 412 Menschen ab 80; das nächste Angebot für Hochbetagte im Handlungsfeld 6 ist im
    Mittel 14 km entfernt (Luftlinie × 1,3), 300 von ihnen erreichen mit dem Auto in 15 Minuten keines."
    ("1 von ihnen erreicht …" for one person)."""
    group = DEMAND_GROUPS[cand.target_group]
    affected = round(cand.people)  # as format_number rounds it
    values = {
        "place": short_place(row.name),
        "people": format_number(row.population),
        "group": _(group.label),
        "audience": _(group.audience),
        "hf": cand.action_field,
        "method": ctx.method_short,
        "affected": format_number(cand.people),
        "mode": _mode_phrase(cand.mode),
        "minutes": _minutes_phrase(ctx.rules.minutes),
    }
    if row.nearest_m is None:
        return (
            _(
                "In %(place)s leben %(people)s %(group)s; für sie ist kein Angebot %(audience)s im Handlungsfeld "
                "%(hf)s erreichbar (%(method)s)."
            )
            % values
        )
    km = row.nearest_m / 1000.0
    values["km"] = format_number(km, 1 if km < 10 else 0)
    return (
        ngettext(
            "In %(place)s leben %(people)s %(group)s; das nächste Angebot %(audience)s im Handlungsfeld %(hf)s ist "
            "im Mittel %(km)s km entfernt (%(method)s), %(affected)s von ihnen erreicht %(mode)s in %(minutes)s "
            "keines.",
            "In %(place)s leben %(people)s %(group)s; das nächste Angebot %(audience)s im Handlungsfeld %(hf)s ist "
            "im Mittel %(km)s km entfernt (%(method)s), %(affected)s von ihnen erreichen %(mode)s in %(minutes)s "
            "keines.",
            affected,
        )
        % values
    )


def ratio_places(*values: float) -> int:
    """Decimal places that show every non-zero ratio with two significant digits: 3,1 / 0,42 / 0,031 (1 at least).

    One count of places for all values, so numbers compared in one sentence
    look alike ("0,65 …, im Landkreis 1,40").
    """
    places = 1
    for value in values:
        if value > 0 and math.isfinite(value):
            places = max(places, min(6, 1 - math.floor(math.log10(value))))
    return places


def ratio_text(value: float) -> str:
    """A ratio per 1,000 with enough decimals to differ from 0: 3,1 / 0,42 / 0,031."""
    return format_number(value, ratio_places(value))


def coverage_sentence(ctx: CandidateContext, cand: Candidate, row: AreaRow, benchmark: float, unit: str) -> str:
    """E.g. "In Heldburg kommen 0,65 erreichbare Angebote für Familien im Handlungsfeld 3 auf 1.000 Kinder und
    Jugendliche unter 18 (Luftlinie × 1,3), im Landkreis 1,40."; the ratio comes first, so the two numbers never
    run together, and both have the same decimal places."""
    group = DEMAND_GROUPS[cand.target_group]
    ratio = row.fca_ratio or 0.0
    places = ratio_places(ratio, benchmark)
    template = (
        _(
            "In %(place)s kommen %(ratio)s erreichbare Plätze %(audience)s im Handlungsfeld %(hf)s auf 1.000 "
            "%(group)s (%(method)s), %(kreis)s %(benchmark)s."
        )
        if unit == "Plätze"
        else _(
            "In %(place)s kommen %(ratio)s erreichbare Angebote %(audience)s im Handlungsfeld %(hf)s auf 1.000 "
            "%(group)s (%(method)s), %(kreis)s %(benchmark)s."
        )
    )
    return template % {
        "place": short_place(row.name),
        "ratio": format_number(ratio, places),
        "audience": _(group.audience),
        "hf": cand.action_field,
        "group": _(group.label),
        "method": ctx.method_short,
        "kreis": ctx.kreis_phrase,
        "benchmark": format_number(benchmark, places),
    }


# --- persistence -----------------------------------------------------------------------------------


def store_gaps(run: AnalysisRun, candidates: Sequence[Candidate]) -> GapCounts:
    """Upsert the run's candidates, keep decisions, flag gaps no longer found (call inside a transaction).

    One ``INSERT … ON CONFLICT (identity) DO UPDATE`` per 500 gaps: only the
    computed fields (:data:`COMPUTED_FIELDS`) are replaced, so status,
    reason, decision and comments of an existing gap stay as they are.
    """
    district = run.district
    field_pk = dict(ActionField.objects.values_list("code", "pk"))
    group_pk = dict(TargetGroup.objects.values_list("code", "pk"))
    existing = set(
        Gap.objects.filter(district=district).values_list(
            "kind", "area_key", "action_field_id", "target_group_id", "mode"
        )
    )
    now = timezone.now()
    gaps_: list[Gap] = []
    new = 0
    for c in candidates:
        identity = (c.kind, c.area_key, field_pk[c.action_field], group_pk[c.target_group], c.mode)
        new += identity not in existing
        gaps_.append(
            Gap(
                district=district,
                kind=c.kind,
                area_key=c.area_key,
                action_field_id=identity[2],
                target_group_id=identity[3],
                mode=c.mode,
                area_name=c.area_name,
                region_id=c.region_id,
                severity=c.severity,
                people_affected=c.people,
                shortfall=c.shortfall,
                pressure=c.pressure,
                evidence=c.evidence,
                sentence=c.sentence,
                method_note=c.evidence.get("method_note", ""),
                run=run,
                is_current=True,
                updated_at=now,
            )
        )
    Gap.objects.bulk_create(
        gaps_,
        batch_size=500,
        update_conflicts=True,
        unique_fields=list(IDENTITY_FIELDS),
        update_fields=list(COMPUTED_FIELDS),
    )
    # Every gap this run found now points to it; the others are no longer computed.
    gone = Gap.objects.filter(district=district, is_current=True).exclude(run=run)
    no_longer = gone.update(is_current=False, updated_at=now)
    return GapCounts(new=new, current=len(candidates), no_longer=no_longer)


def kreis_phrase(district: District) -> str:
    """ "im Landkreis" for a Landkreis, else "in <name>" (a kreisfreie Stadt)."""
    designation = (district.region.designation or "").casefold()
    if "kreisfrei" in designation or "stadt" in designation:
        return _("in %(name)s") % {"name": district.name}
    return _("im Landkreis")


__all__ = [
    "Candidate",
    "CandidateContext",
    "GapCounts",
    "GapRules",
    "Pressure",
    "category_candidates",
    "kreis_phrase",
    "method_short",
    "pressures",
    "store_gaps",
]
