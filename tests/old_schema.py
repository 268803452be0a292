"""SQLite files as earlier versions of Frontdesk left them, for upgrade and read-only tests."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import create_engine

from desktop.storage import migrate

ADA = ("INSERT INTO members (id, email, name, company, phone, notes, credit_balance, "
       "deposit_held, archived) VALUES (1, 'ada@example.org', 'Ada Lovelace', '', '', '', 0, 0, "
       "0)")


def file_at(path: Path, revision: str, *statements: str) -> Path:
    """A database file migrated up to `revision` only, then the given SQL run on it."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        migrate.upgrade(connection, revision)
    engine.dispose()
    if statements:
        with closing(sqlite3.connect(path)) as conn, conn:
            for statement in statements:
                conn.execute(statement)
    return path
