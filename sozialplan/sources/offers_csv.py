"""Reader of the offers CSV (format of ``data/offers/hildburghausen/offers.csv``).

UTF-8 (with or without BOM), comma-separated, RFC 4180 quoting, a header row
with exactly these columns (in any order)::

    name, traeger, category, target_groups, street, postcode, town, gemeinde,
    phone, email, website, description, source_url, source_date

Problems with the *file* (encoding, NUL bytes, header, broken quoting, a row
with the wrong number of fields) raise ``SourceError``: nothing of such a file
may be imported. Problems with a single *row* (empty name, implausible
postcode, e-mail or URL, a value too long) are returned in
``OffersFile.problems`` with line number and German reason; the importer then
imports nothing (``InvalidRowsError``) unless asked to skip the bad rows.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sozialplan.sources.errors import SourceError
from sozialplan.sources.textfile import decode_utf8, line_of_offset, reject_utf16

COLUMNS: tuple[str, ...] = (
    "name",
    "traeger",
    "category",
    "target_groups",
    "street",
    "postcode",
    "town",
    "gemeinde",
    "phone",
    "email",
    "website",
    "description",
    "source_url",
    "source_date",
)

#: Maximum length of each field in characters (the database columns' limits or less).
MAX_LENGTHS: dict[str, int] = {
    "name": 300,
    "traeger": 300,
    "category": 200,
    "target_groups": 500,
    "street": 200,
    "postcode": 10,
    "town": 200,
    "gemeinde": 200,
    "phone": 50,
    "email": 254,
    "website": 500,
    "description": 5000,
    "source_url": 500,
    "source_date": 20,
}

#: German column titles for messages.
LABELS: dict[str, str] = {
    "name": "Name",
    "traeger": "Träger",
    "category": "Kategorie",
    "target_groups": "Zielgruppen",
    "street": "Straße",
    "postcode": "PLZ",
    "town": "Ort",
    "gemeinde": "Gemeinde",
    "phone": "Telefon",
    "email": "E-Mail",
    "website": "Website",
    "description": "Beschreibung",
    "source_url": "Quelle",
    "source_date": "Stand der Quelle",
}

#: More rows than this is no district's offer list but a mistake (or an attack on the server's time).
MAX_ROWS = 10_000

_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"'.]{2,}$")
_POSTCODE = re.compile(r"^\d{5}$")
_PHONE = re.compile(r"^[0-9+()/ .\-–]+$")
_SOURCE_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# Control characters other than tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class OfferRow:
    """One valid offer row; every field stripped of surrounding whitespace ('' when empty)."""

    line: int
    name: str
    traeger: str = ""
    category: str = ""
    target_groups: str = ""
    street: str = ""
    postcode: str = ""
    town: str = ""
    gemeinde: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    description: str = ""
    source_url: str = ""
    source_date: str = ""

    @property
    def target_group_phrases(self) -> list[str]:
        """The ``target_groups`` column split at semicolons."""
        return [p.strip() for p in self.target_groups.split(";") if p.strip()]


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A rejected row: its line, its name (possibly empty) and the German reason."""

    line: int
    name: str
    reason: str


class InvalidRowsError(SourceError):
    """Rows that cannot be imported, all of them: the file is refused as a whole.

    ``str(error)`` names every row with file, line, offer name and reason
    (German), one per line; ``problems`` holds them sorted by line.
    """

    def __init__(self, file: str, problems: list[RowProblem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.line)
        count = len(self.problems)
        head = "1 Zeile ist fehlerhaft:" if count == 1 else f"{count} Zeilen sind fehlerhaft:"
        lines = [head, *(f"– {describe_problem(file, p)}" for p in self.problems)]
        super().__init__("\n".join(lines))
        self.file = file


def describe_problem(file: str, problem: RowProblem) -> str:
    """One bad row for the user, e.g. ``offers.csv, Zeile 3 („Tafel“): Der Name fehlt.`` (name cut at 80 characters)."""
    name = problem.name if len(problem.name) <= 80 else problem.name[:79] + "…"
    where = ", ".join(p for p in (file, f"Zeile {problem.line}") if p)
    return f"{where} („{name}“): {problem.reason}" if name else f"{where}: {problem.reason}"


@dataclass
class OffersFile:
    file: str
    rows: list[OfferRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def is_url(value: str) -> bool:
    """An absolute http(s) URL with a host and no whitespace."""
    if any(ch.isspace() for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and "." in (parts.hostname or "")


def row_problem(values: dict[str, str]) -> str | None:
    """The first reason (German) why a row cannot be imported, or ``None``."""
    if not values["name"]:
        return "Der Name fehlt."
    for column, limit in MAX_LENGTHS.items():
        if len(values[column]) > limit:
            return f"„{LABELS[column]}“ ist zu lang ({len(values[column])} Zeichen, höchstens {limit})."
    for column, value in values.items():
        if _CONTROL.search(value) or (column != "description" and ("\n" in value or "\r" in value)):
            return f"„{LABELS[column]}“ enthält Steuerzeichen oder Zeilenumbrüche."
    if values["postcode"] and not _POSTCODE.match(values["postcode"]):
        return f"Die PLZ „{values['postcode']}“ ist keine fünfstellige deutsche Postleitzahl."
    if values["email"] and not _EMAIL.match(values["email"]):
        return f"Die E-Mail-Adresse „{values['email']}“ ist ungültig."
    if values["phone"] and not _PHONE.match(values["phone"]):
        return f"Die Telefonnummer „{values['phone']}“ enthält unzulässige Zeichen."
    for column in ("website", "source_url"):
        if values[column] and not is_url(values[column]):
            return f"„{LABELS[column]}“ ist keine http(s)-Adresse: „{values[column]}“."
    if values["source_date"] and not _SOURCE_DATE.match(values["source_date"]):
        return f"Der Stand der Quelle „{values['source_date']}“ ist kein Datum der Form JJJJ, JJJJ-MM oder JJJJ-MM-TT."
    return None


def _header(fieldnames: list[str], *, file: str) -> list[str]:
    header = [h.strip().lower() for h in fieldnames]
    if not any(header):
        raise SourceError("Die Kopfzeile ist leer.", file=file, line=1)
    missing = [c for c in COLUMNS if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if missing:
        raise SourceError(
            "In der Kopfzeile fehlen die Spalten " + ", ".join(f"„{c}“" for c in missing) + ".", file=file, line=1
        )
    if unknown:
        shown = ", ".join(f"„{h[:40]}“" for h in unknown[:5])
        raise SourceError(f"Unbekannte Spalten in der Kopfzeile: {shown}.", file=file, line=1)
    if duplicates:
        raise SourceError("Doppelte Spalten: " + ", ".join(f"„{h}“" for h in duplicates) + ".", file=file, line=1)
    return header


def read_offers_csv(data: bytes, *, file: str = "offers.csv") -> OffersFile:
    """Parse an offers CSV given as raw bytes.

    Returns the valid rows and the rejected rows; raises ``SourceError`` for a
    file that cannot be read as a whole (see the module docstring). Line
    numbers are physical lines of the file (a quoted field may span lines;
    the row is numbered by its first line).
    """
    reject_utf16(data, file=file)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SourceError("Die Datei enthält NUL-Bytes (keine Textdatei?).", file=file, line=line_of_offset(data, nul))
    text = decode_utf8(data, file=file)
    if not text.strip():
        raise SourceError("Die Datei ist leer.", file=file)
    result = OffersFile(file=file)
    # The csv module's own limit (131,072 characters by default) guards against
    # a runaway quoted field; such a file is broken as a whole.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = _header(next(reader), file=file)
        start = reader.line_num + 1
        for record in reader:
            if len(record) != len(header):
                if not any(v.strip() for v in record):
                    start = reader.line_num + 1
                    continue
                raise SourceError(
                    f"Die Zeile hat {len(record)} statt {len(header)} Felder (Anführungszeichen und Kommas prüfen).",
                    file=file,
                    line=start,
                )
            if len(result.rows) + len(result.problems) >= MAX_ROWS:
                raise SourceError(
                    f"Die Datei hat mehr als {MAX_ROWS:,} Zeilen; bitte in kleineren Teilen hochladen.".replace(
                        ",", "."
                    ),
                    file=file,
                    line=start,
                )
            by_column = dict(zip(header, record, strict=True))
            values = {c: by_column[c].strip() for c in COLUMNS}
            if any(values.values()):
                problem = row_problem(values)
                if problem is None:
                    result.rows.append(OfferRow(line=start, **values))
                else:
                    result.problems.append(RowProblem(line=start, name=values["name"][:300], reason=problem))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise SourceError(_csv_reason(exc), file=file, line=reader.line_num or 1) from exc
    return result


#: German wording of the csv module's errors (matched on their English text).
_CSV_ERRORS = (
    ("field larger than field limit", f"Ein Feld ist länger als {csv.field_size_limit()} Zeichen."),
    ("unexpected end of data", "Die CSV-Struktur ist fehlerhaft: ein Anführungszeichen wird nicht geschlossen."),
    ("expected after", "Die CSV-Struktur ist fehlerhaft: nach einem schließenden Anführungszeichen fehlt das Komma."),
    ("new-line character seen", "Die CSV-Struktur ist fehlerhaft: Zeilenumbruch in einem Feld ohne Anführungszeichen."),
)


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    return next((german for english, german in _CSV_ERRORS if english in text), "Die CSV-Struktur ist fehlerhaft.")
