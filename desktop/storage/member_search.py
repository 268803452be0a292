"""The members' substring index (migration 0006): whether a database has it, and matching with it.

On SQLite with FTS5's trigram tokenizer, migration 0006 made `member_search`, an index of every
trigram of members' name, email and company kept in step by triggers, so a search over 100,000
members reads a few index pages instead of every row. Texts shorter than a trigram, servers and
databases without the index are searched with LIKE (`DESIGN.md` §8).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, column, select, table, text
from sqlalchemy.orm import Session

from desktop.storage.models import MemberRow

TABLE = "member_search"
TRIGRAM = 3  # the shortest text the index can find

_index = table(TABLE, column("rowid"))
_known: WeakKeyDictionary[Engine, bool] = WeakKeyDictionary()


def is_search_table(name: str) -> bool:
    """True for the index and the shadow tables FTS5 keeps beside it (not models)."""
    return name == TABLE or name.startswith(TABLE + "_")


_INSERT_TRIGGER = f"{TABLE}_insert"


@contextmanager
def members_in_bulk(connection: Connection) -> Iterator[None]:
    """Many members inserted at once (an import, the sample data): the per-row insert trigger is
    set aside and the index rebuilt in one statement at the end, in the same transaction.

    FTS5 flushes its pending terms at every trigger's statement, so a trigger costs about ten
    times a bulk rebuild per member; this keeps a 100,000-member import as fast as before.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    trigger = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
        (_INSERT_TRIGGER,)).scalar()
    if trigger is None:  # no index here (an old SQLite): nothing to keep in step
        yield
        return
    connection.exec_driver_sql(f"DROP TRIGGER {_INSERT_TRIGGER}")
    yield  # raising rolls the whole transaction back, the dropped trigger with it
    connection.exec_driver_sql(trigger)
    connection.exec_driver_sql(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")


def has_index(session: Session) -> bool:
    """Whether the session's database has the index; asked once per engine."""
    engine = session.get_bind()
    engine = getattr(engine, "engine", engine)
    found = _known.get(engine)
    if found is None:
        found = engine.dialect.name == "sqlite" and session.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
            {"name": TABLE}).first() is not None
        _known[engine] = found
    return found


def phrase(text_: str) -> str:
    """An FTS5 phrase matching the text literally, anywhere in a column, without regard to case."""
    return '"' + text_.replace('"', '""') + '"'


def matching_members(text_: str):
    """SQL: the member row's id is among the index's matches for the text (≥ TRIGRAM chars)."""
    matches = select(_index.c.rowid).where(text(f"{TABLE} MATCH :search_phrase").bindparams(
        search_phrase=phrase(text_)))
    return MemberRow.id.in_(matches)
