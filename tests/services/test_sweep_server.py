"""Rule 19 and docs/storage.md across desks: sweeps from separate processes on one PostgreSQL
database, started at once and one of them killed mid-batch, end as one sweep leaves it.

Runs in the PostgreSQL pass (`make test-postgres`); the SQLite pass has the same trials in
test_sweep_safety.py. Compared as exports, byte for byte (what the sweeps recorded as a set).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

import server_db
from desktop.services.clock import FixedClock
from desktop.services.exchange.export import export_document
from desktop.services.sample.demo import load_demo
from desktop.services.sweep.service import SweepService
from desktop.storage import models as m
from desktop.storage.database import open_database

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2024, 6, 10)
AS_OF = TODAY + timedelta(days=100)
NOW = datetime(2024, 9, 18, 9)
DEADLINE = 240  # seconds any one trial may take, however it goes


def exported(url: str) -> str:
    """The export as text, what the sweeps recorded compared as a set without its times: the
    desks read their own clocks, write the same rows in another order, and log their own runs."""
    db = open_database(url, now=NOW)
    try:
        with db.session() as session:
            document = export_document(session)
    finally:
        db.dispose()
    del document["sweep_runs"]
    for section, key in (("history", "at"), ("applied_transitions", "applied_at"),
                         ("plan_changes", "at")):
        document[section] = sorted(json.dumps({k: v for k, v in row.items() if k != key},
                                              sort_keys=True) for row in document[section])
    return json.dumps(document, indent=2, ensure_ascii=False)


@pytest.fixture(scope="module")
def demo_url():
    """A demo database on the server (built once per module) that each test copies."""
    url = server_db.fresh_database()
    server_db.keep(url)
    db = open_database(url, now=NOW)
    load_demo(db, TODAY, members=150, seed=3)
    db.dispose()
    yield url
    server_db.drop(url)


@pytest.fixture(scope="module")
def clean_export(demo_url) -> str:
    """The export after one uninterrupted sweep up to AS_OF, in one process."""
    url = server_db.fresh_database(copy_of=demo_url)
    db = open_database(url, now=NOW)
    report = SweepService(db, FixedClock(AS_OF, NOW)).apply_due(AS_OF)
    db.dispose()
    assert report.invoices_issued > 300 and not report.failed
    return exported(url)


@pytest.fixture
def copy(demo_url) -> str:
    return server_db.fresh_database(copy_of=demo_url)


def _sweep(url: str, script: str | None = None) -> subprocess.Popen:
    command = [sys.executable, "-m", "desktop", "sweep", "--db", url, "--today",
               AS_OF.isoformat(), "--json"]
    if script is not None:
        command = [sys.executable, "-c", script, url, AS_OF.isoformat()]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("FRONTDESK_DATABASE_URL", None)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _invoice_numbers(url: str) -> list[tuple[str, date, int]]:
    db = open_database(url, now=NOW)
    try:
        with db.session() as session:
            return session.execute(select(m.InvoiceRow.number, m.InvoiceRow.billing_date,
                                          m.InvoiceRow.member_id)
                                   .order_by(m.InvoiceRow.number)).all()
    finally:
        db.dispose()


def _assert_numbers_gap_free_in_date_order(url: str) -> None:
    """Rule 19 beside rule 17: in each series (invoices, credit notes, deposit documents)
    numbers unique, consecutive, and never an earlier billing date later."""
    rows = _invoice_numbers(url)
    series: dict[str, list[tuple[str, date, int]]] = {}
    for row in rows:
        series.setdefault(row[0].rstrip("0123456789"), []).append(row)
    assert set(series) <= {"INV-", "CN-", "DEP-"} and "INV-" in series
    for prefix, numbered in series.items():
        assert [number for number, _, _ in numbered] == [
            f"{prefix}{k:06d}" for k in range(1, len(numbered) + 1)]
        swept = [(day, member) for _, day, member in numbered if day > TODAY]
        assert swept == sorted(swept), prefix
    assert len([row for row in series["INV-"] if row[1] > TODAY]) > 300


def _wait_for_waiters(url: str, count: int) -> None:
    """Until `count` connections wait for the writers' advisory lock (bounded in time)."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    deadline = time.monotonic() + 60
    try:
        while True:
            with engine.connect() as connection:
                waiting = connection.exec_driver_sql(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND NOT granted AND database = (SELECT oid FROM pg_database "
                    "WHERE datname = current_database())").scalar()
            if waiting >= count:
                return
            assert time.monotonic() < deadline, f"{waiting} waiting for the lock, not {count}"
            time.sleep(0.05)
    finally:
        engine.dispose()


@pytest.mark.parametrize("desks", [2, 3])
def test_sweeps_from_several_desks_at_once_give_the_export_of_one(copy, clean_export, desks):
    runs = [_sweep(copy) for _ in range(desks)]
    outputs = [run.communicate(timeout=DEADLINE) for run in runs]
    assert [run.returncode for run in runs] == [0] * desks, outputs
    assert [err for _, err in outputs] == [""] * desks  # no deadlock, no driver noise
    applied = [tuple(t.values()) for out, _ in outputs for t in json.loads(out)["applied"]]
    assert len(applied) == len(set(applied))  # no transition applied by two desks
    assert exported(copy) == clean_export
    _assert_numbers_gap_free_in_date_order(copy)


# A desk that stops, holding the writers' lock in the middle of a batch, once a few batches have
# committed: it writes the batch, says so on stdout, and waits to be killed.
_STOPPING_SWEEP = """
import sys, time
from datetime import date, datetime
from desktop.services.sweep import service as sweep
from desktop.services.clock import FixedClock
from desktop.storage.database import open_database

real, written = sweep.write_days, [0]
def stop(session, results, **kwargs):
    written[0] += len(results)
    invoices = real(session, results, **kwargs)
    if written[0] > 150:
        print("mid-batch", flush=True)
        time.sleep(600)
    return invoices
sweep.write_days = stop
as_of = date.fromisoformat(sys.argv[2])
db = open_database(sys.argv[1], now=datetime(2024, 9, 18, 9))
sweep.SweepService(db, FixedClock(as_of), batch_size=40).apply_due(as_of)
"""


def test_a_desk_killed_mid_batch_beside_two_others_loses_nothing_and_doubles_nothing(
        copy, clean_export):
    victim = _sweep(copy, _STOPPING_SWEEP)
    started = time.monotonic()
    assert victim.stdout.readline().strip() == "mid-batch"  # it holds the lock, uncommitted
    others = [_sweep(copy) for _ in range(2)]
    _wait_for_waiters(copy, 2)  # the others queue on the writers' lock the victim holds
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=DEADLINE)
    outputs = [run.communicate(timeout=DEADLINE) for run in others]
    assert time.monotonic() - started < DEADLINE
    assert victim.returncode == -signal.SIGKILL
    assert [run.returncode for run in others] == [0, 0], outputs
    assert [err for _, err in outputs] == ["", ""]
    assert exported(copy) == clean_export
    _assert_numbers_gap_free_in_date_order(copy)
