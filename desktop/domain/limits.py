"""Sane ranges, checked in one place: what any value typed, imported or given on the command
line must stay within (issue 14; DESIGN.md §4 bad input).

A typo must not become permanent: issued invoices cannot be removed, so a date in year 24 or
2207 (which would issue thousands of invoices), a tax rate of 1e-99999999 (an exact fraction too
large to compute with) or a count of 10**20 sample members is refused before anything is written.
Every check returns or raises one sentence for the operator.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
MAX_AMOUNT = 10**12          # minor units, either way: far inside SQLite's 64-bit integers
MAX_QUANTITY = 10_000        # of a plan or an add-on on one contract
MAX_RATE_DECIMALS = 4        # a tax rate such as 8.5 or 7.6875
MAX_DEMO_MEMBERS = 1_000_000
CATCH_UP_LIMIT = 24          # invoices one contract may be issued in one sweep without asking
MAX_TEXT = 100               # characters of a number or date worth reading at all

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadValue(ValueError):
    """A value refused with one sentence, as a template and its raw parameters (issue 10):
    `str()` is the English sentence (the command line's), the interface translates the template
    (`desktop.i18n.messages.reason`). babel.cfg extracts the templates given to it."""

    def __init__(self, template: str, **params: object) -> None:
        self.template, self.params = template, tuple(params.items())
        super().__init__(template.format(**params))


def day_problem(value: date) -> str | None:
    """The sentence for a date outside FIRST_DAY..LAST_DAY, else None."""
    if FIRST_DAY <= value <= LAST_DAY:
        return None
    return str(_outside(value))


def _outside(value: date) -> BadValue:
    return BadValue("{day} is outside the dates Frontdesk accepts ({first} to {last}).",
                    day=value.isoformat(), first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat())


def parse_day(text: str) -> date:
    """Only YYYY-MM-DD within range; ValueError with one sentence otherwise.

    Python's own reader also takes "20270101" and "2024-W01-1"; those are refused here.
    """
    shown = text[:MAX_TEXT] if isinstance(text, str) else text
    if not isinstance(text, str) or not _ISO_DAY.fullmatch(text):
        raise BadValue('"{text}" is not a date written YYYY-MM-DD.', text=shown)
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise BadValue('"{text}" is not a date written YYYY-MM-DD.', text=text) from None
    if day_problem(value):
        raise _outside(value)
    return value


def _decimals(value: Decimal) -> int:
    """Digits after the point, trailing zeros not counted (without the context's rounding,
    which would turn 1e-99999999 into 0)."""
    _sign, digits, exponent = value.as_tuple()
    written = "".join(map(str, digits))
    if not written.strip("0"):
        return 0
    trailing_zeros = len(written) - len(written.rstrip("0"))
    return max(0, -(exponent + trailing_zeros))


def rate_decimal(text: str) -> Decimal:
    """A tax rate in percent, 0 to 100 with at most MAX_RATE_DECIMALS decimals."""
    shown = str(text)[:MAX_TEXT]
    if len(str(text).strip()) > MAX_TEXT:
        raise BadValue('"{text}…" is not a tax rate.', text=shown)
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise BadValue('"{text}" is not a tax rate.', text=shown) from None
    if not value.is_finite() or value < 0 or value > 100:
        raise BadValue('"{text}" is not a tax rate between 0 and 100.', text=shown)
    if _decimals(value) > MAX_RATE_DECIMALS:
        raise BadValue('"{text}" has more than {count} decimals; a tax rate such as 8.5 or '
                       '7.6875 is expected.', text=shown, count=MAX_RATE_DECIMALS)
    return value


def whole_number_problem(value: int, minimum: int, maximum: int, what: str) -> str | None:
    """The sentence for a whole number outside minimum..maximum, else None."""
    if minimum <= value <= maximum:
        return None
    return f"{what} must be between {minimum:,} and {maximum:,}."
