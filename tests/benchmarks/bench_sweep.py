"""Sweep benchmarks (docs/design.md#targets), run by `make bench`; they print figures, assert no
timings.

- 10,000 monthly contracts renewing on one day, beside the floor: a SQLAlchemy Core bulk
  insert of the same invoice and line rows into the same schema, measured in the same run.
- a 12-month catch-up of 1,000 monthly contracts.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select

from bench_data import seed_monthly_contracts
from desktop.services.clock import FixedClock
from desktop.services.sweep.service import SweepService
from desktop.storage import models as m
from desktop.storage.database import open_database

DAY = date(2024, 3, 1)
NOW = datetime(2024, 3, 1, 9, 0)


def _seed(db, members: int, start: date, next_invoice: date) -> None:
    seed_monthly_contracts(db, members, start, next_invoice)


def _floor(tmp_path, count: int, invoices: list[dict], lines: list[dict]) -> tuple[float, float]:
    """Seconds (wall, CPU) for a Core bulk insert of the same invoice and line rows, in one
    transaction."""
    db = open_database(str(tmp_path / "floor.sqlite3"), now=NOW)
    try:
        _seed(db, count, date(2024, 2, 1), DAY)  # the members and contracts they refer to
        started, cpu = time.perf_counter(), time.process_time()
        with db.write() as session:
            connection = session.connection()
            connection.execute(insert(m.InvoiceRow.__table__), invoices)
            connection.execute(insert(m.InvoiceLineRow.__table__), lines)
        return time.perf_counter() - started, time.process_time() - cpu
    finally:
        db.dispose()


def _written(db) -> tuple[list[dict], list[dict]]:
    with db.session() as session:
        invoices = [dict(row._mapping) for row in session.execute(select(m.InvoiceRow.__table__))]
        lines = [dict(row._mapping) for row in session.execute(select(m.InvoiceLineRow.__table__))]
    return invoices, lines


def test_one_day_sweep_of_10000_renewals(tmp_path):
    count = 10_000
    db = open_database(str(tmp_path / "sweep.sqlite3"), now=NOW)
    try:
        _seed(db, count, date(2024, 2, 1), DAY)
        service = SweepService(db, FixedClock(DAY, NOW))
        started, cpu = time.perf_counter(), time.process_time()
        report = service.apply_due(DAY)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert report.invoices_issued == count and not report.failed
        invoices, lines = _written(db)
    finally:
        db.dispose()
    floor, floor_cpu = _floor(tmp_path, count, invoices, lines)
    print(f"\none-day sweep: {count} renewals in {elapsed:.2f} s = "
          f"{count / elapsed:,.0f} renewals/s"
          f"\n  floor (Core bulk insert of the same {len(invoices)} invoices and {len(lines)} "
          f"lines): {floor:.2f} s = {count / floor:,.0f} invoices/s"
          f"\n  sweep / floor = {elapsed / floor:.1f}x  (targets: under 2 s, within 3x)"
          f"\n  CPU time (steadier on a shared machine): sweep {cpu:.2f} s, floor "
          f"{floor_cpu:.2f} s, {cpu / floor_cpu:.1f}x")


def test_twelve_month_catch_up_of_1000_contracts(tmp_path):
    count = 1_000
    db = open_database(str(tmp_path / "catchup.sqlite3"), now=NOW)
    try:
        start = date(2023, 1, 1)
        _seed(db, count, start - timedelta(days=31), start)
        as_of = date(2023, 12, 31)
        service = SweepService(db, FixedClock(as_of, NOW))
        started, cpu = time.perf_counter(), time.process_time()
        report = service.apply_due(as_of)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert report.invoices_issued == 12 * count and not report.failed
    finally:
        db.dispose()
    print(f"\n12-month catch-up: {count} contracts, {report.invoices_issued} invoices in "
          f"{elapsed:.2f} s = {report.invoices_issued / elapsed:,.0f} renewals/s "
          f"(CPU time {cpu:.2f} s)")
