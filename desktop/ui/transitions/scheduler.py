"""The background timer (docs/design.md#screens, rules 18-19): runs the sweep off the GUI thread.

The sweep runs on start, on every tick (once a minute) and again at once when a tick sees that
the date has changed. Never two at once: a request that arrives while a sweep runs is kept and
served right after it. Results arrive on the GUI thread through `finished` / `failed`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal, Slot

from desktop.domain.limits import CATCH_UP_LIMIT
from desktop.services.sweep.catch_up import CatchUpTooLarge
from desktop.ui.common.widgets import user_message
from desktop.ui.common.workers import Job

MINUTE_MS = 60_000


class SweepScheduler(QObject):
    """Owns the sweep timer; `sweep` is a SweepService, `clock` has today()."""

    started = Signal(object)    # the as-of date of the sweep that began
    finished = Signal(object)   # SweepReport
    failed = Signal(str)        # a sentence
    dateChanged = Signal(object)  # noqa: N815 (Qt signal naming)
    # CatchUpTooLarge: a contract would be issued more than CATCH_UP_LIMIT invoices at once;
    # nothing was written, the window asks before run_now(allow_catch_up=True)
    catchUpNeeded = Signal(object)  # noqa: N815

    def __init__(self, sweep: Any, clock: Any, interval_ms: int = MINUTE_MS,
                 parent: QObject | None = None):
        super().__init__(parent)
        self._sweep = sweep
        self._clock = clock
        # A pool of one thread of our own: sweeps queue behind each other, never overlap.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.tick)
        self._job: Job | None = None
        self._pending = False
        self._last_day: date | None = None
        self.runs = 0

    @property
    def running(self) -> bool:
        return self._job is not None

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        """Run now and then on every tick."""
        self._stopped = False
        self._timer.start()
        self.run_now()

    def stop(self, wait_ms: int = 30_000) -> None:
        """Stop ticking and wait for a sweep in progress (before the database is closed)."""
        self._timer.stop()
        self._pending = False
        # No run starts once stopped: the database may be closed right after this returns.
        self._stopped = True
        self._pool.waitForDone(wait_ms)

    @Slot()
    def tick(self) -> None:
        """A timer tick: sweep; a changed date is announced so pages move their today marker."""
        today = self._clock.today()
        if self._last_day is not None and today != self._last_day:
            self.dateChanged.emit(today)
        self.run_now()

    @Slot()
    def run_now(self, *, allow_catch_up: bool = False) -> bool:
        """Start a sweep as of the clock's today; False when one runs (it is then queued).

        Unless allow_catch_up, a sweep that would issue a contract more than CATCH_UP_LIMIT
        invoices at once writes nothing and reports catchUpNeeded instead.
        """
        if getattr(self, "_stopped", False):
            return False
        if self._job is not None:
            self._pending = True
            self._pending_allow = getattr(self, "_pending_allow", False) or allow_catch_up
            return False
        as_of = self._clock.today()
        self._last_day = as_of
        self.runs += 1
        limit = None if allow_catch_up else CATCH_UP_LIMIT
        job = Job(lambda: self._sweep.apply_due(as_of, catch_up_limit=limit))
        job.done.connect(self._on_done)
        job.failed.connect(self._on_failed)
        self._job = job
        self.started.emit(as_of)
        job.start(self._pool)
        return True

    @Slot(object)
    def _on_done(self, report: Any) -> None:
        self._finish_job()
        self.finished.emit(report)
        self._serve_pending()

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        self._finish_job()
        if isinstance(exc, CatchUpTooLarge):
            self.catchUpNeeded.emit(exc)
        else:
            self.failed.emit(user_message(exc))
        self._serve_pending()

    def _finish_job(self) -> None:
        # Dropping the reference frees the job on this (GUI) thread once its signal returns.
        self._job = None

    def _serve_pending(self) -> None:
        if self._pending:
            self._pending = False
            allow, self._pending_allow = getattr(self, "_pending_allow", False), False
            self.run_now(allow_catch_up=allow)
