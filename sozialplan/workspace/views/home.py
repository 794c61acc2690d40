"""/planung/ (the user's districts) and /planung/traeger/ (the Träger area "Meine Angebote", one page per Träger)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from sozialplan.accounts.models import Role
from sozialplan.accounts.rules import may, memberships_of
from sozialplan.audit.models import AuditEntry
from sozialplan.offerings.models import (
    ChangeState,
    Offering,
    OfferingChange,
    Provider,
    ReviewState,
    Site,
    SiteChange,
)
from sozialplan.workspace.access import acting_user


@dataclass(frozen=True)
class OfferRow:
    offer: Offering
    has_pending_change: bool
    rejection_reason: str


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The districts whose workspace the user may open; straight there if it is only one."""
    user = acting_user(request)
    # Superusers operate the installation; like anyone, they plan only where they are members.
    candidates = {m.district for m in memberships_of(user)}
    districts = sorted((d for d in candidates if may(user, "offerings.view_workspace", d)), key=lambda d: d.name)
    is_provider = may(user, "offerings.view_provider_area")
    if len(districts) == 1 and not is_provider:
        return redirect("workspace:dashboard", district=districts[0].slug)
    if not districts and is_provider:
        return redirect("workspace:provider_home")
    context = {
        "districts": districts,
        "is_provider": is_provider,
        "is_operator": user.is_superuser and not candidates,
    }
    return render(request, "workspace/home.html", context)


@login_required
@require_GET
def provider_home(request: HttpRequest) -> HttpResponse:
    """Meine Angebote: the offers and Standorte of every Träger the user acts for."""
    user = acting_user(request)
    if not may(user, "offerings.view_provider_area"):
        return redirect("workspace:home")
    provider_ids = [m.provider_id for m in memberships_of(user) if m.role == Role.PROVIDER]
    providers = list(Provider.objects.filter(pk__in=provider_ids).select_related("district").order_by("name"))
    rows = offer_rows(provider_ids)
    decisions = (
        OfferingChange.objects.filter(offering__provider__in=provider_ids)
        .exclude(state=ChangeState.PENDING)
        .select_related("offering", "offering__district")
        .order_by("-decided_at")[:10]
    )
    site_decisions = (
        SiteChange.objects.filter(site__provider__in=provider_ids)
        .exclude(state=ChangeState.PENDING)
        .select_related("site", "site__district")
        .order_by("-decided_at")[:10]
    )
    sites = provider_sites(provider_ids)
    pending_count = sum(1 for r in rows if r.has_pending_change) + sum(
        1 for s in sites if getattr(s, "has_pending_change", False)
    )
    groups = [
        {
            "provider": p,
            "offers": [r for r in rows if r.offer.provider_id == p.pk],
            "sites": [s for s in sites if s.provider_id == p.pk],
        }
        for p in providers
    ]
    return render(
        request,
        "workspace/provider_home.html",
        {"groups": groups, "decisions": decisions, "site_decisions": site_decisions, "pending_count": pending_count},
    )


def offer_rows(provider_ids: list[int | None]) -> list[OfferRow]:
    """The offers of these Träger by name, each with its open proposal and its rejection reason."""
    offers = list(
        Offering.objects.filter(provider__in=provider_ids).select_related("district", "provider").order_by("name")
    )
    pending = OfferingChange.objects.filter(offering__provider__in=provider_ids, state=ChangeState.PENDING)
    pending_ids = set(pending.values_list("offering_id", flat=True))
    rejected_uuids = [str(o.uuid) for o in offers if o.review_state == ReviewState.REJECTED]
    reasons = {
        e.object_id: e.note
        for e in AuditEntry.objects.filter(action="rejected", object_type="offering", object_id__in=rejected_uuids)
        .order_by("at")
        .only("object_id", "note")
    }
    return [OfferRow(o, o.pk in pending_ids, reasons.get(str(o.uuid), "")) for o in offers]


def provider_sites(provider_ids: list[int | None]) -> list[Site]:
    """The Standorte of these Träger by name; ``has_pending_change`` says whether a proposal waits."""
    pending = SiteChange.objects.filter(site=OuterRef("pk"), state=ChangeState.PENDING)
    return list(
        Site.objects.filter(provider__in=provider_ids)
        .annotate(has_pending_change=Exists(pending))
        .select_related("gemeinde", "district")
        .order_by("name")
    )


@login_required
@require_GET
def provider_page(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The Träger's own record, read-only: its data, Standorte and Angebote with their review states.

    Only people who act for this Träger see it; for everyone else it does not
    exist (404), as for another Träger's records in the workspace.
    """
    user = acting_user(request)
    provider = get_object_or_404(Provider.objects.select_related("district"), uuid=uuid)
    if not may(user, "offerings.view_own_provider", provider):
        raise Http404
    context = {
        "provider": provider,
        "offers": offer_rows([provider.pk]),
        "sites": provider_sites([provider.pk]),
        "can_add_offering": may(user, "offerings.add_offering", provider.district),
        "can_add_site": may(user, "offerings.add_site", provider.district),
    }
    return render(request, "workspace/provider_page.html", context)
