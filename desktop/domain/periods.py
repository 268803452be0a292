"""Billing frequencies and period boundaries (rules 1 and 2 in docs/billing-rules.md)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache

from desktop.domain.limits import BadValue

UNITS = ("week", "month", "year")
_PER_YEAR = {"week": Fraction(365, 7), "month": Fraction(12), "year": Fraction(1)}
_PATTERN = re.compile(r"^\s*(\d+)\s+(week|month|year)s?\s*$")
# The longest period a plan may bill at once, in each unit: ten years.
MAX_COUNT = {"week": 520, "month": 120, "year": 10}


@dataclass(frozen=True, order=True)
class Frequency:
    """Rule 1: a billing frequency is a unit (week, month, year) times a count of at least 1."""

    unit: str
    count: int = 1

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise BadValue("Unknown billing unit {unit}: use week, month or year.",
                           unit=repr(self.unit))
        if not isinstance(self.count, int) or self.count < 1:
            raise BadValue("A billing frequency needs a count of at least 1.")
        if self.count > MAX_COUNT[self.unit]:
            raise BadValue("A billing frequency can be at most ten years.")

    def __str__(self) -> str:
        return f"{self.count} {self.unit}{'' if self.count == 1 else 's'}"

    @property
    def periods_per_year(self) -> Fraction:
        """How many periods fit in a year, exactly (weeks count 365/7 a year; rule 13)."""
        return _PER_YEAR[self.unit] / self.count


def parse_frequency(text: str) -> Frequency:
    """Read a frequency written like "1 month", "3 months", "2 weeks" or "1 year"."""
    match = _PATTERN.match(text or "")
    if not match:
        raise BadValue('"{text}" is not a billing frequency such as "1 month" or "2 weeks".',
                       text=text)
    return Frequency(match.group(2), int(match.group(1)))


def _add_months(anchor: date, months: int) -> date:
    year, month0 = divmod(anchor.year * 12 + anchor.month - 1 + months, 12)
    day = min(anchor.day, calendar.monthrange(year, month0 + 1)[1])
    return date(year, month0 + 1, day)


# Boundaries and periods repeat across contracts (one anchor and frequency for many members, the
# same day for a whole sweep): they are pure, so remembered (a few thousand entries at most).
@lru_cache(maxsize=8192)
def boundary(anchor: date, frequency: Frequency, k: int) -> date:
    """Rule 2: boundary k = anchor + k x frequency, month steps clamped and counted from the
    anchor."""
    if frequency.unit == "week":
        return anchor + timedelta(days=7 * frequency.count * k)
    months = frequency.count * k * (12 if frequency.unit == "year" else 1)
    return _add_months(anchor, months)


def _index_at_or_before(anchor: date, frequency: Frequency, day: date) -> int:
    """The largest k with boundary(anchor, frequency, k) <= day."""
    if frequency.unit == "week":
        return (day - anchor).days // (7 * frequency.count)
    step = frequency.count * (12 if frequency.unit == "year" else 1)
    k = ((day.year - anchor.year) * 12 + day.month - anchor.month) // step
    # Clamping moves a boundary by at most a few days, so the estimate is off by at most one.
    while boundary(anchor, frequency, k) > day:
        k -= 1
    while boundary(anchor, frequency, k + 1) <= day:
        k += 1
    return k


@lru_cache(maxsize=8192)
def period_containing(anchor: date, frequency: Frequency, day: date) -> tuple[date, date]:
    """The half-open period [start, end) of the anchor's boundaries with start <= day < end."""
    k = _index_at_or_before(anchor, frequency, day)
    return boundary(anchor, frequency, k), boundary(anchor, frequency, k + 1)


def is_boundary(anchor: date, frequency: Frequency, day: date) -> bool:
    return period_containing(anchor, frequency, day)[0] == day


def next_boundary_after(anchor: date, frequency: Frequency, day: date) -> date:
    """The first boundary strictly after the day."""
    return period_containing(anchor, frequency, day)[1]


def billing_day_anchor(start: date, billing_day: int) -> date:
    """Rule 11: the latest date on or before the start whose day is the billing day.

    The anchor keeps the billing day itself (a 31st, not a clamped 29th), so rule 2's clamping
    gives every month's last day when the billing day is past its end.
    """
    if not 1 <= billing_day <= 31:
        raise BadValue("The billing day must be between 1 and 31.")
    year, month = start.year, start.month
    while True:
        if billing_day <= calendar.monthrange(year, month)[1]:
            candidate = date(year, month, billing_day)
            if candidate <= start:
                return candidate
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)


def days(span: tuple[date, date]) -> int:
    """Number of days in a half-open span; 0 when it is empty."""
    return max(0, (span[1] - span[0]).days)
