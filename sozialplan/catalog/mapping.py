"""Mapping tables for imported offers, kept as data in ``data/reference/`` (see docs/category-mapping.md).

* ``category_mapping.csv``: a source category (e.g. "Kindertagesstätte") →
  Angebotsart, Handlungsfelder (``3;6``), Zielgruppen and Querschnittsthemen
  (codes), whether an offer of the category that the source gives without
  address serves the whole Kreis (``district_wide``: ``ja`` or empty), and a
  note on the reasoning.
* ``target_group_phrases.csv``: a phrase found (case-insensitively, as a
  substring) in the free-text Zielgruppe of an offer → a Zielgruppe code.
* ``provider_kinds.csv``: a pattern found case-insensitively at the start of a
  word of a Träger name ("diakon" finds "Diakoniewerk", "stadt" finds
  "Stadt Schleusingen" but not "Hansestadt") → Trägerart (``ProviderKind``
  value) and Rechtsform; the first row whose pattern matches decides the
  Trägerart, the first row with a Rechtsform that matches decides the
  Rechtsform.

Django-free apart from ``settings.DATA_DIR`` as the default directory.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from sozialplan.sources.errors import SourceError

CATEGORY_COLUMNS = ("category", "offer_type", "action_fields", "target_groups", "themes", "district_wide", "notes")
PHRASE_COLUMNS = ("phrase", "target_group")
PROVIDER_COLUMNS = ("pattern", "kind", "legal_form", "notes")


@dataclass(frozen=True, slots=True)
class CategoryRule:
    """What a source category means in sozialplan's reference data (codes).

    ``district_wide``: an offer of this category that the source gives without
    any address serves the whole Kreis from no fixed place ("kreisweit", e.g.
    the Kreisseniorenbüro). Without it such an offer's place is unknown. An
    offer with an address always gets its Standort, whatever this says.
    """

    category: str
    offer_type: str
    action_fields: tuple[int, ...]
    target_groups: tuple[str, ...]
    themes: tuple[str, ...]
    district_wide: bool = False
    notes: str = ""


@dataclass(frozen=True, slots=True)
class ProviderRule:
    pattern: str
    kind: str
    legal_form: str

    def matches(self, name: str) -> bool:
        return re.search(r"(?<!\w)" + re.escape(self.pattern), name, flags=re.IGNORECASE) is not None


@dataclass
class OfferMapping:
    """The three tables, ready for lookups."""

    categories: dict[str, CategoryRule] = field(default_factory=dict)
    phrases: list[tuple[str, str]] = field(default_factory=list)
    providers: list[ProviderRule] = field(default_factory=list)

    def category(self, name: str) -> CategoryRule | None:
        """The rule for a category (exact text, compared case-insensitively), or ``None``."""
        return self.categories.get(name.strip().casefold())

    def target_groups_for(self, text: str) -> list[str]:
        """Zielgruppe codes whose phrase occurs in ``text`` (in table order, without repeats)."""
        folded = text.casefold()
        codes: list[str] = []
        for phrase, code in self.phrases:
            if phrase in folded and code not in codes:
                codes.append(code)
        return codes

    def provider_kind(self, name: str, default: str = "sonstig") -> tuple[str, str]:
        """(Trägerart, Rechtsform) for a Träger name; ``default`` and '' when no pattern matches."""
        kind = next((r.kind for r in self.providers if r.matches(name)), default)
        legal_form = next((r.legal_form for r in self.providers if r.legal_form and r.matches(name)), "")
        return kind, legal_form

    def all_codes(self) -> dict[str, set[str]]:
        """Every code the tables use, by kind (for checking them against the loaded reference data)."""
        return {
            "offer_types": {r.offer_type for r in self.categories.values() if r.offer_type},
            "action_fields": {str(c) for r in self.categories.values() for c in r.action_fields},
            "target_groups": {c for r in self.categories.values() for c in r.target_groups}
            | {c for _, c in self.phrases},
            "themes": {c for r in self.categories.values() for c in r.themes},
        }


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"Die Zuordnungstabelle ist nicht lesbar ({exc}).", file=path.name) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if tuple(reader.fieldnames or ()) != columns:
        raise SourceError(f"Die Kopfzeile muss „{','.join(columns)}“ lauten.", file=path.name, line=1)
    rows: list[tuple[int, dict[str, str]]] = []
    for row in reader:
        if None in row or any(v is None for v in row.values()):
            raise SourceError("Falsche Anzahl Felder.", file=path.name, line=reader.line_num)
        rows.append((reader.line_num, {k: v.strip() for k, v in row.items()}))
    return rows


#: Values of the ``district_wide`` column (folded) and what they mean.
_DISTRICT_WIDE = {"ja": True, "": False}


def _codes(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in text.split(";") if c.strip())


def load_offer_mapping(directory: Path | None = None) -> OfferMapping:
    """Read the three tables from ``directory`` (default ``data/reference``)."""
    if directory is None:
        from django.conf import settings

        directory = Path(settings.DATA_DIR) / "reference"
    mapping = OfferMapping()
    path = directory / "category_mapping.csv"
    for line, row in _rows(path, CATEGORY_COLUMNS):
        try:
            fields = tuple(int(c) for c in _codes(row["action_fields"]))
        except ValueError:
            raise SourceError("Handlungsfelder als Nummern angeben, z. B. 3;6.", file=path.name, line=line) from None
        key = row["category"].casefold()
        if not key or key in mapping.categories:
            raise SourceError("Kategorie leer oder doppelt.", file=path.name, line=line)
        flag = row["district_wide"].casefold()
        if flag not in _DISTRICT_WIDE:
            raise SourceError("„district_wide“ ist „ja“ oder leer.", file=path.name, line=line)
        mapping.categories[key] = CategoryRule(
            category=row["category"],
            offer_type=row["offer_type"],
            action_fields=fields,
            target_groups=_codes(row["target_groups"]),
            themes=_codes(row["themes"]),
            district_wide=_DISTRICT_WIDE[flag],
            notes=row["notes"],
        )
    for _, row in _rows(directory / "target_group_phrases.csv", PHRASE_COLUMNS):
        mapping.phrases.append((row["phrase"].casefold(), row["target_group"]))
    path = directory / "provider_kinds.csv"
    for _, row in _rows(path, PROVIDER_COLUMNS):
        mapping.providers.append(
            ProviderRule(pattern=row["pattern"].casefold(), kind=row["kind"], legal_form=row["legal_form"])
        )
    return mapping
