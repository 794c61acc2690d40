"""The values indicator computations produce: areas, indicator values, benchmarks, overview and profile.

Plain dataclasses without database access, shared by
:mod:`sozialplan.indicators.compute` (which re-exports them, so
``from sozialplan.indicators.compute import IndicatorValue`` keeps working),
the views, the API, the downloads and the charts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from sozialplan.indicators.catalogue import IndicatorDefinition
from sozialplan.sources.statistics import describe_symbol

AreaLevel = Literal["gemeinde", "planungsraum", "kreis", "land"]

LEVEL_LABELS: dict[str, str] = {
    "gemeinde": "Gemeinde",
    "planungsraum": "Planungsraum",
    "kreis": "Kreis",
    "land": "Land",
}


@dataclass(frozen=True)
class Area:
    """A place indicators are computed for.

    ``key``: the region key (Gemeinde AGS 8, Kreis 5, Land 2) or ``"pr<pk>"``
    for a Planungsraum. ``region_id`` is ``None`` for a Planungsraum.
    ``gemeinde_ids`` are the Gemeinden summed when the area has no own value
    (for a Gemeinde: itself).
    """

    level: AreaLevel
    key: str
    name: str
    region_id: int | None
    gemeinde_ids: tuple[int, ...]
    boundary: dict[str, object] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class IndicatorValue:
    """One indicator for one area and period.

    ``value`` is ``None`` when it cannot be computed; ``missing`` then says
    why in German ("Keine Altersgruppen ab 80 Jahren für diese Gemeinde –
    benötigt: …"). ``lower``/``upper``: 95 % confidence interval where the
    definition's ``ci_method`` allows. ``flag`` is a statistical symbol carried
    over from an input (e.g. ``.``), ``estimate``/``projected`` say whether an
    input came from an estimate or projection dataset. ``suppressed``: hidden
    in public views because a count is below ``SMALL_NUMBER_THRESHOLD``
    (then ``value``, ``numerator`` and the interval are ``None`` too).
    ``sources``: citations of the datasets used.
    """

    indicator: str
    area_key: str
    period: dt.date | None
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    lower: float | None = None
    upper: float | None = None
    flag: str = ""
    estimate: bool = False
    projected: bool = False
    suppressed: bool = False
    missing: str = ""
    sources: tuple[str, ...] = ()
    variant: str = ""  # projection variant of a projected value ("G2L2W2"), "" for observed values

    @property
    def shown(self) -> bool:
        """Whether there is something to show: a number, a suppressed number or a statistical symbol."""
        return self.value is not None or self.suppressed or bool(self.flag)

    @property
    def has_value(self) -> bool:
        """Whether the value is known: a number, or a number hidden by small-number suppression."""
        return self.value is not None or self.suppressed

    @property
    def modelled(self) -> bool:
        """Whether the value comes from an estimate or a projection (no confidence interval, no significance)."""
        return self.estimate or self.projected

    @property
    def flag_meaning(self) -> str:
        """German meaning of ``flag`` ("" without flag)."""
        return describe_symbol(self.flag)


Comparison = Literal["better", "similar", "worse", "higher", "lower", "not_compared"]

COMPARISON_LABELS: dict[str, str] = {
    "better": "besser",
    "similar": "ähnlich",
    "worse": "schlechter",
    "higher": "höher",
    "lower": "niedriger",
    "not_compared": "nicht verglichen",
}


@dataclass(frozen=True)
class Benchmarked:
    """An area's value with its comparators (Kreis, Land) and the comparison results.

    ``vs_kreis_modelled`` / ``vs_land_modelled``: the comparison involves an
    estimate or a projection (the area's value or the comparator's), so it is
    by point value only (``higher``/``lower``/``similar``) and makes no claim
    of significance; pages mark it ("Schätzung: Vergleich ohne Signifikanzaussage").
    """

    value: IndicatorValue
    kreis: IndicatorValue | None
    land: IndicatorValue | None
    vs_kreis: Comparison
    vs_land: Comparison
    vs_kreis_modelled: bool = False
    vs_land_modelled: bool = False


@dataclass(frozen=True)
class AgeBand:
    """Persons in one age band (``age_to`` exclusive, 999 = open) by sex; ``None`` = unknown."""

    age_from: int
    age_to: int
    male: float | None
    female: float | None
    total: float | None
    estimate: bool = False
    suppressed: bool = False  # public view: a count below SMALL_NUMBER_THRESHOLD was hidden (set to None)


@dataclass(frozen=True)
class ProjectionPoint:
    """Projected population of an area at a year end (31.12.) for a variant."""

    year: int
    value: float
    variant: str


@dataclass
class Overview:
    """Fingertips-style overview: rows = areas, columns = indicators, cells benchmarked."""

    level: AreaLevel
    indicators: list[IndicatorDefinition]
    areas: list[Area]
    cells: dict[tuple[str, str], Benchmarked]  # (area_key, indicator code) → cell
    kreis: Area | None
    land: Area | None
    periods: dict[str, dt.date | None] = field(default_factory=dict)  # indicator code → period of its column
    missing: list[tuple[IndicatorDefinition, str]] = field(default_factory=list)  # indicators without value, why


@dataclass
class Profile:
    """Everything on an area's profile page."""

    area: Area
    key_numbers: list[tuple[IndicatorDefinition, Benchmarked]]  # (definition, cell) in catalogue order
    series: dict[str, list[IndicatorValue]]  # indicator code → values over periods
    age_bands: list[AgeBand]
    age_period: dt.date | None
    age_sources: tuple[str, ...]
    projection: list[ProjectionPoint]
    projection_method: str
    missing: list[tuple[IndicatorDefinition, str]]  # (definition, German reason) for indicators without value
