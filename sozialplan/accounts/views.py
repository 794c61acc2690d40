"""Account-related views: the German page for a failed CSRF check."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Replaces Django's English CSRF page (which also uses inline CSS, blocked by our CSP)."""
    del reason  # technical detail, not for the user; Django logs it
    return render(request, "403_csrf.html", status=403)
