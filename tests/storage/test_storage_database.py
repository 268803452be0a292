"""Opening, pragmas, transactions, concurrency, invoice numbers and backups (docs/storage.md)."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import IntegrityError

from desktop.domain.model import Contract, Invoice, Transition
from desktop.ledger.contracts import save_contract
from desktop.ledger.numbering import invoice_numbers
from desktop.storage import database as database_module
from desktop.storage.database import (
    DatabaseRefused,
    open_database,
    restore,
)
from desktop.storage.models import AppliedTransitionRow, InvoiceRow, MemberRow
from storage_helpers import FEB1, JAN1, NOW, add_catalog, add_invoice, add_member


def _pragmas(session) -> tuple:
    return tuple(session.execute(text(f"PRAGMA {name}")).scalar()
                 for name in ("foreign_keys", "journal_mode", "busy_timeout", "synchronous"))


@pytest.mark.sqlite_only
def test_pragmas_are_on_for_reads_and_writes(db):
    expected = (1, "wal", 30000, 1)  # synchronous 1 = NORMAL
    with db.session() as session:
        assert _pragmas(session) == expected
    with db.write() as session:
        assert _pragmas(session) == expected


def test_foreign_keys_are_enforced(db):
    with pytest.raises(IntegrityError), db.write() as session:
        session.add(InvoiceRow(number="INV-000001", member_id=999, issue_date=JAN1, subtotal=0,
                               tax=0, total=0, amount_due=0))


def test_a_write_that_raises_leaves_nothing_behind(db):
    with pytest.raises(RuntimeError), db.write() as session:
        add_member(session)
        raise RuntimeError("the user action failed half-way")
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(MemberRow)) == 0


def _contract_id(db) -> int:
    with db.write() as session:
        plans = add_catalog(session)
        member = add_member(session)
        return save_contract(session, Contract(member.id, plans["Hot desk"], JAN1, JAN1, FEB1)).id


def add_applied_transition(session, transition: Transition, applied_at: datetime) -> None:
    session.add(AppliedTransitionRow(contract_id=transition.contract, kind=transition.kind,
                                     date=transition.date, applied_at=applied_at,
                                     description=transition.description))


def test_duplicate_transition_key_fails_in_its_savepoint_and_the_rest_commits(db):
    contract_id = _contract_id(db)
    renewal = Transition(contract_id, "renewal", FEB1)
    with db.write() as session:
        add_applied_transition(session, renewal, NOW)
        session.flush()
        with pytest.raises(IntegrityError), session.begin_nested():
            add_applied_transition(session, renewal, NOW)  # same (contract, kind, date): rule 19
        # The outer transaction is still usable after the savepoint rolled back.
        add_applied_transition(session, Transition(contract_id, "renewal", date(2024, 3, 1)), NOW)
    with db.session() as session:
        assert session.scalars(select(AppliedTransitionRow.date).order_by(
            AppliedTransitionRow.date)).all() == [FEB1, date(2024, 3, 1)]


def test_second_writer_waits_for_the_first_instead_of_failing(tmp_path):
    path = str(tmp_path / "shared.sqlite3")
    first, second = open_database(path, now=NOW), open_database(path, now=NOW)
    beginning, finished = threading.Event(), threading.Event()
    seen, errors = [], []

    def before_statement(_conn, _cursor, statement, *_args) -> None:
        if statement == "BEGIN IMMEDIATE":  # the second writer is about to ask for the lock
            beginning.set()

    event.listen(second.engine, "before_cursor_execute", before_statement)

    def write_from_second() -> None:
        try:
            with second.write() as session:
                seen.append(session.scalar(select(func.count()).select_from(MemberRow)))
                add_member(session, "second@example.org")
        except Exception as error:  # reported to the main thread below
            errors.append(error)
        finally:
            finished.set()

    try:
        with first.write() as session:
            add_member(session, "first@example.org")
            worker = threading.Thread(target=write_from_second)
            worker.start()
            assert beginning.wait(10)
            assert not finished.wait(0.3)  # it is waiting for the lock, not failing
            add_member(session, "first-again@example.org")
        worker.join(30)
        assert errors == []
        assert seen == [2]  # it began after the first writer committed, so it saw both rows
        with first.session() as session:
            assert session.scalar(select(func.count()).select_from(MemberRow)) == 3
    finally:
        first.dispose()
        second.dispose()


def test_a_reader_is_not_blocked_by_a_writer_and_sees_committed_data_only(db):
    with db.write() as session:
        add_member(session, "pending@example.org")
        with db.session() as reader:
            assert reader.scalar(select(func.count()).select_from(MemberRow)) == 0


def test_contract_version_increases_on_every_update(db):
    from desktop.storage.models import ContractRow

    contract_id = _contract_id(db)
    for expected, notes in ((2, "first edit"), (3, "second edit")):
        with db.write() as session:
            session.get(ContractRow, contract_id).notes = notes
        with db.session() as session:
            assert session.get(ContractRow, contract_id).version == expected


def _invoice(member_id: int) -> Invoice:
    return Invoice(member_id, JAN1, (), 0, 0, 0, 0, 0)


def next_invoice_number(session) -> str:
    """The number the writers give the next invoice (those added before are flushed first)."""
    session.flush()
    return invoice_numbers(session, 1)[0]


def test_invoice_numbers_follow_the_highest_and_ignore_other_formats(db):
    with db.write() as session:
        assert next_invoice_number(session) == "INV-000001"
        member_id = add_member(session).id
        for number in ("INV-000041", "INV-00009A", "2023-0099", "INV-12", "INV-000007"):
            add_invoice(session, _invoice(member_id), number)
        assert next_invoice_number(session) == "INV-000042"
        add_invoice(session, _invoice(member_id), next_invoice_number(session))
        assert next_invoice_number(session) == "INV-000043"
        add_invoice(session, _invoice(member_id), "INV-999999")
        assert next_invoice_number(session) == "INV-1000000"
        add_invoice(session, _invoice(member_id), "INV-1000000")
        assert next_invoice_number(session) == "INV-1000001"


def test_invoice_numbers_are_unique_when_two_databases_issue_at_once(tmp_path):
    path = str(tmp_path / "shared.sqlite3")
    databases = [open_database(path, now=NOW), open_database(path, now=NOW)]
    with databases[0].write() as session:
        member_id = add_member(session).id
    errors = []

    def issue(database) -> None:
        try:
            for _ in range(15):
                with database.write() as session:
                    add_invoice(session, _invoice(member_id), next_invoice_number(session))
        except Exception as error:  # reported to the main thread below
            errors.append(error)

    workers = [threading.Thread(target=issue, args=(database,)) for database in databases]
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert errors == []
        with databases[0].session() as session:
            numbers = session.scalars(select(InvoiceRow.number).order_by(InvoiceRow.number)).all()
        assert numbers == [f"INV-{n:06d}" for n in range(1, 31)]
    finally:
        for database in databases:
            database.dispose()


@pytest.mark.sqlite_only
def test_backups_rotate_keeping_the_newest_five(db):
    with db.write() as session:
        add_member(session)
    made = [db.backup_now(NOW + timedelta(hours=hour)) for hour in range(7)]
    assert db.list_backups() == made[:1:-1]  # the newest five, newest first
    assert not made[0].exists() and not made[1].exists()
    assert made[-1].name == "frontdesk.backup-20240305-153000.sqlite3"
    with closing(sqlite3.connect(made[-1])) as conn:
        assert conn.execute("SELECT email FROM members").fetchall() == [("ada@example.org",)]


@pytest.mark.sqlite_only
def test_backup_daily_takes_at_most_one_a_day(db):
    assert db.backup_daily(NOW) is not None
    assert db.backup_daily(NOW + timedelta(hours=5)) is None
    assert db.backup_daily(datetime(2024, 3, 6, 0, 0, 1)) is not None
    assert len(db.list_backups()) == 2


def test_restore_brings_back_the_backed_up_data(tmp_path):
    path = tmp_path / "desk.sqlite3"
    db = open_database(str(path), now=NOW)
    with db.write() as session:
        add_member(session, "kept@example.org")
    backup = db.backup_now(NOW)
    with db.write() as session:
        add_member(session, "later@example.org")
    db.dispose()
    restore(path, backup)
    db = open_database(str(path), now=NOW)
    with db.session() as session:
        assert session.scalars(select(MemberRow.email)).all() == ["kept@example.org"]
    db.dispose()


def test_restore_refuses_a_file_that_is_not_a_frontdesk_backup(tmp_path):
    path = tmp_path / "desk.sqlite3"
    open_database(str(path), now=NOW).dispose()
    before = path.read_bytes()
    notes = tmp_path / "notes.txt"
    notes.write_text("not a backup")
    with pytest.raises(DatabaseRefused, match="is not a Frontdesk database"):
        restore(path, notes)
    with pytest.raises(DatabaseRefused, match="does not exist"):
        restore(path, tmp_path / "missing.sqlite3")
    assert path.read_bytes() == before


def test_default_target_is_the_user_data_directory(tmp_path, monkeypatch):
    folder = tmp_path / "data" / "Frontdesk"
    calls = []

    def fake_user_data_dir(appname, appauthor=None):
        calls.append((appname, appauthor))
        return str(folder)

    monkeypatch.setattr(database_module, "user_data_dir", fake_user_data_dir)
    db = open_database(None, now=NOW)
    db.dispose()
    assert calls == [("Frontdesk", False)]
    assert db.path == folder / "frontdesk.sqlite3" and db.path.is_file()


def test_sqlite_url_target_is_treated_as_a_file(tmp_path):
    path = tmp_path / "url.sqlite3"
    db = open_database(f"sqlite:///{path}", now=NOW)
    db.dispose()
    assert db.path == path and db.url.get_backend_name() == "sqlite"
    assert db.backup_now(NOW).parent == tmp_path


def test_backup_of_a_database_that_is_not_a_file_is_refused():
    db = open_database("sqlite://", now=NOW)
    with pytest.raises(DatabaseRefused):
        db.backup_now(NOW)
    db.dispose()
