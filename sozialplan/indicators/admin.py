"""Datasets, values and key mappings in the Django admin (superusers only, read-mostly).

Imports go through ``sozialplan import-statistics`` or the planner's upload
form, which match regions, keep symbols and write atomically; editing values
here bypasses all of that and the audit trail, so values are read-only.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from sozialplan.indicators.models import Dataset, Observation, RegionKeyMapping


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin[Dataset]):
    list_display = ["code", "title", "kind", "format", "vintage", "observation_count", "unmatched_count", "imported_at"]
    list_filter = ["kind", "format"]
    search_fields = ["code", "title", "source"]
    readonly_fields = ["imported_at", "imported_by", "sha256", "file_name", "observation_count", "unmatched_count"]


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin[Observation]):
    list_display = ["dataset", "region", "measure", "period", "sex", "age_from", "age_to", "variant", "value", "flag"]
    list_filter = ["dataset", "measure", "period", "sex", "flag"]
    search_fields = ["region__name", "region__key"]
    list_select_related = ["dataset", "region"]
    raw_id_fields = ["region"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        del request  # nobody adds values by hand
        return False

    def has_change_permission(self, request: HttpRequest, obj: Observation | None = None) -> bool:
        del request, obj  # values change only by importing their table again
        return False


@admin.register(RegionKeyMapping)
class RegionKeyMappingAdmin(admin.ModelAdmin[RegionKeyMapping]):
    list_display = ["old_key", "old_name", "new_region", "confirmed_by", "confirmed_at"]
    search_fields = ["old_key", "old_name", "new_region__name"]
    raw_id_fields = ["new_region"]
    readonly_fields = ["confirmed_by", "confirmed_at"]
