"""Contract editor Save benchmark (docs/design.md#targets), run by `make bench`: it prints figures,
asserts none.

One Save in the contract editor, open on an active contract of the demo's busiest member (1,000
members): the press of Save and the editor showing the saved state afterwards (the deferred
recomputation it schedules included), on the GUI thread. For each Save it counts the SQL
statements sent (SQLAlchemy's `before_cursor_execute`), how many of them read the plans, how
many times the editor's basis (`load_basis`) was read, and the time.

The floor beside each figure comes from the same run: `ContractService.save_for_editor` alone,
the one write transaction a Save cannot do without, which also reads back the saved state the
editor must show.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import replace
from datetime import datetime

from sqlalchemy import event

from bench_data import editor_on_busiest_contract
from desktop.services.clock import FixedClock
from desktop.services.contracts import editing
from desktop.services.contracts.editing import ContractService
from desktop.storage.database import open_database

SAVES = 20


class Counter:
    """Statements sent to the database, and those that read the plans table."""

    def __init__(self, engine) -> None:
        self.statements = self.plan_reads = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, *_args) -> None:
        self.statements += 1
        text = " ".join(statement.split()).lower()
        self.plan_reads += text.startswith("select") and " from plans" in text

    def take(self) -> tuple[int, int]:
        counts = self.statements, self.plan_reads
        self.statements = self.plan_reads = 0
        return counts


def _median(values) -> float:
    return statistics.median(values)


def test_one_save_in_the_contract_editor(bench_databases, qapp, tmp_path, monkeypatch):
    dbs = bench_databases
    database = dbs.working_copy(dbs.members(1_000), tmp_path, backed_up=True)
    today = dbs.day
    db = open_database(str(database), now=datetime.combine(today, datetime.min.time()))
    bases = []
    real_load_basis = editing.load_basis
    monkeypatch.setattr(editing, "load_basis",
                        lambda *args: bases.append(1) or real_load_basis(*args))
    try:
        clock = FixedClock(today)
        contracts = ContractService(db, clock)
        editor = editor_on_busiest_contract(db, today, contracts)
        contract_id = editor.contract_id
        qapp.processEvents()  # the first paint, not a Save's
        counter = Counter(db.engine)
        saves, floors = [], []
        for i in range(SAVES):
            quantity = editor.draft().quantity % 3 + 1  # always another quantity than saved
            editor._edit({"quantity": quantity})  # as the quantity box reports an edit
            editor.refresh_now()  # the debounced recomputation the edit asked for, not timed
            counter.take()
            bases.clear()
            started = time.perf_counter()
            assert editor.save()
            if editor._timer.isActive():  # what Save left for the next turn of the loop
                editor.refresh_now()
            elapsed = time.perf_counter() - started
            statements, plan_reads = counter.take()
            saves.append((statements, plan_reads, len(bases), elapsed))
            qapp.processEvents()

            # The floor: the same edit saved by the service alone, the state read back with it.
            state = contracts.load(contract_id)
            draft = replace(state.contract, notes=f"floor {i}")
            counter.take()
            bases.clear()
            started = time.perf_counter()
            contracts.save_for_editor(draft, state.version)
            elapsed = time.perf_counter() - started
            statements, plan_reads = counter.take()
            floors.append((statements, plan_reads, len(bases), elapsed))
            editor.reload()
            editor.refresh_now()
        editor.close()
    finally:
        db.dispose()

    def column(rows, index):
        return _median([row[index] for row in rows])

    print(f"\none Save in the contract editor, {SAVES} saves, contract #{contract_id} of the "
          f"busiest member (1,000-member demo database), median per Save:"
          f"\n  SQL statements     {column(saves, 0):5.0f}   floor (the service's save_for_editor) "
          f"{column(floors, 0):5.0f}"
          f"\n  reads of the plans {column(saves, 1):5.0f}   floor {column(floors, 1):5.0f}"
          f"\n  editor basis reads {column(saves, 2):5.0f}   floor {column(floors, 2):5.0f}"
          f"\n  time               {column(saves, 3) * 1000:5.1f} ms   floor "
          f"{column(floors, 3) * 1000:5.1f} ms")
