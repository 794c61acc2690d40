"""Reference data in the Django admin (superusers only).

The reference data is loaded from data/reference/*.json; edits here are
overwritten by the next ``sozialplan load-reference`` for rows with the same code.
"""

from __future__ import annotations

from django.contrib import admin

from sozialplan.catalog.models import ActionField, CrossCuttingTheme, OfferType, TargetGroup


@admin.register(ActionField)
class ActionFieldAdmin(admin.ModelAdmin[ActionField]):
    list_display = ["code", "short_name", "name"]
    search_fields = ["name", "short_name"]


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin[TargetGroup]):
    list_display = ["name", "code", "min_age", "max_age", "sort_order"]
    search_fields = ["name", "code"]


@admin.register(OfferType)
class OfferTypeAdmin(admin.ModelAdmin[OfferType]):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(CrossCuttingTheme)
class CrossCuttingThemeAdmin(admin.ModelAdmin[CrossCuttingTheme]):
    list_display = ["name", "code", "applies_to_all_fields"]
    list_filter = ["applies_to_all_fields"]
    search_fields = ["name", "code"]
