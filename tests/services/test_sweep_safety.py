"""Rule 19 and docs/storage.md: exactly once, whatever happens.

Twice, in two steps, from two processes at once, with a failing member-day, after a crash in the
middle of a batch: the database ends up as one clean sweep leaves it (compared as
exports, which hold every contract, member balance, invoice and line, and what the sweep
recorded).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from desktop.domain.transitions import simulate
from desktop.ledger import applier as applier_module
from desktop.ledger.member_states import load_member_state
from desktop.services.clock import FixedClock
from desktop.services.exchange.export import export_document
from desktop.services.sample.demo import load_demo
from desktop.services.sweep import service as sweep_module
from desktop.services.sweep.service import SweepService
from desktop.storage import models as m
from desktop.storage.database import open_database

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2024, 6, 10)
AS_OF = TODAY + timedelta(days=100)
NOW = datetime(2024, 9, 18, 9)


def export(db) -> dict:
    """The export without the sweep's own log of runs (a sweep that applies nothing still
    records that it ran), and what the sweep recorded as a set: sweeps in other steps write
    the same rows in another order."""
    with db.session() as session:
        document = export_document(session)
    del document["sweep_runs"]
    for section in ("history", "applied_transitions", "plan_changes"):
        document[section].sort(key=lambda row: json.dumps(row, sort_keys=True))
    return document


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite file (WAL included) through the backup API."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    """A demo database (built once per module) that each test copies."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    db = open_database(str(path), now=NOW)
    load_demo(db, TODAY, members=150, seed=3)
    db.dispose()
    return path


@pytest.fixture(scope="module")
def clean_export(demo_file, tmp_path_factory) -> dict:
    """The export after one uninterrupted sweep up to AS_OF."""
    path = tmp_path_factory.mktemp("clean") / "clean.sqlite3"
    copy_database(demo_file, path)
    db = open_database(str(path), now=NOW)
    report = SweepService(db, FixedClock(AS_OF, NOW)).apply_due(AS_OF)
    assert report.invoices_issued > 300 and not report.failed
    document = export(db)
    db.dispose()
    return document


@pytest.fixture
def fresh(demo_file, tmp_path):
    """A copy of the demo database, opened; yields (path, db)."""
    path = tmp_path / "copy.sqlite3"
    copy_database(demo_file, path)
    db = open_database(str(path), now=NOW)
    yield path, db
    db.dispose()


def test_sweeping_twice_or_in_steps_gives_the_same_database(fresh, clean_export):
    _, db = fresh
    sweep = SweepService(db, FixedClock(AS_OF, NOW), batch_size=37)
    sweep.apply_due(TODAY + timedelta(days=30))
    sweep.apply_due(AS_OF)
    again = sweep.apply_due(AS_OF)
    assert (again.applied, again.invoices_issued, again.failed) == ([], 0, [])
    # Rule 18: the amounts never depend on when the sweep ran; the documents the first step
    # made are dated that day instead of the day of the second.
    assert _without_issue_dates(export(db)) == _without_issue_dates(clean_export)


def test_two_processes_sweeping_at_once_give_the_same_database_as_one(fresh, clean_export):
    path, db = fresh
    db.dispose()
    command = [sys.executable, "-m", "desktop", "sweep", "--db", str(path),
               "--today", AS_OF.isoformat(), "--json"]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("FRONTDESK_DATABASE_URL", None)
    runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    reports = [json.loads(out) for out, _ in outputs]
    applied = [tuple(t.values()) for r in reports for t in r["applied"]]
    assert len(applied) == len(set(applied))  # no transition applied by both
    issued_later = [i for i in clean_export["documents"] if i["issue_date"] > TODAY.isoformat()]
    assert sum(r["invoices_issued"] for r in reports) == len(issued_later)
    reopened = open_database(str(path), now=NOW)
    try:
        # The command line reads the real clock: the times it recorded are its own.
        assert without_times(export(reopened)) == without_times(clean_export)
    finally:
        reopened.dispose()


def without_times(document: dict) -> dict:
    """The document with the times the audit and the applied transitions recorded left out."""
    kept = dict(document)
    for section, key in (("history", "at"), ("applied_transitions", "applied_at"),
                         ("plan_changes", "at")):
        kept[section] = sorted(json.dumps({k: v for k, v in row.items() if k != key},
                                           sort_keys=True) for row in document[section])
    return kept


_TURN_TAKING_SWEEP = """
import json, sys, time
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from desktop.services.clock import FixedClock
from desktop.services.sweep.service import SweepService
from desktop.storage.database import Database, open_database

original = Database.write
@contextmanager
def write(self):
    with original(self) as session:
        yield session
    time.sleep(0.15)  # after each commit, long enough for the other process to get the lock
Database.write = write
as_of = date.fromisoformat(sys.argv[2])
clock = FixedClock(as_of, datetime(2024, 9, 18, 9))  # the test's NOW: the same audit times
db = open_database(sys.argv[1], now=clock.now())
while not Path(sys.argv[3]).exists():  # start together
    time.sleep(0.01)
report = SweepService(db, clock, batch_size=40).apply_due(as_of)
print(json.dumps([[t.contract, t.kind, t.date.isoformat()] for t in report.applied]))
"""


def test_two_processes_taking_turns_batch_by_batch_give_the_same_database(fresh, clean_export,
                                                                          tmp_path):
    """The same, with both processes made to interleave their batches."""
    path, db = fresh
    db.dispose()
    go = tmp_path / "go"
    runs = [subprocess.Popen([sys.executable, "-c", _TURN_TAKING_SWEEP, str(path),
                              AS_OF.isoformat(), str(go)], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    go.touch()
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    applied = [json.loads(out) for out, _ in outputs]
    assert all(applied), "each process applied some of the batches"
    keys = [tuple(t) for part in applied for t in part]
    assert len(keys) == len(set(keys))
    reopened = open_database(str(path), now=NOW)
    try:
        assert export(reopened) == clean_export
    finally:
        reopened.dispose()


def _member_of_contract(db, contract_id) -> int:
    with db.session() as session:
        return session.get(m.ContractRow, contract_id).member_id


def _due_members(db, day: date) -> list[int]:
    with db.session() as session:
        return sorted(set(session.scalars(select(m.ContractRow.member_id)
                                          .where(m.ContractRow.next_event_date <= day))))


def _rows_for_member(db, member: int) -> tuple[int, int]:
    with db.session() as session:
        transitions = session.scalar(
            select(func.count()).select_from(m.AppliedTransitionRow)
            .join(m.ContractRow, m.ContractRow.id == m.AppliedTransitionRow.contract_id)
            .where(m.ContractRow.member_id == member))
        invoices = session.scalar(select(func.count()).select_from(m.InvoiceRow)
                                  .where(m.InvoiceRow.member_id == member))
        return transitions, invoices


def test_a_failing_member_day_rolls_back_alone_and_the_next_sweep_completes_it(
        fresh, clean_export, monkeypatch):
    _, db = fresh
    victim = _due_members(db, TODAY + timedelta(days=20))[3]
    before = _rows_for_member(db, victim)
    real_day, real_days = applier_module.write_day, sweep_module.write_days

    def failing_days(session, results, **kwargs):
        if any(r.account.member == victim for r in results):
            raise RuntimeError("disk on fire")
        return real_days(session, results, **kwargs)

    def failing_day(session, result, **kwargs):
        if result.account.member == victim:
            real_day(session, result, **kwargs)  # written, then fails: the savepoint undoes it
            raise RuntimeError("disk on fire")
        return real_day(session, result, **kwargs)

    monkeypatch.setattr(sweep_module, "write_days", failing_days)
    monkeypatch.setattr(applier_module, "write_day", failing_day)
    report = SweepService(db, FixedClock(AS_OF, NOW)).apply_due(AS_OF)

    assert len(report.failed) == 1
    failure = report.failed[0]
    assert failure.key[0] == victim and "disk on fire" in failure.message
    assert _rows_for_member(db, victim) == before  # no partial transition, no invoice
    assert all(_member_of_contract(db, t.contract) != victim for t in report.applied)
    assert report.invoices_issued > 300  # the others went through

    monkeypatch.setattr(sweep_module, "write_days", real_days)
    monkeypatch.setattr(applier_module, "write_day", real_day)
    again = SweepService(db, FixedClock(AS_OF, NOW)).apply_due(AS_OF)
    assert not again.failed
    assert {_member_of_contract(db, t.contract) for t in again.applied} == {victim}
    # The victim's invoices were issued later, so only their numbers differ from a clean run.
    assert _without_numbers(export(db)) == _without_numbers(clean_export)


def test_a_database_error_in_the_middle_of_a_write_leaves_nothing_of_that_member_day(
        fresh, clean_export):
    """The failure happens after the transition rows and contract updates were executed."""
    _, db = fresh
    victim = _due_members(db, TODAY + timedelta(days=20))[5]
    before = _rows_for_member(db, victim)
    with db.write() as session:
        session.execute(text(f"CREATE TRIGGER refuse BEFORE INSERT ON invoices "
                             f"WHEN NEW.member_id = {victim} "
                             f"BEGIN SELECT RAISE(ABORT, 'injected failure'); END"))
    with db.session() as session:
        state = load_member_state(session, victim)

    report = SweepService(db, FixedClock(AS_OF, NOW)).apply_due(AS_OF)

    assert [f.key[0] for f in report.failed] == [victim]
    assert _rows_for_member(db, victim) == before
    with db.session() as session:
        assert load_member_state(session, victim) == state
    with db.write() as session:
        session.execute(text("DROP TRIGGER refuse"))
    assert not SweepService(db, FixedClock(AS_OF, NOW)).apply_due(AS_OF).failed
    assert _without_numbers(export(db)) == _without_numbers(clean_export)


def _without_issue_dates(document: dict) -> dict:
    """The document without the days documents were made, their due dates, and the dates of
    the credit allocations made with them (rule 18)."""
    kept = json.loads(json.dumps(document))
    for section in ("invoices", "documents"):
        for row in kept.get(section, []):
            row.pop("issue_date", None)
            row.pop("due_date", None)
    for payment in kept.get("payments", []):
        for allocation in payment.get("allocations", []) or []:
            allocation.pop("date", None)
    for allocation in kept.get("credit_allocations", []) or []:
        allocation.pop("date", None)
    kept.pop("history", None)  # the audit rows say when each change was made
    return kept


def _without_numbers(document: dict) -> dict:
    documents = sorted(({k: v for k, v in i.items() if k != "number"}
                        for i in document["documents"]),
                       key=lambda i: (i["issue_date"], i["member"], json.dumps(i["lines"])))
    # Allocations of credit name their documents by number (frontdesk/2).
    credit = sorted(({k: v for k, v in a.items() if k != "document"}
                     for a in document["credit_allocations"]), key=json.dumps)
    return {**document, "documents": documents, "credit_allocations": credit}


def _days_applied(session, member: int) -> int:
    return session.scalar(
        select(func.count(func.distinct(m.AppliedTransitionRow.date)))
        .join(m.ContractRow, m.ContractRow.id == m.AppliedTransitionRow.contract_id)
        .where(m.ContractRow.member_id == member))


def _by_id(contracts) -> dict:
    return {c.id: c for c in contracts}


def _money(account) -> tuple:
    """An account's money: credit, deposit and what each open document lacks, in order (a
    document written has its row id, one simulated its billing date: not compared)."""
    return (account.credit_balance, account.deposit_held,
            tuple(d.outstanding for d in account.open), account.reverse_charge)


def _simulated(db) -> dict[int, tuple[int, list]]:
    """For each member due by AS_OF: member-days applied so far, and the states after each
    further member-day as simulate() computes them (the first entry is the current state)."""
    with db.session() as session:
        expected = {}
        for member in _due_members(db, AS_OF):
            state = load_member_state(session, member)
            results = simulate(state.account, state.contracts, state.settings, AS_OF)
            expected[member] = (_days_applied(session, member),
                                [(_money(state.account), _by_id(state.contracts))]
                                + [(_money(r.account), _by_id(r.contracts)) for r in results])
        return expected


def _at_a_member_day_boundary(db, expected: dict[int, tuple[int, list]]) -> None:
    """Each member is exactly at the state after some number of its member-days, never between."""
    with db.session() as session:
        for member, (initially, states) in expected.items():
            state = load_member_state(session, member)
            done = _days_applied(session, member) - initially
            assert (_money(state.account), _by_id(state.contracts)) == states[done], member


def test_an_interrupt_mid_batch_leaves_old_or_new_state_and_a_rerun_converges(
        fresh, clean_export, monkeypatch):
    _, db = fresh
    expected = _simulated(db)
    calls = {"n": 0}
    real = sweep_module.apply_day

    def interrupted(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 250:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(sweep_module, "apply_day", interrupted)
    with pytest.raises(KeyboardInterrupt):  # batches of about 50 member-days: a few committed
        SweepService(db, FixedClock(AS_OF, NOW), batch_size=50).apply_due(AS_OF)

    with db.session() as session:
        committed = session.scalar(select(func.count()).select_from(m.AppliedTransitionRow)
                                   .where(m.AppliedTransitionRow.applied_at == NOW))
    assert committed > 0  # the first batch was kept
    _at_a_member_day_boundary(db, expected)
    monkeypatch.setattr(sweep_module, "apply_day", real)
    SweepService(db, FixedClock(AS_OF, NOW)).apply_due(AS_OF)
    assert export(db) == clean_export


_CRASHING_SWEEP = """
import os, sys
from datetime import date, datetime
from desktop.services.sweep import service as sweep
from desktop.services.clock import FixedClock
from desktop.storage.database import open_database

real, written = sweep.write_days, [0]
def crash(session, results, **kwargs):
    written[0] += len(results)
    if written[0] > 300:  # a few batches of about 50 member-days have committed
        real(session, results, **kwargs)
        os._exit(3)  # the power goes: no rollback, no commit, no cleanup
    return real(session, results, **kwargs)
sweep.write_days = crash
db = open_database(sys.argv[1], now=datetime(2024, 9, 18, 9))
as_of = date.fromisoformat(sys.argv[2])
sweep.SweepService(db, FixedClock(as_of, datetime(2024, 9, 18, 9)), batch_size=50).apply_due(as_of)
"""


def test_a_process_killed_mid_batch_loses_only_that_batch(fresh, clean_export):
    path, db = fresh
    expected = _simulated(db)
    db.dispose()
    crashed = subprocess.run([sys.executable, "-c", _CRASHING_SWEEP, str(path), AS_OF.isoformat()],
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert crashed.returncode == 3, crashed.stderr
    reopened = open_database(str(path), now=NOW)
    try:
        with reopened.session() as session:
            t = m.AppliedTransitionRow
            committed = session.scalar(select(func.count()).select_from(t)
                                       .where(t.applied_at > datetime(2024, 7, 1)))
        assert committed > 0
        _at_a_member_day_boundary(reopened, expected)
        SweepService(reopened, FixedClock(AS_OF, NOW)).apply_due(AS_OF)
        assert export(reopened) == clean_export
    finally:
        reopened.dispose()
