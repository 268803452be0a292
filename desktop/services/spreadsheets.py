"""CSV exports for spreadsheets (docs/exchange-format.md `frontdesk csv`): members, contracts,
invoices, invoice lines and payments.

RFC 4180 through the csv module (CRLF line ends, quotes where needed), UTF-8 with a header row,
ISO dates, amounts in major units with a dot. A text cell a spreadsheet would run as a formula
(starting with =, +, -, @, tab or carriage return) is neutralised with a leading apostrophe, as
OWASP's "CSV injection" advice says; the numbers written here are never text, so a credit of
-12.50 stays a number.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain import payments as rules
from desktop.domain.money import to_major
from desktop.services.exchange.export import stored_status
from desktop.services.invoices import paid_of_invoice
from desktop.services.payments import payment_terms
from desktop.storage import models as m

KINDS = ("members", "contracts", "invoices", "invoice-lines", "payments")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """A text cell that no spreadsheet runs as a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _cell(value, currency: str) -> str:
    if value is None:
        return ""
    if isinstance(value, _Amount):
        return str(to_major(value.minor, currency))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return neutralised(str(value))


class _Amount:
    """Minor units to be written in major units."""

    __slots__ = ("minor",)

    def __init__(self, minor: int) -> None:
        self.minor = minor


def _members(session: Session, today: date) -> Iterator[tuple]:
    yield ("email", "name", "company", "phone", "billing_address", "vat_id", "credit_balance",
           "deposit_held", "archived")
    for r in session.execute(select(m.MemberRow.__table__).order_by(m.MemberRow.id)):
        yield (r.email, r.name, r.company, r.phone, r.billing_address, r.vat_id,
               _Amount(r.credit_balance), _Amount(r.deposit_held), bool(r.archived))


def _contracts(session: Session, today: date) -> Iterator[tuple]:
    yield ("id", "member", "plan", "next_plan", "custom_price", "quantity", "start_date",
           "billing_anchor", "next_invoice_date", "cancellation_date", "status")
    plans = dict(session.execute(select(m.PlanRow.id, m.PlanRow.name)).all())
    emails = dict(session.execute(select(m.MemberRow.id, m.MemberRow.email)).all())
    for r in session.execute(select(m.ContractRow.__table__).order_by(m.ContractRow.id)):
        yield (r.id, emails[r.member_id], plans[r.plan_id], plans.get(r.next_plan_id),
               None if r.custom_price is None else _Amount(r.custom_price), r.quantity,
               r.start_date, r.billing_anchor, r.next_invoice_date, r.cancellation_date,
               stored_status(r))


def _invoices(session: Session, today: date) -> Iterator[tuple]:
    yield ("number", "member", "issue_date", "due_date", "subtotal", "tax", "total",
           "credit_applied", "amount_due", "paid", "outstanding", "status")
    terms = payment_terms(session)
    invoice = m.InvoiceRow
    query = (select(invoice.number, m.MemberRow.email, invoice.issue_date, invoice.subtotal,
                    invoice.tax, invoice.total, invoice.credit_applied, invoice.amount_due,
                    paid_of_invoice())
             .join(m.MemberRow, m.MemberRow.id == invoice.member_id).order_by(invoice.id))
    for number, email, issued, subtotal, tax, total, credit, due, paid in session.execute(query):
        due_date = rules.due_date(issued, terms)
        yield (number, email, issued, due_date, _Amount(subtotal), _Amount(tax), _Amount(total),
               _Amount(credit), _Amount(due), _Amount(paid),
               _Amount(rules.outstanding(due, paid)),
               rules.payment_status(due, paid, due_date, today))


def _invoice_lines(session: Session, today: date) -> Iterator[tuple]:
    yield ("invoice", "position", "kind", "description", "contract", "period_start",
           "period_end", "days", "period_days", "amount")
    line = m.InvoiceLineRow
    query = (select(m.InvoiceRow.number, line.position, line.kind, line.description,
                    line.contract_id, line.period_start, line.period_end, line.days,
                    line.period_days, line.amount)
             .join(m.InvoiceRow, m.InvoiceRow.id == line.invoice_id)
             .order_by(line.invoice_id, line.position, line.id))
    for row in session.execute(query):
        yield (*row[:-1], _Amount(row[-1]))


def _payments(session: Session, today: date) -> Iterator[tuple]:
    yield ("date", "member", "invoice", "amount", "method", "reference")
    payment = m.PaymentRow
    numbers: dict[int | None, list[str]] = {}
    for payment_id, number in session.execute(
            select(m.AllocationRow.payment_id, m.InvoiceRow.number)
            .join(m.InvoiceRow, m.InvoiceRow.id == m.AllocationRow.document_id)
            .where(m.AllocationRow.payment_id.is_not(None)).order_by(m.AllocationRow.id)):
        numbers.setdefault(payment_id, []).append(number)
    query = (select(payment.id, payment.date, m.MemberRow.email, payment.amount,
                    payment.method, payment.reference)
             .join(m.MemberRow, m.MemberRow.id == payment.member_id)
             .order_by(payment.date, payment.id))
    for payment_id, day, email, amount, method, reference in session.execute(query):
        yield (day, email, " ".join(numbers.get(payment_id, ())) or None, _Amount(amount),
               method, reference)


_TABLES = {"members": _members, "contracts": _contracts, "invoices": _invoices,
           "invoice-lines": _invoice_lines, "payments": _payments}


def csv_rows(session: Session, kind: str, today: date) -> Iterable[list[str]]:
    """The header and the rows of one kind, as the cells written to the file."""
    if kind not in _TABLES:
        raise ValueError(f'"{kind}" is not something to export; choose one of '
                         f'{", ".join(KINDS)}.')
    settings = session.get(m.SettingsRow, 1)
    currency = settings.currency if settings else m.SETTINGS_DEFAULTS["currency"]
    rows = _TABLES[kind](session, today)
    yield list(next(rows))
    for row in rows:
        yield [_cell(value, currency) for value in row]


def write_csv(db, kind: str, out: IO[str], today: date) -> int:
    """Write one kind as CSV to an open text file (newline=""); returns the rows written."""
    writer = csv.writer(out, lineterminator="\r\n")
    count = -1
    with db.session() as session:
        for row in csv_rows(session, kind, today):
            writer.writerow(row)
            count += 1
    return count
