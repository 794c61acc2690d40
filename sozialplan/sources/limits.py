"""Size limits of the statistics readers, and their German wording.

The readers are Django-free, so the web and command layer pass the limits it
configures (``settings.MAX_UPLOAD_BYTES``, the importer's ``MAX_VALUES``);
the defaults here apply to direct calls (tests, benchmarks).
"""

from __future__ import annotations

from typing import Final

#: Largest unpacked content of a ZIP or XLSX upload in bytes; the default of ``settings.MAX_UPLOAD_BYTES``.
DEFAULT_MAX_UNZIPPED_BYTES: Final = 20 * 1024 * 1024


def german_count(n: int) -> str:
    """``1234567`` → ``"1.234.567"`` (German thousands separator)."""
    return f"{n:,}".replace(",", ".")


def size_text(size: int) -> str:
    """A byte count as Django's ``filesizeformat`` writes it in German: ``"20,0\xa0MB"`` (units of 1024)."""
    units = (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024))
    for unit, factor in units:
        if size >= factor:
            return f"{size / factor:.1f}".replace(".", ",") + f"\xa0{unit}"
    return f"{size}\xa0Bytes"


def too_many_values(count: int, limit: int) -> str:
    """The German refusal of a table with ``count`` values above ``limit`` (the importer says the same)."""
    return f"Die Tabelle hat {german_count(count)} Werte; erlaubt sind höchstens {german_count(limit)}."
