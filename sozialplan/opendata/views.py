"""Open data downloads (CSV, GeoJSON, HSDS) and the HSDS API."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "opendata/index.html")
