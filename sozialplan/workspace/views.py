"""Planner workspace and Träger area (login required)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/home.html")


@login_required
def provider_home(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/home.html")


@login_required
def dashboard(request: HttpRequest, district: str) -> HttpResponse:
    del district
    return render(request, "workspace/home.html")
