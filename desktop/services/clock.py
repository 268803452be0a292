"""Where the services get today's date: the system clock in the app, a fixed one in tests."""

from __future__ import annotations

from datetime import date, datetime, time


class SystemClock:
    """The real clock; only the composition root (desktop/app.py) should create one."""

    def today(self) -> date:
        return date.today()

    def now(self) -> datetime:
        return datetime.now()


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
