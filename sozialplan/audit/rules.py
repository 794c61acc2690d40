"""Who may read the audit trail (see docs/permissions.md).

Pass the ``District``. The trail names people and shows every proposed and
rejected change, so it is for the district's planners only.
"""

from __future__ import annotations

from rules.permissions import add_perm

from sozialplan.accounts.rules import is_planner

add_perm("audit.view_trail", is_planner)
