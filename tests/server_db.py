"""The database a parametrised test runs on: SQLite by default, a PostgreSQL server in the
server pass (docs/storage.md).

`make test-postgres` (and `make test` when FRONTDESK_TEST_DATABASE_URL names a server) runs the
storage and services suites a second time with FRONTDESK_TEST_BACKEND=postgresql. Then every
`target()` is a new database on that server, copied from a template migrated once per run, and
dropped after its test (tests/conftest.py).
"""

from __future__ import annotations

import itertools
import os
from datetime import datetime

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

URL_VARIABLE = "FRONTDESK_TEST_DATABASE_URL"
BACKEND_VARIABLE = "FRONTDESK_TEST_BACKEND"
ON_SERVER = os.environ.get(BACKEND_VARIABLE) == "postgresql"

_names = itertools.count(1)
_template: str | None = None
_created: list[str] = []


def server_url() -> str | None:
    """The test server's URL (postgresql+psycopg://…/postgres), or None when there is none."""
    return os.environ.get(URL_VARIABLE) or None


def target(tmp_path=None) -> str:
    """Where a test's database goes: a new server database in the server pass, else a SQLite
    file in tmp_path (or in memory without one)."""
    if ON_SERVER:
        return fresh_database()
    return "sqlite://" if tmp_path is None else str(tmp_path / "frontdesk.sqlite3")


def _admin():
    return create_engine(server_url(), isolation_level="AUTOCOMMIT")


def fresh_database(*, migrated: bool = True, copy_of: str | None = None) -> str:
    """The URL of a new database on the test server: freshly migrated, empty (migrated=False),
    or a copy of another test database (copy_of: its URL; nobody may be connected to it)."""
    global _template
    base = make_url(server_url())
    engine = _admin()
    try:
        with engine.connect() as connection:
            if migrated and _template is None:
                _template = f"frontdesk_template_{os.getpid()}"
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {_template} WITH (FORCE)")
                connection.exec_driver_sql(f"CREATE DATABASE {_template}")
                _migrate(base.set(database=_template).render_as_string(hide_password=False))
            name = f"frontdesk_test_{os.getpid()}_{next(_names)}"
            template = f" TEMPLATE {_template}" if migrated else ""
            if copy_of is not None:
                template = f" TEMPLATE {make_url(copy_of).database}"
            connection.exec_driver_sql(f"CREATE DATABASE {name}{template}")
    finally:
        engine.dispose()
    _created.append(name)
    return base.set(database=name).render_as_string(hide_password=False)


def _migrate(url: str) -> None:
    from desktop.storage.database import open_database

    open_database(url, now=datetime(2024, 1, 1)).dispose()


def keep(url: str) -> None:
    """Keep a database past its test (a module's fixture); drop() it when done."""
    _created.remove(make_url(url).database)


def drop(url: str) -> None:
    _created.append(make_url(url).database)
    drop_created()


def drop_created() -> None:
    """Drop the databases made since the last call (their connections are ended first)."""
    if not _created:
        return
    engine = _admin()
    try:
        with engine.connect() as connection:
            while _created:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {_created.pop()} WITH (FORCE)")
    finally:
        engine.dispose()


def drop_template() -> None:
    global _template
    if _template is not None:
        _created.append(_template)
        _template = None
        drop_created()
