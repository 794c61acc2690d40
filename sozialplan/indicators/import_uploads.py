"""Uploaded statistics files waiting for their import: kept by checksum, found through the session, read once.

A readable upload is kept under ``VAR_DIR/uploads/statistics/<sha256>``
(never under the client's name) and a random token in the planner's session
points to it. A token is valid for :data:`UPLOAD_TTL` in the session that
uploaded it, for the same user and district, and only while the file is
unchanged on disk; anything else counts as expired.

**Parsed-table cache.** Reading a big table is the slow part of an upload,
and the preview and the import each need the table. The upload reads it once
and keeps the result next to the file as
``<sha256>.<name digest>.table.pickle`` (the name matters: a GENESIS download
name gives the table code). The file starts with an HMAC (``SECRET_KEY``) over
the checksum, the name and the pickle, and is unpickled only when that HMAC
matches, so only a pickle this server wrote is ever loaded. A missing,
stale or tampered cache file is ignored and the upload is read again, under
the same limits as at the upload.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import pickle
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from sozialplan.indicators.importing import read_table
from sozialplan.regions.models import District
from sozialplan.sources.statistics import StatTable
from sozialplan.workspace.access import acting_user

if TYPE_CHECKING:
    from sozialplan.sources.zensus_grid import GridTable

logger = logging.getLogger(__name__)

#: Seconds an uploaded file waits for its import.
UPLOAD_TTL = 2 * 60 * 60
#: Pending uploads kept per session (the oldest is forgotten first).
MAX_PENDING: Final = 5
SESSION_KEY: Final = "statistics_uploads"
TOKEN_PATTERN: Final = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_CACHE_SALT: Final = "sozialplan.indicators.import_uploads.table"
_MAC_SIZE: Final = 32  # SHA-256


def upload_dir() -> Path:
    """Where uploads wait for their import (created on demand)."""
    path = Path(settings.VAR_DIR) / "uploads" / "statistics"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class PendingUpload:
    """An uploaded file waiting for its import (stored in the session as a dict)."""

    token: str
    sha256: str
    name: str
    size: int

    @property
    def path(self) -> Path:
        return upload_dir() / self.sha256

    @property
    def cache_path(self) -> Path:
        """Where the parsed table is kept (see the module docstring)."""
        return _cache_path(self.sha256, self.name)


def _cache_path(digest: str, name: str) -> Path:
    return upload_dir() / f"{digest}.{hashlib.sha256(name.encode()).hexdigest()[:16]}.table.pickle"


def _mac(digest: str, name: str, payload: bytes) -> bytes:
    mac = salted_hmac(_CACHE_SALT, f"{digest}\n{name}\n", algorithm="sha256")
    mac.update(payload)
    return mac.digest()


def _write_atomically(target: Path, *parts: bytes) -> None:
    temporary = target.with_name(f"{target.name}.{secrets.token_hex(4)}.part")
    with temporary.open("wb") as stream:
        for part in parts:
            stream.write(part)
    temporary.replace(target)


def remove_stale_files() -> None:
    """Delete uploads and caches older than the TTL (any session's: files are named by checksum only)."""
    limit = time.time() - UPLOAD_TTL
    for path in upload_dir().iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
        except OSError:  # removed concurrently; nothing to do
            continue


def keep(request: HttpRequest, district: District, name: str, data: bytes, table: StatTable | GridTable) -> str:
    """Store ``data`` under its checksum with its parsed ``table``, remember it in the session; the new token."""
    remove_stale_files()
    digest = hashlib.sha256(data).hexdigest()
    _write_atomically(upload_dir() / digest, data)
    _store_table(digest, name, table)
    token = secrets.token_urlsafe(24)
    pending: dict[str, Any] = dict(request.session.get(SESSION_KEY) or {})
    pending[token] = {
        "sha256": digest,
        "name": name,
        "size": len(data),
        "district": district.slug,
        "user": acting_user(request).pk,
        "created": time.time(),
    }
    for old in sorted(pending, key=lambda t: pending[t].get("created", 0))[:-MAX_PENDING]:
        del pending[old]
    request.session[SESSION_KEY] = pending
    return token


def pending_upload(request: HttpRequest, district: District, token: str) -> PendingUpload | None:
    """The session's upload for ``token`` if it is this user's, for this district and not expired."""
    if not TOKEN_PATTERN.match(token):
        return None
    entry = (request.session.get(SESSION_KEY) or {}).get(token)
    if not isinstance(entry, dict):
        return None
    fresh = time.time() - float(entry.get("created", 0)) < UPLOAD_TTL
    if not fresh or entry.get("district") != district.slug or entry.get("user") != acting_user(request).pk:
        return None
    digest = str(entry.get("sha256", ""))
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        return None
    return PendingUpload(token=token, sha256=digest, name=str(entry.get("name", "")), size=int(entry.get("size", 0)))


def forget(request: HttpRequest, upload: PendingUpload) -> None:
    """Drop the token from the session and delete the file and its cache."""
    pending = dict(request.session.get(SESSION_KEY) or {})
    pending.pop(upload.token, None)
    request.session[SESSION_KEY] = pending
    upload.path.unlink(missing_ok=True)
    upload.cache_path.unlink(missing_ok=True)


def load(upload: PendingUpload) -> bytes | None:
    """The file's bytes, or ``None`` if it is gone or was changed on disk."""
    try:
        data = upload.path.read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == upload.sha256 else None


def parsed_table(upload: PendingUpload, data: bytes) -> StatTable | GridTable:
    """The upload's table: from the cache this server wrote, else read again (``SourceError`` as ``read_table``)."""
    table = _cached_table(upload)
    if table is None:
        table = read_table(upload.name, data)
        _store_table(upload.sha256, upload.name, table)
    return table


def _store_table(digest: str, name: str, table: StatTable | GridTable) -> None:
    """Write the cache file; best effort (without it the table is read again)."""
    try:
        payload = pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL)
        _write_atomically(_cache_path(digest, name), _mac(digest, name, payload), payload)
    except Exception:  # disk full, memory, an unpicklable value: the table is then simply read again
        logger.warning("Could not cache the parsed table of %s", digest, exc_info=True)


def _cached_table(upload: PendingUpload) -> StatTable | GridTable | None:
    """The cached table if the cache file's HMAC proves this server wrote it for this file and name."""
    try:
        content = upload.cache_path.read_bytes()
    except OSError:
        return None
    mac, payload = content[:_MAC_SIZE], content[_MAC_SIZE:]
    if not hmac.compare_digest(mac, _mac(upload.sha256, upload.name, payload)):
        logger.warning("Ignoring a table cache with a wrong signature: %s", upload.cache_path.name)
        return None
    from sozialplan.sources.zensus_grid import GridTable

    try:
        table = pickle.loads(payload)  # noqa: S301 - signed by this server (HMAC checked above)
    except Exception:  # written by an older version of the code: read the file again
        logger.warning("Ignoring an unreadable table cache: %s", upload.cache_path.name, exc_info=True)
        return None
    return table if isinstance(table, StatTable | GridTable) else None
