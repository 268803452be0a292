"""A shared PostgreSQL server (DESIGN.md §7): its engine, the writers' lock, change notices.

Every desk writes through `Database.write()`; on a server that transaction first takes one
transaction-level advisory lock (`lock_writers`), PostgreSQL's own equivalent of SQLite's
BEGIN IMMEDIATE: writers from every desk queue for it, and it is released by the server when the
transaction ends, also when the desk's process is killed. Each write then sends a NOTIFY in the
same transaction (`notify_change`), so another desk's window learns of it when it commits
(`desktop.storage.changes` listens). Migrations take the same lock.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from desktop.storage.errors import DatabaseRefused

# The key of the writers' advisory lock: fixed, the same for every desk of every version.
WRITER_LOCK = 0x46524F4E5444  # "FRONTD"
CHANNEL = "frontdesk_changes"
CONNECT_TIMEOUT = 10  # seconds before a server that does not answer is given up
MISSING_DRIVER = ("Reaching a PostgreSQL server needs its driver: "
                  "pip install 'frontdesk[postgres]'.")


class _PipelineEcho(logging.Filter):
    """psycopg repeats, as a warning on standard error, the error of a failed bulk write
    ("error ignored terminating <Pipeline>: pipeline aborted") that the caller already got as
    an exception and handles (a member-day that fails alone, DESIGN.md §7): dropped here."""

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
    except OperationalError as error:
        raise DatabaseRefused(f"{describe(url)} could not be reached: {_reason(error)}.") from None
    finally:
        engine.dispose()


def server_engine(url: URL) -> Engine:
    """An engine on the server; a missing driver is DatabaseRefused naming the extra."""
    psycopg_log = logging.getLogger("psycopg")
    if not any(isinstance(f, _PipelineEcho) for f in psycopg_log.filters):
        psycopg_log.addFilter(_PipelineEcho())
    try:
        return create_engine(server_url(url), pool_pre_ping=True,
                             connect_args={"connect_timeout": CONNECT_TIMEOUT})
    except ImportError:
        raise DatabaseRefused(MISSING_DRIVER) from None


def unreachable(url: URL, error: Exception) -> DatabaseRefused:
    """The sentence for a server that cannot be reached or refuses the connection."""
    where = f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"
    return DatabaseRefused(f"The PostgreSQL server {where} could not be opened "
                           f"({_reason(error)}); nothing was changed.")


def _reason(error: Exception) -> str:
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


def lock_writers(connection: Connection) -> None:
    """Wait for, then hold until the transaction ends, the lock every desk's writers share."""
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")


def notify_change(connection: Connection, token: str) -> None:
    """Tell listening desks, when this transaction commits, that data changed (token: who)."""
    connection.exec_driver_sql(f"NOTIFY {CHANNEL}, '{token}'")
