"""Rows, colours and legends of the Handlungsfeld page, its map and its gap lists (German text, no Django views).

The map, the table and the legend take their classes and colours from here,
so they always agree: Gemeinden are coloured by the share of the Zielgruppe
that reaches an offer within the first threshold (ColorBrewer YlGnBu,
colour-blind safe, light = few reach one); demand points by the time to the
nearest offer against the thresholds (ColorBrewer RdBu, colour-blind safe).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from sozialplan.indicators.numbers import format_number
from sozialplan.indicators.views._common import palette
from sozialplan.needs.exports import affected_share
from sozialplan.needs.models import AreaLevel, Gap
from sozialplan.needs.results import AreaRow
from sozialplan.needs.views._common import decimal, km, minutes, percent, persons

#: Upper limits of the share classes (0–1); the last class includes 1.
SHARE_LIMITS = (0.2, 0.4, 0.6, 0.8, 1.0)
SHARE_COLOURS = palette(len(SHARE_LIMITS))
NO_SHARE_COLOUR = "#ffffff"
#: Demand points: within the first threshold, within the last, beyond it, no reachable offer.
TIME_COLOURS = ("#2166ac", "#92c5de", "#f4a582", "#b2182b")
#: The outline of a Gemeinde with a gap on the map (and its legend swatch).
GAP_OUTLINE = "#b2182b"


def share_class(share: float | None) -> int | None:
    """Index of the share's class in :data:`SHARE_LIMITS` (``None`` without a share)."""
    if share is None:
        return None
    for index, limit in enumerate(SHARE_LIMITS):
        if share < limit or index == len(SHARE_LIMITS) - 1:
            return index
    return None  # pragma: no cover - the loop always returns


def share_colour(share: float | None) -> str:
    index = share_class(share)
    return NO_SHARE_COLOUR if index is None else SHARE_COLOURS[index]


def time_class(nearest_min: float | None, thresholds: Sequence[int]) -> int:
    """0: within the first threshold, 1: within the last, 2: beyond, 3: no reachable offer."""
    if nearest_min is None or not thresholds:
        return 3
    if nearest_min <= thresholds[0]:
        return 0
    if nearest_min <= thresholds[-1]:
        return 1
    return 2


@dataclass(frozen=True)
class LegendEntry:
    colour: str
    label: str
    missing: bool = False


def share_legend() -> list[LegendEntry]:
    """The Gemeinde classes: "unter 20 %" … "80 bis 100 %", then Gemeinden without the Zielgruppe."""
    entries = []
    low = 0.0
    for index, limit in enumerate(SHARE_LIMITS):
        values = {"low": format_number(low * 100), "high": format_number(limit * 100)}
        if index == 0:
            text = _("unter %(high)s %%") % values
        elif index == len(SHARE_LIMITS) - 1:
            text = _("%(low)s bis %(high)s %%") % values
        else:
            text = _("%(low)s bis unter %(high)s %%") % values
        entries.append(LegendEntry(SHARE_COLOURS[index], text))
        low = limit
    entries.append(LegendEntry(NO_SHARE_COLOUR, _("niemand der Zielgruppe im Gebiet"), missing=True))
    return entries


def time_legend(thresholds: Sequence[int]) -> list[LegendEntry]:
    """The demand point classes against the thresholds (e.g. 15 and 30 minutes)."""
    if not thresholds:
        return [LegendEntry(TIME_COLOURS[3], _("kein Angebot erreichbar"))]
    first, last = thresholds[0], thresholds[-1]
    labels = [
        _("bis %(minutes)d Minuten") % {"minutes": first},
        _("über %(low)d bis %(high)d Minuten") % {"low": first, "high": last},
        _("über %(minutes)d Minuten") % {"minutes": last},
        _("kein Angebot erreichbar"),
    ]
    if first == last:
        labels[1] = ""
    return [LegendEntry(colour, label) for colour, label in zip(TIME_COLOURS, labels, strict=True) if label]


@dataclass(frozen=True)
class AreaLine:
    """One row of the reachability table, all numbers as German text."""

    level: str
    level_label: str
    key: str
    name: str
    population: str
    nearest_km: str
    nearest_min: str
    shares: list[str]
    share_sort: str
    offers_in_area: int
    offers_per_1000: str
    fca: str
    colour: str
    gap_url: str | None

    @property
    def is_gemeinde(self) -> bool:
        return self.level == AreaLevel.GEMEINDE


LEVEL_LABELS = dict(AreaLevel.choices)


def area_line(row: AreaRow, thresholds: Sequence[int], gap_url: str | None = None) -> AreaLine:
    first = row.shares.get(thresholds[0]) if thresholds else None
    return AreaLine(
        level=row.level,
        level_label=str(LEVEL_LABELS.get(row.level, row.level)),
        key=row.key,
        name=row.name,
        population=persons(row.population),
        nearest_km=km(row.nearest_m),
        nearest_min=minutes(row.nearest_min),
        shares=[percent(row.shares.get(t)) for t in thresholds],
        share_sort="" if first is None else repr(first),
        offers_in_area=row.offers_in_area,
        offers_per_1000=decimal(row.offers_per_1000),
        fca=decimal(row.fca_ratio),
        colour=share_colour(first),
        gap_url=gap_url,
    )


def worst_first(rows: Iterable[AreaRow], thresholds: Sequence[int]) -> list[AreaRow]:
    """Gemeinden by the share within the first threshold, lowest first; Gemeinden without a share last, by name."""
    first = thresholds[0] if thresholds else None

    def key(row: AreaRow) -> tuple[int, float, str]:
        share = row.shares.get(first) if first is not None else None
        return (1, 0.0, row.name) if share is None else (0, share, row.name)

    return sorted(rows, key=key)


def share_weight(gap: Gap) -> float | None:
    """The register's order "nach Anteil": share affected × shortfall × pressure (``None`` without a share)."""
    share = affected_share(gap)
    return None if share is None else share * gap.shortfall * gap.pressure


@dataclass(frozen=True)
class GapLine:
    """One gap in a list: sentence, severity and its factors as text, share affected, status, link."""

    gap: Gap
    url: str
    severity: str
    people: str
    shortfall: str
    pressure: str
    status: str
    mode: str
    share: str = "–"
    share_weight: str = "–"


def gap_line(gap: Gap, url: str) -> GapLine:
    weight = share_weight(gap)
    return GapLine(
        gap=gap,
        url=url,
        severity=format_number(gap.severity, 1),
        people=persons(gap.people_affected),
        shortfall=format_number(gap.shortfall, 2),
        pressure=format_number(gap.pressure, 2),
        status=gap.get_status_display(),
        mode=gap.get_mode_display(),
        share=percent(affected_share(gap)),
        share_weight="–" if weight is None else format_number(weight, 3),
    )


def severity_formula(gap: Gap) -> str:
    """``"412 × 0,47 × 1,12 = 216,9"``: the severity of this gap spelled out with its own numbers."""
    return _("%(people)s × %(shortfall)s × %(pressure)s = %(severity)s") % {
        "people": format_number(gap.people_affected, 1),
        "shortfall": format_number(gap.shortfall, 3),
        "pressure": format_number(gap.pressure, 3),
        "severity": format_number(gap.severity, 1),
    }
