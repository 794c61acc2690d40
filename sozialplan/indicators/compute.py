"""Indicator values per area and period, from the stored observations.

This is the one place views, API, downloads and the bench get numbers from.
It loads the preferred observations of the areas involved once
(:class:`ObservationStore`), then evaluates the catalogue's numerator and
denominator expressions with the Django-free functions of
:mod:`sozialplan.analysis` (age-band composition, aggregation, confidence
intervals, suppression).

Areas (:mod:`sozialplan.indicators.areas`): ``gemeinde`` (a Region),
``planungsraum`` (a PlanningArea: the sum of its Gemeinden), ``kreis`` (a
Region: its own observation for the period if there is one, else the sum of
its currently valid Gemeinden when all of them have a value) and ``land``
(its own observations only). Counts are summed; ratios are recomputed from
the summed numerators and denominators, never averaged. Formulas are parsed
once (:mod:`sozialplan.indicators.formulas`); confidence intervals, comparisons
and small-number suppression are in :mod:`sozialplan.indicators.benchmarking`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.utils.translation import gettext as _

from sozialplan.analysis.aggregate import ratio
from sozialplan.analysis.formula import Variable, evaluate
from sozialplan.indicators.benchmarking import by_point_value, comparison, confidence_interval, is_small
from sozialplan.indicators.catalogue import IndicatorDefinition, load_catalogue
from sozialplan.indicators.formulas import MAIN_VARIANT as MAIN_VARIANT  # re-exported
from sozialplan.indicators.formulas import Formula, finest_tiling, formula
from sozialplan.indicators.models import DatasetKind
from sozialplan.indicators.store import TOTAL_BAND, ObservationStore, Resolved, Texts

# The value types live in values.py; re-exported here, where callers have always imported them from.
from sozialplan.indicators.values import COMPARISON_LABELS as COMPARISON_LABELS
from sozialplan.indicators.values import LEVEL_LABELS as LEVEL_LABELS
from sozialplan.indicators.values import AgeBand as AgeBand
from sozialplan.indicators.values import Area as Area
from sozialplan.indicators.values import AreaLevel as AreaLevel
from sozialplan.indicators.values import Benchmarked as Benchmarked
from sozialplan.indicators.values import Comparison as Comparison
from sozialplan.indicators.values import IndicatorValue as IndicatorValue
from sozialplan.indicators.values import Overview as Overview
from sozialplan.indicators.values import Profile as Profile
from sozialplan.indicators.values import ProjectionPoint as ProjectionPoint
from sozialplan.sources.statistics import AGE_OPEN, Measure

if TYPE_CHECKING:
    from sozialplan.regions.models import District

# --- formulas ----------------------------------------------------------------------------------


def _formula_of(definition: IndicatorDefinition) -> Formula:
    return formula(definition.numerator, definition.denominator)


def _region_ids(areas: Sequence[Area]) -> set[int]:
    ids: set[int] = set()
    for area in areas:
        if area.region_id is not None:
            ids.add(area.region_id)
        ids.update(area.gemeinde_ids)
    return ids


def _candidate_periods(
    form: Formula, areas: Sequence[Area], store: ObservationStore, variant: str = ""
) -> list[dt.date]:
    """Periods with any input of the formula for these areas, newest first."""
    return sorted(store.periods(_region_ids(areas), form.measures, variant=variant), reverse=True)


# --- one value ---------------------------------------------------------------------------------


def _needed(definition: IndicatorDefinition, texts: Texts) -> str:
    return texts.needed % {"hint": definition.data_hint} if definition.data_hint else ""


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


class _Common(TypedDict):
    """The fields every value of one area and period has, whatever came out."""

    indicator: str
    area_key: str
    period: dt.date
    estimate: bool
    projected: bool
    sources: tuple[str, ...]
    variant: str


class _Evaluator:
    """One definition evaluated for many areas: what does not depend on the area is prepared once."""

    def __init__(self, definition: IndicatorDefinition, store: ObservationStore, *, public: bool, variant: str = ""):
        self.definition = definition
        self.form = _formula_of(definition)
        self.store = store
        self.public = public
        self.variant = variant
        self.needed = _needed(definition, store.texts)
        self.threshold: int = settings.SMALL_NUMBER_THRESHOLD

    def __call__(self, area: Area, period: dt.date) -> IndicatorValue:
        """The indicator for one area and period (see :class:`IndicatorValue` for the fields)."""
        form, store, variant = self.form, self.store, self.variant
        resolved = store.resolve(area, form.variables, period, variant)
        datasets = resolved[0].datasets if len(resolved) == 1 else frozenset().union(*(r.datasets for r in resolved))
        common: _Common = {
            "indicator": self.definition.code,
            "area_key": area.key,
            "period": period,
            "estimate": bool(datasets) and store.any_of_kind(datasets, DatasetKind.ESTIMATE),
            "projected": bool(variant),
            "sources": store.citations(datasets) if datasets else (),
            "variant": variant,
        }
        lacking: Resolved | None = None
        for r in resolved:
            if r.value is None:
                if r.flag:  # a symbol without number wins over a missing input
                    return IndicatorValue(value=None, flag=r.flag, **common)
                lacking = lacking or r
        if lacking is not None:
            missing = f"{lacking.missing} {self.needed}" if self.needed else lacking.missing
            return IndicatorValue(value=None, missing=missing, **common)
        return self._known(dict(zip(form.variables, (r.value for r in resolved), strict=True)), resolved, common)

    def _known(self, values: dict[Variable, float | None], resolved: list[Resolved], common: _Common) -> IndicatorValue:
        definition, form = self.definition, self.form
        numerator = evaluate(form.numerator, values.__getitem__)
        denominator = evaluate(form.denominator, values.__getitem__) if form.denominator is not None else None
        value = numerator if form.denominator is None else ratio(numerator, denominator, definition.multiplier)
        if value is None:
            missing = self.store.texts.zero_denominator
            return IndicatorValue(value=None, numerator=numerator, denominator=denominator, missing=missing, **common)
        flags = frozenset().union(*(r.flags for r in resolved))
        flag = "()" if "()" in flags else ("-" if value == 0 and "-" in flags else "")
        if self.public and is_small((values[v] for v in form.counts), self.threshold):
            return IndicatorValue(value=None, flag=flag, suppressed=True, **common)
        # A sampling interval says nothing about the error of a small-area estimate or a projection.
        modelled = common["estimate"] or common["projected"]
        lower, upper = (None, None) if modelled else confidence_interval(definition, numerator, denominator)
        return IndicatorValue(
            value=value,
            numerator=numerator,
            denominator=denominator,
            lower=lower,
            upper=upper,
            flag=flag,
            **common,
        )


def _no_data(definition: IndicatorDefinition, area: Area, texts: Texts) -> IndicatorValue:
    return IndicatorValue(
        indicator=definition.code,
        area_key=area.key,
        period=None,
        value=None,
        missing=_join(texts.no_data % {"place": area.name}, _needed(definition, texts)),
    )


# --- public functions --------------------------------------------------------------------------


def compute(
    definition: IndicatorDefinition,
    areas: Sequence[Area],
    period: dt.date | None = None,
    *,
    public: bool,
    store: ObservationStore | None = None,
) -> list[IndicatorValue]:
    """The indicator for each area (same order), at ``period``.

    ``period=None``: the default Stichtag, the one that covers the most
    areas: the latest period at which at least half
    of the areas have a value (:attr:`IndicatorValue.has_value`), else the
    period with the most values (ties: the latest). So one small table of a
    few Gemeinden for a later date does not replace the complete one. If no
    area has a value at any period: the latest period at which one has a
    statistical symbol, else the latest period with any input (the values
    then say what is missing), or ``None`` without any input at all.
    ``public``: small counts are suppressed. ``store``: observations already
    loaded for (at least) these areas.
    """
    store = store or ObservationStore.for_areas(areas)
    value = _Evaluator(definition, store, public=public)
    if period is not None:
        return [value(area, period) for area in areas]
    best: list[IndicatorValue] | None = None
    best_count = 0
    first_shown: list[IndicatorValue] | None = None
    first: list[IndicatorValue] | None = None
    for candidate in _candidate_periods(_formula_of(definition), areas, store):  # newest first
        values = [value(area, candidate) for area in areas]
        count = sum(1 for v in values if v.has_value)
        if count and 2 * count >= len(areas):
            return values
        if count > best_count:  # strictly more: on a tie the later period (seen first) stays
            best, best_count = values, count
        if first_shown is None and any(v.shown for v in values):
            first_shown = values
        first = first or values
    chosen = best or first_shown or first
    return chosen if chosen is not None else [_no_data(definition, area, store.texts) for area in areas]


def periods(
    definition: IndicatorDefinition, areas: Sequence[Area], store: ObservationStore | None = None
) -> list[dt.date]:
    """Observed periods (oldest first) at which at least one of the areas has something to show."""
    store = store or ObservationStore.for_areas(areas)
    value = _Evaluator(definition, store, public=False)
    return sorted(
        candidate
        for candidate in _candidate_periods(_formula_of(definition), areas, store)
        if any(value(area, candidate).shown for area in areas)
    )


def main_variant(variants: set[str]) -> str | None:
    """The projection variant shown in series: :data:`MAIN_VARIANT` if present, else the first by name."""
    if not variants:
        return None
    return MAIN_VARIANT if MAIN_VARIANT in variants else sorted(variants)[0]


def series(
    definition: IndicatorDefinition, area: Area, *, public: bool, store: ObservationStore | None = None
) -> list[IndicatorValue]:
    """The indicator over time for one area: observed periods, then projected ones (``projected=True``).

    Projected values are those of the main variant (:func:`main_variant`)
    of the projections stored for the area.
    """
    store = store or ObservationStore.for_areas([area])
    form = _formula_of(definition)
    observed = _Evaluator(definition, store, public=public)
    out = [
        value
        for candidate in sorted(_candidate_periods(form, [area], store))
        if (value := observed(area, candidate)).shown
    ]
    variant = main_variant(store.variants(_region_ids([area]), Measure.POPULATION))
    if variant is not None:
        projected = _Evaluator(definition, store, public=public, variant=variant)
        out.extend(
            value
            for candidate in sorted(_candidate_periods(form, [area], store, variant))
            if (value := projected(area, candidate)).shown
        )
    return out


# --- age structure and projection --------------------------------------------------------------


def _age_bands_of(area: Area, store: ObservationStore, period: dt.date) -> list[tuple[int, int]] | None:
    """The bands an age pyramid of the area can show at ``period`` (own bands first, else common to its Gemeinden)."""
    candidates: list[tuple[int, ...]] = []
    if area.region_id is not None:
        candidates.append((area.region_id,))
    if area.level != "gemeinde" and area.gemeinde_ids:
        candidates.append(area.gemeinde_ids)
    for region_ids in candidates:
        sets = [store.bands(rid, Measure.POPULATION, "", period) - {TOTAL_BAND} for rid in region_ids]
        common = set.intersection(*sets) if sets else set()
        tiling = finest_tiling(common)
        if tiling is not None and len(tiling) > 1:
            return tiling
    return None


def _age_band(
    area: Area, store: ObservationStore, day: dt.date, band: tuple[int, int], *, public: bool
) -> tuple[AgeBand, frozenset[int]]:
    """One band of the pyramid and the datasets it came from."""
    parts = [store.area_value(area, Variable(name, *band), day) for name in ("pop_m", "pop_w", "pop")]
    datasets = frozenset().union(*(p.datasets for p in parts))
    numbers = [p.value for p in parts]
    threshold = settings.SMALL_NUMBER_THRESHOLD
    small = public and is_small(numbers, threshold)
    if small:
        numbers = [None if is_small([v], threshold) else v for v in numbers]
    male, female, total = numbers
    estimate = store.any_of_kind(datasets, DatasetKind.ESTIMATE)
    return AgeBand(band[0], band[1], male, female, total, estimate=estimate, suppressed=small), datasets


def age_structure(
    area: Area, period: dt.date | None = None, store: ObservationStore | None = None, *, public: bool = False
) -> tuple[list[AgeBand], dt.date | None, tuple[str, ...]]:
    """The area's population by age band and sex, for an age pyramid.

    ``period=None``: the latest observed period with a complete set of age
    bands. Returns (bands youngest first, period, source citations); no
    bands → ``([], None, ())``. ``public``: counts below
    ``SMALL_NUMBER_THRESHOLD`` become ``None`` (``suppressed=True``).
    """
    store = store or ObservationStore.for_areas([area])
    days = [period] if period else sorted(store.periods(_region_ids([area]), [Measure.POPULATION]), reverse=True)
    for day in days:
        tiling = _age_bands_of(area, store, day)
        if tiling is None:
            continue
        bands: list[AgeBand] = []
        datasets: set[int] = set()
        for band in tiling:
            age_band, used = _age_band(area, store, day, band, public=public)
            bands.append(age_band)
            datasets.update(used)
        return bands, day, store.citations(frozenset(datasets))
    return [], None, ()


def projection(area: Area, store: ObservationStore | None = None) -> tuple[list[ProjectionPoint], str]:
    """Projected total population of the area per variant and year, and the methods of the projections used.

    A Planungsraum is the sum of its Gemeinden's projections; a Kreis or Land
    uses its own projection, else the sum of its Gemeinden. The method text
    is the ``method`` of each projection dataset used (separated by blank lines).
    """
    store = store or ObservationStore.for_areas([area])
    region_ids = _region_ids([area])
    total = Variable("pop", 0, AGE_OPEN, 0)
    points: list[ProjectionPoint] = []
    datasets: set[int] = set()
    for variant in sorted(store.variants(region_ids, Measure.POPULATION)):
        for day in sorted(store.periods(region_ids, [Measure.POPULATION], variant=variant)):
            resolved = store.area_value(area, total, day, variant)
            if resolved.value is not None:
                points.append(ProjectionPoint(year=day.year, value=resolved.value, variant=variant))
                datasets.update(resolved.datasets)
    methods = dict.fromkeys(store.datasets[pk].method for pk in sorted(datasets) if store.datasets[pk].method)
    return points, "\n\n".join(methods)


# --- benchmarks, overview, profile -------------------------------------------------------------


def _benchmark(
    definition: IndicatorDefinition,
    areas: Sequence[Area],
    kreis: Area | None,
    land: Area | None,
    period: dt.date | None,
    *,
    public: bool,
    store: ObservationStore,
) -> list[Benchmarked]:
    values = compute(definition, areas, period, public=public, store=store)
    day = period or next((v.period for v in values if v.period is not None), None)
    if day is None and kreis is not None:
        # No area has a value (e.g. only a Kreis table is imported): compare at the Kreis's latest
        # period, so the atlas and overview still show the Kreis and Land values.
        day = max(periods(definition, [kreis], store), default=None)
        if day is not None:
            values = compute(definition, areas, day, public=public, store=store)
    kreis_value = compute(definition, [kreis], day, public=public, store=store)[0] if kreis and day else None
    land_value = compute(definition, [land], day, public=public, store=store)[0] if land and day else None
    return [
        Benchmarked(
            value=value,
            kreis=kreis_value,
            land=land_value,
            vs_kreis=comparison(definition, value, kreis_value),
            vs_land=comparison(definition, value, land_value),
            vs_kreis_modelled=by_point_value(value, kreis_value),
            vs_land_modelled=by_point_value(value, land_value),
        )
        for value in values
    ]


def benchmarked(
    definition: IndicatorDefinition,
    areas: Sequence[Area],
    district: District,
    period: dt.date | None = None,
    *,
    public: bool,
    store: ObservationStore | None = None,
) -> list[Benchmarked]:
    """Each area's value with the district's Kreis and its Land at the same period, compared (Fingertips logic)."""
    from sozialplan.indicators import areas as lookup  # areas.py imports this module

    kreis, land = lookup.kreis_area(district), lookup.land_area(district)
    store = store or ObservationStore.for_areas([*areas, kreis, land])
    return _benchmark(definition, areas, kreis, land, period, public=public, store=store)


def missing_reason(values: Sequence[IndicatorValue]) -> str:
    """Why an indicator has no value for any of these areas (the first area's reason as example)."""
    if not values:
        return _("Keine Gebiete auf dieser Ebene.")
    if len(values) == 1:
        return values[0].missing
    return _("Für keines der %(count)d Gebiete berechenbar. Zum Beispiel: %(example)s") % {
        "count": len(values),
        "example": values[0].missing,
    }


def overview(district: District, level: AreaLevel, *, public: bool) -> Overview:
    """Areas of ``level`` × every catalogue indicator that has a value for at least one of them, benchmarked.

    Each indicator is shown at its own latest period (``Overview.periods``);
    indicators without any value are listed in ``Overview.missing`` with the reason.
    """
    from sozialplan.indicators import areas as lookup  # areas.py imports this module

    areas = lookup.areas_for(district, level)
    kreis, land = lookup.kreis_area(district), lookup.land_area(district)
    store = ObservationStore.for_areas([*areas, kreis, land])
    result = Overview(level=level, indicators=[], areas=areas, cells={}, kreis=kreis, land=land)
    for definition in load_catalogue():
        cells = _benchmark(definition, areas, kreis, land, None, public=public, store=store)
        if any(cell.value.shown for cell in cells):
            result.indicators.append(definition)
            result.periods[definition.code] = cells[0].value.period
            for area, cell in zip(areas, cells, strict=True):
                result.cells[(area.key, definition.code)] = cell
        else:
            result.missing.append((definition, missing_reason([c.value for c in cells])))
    return result


def _comparable_period(
    definition: IndicatorDefinition,
    observed: Sequence[IndicatorValue],
    comparators: Sequence[Area],
    *,
    public: bool,
    store: ObservationStore,
) -> dt.date | None:
    """The latest of the area's observed periods at which at least one comparator has a value (``None``: none)."""
    for value in reversed(observed):
        if value.period is None or not value.has_value:
            continue
        for comparator in comparators:
            (other,) = compute(definition, [comparator], value.period, public=public, store=store)
            if other.value is not None:
                return value.period
    return None


def profile(district: District, area: Area, *, public: bool) -> Profile:
    """Key numbers with benchmarks, series, age structure and projection of one area of the district.

    Each key number is shown at the latest period at which the area and at
    least one of its comparators have a value (for the Kreis: the Land; for
    a Gemeinde or Planungsraum: the Kreis or the Land), so that it can be
    compared; without such a period at the area's own latest period. Key
    numbers of one profile may therefore differ in their Stichtag.
    """
    from sozialplan.indicators import areas as lookup  # areas.py imports this module

    kreis, land = lookup.kreis_area(district), lookup.land_area(district)
    store = ObservationStore.for_areas([area, kreis, land])
    comparators = [c for c in ((land,) if area.level == "kreis" else (kreis, land)) if c is not None and c != area]
    key_numbers: list[tuple[IndicatorDefinition, Benchmarked]] = []
    series_by_code: dict[str, list[IndicatorValue]] = {}
    missing: list[tuple[IndicatorDefinition, str]] = []
    for definition in load_catalogue():
        values = series(definition, area, public=public, store=store)
        observed = [v for v in values if not v.projected]
        # Counts are not compared (a Kreis has more people than a Gemeinde): show the newest value.
        day = (
            None
            if definition.is_count
            else _comparable_period(definition, observed, comparators, public=public, store=store)
        )
        (cell,) = _benchmark(definition, [area], kreis, land, day, public=public, store=store)
        if cell.value.shown:
            key_numbers.append((definition, cell))
            series_by_code[definition.code] = values
        else:
            missing.append((definition, cell.value.missing))
    bands, age_period, age_sources = age_structure(area, store=store, public=public)
    points, method = projection(area, store=store)
    return Profile(
        area=area,
        key_numbers=key_numbers,
        series=series_by_code,
        age_bands=bands,
        age_period=age_period,
        age_sources=age_sources,
        projection=points,
        projection_method=method,
        missing=missing,
    )
