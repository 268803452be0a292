"""SweepScheduler (docs/design.md#screens background timer, rules 18-19): runs off the GUI thread,
never twice at once, on start, on every tick and when the date changes."""

from __future__ import annotations

import threading
from datetime import timedelta

from desktop.ui.transitions.scheduler import SweepScheduler
from ui_fakes import FakeSweep


def test_start_runs_a_sweep_and_reports_on_the_gui_thread(qtbot, fake_sweep, clock, qapp):
    scheduler = SweepScheduler(fake_sweep, clock)
    received = []
    scheduler.finished.connect(lambda report: received.append(
        (report, threading.current_thread() is threading.main_thread())))
    with qtbot.waitSignal(scheduler.finished, timeout=3000) as blocker:
        scheduler.start()
    report = blocker.args[0]
    assert report.as_of == clock.today()
    assert report.invoices_issued == 1
    assert received == [(report, True)]
    assert scheduler.active
    scheduler.stop()
    assert not scheduler.active


def test_no_two_sweeps_at_once_and_a_request_during_a_run_is_served_after(qtbot, clock):
    gate = threading.Event()
    sweep = FakeSweep(gate)
    scheduler = SweepScheduler(sweep, clock)
    assert scheduler.run_now() is True
    assert scheduler.running
    assert scheduler.run_now() is False      # queued, not started
    assert scheduler.run_now() is False
    reports = []
    scheduler.finished.connect(reports.append)
    gate.set()
    qtbot.waitUntil(lambda: len(reports) == 2, timeout=3000)
    assert sweep.max_active == 1
    assert len(sweep.calls) == 2              # the two queued requests became one run
    qtbot.waitUntil(lambda: not scheduler.running, timeout=3000)
    scheduler.stop()


def test_a_tick_on_a_new_day_sweeps_as_of_that_day(qtbot, fake_sweep, clock):
    scheduler = SweepScheduler(fake_sweep, clock)
    with qtbot.waitSignal(scheduler.finished, timeout=3000):
        scheduler.run_now()
    clock.day += timedelta(days=1)
    with qtbot.waitSignal(scheduler.dateChanged, timeout=3000) as changed, \
            qtbot.waitSignal(scheduler.finished, timeout=3000) as done:
        scheduler.tick()
    assert changed.args == [clock.today()]
    assert done.args[0].as_of == clock.today()
    assert fake_sweep.calls == [clock.today() - timedelta(days=1), clock.today()]
    scheduler.stop()


def test_the_timer_ticks_by_itself(qtbot, fake_sweep, clock):
    scheduler = SweepScheduler(fake_sweep, clock, interval_ms=20)
    scheduler.start()
    qtbot.waitUntil(lambda: len(fake_sweep.calls) >= 3, timeout=3000)
    scheduler.stop()


def test_a_failing_sweep_reports_a_sentence(qtbot, fake_sweep, clock):
    fake_sweep.error = RuntimeError("database is locked")
    scheduler = SweepScheduler(fake_sweep, clock)
    with qtbot.waitSignal(scheduler.failed, timeout=3000) as blocker:
        scheduler.run_now()
    message = blocker.args[0]
    assert "database is locked" in message and "Traceback" not in message
    assert not scheduler.running
    scheduler.stop()
