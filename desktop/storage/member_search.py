"""The members' substring indexes (migrations 0006 and 0009): whether a database has one, and the
search box's condition (`docs/design.md#targets`).

On SQLite with FTS5's trigram tokenizer, migration 0006 made `member_search`, an index of every
trigram of members' name, email and company kept in step by triggers, so a search over 100,000
members reads a few index pages instead of every row. Texts shorter than a trigram and SQLite
databases without the index are searched with LIKE over `lower(column)`.

On a PostgreSQL server the condition is always that LIKE: migration 0009 made a GIN trigram index
(`pg_trgm`) over each `lower(column)`, which the server's planner uses for the very same
condition, so the query is one and the indexes only make it fast. Where the extension could not
be created the migration logged so, and the same query reads every member.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import (
    ColumnElement,
    Connection,
    bindparam,
    column,
    func,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from desktop.storage.models import MemberRow

TABLE = "member_search"
TRIGRAM = 3  # the shortest text the index can find

_index = table(TABLE, column("rowid"))


def is_search_table(name: str) -> bool:
    """True for the index and the shadow tables FTS5 keeps beside it, and for the server's
    trigram indexes (migration 0009): none of them are models."""
    return name == TABLE or name.startswith(TABLE + "_")


_INSERT_TRIGGER = f"{TABLE}_insert"
_COLUMNS = "name, email, company"
_NEW = "new.id, new.name, new.email, new.company"
_OLD = "'delete', old.id, old.name, old.email, old.company"
# The index exactly as migration 0006 makes it: an import sets it aside and `build_index` makes
# it again, off the person's path.
_CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5({_COLUMNS}, content='members', "
    "content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER {_INSERT_TRIGGER} AFTER INSERT ON members BEGIN "
    f"INSERT INTO {TABLE}(rowid, {_COLUMNS}) VALUES ({_NEW}); END",
    f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON members BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, {_COLUMNS}) VALUES ({_OLD}); END",
    f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF name, email, company ON members BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, {_COLUMNS}) VALUES ({_OLD}); "
    f"INSERT INTO {TABLE}(rowid, {_COLUMNS}) VALUES ({_NEW}); END",
    f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')",
)
_DROP = (*(f"DROP TRIGGER IF EXISTS {TABLE}_{event}" for event in ("insert", "delete", "update")),
         f"DROP TABLE IF EXISTS {TABLE}")


def _table_exists(connection: Connection) -> bool:
    found = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)).first()
    return found is not None


@contextmanager
def members_in_bulk(connection: Connection, *, index_later: bool = False) -> Iterator[None]:
    """Many members inserted at once (an import, the sample data), in the caller's transaction.

    FTS5 flushes its pending terms at every trigger's statement, so the per-row trigger costs
    about ten times a bulk rebuild per member. By default the insert trigger is set aside and
    the index rebuilt in one statement at the end. With `index_later` (an import of a whole
    document, up to 100,000 members) the index is dropped instead, so the import is no slower
    than without one: searches read the columns with LIKE until `build_index` makes it again
    (the window does so on a worker when it opens).
    """
    if connection.dialect.name != "sqlite" or not _table_exists(connection):
        yield  # no index here (a server, an old SQLite): nothing to keep in step
        return
    if index_later:
        for statement in _DROP:
            connection.exec_driver_sql(statement)
        yield  # raising rolls the whole transaction back, the dropped index with it
        return
    trigger = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
        (_INSERT_TRIGGER,)).scalar_one()
    connection.exec_driver_sql(f"DROP TRIGGER {_INSERT_TRIGGER}")
    yield  # raising rolls the whole transaction back, the dropped trigger with it
    connection.exec_driver_sql(trigger)
    connection.exec_driver_sql(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")


def _trigram_available(connection: Connection) -> bool:
    try:
        connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE temp.frontdesk_trigram_probe USING fts5(x, tokenize='trigram')")
    except DBAPIError:
        return False
    connection.exec_driver_sql("DROP TABLE temp.frontdesk_trigram_probe")
    return True


def build_index(connection: Connection) -> bool:
    """Make the index over every member where an import left it out; True if it was made.

    Nothing to do on a server, where it exists, or on a SQLite without the trigram tokenizer.
    """
    if (connection.dialect.name != "sqlite" or _table_exists(connection)
            or not _trigram_available(connection)):
        return False
    for statement in _CREATE:
        connection.exec_driver_sql(statement)
    return True


def has_index(session: Session) -> bool:
    """Whether the database has the index now (another process's import may have dropped it)."""
    bind = session.get_bind()
    return bind.dialect.name == "sqlite" and _table_exists(session.connection())


def phrase(text_: str) -> str:
    """An FTS5 phrase matching the text literally, anywhere in a column, without regard to case."""
    return '"' + text_.replace('"', '""') + '"'


def _indexed_matches(text_: str) -> ColumnElement[bool]:
    """SQL: the member row's id is among the FTS5 index's matches for the text."""
    matches = select(_index.c.rowid).where(text(f"{TABLE} MATCH :search_phrase").bindparams(
        search_phrase=phrase(text_)))
    return MemberRow.id.in_(matches)


def like_pattern(text_: str) -> str:
    """The LIKE pattern finding the text anywhere, its own % _ and \\ taken literally."""
    escaped = text_.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# The searched columns. Each is matched as lower(column), the expression migration 0009's
# trigram indexes are made over: a server uses an index only for the very same expression.
SEARCHED = (MemberRow.name, MemberRow.email, MemberRow.company)


def reads_columns(text_: str, indexed: bool) -> bool:
    """Whether matching_members reads the columns with LIKE (on SQLite: no index, or too short)."""
    return bool(text_) and not (indexed and len(text_) >= TRIGRAM)


# A page searched with LIKE on SQLite, in the list's name or company order, walks that order's
# index and looks each member up: quick when the page fills from the first few thousand, but a
# text matching almost nobody then reads every member through the index, two to three times a
# plain read of the table (while an imported file's index is being built, or on a SQLite without
# the trigram tokenizer). So the walk stops after WALK members; a page not filled by then is read
# the plain way, every row once and then sorted (desktop/services/members.py).
WALK = 20_000


# On a server the trigram indexes find a text's members at once, but the planner, guessing how
# many match, may instead walk the name order's index hoping to fill the page early: for a text
# whose members all sort late ("pri": 1,800 members named Priya) that reads most of the table.
# So where the indexes tell in a moment that FEW or fewer members match, the page is sorted from
# those alone (desktop/services/members.py); a text matching more fills its page early anyway.
FEW = 2_000
_TRIGRAM_INDEXES = ("member_search_name_trigrams", "member_search_email_trigrams",
                    "member_search_company_trigrams")


def has_trigram_indexes(session: Session) -> bool:
    """Whether the server database has migration 0009's indexes (pg_trgm was not refused).

    Asked once per server connection (kept in its `info`): only a migration makes them."""
    connection = session.connection()
    if "frontdesk_trigram_indexes" not in connection.info:
        found = connection.execute(text(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() "
            "AND indexname IN :names").bindparams(bindparam("names", expanding=True)),
            {"names": list(_TRIGRAM_INDEXES)}).scalar_one()
        connection.info["frontdesk_trigram_indexes"] = found == len(_TRIGRAM_INDEXES)
    return connection.info["frontdesk_trigram_indexes"]


def among_first(order) -> ColumnElement[bool]:
    """SQL: the member is among the first WALK members in `order` (read from its index alone)."""
    return MemberRow.id.in_(select(MemberRow.id).order_by(*order).limit(WALK))


def matching_members(text_: str, indexed: bool) -> ColumnElement[bool]:
    """SQL: the member row's name, email or company holds the text, case aside.

    indexed: the SQLite database has `member_search` (`has_index`); then a text of TRIGRAM
    characters or more is looked up in it. Otherwise, and always on a server (whose trigram
    indexes serve this very condition), LIKE over the lowered columns.
    """
    if indexed and len(text_) >= TRIGRAM:
        return _indexed_matches(text_)
    pattern = like_pattern(text_)
    return or_(*(func.lower(col).like(pattern, escape="\\") for col in SEARCHED))
