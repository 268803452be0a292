"""The window's mail worker (rule 29): a timer on the window's thread that, at start, once a
minute and right after a sweep, hands `send_due` to a worker thread of its own (never two runs
at once), as the sweep's timer does. The password is found here, on the window's thread: from
the keyring, typed this session, or asked for once."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QWidget

from desktop.ui.common.workers import Job
from desktop.ui.mail.passwords import SessionPassword

MINUTE_MS = 60_000
_log = logging.getLogger(__name__)


class MailSender(QObject):
    finished = Signal(object)  # SendReport
    failed = Signal(object)    # the exception

    def __init__(self, mail: Any, passwords: SessionPassword, window: QWidget | None = None,
                 interval_ms: int = MINUTE_MS) -> None:
        super().__init__(window)
        self._mail, self._passwords, self._window = mail, passwords, window
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.run_now)
        self._job: Job | None = None
        self._again = False
        self._stopped = False
        self.runs = 0

    def start(self) -> None:
        self._stopped = False
        self._timer.start()
        self.run_now()

    def stop(self, wait_ms: int = 60_000) -> None:
        self._timer.stop()
        self._stopped = True
        self._pool.waitForDone(wait_ms)

    @Slot()
    def run_now(self) -> bool:
        """Send what is due on the worker; False when not set up, stopped or already running
        (then it runs again right after)."""
        if self._stopped:
            return False
        if self._job is not None:
            self._again = True
            return False
        try:
            settings = self._mail.smtp()
        except Exception:  # the database is away: the next tick tries again
            _log.warning("the mail settings could not be read", exc_info=True)
            return False
        if not settings.set_up:
            return False
        password = self._passwords.ask_once(settings, self._window) if settings.user else None
        self.runs += 1
        job = Job(lambda: self._mail.send_due(password))
        job.done.connect(self._done)
        job.failed.connect(self._failed)
        self._job = job
        job.start(self._pool)
        return True

    @Slot(object)
    def _done(self, report: Any) -> None:
        self._job = None
        self.finished.emit(report)
        self._next()

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        self._job = None
        _log.warning("sending the outbox failed: %s", exc)
        self.failed.emit(exc)
        self._next()

    def _next(self) -> None:
        if self._again:
            self._again = False
            self.run_now()


def attach_mail(window: Any, mail: Any) -> tuple[SessionPassword | None, MailSender | None]:
    """The window's password holder and worker; a sweep that issued documents sends them at
    once, and what was sent shows on every screen (Operations)."""
    if mail is None:
        return None, None
    passwords = SessionPassword(mail)
    sender = MailSender(mail, passwords, window)
    window.scheduler.finished.connect(
        lambda report: sender.run_now() if getattr(report, "invoices_issued", 0) else None)
    sender.finished.connect(lambda report: _tell(window, report))
    return passwords, sender


def _tell(window: Any, report: Any) -> None:
    from desktop.services.changes import Changes

    if report.sent or report.failed or report.retrying:
        window.operations.done_here(Changes.of(invoices=True))
