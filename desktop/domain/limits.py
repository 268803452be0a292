"""Sane ranges, checked in one place: what any value typed, imported or given on the command
line must stay within (issue 14; docs/exchange-format.md bad input), and what text may hold (issue
19: control characters, e-mail addresses told apart, invoice numbers safe as file names).

A typo must not become permanent: issued invoices cannot be removed, so a date in year 24 or
2207 (which would issue thousands of invoices), a tax rate of 1e-99999999 (an exact fraction too
large to compute with) or a count of 10**20 sample members is refused before anything is written.
Every check returns or raises one sentence for the operator.
"""

from __future__ import annotations

import re
import unicodedata
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
    if not isinstance(exponent, int):
        return 0  # "n", "N" or "F": NaN or infinity, which the callers refuse before asking
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


# Text ----------------------------------------------------------------------------------------
# Issue 19: a NUL is refused by PostgreSQL and other control characters garble a list, a PDF
# or a CSV cell, so text is refused on the way in, everywhere (the window's services, the
# import), not first by one database. A multi-line field (notes, an address) keeps its tabs and
# line breaks; every other field is one line.
_LINE_BREAKS = "\t\n\r"


def control_character(text: str, *, multiline: bool = False) -> str | None:
    """The first control character (C0, DEL, C1) the text may not hold, else None."""
    for ch in text:
        if unicodedata.category(ch) == "Cc" and not (multiline and ch in _LINE_BREAKS):
            return ch
    return None


def text_problem(text: str, *, multiline: bool = False) -> BadValue | None:
    """The sentence for text holding a control character (U+0000 written as such), else None."""
    found = control_character(text, multiline=multiline)
    if found is None:
        return None
    code = f"U+{ord(found):04X}"
    if found in _LINE_BREAKS:
        return BadValue("The text holds a line break or tab ({code}), which this field cannot "
                        "hold: write it on one line.", code=code)
    return BadValue("The text holds a control character ({code}); remove it.", code=code)


def email_key(email: str) -> str:
    """What tells two e-mail addresses apart: compared after Unicode normalisation and case
    folding (NFKC, casefold, NFKC again), so "Ada@Example.org", "ADA@example.org" and the
    full-width "ＡＤＡ@example.org" are one address."""
    folded = unicodedata.normalize("NFKC", email.strip()).casefold()
    return unicodedata.normalize("NFKC", folded)


# A rate as a person writes it: digits, at most one point with digits after it; "1e2", "+20",
# "20." and other digit systems are not read as numbers.
_PLAIN_RATE = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def plain_rate(text: str) -> Decimal:
    """A tax rate given as input (the settings, an import): a plain decimal such as "20" or
    "8.5" (surrounding spaces aside), then rate_decimal's range and decimals."""
    written = str(text).strip()
    if not _PLAIN_RATE.fullmatch(written):
        raise BadValue('"{text}" is not a tax rate written as a plain number such as 20 or 8.5.',
                       text=str(text)[:MAX_TEXT])
    return rate_decimal(written)


# Document numbers become file names (a PDF per invoice, docs/exchange-format.md): what any file
# system takes as one plain name in the chosen folder, never a path.
MAX_NUMBER = 64
FILE_UNSAFE = set('/\\:*?"<>|')
# Names Windows keeps for devices, whatever the extension ("CON.pdf" is the console).
DEVICE_NAMES = {"CON", "PRN", "AUX", "NUL", *(f"{port}{n}" for port in ("COM", "LPT")
                                                for n in range(1, 10))}


def _escaped(text: str) -> str:
    """Control characters written as \\uXXXX, so a sentence quoting the text prints whole."""
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) == "Cc" else ch
                   for ch in text)


def number_problem(number: str) -> BadValue | None:
    """The sentence for an invoice number that is not safe as a file name, else None: empty,
    longer than MAX_NUMBER, with a path separator or a character a file system refuses, a
    control character, a leading dot (hidden, "." and "..") or a trailing dot or space."""
    if not number.strip():
        return BadValue("An invoice number cannot be empty.")
    if len(number) > MAX_NUMBER:
        return BadValue("An invoice number has at most {count} characters.", count=MAX_NUMBER)
    if control_character(number) is not None or FILE_UNSAFE & set(number):
        return BadValue('"{number}" cannot be an invoice number: it becomes a file name, which '
                        'cannot hold / \\ : * ? " < > | or control characters.',
                        number=_escaped(number))
    if number.startswith(".") or number.endswith((".", " ")) or number != number.strip():
        return BadValue('"{number}" cannot be an invoice number: a file name cannot start with '
                        'a dot or a space, or end with one.', number=number)
    if number.split(".")[0].upper() in DEVICE_NAMES:
        return BadValue('"{number}" cannot be an invoice number: it is the name of a device '
                        'on Windows.', number=number)
    return None
