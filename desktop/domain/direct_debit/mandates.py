"""A member's SEPA Core mandate and the site's creditor identifier (rule 30).

A mandate has a reference of at most 35 characters of the SEPA character set (unique across
the site), the day the debtor signed it, the debtor's name and the IBAN debited. It is active
or revoked; an active mandate unused for 36 months lapses (the SEPA rulebook: a creditor may not
collect on it again without a new one). It is counted from its last collection, or from its
signature when it never collected. The first collection on a mandate is FRST, every later one
RCUR. Nothing here reads the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from desktop.domain.model import M_, Message, Problem

ACTIVE, REVOKED = "active", "revoked"
STATUSES = (ACTIVE, REVOKED)
FIRST, RECURRING = "FRST", "RCUR"
REFERENCE_LIMIT = 35
DEBTOR_LIMIT = 70  # what a pain.008 file carries of a name
LAPSE_MONTHS = 36
# The SEPA character set of identifiers (EPC217-08): Latin letters, digits and / - ? : ( ) . , ' +
# and the space; a reference never starts or ends with "/" nor holds "//".
_REFERENCE = re.compile(r"[A-Za-z0-9/\-?:().,'+ ]+")

NO_REFERENCE = M_("A mandate needs its reference.")
REFERENCE_TOO_LONG = M_("A mandate reference is at most 35 characters; {reference} has "
                        "{length}.")
REFERENCE_CHARACTERS = M_("A mandate reference holds only letters A to Z, digits, spaces and "
                          "/ - ? : ( ) . , ' +, and no // nor a / at either end.")
REFERENCE_TAKEN = M_("The mandate reference {reference} is already another member's.")
NO_SIGNATURE = M_("A mandate needs the day it was signed.")
SIGNED_LATER = M_("A mandate cannot be signed after today ({today}).")
NO_DEBTOR = M_("A mandate needs the debtor's name, as on their bank account.")
DEBTOR_TOO_LONG = M_("The debtor's name is at most 70 characters.")
NO_IBAN = M_("A mandate needs the IBAN it debits.")
BAD_IBAN = M_("{iban} is not a valid IBAN: check the country code and the digits.")
BAD_STATUS = M_("A mandate is active or revoked.")
BAD_CREDITOR_ID = M_("{creditor_id} is not a valid SEPA creditor identifier: check its country "
                     "letters and check digits.")


@dataclass(frozen=True)
class Mandate:
    """A SEPA Core mandate as the rules see it; `last_collected` is the day of its newest
    collection (None: it never collected)."""

    reference: str
    signed: date
    debtor: str
    iban: str
    status: str = ACTIVE
    last_collected: date | None = None


def compact_iban(text: str) -> str:
    """The IBAN without spaces, in capitals (as a bank file carries it)."""
    return "".join((text or "").split()).upper()


def iban_problem(text: str) -> Message | None:
    """Why an IBAN fails its check digits, or None when it is valid."""
    from stdnum import iban
    from stdnum.exceptions import ValidationError

    try:
        iban.validate(compact_iban(text))
    except ValidationError:
        return Message.of(BAD_IBAN, iban=text.strip()[:40])
    return None


def reference_problem(reference: str) -> Message | None:
    if not reference:
        return Message.of(NO_REFERENCE)
    if len(reference) > REFERENCE_LIMIT:
        return Message.of(REFERENCE_TOO_LONG, reference=reference[:40], length=len(reference))
    if (not _REFERENCE.fullmatch(reference) or "//" in reference
            or reference.startswith("/") or reference.endswith("/")):
        return Message.of(REFERENCE_CHARACTERS)
    return None


def mandate_problems(mandate: Mandate, today: date, *,
                     taken: bool = False) -> list[Problem]:
    """Every problem of a mandate, each with its field (`taken`: its reference is another
    member's). Text is checked as given: the service strips it first."""
    problems = []
    if (problem := reference_problem(mandate.reference)) is not None:
        problems.append(Problem("reference", problem))
    elif taken:
        problems.append(Problem("reference",
                                Message.of(REFERENCE_TAKEN, reference=mandate.reference)))
    if mandate.signed is None:
        problems.append(Problem("signed", Message.of(NO_SIGNATURE)))
    elif mandate.signed > today:
        problems.append(Problem("signed", Message.of(SIGNED_LATER, today=today)))
    if not mandate.debtor:
        problems.append(Problem("debtor", Message.of(NO_DEBTOR)))
    elif len(mandate.debtor) > DEBTOR_LIMIT:
        problems.append(Problem("debtor", Message.of(DEBTOR_TOO_LONG)))
    if not mandate.iban:
        problems.append(Problem("iban", Message.of(NO_IBAN)))
    elif (problem := iban_problem(mandate.iban)) is not None:
        problems.append(Problem("iban", problem))
    if mandate.status not in STATUSES:
        problems.append(Problem("status", Message.of(BAD_STATUS)))
    return problems


def lapses_on(mandate: Mandate) -> date:
    """The day an unused mandate lapses: 36 months after its last collection (or signature)."""
    since = mandate.last_collected or mandate.signed
    months = since.month - 1 + LAPSE_MONTHS
    year, month = since.year + months // 12, months % 12 + 1
    last_day = [31, 29 if _leap(year) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return date(year, month, min(since.day, last_day))


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def lapsed(mandate: Mandate, day: date) -> bool:
    return day >= lapses_on(mandate)


def usable(mandate: Mandate | None, day: date) -> bool:
    """Whether a collection may be made on the mandate on that day: active and not lapsed."""
    return mandate is not None and mandate.status == ACTIVE and not lapsed(mandate, day)


def sequence(mandate: Mandate) -> str:
    """FRST for a mandate's first collection, RCUR for every later one."""
    return FIRST if mandate.last_collected is None else RECURRING


def creditor_id_problem(text: str) -> Message | None:
    """Why a SEPA creditor identifier (AT-02) fails its check, or None; empty is allowed (the
    site collects nothing then)."""
    from stdnum.eu import at_02
    from stdnum.exceptions import ValidationError

    if not (text or "").strip():
        return None
    try:
        at_02.validate(text)
    except ValidationError:
        return Message.of(BAD_CREDITOR_ID, creditor_id=text.strip()[:40])
    return None


def compact_creditor_id(text: str) -> str:
    from stdnum.eu import at_02

    return at_02.compact(text) if (text or "").strip() else ""
