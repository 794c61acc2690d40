"""Django admin (/verwaltung/): memberships, and the rule that only superusers may enter.

The admin edits records directly, without the workflows and the audit trail
of the workspace; it is for the people who run the installation (superusers),
not for planners. Planners and Träger work in /planung/.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sozialplan.accounts.models import Membership


def superuser_only(request: HttpRequest) -> bool:
    """Admin access: active superusers only (staff status alone is not enough)."""
    user = request.user
    return bool(user.is_active and getattr(user, "is_superuser", False))


admin.site.has_permission = superuser_only  # type: ignore[method-assign]
admin.site.site_header = _("sozialplan – Verwaltung")
admin.site.site_title = _("sozialplan – Verwaltung")
admin.site.index_title = _("Verwaltung der Installation")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "district", "role", "provider"]
    list_filter = ["role", "district"]
    search_fields = ["user__username", "user__email", "provider__name"]
    autocomplete_fields = ["provider"]
    list_select_related = ["user", "district", "provider"]
