"""Who may see and work on the Bedarfsanalyse (see docs/permissions.md).

The object of every permission is the ``District`` of the URL (or a gap,
whose district counts). Planners and committee members read the analysis
and the gap register; only planners start a recomputation, confirm or dismiss
a gap and comment on it. Träger get 403, non-members 404 (views).
"""

from __future__ import annotations

from rules.permissions import add_perm

from sozialplan.accounts.rules import is_committee_member, is_planner

# Bedarfsanalyse pages, gap register, gap details, CSV/GeoJSON exports.
add_perm("needs.view_needs", is_planner | is_committee_member)
# Start a recomputation.
add_perm("needs.recompute", is_planner)
# Confirm or dismiss a gap (with a reason), reopen it, comment on it.
add_perm("needs.decide_gap", is_planner)
