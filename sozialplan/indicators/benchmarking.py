"""Confidence intervals, comparisons with Kreis and Land, and small-number suppression of indicator values.

The statistics are the Django-free functions of
:mod:`sozialplan.analysis.benchmark` and :mod:`sozialplan.analysis.suppression`;
this module applies them to a catalogue definition:

* ``wilson``: the numerator is a subset of the denominator (a share): Wilson
  score interval of ``numerator / denominator``, times the multiplier;
* ``byar``: the numerator is a Poisson count (births, persons of an age) over
  a denominator taken as fixed: Byar's interval of the count divided by the
  denominator, times the multiplier (as PHE Fingertips does for rates and
  ratios);
* ``none``: no interval; the value is then not compared by significance
  ("nicht verglichen").

Estimates and projections (``IndicatorValue.modelled``) get no interval: a
sampling interval says nothing about the error of a small-area estimate or a
projection. A comparison that involves one (the area's value or the
comparator's) is by point value only: ``higher``, ``lower`` or ``similar``
(equal at the decimals shown), never ``better``/``worse`` and never a claim
of significance (:func:`by_point_value`).
"""

from __future__ import annotations

from collections.abc import Iterable

from sozialplan.analysis.benchmark import compare, proportion_interval, rate_interval
from sozialplan.analysis.suppression import suppress_count
from sozialplan.indicators.catalogue import IndicatorDefinition
from sozialplan.indicators.numbers import format_number
from sozialplan.indicators.values import Comparison, IndicatorValue


def confidence_interval(
    definition: IndicatorDefinition, numerator: float | None, denominator: float | None
) -> tuple[float | None, float | None]:
    """95 % interval of the value in the indicator's unit, or ``(None, None)`` where the method does not apply.

    ``wilson`` needs ``0 <= numerator <= denominator`` and a positive
    denominator, ``byar`` a numerator ``>= 0`` (not a balance) and a positive denominator.
    """
    interval = None
    if definition.ci_method == "wilson":
        interval = proportion_interval(numerator, denominator, definition.multiplier)
    elif definition.ci_method == "byar":
        interval = rate_interval(numerator, denominator, definition.multiplier)
    return interval if interval is not None else (None, None)


def comparison(definition: IndicatorDefinition, value: IndicatorValue, comparator: IndicatorValue | None) -> Comparison:
    """How ``value`` compares with ``comparator`` (Fingertips logic, see :func:`sozialplan.analysis.benchmark.compare`).

    ``not_compared`` when either value is unknown or suppressed, when the
    comparator is the area itself (the Kreis against the Kreis), or when
    the indicator has no confidence interval. Where an estimate or a
    projection is involved (:func:`by_point_value`): the point values only,
    ``higher``/``lower``, or ``similar`` when they are equal at the
    definition's decimals; the polarity is not applied.
    """
    if comparator is None or value.value is None or comparator.value is None:
        return "not_compared"
    if comparator.area_key == value.area_key:
        return "not_compared"
    if by_point_value(value, comparator):
        decimals = definition.decimals
        if format_number(value.value, decimals) == format_number(comparator.value, decimals):
            return "similar"
        return "higher" if value.value > comparator.value else "lower"
    ci_available = definition.ci_method != "none" and value.lower is not None and value.upper is not None
    return compare(value.value, value.lower, value.upper, comparator.value, definition.polarity, ci_available)


def by_point_value(value: IndicatorValue, comparator: IndicatorValue | None) -> bool:
    """Whether the two values are compared by point value only: both known, different areas, one modelled.

    True when the area's value or the comparator's comes from an estimate or
    a projection; such a comparison carries no statement of significance.
    """
    if comparator is None or value.value is None or comparator.value is None:
        return False
    if comparator.area_key == value.area_key:
        return False
    return value.modelled or comparator.modelled


def is_small(counts: Iterable[float | None], threshold: int) -> bool:
    """Whether any of the counts is a small number (``0 < count < threshold``) that public views must hide."""
    return any(suppress_count(count, threshold) for count in counts)
