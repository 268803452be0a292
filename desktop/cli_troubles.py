"""What the command line says when the disk, not the input, stops a command
(docs/exchange-format.md: one sentence, never a library's words such as "(sqlite3.OperationalError)
attempt to write a readonly database"): what happened, that the change was not saved, and what to
do."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

# SQLite's primary result codes (https://sqlite.org/rescode.html).
_READONLY, _IOERR, _FULL, _CANTOPEN = 8, 10, 13, 14


def _kind(error: BaseException) -> str | None:
    if isinstance(error, OSError) and not isinstance(error, sqlite3.Error):
        return {errno.ENOSPC: "full", errno.EDQUOT: "full", errno.EROFS: "read-only",
                errno.EACCES: "read-only", errno.EPERM: "read-only"}.get(error.errno or 0)
    if not isinstance(error, sqlite3.Error):
        return None
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(error).lower()
    if code == _FULL or "disk is full" in text:
        return "full"
    if code == _READONLY or "readonly database" in text:
        return "read-only"
    if code == _IOERR or "disk i/o error" in text:
        return "disk error"
    if code == _CANTOPEN or "unable to open database file" in text:
        return "cannot open"
    return None


def storage_trouble(exc: BaseException | None, database: Path | None, *,
                    writing: bool = True) -> str | None:
    """The sentence for a full disk, a read-only database or a failing disk (SQLAlchemy's
    error or the driver's own), else None. Not writing (the cause of a refusal to open), a file
    that cannot be opened keeps the refusal's own sentence."""
    if exc is None:
        return None
    kind = _kind(getattr(exc, "orig", None) or exc)
    if kind == "cannot open" and not writing:
        return None
    where = f" ({database})" if database is not None else ""
    if kind == "full":
        return ("The disk holding the database is full, so the change was not saved. Free some "
                "space and run the command again.")
    if kind == "read-only":
        return (f"The database{where} is read-only for you, or its folder is, so the change was "
                "not saved. Make both writable (or copy the database to a folder of yours, "
                "with --db naming the copy) and run the command again.")
    if kind == "disk error":
        return (f"The disk holding the database{where} reported an error, so the change was not "
                "saved. Check the disk and its free space, then run the command again.")
    if kind == "cannot open":
        return (f"The database{where} or its folder cannot be opened for writing, so the change "
                "was not saved. Check that both exist and are writable for you.")
    return None
