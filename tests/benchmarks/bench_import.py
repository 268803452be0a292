"""Import benchmark (docs/design.md#targets "nothing slower"), run by `make bench`; it prints
figures and asserts no timings.

A frontdesk/1 document of 100,000 members is imported three ways in the same run, each into a
new file, alternating twice:
- floor: into a database without the members' search index (as before migration 0006);
- now: as `frontdesk import` does, leaving the index out for the window to build later;
- indexed at once: the index rebuilt inside the import's transaction (the previous release).
The later build of the index (`build_index`, on the window's worker) is timed on its own.
"""

from __future__ import annotations

import time
from datetime import datetime

from desktop.services.exchange import importer
from desktop.storage import member_search
from desktop.storage.database import open_database

NOW = datetime(2025, 6, 2, 9, 0)
MEMBERS = 100_000


def _document() -> dict:
    return {
        "format": "frontdesk/1",
        "settings": {"currency": "EUR", "locale": "en_IE", "tax_rate": "23"},
        "plans": [],
        "members": [{"email": f"person{i}@example{i % 97}.org",
                     "name": f"Person {i} Surname{i % 1000}",
                     "company": f"Company {i % 5000} Ltd", "phone": "", "notes": "",
                     "credit_balance": 0, "deposit_held": 0} for i in range(MEMBERS)],
        "contracts": [], "invoices": [],
    }


def _import(tmp_path, name: str, document: dict, how: str) -> tuple[float, object]:
    """CPU seconds of importing the document into a new file, and the open database."""
    db = open_database(str(tmp_path / f"{name}.sqlite3"), now=NOW)
    if how == "floor":
        with db.write() as session:
            for statement in member_search._DROP:
                session.connection().exec_driver_sql(statement)
    original = importer.members_in_bulk
    if how == "indexed at once":
        importer.members_in_bulk = lambda connection, **_: original(connection)
    try:
        cpu = time.process_time()
        importer.import_document(db, document, NOW)
        return time.process_time() - cpu, db
    finally:
        importer.members_in_bulk = original


def test_importing_100000_members_is_no_slower_than_without_the_search_index(tmp_path):
    document = _document()
    figures: dict[str, list[float]] = {"floor": [], "now": [], "indexed at once": []}
    build: list[float] = []
    for round_ in range(2):
        for how in figures:
            seconds, db = _import(tmp_path, f"{how.replace(' ', '-')}-{round_}", document, how)
            figures[how].append(seconds)
            if how == "now":
                cpu = time.process_time()
                with db.write() as session:
                    assert member_search.build_index(session.connection())
                build.append(time.process_time() - cpu)
            db.dispose()
    floor = min(figures["floor"])
    print(f"\n  import of {MEMBERS:,} members (CPU, best of 2):"
          f"\n  floor (no search index)           {floor:6.2f} s"
          f"\n  now (index left for later)        {min(figures['now']):6.2f} s "
          f"({min(figures['now']) / floor:.2f}× floor)"
          f"\n  index rebuilt in the import       {min(figures['indexed at once']):6.2f} s "
          f"({min(figures['indexed at once']) / floor:.2f}× floor)"
          f"\n  the index built later, on a worker {min(build):6.2f} s")
    assert all(figures.values())
