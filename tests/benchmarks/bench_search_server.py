"""The member search on a PostgreSQL server over 100,000 members (docs/design.md#targets), run by
`make bench` when FRONTDESK_TEST_DATABASE_URL names one (`scripts/with_test_server make bench`);
figures only.

The server database is a copy of the cached 100,000-member demo file (members, plans, contracts
and invoices, which the page's plans and amounts owed read), migrated with 0009's trigram
indexes. Texts are typed key by key as in bench_ui.py (every prefix searched), plus texts
matching nobody. Each figure beside its floor from the same run:

- a page as the member list asks for it (`MemberService.search`: the page, its plans and the
  amounts owed). Floor: the server's own indexed query, the same condition, order and LIMIT 200
  sent by psycopg on one connection.
- the count the list shows once typing pauses (`MemberService.count`). Floor: `count(*)` of
  the same condition by psycopg.
- the same page with the trigram indexes dropped: what a server where pg_trgm was refused pays
  (and what every server paid before migration 0009).
"""

from __future__ import annotations

import math
import sqlite3
import statistics
import time
from contextlib import closing
from datetime import datetime

import psycopg
import pytest
from sqlalchemy import insert
from sqlalchemy.engine import make_url

import server_db
from desktop.services.clock import FixedClock
from desktop.services.members import MemberService
from desktop.storage import member_search
from desktop.storage import models as m
from desktop.storage.database import open_database

pytestmark = pytest.mark.skipif(server_db.server_url() is None,
                                reason="FRONTDESK_TEST_DATABASE_URL names no server")
MEMBERS = 100_000
SEARCHES = ("murphy", "liffey", "priya", "fastmail", "okafor")
NOBODY = ("zqxjw", "no such member", "qqq@zzz")
ROUNDS = 3
TABLES = (m.PlanRow, m.MemberRow, m.ContractRow, m.InvoiceRow)
_WHERE = ("lower(name) LIKE %(p)s ESCAPE '\\' OR lower(email) LIKE %(p)s ESCAPE '\\' "
          "OR lower(company) LIKE %(p)s ESCAPE '\\'")
PAGE_SQL = (f"SELECT id, name, email, company, credit_balance FROM members WHERE ({_WHERE}) "
            "AND archived IS false ORDER BY lower(name), id LIMIT 200")
COUNT_SQL = f"SELECT count(*) FROM members WHERE ({_WHERE}) AND archived IS false"


def _copy_of(source, now) -> str:
    """A new migrated server database holding the SQLite file's searched tables."""
    url = server_db.fresh_database()
    db = open_database(url, now=now)
    try:
        with closing(sqlite3.connect(source)) as lite, db.write() as session:
            connection = session.connection()
            # The copy's rows refer to each other as in the file; checks are the file's.
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            for model in TABLES:
                table = model.__table__
                names = [column.name for column in table.columns]
                cursor = lite.execute(f"SELECT {', '.join(names)} FROM {table.name}")
                while rows := cursor.fetchmany(20_000):
                    connection.execute(insert(table), [dict(zip(names, row)) for row in rows])
        with db.engine.connect() as connection:
            # Vacuumed and analysed now, so the server's own vacuum of the copy does not run
            # during the measurements.
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE")
    finally:
        db.dispose()
    return url


def _texts() -> list[str]:
    return [text[:end] for text in SEARCHES for end in range(1, len(text) + 1)] + list(NOBODY)


def _timed(call, texts) -> list[float]:
    times = []
    for _ in range(ROUNDS):
        for text in texts:
            started = time.perf_counter()
            call(text)
            times.append(time.perf_counter() - started)
    return times


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _row(what: str, figure: list[float], floor: list[float], target: str) -> None:
    median, base = statistics.median(figure) * 1000, statistics.median(floor) * 1000
    print(f"  {what:<52} median {median:7.1f} ms, p95 {_p95(figure) * 1000:7.1f} ms   "
          f"floor median {base:6.1f} ms, p95 {_p95(floor) * 1000:6.1f} ms  "
          f"{median / base:5.2f}×  {target}", flush=True)


def test_search_over_100000_members_on_a_server(bench_databases):
    dbs = bench_databases
    now = datetime.combine(dbs.day, datetime.min.time())
    url = _copy_of(dbs.members(MEMBERS), now)
    db = open_database(url, now=now)
    raw = psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(
        hide_password=False), autocommit=True)
    try:
        members = MemberService(db, FixedClock(dbs.day))
        texts = _texts()

        def by_psycopg(sql):
            return lambda text: raw.execute(sql, {"p": member_search.like_pattern(text)}).fetchall()

        for call in (members.search, members.count, by_psycopg(PAGE_SQL)):
            _timed(call, texts[:3])  # connections made, caches warm
        print(f"\nmember search on PostgreSQL, {MEMBERS:,} members, {len(texts)} texts "
              f"({', '.join(SEARCHES)} typed key by key; {', '.join(NOBODY)}) x {ROUNDS}")
        page_floor = _timed(by_psycopg(PAGE_SQL), texts)
        page = _timed(members.search, texts)
        _row("a page, as the list asks (with the trigram indexes)", page, page_floor,
             "median <= 50 ms")
        count_floor = _timed(by_psycopg(COUNT_SQL), texts)
        _row("   the count", _timed(members.count, texts), count_floor, "info")
        nobody_floor = _timed(by_psycopg(PAGE_SQL), NOBODY)
        _row("   texts matching nobody: a page", _timed(members.search, NOBODY), nobody_floor,
             "info")
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            for column in ("name", "email", "company"):
                connection.exec_driver_sql(f"DROP INDEX member_search_{column}_trigrams")
        db.engine.dispose()  # new connections: each asks again whether the indexes are there
        _row("without the trigram indexes (pg_trgm refused; before 0009)",
             _timed(members.search, texts), page_floor, "info (floor: with the indexes)")
        _row("   the count", _timed(members.count, texts), count_floor, "info")
        _row("   texts matching nobody: a page", _timed(members.search, NOBODY), nobody_floor,
             "info")
    finally:
        raw.close()
        db.dispose()
        server_db.drop(url)
