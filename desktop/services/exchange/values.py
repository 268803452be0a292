"""Reading values out of a frontdesk document, each problem kept with its place.

A value that cannot be used is reported (`contracts[3].cancellation_date: "2024-02-30" is not a
date.`) and replaced by BAD, so the rest of the document is still checked and a record built
from a BAD value is left out without being reported twice.
"""

from __future__ import annotations

import json
import re
from datetime import date

from desktop.domain.limits import (
    MAX_AMOUNT,
    MAX_QUANTITY,
    control_character,
    parse_day,
    text_problem,
)
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


SHOWN_CHARACTERS = 60  # of a value quoted in a problem
MAX_DEPTH = 16  # a document nests about six levels deep


def shown(value) -> str:
    """A value as the document writes it, shortened, on one line, without lone surrogates."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = type(value).__name__
    if len(text) > SHOWN_CHARACTERS:
        text = text[:SHOWN_CHARACTERS] + "…"
    return one_line(text)


def one_line(text: str) -> str:
    """Control characters written as escapes (a newline in a key must not split a problem over
    two lines) and lone surrogates as \\udXXX, so any problem can be printed."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(ch if ch >= " " and ch != "\x7f" else ch.encode("unicode_escape").decode()
                   for ch in text)


# What the audit recorded as it was (rule 20): an old value written before control characters
# were refused (issue 19) moves as it is, or such a site could never move; only a NUL, which no
# server stores, is refused.
_RECORDED = re.compile(r"history\[\d+\]\.(old|new)")


def unwritable_text(doc) -> list[str]:
    """Places of text no database can store (lone surrogates), of control characters other
    than tabs and line breaks (issue 19: a NUL is refused by a server, the rest garble what is
    shown; one-line fields refuse tabs and line breaks too, Reader.text) and of nesting too deep
    to be a document; looked at without recursion, so no document can exhaust the stack."""
    found, stack = [], [(doc, "", 0)]
    while stack:
        value, place, depth = stack.pop()
        if depth > MAX_DEPTH:
            found.append(f"{place or 'The document'}: is nested too deeply for this format.")
            continue
        if isinstance(value, str) and not _encodable(value):
            found.append(f"{place}: is not valid text (it holds a lone surrogate).")
        elif isinstance(value, str) and _RECORDED.fullmatch(place):
            if "\x00" in value:
                found.append(f"{place}: {text_problem(chr(0))}")
        elif isinstance(value, str) and (ch := control_character(value, multiline=True)):
            found.append(f"{place}: {text_problem(ch)}")
        elif isinstance(value, dict):
            for key, item in value.items():
                where = f"{place}.{one_line(str(key))}" if place else one_line(str(key))
                if isinstance(key, str) and not _encodable(key):
                    found.append(f"{where}: the name is not valid text (a lone surrogate).")
                stack.append((item, where, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{place}[{i}]", depth + 1) for i, item in enumerate(value))
    return sorted(found)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Reader:
    """Reads values out of the document, collecting every problem with its place."""

    def __init__(self, version: int = 2) -> None:
        self.problems: list[str] = []
        self.version = version  # of the format: the fields a record may hold

    def problem(self, place: str, message: str) -> object:
        place = one_line(place)
        self.problems.append(one_line(f"{place}: {message}" if place else message))
        return BAD

    def record(self, value, place: str, required: tuple[str, ...], optional: dict,
               added: dict | None = None) -> dict | None:
        """An object with its required keys and the optional ones (defaults filled in).

        `added`: the optional fields frontdesk/2 added, with the default an older document
        gets; a frontdesk/1 document naming one is told it is not a field of its format.
        """
        if not isinstance(value, dict):
            self.problem(place, f"{shown(value)} is not an object.")
            return None
        known = set(required) | set(optional)
        if self.version >= 2:
            known |= set(added or {})
        optional = {**optional, **(added or {})}
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

    def text(self, value, place: str, *, required: bool = False, nullable: bool = False,
             multiline: bool = False, recorded: bool = False):
        """Text; one line unless multiline (notes, addresses: tabs and line breaks kept), and
        never a control character (issue 19) unless recorded: an audit value kept as it was,
        where only a NUL is refused (see _RECORDED)."""
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            return self.problem(place, f"{shown(value)} is not text.")
        if recorded:
            if "\x00" in value:
                return self.problem(place, str(text_problem(chr(0))))
        elif (bad := text_problem(value, multiline=multiline)) is not None:
            return self.problem(place, str(bad))
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
