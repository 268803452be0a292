"""Where the services get today's date: the system clock in the app, a fixed one in tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time


class SystemClock:
    """The real clock. Only a composition root (desktop/app.py, desktop/cli.py) creates one,
    passing the reader itself (`SystemClock(datetime.now)`); everything else is handed this
    object and never reads the time on its own."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now

    def today(self) -> date:
        return self._now().date()

    def now(self) -> datetime:
        return self._now()


class FixedClock:
    """A clock stopped on a day (and a time: midnight of that day unless given)."""

    def __init__(self, today: date, now: datetime | None = None) -> None:
        self._today = today
        self._now = now if now is not None else datetime.combine(today, time())

    def today(self) -> date:
        return self._today

    def now(self) -> datetime:
        return self._now

    def set(self, today: date, now: datetime | None = None) -> None:
        """Move the clock to another day (tests that follow a contract over time)."""
        self._today = today
        self._now = now if now is not None else datetime.combine(today, time())
