"""The observations of a set of areas in memory, and the value of one formula variable for one area.

:class:`ObservationStore` loads, in a few queries, the preferred observation
(official before projection before estimate, then the newest import; as
:meth:`~sozialplan.indicators.models.ObservationQuerySet.preferred`) of every
region involved: the areas' own regions and their Gemeinden. Only rows
without a further breakdown (``breakdown == ""``) are used: the standard
variables are persons (by sex and age), births, deaths, migrations and
households.

:meth:`ObservationStore.area_value` resolves one variable of an indicator
formula (``pop[80:]``, ``lag(pop, 5)``, ``area`` …) for an area and period:

* a Gemeinde uses its own values;
* a Planungsraum sums its Gemeinden (all of them must have the value);
* a Kreis uses its own value, else the sum of its Gemeinden; a Land only
  its own value (:mod:`sozialplan.indicators.areas` lists no Gemeinden for it).

Age bands are composed from the bands a region has
(:func:`sozialplan.analysis.ages.compose_band`). A symbol without a number
(``.``, ``x``, ``...``, ``/``) in a used band makes the value unknown and is
carried as the flag; ``-`` counts as 0; ``()`` keeps its number and its flag.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from sozialplan.analysis.ages import age_label, compose_band
from sozialplan.analysis.aggregate import sum_counts
from sozialplan.analysis.formula import Variable
from sozialplan.indicators.formulas import AREA_VARIABLE
from sozialplan.indicators.models import KIND_PRECEDENCE, Dataset, DatasetKind, Observation
from sozialplan.indicators.values import Area
from sozialplan.regions.models import Region
from sozialplan.sources.statistics import AGE_OPEN, SYMBOLS_WITHOUT_VALUE

#: Region ids per ``IN`` list (below SQLite's variable limit on old versions).
BATCH_SIZE = 500

TOTAL_BAND = (0, AGE_OPEN)


#: German label of a formula variable, for "missing" texts (translated when used).
VARIABLE_LABELS: dict[str, str] = {  # keys: analysis.formula.NAMES
    "pop": gettext_noop("Bevölkerung"),
    "pop_w": gettext_noop("Bevölkerung weiblich"),
    "pop_m": gettext_noop("Bevölkerung männlich"),
    "births": gettext_noop("Lebendgeborene"),
    "deaths": gettext_noop("Gestorbene"),
    "in_migration": gettext_noop("Zuzüge"),
    "out_migration": gettext_noop("Fortzüge"),
    "households": gettext_noop("Privathaushalte"),
    "single_parents": gettext_noop("Haushalte Alleinerziehender"),
    "area": gettext_noop("Fläche"),
}

Band = tuple[int, int]
#: value, flag, dataset id
Cell = tuple[float | None, str, int]
#: region id, measure, sex, period, variant
BucketKey = tuple[int, str, str, dt.date, str]


@lru_cache(maxsize=256)
def german_date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


@dataclass(frozen=True)
class Texts:
    """The German (translated) templates of "missing" reasons.

    Translated once per language and reused: a computation for all German
    Gemeinden builds some 100,000 reasons, and ``gettext`` per reason would
    cost more than the computation itself.
    """

    no_area: str
    no_value: str
    no_bands: str
    no_gemeinden: str
    no_values: str
    lacking: str
    nowhere: str
    empty: str
    needed: str
    zero_denominator: str
    no_data: str

    @staticmethod
    def current() -> Texts:
        """The templates in the active language."""
        return _texts(get_language() or "")


@lru_cache(maxsize=8)
def _texts(_language: str) -> Texts:  # the language is the cache key
    return Texts(
        no_area=_("Für %(place)s ist keine Fläche bekannt."),
        no_value=_("Für %(place)s liegt zum %(date)s kein Wert „%(what)s“ vor."),
        no_bands=_("Für „%(age)s“ liegen für %(place)s zum %(date)s keine passenden Altersgruppen vor."),
        no_gemeinden=_("Der Planungsraum %(place)s enthält keine Gemeinden."),
        no_values=_("Für %(place)s liegen keine Werte vor."),
        lacking=_(
            "Für %(place)s fehlt „%(what)s“ zum %(date)s bei %(count)d von %(total)d Gemeinden (%(names)s%(more)s)."
        ),
        nowhere=_(
            "Für %(place)s liegt zum %(date)s kein Wert „%(what)s“ vor, weder für das Gebiet selbst noch für seine "
            "Gemeinden."
        ),
        empty=_("Der Wert ist in der Quelle leer."),
        needed=_("Benötigt: %(hint)s"),
        zero_denominator=_("Der Nenner ist 0; der Wert ist nicht definiert."),
        no_data=_("Für %(place)s liegen keine Daten für diese Kennzahl vor."),
    )


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` years earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class DatasetInfo:
    """What the computation needs of a :class:`Dataset`."""

    pk: int
    code: str
    kind: str
    citation: str
    method: str
    rank: tuple[int, float]


class Resolved(NamedTuple):
    """A variable's value for one area and period.

    ``value`` ``None`` means unknown: then either ``flag`` is a symbol without
    number or ``missing`` says in German what is missing. ``datasets`` are the
    ids of the datasets whose numbers went in. (A named tuple, not a
    dataclass: a computation for all Gemeinden makes some 200,000 of them.)
    """

    value: float | None
    flag: str = ""
    datasets: frozenset[int] = frozenset()
    flags: frozenset[str] = frozenset()  # every flag of the used inputs (incl. "-" and "()")
    # Builds the "missing" text; called only when the text is shown (most reasons never are).
    reason: Callable[[], str] | None = None

    @property
    def missing(self) -> str:
        """German: what is missing (``""`` when the value is known or flagged); built on each access."""
        return self.reason() if self.reason is not None else ""


#: German age labels, cached: a computation for all Gemeinden asks for the same few bands 100,000 times.
_age_text = lru_cache(maxsize=256)(age_label)


@lru_cache(maxsize=256)
def _describe(variable: Variable, _language: str) -> str:  # the language is part of the cache key
    label = _(VARIABLE_LABELS[variable.name]) if variable.name in VARIABLE_LABELS else variable.name
    if variable.name != AREA_VARIABLE and not variable.is_total_age:
        label = f"{label}, {_age_text(variable.age_from, variable.age_to)}"
    return label


class ObservationStore:
    """Preferred observations of some regions, indexed for fast look-up.

    ``cells[(region_id, measure, sex, period, variant)][(age_from, age_to)]``
    is ``(value, flag, dataset_id)``; ``datasets`` maps dataset ids to
    :class:`DatasetInfo`; ``region_area`` and ``region_name`` hold area (km²)
    and name of every loaded region.
    """

    def __init__(
        self,
        cells: dict[BucketKey, dict[Band, Cell]],
        datasets: dict[int, DatasetInfo],
        region_area: dict[int, float | None],
        region_name: dict[int, str],
    ) -> None:
        self.cells = cells
        self.datasets = datasets
        self.region_area = region_area
        self.region_name = region_name
        self._cache: dict[tuple[object, ...], Resolved] = {}
        self._citations: dict[frozenset[int], tuple[str, ...]] = {}
        self.language = get_language() or ""
        self.texts = _texts(self.language)

    # --- loading -------------------------------------------------------------------------------

    @classmethod
    def for_areas(cls, areas: Iterable[Area | None]) -> ObservationStore:
        """Load everything the areas need: their regions and their Gemeinden (``None`` areas are skipped)."""
        ids: set[int] = set()
        for area in areas:
            if area is None:
                continue
            if area.region_id is not None:
                ids.add(area.region_id)
            ids.update(area.gemeinde_ids)
        return cls.for_regions(ids)

    @classmethod
    def for_regions(cls, region_ids: Iterable[int]) -> ObservationStore:
        """Load the preferred observations of these regions (a query per ``BATCH_SIZE`` ids)."""
        ids = sorted(set(region_ids))
        datasets = {
            d.pk: DatasetInfo(
                pk=d.pk,
                code=d.code,
                kind=d.kind,
                citation=d.citation,
                method=d.method,
                rank=(KIND_PRECEDENCE.get(DatasetKind(d.kind), 9), -d.imported_at.timestamp()),
            )
            for d in Dataset.objects.all()
        }
        cells: dict[BucketKey, dict[Band, Cell]] = {}
        region_area: dict[int, float | None] = {}
        region_name: dict[int, str] = {}
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start : start + BATCH_SIZE]
            for pk, name, area_km2 in Region.objects.filter(pk__in=batch).values_list("pk", "name", "area_km2"):
                region_area[pk] = area_km2
                region_name[pk] = name
            rows = (
                Observation.objects.filter(region_id__in=batch, breakdown="")
                .values_list(
                    "region_id",
                    "measure",
                    "sex",
                    "period",
                    "variant",
                    "age_from",
                    "age_to",
                    "value",
                    "flag",
                    "dataset_id",
                )
                .order_by()
            )
            for region_id, measure, sex, period, variant, age_from, age_to, value, flag, dataset_id in rows:
                bucket = cells.setdefault((region_id, measure, sex, period, variant), {})
                band = (age_from, age_to)
                old = bucket.get(band)
                if old is None or datasets[dataset_id].rank < datasets[old[2]].rank:
                    bucket[band] = (value, flag, dataset_id)
        return cls(cells, datasets, region_area, region_name)

    # --- what is there -------------------------------------------------------------------------

    def periods(self, region_ids: Iterable[int], measures: Iterable[str], *, variant: str | None = "") -> set[dt.date]:
        """Periods with any observation of these measures for these regions (``variant=None``: any variant)."""
        wanted_regions, wanted_measures = set(region_ids), set(measures)
        return {
            period
            for (region_id, measure, _sex, period, var) in self.cells
            if region_id in wanted_regions
            and measure in wanted_measures
            and (var == variant if variant is not None else var != "")
        }

    def variants(self, region_ids: Iterable[int], measure: str) -> set[str]:
        """Projection variants present for these regions and measure."""
        wanted = set(region_ids)
        return {var for (rid, m, _s, _p, var) in self.cells if var and rid in wanted and m == measure}

    def bands(self, region_id: int, measure: str, sex: str, period: dt.date, variant: str = "") -> set[Band]:
        """The age bands a region has for a measure, sex and period."""
        return set(self.cells.get((region_id, measure, sex, period, variant), {}))

    def citations(self, dataset_ids: frozenset[int]) -> tuple[str, ...]:
        """Sorted distinct citations of these datasets."""
        cached = self._citations.get(dataset_ids)
        if cached is None:
            cached = tuple(sorted({self.datasets[pk].citation for pk in dataset_ids if pk in self.datasets}))
            self._citations[dataset_ids] = cached
        return cached

    def any_of_kind(self, dataset_ids: Iterable[int], kind: str) -> bool:
        return any(self.datasets[pk].kind == kind for pk in dataset_ids if pk in self.datasets)

    # --- one region ----------------------------------------------------------------------------

    def region_value(self, region_id: int, variable: Variable, period: dt.date, variant: str = "") -> Resolved:
        """A variable (without lag) of one region at ``period``, from its own observations."""
        key = (region_id, variable.name, variable.age_from, variable.age_to, period, variant)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._region_value(region_id, variable, period, variant)
        return cached

    def _place(self, region_id: int) -> str:
        return self.region_name.get(region_id, str(region_id))

    def _what(self, variable: Variable) -> str:
        return _describe(variable, self.language)

    def _region_value(self, region_id: int, variable: Variable, period: dt.date, variant: str) -> Resolved:
        if variable.name == AREA_VARIABLE:
            area_km2 = self.region_area.get(region_id)
            if area_km2 is None:
                return Resolved(None, reason=lambda: self.texts.no_area % {"place": self._place(region_id)})
            return Resolved(area_km2)
        bucket = self.cells.get((region_id, variable.measure, variable.sex, period, variant))
        if not bucket:
            return Resolved(
                None,
                reason=lambda: (
                    self.texts.no_value
                    % {
                        "place": self._place(region_id),
                        "date": german_date(period),
                        "what": self._what(variable),
                    }
                ),
            )
        band = (variable.age_from, variable.age_to)
        if band in bucket:
            return _from_cells({band: bucket[band]}, [band])
        # Bands inside the wanted one are needed to compose it (most Gemeinden have the total only).
        if (len(bucket) > 1 or TOTAL_BAND not in bucket) and any(
            b != TOTAL_BAND and band[0] <= b[0] and b[1] <= band[1] for b in bucket
        ):
            for subset in self._subsets_by_kind(bucket):
                resolved = _composed(subset, band)
                if resolved is not None:
                    return resolved
        return Resolved(
            None,
            reason=lambda: (
                self.texts.no_bands
                % {"age": _age_text(*band), "place": self._place(region_id), "date": german_date(period)}
            ),
        )

    def _subsets_by_kind(self, bucket: Mapping[Band, Cell]) -> Iterator[dict[Band, Cell]]:
        """The bucket's cells of the best dataset kind, then of the two best kinds, then all.

        So an official Gemeinde table's bands are composed among themselves
        before bands of an estimate are mixed in.
        """
        ranks = sorted({self.datasets[cell[2]].rank[0] for cell in bucket.values()})
        for rank in ranks:
            yield {band: cell for band, cell in bucket.items() if self.datasets[cell[2]].rank[0] <= rank}

    # --- one area ------------------------------------------------------------------------------

    def resolve(self, area: Area, variables: Sequence[Variable], period: dt.date, variant: str = "") -> list[Resolved]:
        """:meth:`area_value` of each variable (with a short cut for a Gemeinde's variables without lag)."""
        if area.level == "gemeinde" and area.region_id is not None:
            region_id, cache = area.region_id, self._cache
            out = []
            for variable in variables:
                if variable.lag_years:
                    out.append(self.area_value(area, variable, period, variant))
                    continue
                key = (region_id, variable.name, variable.age_from, variable.age_to, period, variant)
                cached = cache.get(key)
                if cached is None:
                    cached = cache[key] = self._region_value(region_id, variable, period, variant)
                out.append(cached)
            return out
        return [self.area_value(area, variable, period, variant) for variable in variables]

    def area_value(self, area: Area, variable: Variable, period: dt.date, variant: str = "") -> Resolved:
        """A variable of an area at ``period`` (lag applied), aggregated as the module docstring says.

        With a projection ``variant``, a lagged variable falls back to the
        observed value when the variant has none (the change since the base year).
        """
        if not variable.lag_years:
            return self._area_value(area, variable, period, variant)
        day = years_before(period, variable.lag_years)
        plain = Variable(name=variable.name, age_from=variable.age_from, age_to=variable.age_to, lag_years=0)
        resolved = self._area_value(area, plain, day, variant)
        if variant and resolved.value is None and not resolved.flag:
            resolved = self._area_value(area, plain, day, "")
        return resolved

    def _area_value(self, area: Area, variable: Variable, period: dt.date, variant: str) -> Resolved:
        if area.level == "gemeinde" and area.region_id is not None:
            return self.region_value(area.region_id, variable, period, variant)
        if area.level == "planungsraum":
            if not area.gemeinde_ids:
                return Resolved(None, reason=lambda: self.texts.no_gemeinden % {"place": area.name})
            return self._sum(area.gemeinde_ids, variable, period, variant, area.name)
        own = self.region_value(area.region_id, variable, period, variant) if area.region_id is not None else None
        if own is not None and (own.value is not None or own.flag):
            return own
        if not area.gemeinde_ids:
            return own or Resolved(None, reason=lambda: self.texts.no_values % {"place": area.name})
        summed = self._sum(area.gemeinde_ids, variable, period, variant, area.name)
        if summed.value is not None or summed.flag or own is None:
            return summed
        # Both unknown: the Kreis's own reason if it has numbers of this kind at all ("no band 80+"),
        # else the Gemeinden's ("missing at 3 of 32 Gemeinden"), or that neither has any.
        if (area.region_id, variable.measure, variable.sex, period, variant) in self.cells:
            return own
        if any(self.region_value(rid, variable, period, variant).value is not None for rid in area.gemeinde_ids):
            return summed
        return Resolved(
            None,
            reason=lambda: (
                self.texts.nowhere % {"place": area.name, "date": german_date(period), "what": self._what(variable)}
            ),
        )

    def _sum(
        self, region_ids: Sequence[int], variable: Variable, period: dt.date, variant: str, place: str
    ) -> Resolved:
        """The sum over Gemeinden; unknown unless every one has the value."""
        parts = [self.region_value(rid, variable, period, variant) for rid in region_ids]
        flagged = next((p for p in parts if p.value is None and p.flag), None)
        if flagged is not None:
            return Resolved(None, flag=flagged.flag, datasets=_union(p.datasets for p in parts), flags=_flags(parts))
        lacking = [rid for rid, p in zip(region_ids, parts, strict=True) if p.value is None]
        if lacking:
            return Resolved(None, reason=lambda: self._lacking(lacking, len(region_ids), variable, period, place))
        total = sum_counts(p.value for p in parts)
        flags = _flags(parts)
        return Resolved(
            total, flag="()" if "()" in flags else "", datasets=_union(p.datasets for p in parts), flags=flags
        )

    def _lacking(self, lacking: Sequence[int], total: int, variable: Variable, period: dt.date, place: str) -> str:
        names = sorted(self._place(rid) for rid in lacking)
        return self.texts.lacking % {
            "place": place,
            "what": self._what(variable),
            "date": german_date(period),
            "count": len(lacking),
            "total": total,
            "names": ", ".join(names[:3]),
            "more": "" if len(names) <= 3 else " …",
        }


def _union(sets: Iterable[frozenset[int]]) -> frozenset[int]:
    out: set[int] = set()
    for s in sets:
        out.update(s)
    return frozenset(out)


def _flags(parts: Iterable[Resolved]) -> frozenset[str]:
    out: set[str] = set()
    for p in parts:
        out.update(p.flags)
    return frozenset(out)


def _number(cell: Cell) -> float | None:
    """The cell's number for composing: "-" is 0; a symbol without number is a placeholder 0 (checked later)."""
    value, flag, _ds = cell
    if flag == "-" or flag in SYMBOLS_WITHOUT_VALUE:
        return 0.0
    return value


def _from_cells(cells: Mapping[Band, Cell], used: Iterable[Band]) -> Resolved:
    """The sum of the used cells with their flags (a symbol without number makes the result unknown)."""
    used_cells = [cells[b] for b in used]
    datasets = frozenset(c[2] for c in used_cells)
    flags = frozenset(c[1] for c in used_cells if c[1])
    without = next((c[1] for c in used_cells if c[1] in SYMBOLS_WITHOUT_VALUE), None)
    if without is not None:
        return Resolved(None, flag=without, datasets=datasets, flags=flags)
    value = sum_counts(_number(c) for c in used_cells)
    if value is None:
        return Resolved(None, datasets=datasets, reason=lambda: Texts.current().empty, flags=flags)
    return Resolved(value, flag="()" if "()" in flags else "", datasets=datasets, flags=flags)


def _composed(cells: Mapping[Band, Cell], band: Band) -> Resolved | None:
    """``band`` composed from ``cells``; ``None`` if they do not tile it.

    Which cells the composition used is found by perturbation: a cell is used
    if changing its number changes the result. Only cells inside the band can
    be used, and only flagged ones need the check (for their symbol); the
    datasets are those of the cells inside the band.
    """
    numbers = {b: _number(c) for b, c in cells.items()}
    base = compose_band(numbers, *band)
    if base is None:
        return None
    inside = [b for b in cells if b == band or (band[0] <= b[0] and b[1] <= band[1] and b != TOTAL_BAND)]
    datasets = frozenset(cells[b][2] for b in inside)
    used_flags: set[str] = set()
    for b in inside:
        flag = cells[b][1]
        if not flag:
            continue
        probe = dict(numbers)
        probe[b] = (probe[b] or 0.0) + 1.0
        if compose_band(probe, *band) != base:
            used_flags.add(flag)
    without = next((f for f in sorted(used_flags) if f in SYMBOLS_WITHOUT_VALUE), None)
    if without is not None:
        return Resolved(None, flag=without, datasets=datasets, flags=frozenset(used_flags))
    return Resolved(base, flag="()" if "()" in used_flags else "", datasets=datasets, flags=frozenset(used_flags))
