"""Small-area population projection: cohort-change ratios, share methods and calibration.

Two documented methods (Smith, Tayman & Swanson, *A Practitioner's Guide to
State and Local Population Projections*, 2013, ch. 8–10):

**Hamilton–Perry cohort-change ratios** (Hamilton & Perry 1962; Swanson,
Schlottmann & Schmidt 2010), where a small area has age groups for two dates
``t0`` and ``t1 = t0 + k`` and ``k`` equals the width by which the age bands
shift (e.g. 5-year groups 5 years apart)::

    CCR_x   = P_x(t1) / P_{x−k}(t1 − k)              cohort-change ratio of band x
    P_x(t1 + k) = CCR_x · P_{x−k}(t1)                 projection of bands x ≥ k
    CWR_y   = P_y(t1) / P_[15,50)(t1)                 child ratio of the young bands y < k
    P_y(t1 + k) = CWR_y · P_[15,50)(t1 + k)

The ratios fold births, deaths and migration into one number per cohort; the
open band ``x+`` takes its cohort from ``(x−k)+``. The classic child-woman ratio
uses women aged 15–49; without sex-specific data the ratio to all persons of
that age is used (pass the women's table to get the classic one).

**Share method** (constant share or shift-share, "ratio method"): a part's
share of a higher level's population at the base date is kept (or moved along
its trend) and applied to the higher level's official projection::

    s_i(0) = P_i(0) / T(0)                              base share
    s_i(y) = s_i(0) + g_i · (1 − φ^n) / (1 − φ)         dampened trend, n = y − base year
    P_i(y) = s_i(y) · T(y)                              after renormalising the shares to 1

where ``g_i`` is the annual change of the share between two earlier dates of
the same statistic, and the damping ``φ`` (default 0.9 per year) lets the
trend fade out (``φ = 1``: linear trend). The part of the higher level not
listed ("rest") gets the opposite of the listed parts' shifts, negative
shares are set to 0 and all shares renormalised to sum to 1, so the parts
and the rest add up **exactly** to ``T(y)``; if the parts cover the whole
higher level they alone add up to ``T(y)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from sozialplan.sources.statistics import AGE_OPEN

Band = tuple[int, int]

#: Age band whose size the child ratios refer to (women's reproductive ages in the classic CWR).
CHILD_REFERENCE: Band = (15, 50)
#: Default annual damping of a share trend.
DAMPING = 0.9


def band_sum(bands: Mapping[Band, float], age_from: int, age_to: int) -> float | None:
    """Persons in ``[age_from, age_to)`` from bands that tile it exactly, else ``None``.

    ``bands`` maps (age_from, age_to) with ``age_to`` exclusive and
    ``AGE_OPEN`` for "and older". The all-ages band (0, AGE_OPEN) is used only
    when asked for exactly. Any exact tiling is used (consistent data give the
    same sum for every tiling).
    """
    if (age_from, age_to) in bands:
        return bands[(age_from, age_to)]
    pieces = sorted(b for b in bands if b != (0, AGE_OPEN))

    @cache
    def cover(start: int) -> float | None:
        if start == age_to:
            return 0.0
        for lower, upper in pieces:
            if lower == start and (upper <= age_to or age_to == AGE_OPEN):
                rest = cover(upper)
                if rest is not None:
                    return bands[(lower, upper)] + rest
        return None

    return cover(age_from)


def _shift(band: Band, years: int) -> Band:
    lower, upper = band
    return (lower - years, upper if upper == AGE_OPEN else upper - years)


def cohort_change_ratios(earlier: Mapping[Band, float], later: Mapping[Band, float], years: int) -> dict[Band, float]:
    """Hamilton–Perry cohort-change ratios ``CCR_x = P_x(t1) / P_{x−k}(t0)`` with ``k = years``.

    ``earlier`` and ``later`` are the age bands of one area at ``t0`` and
    ``t1 = t0 + years``. A ratio is given for every band of ``later`` that
    starts at or above ``years`` and whose cohort band (shifted down by
    ``years``; the open band ``x+`` → ``(x−k)+``) is tiled exactly by
    ``earlier`` with a positive number of persons. Bands below ``years`` have no
    cohort (born after ``t0``): see :func:`child_ratios`.
    """
    if years <= 0:
        raise ValueError("Der Abstand der Stichtage muss mindestens ein Jahr sein.")
    ratios: dict[Band, float] = {}
    for band, value in later.items():
        if band == (0, AGE_OPEN) or band[0] < years:
            continue
        cohort = band_sum(earlier, *_shift(band, years))
        if cohort is not None and cohort > 0:
            ratios[band] = value / cohort
    return ratios


def child_ratios(later: Mapping[Band, float], years: int, reference: Band = CHILD_REFERENCE) -> dict[Band, float]:
    """Ratios ``P_y(t1) / P_reference(t1)`` of the bands below ``years`` (born during the interval).

    With a women's table as ``later`` and ``reference`` (15, 50) this is the
    child-woman ratio. Empty if the reference band cannot be composed or is 0.
    """
    base = band_sum(later, *reference)
    if not base:
        return {}
    return {band: value / base for band, value in later.items() if band[0] < years and band != (0, AGE_OPEN)}


def project_cohorts(
    base: Mapping[Band, float],
    ratios: Mapping[Band, float],
    children: Mapping[Band, float],
    years: int,
    reference: Band = CHILD_REFERENCE,
) -> dict[Band, float]:
    """One Hamilton–Perry step: the bands of ``ratios`` and ``children`` ``years`` after ``base``.

    ``P_x = CCR_x · P_{x−k}(base)``; young bands ``P_y = CWR_y · P_reference``
    with the reference band composed from the projected bands. Raises
    ``ValueError`` (German) if a cohort or the reference band cannot be
    composed from the bands.
    """
    projected: dict[Band, float] = {}
    for band, ratio in ratios.items():
        cohort = band_sum(base, *_shift(band, years))
        if cohort is None:
            raise ValueError(f"Die Kohorte der Altersgruppe {band[0]}–{band[1]} fehlt im Ausgangsbestand.")
        projected[band] = ratio * cohort
    if children:
        mothers = band_sum(projected, *reference)
        if mothers is None:
            raise ValueError(f"Die Bezugsgruppe {reference[0]}–{reference[1]} Jahre ist nicht berechenbar.")
        for band, ratio in children.items():
            projected[band] = ratio * mothers
    return projected


def share_trend(
    earlier: Mapping[str, float], earlier_total: float, later: Mapping[str, float], later_total: float, years: float
) -> dict[str, float]:
    """Annual change of each part's share, ``g_i = (P_i(t1)/T(t1) − P_i(t0)/T(t0)) / (t1 − t0)``.

    Only for parts present at both dates. Both dates must come from the same
    statistic (the same method and definition of the population), otherwise
    the "trend" is a method break.
    """
    if years <= 0 or earlier_total <= 0 or later_total <= 0:
        raise ValueError("Für einen Trend braucht es zwei Stichtage mit positiven Gesamtzahlen.")
    return {
        part: (later[part] / later_total - earlier[part] / earlier_total) / years for part in earlier if part in later
    }


def share_projection(
    base: Mapping[str, float],
    base_total: float,
    target_totals: Mapping[int, float],
    *,
    trend: Mapping[str, float] | None = None,
    base_year: float | None = None,
    damping: float = DAMPING,
) -> dict[int, dict[str, float]]:
    """Each part's projected population per target year by the (shift-)share method (see module docstring).

    ``base`` are the parts' populations at the base date, ``base_total`` the
    higher level's population at the same date (the parts may cover only
    some of it), ``target_totals`` the higher level's projection per year.
    ``trend`` is the annual change of each part's share (:func:`share_trend`);
    it needs ``base_year`` (may be fractional, e.g. 2022.37 for 15.05.2022).
    Without ``trend`` the shares stay constant.

    Raises ``ValueError`` (German) for a non-positive base total, parts that
    sum to more than it, negative numbers or a damping outside (0, 1].
    """
    if base_total <= 0:
        raise ValueError("Die Gesamtzahl am Basisstichtag muss positiv sein.")
    if any(v < 0 for v in base.values()) or any(v < 0 for v in target_totals.values()):
        raise ValueError("Einwohnerzahlen dürfen nicht negativ sein.")
    covered = sum(base.values())
    if covered > base_total * (1 + 1e-9):
        raise ValueError(f"Die Teile ({covered:g}) sind größer als die Gesamtzahl ({base_total:g}).")
    if trend and base_year is None:
        raise ValueError("Für eine Trendfortschreibung fehlt das Basisjahr.")
    if not 0 < damping <= 1:
        raise ValueError("Der Dämpfungsfaktor muss zwischen 0 (ausschließlich) und 1 liegen.")
    shares = {part: value / base_total for part, value in base.items()}
    rest = max(0.0, 1.0 - covered / base_total)
    whole = rest <= 1e-9
    result: dict[int, dict[str, float]] = {}
    for year, total in sorted(target_totals.items()):
        factor = _trend_factor(year - base_year, damping) if base_year is not None else 0.0
        moved = {part: max(0.0, s + (trend or {}).get(part, 0.0) * factor) for part, s in shares.items()}
        shift = sum(moved.values()) - sum(shares.values())
        rest_share = 0.0 if whole else max(0.0, rest - shift)
        norm = sum(moved.values()) + rest_share
        parts = {part: s / norm * total if norm > 0 else 0.0 for part, s in moved.items()}
        result[year] = calibrate(parts, total) if whole else parts
    return result


def _trend_factor(elapsed: float, damping: float) -> float:
    """Cumulative trend years after ``elapsed`` years: ``Σ φ^(k−1) = (1 − φ^n)/(1 − φ)`` (``n`` if φ = 1)."""
    n = max(0.0, elapsed)
    if damping == 1:
        return n
    return float((1 - damping**n) / (1 - damping))


def calibrate(parts: Mapping[str, float], total: float) -> dict[str, float]:
    """Proportional raking: scale the parts so that they add up to ``total`` (``x_i · T / Σ x``).

    The largest part absorbs the floating-point remainder, so the sum equals
    ``total`` exactly (as exactly as floats allow). All-zero parts with a
    total of 0 stay 0; all-zero parts with a positive total raise
    ``ValueError`` (German), as do negative numbers.
    """
    if total < 0 or any(v < 0 for v in parts.values()):
        raise ValueError("Zum Kalibrieren sind nur nicht negative Werte erlaubt.")
    current = sum(parts.values())
    if current == 0:
        if total == 0:
            return dict.fromkeys(parts, 0.0)
        raise ValueError(f"Teile mit der Summe 0 lassen sich nicht auf {total:g} kalibrieren.")
    scaled = {part: value * total / current for part, value in parts.items()}
    largest = max(scaled, key=lambda p: scaled[p])
    scaled[largest] += total - sum(scaled.values())
    return scaled
