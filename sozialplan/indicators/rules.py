"""Who may import and manage statistical tables (see docs/permissions.md and docs/statistics-import.md).

Datasets are shared by all districts of an installation (an official table
covers many Kreise), but every page about them lives under a district, so the
object of each permission is the ``District`` of the URL: a planner of that
district imports and deletes, planners and committee members see the list of
datasets read-only. Träger and the public see the numbers only through the
indicator pages.
"""

from __future__ import annotations

from rules.permissions import add_perm

from sozialplan.accounts.rules import is_committee_member, is_planner

# Upload, preview, import, confirm old → new key mappings, delete a dataset.
add_perm("indicators.import_statistics", is_planner)
# The list and detail pages of the imported datasets (read-only for the committee).
add_perm("indicators.view_statistics_admin", is_planner | is_committee_member)
