"""The errors storage raises for a database it will not open or touch, or cannot reach now.

A refusal (`DatabaseRefused`) stays a refusal: the command line exits 2. A database that cannot
be used *now* (`DatabaseBusy`: another program's lock; `ServerUnreachable`: the server is away)
is worth trying again: the command line exits 1, the window keeps what it shows. Each carries a
`wording`, the sentence the window translates (desktop.i18n.messages.refusal); str() is the
English sentence for the command line and the log.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop.domain.model import M_, Message

_BUSY_CODES = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED (primary codes)

SERVER_BUSY = M_("Another desk is saving or applying due transitions, and it did not finish in "
                 "time; nothing was changed, and what you entered is kept: try again in a "
                 "moment.")
SERVER_AWAY = M_("The server cannot be reached; nothing was saved or read, and what the window "
                 "shows is kept: try again once the server is back.")


class DatabaseRefused(Exception):
    """A database that must not be opened or changed; str() is one sentence for the operator."""


class DatabaseBusy(Exception):
    """The database cannot be used now (another program held its lock longer than the wait);
    nothing was written, and trying again later may work."""

    def __init__(self, message: str, wording: Message | None = None) -> None:
        super().__init__(message)
        self.wording = wording


class ServerUnreachable(DatabaseBusy):
    """The PostgreSQL server went away or does not answer (a restart, the network); nothing
    was written, and the same action works again once it is back (docs/storage.md)."""

    def __init__(self, where: str = "") -> None:
        at = f" ({where})" if where else ""
        # What was committed before stays (a sweep's earlier batches): only the rest is undone.
        super().__init__(f"The server{at} cannot be reached; what was not committed was rolled "
                         "back, try again once it is back.", Message.of(SERVER_AWAY))


def server_busy() -> DatabaseBusy:
    """A write of the window waited its while for another desk's lock on the server."""
    return DatabaseBusy("Another desk is saving or applying due transitions, and it did not "
                        "finish in time; nothing was changed, try again in a moment.",
                        Message.of(SERVER_BUSY))


def is_busy(error: BaseException | None) -> bool:
    """A SQLite error saying that another connection holds the lock."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(error, sqlite3.Error) and code is not None and code & 0xFF in _BUSY_CODES


def busy_sentence(path: Path | str | None) -> str:
    where = f" ({path})" if path else ""
    return (f"Another program is using this database{where}, or a background run is busy with "
            "it, and it did not let go in time; nothing was changed, try again in a moment.")
