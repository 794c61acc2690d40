"""Small-number suppression for public views (statistical disclosure control).

Rule: public views hide every count from 1 up to ``threshold − 1`` persons
or events (default threshold 3, setting ``SMALL_NUMBER_THRESHOLD``: 1 and 2
are hidden), and every ratio whose numerator is such a count (a share of
50 % among 2 persons tells as much as the count). 0 is shown as 0: "nobody"
discloses nothing about a person. Fractional counts (estimates) are judged
the same way, so 0.4 estimated persons are hidden too. Planners see all values.

The rule protects the numerator; it does not protect against differencing
(the complement ``denominator − numerator`` or the difference of two
published aggregates). Threshold 1 or below hides nothing.
"""

from __future__ import annotations

import math


def suppress_count(value: float | None, threshold: int) -> bool:
    """Whether a count must be hidden: ``0 < value < threshold``.

    ``None``/NaN (nothing to show), 0 and counts at or above the threshold are
    not suppressed; negative values are not counts (e.g. a migration balance)
    and are never suppressed by this rule.
    """
    if value is None or math.isnan(value):
        return False
    return 0 < value < threshold


def suppress_indicator(numerator: float | None, value: float | None, threshold: int, is_count: bool) -> bool:
    """Whether an indicator value must be hidden in public views.

    ``is_count``: the indicator is a count itself (no denominator), judged by
    ``value``; otherwise it is a ratio, judged by its ``numerator`` count.
    """
    return suppress_count(value if is_count else numerator, threshold)
