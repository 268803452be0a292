"""Reminders (rule 29): up to three levels, each a number of days after the due date and an
optional late fee, a fixed amount or a percentage of what is still open. Which level a document
is due for, and what its fee is, are pure rules; queueing them (once each) is the sweep's, and
the fee, when charged, is a charge on the next invoice — never a change to the overdue one.

The levels are stored as JSON in the settings (`reminders`, as `frontdesk/2` carries them:
`[{"days", "fee", "fee_percent"}]`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from desktop.domain.money import parse_rate, round_minor

MAX_LEVELS = 3
MAX_DAYS = 365


@dataclass(frozen=True)
class ReminderLevel:
    days: int                       # after the due date
    fee: int = 0                    # a fixed late fee, minor units
    fee_percent: str | None = None  # or a percentage of what is open, as a decimal string

    def late_fee(self, outstanding: int) -> int:
        """The fee this level charges on a document with `outstanding` still open."""
        if self.fee_percent:
            return round_minor(parse_rate(self.fee_percent) * Fraction(max(outstanding, 0)))
        return self.fee


def level_problem(levels: list[ReminderLevel]) -> str | None:
    """English: what is wrong with the levels as a set (the window words it itself)."""
    if len(levels) > MAX_LEVELS:
        return f"There are at most {MAX_LEVELS} reminder levels."
    days = [level.days for level in levels]
    if any(not 1 <= d <= MAX_DAYS for d in days):
        return f"A reminder comes 1 to {MAX_DAYS} days after the due date."
    if days != sorted(set(days)):
        return "Each reminder level comes later than the one before."
    if any(level.fee < 0 for level in levels):
        return "A late fee is not negative."
    if any(level.fee and level.fee_percent for level in levels):
        return "A late fee is a fixed amount or a percentage, not both."
    for level in levels:
        if level.fee_percent:
            parse_rate(level.fee_percent)  # raises BadValue with its own sentence
    return None


def due_levels(levels: list[ReminderLevel], due: date, today: date, outstanding: int,
               queued: set[int]) -> list[int]:
    """The levels (1-based) due by today and not queued yet for a document still open; a paid
    document is never reminded. Only the highest level due is returned when several are
    (a document found late does not receive three reminders at once)."""
    if outstanding <= 0:
        return []
    reached = [n for n, level in enumerate(levels, start=1)
               if today >= due + timedelta(days=level.days)]
    if not reached or max(reached) in queued or (queued and max(queued) >= max(reached)):
        return []
    return [max(reached)]


def levels_of(raw: str | None) -> list[ReminderLevel]:
    """The levels from the settings' JSON (unreadable: none)."""
    try:
        data = json.loads(raw) if raw else []
    except ValueError:
        return []
    levels = []
    for entry in data if isinstance(data, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("days"), int):
            levels.append(ReminderLevel(entry["days"], int(entry.get("fee") or 0),
                                        entry.get("fee_percent") or None))
    return levels[:MAX_LEVELS]


def levels_json(levels: list[ReminderLevel]) -> str | None:
    return json.dumps([{"days": level.days, "fee": level.fee, "fee_percent": level.fee_percent}
                       for level in levels]) if levels else None
