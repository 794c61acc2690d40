"""Reader of the Destatis Gemeindeverzeichnis GV100AD (fixed-width "ASCII" product).

Every line is one record of 220 characters. Positions below are 1-based
characters as in the Destatis record description (slice by characters, not
bytes: the current files are UTF-8, older ones ISO-8859-1):

* 1–2 Satzart: 10 Land, 20 Regierungsbezirk, 30 Region (Baden-Württemberg),
  40 Kreis, 50 Gemeindeverband, 60 Gemeinde
* 3–10 Gebietsstand ``JJJJMMTT``
* 11–12 Land, 13 Regierungsbezirk, 14–15 Kreis, 16–18 Gemeinde (AGS = 11–18)
* 19–22 Gemeindeverband (Satzart 50 and 60); the 12-digit ARS of a Gemeinde is
  11–15 + 19–22 + 16–18
* 23–72 Name, 73–122 Sitz der Verwaltung (Satzart 10–50)
* 123–124 Textkennzeichen (Satzart 40–60)
* Satzart 60 only: 129–139 Fläche in ha, 140–150 Bevölkerung insgesamt,
  151–161 Bevölkerung männlich, 166–170 PLZ des Verwaltungssitzes,
  171–175 ``*****`` when the Gemeinde has several PLZ.

The population figures are Destatis' Fortschreibung of the 31.12. before the
file's publication (for Gebietsstand 30.11.2023: 31.12.2022).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sozialplan.sources.errors import SourceError
from sozialplan.sources.textfile import decode_utf8, file_label, read_bytes

RECORD_LENGTH = 220

LAND = "land"
REGBEZ = "regbez"
REGION = "region"
KREIS = "kreis"
VERBAND = "verband"
GEMEINDE = "gemeinde"

#: Satzart → level and the length of the level's key.
SATZARTEN: dict[str, tuple[str, int]] = {
    "10": (LAND, 2),
    "20": (REGBEZ, 3),
    "30": (REGION, 4),
    "40": (KREIS, 5),
    "50": (VERBAND, 9),
    "60": (GEMEINDE, 8),
}

#: Textkennzeichen → designation (Destatis GV100AD record description).
DESIGNATIONS: dict[str, str] = {
    "41": "Kreisfreie Stadt",
    "42": "Stadtkreis",
    "43": "Kreis",
    "44": "Landkreis",
    "45": "Regionalverband",
    "50": "Verbandsfreie Gemeinde",
    "51": "Amt",
    "52": "Samtgemeinde",
    "53": "Verbandsgemeinde",
    "54": "Verwaltungsgemeinschaft",
    "55": "Kirchspielslandgemeinde",
    "56": "Verwaltungsverband",
    "57": "Verwaltungsgemeinschaft (Trägermodell)",
    "58": "Erfüllende Gemeinde",
    "60": "Markt",
    "61": "Kreisfreie Stadt",
    "62": "Stadtkreis",
    "63": "Stadt",
    "64": "Gemeinde",
    "65": "Gemeindefreies Gebiet, bewohnt",
    "66": "Gemeindefreies Gebiet, unbewohnt",
    "67": "Große Kreisstadt",
}

_LEVEL_DESIGNATIONS = {LAND: "Land", REGBEZ: "Regierungsbezirk", REGION: "Region"}
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Gv100Record:
    """One record of the Gemeindeverzeichnis.

    ``key`` is the official key of the level: Land 2 digits, Regierungsbezirk 3,
    Region 4, Kreis 5, Gemeindeverband 9 (Kreis + Verband number), Gemeinde 8
    (AGS). ``ars`` is the Regionalschlüssel (Gemeinde 12 digits, Verband 9,
    others equal to ``key``). ``area_km2``, ``population`` and
    ``population_male`` are given for Gemeinden only.
    """

    level: str
    key: str
    ars: str
    name: str
    seat: str
    text_code: str
    designation: str
    territorial_date: dt.date
    line: int
    area_km2: float | None = None
    population: int | None = None
    population_male: int | None = None
    postcode: str = ""
    several_postcodes: bool = False

    @property
    def land_key(self) -> str:
        return self.key[:2]

    @property
    def kreis_key(self) -> str:
        """5-digit Kreis key ('' above Kreis level)."""
        return self.key[:5] if self.level in (KREIS, VERBAND, GEMEINDE) else ""

    @property
    def verband_key(self) -> str:
        """9-digit Gemeindeverband key of a Verband or Gemeinde ('' otherwise)."""
        if self.level == VERBAND:
            return self.key
        if self.level == GEMEINDE:
            return self.ars[:9]
        return ""


def population_reference_date(territorial_date: dt.date) -> dt.date:
    """The Stichtag of the population figures in a GV100AD of ``territorial_date``.

    Destatis publishes the annual Fortschreibung for 31.12. of year *n* in the
    autumn of year *n*+1, so files with a Gebietsstand from 30.09. on carry the
    previous year's figures and earlier files those of the year before.
    This is a rule of thumb derived from the publication cycle, not a field of
    the file.
    """
    year = territorial_date.year - 1 if territorial_date.month >= 9 else territorial_date.year - 2
    return dt.date(year, 12, 31)


def looks_like_gv100ad(head: str) -> bool:
    """Whether the first line of a text looks like a GV100AD record."""
    first = head.split("\n", 1)[0].rstrip("\r")
    return (
        len(first) >= 22
        and first[:2] in SATZARTEN
        and first[2:10].isdigit()
        and first[10:12].isdigit()
        and len(first) <= RECORD_LENGTH
    )


@functools.lru_cache(maxsize=64)
def _stamp_date(stamp: str) -> dt.date | None:
    """``JJJJMMTT`` as a date (cached: a file has one Gebietsstand), ``None`` if invalid."""
    if not (stamp.isascii() and stamp.isdigit()):
        return None
    try:
        return dt.date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8]))
    except ValueError:
        return None


def _field(line: str, start: int, end: int) -> str:
    """Characters ``start``–``end`` (1-based, inclusive), stripped."""
    return line[start - 1 : end].strip()


def _number(line: str, start: int, end: int, what: str, *, file: str, lineno: int) -> int | None:
    text = _field(line, start, end)
    if not text:
        return None
    if not (text.isascii() and text.isdigit()):
        raise SourceError(f"{what} „{text}“ ist keine Zahl (Zeichen {start}–{end}).", file=file, line=lineno)
    return int(text)


def parse_line(line: str, *, lineno: int, file: str) -> Gv100Record:
    """One GV100AD line as a record; ``SourceError`` if it breaks the layout."""
    if _CONTROL_CHARS.search(line):
        raise SourceError("Die Zeile enthält Steuerzeichen (z. B. NUL-Bytes).", file=file, line=lineno)
    if len(line) > RECORD_LENGTH:
        raise SourceError(
            f"Die Zeile ist {len(line)} Zeichen lang; ein GV100AD-Satz hat {RECORD_LENGTH} Zeichen.",
            file=file,
            line=lineno,
        )
    line = line.ljust(RECORD_LENGTH)
    satzart = line[0:2]
    if satzart not in SATZARTEN:
        raise SourceError(
            f"Unbekannte Satzart „{satzart.strip()}“ (erwartet 10, 20, 30, 40, 50 oder 60).", file=file, line=lineno
        )
    level, key_length = SATZARTEN[satzart]
    stamp = line[2:10]
    territorial_date = _stamp_date(stamp)
    if territorial_date is None:
        raise SourceError(f"Gebietsstand „{stamp}“ ist kein Datum JJJJMMTT.", file=file, line=lineno)
    # A Verband's key is Kreis + Verband number (characters 11–15 and 19–22).
    key = line[10:15] + line[18:22] if level == VERBAND else line[10 : 10 + key_length]
    if not (key.isascii() and key.isdigit()) or len(key) != key_length:
        raise SourceError(f"Der Schlüssel „{key.strip()}“ ist nicht {key_length}-stellig.", file=file, line=lineno)
    name = _field(line, 23, 72)
    if not name:
        raise SourceError("Der Name ist leer.", file=file, line=lineno)
    text_code = _field(line, 123, 124) if level in (KREIS, VERBAND, GEMEINDE) else ""
    designation = DESIGNATIONS.get(text_code, "") or _LEVEL_DESIGNATIONS.get(level, "")
    if level != GEMEINDE:
        return Gv100Record(
            level=level,
            key=key,
            ars=key,
            name=name,
            seat=_field(line, 73, 122),
            text_code=text_code,
            designation=designation,
            territorial_date=territorial_date,
            line=lineno,
        )
    verband = line[18:22]
    if not (verband.isascii() and verband.isdigit()):
        raise SourceError(f"Die Verbandsnummer „{verband.strip()}“ ist nicht 4-stellig.", file=file, line=lineno)
    area_ha = _number(line, 129, 139, "Die Fläche", file=file, lineno=lineno)
    population = _number(line, 140, 150, "Die Bevölkerung", file=file, lineno=lineno)
    male = _number(line, 151, 161, "Die männliche Bevölkerung", file=file, lineno=lineno)
    if population is not None and male is not None and male > population:
        raise SourceError("Mehr männliche Einwohner als Einwohner insgesamt.", file=file, line=lineno)
    postcode = _field(line, 166, 170)
    if postcode and not (postcode.isascii() and postcode.isdigit() and len(postcode) == 5):
        raise SourceError(f"Die PLZ „{postcode}“ ist nicht fünfstellig.", file=file, line=lineno)
    return Gv100Record(
        level=level,
        key=key,
        ars=key[:5] + verband + key[5:8],
        name=name,
        seat="",
        text_code=text_code,
        designation=designation,
        territorial_date=territorial_date,
        line=lineno,
        area_km2=None if area_ha is None else area_ha / 100,
        population=population,
        population_male=male,
        postcode=postcode,
        several_postcodes=_field(line, 171, 175) == "*****",
    )


def in_scope(key: str, only: str | None) -> bool:
    """Whether a region with ``key`` belongs to an import limited to ``only``.

    A limit such as ``16069`` keeps the Kreis, everything inside it and its
    ancestors (Land ``16``, Regierungsbezirk ``160``), so that the parent chain
    is complete.
    """
    return not only or key.startswith(only) or only.startswith(key)


def read_gv100ad(
    source: Path | bytes | str, *, file: str | None = None, only: str | None = None
) -> Iterator[Gv100Record]:
    """Yield the records of a GV100AD file, in file order.

    ``source`` is a path, the raw bytes or the decoded text. ``only`` limits the
    records to a key prefix (see ``in_scope``). Raises ``SourceError`` (German,
    with file and line) on the first line that breaks the layout; records
    before it have been yielded already, so callers that write to a database
    wrap the whole read in a transaction.
    """
    label = file or (file_label(source, "GV100AD") if isinstance(source, Path) else "GV100AD")
    if isinstance(source, str):
        text = source
    else:
        text = decode_utf8(read_bytes(source, file=label), file=label, latin1_fallback=True)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise SourceError("Die Datei ist leer.", file=label)
    territorial_date: dt.date | None = None
    seen: set[tuple[str, str]] = set()
    for lineno, raw_line in enumerate(text.split("\n"), start=1):
        line = raw_line.rstrip("\r")
        if not line.strip():
            continue
        record = parse_line(line, lineno=lineno, file=label)
        if territorial_date is None:
            territorial_date = record.territorial_date
        elif record.territorial_date != territorial_date:
            raise SourceError(
                f"Gebietsstand {record.territorial_date:%d.%m.%Y} weicht vom Gebietsstand der ersten Zeile "
                f"({territorial_date:%d.%m.%Y}) ab.",
                file=label,
                line=lineno,
            )
        if (record.level, record.key) in seen:
            raise SourceError(f"Der Schlüssel {record.key} kommt doppelt vor.", file=label, line=lineno)
        seen.add((record.level, record.key))
        if in_scope(record.key, only):
            yield record
