"""A desk day of several thousand operations on the real window (issue 19).

The worst fault so far (PySide6 6.12.0 on Python 3.11: None's reference count lowered by every
Qt call that returns nothing, until the interpreter aborted) appeared only after minutes of
ordinary typing. This journey works the window from `create_main_window` for at least 3,000
operations (search keystrokes, walking the list, editors opened, prices typed so the preview
recomputes, saves, discards, member dialogs, tab switches, the transitions run day after day)
and asserts, beside each step's own checks, that the process lives, None's count holds and
memory and live widgets stay bounded. `make bench` runs the same desk for ten minutes
(tests/benchmarks/bench_soak.py) and prints memory over time.
"""

from __future__ import annotations

from desk_day import DeskDay

OPERATIONS = 3000
# Growth allowed between the warmed-up desk (after its first rounds, with every kind of editor
# and dialog loaded once) and the end. A leaked editor per round would exceed both by far.
RESIDENT_GROWTH_KIB = 40 * 1024
WIDGET_GROWTH = 60


def test_a_desk_day_of_thousands_of_operations(qtbot, desk):
    day = DeskDay(qtbot, desk)
    day.run(operations=OPERATIONS)

    assert day.operations >= OPERATIONS
    assert day.saves >= 5 and day.sweeps >= 3 and day.editors >= 20
    warm, last = day.samples[min(5, len(day.samples) - 2)], day.samples[-1]
    assert last.none_refs >= warm.none_refs - 500, (
        f"None lost {warm.none_refs - last.none_refs} references")
    assert last.resident_kib - warm.resident_kib <= RESIDENT_GROWTH_KIB, (
        f"resident memory grew {(last.resident_kib - warm.resident_kib) // 1024} MB")
    assert last.widgets - warm.widgets <= WIDGET_GROWTH, (
        f"{last.widgets - warm.widgets} widgets more than when warm")
    # The saves went through: the last price typed and saved is what the database holds.
    contract_id, price = day.last_saved
    assert desk.services.contracts.load(contract_id).contract.custom_price == price
    assert not desk.live_editors()
