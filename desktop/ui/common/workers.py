"""Run a blocking call on a worker thread and deliver its result on the GUI thread.

Services open their own database session per call (docs/services-api.md), so a worker may call them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from shiboken6 import isValid

_log = logging.getLogger(__name__)


def run_alone(call: Callable[..., Any], *args: Any, source: Any = None, **kwargs: Any) -> Any:
    """How a screen runs a mutating service call when no window's runner was given (a screen
    opened on its own, as in tests): the call alone, its changes told to nobody. The window
    gives its screens `Operations.run` instead, which tells every screen but `source`."""
    return call(*args, **kwargs)


class _Relay(QObject):
    """Lives in the thread that started the job; the worker emits into it across threads."""

    result = Signal(object)
    error = Signal(object)


class _Call(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay):
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            value = self._fn()
        except BaseException as exc:  # reported to the GUI as a sentence, never re-raised here
            # The product's own refusals are expected; anything else is a fault worth its trace.
            expected = type(exc).__module__.startswith("desktop.")
            _log.log(logging.WARNING if expected else logging.ERROR, "background call failed: %s",
                     exc, exc_info=not expected)
            self._emit(self._relay.error, exc)
        else:
            self._emit(self._relay.result, value)

    @staticmethod
    def _emit(signal, value: Any) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the window closed while the call ran: nobody waits for it
            _log.debug("worker result dropped: its receiver is gone")


class Job(QObject):
    """One background call. `done(result)` or `failed(exception)` is emitted on the GUI thread.

    Keep it without a Qt parent: it is freed on the GUI thread when the last Python reference
    goes (deleteLater on a job raced with pytest-qt's event processing and crashed).
    """

    done = Signal(object)
    failed = Signal(object)

    _running: set[Job] = set()  # keeps jobs alive until they report

    def __init__(self, fn: Callable[[], Any], parent: QObject | None = None):
        super().__init__(parent)
        self._fn = fn
        # Owned by the job on the C++ side, so it is destroyed with the job on the GUI thread,
        # never by the worker dropping its last Python reference.
        self._relay = _Relay(self)
        # Bound slots of objects living in the GUI thread make these queued connections.
        self._relay.result.connect(self._deliver_result)
        self._relay.error.connect(self._deliver_error)

    def start(self, pool: QThreadPool | None = None) -> Job:
        Job._running.add(self)
        (pool or QThreadPool.globalInstance()).start(_Call(self._fn, self._relay))
        return self

    @Slot(object)
    def _deliver_result(self, value: Any) -> None:
        Job._running.discard(self)
        self.done.emit(value)

    @Slot(object)
    def _deliver_error(self, exc: BaseException) -> None:
        Job._running.discard(self)
        self.failed.emit(exc)


def run_in_background(fn: Callable[[], Any], on_done: Callable[[Any], None],
                      on_failed: Callable[[BaseException], None],
                      pool: QThreadPool | None = None) -> Job:
    """Start fn on a worker; call on_done/on_failed on the GUI thread with its outcome."""
    job = Job(fn)
    job.done.connect(on_done)
    job.failed.connect(on_failed)
    return job.start(pool)


class NewestOnly:
    """Background calls of which only the newest counts (a search typed key by key).

    Up to `at_once` calls run together (a newer one need not wait for a slow older one); one
    asked for beyond that waits, replacing any call already waiting. An outcome is delivered
    only when no newer call was asked for since (nor `supersede`), so what is shown is always
    the newest call's, whatever order the workers finish in. Nothing is delivered once `owner`
    (the QObject receiving the outcomes) is gone.
    """

    def __init__(self, owner: QObject, at_once: int = 1):
        self._owner, self._at_once = owner, at_once
        self._newest = 0
        self._waiting: tuple | None = None
        self._running = 0

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_failed: Callable[[BaseException], None]) -> None:
        self._newest += 1
        self._waiting = (self._newest, fn, on_done, on_failed)
        if self._running < self._at_once:
            self._start()

    def supersede(self) -> None:
        """Drop the waiting call and the outcome of those running (a newer answer is in)."""
        self._newest += 1
        self._waiting = None

    def _start(self) -> None:
        number, fn, on_done, on_failed = self._waiting
        self._waiting = None
        self._running += 1
        run_in_background(fn, lambda value: self._answer(number, on_done, value),
                          lambda exc: self._answer(number, on_failed, exc))

    def _answer(self, number: int, deliver: Callable[[Any], None], value: Any) -> None:
        if not isValid(self._owner):
            return
        self._running -= 1
        if number == self._newest:
            deliver(value)
        if self._waiting is not None:
            self._start()
