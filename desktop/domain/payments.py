"""Payments, allocations and refunds of a credit balance (rules 21, 22; docs/design.md
#vocabulary "Payment").

A document is paid when its allocations reach its total, partly paid when some arrived, unpaid
when none did; unpaid or partly paid after its due date (issue date + the site's payment terms)
it is overdue. A credit note or a deposit return is never paid: it is "credited". Amounts are
minor units; nothing here reads the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from desktop.domain.limits import MAX_AMOUNT
from desktop.domain.model import M_, Message

UNPAID, PARTLY_PAID, PAID, OVERDUE = "unpaid", "partly_paid", "paid", "overdue"
CREDITED = "credited"
STATUSES = (UNPAID, PARTLY_PAID, PAID, OVERDUE, CREDITED)


@dataclass(frozen=True)
class Payment:
    """Money received against an invoice (amount > 0) or a refund paid out (amount < 0)."""

    date: date
    amount: int
    method: str = ""
    reference: str = ""
    invoice: str | None = None
    id: int | None = None


def due_date(issue_date: date, payment_terms: int) -> date:
    return issue_date + timedelta(days=payment_terms)


def outstanding(amount_due: int, paid: int) -> int:
    """What the invoice still lacks; never below zero."""
    return max(amount_due - paid, 0)


def payment_status(amount_due: int, paid: int, due: date, today: date,
                   total: int | None = None) -> str:
    """Unpaid, partly paid or paid; overdue when something is still owed after the due date;
    credited for a document whose total is below zero (a credit note, a deposit return)."""
    if total is not None and total < 0:
        return CREDITED
    if outstanding(amount_due, paid) == 0:
        return PAID
    if today > due:
        return OVERDUE
    return PARTLY_PAID if paid > 0 else UNPAID


PAYMENT_NOT_POSITIVE = M_("A payment is an amount greater than zero.")
REFUND_NOT_POSITIVE = M_("A refund is an amount greater than zero.")
PAYMENT_TOO_LARGE = M_("A payment can be at most {limit}; this amount is too large.")
REFUND_TOO_LARGE = M_("A refund can be at most {limit}; this amount is too large.")
NOTHING_AGAINST_CREDIT = M_("{number} is a credit note: its {amount} went to the member's "
                            "credit balance, so nothing is paid against it.")
DATED_BEFORE_ISSUE = M_("A payment cannot be dated before {number} was issued.")
DATED_AFTER_TODAY = M_("A payment cannot be dated after today; record it when it arrives.")
NO_CREDIT = M_("This member has no credit balance to refund.")
CREDIT_WENT_TO_DOCUMENTS = M_("The member's credit of {offset} paid their open documents; "
                              "nothing is left to refund.")
REFUND_MORE_THAN_LEFT = M_("{amount} is more than the credit balance of {balance} left after "
                           "{offset} paid the member's open documents; refund at most "
                           "{balance}.")
REFUND_MORE_THAN_HELD = M_("{amount} is more than the credit balance of {balance}; refund at "
                           "most {balance}.")
SHARE_NOT_POSITIVE = M_("The amount put against {number} must be more than zero.")
SHARE_TOO_LARGE = M_("{amount} is more than the {lacking} {number} still lacks; put at most "
                     "{lacking} against it.")
SHARES_TOO_LARGE = M_("The amounts put against documents add up to more than the {amount} "
                      "received.")


def _amount_problem(amount: int, refund: bool, money) -> Message | None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        return Message.of(REFUND_NOT_POSITIVE if refund else PAYMENT_NOT_POSITIVE)
    if amount > MAX_AMOUNT:
        return Message.of(REFUND_TOO_LARGE if refund else PAYMENT_TOO_LARGE,
                          limit=money(MAX_AMOUNT))
    return None


def payment_problem(amount: int, day: date, money, today: date,
                    document: tuple[str, date, int] | None = None) -> tuple[str, Message] | None:
    """(field, sentence) when a payment cannot be recorded, else None; `money` formats amounts.

    A payment is more than zero and dated no later than today (money is recorded once it has
    arrived). Recorded against one document (number, issue date, total), it is dated on or
    after the document's issue and that document is not a credit note; what the document does
    not need goes to the member's other open documents, then to credit (rule 21).
    """
    if problem := _amount_problem(amount, False, money):
        return "amount", problem
    if document is not None:
        number, issued, total = document
        if total < 0:
            return "amount", Message.of(NOTHING_AGAINST_CREDIT, number=number,
                                        amount=money(-total))
        if day < issued:
            return "date", Message.of(DATED_BEFORE_ISSUE, number=number)
    if day > today:
        return "date", Message.of(DATED_AFTER_TODAY)
    return None


def refund_problem(amount: int, credit_balance: int, money,
                   offset: int = 0) -> tuple[str, Message] | None:
    """(field, sentence) when a refund cannot be paid out of the credit balance left after
    offsetting (rule 22: `offset` went to the member's open documents first), else None."""
    if problem := _amount_problem(amount, True, money):
        return "amount", problem
    if credit_balance <= 0:
        return "amount", (Message.of(CREDIT_WENT_TO_DOCUMENTS, offset=money(offset)) if offset
                          else Message.of(NO_CREDIT))
    if amount > credit_balance and offset:
        return "amount", Message.of(REFUND_MORE_THAN_LEFT, amount=money(amount),
                                    balance=money(credit_balance), offset=money(offset))
    if amount > credit_balance:
        return "amount", Message.of(REFUND_MORE_THAN_HELD, amount=money(amount),
                                    balance=money(credit_balance))
    return None


def allocation_problem(amount: int, chosen: list[tuple[str, int, int]],
                       money) -> tuple[str, Message] | None:
    """(field, sentence) when a payment's chosen allocations cannot be kept (rule 21): each is
    more than zero and at most what its document lacks, and together at most the payment.
    `chosen` is (document number, amount, what it lacks)."""
    for number, share, lacking in chosen:
        if share <= 0:
            return "allocations", Message.of(SHARE_NOT_POSITIVE, number=number)
        if share > lacking:
            return "allocations", Message.of(SHARE_TOO_LARGE, amount=money(share),
                                             lacking=money(lacking), number=number)
    if sum(share for _, share, _ in chosen) > amount:
        return "allocations", Message.of(SHARES_TOO_LARGE, amount=money(amount))
    return None
