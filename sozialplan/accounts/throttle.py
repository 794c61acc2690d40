"""Limit failed logins, so that passwords cannot be guessed at speed.

Failures are counted per user name and per client address in Django's cache
for ``LOGIN_FAILURE_WINDOW`` seconds. At ``LOGIN_FAILURE_LIMIT`` failures for a
user name, or ten times as many from one address (a whole Landratsamt may sit
behind one address), the next attempts are refused without checking the
password until the window has passed. With several server processes the cache must be shared (e.g. the
database cache), or each process counts on its own.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _keys(request: HttpRequest, username: str) -> list[str]:
    name = hashlib.sha256(username.strip().casefold().encode("utf-8", "replace")).hexdigest()[:32]
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    return [f"login-fail:user:{name}", f"login-fail:addr:{address}"]


def is_blocked(request: HttpRequest, username: str) -> bool:
    """True when the user name or the address has too many recent failures."""
    limit: int = settings.LOGIN_FAILURE_LIMIT
    user_key, address_key = _keys(request, username)
    return (cache.get(user_key) or 0) >= limit or (cache.get(address_key) or 0) >= 10 * limit


def note_failure(request: HttpRequest, username: str) -> None:
    window: int = settings.LOGIN_FAILURE_WINDOW
    for key in _keys(request, username):
        if not cache.add(key, 1, timeout=window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=window)


def reset(request: HttpRequest, username: str) -> None:
    """Forget the user name's failures after a successful login (the address keeps its count)."""
    cache.delete(_keys(request, username)[0])
