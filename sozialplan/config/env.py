"""Typed helpers that read settings from the environment and fail loudly.

A value that cannot be parsed raises ``ImproperlyConfigured`` instead of being
silently replaced by a default: a typo in production must stop the start-up.
``NAME_FILE`` variants are read for secrets (Docker/systemd credentials).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    """Return ``$NAME``, or the content of the file named by ``$NAME_FILE``."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """Return ``True``/``False`` for ``$NAME``; anything else is an error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw in ("True", "true", "1"):
        return True
    if raw in ("False", "false", "0"):
        return False
    raise ImproperlyConfigured(f"{name} must be True or False, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """Return ``$NAME`` as an integer (at least ``minimum`` if given); anything else is an error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc
    _check_range(name, raw, value, minimum=minimum)
    return value


def env_float(
    name: str,
    default: float,
    *,
    above: float | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
) -> float:
    """Return ``$NAME`` as a finite number (decimal point); anything else is an error.

    Bounds, when given: ``above`` (exclusive: the value must be greater),
    ``minimum`` and ``maximum`` (inclusive). ``nan`` and ``inf`` are refused.
    The default is returned unchecked (it is the code's own choice).
    """
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from exc
    if not math.isfinite(value):
        raise ImproperlyConfigured(f"{name} must be a finite number, not {raw!r}")
    _check_range(name, raw, value, above=above, minimum=minimum, maximum=maximum)
    return value


def env_positive_int_list(name: str, default: list[int]) -> list[int]:
    """Return ``$NAME`` as comma-separated whole numbers greater than 0 (``"15,30"``), sorted, without repeats.

    An empty list, a non-integer or a number below 1 is an error.
    """
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    values: list[int] = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        try:
            value = int(part)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{name} must be whole numbers greater than 0 separated by commas (e.g. 15,30), not {raw!r}"
            ) from exc
        if value < 1:
            raise ImproperlyConfigured(f"{name} must contain only numbers greater than 0, not {raw!r}")
        values.append(value)
    if not values:
        raise ImproperlyConfigured(f"{name} must name at least one number of minutes, not {raw!r}")
    return sorted(set(values))


def env_choice(name: str, default: str, choices: Sequence[str]) -> str:
    """Return ``$NAME`` if it is one of ``choices`` (exactly); anything else is an error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
    return raw


def _check_range(
    name: str,
    raw: str,
    value: float,
    *,
    above: float | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
) -> None:
    if above is not None and not value > above:
        raise ImproperlyConfigured(f"{name} must be greater than {above:g}, not {raw!r}")
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum:g}, not {raw!r}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum:g}, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    """Return ``$NAME`` split at commas, blanks removed."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]
