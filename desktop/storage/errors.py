"""The errors storage raises for a database it will not open or touch, or cannot reach now."""

from __future__ import annotations

import sqlite3
from pathlib import Path

_BUSY_CODES = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED (primary codes)


class DatabaseRefused(Exception):
    """A database that must not be opened or changed; str() is one sentence for the operator."""


class DatabaseBusy(Exception):
    """Another program held the database's lock longer than the wait; nothing was written."""


def is_busy(error: BaseException | None) -> bool:
    """A SQLite error saying that another connection holds the lock."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(error, sqlite3.Error) and code is not None and code & 0xFF in _BUSY_CODES


def busy_sentence(path: Path | str | None) -> str:
    where = f" ({path})" if path else ""
    return (f"Another program is using this database{where}, or a background run is busy with "
            "it, and it did not let go in time; nothing was changed, try again in a moment.")
