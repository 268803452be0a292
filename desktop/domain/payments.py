"""Payments against invoices and refunds of a credit balance (docs/design.md#vocabulary "Payment").

An invoice is paid when its payments reach its amount due, partly paid when some arrived,
unpaid when none did; unpaid or partly paid after its due date (issue date + the site's payment
terms) it is overdue. Amounts are minor units; nothing here reads the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from desktop.domain.limits import MAX_AMOUNT

UNPAID, PARTLY_PAID, PAID, OVERDUE = "unpaid", "partly_paid", "paid", "overdue"
STATUSES = (UNPAID, PARTLY_PAID, PAID, OVERDUE)


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


def payment_status(amount_due: int, paid: int, due: date, today: date) -> str:
    """Unpaid, partly paid or paid; overdue when something is still owed after the due date."""
    if outstanding(amount_due, paid) == 0:
        return PAID
    if today > due:
        return OVERDUE
    return PARTLY_PAID if paid > 0 else UNPAID


def _amount_problem(amount: int, what: str, money) -> str | None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        return f"A {what} is an amount greater than zero."
    if amount > MAX_AMOUNT:
        return f"A {what} can be at most {money(MAX_AMOUNT)}; this amount is too large."
    return None


def payment_problem(amount: int, amount_due: int, paid: int, day: date, issued: date,
                    money, today: date, total: int | None = None) -> tuple[str, str] | None:
    """(field, sentence) when a payment cannot be recorded, else None; `money` formats amounts.

    A payment is more than zero, at most what the invoice still lacks, and dated between the
    invoice's issue date and today (money is recorded once it has arrived). An invoice whose
    `total` is below zero is a credit note: nothing is paid against it.
    """
    if problem := _amount_problem(amount, "payment", money):
        return "amount", problem
    left = outstanding(amount_due, paid)
    if left == 0 and total is not None and total < 0:
        return "amount", (f"This invoice is a credit note: its {money(-total)} went to the "
                          "member's credit balance, so nothing is paid against it; to pay the "
                          "credit out, record a refund.")
    if left == 0:
        return "amount", "This invoice is paid in full; there is nothing left to pay."
    if amount > left:
        return "amount", (f"{money(amount)} is more than the {money(left)} this invoice still "
                          f"lacks; record at most {money(left)}.")
    if day < issued:
        return "date", "A payment cannot be dated before the invoice was issued."
    if day > today:
        return "date", "A payment cannot be dated after today; record it when it arrives."
    return None


def refund_problem(amount: int, credit_balance: int, money) -> tuple[str, str] | None:
    """(field, sentence) when a refund cannot be paid out of the credit balance, else None."""
    if problem := _amount_problem(amount, "refund", money):
        return "amount", problem
    if credit_balance <= 0:
        return "amount", "This member has no credit balance to refund."
    if amount > credit_balance:
        return "amount", (f"{money(amount)} is more than the credit balance of "
                          f"{money(credit_balance)}; refund at most {money(credit_balance)}.")
    return None
