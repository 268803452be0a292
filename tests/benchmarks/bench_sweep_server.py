"""The sweep on a PostgreSQL server (docs/storage.md, docs/design.md#targets), run by `make bench`
when FRONTDESK_TEST_DATABASE_URL names one (`scripts/with_test_server make bench`); figures only.

- 10,000 monthly contracts renewing on one day, beside the floor measured on the same server in
  the same run: a SQLAlchemy Core bulk insert of the same invoice and line rows.
- the same sweep from two desks (processes) at once: they take turns on the writers' lock, so
  together they take about as long as one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select

import server_db
from bench_data import seed_monthly_contracts
from desktop.services.clock import FixedClock
from desktop.services.sweep.service import SweepService
from desktop.storage import models as m
from desktop.storage.database import open_database

pytestmark = pytest.mark.skipif(server_db.server_url() is None,
                                reason="FRONTDESK_TEST_DATABASE_URL names no server")
ROOT = Path(__file__).resolve().parents[2]
DAY = date(2024, 3, 1)
NOW = datetime(2024, 3, 1, 9, 0)
COUNT = 10_000


def _seeded() -> str:
    url = server_db.fresh_database()
    db = open_database(url, now=NOW)
    try:
        seed_monthly_contracts(db, COUNT, date(2024, 2, 1), DAY)
    finally:
        db.dispose()
    return url


def _floor(invoices: list[dict], lines: list[dict]) -> float:
    url = _seeded()
    db = open_database(url, now=NOW)
    try:
        started = time.perf_counter()
        with db.write() as session:
            connection = session.connection()
            connection.execute(insert(m.InvoiceRow.__table__), invoices)
            connection.execute(insert(m.InvoiceLineRow.__table__), lines)
        return time.perf_counter() - started
    finally:
        db.dispose()
        server_db.drop(url)


def test_one_day_sweep_of_10000_renewals_on_a_server():
    url = _seeded()
    db = open_database(url, now=NOW)
    try:
        started = time.perf_counter()
        report = SweepService(db, FixedClock(DAY, NOW)).apply_due(DAY)
        elapsed = time.perf_counter() - started
        assert report.invoices_issued == COUNT and not report.failed
        with db.session() as session:
            invoices = [dict(r._mapping) for r in session.execute(select(m.InvoiceRow.__table__))]
            lines = [dict(r._mapping) for r in session.execute(select(m.InvoiceLineRow.__table__))]
    finally:
        db.dispose()
        server_db.drop(url)
    floor = _floor(invoices, lines)
    print(f"\none-day sweep on PostgreSQL: {COUNT} renewals in {elapsed:.2f} s = "
          f"{COUNT / elapsed:,.0f} renewals/s"
          f"\n  floor (Core bulk insert of the same {len(invoices)} invoices and {len(lines)} "
          f"lines, same server): {floor:.2f} s"
          f"\n  sweep / floor = {elapsed / floor:.1f}x")


def test_two_desks_sweeping_10000_renewals_at_once_on_a_server():
    url = _seeded()
    command = [sys.executable, "-m", "desktop", "sweep", "--db", url, "--today", DAY.isoformat()]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    try:
        started = time.perf_counter()
        desks = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
        errors = [desk.communicate(timeout=600)[1] for desk in desks]
        elapsed = time.perf_counter() - started
        assert [desk.returncode for desk in desks] == [0, 0] and errors == ["", ""], errors
        db = open_database(url, now=NOW)
        try:
            with db.session() as session:
                issued = len(session.scalars(select(m.InvoiceRow.id)).all())
        finally:
            db.dispose()
        assert issued == COUNT
    finally:
        server_db.drop(url)
    print(f"\ntwo desks sweeping {COUNT} renewals at once on PostgreSQL: {elapsed:.2f} s "
          f"(both processes, start-up included)")
