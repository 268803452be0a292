"""Contract editor benchmark (docs/design.md#targets), run by `make bench`: it prints figures,
asserts none.

Preview recomputation after one edit: the editor open on an active contract of the demo's
busiest member (10,000 members), then one edit at a time (quantity, cancellation date, notes,
custom price, next plan) and the recomputation that follows it: validate, describe, next plans
and the next 3 invoices, on the GUI thread.

- "pure": the services' calls with the editor's kept basis (EditorBasis), as refresh_now makes
  them: the figure the target is about.
- "refresh_now": the same plus drawing the problems, sentences and invoices in the widgets.
- "frame": refresh_now and then the event loop's turn that lays out and paints the window
  (offscreen), the whole frame an edit costs; with how many of the edits took over 16 ms.
- beside them the old way, each call reading the member from the database (no basis).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import replace
from datetime import date, datetime, timedelta

from bench_data import editor_on_busiest_contract
from desktop.services.clock import FixedClock
from desktop.services.contracts.editing import ContractService
from desktop.storage.database import open_database
from desktop.ui.contract_editor.editor import PREVIEW_COUNT

EDITS = 60


def _edits(contract, today: date):
    """Edits an operator makes one at a time, cycled."""
    plans = [contract.plan]
    return [dict(quantity=2), dict(quantity=1),
            dict(cancellation_date=today + timedelta(days=20)), dict(cancellation_date=None),
            dict(notes="Invoice to the head office"), dict(notes=""),
            dict(custom_price=contract.price + 1000), dict(custom_price=None),
            dict(next_plan=None), dict(next_plan=plans[0])]


def _summary(values: list[float]) -> str:
    ordered = sorted(values)
    return (f"median {statistics.median(values) * 1000:6.2f} ms, p90 "
            f"{ordered[int(0.9 * (len(ordered) - 1))] * 1000:6.2f} ms, max "
            f"{ordered[-1] * 1000:6.2f} ms")


def test_preview_recomputation_after_one_edit(bench_databases, qapp, tmp_path):
    dbs = bench_databases
    database = dbs.working_copy(dbs.members(10_000), tmp_path, backed_up=True)
    today = dbs.day
    db = open_database(str(database), now=datetime.combine(today, datetime.min.time()))
    try:
        clock = FixedClock(today)
        contracts = ContractService(db, clock)
        editor = editor_on_busiest_contract(db, today, contracts)
        contract_id = editor.contract_id
        qapp.processEvents()  # the first paint, not an edit's
        saved = editor.draft()
        edits = _edits(saved, today)
        pure, refresh, frames, old = [], [], [], []
        for i in range(EDITS):
            draft = replace(editor.draft(), **edits[i % len(edits)])
            basis = contracts.basis(draft, editor.session.basis)
            started = time.perf_counter()
            contracts.validate(draft, basis)
            contracts.describe(draft, basis)
            contracts.eligible_next_plans(draft, basis)
            contracts.preview(draft, PREVIEW_COUNT, basis)
            pure.append(time.perf_counter() - started)

            started = time.perf_counter()
            contracts.validate(draft)
            contracts.describe(draft)
            contracts.eligible_next_plans(draft)
            contracts.preview(draft, PREVIEW_COUNT)
            old.append(time.perf_counter() - started)

            editor.session.draft = draft  # as _edit leaves it; its widget updates are not timed
            started = time.perf_counter()
            editor.refresh_now()
            refresh.append(time.perf_counter() - started)
            qapp.processEvents()  # lay out and paint what refresh_now changed
            frames.append(time.perf_counter() - started)
        members_contracts = len(editor.session.basis.state.contracts)
        editor.close()
    finally:
        db.dispose()
    print(f"\npreview recomputation after one edit, {EDITS} edits, contract #{contract_id} of a "
          f"member with {members_contracts} contracts (10,000-member demo database):"
          f"\n  pure (kept basis)          {_summary(pure)}   target: median <= 5 ms"
          f" -> {'PASS' if statistics.median(pure) <= 0.005 else 'MISS'}"
          f"\n  refresh_now (with widgets) {_summary(refresh)}   target: no frame over 16 ms"
          f" -> {'PASS' if max(refresh) <= 0.016 else 'MISS'}"
          f"\n  frame (refresh_now, layout and paint) {_summary(frames)}, "
          f"{sum(f > 0.016 for f in frames)} of {EDITS} over 16 ms"
          f"\n  before: each call reads the member from the database  {_summary(old)}"
          f"\n  ratio before / pure (median) = "
          f"{statistics.median(old) / statistics.median(pure):.1f}x")
