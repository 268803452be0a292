"""Has another desk changed the data? (docs/storage.md: a window sees other desks' changes.)

`watch_changes(db)` gives an object whose `changed()` says, without waiting, whether data was
committed elsewhere since the last call:

- a SQLite file: `PRAGMA data_version` on a connection of the watch's own (it moves when any
  other connection commits: another window, another process, this window's own writes too);
  to be used from the one thread that made it.
- a PostgreSQL server: every `Database.write()` sends a NOTIFY in its transaction
  (`desktop.storage.server`); a thread of the watch LISTENs on its own connection and keeps what
  arrives from other Database objects (their token differs). When the server goes away (a
  restart, the network) the thread tries again, soon at first and then less often
  (`RECONNECT_FIRST` doubling up to `RECONNECT_MOST`); `linked()` says whether it listens now.
  Once it listens again, `changed()` says yes once: what other desks did meanwhile was not
  heard, so the window looks again (it catches up).
- anything else (an in-memory database): None, there is nobody else.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from contextlib import suppress

from desktop.storage import server

_log = logging.getLogger(__name__)
RECONNECT_FIRST = 0.5  # seconds before the first try to listen again
RECONNECT_MOST = 15.0  # the longest wait between two tries
WAKE_SECONDS = 2.0  # how often the listening thread looks whether it is to stop


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
        self._away = threading.Event()  # set from a failure until listening again
        self._thread = threading.Thread(target=self._listen, name="frontdesk-listen",
                                        daemon=True)
        self._thread.start()

    def wait_listening(self, timeout: float) -> bool:
        """True once the thread listens (notices sent before that are not heard)."""
        return self._listening.wait(timeout)

    def linked(self) -> bool:
        """False from a failure to listen (the server went away) until listening again."""
        return not self._away.is_set()

    def changed(self, timeout: float = 0.0) -> bool:
        """Whether another desk committed since the last call (waiting up to timeout)."""
        heard = self._heard.wait(timeout) if timeout else self._heard.is_set()
        self._heard.clear()
        return heard

    def _listen(self) -> None:
        import psycopg

        wait, first = RECONNECT_FIRST, True
        while not self._stopped.is_set():
            try:
                # A server that takes the connection and never answers is given up after
                # CONNECT_TIMEOUT, and TCP keepalives break one gone without a word (a host
                # switched off) within a minute: either held this thread for ever, so the
                # desk never heard the other desks again after a restart (issue 19).
                with psycopg.connect(self._conninfo, autocommit=True,
                                     connect_timeout=server.CONNECT_TIMEOUT,
                                     **server.KEEPALIVES) as connection:
                    connection.execute(f"LISTEN {server.CHANNEL}")
                    if not first:  # what was committed while nobody listened: look again
                        _log.info("Hearing other desks' changes again.")
                        self._heard.set()
                    self._listening.set()
                    self._away.clear()
                    first, wait = False, RECONNECT_FIRST
                    while not self._stopped.is_set():
                        # Few wake-ups: this thread allocates (and so collects garbage) rarely.
                        for notice in connection.notifies(timeout=WAKE_SECONDS):
                            if notice.payload != self._token:
                                self._heard.set()
                        if connection.broken or connection.closed:
                            raise psycopg.OperationalError("the connection was lost")
            except Exception as error:  # the server went away: try again in a while
                if not self._away.is_set():  # once per outage, not at every try
                    _log.warning("Not hearing other desks' changes: %s", error)
                self._away.set()
                self._listening.clear()
                first = False
                self._stopped.wait(wait)
                wait = min(wait * 2, RECONNECT_MOST)

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
