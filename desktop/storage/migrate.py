"""Schema versions: what revision a database is at, and upgrading it with Alembic (docs/storage.md).

The Alembic configuration is built in code from the scripts shipped in
desktop/storage/migrations, so nothing outside the package is needed at run time. Alembic itself
is imported only when a migration is due: the revisions the scripts know are read from their
`revision` / `down_revision` lines, and a database's from its version table with one query, so
opening a current database costs no Alembic import (docs/design.md#targets, start-up).
"""

from __future__ import annotations

import ast
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

from desktop.storage.backups import connect_readonly
from desktop.storage.errors import DatabaseBusy, DatabaseRefused, busy_sentence, is_busy

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"
SQLITE_HEADER = b"SQLite format 3\x00"
# Tables every Frontdesk schema has had; a database with an unknown revision but without
# them belongs to another program, not to a newer Frontdesk.
_CORE_TABLES = frozenset({"members", "plans", "contracts"})

NEWER = "This database was written by a newer version of Frontdesk; it was not changed."


OPEN_WAIT_S = 5.0  # how long opening waits for another program's lock before saying so


def not_frontdesk(name: str) -> str:
    return f"{name} is not a Frontdesk database; it was not changed."


def damaged(name: str) -> str:
    return (f"{name} is damaged or incomplete (a SQLite file that cannot be read); it was not "
            "changed. Restore a backup (\"frontdesk backups\" lists them).")


def alembic_config() -> Config:
    """An Alembic Config pointing at the packaged migration scripts (no alembic.ini)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@lru_cache(maxsize=1)
def _scripts() -> tuple[frozenset[str], frozenset[str]]:
    """(every revision, the heads) read from the scripts' `revision` and `down_revision`
    assignments, as Alembic reads them (tests/storage/test_storage_migrations.py checks)."""
    known: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        for node in ast.parse(script.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                    node.targets[0], ast.Name) and node.targets[0].id in _NAMES:
                value = ast.literal_eval(node.value)
                values = value if isinstance(value, (tuple, list)) else (value,)
                (known if node.targets[0].id == "revision" else parents).update(
                    v for v in values if v)
    return frozenset(known), frozenset(known - parents)


_NAMES = ("revision", "down_revision")


def known_revisions() -> frozenset[str]:
    return _scripts()[0]


def head_revisions() -> frozenset[str]:
    return _scripts()[1]


@dataclass(frozen=True)
class SchemaState:
    """Where a database stands: no schema yet, or the revisions recorded in it."""

    revisions: frozenset[str]
    tables: frozenset[str]

    @property
    def empty(self) -> bool:
        return not self.revisions and not (self.tables - {VERSION_TABLE})

    @property
    def current(self) -> bool:
        return self.revisions == head_revisions()


def judge(revisions: frozenset[str], tables: frozenset[str], name: str) -> SchemaState:
    """Refuse a foreign or newer database; otherwise say where it stands."""
    state = SchemaState(revisions, tables)
    if state.empty:
        return state
    if not revisions:
        raise DatabaseRefused(not_frontdesk(name))
    if not revisions <= known_revisions():
        raise DatabaseRefused(NEWER if _CORE_TABLES <= tables else not_frontdesk(name))
    return state


def sqlite_file_state(path: Path) -> SchemaState:
    """Inspect a SQLite file without changing it (read-only); a missing file is empty.

    An empty (zero-byte) file is refused like any foreign file: Frontdesk did not make it.
    """
    if not path.exists():
        return SchemaState(frozenset(), frozenset())
    if not path.is_file():
        raise DatabaseRefused(not_frontdesk(str(path)))
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise DatabaseRefused(f"{path} cannot be read ({error.strerror}).") from None
    if header != SQLITE_HEADER:
        raise DatabaseRefused(not_frontdesk(str(path)))
    try:
        with closing(connect_readonly(path, timeout=OPEN_WAIT_S)) as conn:
            tables = frozenset(name for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%'"))
            revisions: frozenset[str] = frozenset()
            if VERSION_TABLE in tables:
                revisions = frozenset(rev for (rev,) in conn.execute(
                    f"SELECT version_num FROM {VERSION_TABLE}"))
    except sqlite3.Error as error:
        if is_busy(error):
            raise DatabaseBusy(busy_sentence(path)) from None
        raise DatabaseRefused(damaged(str(path))) from None
    return judge(revisions, tables, str(path))


def connection_state(connection: Connection, name: str) -> SchemaState:
    """Inspect a database through an open connection (servers and in-memory SQLite)."""
    tables = frozenset(inspect(connection).get_table_names())
    revisions: frozenset[str] = frozenset()
    if VERSION_TABLE in tables:
        revisions = frozenset(connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
                              .scalars())
    return judge(revisions, tables, name)


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Run the migrations up to `revision` on a connection, inside its current transaction."""
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
