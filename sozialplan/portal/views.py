"""Public directory "Infos aus einer Hand" (no login)."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from sozialplan.offerings.models import Offering


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def offer_list(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/offer_list.html", {"offers": Offering.objects.published()})


def offer_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    offer = get_object_or_404(Offering.objects.published(), uuid=uuid)
    return render(request, "portal/offer_detail.html", {"offer": offer})


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/about.html")
