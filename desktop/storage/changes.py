"""Has another desk changed the data? (DESIGN.md §7: a window sees other desks' changes.)

`watch_changes(db)` gives an object whose `changed()` says, without waiting, whether data was
committed elsewhere since the last call:

- a SQLite file: `PRAGMA data_version` on a connection of the watch's own (it moves when any
  other connection commits: another window, another process, this window's own writes too);
  to be used from the one thread that made it.
- a PostgreSQL server: every `Database.write()` sends a NOTIFY in its transaction
  (`desktop.storage.server`); a thread of the watch LISTENs on its own connection and keeps what
  arrives from other Database objects (their token differs), reconnecting when the server
  goes away.
- anything else (an in-memory database): None, there is nobody else.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from contextlib import suppress

from desktop.storage import server

_log = logging.getLogger(__name__)
RECONNECT_SECONDS = 5.0


class FileWatch:
    """Commits by other connections to one SQLite file, seen through PRAGMA data_version."""

    def __init__(self, path) -> None:
        self._connection = sqlite3.connect(path, isolation_level=None)
        self._last = self._version()

    def _version(self) -> int:
        return self._connection.execute("PRAGMA data_version").fetchone()[0]

    def changed(self, timeout: float = 0.0) -> bool:  # noqa: ARG002 (same call as ServerWatch)
        version = self._version()
        moved, self._last = version != self._last, version
        return moved

    def close(self) -> None:
        self._connection.close()


class ServerWatch:
    """NOTIFYs of other desks' writes on a PostgreSQL server, heard by a listening thread."""

    def __init__(self, url, token: str) -> None:
        # libpq's own URI: it reads ~/.pgpass when the URL carries no password.
        self._conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._token = token
        self._heard = threading.Event()
        self._stopped = threading.Event()
        self._listening = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="frontdesk-listen",
                                        daemon=True)
        self._thread.start()

    def wait_listening(self, timeout: float) -> bool:
        """True once the thread listens (notices sent before that are not heard)."""
        return self._listening.wait(timeout)

    def changed(self, timeout: float = 0.0) -> bool:
        """Whether another desk committed since the last call (waiting up to timeout)."""
        heard = self._heard.wait(timeout) if timeout else self._heard.is_set()
        self._heard.clear()
        return heard

    def _listen(self) -> None:
        import psycopg

        while not self._stopped.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as connection:
                    connection.execute(f"LISTEN {server.CHANNEL}")
                    self._listening.set()
                    while not self._stopped.is_set():
                        # Few wake-ups: this thread allocates (and so collects garbage) rarely.
                        for notice in connection.notifies(timeout=2.0):
                            if notice.payload != self._token:
                                self._heard.set()
            except Exception as error:  # the server went away: try again in a while
                self._listening.clear()
                _log.warning("Not hearing other desks' changes: %s", error)
                self._heard.set()  # whatever happened meanwhile is unknown: look again
                self._stopped.wait(RECONNECT_SECONDS)

    def close(self) -> None:
        """Stop listening; the thread ends at its next wake-up (it never holds up a window)."""
        self._stopped.set()
        with suppress(RuntimeError):
            self._thread.join(0.1)


def watch_changes(db) -> FileWatch | ServerWatch | None:
    """A watch on the database's changes made elsewhere; None when there can be none."""
    if db.on_server:
        return ServerWatch(db.url, db.token)
    if db.path is not None:
        return FileWatch(db.path)
    return None
