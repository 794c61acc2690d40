"""Who may see and change Planungsräume (see docs/permissions.md).

Pass the ``District`` (list, create) or the ``PlanningArea`` (edit, delete).
"""

from __future__ import annotations

from rules.permissions import add_perm

from sozialplan.accounts.rules import is_committee_member, is_planner

add_perm("regions.view_planningarea", is_planner | is_committee_member)
add_perm("regions.add_planningarea", is_planner)
add_perm("regions.change_planningarea", is_planner)
add_perm("regions.delete_planningarea", is_planner)
