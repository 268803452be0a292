"""Trigram indexes over members' name, email and company on a PostgreSQL server, for the search
box (docs/design.md#targets).

Revision ID: 0009_search_trigrams
Revises: 0008
Create Date: 2026-12-07

What 0006 did for SQLite, for a server: the `pg_trgm` extension and one GIN trigram index per
searched column, over the very expression the search filters on (`lower(column)`), so
`lower(name) LIKE '%text%'` reads the index instead of every member. The search's query is
the same with or without them (desktop/storage/member_search.py); they only make it fast.

Creating an extension needs a right the desk's role may not have (a superuser, or the database
owner's CREATE right for a trusted extension), and the server may lack the contrib package. Then
the migration says so in the log and carries on without the indexes: searches stay correct and
read every row, as before this revision. Nothing is done on SQLite, which has 0006's index.
"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "0009_search_trigrams"
down_revision = "0008"
branch_labels = None
depends_on = None

COLUMNS = ("name", "email", "company")
INDEX = "member_search_{column}_trigrams"

_log = logging.getLogger("desktop.storage.migrations")


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    # A savepoint: a refused statement would otherwise abort the whole migration's transaction.
    savepoint = connection.begin_nested()
    try:
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in COLUMNS:
            connection.exec_driver_sql(
                f"CREATE INDEX IF NOT EXISTS {INDEX.format(column=column)} ON members "
                f"USING gin (lower({column}) gin_trgm_ops)")
    except sa.exc.DBAPIError as error:
        savepoint.rollback()
        _log.warning(
            "The member search's trigram indexes were not made: the server refused the pg_trgm "
            "extension (%s). Searching members still works, reading every member. To make "
            "them, a superuser runs CREATE EXTENSION pg_trgm in this database, then the CREATE "
            "INDEX statements of migration %s.", str(getattr(error, "orig", error)).strip(),
            revision)
        return
    savepoint.commit()


def downgrade() -> None:
    """The indexes go; the extension stays, since something else may use it."""
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    for column in COLUMNS:
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {INDEX.format(column=column)}")
