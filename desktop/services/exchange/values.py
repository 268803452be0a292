"""Reading values out of a frontdesk/1 document, each problem kept with its place.

A value that cannot be used is reported (`contracts[3].cancellation_date: "2024-02-30" is not a
date.`) and replaced by BAD, so the rest of the document is still checked and a record built
from a BAD value is left out without being reported twice.
"""

from __future__ import annotations

import json
from datetime import date

from desktop.domain.limits import MAX_AMOUNT, MAX_QUANTITY, parse_day
from desktop.domain.periods import parse_frequency

BAD = object()  # a value that was reported as a problem


class ImportProblems(Exception):
    """Every problem of a document, each with its place; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(self.problems[0] if self.problems else "The document cannot be imported.")

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return self.problems[0]
        return f"The document has {len(self.problems)} problems; the first: {self.problems[0]}"


def shown(value) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


class Reader:
    """Reads values out of the document, collecting every problem with its place."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, place: str, message: str) -> object:
        self.problems.append(f"{place}: {message}" if place else message)
        return BAD

    def record(self, value, place: str, required: tuple[str, ...], optional: dict) -> dict | None:
        """An object with its required keys and the optional ones (defaults filled in)."""
        if not isinstance(value, dict):
            self.problem(place, f"{shown(value)} is not an object.")
            return None
        known = set(required) | set(optional)
        for key in value:
            if key not in known:
                self.problem(f"{place}.{key}", "is not a field of this format.")
        for key in required:
            if key not in value:
                self.problem(f"{place}.{key}", "is missing.")
        if any(key not in value for key in required):
            return None
        return {**optional, **value}

    def items(self, value, place: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(place, f"{shown(value)} is not a list.")
            return []
        return value

    def text(self, value, place: str, *, required: bool = False, nullable: bool = False):
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            return self.problem(place, f"{shown(value)} is not text.")
        if required and not value.strip():
            return self.problem(place, "cannot be empty.")
        return value

    def integer(self, value, place: str, *, minimum: int | None = None,
                maximum: int = MAX_AMOUNT, nullable: bool = False, what: str = "a whole number"):
        """A whole number within bounds; the default maximum keeps any field far inside what
        the database's 64-bit integers hold."""
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            return self.problem(place, f"{shown(value)} is not {what}.")
        if minimum is not None and value < minimum:
            return self.problem(place, f"{value} is below {minimum}.")
        if value > maximum:
            return self.problem(place, f"{value} is above {maximum}, the largest accepted.")
        return value

    def money(self, value, place: str, *, minimum: int = -MAX_AMOUNT, nullable: bool = False):
        """An amount in minor units, at most MAX_AMOUNT either way (a price: minimum=0)."""
        return self.integer(value, place, minimum=minimum, nullable=nullable,
                            what="a whole number of minor units")

    def quantity(self, value, place: str):
        """A quantity of a plan or add-on: 1 to MAX_QUANTITY."""
        return self.integer(value, place, minimum=1, maximum=MAX_QUANTITY)

    def flag(self, value, place: str):
        if not isinstance(value, bool):
            return self.problem(place, f"{shown(value)} is not true or false.")
        return value

    def day(self, value, place: str, *, nullable: bool = False):
        if value is None and nullable:
            return None
        try:
            if not isinstance(value, str) or len(value) != 10 or "-" not in value[4:5]:
                raise ValueError
            date.fromisoformat(value)
        except ValueError:
            return self.problem(place, f"{shown(value)} is not a date.")
        try:
            return parse_day(value)  # only YYYY-MM-DD, within the accepted range
        except ValueError as exc:
            return self.problem(place, str(exc))

    def frequency(self, value, place: str, *, nullable: bool):
        if value is None and nullable:
            return None
        try:
            return parse_frequency(value if isinstance(value, str) else "")
        except ValueError as exc:
            if isinstance(value, str) and not str(exc).startswith('"'):
                reason = str(exc)  # written like one, but refused: too long, say
                return self.problem(place, f"{shown(value)} cannot be used: "
                                           f"{reason[:1].lower()}{reason[1:]}")
            return self.problem(place, f'{shown(value)} is not a billing frequency such as '
                                       f'"1 month" or "2 weeks".')


def any_bad(*values) -> bool:
    return any(v is BAD for v in values)
