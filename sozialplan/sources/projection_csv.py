"""Reader of the Länder table of the 15. koordinierte Bevölkerungsvorausberechnung (Destatis 12421-0003).

The file is a plain CSV made from the GENESIS export (header and footer lines
removed by a third party): UTF-8 with BOM, comma separator, dot decimal.
Row 1 is the header: a quoted label (two lines, e.g. "Variants of the
population projection / Länder") followed by the reference dates
(``2022-12-31`` … ``2070-12-31``, Stichtag 31.12.). Then, per variant, a line
``BEV-VARIANTE-01 <name> (G2L2W1)`` with empty value fields, followed by one
row per Land (name in English or German, values in **1000 persons**).

Each value becomes a :class:`StatValue` for the Land's 2-digit key with
``measure`` population, ``variant`` the code in parentheses (``G2L2W1`` =
moderate birth rate, life expectancy and low net migration) and the value in
persons (× 1000).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Final

from sozialplan.sources.errors import SourceError
from sozialplan.sources.statistics import SYMBOLS, SYMBOLS_WITHOUT_VALUE, Measure, StatTable, StatValue
from sozialplan.sources.textfile import decode_utf8, file_label

CODE: Final = "12421-0003"
TITLE: Final = "15. koordinierte Bevölkerungsvorausberechnung: Bevölkerung der Länder nach Varianten (Stichtag 31.12.)"
SOURCE: Final = "Statistisches Bundesamt (Destatis), 15. koordinierte Bevölkerungsvorausberechnung"
LICENCE: Final = "dl-de/by-2-0"
#: The table's unit: 1000 persons.
SCALE: Final = Decimal(1000)

#: Land names (German and English, as in GENESIS exports) → 2-digit Land key; "DG" = Deutschland.
LAND_KEYS: Final[dict[str, str]] = {
    "Schleswig-Holstein": "01",
    "Hamburg": "02",
    "Niedersachsen": "03",
    "Lower Saxony": "03",
    "Bremen": "04",
    "Nordrhein-Westfalen": "05",
    "North Rhine-Westphalia": "05",
    "Hessen": "06",
    "Hesse": "06",
    "Rheinland-Pfalz": "07",
    "Rhineland-Palatinate": "07",
    "Baden-Württemberg": "08",
    "Bayern": "09",
    "Bavaria": "09",
    "Saarland": "10",
    "Berlin": "11",
    "Brandenburg": "12",
    "Mecklenburg-Vorpommern": "13",
    "Mecklenburg-Western Pomerania": "13",
    "Sachsen": "14",
    "Saxony": "14",
    "Sachsen-Anhalt": "15",
    "Saxony-Anhalt": "15",
    "Thüringen": "16",
    "Thuringia": "16",
    "Deutschland": "DG",
    "Germany": "DG",
}
#: German display name per key.
LAND_NAMES: Final[dict[str, str]] = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
    "DG": "Deutschland",
}

_VARIANT_LINE = re.compile(r"^BEV-VARIANTE-(?P<number>\d+)\s*(?P<name>.*?)\s*\((?P<code>G\dL\dW\d)\)\s*$")


def _fold(name: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a Land name ("Thuringia" = "thuringia")."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("ü", "ue").replace("ä", "ae").replace("ö", "oe")
    return re.sub(r"[^a-z]", "", text)


_FOLDED_KEYS: Final = {_fold(name): key for name, key in LAND_KEYS.items()}


def land_key(name: str) -> str | None:
    """The 2-digit key of a Land named in German or English (``"DG"`` for Deutschland), else ``None``."""
    return _FOLDED_KEYS.get(_fold(name))


def looks_like_projection_csv(head: str) -> bool:
    """Whether text looks like this table: a header of dates and a ``BEV-VARIANTE-`` line."""
    text = head.lstrip("\ufeff")
    return "BEV-VARIANTE-" in text and re.search(r",\d{4}-12-31,\d{4}-12-31", text) is not None


def read_projection_csv(name: str, data: bytes) -> StatTable:
    """Read the Länder × variants table of the Bevölkerungsvorausberechnung (12421-0003).

    Values are multiplied by 1000 (the table is in 1000 persons). A cell with
    a statistical symbol keeps it as ``flag`` (``value=None`` where the symbol
    carries no number). ``SourceError`` (German, with line) for: no date
    header, a Land row before any variant line, an unknown Land name, a Land
    twice in one variant, a row with the wrong number of fields, a value that
    is not a number or negative, an empty value.
    """
    label = file_label(name, "vorausberechnung.csv")
    text = decode_utf8(data, file=label)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise SourceError("Die Datei ist leer.", file=label) from None
    except csv.Error as exc:
        raise SourceError(f"Kopfzeile nicht lesbar ({exc}).", file=label, line=1) from exc
    dates = _dates(header, label)
    english = "projection" in header[0].casefold() or "variants" in header[0].casefold()
    values: list[StatValue] = []
    variants: dict[str, str] = {}
    variant = ""
    seen: set[tuple[str, str]] = set()
    try:
        for row in reader:
            lineno = reader.line_num
            if not row or not "".join(row).strip():
                continue
            match = _VARIANT_LINE.match(row[0].strip())
            if match:
                variant = match["code"]
                if variant in variants:
                    raise SourceError(f"Die Variante {variant} kommt doppelt vor.", file=label, line=lineno)
                variants[variant] = match["name"].strip(" ,")
                continue
            key = _land_row(row, width=len(header), variant=variant, label=label, lineno=lineno)
            if (variant, key) in seen:
                raise SourceError(f"{row[0].strip()} kommt in Variante {variant} doppelt vor.", file=label, line=lineno)
            seen.add((variant, key))
            for period, cell in zip(dates, row[1:], strict=True):
                values.append(_value(cell, key=key, variant=variant, period=period, label=label, lineno=lineno))
    except csv.Error as exc:
        raise SourceError(f"Die CSV-Struktur ist fehlerhaft ({exc}).", file=label, line=reader.line_num) from exc
    if not values:
        raise SourceError("Die Datei enthält keine Werte.", file=label)
    code_match = re.match(r"(\d{5}-\d{4})", label)
    return StatTable(
        code=code_match[1] if code_match else CODE,
        title=TITLE,
        format="projection-csv",
        language="en" if english else "de",
        source=SOURCE,
        licence=LICENCE,
        values=values,
        notes=[
            "Werte in 1000 Personen, umgerechnet in Personen.",
            "Varianten: " + "; ".join(f"{code} ({text})" for code, text in variants.items()) + ".",
        ],
    )


def _land_row(row: list[str], *, width: int, variant: str, label: str, lineno: int) -> str:
    """The Land key of a value row, after checking its width and that a variant line came before it."""
    first = row[0].strip()
    if len(row) != width:
        raise SourceError(f"Die Zeile hat {len(row)} statt {width} Felder.", file=label, line=lineno)
    if not variant:
        raise SourceError(
            f"„{first[:40]}“ steht vor der ersten Variantenzeile (BEV-VARIANTE-…).", file=label, line=lineno
        )
    key = land_key(first)
    if key is None:
        raise SourceError(f"„{first[:40]}“ ist kein bekanntes Land.", file=label, line=lineno)
    return key


def _dates(header: list[str], label: str) -> list[dt.date]:
    if len(header) < 2:
        raise SourceError("Die Kopfzeile enthält keine Stichtage.", file=label, line=1)
    dates: list[dt.date] = []
    for cell in header[1:]:
        try:
            dates.append(dt.date.fromisoformat(cell.strip()))
        except ValueError:
            raise SourceError(f"„{cell.strip()[:20]}“ in der Kopfzeile ist kein Datum.", file=label, line=1) from None
    if len(set(dates)) != len(dates):
        raise SourceError("Ein Stichtag steht doppelt in der Kopfzeile.", file=label, line=1)
    return dates


def _value(cell: str, *, key: str, variant: str, period: dt.date, label: str, lineno: int) -> StatValue:
    text = cell.strip()
    number: float | None = None
    flag = ""
    if len(text) > 2 and text.startswith("(") and text.endswith(")"):  # "(12.3)": uncertain value
        text, flag = text[1:-1].strip(), "()"
    if text in SYMBOLS:
        flag = text
    elif text == "":
        raise SourceError(f"Der Wert für {period:%d.%m.%Y} fehlt.", file=label, line=lineno)
    else:
        try:
            parsed = Decimal(text)
        except InvalidOperation:
            raise SourceError(f"Der Wert „{text[:20]}“ ist keine Zahl.", file=label, line=lineno) from None
        if not parsed.is_finite() or parsed < 0:
            raise SourceError(f"Der Wert „{text[:20]}“ ist keine gültige Anzahl.", file=label, line=lineno)
        number = float(parsed * SCALE)
    if flag == "-":
        number = 0.0
    return StatValue(
        region_key=key,
        region_name=LAND_NAMES[key],
        measure=Measure.POPULATION,
        period=period,
        value=None if flag in SYMBOLS_WITHOUT_VALUE else number,
        flag=flag,
        variant=variant,
        measure_label="Bevölkerung",
        unit="Personen",
        line=lineno,
    )
