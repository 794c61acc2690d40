"""Who may see and change Träger, Standorte and Angebote (see docs/permissions.md).

Every permission is object-level: pass the ``District`` for district-wide
actions (lists, creating) and the ``Provider``, ``Site`` or ``Offering`` for
actions on one record. Without an object every rule is false (except
``offerings.view_provider_area``), so Django's global model permissions never
widen access across districts.

A Träger's "change" of a published offer is a proposal: the views and
``services.propose_offering_change`` keep the public version until a planner
approves it (``offerings.approve_offering``).
"""

from __future__ import annotations

from rules.permissions import add_perm

from sozialplan.accounts.rules import (
    is_any_provider,
    is_committee_member,
    is_district_provider,
    is_planner,
    is_provider_member,
)

# Read-only overview of the district: planners and committee members.
add_perm("offerings.view_workspace", is_planner | is_committee_member)

# Angebote
add_perm("offerings.view_offering", is_planner | is_committee_member | is_provider_member)
add_perm("offerings.add_offering", is_planner | is_district_provider)
add_perm("offerings.change_offering", is_planner | is_provider_member)
add_perm("offerings.approve_offering", is_planner)
add_perm("offerings.retire_offering", is_planner)
add_perm("offerings.verify_offering", is_planner)

# Träger
add_perm("offerings.view_provider", is_planner | is_committee_member | is_provider_member)
add_perm("offerings.add_provider", is_planner)
add_perm("offerings.change_provider", is_planner)
add_perm("offerings.retire_provider", is_planner)

# Standorte: a Träger keeps the addresses of its own Standorte current. Its change of a
# Standort that serves a published offer is a proposal (``site_changes``) that a planner
# approves or rejects (``offerings.approve_site``).
add_perm("offerings.view_site", is_planner | is_committee_member | is_provider_member)
add_perm("offerings.add_site", is_planner | is_district_provider)
add_perm("offerings.change_site", is_planner | is_provider_member)
add_perm("offerings.approve_site", is_planner)
add_perm("offerings.retire_site", is_planner)

# The Träger area "Meine Angebote" (no object: it spans all the user's Träger).
add_perm("offerings.view_provider_area", is_any_provider)

# A Träger's own page in that area (its data, Standorte, Angebote): only who acts for it.
add_perm("offerings.view_own_provider", is_provider_member)
