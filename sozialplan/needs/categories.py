"""Which Zielgruppen the Bedarfsanalyse can measure, and which offers serve a category.

A *category* is a Handlungsfeld (``ActionField.code``, 1–6) with a
Zielgruppe (``TargetGroup.code``). Demand needs a number of persons, so only
Zielgruppen with an age basis are analysed (:data:`DEMAND_GROUPS`); their
age band selects the persons of each demand point. Families are measured by
their children (persons under 18, a proxy that the pages say); "alle
Generationen" by everybody.

Zielgruppen without an age basis — Alleinerziehende, Eltern, Pflegende
Angehörige, Menschen mit Behinderung, Menschen mit Migrationsgeschichte,
Menschen in finanziellen Notlagen, Ehrenamtliche — are *not analysed*: no
statistic we hold counts them per Gemeinde, and an age band would misstate
them. Their offers stay in the inventory; they simply form no category.

An offer serves a category (:func:`offer_matches`) when it has the
Handlungsfeld and

* the Zielgruppe itself, or "alle Generationen", or
* an age range (``Offering.min_age``/``max_age``, inclusive) overlapping the
  Zielgruppe's band, or
* a Zielgruppe with an age band of its own that contains the category's band
  (an offer for Senior:innen, 65+, also serves Hochbetagte, 80+; proxies such
  as Familien do not count here).

The category "alle Generationen" itself is served only by offers tagged so
or open to every age (``min_age`` 0, no ``max_age``): any age range overlaps
"everybody", but a Kita for 0–5 is no offer for all generations.

Age bands are ``(from, to)`` in whole years including both ends, ``to`` =
999 meaning "and older" (as in :mod:`sozialplan.analysis.demand`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_noop

from sozialplan.analysis.demand import OPEN_AGE
from sozialplan.sources.statistics import AGE_OPEN

Band = tuple[int, int]

#: The Zielgruppe that every offer for everybody carries.
ALL_GENERATIONS = "alle-generationen"


@dataclass(frozen=True)
class DemandGroup:
    """A Zielgruppe the analysis can count.

    ``band``: ages inclusive (``to`` = 999 open). ``label``: German plural
    noun phrase for the persons, used in sentences ("In Themar leben 412
    Menschen ab 80"). ``audience``: German "für …" phrase for offers of the
    group. ``proxy_note``: non-empty when the band only stands in for the
    group (Familien), shown next to every number of the group.
    """

    code: str
    band: Band
    label: str
    audience: str
    proxy_note: str = ""

    @property
    def half_open(self) -> Band:
        """The band as ``[from, to)`` for statistics (``to`` exclusive, 999 open)."""
        lower, upper = self.band
        return (lower, AGE_OPEN if upper >= OPEN_AGE else upper + 1)

    @property
    def band_key(self) -> str:
        """``"0-5"``, ``"80-999"``: the key of the band in a run's stored points."""
        return band_key(self.band)


def band_key(band: Band) -> str:
    return f"{band[0]}-{band[1]}"


#: Zielgruppe code → how it is counted. Labels are German (msgids, translated when shown).
DEMAND_GROUPS: dict[str, DemandGroup] = {
    group.code: group
    for group in (
        DemandGroup(
            "kinder-unter-6", (0, 5), gettext_noop("Kinder unter 6 Jahren"), gettext_noop("für Kinder unter 6 Jahren")
        ),
        DemandGroup("kinder", (6, 13), gettext_noop("Kinder von 6 bis 13 Jahren"), gettext_noop("für Kinder")),
        DemandGroup(
            "jugendliche", (14, 17), gettext_noop("Jugendliche von 14 bis 17 Jahren"), gettext_noop("für Jugendliche")
        ),
        DemandGroup(
            "junge-erwachsene",
            (18, 26),
            gettext_noop("junge Erwachsene von 18 bis 26 Jahren"),
            gettext_noop("für junge Erwachsene"),
        ),
        DemandGroup("senioren", (65, OPEN_AGE), gettext_noop("Menschen ab 65"), gettext_noop("für Senior:innen")),
        DemandGroup("hochbetagte", (80, OPEN_AGE), gettext_noop("Menschen ab 80"), gettext_noop("für Hochbetagte")),
        DemandGroup(
            "familien",
            (0, 17),
            gettext_noop("Kinder und Jugendliche unter 18"),
            gettext_noop("für Familien"),
            proxy_note=gettext_noop("Kinder und Jugendliche unter 18 als Maß für Familien"),
        ),
        DemandGroup(ALL_GENERATIONS, (0, OPEN_AGE), gettext_noop("Menschen"), gettext_noop("für alle Generationen")),
    )
}

#: Groups whose band is the group itself (no proxy, not everybody): their offers serve narrower groups inside.
AGE_GROUPS = frozenset(
    code for code, group in DEMAND_GROUPS.items() if not group.proxy_note and code != ALL_GENERATIONS
)


def all_bands() -> list[Band]:
    """The distinct bands of :data:`DEMAND_GROUPS`, in a fixed order."""
    return list(dict.fromkeys(group.band for group in DEMAND_GROUPS.values()))


def _overlaps(a: Band, b: Band) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _contains(outer: Band, inner: Band) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def offer_matches(
    action_fields: Collection[int],
    target_groups: Collection[str],
    min_age: int | None,
    max_age: int | None,
    action_field: int,
    target_group: str,
) -> bool:
    """Whether an offer with these Handlungsfelder, Zielgruppen and ages serves the category (see module doc).

    ``False`` for a Zielgruppe that is not in :data:`DEMAND_GROUPS`.
    """
    group = DEMAND_GROUPS.get(target_group)
    if group is None or action_field not in action_fields:
        return False
    if target_group in target_groups or ALL_GENERATIONS in target_groups:
        return True
    if target_group == ALL_GENERATIONS:
        # Everybody is served only by an offer for every age: a Kita (0–5) overlaps
        # the band 0–999 but is no offer for all generations.
        return min_age == 0 and max_age is None
    if min_age is not None or max_age is not None:
        ages = (min_age or 0, OPEN_AGE if max_age is None else max_age)
        if _overlaps(ages, group.band):
            return True
    return any(
        code in AGE_GROUPS and code != target_group and _contains(DEMAND_GROUPS[code].band, group.band)
        for code in target_groups
    )


def matching_categories(
    offers: Iterable[tuple[Collection[int], Collection[str], int | None, int | None]],
) -> list[tuple[int, str]]:
    """The categories (HF code, Zielgruppe code) named by at least one of these offers, sorted.

    "Named" means the offer serves the Zielgruppe by :func:`offer_matches`
    without counting its "alle Generationen" tag (see the comment below).

    Each offer is given as (Handlungsfeld codes, Zielgruppe codes, min_age, max_age).
    """
    found: set[tuple[int, str]] = set()
    offers = list(offers)
    for fields, groups, min_age, max_age in offers:
        for field in fields:
            for code in DEMAND_GROUPS:
                # An offer for "alle Generationen" serves every group, but it makes
                # no category of its own for each of them: otherwise one such offer
                # in a Handlungsfeld would open eight categories and a gap register
                # of hundreds of near-duplicates. It counts as supply everywhere.
                named = groups if code == ALL_GENERATIONS else [g for g in groups if g != ALL_GENERATIONS]
                if (field, code) not in found and offer_matches(fields, named, min_age, max_age, field, code):
                    found.add((field, code))
    order = {code: i for i, code in enumerate(DEMAND_GROUPS)}
    return sorted(found, key=lambda c: (c[0], order[c[1]]))
