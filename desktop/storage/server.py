"""A shared PostgreSQL server (docs/storage.md): its engine, the writers' lock, change notices.

Every desk writes through `Database.write()`; on a server that transaction first takes one
transaction-level advisory lock (`lock_writers`), PostgreSQL's own equivalent of SQLite's
BEGIN IMMEDIATE: writers from every desk queue for it, and it is released by the server when the
transaction ends, also when the desk's process is killed. Each write then sends a NOTIFY in the
same transaction (`notify_change`), so another desk's window learns of it when it commits
(`desktop.storage.changes` listens). Migrations take the same lock.

A server can go away (a restart, the network) and come back. Whatever the driver says then
("consuming input failed: server closed the connection unexpectedly", "connection failed: …
Connection refused") becomes one error, `ServerUnreachable`, at the engine (`_one_error`), so
every layer above sees one type with one sentence, never the driver's words; a lock another desk
held longer than a window's write waits (`wait_at_most`) becomes `DatabaseBusy` likewise.
TCP keepalives make a server that vanished without a word (a host switched off, a cut cable)
count as gone within a minute instead of never.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import OperationalError

from desktop.storage.errors import DatabaseRefused, ServerUnreachable, server_busy

# The key of the writers' advisory lock: fixed, the same for every desk of every version.
WRITER_LOCK = 0x46524F4E5444  # "FRONTD"
CHANNEL = "frontdesk_changes"
CONNECT_TIMEOUT = 10  # seconds before a server that does not answer is given up
# How long a write from the window waits for another desk's lock (the writers' or a row's): they
# are held for a save or a sweep's batch, well under a second; longer is a stuck transaction,
# and the window must answer (a save once froze it for 20 s).
WINDOW_WAIT_MS = 2_000
# libpq's TCP keepalives (seconds) and how long sent data may go unacknowledged (ms): a server
# that stops answering without closing the connection is noticed within about a minute.
KEEPALIVES: dict[str, Any] = {"keepalives": 1, "keepalives_idle": 20, "keepalives_interval": 5,
              "keepalives_count": 4, "tcp_user_timeout": 30_000}
# What the server says when a connection was cut or cannot be made now: class 08 (connection
# exception), admin/crash shutdown, "the database system is starting up".
_GONE_STATES = ("57P01", "57P02", "57P03")
_LOCK_WAITED = "55P03"  # lock_not_available: lock_timeout ran out (wait_at_most)
# What a server answers when it is there but will not let this desk in: a password or user it
# refuses (class 28), a database it does not have, a privilege missing. At connect time libpq
# gives no SQLSTATE, only the server's own sentence, so those are known by their words too;
# any other failure to connect, above all one no server answered (refused, timed out, a name
# that does not resolve now, in whatever language the system words it), is a server away:
# try again, exit 1.
_REFUSED_CLASSES = ("28",)
_REFUSED_STATES = ("3D000", "42501")
_REFUSED_WORDS = ("does not exist", "password authentication failed", "no pg_hba.conf entry",
                  "authentication failed", "no password supplied", "permission denied",
                  "not permitted to log in")
MISSING_DRIVER = ("Reaching a PostgreSQL server needs its driver: "
                  "pip install 'frontdesk[postgres]'.")


class _PipelineEcho(logging.Filter):
    """psycopg repeats, as a warning on standard error, the error of a failed bulk write
    ("error ignored terminating <Pipeline>: pipeline aborted") that the caller already got as
    an exception and handles (a member-day that fails alone, docs/storage.md): dropped here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("error ignored terminating")


def is_server(url: URL) -> bool:
    return url.get_backend_name() == "postgresql"


def server_url(url: URL) -> URL:
    """postgresql://… means psycopg 3 (the postgres extra), not SQLAlchemy's default psycopg2."""
    return url.set(drivername="postgresql+psycopg") if url.drivername == "postgresql" else url


def server_address(host: str, port: int, database: str, user: str,
                   password: str | None = None) -> str:
    """The URL of a server database (File → Connect to a server…); without a password libpq
    reads ~/.pgpass. The URL with a password is only ever kept in memory."""
    return URL.create("postgresql+psycopg", username=user or None, password=password or None,
                      host=host or None, port=port or None,
                      database=database or None).render_as_string(hide_password=False)


def describe(url: URL) -> str:
    """"desk@db.example.org:5432/frontdesk": which server database is open (no password)."""
    user = f"{url.username}@" if url.username else ""
    return f"{user}{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def check_server(target: str) -> None:
    """Connect once and disconnect (the Test button); DatabaseRefused with the reason if not."""
    url = server_url(make_url(target))
    engine = server_engine(url)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except (OperationalError, ServerUnreachable) as error:
        why = _reason(error.__cause__ if isinstance(error, ServerUnreachable) else error)
        raise DatabaseRefused(f"{describe(url)} could not be reached: {why}.") from None
    finally:
        engine.dispose()


def server_engine(url: URL) -> Engine:
    """An engine on the server; a missing driver is DatabaseRefused naming the extra."""
    psycopg_log = logging.getLogger("psycopg")
    if not any(isinstance(f, _PipelineEcho) for f in psycopg_log.filters):
        psycopg_log.addFilter(_PipelineEcho())
    try:
        engine = create_engine(server_url(url), pool_pre_ping=True,
                               connect_args={"connect_timeout": CONNECT_TIMEOUT, **KEEPALIVES})
    except ImportError:
        raise DatabaseRefused(MISSING_DRIVER) from None
    where = describe(url)

    @event.listens_for(engine, "handle_error")
    def _one_error(context: ExceptionContext) -> None:
        failure = what_failed(context, where)
        if failure is not None:
            raise failure  # the driver's error stays its __cause__, for the log

    return engine


def what_failed(context: ExceptionContext, where: str) -> Exception | None:
    """The product's error for a driver's error on the server, or None to leave it as it is.

    A broken connection or one that cannot be made now is ServerUnreachable; a lock waited for
    longer than the window's write allows is DatabaseBusy. The pool's own pre-ping is left
    alone: a dead pooled connection is replaced without anybody noticing."""
    if context.is_pre_ping:
        return None
    error = context.original_exception
    state = getattr(error, "sqlstate", None) or ""
    if state == _LOCK_WAITED:
        return server_busy()
    if context.is_disconnect or state.startswith("08") or state in _GONE_STATES:
        return ServerUnreachable(where)
    if context.connection is None and is_away(error):  # connecting failed
        return ServerUnreachable(where)
    return None


def is_away(error: BaseException) -> bool:
    """A failure to connect because the server is not there now (worth trying again), rather
    than a server that answered and refused this desk."""
    state = getattr(error, "sqlstate", None) or getattr(getattr(error, "orig", None),
                                                        "sqlstate", None) or ""
    if state[:2] in _REFUSED_CLASSES or state in _REFUSED_STATES:
        return False
    text = str(error)
    return not any(words in text for words in _REFUSED_WORDS)


def unreachable(url: URL, error: Exception) -> DatabaseRefused:
    """The sentence for a server that refuses the connection (a password, a database)."""
    where = f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"
    return DatabaseRefused(f"The PostgreSQL server {where} could not be opened "
                           f"({_reason(error)}); nothing was changed.")


def wait_at_most(connection: Connection, wait_ms: int) -> None:
    """Until this transaction ends, a lock (the writers' or a row's) is waited for at most
    wait_ms; then the statement fails (DatabaseBusy) instead of holding up a window."""
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {int(wait_ms)}")


def _reason(error: BaseException | None) -> str:
    """libpq's reason, without the connection details before it ("… failed: reason")."""
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    words = lines[0] if lines else type(error).__name__
    return words.split("failed: ")[-1].strip().rstrip(".")


def follow_ids(connection: Connection, tables) -> None:
    """After rows were inserted with ids of their own (bulk writes, an import): the server's
    id sequences continue after the highest id, as SQLite's do by themselves."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)")


def lock_writers(connection: Connection, wait_ms: int | None = None) -> None:
    """Wait for, then hold until the transaction ends, the lock every desk's writers share;
    with wait_ms, any lock of this transaction is waited for that long at most."""
    if wait_ms is not None:
        wait_at_most(connection, wait_ms)
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")


def notify_change(connection: Connection, token: str) -> None:
    """Tell listening desks, when this transaction commits, that data changed (token: who)."""
    connection.exec_driver_sql(f"NOTIFY {CHANNEL}, '{token}'")
