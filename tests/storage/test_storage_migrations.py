"""Schema creation and upgrades at open; refusing foreign and newer databases (docs/storage.md)."""

from __future__ import annotations

import sqlite3
import warnings
from contextlib import closing
from datetime import date, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, select
from sqlalchemy.schema import CreateIndex

from desktop.storage import migrate
from desktop.storage.database import open_database
from desktop.storage.errors import DatabaseRefused
from desktop.storage.member_search import is_search_table
from desktop.storage.models import Base, MemberRow, SweepRunRow
from storage_helpers import NOW

HEAD = "0010_einvoice_data"
NEWER = "This database was written by a newer version of Frontdesk; it was not changed."


def _revision(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def _file_at_0001(path: Path) -> None:
    """A database as the first release left it, with one member."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        migrate.upgrade(connection, "0001")
    engine.dispose()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("INSERT INTO members (email, name, company, phone, notes, credit_balance,"
                     " deposit_held, archived) VALUES ('old@example.org', 'Old Timer', '', '',"
                     " '', 700, 0, 0)")


def test_migrations_have_one_head_after_0001():
    assert migrate.head_revisions() == {HEAD}
    assert migrate.known_revisions() == {"0001", "0002", "0003", "0004", "0005", "0006",
                                         "0007", "0008", "0009_search_trigrams", "0011_outbox",
                                         "0013_contract_terms", "0012_direct_debit", HEAD}


def test_an_empty_file_is_refused_like_any_foreign_file_and_left_empty(tmp_path):
    path = tmp_path / "new.sqlite3"
    path.touch()
    with pytest.raises(DatabaseRefused, match="is not a Frontdesk database"):
        open_database(str(path), now=NOW)
    assert path.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.sqlite3"]


def test_a_missing_file_and_its_folders_are_created(tmp_path):
    path = tmp_path / "deep" / "er" / "desk.sqlite3"
    db = open_database(str(path), now=NOW)
    with db.session() as session:
        assert session.scalars(select(MemberRow)).all() == []
    db.dispose()
    assert db.path == path and _revision(path) == {HEAD}


def test_a_file_at_0001_is_backed_up_then_upgraded_with_its_data(tmp_path):
    path = tmp_path / "desk.sqlite3"
    _file_at_0001(path)
    db = open_database(str(path), now=datetime(2024, 5, 6, 7, 8, 9))
    with db.write() as session:
        member = session.scalars(select(MemberRow)).one()
        assert (member.email, member.credit_balance) == ("old@example.org", 700)
        session.add(SweepRunRow(ran_at=NOW, as_of=date(2024, 5, 6)))  # the table 0002 adds
    db.dispose()
    assert _revision(path) == {HEAD}
    backup = tmp_path / "desk.backup-20240506-070809.sqlite3"
    assert db.list_backups() == [backup]
    assert _revision(backup) == {"0001"}  # the backup is of the database before the upgrade
    with closing(sqlite3.connect(backup)) as conn:
        assert conn.execute("SELECT email FROM members").fetchall() == [("old@example.org",)]


def test_a_file_at_0002_keeps_its_contracts_and_gains_an_empty_reference(tmp_path):
    """0003 adds contracts.reference (docs/exchange-format.md); every row written by 0002 is kept as
    it was."""
    path = tmp_path / "desk.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        migrate.upgrade(connection, "0002")
    engine.dispose()
    rows = [
        "INSERT INTO plans (id, name, kind, price, frequency, deposit, archived) VALUES "
        "(1, 'Desk', 'plan', 20000, '1 month', 5000, 0)",
        "INSERT INTO members (id, email, name, company, phone, notes, credit_balance,"
        " deposit_held, archived) VALUES (1, 'old@example.org', 'Old Timer', '', '', '', 700,"
        " 5000, 0)",
        "INSERT INTO contracts (id, member_id, plan_id, next_plan_id, custom_price, quantity,"
        " start_date, billing_anchor, next_invoice_date, prorate_last_invoice,"
        " prorate_first_invoice, notes, next_event_date, version) VALUES (7, 1, 1, 1, 18000, 2,"
        " '2024-01-15', '2024-01-01', '2024-05-01', 1, 0, 'corner desk', '2024-05-01', 3)",
    ]
    with closing(sqlite3.connect(path)) as conn, conn:
        for sql in rows:
            conn.execute(sql)
        before = conn.execute("SELECT * FROM contracts").fetchall()
    db = open_database(str(path), now=NOW)
    db.dispose()
    assert _revision(path) == {HEAD}  # up to the head, through 0003
    with closing(sqlite3.connect(path)) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(contracts)")]
        after = conn.execute(f"SELECT {', '.join(columns)} FROM contracts").fetchall()
        member = conn.execute("SELECT credit_balance, deposit_held FROM members").fetchall()
    # 0003's reference, then 0013's commitment end, notice, waiver and "ends at commitment
    # end" (rule 25), empty and off.
    assert after == [before[0] + (None, None, None, 0, 0)]
    assert columns[len(before[0]):] == ["reference", "commitment_end", "notice",
                                        "notice_waived", "ends_at_commitment_end"]
    assert member == [(700, 5000)]


def test_a_current_file_is_opened_without_a_backup(tmp_path):
    path = tmp_path / "desk.sqlite3"
    open_database(str(path), now=NOW).dispose()
    db = open_database(str(path), now=datetime(2030, 1, 1))
    db.dispose()
    assert db.list_backups() == []


def test_a_newer_database_is_refused_and_left_byte_for_byte(tmp_path):
    path = tmp_path / "desk.sqlite3"
    open_database(str(path), now=NOW).dispose()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    before = _files(tmp_path)
    with pytest.raises(DatabaseRefused) as refused:
        open_database(str(path), now=NOW)
    assert str(refused.value) == NEWER
    assert _files(tmp_path) == before  # same bytes, no backup, no new file


def test_a_foreign_sqlite_file_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "other.db"
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO recipes (name) VALUES ('soup')")
    before = _files(tmp_path)
    with pytest.raises(DatabaseRefused) as refused:
        open_database(str(path), now=NOW)
    assert str(refused.value) == f"{path} is not a Frontdesk database; it was not changed."
    assert _files(tmp_path) == before


def test_another_programs_alembic_database_is_foreign_not_newer(tmp_path):
    path = tmp_path / "other.db"
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('abc123')")
        conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY)")
    with pytest.raises(DatabaseRefused, match="is not a Frontdesk database; it was not changed"):
        open_database(str(path), now=NOW)


@pytest.mark.parametrize("content", [b"name,email\nAda,ada@example.org\n", b"\x00" * 4096])
def test_a_file_that_is_not_sqlite_is_refused_and_left_unchanged(tmp_path, content):
    path = tmp_path / "members.csv"
    path.write_bytes(content)
    with pytest.raises(DatabaseRefused) as refused:
        open_database(str(path), now=NOW)
    assert str(refused.value) == f"{path} is not a Frontdesk database; it was not changed."
    assert _files(tmp_path) == {"members.csv": content}


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(DatabaseRefused, match="is not a Frontdesk database"):
        open_database(str(tmp_path), now=NOW)


def test_migrated_schema_matches_the_models_exactly(db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True,
                              # The search indexes (0006, 0009) are FTS5's and pg_trgm's,
                              # not a model's.
                              "include_name": lambda name, kind, _parent: not (
                                  kind in ("table", "index") and is_search_table(name))})
        with warnings.catch_warnings():
            # SQLite cannot reflect expression indexes; the next test compares those.
            warnings.filterwarnings("ignore", message=".*expression-based index")
            assert compare_metadata(context, Base.metadata) == []


def _normalised(sql: str) -> str:
    return " ".join(sql.replace("(", " ( ").replace(")", " ) ").split()).upper()


@pytest.mark.sqlite_only
def test_migrated_indexes_match_the_models_including_expression_indexes(db):
    with db.engine.connect() as connection:
        migrated = {name: _normalised(sql) for name, sql in connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
        declared = {index.name: _normalised(str(CreateIndex(index).compile(connection)))
                    for table in Base.metadata.tables.values() for index in table.indexes}
    assert migrated == declared
    assert "LOWER ( NAME )" in migrated["ix_members_name_lower"]


def test_in_memory_url_is_migrated_and_usable():
    db = open_database("sqlite://", now=NOW)
    with db.write() as session:
        session.add(MemberRow(email="mem@example.org", name="In Memory"))
    with db.session() as session:
        assert session.scalars(select(MemberRow.email)).all() == ["mem@example.org"]
    assert db.path is None and db.list_backups() == [] and db.backup_daily(NOW) is None
    db.dispose()


def test_a_path_that_cannot_be_created_is_refused_in_one_sentence(tmp_path):
    blocker = tmp_path / "plain-file"
    blocker.write_text("x")
    with pytest.raises(DatabaseRefused, match=r"could not be opened \(.+\); it was not changed\."):
        open_database(str(blocker / "desk.sqlite3"), now=NOW)
