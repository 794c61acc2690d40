"""What the import preview shows: summaries of a statistical table and of its matching.

Plain data for the preview page and the command (built by
:func:`sozialplan.indicators.importing.preview`); nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from sozialplan.indicators.import_matching import MatchResult, Unmatched
from sozialplan.indicators.models import Dataset, DatasetFormat
from sozialplan.regions.models import Region, RegionKind
from sozialplan.sources.statistics import AGE_OPEN, SYMBOLS, Sex, StatTable, StatValue

#: Matched regions shown as a sample in the preview.
SAMPLE_SIZE = 10


@dataclass(frozen=True)
class MeasureSummary:
    code: str
    label: str
    unit: str
    count: int


@dataclass(frozen=True)
class LevelSummary:
    """Matched regions of one level (Land, Kreis …) and their number of values."""

    kind: str
    label: str
    regions: int
    values: int


@dataclass(frozen=True)
class SampleRow:
    key: str
    name: str
    region: str
    level: str
    values: int


@dataclass(frozen=True)
class FlagSummary:
    flag: str
    meaning: str
    count: int


@dataclass(frozen=True)
class ChangeCounts:
    """What an import would do with the stored values of the same dataset."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def any(self) -> bool:
        return bool(self.new or self.changed or self.removed)


@dataclass
class ImportPreview:
    """Everything the preview page and the command show before an import (nothing is written).

    ``district_name`` is set for the upload form: then ``levels``, ``sample``,
    ``unmatched``, ``stored_values`` and ``changes`` cover the district's
    regions only, and ``foreign_values`` counts the values of other areas
    (``foreign_message`` says why they are not imported).
    """

    code: str
    title: str
    format: str
    format_label: str
    language: str
    source: str
    licence: str
    notes: list[str]
    periods: list[dt.date]
    measures: list[MeasureSummary]
    breakdowns: list[str]
    value_count: int
    levels: list[LevelSummary]
    sample: list[SampleRow]
    unmatched: list[Unmatched]
    outside_message: str
    outside_count: int
    germany_values: int
    flags: list[FlagSummary]
    changes: ChangeCounts
    existing: Dataset | None
    mapped: dict[str, Region] = field(default_factory=dict)
    mapping_errors: dict[str, str] = field(default_factory=dict)
    stored_values: int = 0
    foreign_values: int = 0
    foreign_message: str = ""
    district_name: str = ""
    is_grid: bool = False

    @property
    def skipped_values(self) -> int:
        """Values of the file that would not be stored (unmatched, outside, Deutschland)."""
        return self.value_count - self.stored_values

    @property
    def unmatched_count(self) -> int:
        """Listed unmatched keys with numbers that no mapping takes over (stored as ``Dataset.unmatched_count``)."""
        return sum(1 for u in self.unmatched if not u.only_symbols and u.key not in self.mapped)


def format_label(code: str) -> str:
    return str(DatasetFormat(code).label) if code in DatasetFormat.values else code


def _measures(values: Sequence[StatValue]) -> list[MeasureSummary]:
    found: dict[str, tuple[str, str]] = {}
    counts: dict[str, int] = {}
    for v in values:
        counts[v.measure] = counts.get(v.measure, 0) + 1
        if v.measure not in found:
            found[v.measure] = (v.measure_label, v.unit)
    return [MeasureSummary(code, found[code][0], found[code][1], counts[code]) for code in sorted(found)]


def age_label(age_from: int, age_to: int) -> str:
    """German label of an age band (``age_to`` exclusive, ``AGE_OPEN`` = open)."""
    if age_from == 0 and age_to == AGE_OPEN:
        return _("alle Altersgruppen")
    if age_to == AGE_OPEN:
        return _("%(a)s Jahre und mehr") % {"a": age_from}
    if age_from == 0:
        return _("unter %(b)s Jahre") % {"b": age_to}
    return _("%(a)s bis unter %(b)s Jahre") % {"a": age_from, "b": age_to}


def _breakdowns(values: Sequence[StatValue]) -> list[str]:
    """German lines naming the breakdowns of the table (sex, age bands, other variables, variants)."""
    sexes = {v.sex for v in values}
    bands = sorted({(v.age_from, v.age_to) for v in values} - {(0, AGE_OPEN)})
    others: dict[str, set[str]] = {}
    for text in {v.breakdown for v in values if v.breakdown}:
        for part in text.split(";"):
            code, _sep, attr = part.partition("=")
            others.setdefault(code, set()).add(attr)
    variants = sorted({v.variant for v in values if v.variant})
    lines: list[str] = []
    if sexes - {Sex.TOTAL}:
        names = {Sex.TOTAL: _("insgesamt"), Sex.MALE: _("männlich"), Sex.FEMALE: _("weiblich")}
        lines.append(_("Geschlecht: %(list)s") % {"list": ", ".join(names.get(s, s) for s in sorted(sexes))})
    if bands:
        lines.append(
            _("Altersgruppen: %(count)d (von „%(first)s“ bis „%(last)s“)")
            % {"count": len(bands), "first": age_label(*bands[0]), "last": age_label(*bands[-1])}
        )
    for code in sorted(others):
        attrs = sorted(others[code])
        shown = ", ".join(attrs[:6]) + (" …" if len(attrs) > 6 else "")
        lines.append(
            _("%(code)s: %(count)d Ausprägungen (%(list)s)") % {"code": code, "count": len(attrs), "list": shown}
        )
    if variants:
        shown = ", ".join(variants[:6]) + (" …" if len(variants) > 6 else "")
        lines.append(_("Varianten: %(count)d (%(list)s)") % {"count": len(variants), "list": shown})
    return lines


def _levels(values: Sequence[StatValue], match: MatchResult) -> list[LevelSummary]:
    order = [RegionKind.LAND, RegionKind.KREIS, RegionKind.VERBAND, RegionKind.GEMEINDE]
    regions: dict[str, set[int]] = {}
    counts: dict[str, int] = {}
    for v in values:
        region = match.matched.get(v.region_key)
        if region is not None:
            regions.setdefault(region.kind, set()).add(region.pk)
            counts[region.kind] = counts.get(region.kind, 0) + 1
    return [
        LevelSummary(kind, str(RegionKind(kind).label), len(regions[kind]), counts[kind])
        for kind in order
        if kind in regions
    ]


def _sample(values: Sequence[StatValue], match: MatchResult) -> list[SampleRow]:
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for v in values:
        if v.region_key in match.matched:
            counts[v.region_key] = counts.get(v.region_key, 0) + 1
            names.setdefault(v.region_key, v.region_name)
    rows = []
    for key in sorted(counts)[:SAMPLE_SIZE]:
        region = match.matched[key]
        rows.append(SampleRow(key, names[key], region.name, str(RegionKind(region.kind).label), counts[key]))
    return rows


def _flags(values: Sequence[StatValue]) -> list[FlagSummary]:
    counts: dict[str, int] = {}
    for v in values:
        if v.flag:
            counts[v.flag] = counts.get(v.flag, 0) + 1
    return [FlagSummary(flag, SYMBOLS.get(flag, ""), counts[flag]) for flag in SYMBOLS if flag in counts]


def build_preview(
    table: StatTable,
    match: MatchResult,
    *,
    changes: ChangeCounts,
    existing: Dataset | None,
    mapped: dict[str, Region],
    mapping_errors: dict[str, str],
    stored_values: int,
    district_name: str = "",
) -> ImportPreview:
    """The preview of ``table`` given its matching and what it would change."""
    return ImportPreview(
        code=table.code,
        title=table.title,
        format=table.format,
        format_label=format_label(table.format),
        language=table.language,
        source=table.source,
        licence=table.licence,
        notes=list(table.notes),
        periods=table.periods,
        measures=_measures(table.values),
        breakdowns=_breakdowns(table.values),
        value_count=len(table.values),
        levels=_levels(table.values, match),
        sample=_sample(table.values, match),
        unmatched=match.unmatched,
        outside_message=match.outside_message,
        outside_count=len(match.outside),
        germany_values=match.germany_values,
        flags=_flags(table.values),
        changes=changes,
        existing=existing,
        mapped=mapped,
        mapping_errors=mapping_errors,
        stored_values=stored_values,
        foreign_values=match.foreign_values,
        foreign_message=match.foreign_message,
        district_name=district_name,
    )
