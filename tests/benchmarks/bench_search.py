"""The member search on SQLite without its trigram index (docs/design.md#targets), run by
`make bench`; it prints figures and asserts no timings.

Without the index (an imported file's index is being built on the window's worker, or the SQLite
has no trigram tokenizer) the search reads the columns with LIKE. Over 100,000 members, each
figure beside its floor from the same run:

- a page of a text matching nobody, as the member list asks for it (`MemberService.search`),
  while the index is absent and while it is being built on another connection. Floor: the raw
  `LIKE` query by sqlite3 on the same file, reading every member once (a text matching nobody
  can be told from no less); the same query as SQLite plans it by itself, walking the name
  index, is printed beside it.
- common texts, which fill their page from the first members in name order (nothing slower).
"""

from __future__ import annotations

import sqlite3
import statistics
import threading
import time
from contextlib import closing
from datetime import datetime

from desktop.services import members as member_module
from desktop.services.clock import FixedClock
from desktop.services.members import MemberService
from desktop.storage import member_search
from desktop.storage.database import open_database

MEMBERS = 100_000
SAMPLES = 7
NOBODY = ("zqxjw", "qqqzz", "no such member")
COMMON = ("murphy", "liffey", "mur", "ok")
_WHERE = ("lower(name) LIKE :p ESCAPE '\\' OR lower(email) LIKE :p ESCAPE '\\' "
          "OR lower(company) LIKE :p ESCAPE '\\'")
# Every member read once, then sorted: what a LIKE over three columns costs at least.
FLOOR_SQL = ("SELECT id, name, email, company, credit_balance FROM members NOT INDEXED "
             f"WHERE {_WHERE} ORDER BY lower(name), id LIMIT 200")
# The same as SQLite plans it by itself: the name index walked in order, each member looked up.
PLANNED_SQL = ("SELECT id, name, email, company, credit_balance FROM members "
               f"WHERE {_WHERE} ORDER BY lower(name), id LIMIT 200")


def _median_ms(call, texts) -> float:
    times = []
    for _ in range(SAMPLES):
        for text in texts:
            started = time.perf_counter()
            call(text)
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _raw(path):
    connection = sqlite3.connect(path)

    def run(sql):
        return lambda text: connection.execute(
            sql, {"p": member_search.like_pattern(text)}).fetchall()
    return connection, run


def _row(what: str, figure: float, floor: float, target: str) -> None:
    print(f"  {what:<58} {figure:8.1f} ms  floor {floor:7.1f} ms  {figure / floor:5.2f}×  {target}",
          flush=True)


def test_search_without_the_trigram_index_over_100000_members(bench_databases, tmp_path):
    dbs = bench_databases
    path = dbs.working_copy(dbs.members(MEMBERS), tmp_path, backed_up=True)
    with closing(sqlite3.connect(path)) as connection:
        for statement in member_search._DROP:
            connection.execute(statement)
        connection.commit()
    db = open_database(str(path), now=datetime.combine(dbs.day, datetime.min.time()))
    members = MemberService(db, FixedClock(dbs.day))
    connection, raw = _raw(path)
    try:
        for call in (members.search, raw(FLOOR_SQL)):  # the file in the page cache
            call(NOBODY[0])
        print(f"\nmember search on SQLite without the trigram index, {MEMBERS:,} members "
              f"(median of {SAMPLES} rounds)")
        floor = _median_ms(raw(FLOOR_SQL), NOBODY)
        figure = _median_ms(members.search, NOBODY)
        planned = _median_ms(raw(PLANNED_SQL), NOBODY)
        _row("a text matching nobody: a page, as the list asks", figure, floor, "<= 2x floor")
        _row("   the raw query as SQLite plans it (name index walked)", planned, floor, "info")
        _row("   the count of the same (MemberService.count)",
             _median_ms(members.count, NOBODY), floor, "info")
        common_floor = _median_ms(raw(PLANNED_SQL), COMMON)
        _row(f"common texts ({', '.join(COMMON)}): a page", _median_ms(members.search, COMMON),
             common_floor, "info (floor: as SQLite plans it)")
        # The previous release, in the same minutes: the sort's index walked to the end.
        walked = member_module._INDEXED_SORTS
        member_module._INDEXED_SORTS = ()
        try:
            _row("   before (the name index walked to the end): nobody",
                 _median_ms(members.search, NOBODY), floor, "info")
            _row("   before: common texts", _median_ms(members.search, COMMON), common_floor,
                 "info")
        finally:
            member_module._INDEXED_SORTS = walked

        # While the window's worker builds the index: reads see the file without it until the
        # build commits, and share the two cores with it.
        building: dict[str, float] = {}

        def build() -> None:
            started = time.perf_counter()
            with db.write() as session:
                member_search.build_index(session.connection())
            building["seconds"] = time.perf_counter() - started

        during, floors = [], []
        worker = threading.Thread(target=build)
        worker.start()
        while worker.is_alive() and len(during) < 200:
            for text in NOBODY:
                started = time.perf_counter()
                members.search(text)
                during.append(time.perf_counter() - started)
                started = time.perf_counter()
                raw(FLOOR_SQL)(text)
                floors.append(time.perf_counter() - started)
        worker.join()
        _row(f"the same while the index is built ({len(during)} searches)",
             statistics.median(during) * 1000, statistics.median(floors) * 1000, "<= 2x floor")
        print(f"    the build took {building['seconds']:.2f} s; floor = the raw every-row "
              "query by sqlite3 between the searches, in the same seconds", flush=True)
    finally:
        connection.close()
        db.dispose()
