"""Nothing lost, nothing misreported (issue 14): backups and restore, private files, a file
deleted or replaced while open, locks told apart from foreign or damaged files, read-only opens."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from desktop.storage import migrate
from desktop.storage.database import open_database, restore
from desktop.storage.errors import DatabaseBusy, DatabaseRefused
from desktop.storage.files import DatabaseGone
from desktop.storage.models import MemberRow
from old_schema import ADA, file_at
from storage_helpers import NOW, add_member


def _members(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [name for (name,) in conn.execute("SELECT name FROM members ORDER BY id")]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# Backups and restore (item 1) -----------------------------------------------------------------

def test_restoring_the_oldest_backup_keeps_it_through_the_safety_backup(tmp_path):
    path = tmp_path / "frontdesk.sqlite3"
    db = open_database(str(path), now=NOW)
    with db.write() as session:
        add_member(session, name="Ada Lovelace")
    made = [db.backup_now(NOW + timedelta(hours=hour)) for hour in range(5)]
    with db.write() as session:
        add_member(session, "grace@example.org", "Grace Hopper")
    db.dispose()
    oldest = made[0]
    assert db.list_backups()[-1] == oldest  # five backups: the safety copy would rotate it away
    safety = restore(path, oldest, safety_at=NOW + timedelta(days=1))
    assert oldest.exists()
    assert _members(path) == ["Ada Lovelace"]
    assert _members(safety) == ["Ada Lovelace", "Grace Hopper"]  # what was replaced is kept
    assert safety in db.list_backups()


@pytest.mark.sqlite_only
def test_a_backup_never_takes_the_name_of_an_existing_one(db):
    first = db.backup_now(NOW)
    second = db.backup_now(NOW)  # the same second: the next free name, the first is kept
    assert first != second and first.exists() and second.exists()


@pytest.mark.sqlite_only
def test_restore_refuses_the_live_database_itself(db):
    with pytest.raises(DatabaseRefused, match="is the database itself"):
        restore(db.path, db.path, safety_at=NOW)
    assert db.list_backups() == []


# Private files (item 7) -----------------------------------------------------------------------

def test_database_its_log_and_backups_are_private_in_a_private_folder(tmp_path):
    old = os.umask(0o022)  # the usual umask, which made every file world-readable
    try:
        path = tmp_path / "new-folder" / "frontdesk.sqlite3"
        db = open_database(str(path), now=NOW)
        with db.write() as session:
            add_member(session)
        wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
        assert wal.exists() and shm.exists()
        backup = db.backup_now(NOW)
        modes = {p.name: _mode(p) for p in (path, wal, shm, backup)}
        db.dispose()
    finally:
        os.umask(old)
    assert _mode(path.parent) == 0o700
    assert modes == {name: 0o600 for name in modes}


# A file deleted or replaced while open (item 2) ----------------------------------------------

@pytest.mark.sqlite_only
def test_a_deleted_database_file_refuses_writes_and_is_never_created_again(db):
    with db.write() as session:
        add_member(session)
    with db.session() as session:  # a pooled connection stays open on the old file
        assert session.scalars(select(MemberRow.name)).all() == ["Ada Lovelace"]
    for companion in (db.path, Path(f"{db.path}-wal"), Path(f"{db.path}-shm")):
        companion.unlink(missing_ok=True)
    with pytest.raises(DatabaseGone, match="was deleted, moved or replaced"):
        with db.write() as session:
            add_member(session, "grace@example.org", "Grace Hopper")
    with pytest.raises(DatabaseGone):
        db.check_file()
    db.dispose()  # a new connection must not create an empty file either
    # the "rw" open mode refuses a missing file (SQLite's own refusal, wrapped by SQLAlchemy)
    with pytest.raises(OperationalError, match="unable to open database file"):
        with db.session() as session:
            session.scalars(select(MemberRow.name)).all()
    assert not db.path.exists()


@pytest.mark.sqlite_only
def test_a_replaced_database_file_is_noticed_and_stays_refused(db, tmp_path):
    other = open_database(str(tmp_path / "other.sqlite3"), now=NOW)
    other.dispose()
    os.replace(other.path, db.path)  # same name, another file
    with pytest.raises(DatabaseGone):
        with db.write() as session:
            add_member(session)
    assert _members(db.path) == []


# Locks, foreign and damaged files (item 3) ----------------------------------------------------

def _hold_exclusively(path: Path) -> sqlite3.Connection:
    """Another program holding the whole file (exclusive locking mode)."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO members (email, name, company, phone, notes, credit_balance, "
                   "deposit_held, archived, billing_address, vat_id) "
                   "VALUES ('x@example.org', 'X', '', '', '', 0, 0, 0, '', '')")
    return holder


def test_a_locked_file_is_busy_not_foreign_and_said_within_the_wait(tmp_path, monkeypatch):
    path = tmp_path / "frontdesk.sqlite3"
    open_database(str(path), now=NOW).dispose()
    monkeypatch.setattr(migrate, "OPEN_WAIT_S", 0.3)
    holder = _hold_exclusively(path)
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseBusy) as refused:
            open_database(str(path), now=NOW)
        assert time.monotonic() - started < 5
    finally:
        holder.close()
    message = str(refused.value)
    assert message.startswith("Another program is using this database")
    assert "not a Frontdesk database" not in message and "SQL" not in message
    assert message.count(".") == 1 + str(path).count(".")  # one sentence


@pytest.mark.sqlite_only
def test_a_write_from_the_window_waits_briefly_then_says_another_program_has_it(db):
    db.wait_briefly_on_this_thread(200)
    holder = sqlite3.connect(db.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseBusy, match="^Another program is using this database"):
            with db.write() as session:
                add_member(session)
        assert time.monotonic() - started < 3  # not the 30 s of the background writes
        waited: list[float] = []

        def other_thread() -> None:  # the sweep's worker keeps the long wait
            begun = time.monotonic()
            with db.write() as session:
                add_member(session, "grace@example.org", "Grace Hopper")
            waited.append(time.monotonic() - begun)

        worker = threading.Thread(target=other_thread)
        worker.start()
        time.sleep(0.5)  # the worker waits on the lock, past the window's 200 ms
        holder.execute("COMMIT")
        worker.join(10)
    finally:
        holder.close()
    assert waited and waited[0] >= 0.4
    assert _members(db.path) == ["Grace Hopper"]


def test_a_damaged_file_has_its_own_sentence(tmp_path):
    path = tmp_path / "frontdesk.sqlite3"
    open_database(str(path), now=NOW).dispose()
    data = path.read_bytes()
    path.write_bytes(data[:100] + b"\x07" * (len(data) - 100))  # header kept, pages scrambled
    with pytest.raises(DatabaseRefused) as refused:
        open_database(str(path), now=NOW)
    assert "damaged or incomplete" in str(refused.value)
    assert "not a Frontdesk database" not in str(refused.value)


# Read-only opens (item 8) ---------------------------------------------------------------------

def test_an_older_schema_opened_read_only_is_read_through_a_copy_and_left_alone(tmp_path):
    path = tmp_path / "old.sqlite3"
    file_at(path, "0003", ADA)
    before = path.read_bytes()
    for _attempt in range(2):
        db = open_database(str(path), now=NOW, read_only=True)
        with db.session() as session:
            assert session.scalars(select(MemberRow.name)).all() == ["Ada Lovelace"]
        with pytest.raises(DatabaseRefused):
            with db.write():
                pass
        db.dispose()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.sqlite3"]  # no backup, no log
