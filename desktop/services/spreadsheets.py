"""CSV exports for spreadsheets (docs/exchange-format.md `frontdesk csv`): members, contracts,
documents of every type (rules 15, 17, 18), their lines with tax category and rate, payments
with what they allocated and what went to credit, and the allocations themselves (rules 21,
22). `invoices` and `invoice-lines`, the names of older versions, still name the documents and
their lines.

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

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain import payments as rules
from desktop.domain.money import to_major
from desktop.ledger.accounts import allocated_of_document, outstanding_of_document
from desktop.services.exchange.export import stored_status
from desktop.services.payments import payment_terms
from desktop.storage import models as m

KINDS = ("members", "contracts", "documents", "document-lines", "payments", "allocations")
# The kinds' names before documents had types: they name the same tables.
ALIASES = {"invoices": "documents", "invoice-lines": "document-lines"}
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


def _documents(session: Session, today: date) -> Iterator[tuple]:
    yield ("type", "number", "member", "billing_date", "issue_date", "due_date", "subtotal",
           "tax", "total", "credit_applied", "amount_due", "allocated", "outstanding", "status")
    terms = payment_terms(session)
    document = m.InvoiceRow
    query = (select(document.type, document.number, m.MemberRow.email, document.billing_date,
                    document.issue_date, document.due_date, document.subtotal, document.tax,
                    document.total, document.credit_applied, document.amount_due,
                    allocated_of_document(), outstanding_of_document())
             .join(m.MemberRow, m.MemberRow.id == document.member_id).order_by(document.id))
    for (kind, number, email, billed, issued, due_date, subtotal, tax, total, credit, due,
         allocated, outstanding) in session.execute(query):
        due_date = due_date or rules.due_date(issued, terms)
        # What reached it after it was made (rule 21): its allocations less the credit applied
        # when it was made, as the Invoices tab counts it.
        paid = allocated - credit
        yield (kind, number, email, billed or issued, issued, due_date, _Amount(subtotal),
               _Amount(tax), _Amount(total), _Amount(credit), _Amount(due), _Amount(allocated),
               _Amount(outstanding), rules.payment_status(due, paid, due_date, today, total))


def _document_lines(session: Session, today: date) -> Iterator[tuple]:
    yield ("document", "type", "position", "kind", "description", "contract", "period_start",
           "period_end", "days", "period_days", "tax_category", "rate", "amount")
    line = m.InvoiceLineRow
    query = (select(m.InvoiceRow.number, m.InvoiceRow.type, line.position, line.kind,
                    line.description, line.contract_id, line.period_start, line.period_end,
                    line.days, line.period_days, line.tax_category, line.rate, line.amount)
             .join(m.InvoiceRow, m.InvoiceRow.id == line.invoice_id)
             .order_by(line.invoice_id, line.position, line.id))
    for row in session.execute(query):
        # A rate is a percentage written as a decimal ("20", "5.5"): a number in the cell.
        rate = None if row.rate is None else Decimal(row.rate)
        yield (*row[:-2], rate, _Amount(row.amount))


def _payments(session: Session, today: date) -> Iterator[tuple]:
    """Each payment (a refund below zero) with what it allocated to documents and what went
    to the member's credit balance (rule 21; a refund takes it from there)."""
    yield ("id", "date", "member", "amount", "method", "reference", "allocated", "to_credit")
    payment = m.PaymentRow
    allocated = {payment_id: int(total) for payment_id, total in session.execute(
        select(m.AllocationRow.payment_id, func.sum(m.AllocationRow.amount))
        .where(m.AllocationRow.payment_id.is_not(None))
        .group_by(m.AllocationRow.payment_id))}
    query = (select(payment.id, payment.date, m.MemberRow.email, payment.amount,
                    payment.method, payment.reference)
             .join(m.MemberRow, m.MemberRow.id == payment.member_id)
             .order_by(payment.date, payment.id))
    for payment_id, day, email, amount, method, reference in session.execute(query):
        spent = allocated.get(payment_id, 0)
        yield (payment_id, day, email, _Amount(amount), method, reference, _Amount(spent),
               _Amount(amount - spent))


def _allocations(session: Session, today: date) -> Iterator[tuple]:
    """Money put against documents (rules 21, 22): from a payment (its id and date), or from
    the credit balance (method "credit", no payment)."""
    yield ("payment", "payment_date", "document", "member", "method", "amount", "date")
    allocation = m.AllocationRow
    query = (select(allocation.payment_id, m.PaymentRow.date, m.InvoiceRow.number,
                    m.MemberRow.email, allocation.method, allocation.amount, allocation.date)
             .join(m.InvoiceRow, m.InvoiceRow.id == allocation.document_id)
             .join(m.MemberRow, m.MemberRow.id == allocation.member_id)
             .outerjoin(m.PaymentRow, m.PaymentRow.id == allocation.payment_id)
             .order_by(allocation.date, allocation.id))
    for row in session.execute(query):
        yield (*row[:-2], _Amount(row[-2]), row[-1])


_TABLES = {"members": _members, "contracts": _contracts, "documents": _documents,
           "document-lines": _document_lines, "payments": _payments,
           "allocations": _allocations}


def csv_rows(session: Session, kind: str, today: date) -> Iterable[list[str]]:
    """The header and the rows of one kind, as the cells written to the file."""
    kind = ALIASES.get(kind, kind)
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
