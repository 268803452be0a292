"""Rule 27: which pending charges go on a member's document of a day, and their lines.

A charge waits for the member's next document: the next billing date of one of their
contracts on or after the charge's day, or, for a member with no contract left to invoice, an
invoice of its own on the charge's day. Pure: `apply_day` calls these, so a preview shows the
charges the sweep then bills.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from desktop.domain.model import M_, Charge, Contract, Line, Message

# A charge the allowances took part of says so on its line (issue 10: shown in the reader's
# language, the English kept as the description).
COVERED = M_("{name} × {billed} ({used} used, {covered} from allowances)")


def running(contracts: Iterable[Contract]) -> bool:
    """Whether one of the contracts has a billing date to come (a charge waits for it)."""
    return any(c.next_invoice_date is not None for c in contracts)


def wording(charge: Charge) -> Message | None:
    """The core's wording of a charge line when the allowances took part of it (rule 27)."""
    if not charge.covered:
        return None
    return Message.of(COVERED, name=charge.description, billed=charge.billed_quantity,
                      used=charge.quantity, covered=charge.covered)


def described(charge: Charge) -> str:
    """A charge line's text: the product and the quantity billed (what the allowances took
    said beside it), or the operator's description."""
    if (worded := wording(charge)) is not None:
        return str(worded)
    if charge.product is not None and charge.quantity != 1:
        return f"{charge.description} × {charge.quantity}"
    return charge.description


def charge_line(charge: Charge) -> Line:
    """The line a charge stands on: its own kind, dated the day it was recorded for."""
    return Line(charge.kind, described(charge), charge.amount, None, charge.day, None,
                wording=wording(charge), tax_category=charge.tax_category)


def due_charges(pending: Iterable[Charge], day: date, invoiced: bool,
                contracts_after: Iterable[Contract]) -> tuple[Charge, ...]:
    """The pending charges billed on the day: those recorded for it or earlier, when a
    contract of the member is invoiced that day or none is left to invoice after it."""
    if not invoiced and running(contracts_after):
        return ()
    return tuple(charge for charge in pending if charge.day <= day)


def next_charge_day(pending: Iterable[Charge], contracts: Iterable[Contract]) -> date | None:
    """The day a member without a contract to invoice gets their charges' own invoice: the
    earliest pending charge's day (None while a contract will bill them)."""
    if running(contracts):
        return None
    return min((charge.day for charge in pending), default=None)
