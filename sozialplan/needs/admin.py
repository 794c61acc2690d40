"""Road networks, runs, results and gaps in the Django admin (superusers only, read-only).

Everything here is computed (``compute-needs``, the background task) or
decided by planners on the gap pages, where decisions are audited; editing
in the admin would bypass both, so the admin only shows. Deleting a road
network or an old run is allowed (cascades to its results).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sozialplan.needs.models import AnalysisRun, AreaResult, Gap, GapComment, RoadNetwork


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """No adding, no changing (the change page shows the fields read-only)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        del request  # computed, never entered by hand
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        del request, obj  # see the module docstring
        return False


@admin.register(RoadNetwork)
class RoadNetworkAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "district",
        "source_format",
        "data_date",
        "node_count",
        "edge_count",
        "is_active",
        "imported_at",
    ]
    list_filter = ["district", "is_active", "source_format"]
    search_fields = ["name", "source_name"]
    exclude = ["graph"]


@admin.register(AnalysisRun)
class AnalysisRunAdmin(ReadOnlyAdmin):
    list_display = ["pk", "district", "status", "progress", "method", "reason", "requested_at", "finished_at"]
    list_filter = ["district", "status", "method"]
    exclude = ["points", "supply", "matrix"]


@admin.register(AreaResult)
class AreaResultAdmin(ReadOnlyAdmin):
    list_display = ["area_name", "level", "action_field", "target_group", "mode", "population", "nearest_min", "run"]
    list_filter = ["level", "mode", "action_field", "target_group"]
    search_fields = ["area_name", "area_key"]
    list_select_related = ["action_field", "target_group", "run"]
    raw_id_fields = ["run", "region", "planning_area"]


class GapCommentInline(admin.TabularInline[GapComment, Gap]):
    model = GapComment
    extra = 0
    readonly_fields = ["author", "text", "created_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        del request, obj  # comments are written on the gap page (audited)
        return False


@admin.register(Gap)
class GapAdmin(ReadOnlyAdmin):
    list_display = ["area_name", "kind", "action_field", "target_group", "mode", "severity", "status", "is_current"]
    list_filter = ["district", "kind", "status", "is_current", "action_field", "target_group"]
    search_fields = ["area_name", "sentence"]
    list_select_related = ["action_field", "target_group"]
    inlines = [GapCommentInline]
