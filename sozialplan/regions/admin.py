"""Regions, hosted districts and Planungsräume in the Django admin (superusers only)."""

from __future__ import annotations

from django.contrib import admin

from sozialplan.regions.models import District, PlanningArea, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ["key", "name", "kind", "designation", "population", "valid_from", "valid_to"]
    list_filter = ["kind", "designation"]
    search_fields = ["key", "ars", "name"]
    raw_id_fields = ["parent"]
    # The boundary is a large GeoJSON document: shown, not edited by hand.
    readonly_fields = ["boundary"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin[District]):
    list_display = ["name", "slug", "region"]
    search_fields = ["name", "slug"]
    raw_id_fields = ["region"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PlanningArea)
class PlanningAreaAdmin(admin.ModelAdmin[PlanningArea]):
    list_display = ["name", "district", "updated_at"]
    list_filter = ["district"]
    search_fields = ["name"]
    raw_id_fields = ["gemeinden", "created_by"]
