"""Small helpers shared by the readers: decoding bytes and parsing German numbers."""

from __future__ import annotations

import codecs
from pathlib import Path

from sozialplan.sources.errors import SourceError

#: Bytes a reader accepts as input: a path, raw bytes, or already decoded text.
Source = Path | str | bytes


def file_label(path: Path | str | None, default: str) -> str:
    """The file name shown in messages (no directories: they may be server paths)."""
    if path is None:
        return default
    return Path(path).name or default


def read_bytes(source: Path | bytes, *, file: str) -> bytes:
    """The raw bytes of ``source`` (a path or bytes), as a ``SourceError`` if unreadable."""
    if isinstance(source, bytes):
        return source
    try:
        return source.read_bytes()
    except FileNotFoundError as exc:
        raise SourceError("Die Datei gibt es nicht.", file=file) from exc
    except IsADirectoryError as exc:
        raise SourceError("Das ist ein Verzeichnis, keine Datei.", file=file) from exc
    except PermissionError as exc:
        raise SourceError("Keine Berechtigung, die Datei zu lesen.", file=file) from exc
    except OSError as exc:
        raise SourceError(f"Die Datei kann nicht gelesen werden (Fehler {exc.errno}).", file=file) from exc


def line_of_offset(raw: bytes, offset: int) -> int:
    """1-based line number of byte ``offset`` in ``raw``."""
    return raw.count(b"\n", 0, offset) + 1


def reject_utf16(raw: bytes, *, file: str) -> None:
    """``SourceError`` for a UTF-16 file (recognised by its byte order mark)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError("Die Datei ist UTF-16-kodiert; bitte als UTF-8 speichern.", file=file)


def decode_utf8(raw: bytes, *, file: str, latin1_fallback: bool = False) -> str:
    """Decode UTF-8 (with or without BOM).

    With ``latin1_fallback`` a file that is not valid UTF-8 is decoded as
    ISO-8859-1 on purpose (older Destatis files use it; every byte sequence is
    valid ISO-8859-1, so this cannot fail). Without it, such a file is a
    ``SourceError`` naming the line of the first invalid byte. UTF-16 files
    (recognised by their BOM) are always refused.
    """
    reject_utf16(raw, file=file)
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if latin1_fallback:
            return raw.decode("iso-8859-1")
        raise SourceError(
            "Die Datei ist nicht UTF-8-kodiert (vielleicht ISO-8859-1/Windows-1252); bitte als UTF-8 speichern.",
            file=file,
            line=line_of_offset(raw, exc.start),
        ) from exc


def parse_german_int(text: str) -> int | None:
    """``" 11 831"`` / ``"11.831"`` / ``"11831"`` → 11831; empty, ``-`` or ``.`` → ``None``.

    Raises ``ValueError`` for anything else.
    """
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(".", "")
    if cleaned in ("", "-"):
        return None
    if not cleaned.isdigit() or not cleaned.isascii():
        raise ValueError(text)
    return int(cleaned)


def parse_decimal(text: str) -> float | None:
    """``"10,729007"`` or ``" 72.89"`` → float; empty → ``None``; raises ``ValueError`` otherwise.

    A comma is the decimal separator when present (German); spaces are
    thousands separators.
    """
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if cleaned in ("", "-", "."):
        return None
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    value = float(cleaned)
    if value != value or value in (float("inf"), float("-inf")):  # NaN or infinite
        raise ValueError(text)
    return value
