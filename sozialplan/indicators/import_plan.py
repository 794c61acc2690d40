"""Planning an import: the rows a statistical table means, compared with the stored rows.

Matching (:mod:`~sozialplan.indicators.import_matching`) gives each key its
region; confirmed mappings add the numbers of old keys to their successor
(:func:`combine`); the result is compared with the dataset's stored rows.
Nothing here writes; :mod:`~sozialplan.indicators.importing` writes the plan.

With a ``district`` (the upload form) the plan holds only the rows of the
district's regions and compares them with the stored rows of those regions
only, so an upload can neither change nor delete another district's, the
Land's or Deutschland's numbers (:mod:`~sozialplan.indicators.import_scope`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from django.utils.translation import gettext as _

from sozialplan.indicators.import_matching import (
    CheckedMappings,
    MatchResult,
    check_mappings,
    match_regions,
    stored_mappings,
)
from sozialplan.indicators.import_preview import ChangeCounts
from sozialplan.indicators.import_scope import in_district
from sozialplan.indicators.models import Dataset, DatasetFormat, Observation
from sozialplan.regions.models import District, Region
from sozialplan.sources.errors import SourceError
from sozialplan.sources.statistics import AGE_OPEN, SYMBOLS, Sex, StatTable, StatValue

#: Most values one table may have (a whole-Germany Gemeinde table by age and sex has about 1 million).
MAX_VALUES: Final = 2_000_000
#: Allowed table codes: letters, digits, ``-``, ``_``, ``.`` (they appear in URLs).
CODE_PATTERN: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$")
#: Largest absolute value accepted (guards against overflow in sums; no statistic is near it).
MAX_ABS_VALUE: Final = 1e15

ObsKey = tuple[int, str, dt.date, str, int, int, str, str]


def number(n: int) -> str:
    """``1234567`` → ``"1.234.567"`` (German thousands separator)."""
    return f"{n:,}".replace(",", ".")


def check_value_count(table: StatTable) -> None:
    """``SourceError`` if the table has more than :data:`MAX_VALUES` values (read at call time: tests lower it)."""
    if len(table.values) > MAX_VALUES:
        raise SourceError(
            _("Die Tabelle hat %(count)s Werte; erlaubt sind höchstens %(limit)s.")
            % {"count": number(len(table.values)), "limit": number(MAX_VALUES)}
        )


@dataclass
class Cell:
    value: float | None
    flag: str
    direct: bool


def combine(a: tuple[float | None, str], b: tuple[float | None, str]) -> tuple[float | None, str]:
    """Sum of two counts with their symbols (see the module docstring)."""
    (a_value, a_flag), (b_value, b_flag) = a, b
    if a_value is None or b_value is None:
        return None, (a_flag if a_value is None else b_flag) or "."
    if a_flag == "-" and b_flag == "-":
        return a_value + b_value, "-"
    return a_value + b_value, "()" if "()" in (a_flag, b_flag) else ""


def _check_value(v: StatValue, file: str) -> None:
    """``SourceError`` for a value the database cannot hold faithfully (hostile or broken reader output)."""
    problem = ""
    if len(v.measure) > 40 or not v.measure:
        problem = _("Das Merkmal „%(m)s“ ist leer oder länger als 40 Zeichen.") % {"m": v.measure[:50]}
    elif len(v.breakdown) > 200 or len(v.variant) > 40:
        problem = _("Gliederung oder Variante ist zu lang.")
    elif v.flag and v.flag not in SYMBOLS:
        problem = _("Das Zeichen „%(flag)s“ ist kein Zeichen der amtlichen Statistik.") % {"flag": v.flag[:10]}
    elif v.sex not in (Sex.TOTAL, Sex.MALE, Sex.FEMALE):
        problem = _("Das Geschlecht „%(sex)s“ ist unbekannt.") % {"sex": v.sex[:10]}
    elif not (0 <= v.age_from < v.age_to <= AGE_OPEN):
        problem = _("Die Altersgruppe %(a)s bis %(b)s ist ungültig.") % {"a": v.age_from, "b": v.age_to}
    elif v.value is not None and not (math.isfinite(v.value) and abs(v.value) < MAX_ABS_VALUE):
        problem = _("Der Wert %(value)s ist keine gültige Zahl.") % {"value": v.value}
    if problem:
        raise SourceError(problem, file=file, line=v.line)


def _check_table(table: StatTable) -> None:
    check_value_count(table)
    if not CODE_PATTERN.match(table.code or ""):
        raise SourceError(
            _("„%(code)s“ ist kein gültiger Tabellencode (Buchstaben, Ziffern, „-“, „_“, „.“; höchstens 60 Zeichen).")
            % {"code": (table.code or "")[:70]}
        )
    if table.format not in DatasetFormat.values or table.format == DatasetFormat.COMPUTED:
        raise SourceError(_("Das Tabellenformat „%(format)s“ ist unbekannt.") % {"format": table.format[:30]})


@dataclass
class Plan:
    """The rows a table means (after matching and mappings) compared with the stored rows.

    ``stored`` holds the dataset's rows that the plan may change (all, or
    with a district those of its regions); ``stored_total`` counts all rows
    of the dataset, for ``Dataset.observation_count``.
    """

    table: StatTable
    match: MatchResult
    mappings: CheckedMappings
    target: dict[ObsKey, Cell]
    existing: Dataset | None
    stored: dict[ObsKey, tuple[int, float | None, str]]
    stored_values: int
    stored_total: int = 0
    district: District | None = None

    @classmethod
    def make(cls, table: StatTable, mappings: Mapping[str, int] | None, *, district: District | None = None) -> Plan:
        """Plan ``table`` with ``mappings`` (``None``: the confirmed ones); ``district`` restricts it (see above)."""
        _check_table(table)
        match = match_regions(table, district=district)
        if mappings is None:
            mappings = stored_mappings((u.key for u in match.unmatched if u.mappable), district=district)
        checked = check_mappings(table, match, mappings, district=district)
        target, stored_values = _target_rows(table, match, checked.accepted)
        existing = Dataset.objects.filter(code=table.code).first()
        stored: dict[ObsKey, tuple[int, float | None, str]] = {}
        stored_total = 0
        if existing is not None:
            changeable = Observation.objects.filter(dataset=existing)
            if district is not None:
                stored_total = changeable.count()
                changeable = changeable.filter(in_district(district))
            rows = changeable.values_list(
                "id",
                "region_id",
                "measure",
                "period",
                "sex",
                "age_from",
                "age_to",
                "breakdown",
                "variant",
                "value",
                "flag",
            )
            for pk, region, measure, period, sex, a, b, breakdown, variant, value, flag in rows.iterator(5_000):
                stored[(region, measure, period, sex, a, b, breakdown, variant)] = (pk, value, flag)
            if district is None:
                stored_total = len(stored)
        return cls(table, match, checked, target, existing, stored, stored_values, stored_total, district)

    def covered(self) -> set[tuple[int, dt.date]]:
        """(region, period) pairs the file covers: only there may stored rows be deleted."""
        return {(key[0], key[2]) for key in self.target}

    def removals(self) -> list[int]:
        covered = self.covered()
        return [
            pk for key, (pk, _v, _f) in self.stored.items() if key not in self.target and (key[0], key[2]) in covered
        ]

    def counts(self) -> ChangeCounts:
        new = changed = unchanged = 0
        for key, cell in self.target.items():
            old = self.stored.get(key)
            if old is None:
                new += 1
            elif old[1] == cell.value and old[2] == cell.flag:
                unchanged += 1
            else:
                changed += 1
        return ChangeCounts(new, changed, unchanged, len(self.removals()))


def _target_rows(table: StatTable, match: MatchResult, mapped: Mapping[str, Region]) -> tuple[dict[ObsKey, Cell], int]:
    """The rows to store, keyed like ``Observation.key``; and how many values of the file they hold.

    A key twice in the file for the same region is an error (which number is
    right?); values of mapped keys are added to their successor's.
    """
    target: dict[ObsKey, Cell] = {}
    lines: dict[ObsKey, int | None] = {}
    stored_values = 0
    file = table.code
    for v in table.values:
        _check_value(v, file)
        region = match.matched.get(v.region_key)
        direct = region is not None
        if region is None:
            region = mapped.get(v.region_key)
            if region is None:
                continue
        stored_values += 1
        key: ObsKey = (region.pk, v.measure, v.period, v.sex, v.age_from, v.age_to, v.breakdown, v.variant)
        cell = target.get(key)
        if cell is None:
            target[key] = Cell(v.value, v.flag, direct)
            lines[key] = v.line
            continue
        if direct and cell.direct:
            where = _("Zeile %(line)s") % {"line": lines[key]} if lines[key] is not None else _("weiter oben")
            raise SourceError(
                _("Derselbe Wert (%(region)s, %(measure)s, %(period)s) steht doppelt in der Datei (%(where)s).")
                % {"region": region.name, "measure": v.measure, "period": f"{v.period:%d.%m.%Y}", "where": where},
                file=file,
                line=v.line,
            )
        cell.value, cell.flag = combine((cell.value, cell.flag), (v.value, v.flag))
        cell.direct = cell.direct or direct
    return target, stored_values
