"""Träger, Standorte, Angebote and proposals in the Django admin (superusers only).

Changes made here bypass the approval workflow and the audit trail; the
workspace (/planung/) is the place for day-to-day work.
"""

from __future__ import annotations

from django.contrib import admin

from sozialplan.offerings.models import Offering, OfferingChange, Provider, Schedule, Site, SiteChange


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin[Provider]):
    list_display = ["name", "district", "kind", "legal_form", "retired_at"]
    list_filter = ["district", "kind", ("retired_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "alternate_name"]
    readonly_fields = ["uuid", "created_at", "updated_at"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin[Site]):
    list_display = ["name", "district", "gemeinde", "provider", "position_precision", "retired_at"]
    list_filter = [
        "district",
        "position_precision",
        "wheelchair_accessible",
        ("retired_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["name", "street", "town", "provider__name"]
    autocomplete_fields = ["provider"]
    raw_id_fields = ["gemeinde"]
    readonly_fields = ["uuid", "created_at", "updated_at"]
    list_select_related = ["district", "gemeinde", "provider"]


class ScheduleInline(admin.TabularInline[Schedule, Offering]):
    model = Schedule
    extra = 0
    exclude = ["hsds_extra"]


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin[Offering]):
    list_display = ["name", "district", "provider", "status", "review_state", "assured_date", "lsz_funded"]
    list_filter = ["district", "status", "review_state", "lsz_funded", "action_fields", "offer_type"]
    search_fields = ["name", "alternate_name", "provider__name"]
    autocomplete_fields = ["provider", "sites"]
    filter_horizontal = ["action_fields", "target_groups", "themes"]
    raw_id_fields = ["served_regions", "assured_by"]
    readonly_fields = ["uuid", "created_at", "updated_at"]
    list_select_related = ["district", "provider"]
    inlines = [ScheduleInline]


@admin.register(OfferingChange)
class OfferingChangeAdmin(admin.ModelAdmin[OfferingChange]):
    list_display = ["offering", "state", "submitted_by", "submitted_at", "decided_by", "decided_at"]
    list_filter = ["state", "offering__district"]
    search_fields = ["offering__name", "submitted_by__username"]
    readonly_fields = ["offering", "data", "submitted_by", "submitted_at", "decided_by", "decided_at"]
    list_select_related = ["offering", "submitted_by", "decided_by"]


@admin.register(SiteChange)
class SiteChangeAdmin(admin.ModelAdmin[SiteChange]):
    list_display = ["site", "state", "submitted_by", "submitted_at", "decided_by", "decided_at"]
    list_filter = ["state", "site__district"]
    search_fields = ["site__name", "submitted_by__username"]
    readonly_fields = ["site", "data", "submitted_by", "submitted_at", "decided_by", "decided_at"]
    list_select_related = ["site", "submitted_by", "decided_by"]
