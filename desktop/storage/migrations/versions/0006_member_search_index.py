"""A substring index over members' name, email and company for the search box
(docs/design.md#targets).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

SQLite only, and only where FTS5 with the trigram tokenizer is built in (SQLite 3.34 or
later): an external-content FTS5 table over members, kept in step by three triggers. Elsewhere
(a server, an older SQLite) nothing is created and the search reads the columns with LIKE.
Search texts shorter than three characters use LIKE too: a trigram needs three.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLE = "member_search"
COLUMNS = "name, email, company"
_NEW = "new.id, new.name, new.email, new.company"
_OLD = "'delete', old.id, old.name, old.email, old.company"

_CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5({COLUMNS}, content='members', "
    "content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON members BEGIN "
    f"INSERT INTO {TABLE}(rowid, {COLUMNS}) VALUES ({_NEW}); END",
    f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON members BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, {COLUMNS}) VALUES ({_OLD}); END",
    f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF name, email, company ON members BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, {COLUMNS}) VALUES ({_OLD}); "
    f"INSERT INTO {TABLE}(rowid, {COLUMNS}) VALUES ({_NEW}); END",
    f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')",  # index the members already there
)


def _trigram_available(connection) -> bool:
    try:
        connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE temp.frontdesk_trigram_probe USING fts5(x, tokenize='trigram')")
    except sa.exc.DBAPIError:
        return False
    connection.exec_driver_sql("DROP TABLE temp.frontdesk_trigram_probe")
    return True


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite" or not _trigram_available(connection):
        return
    for statement in _CREATE:
        connection.exec_driver_sql(statement)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    for trigger in ("insert", "delete", "update"):
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {TABLE}_{trigger}")
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")
