"""Errors and summaries shared by all importers."""

from __future__ import annotations

from dataclasses import dataclass, field


class SourceError(Exception):
    """A file that cannot be read as the expected format.

    ``str(error)`` is a complete German sentence for the user, e.g.
    "offers.csv, Zeile 7: Die Spalte „name“ ist leer."
    """

    def __init__(self, message: str, *, file: str = "", line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.reason = message
        where = ", ".join(p for p in (file, f"Zeile {line}" if line is not None else "") if p)
        super().__init__(f"{where}: {message}" if where else message)


@dataclass
class Rejected:
    """A record that was not imported, and why (German)."""

    line: int | None
    key: str
    reason: str


@dataclass
class ImportSummary:
    """What an import did: counts and the rejected records with reasons.

    ``skipped`` counts records that were deliberately not imported and are not
    errors (e.g. Zensus rows of Gemeinden that are not in the database),
    by German reason. ``notes`` are further German sentences for the user
    (e.g. "2 Gemeinden sind nicht mehr im Verzeichnis …").
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def skip(self, reason: str, count: int = 1) -> None:
        """Count ``count`` records skipped for ``reason``."""
        self.skipped[reason] = self.skipped.get(reason, 0) + count

    def reject(self, reason: str, *, line: int | None = None, key: str = "") -> None:
        self.rejected.append(Rejected(line=line, key=key, reason=reason))

    @property
    def changed(self) -> bool:
        """Whether the import wrote anything."""
        return bool(self.created or self.updated)

    def __str__(self) -> str:
        text = (
            f"neu: {self.created}, geändert: {self.updated}, "
            f"unverändert: {self.unchanged}, abgelehnt: {len(self.rejected)}"
        )
        if self.skipped:
            text += f", übersprungen: {sum(self.skipped.values())}"
        for r in self.rejected:
            where = f"Zeile {r.line}" if r.line is not None else r.key
            text += f"\n  – {where}: {r.reason}"
        for reason, count in self.skipped.items():
            text += f"\n  – übersprungen ({count}): {reason}"
        for note in self.notes:
            text += f"\n  – {note}"
        return text
