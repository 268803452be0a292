"""Issued invoices, read back for the invoice view and the Invoices tab (rule 17: never edited
once written), with where each stands with its payments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, func, select

from desktop.domain import payments as rules
from desktop.domain.model import Invoice
from desktop.i18n import _
from desktop.ledger.mapping import invoice_to_domain
from desktop.services.errors import NotFound
from desktop.services.payments import lacking_of_invoice, paid_of_invoice, payment_terms
from desktop.storage import models as m

FILTERS = ("all",) + rules.STATUSES


@dataclass(frozen=True)
class InvoiceSummary:
    """An issued invoice in a list, with whom it was issued to and what has been paid."""

    id: int
    number: str
    issue_date: date
    total: int
    amount_due: int
    member_id: int
    member_name: str
    paid: int = 0
    status: str = ""


@dataclass(frozen=True)
class InvoiceTotals:
    """The Invoices tab's totals over every invoice the filter selects (not only those shown)."""

    count: int = 0
    issued: int = 0
    paid: int = 0
    outstanding: int = 0
    overdue: int = 0


def _status_condition(status: str, today: date, terms: int):
    """SQL for the invoices of one payment status (the domain's payment_status in SQL)."""
    paid, lacking = paid_of_invoice(), lacking_of_invoice()
    # Overdue: still lacking after the due date, issue date + terms < today.
    late = m.InvoiceRow.issue_date < today - timedelta(days=terms)
    # The filters overlap as people chase money: "unpaid" is everything still lacking (late or
    # not, partly paid or not), "partly paid" whatever has received something and still lacks.
    conditions = {
        rules.PAID: lacking == 0,
        rules.OVERDUE: and_(lacking > 0, late),
        rules.PARTLY_PAID: and_(lacking > 0, paid > 0),
        rules.UNPAID: lacking > 0,
    }
    if status not in conditions:
        raise ValueError(f'Unknown status filter "{status}": use one of {", ".join(FILTERS)}.')
    return conditions[status]


class InvoiceService:
    def __init__(self, db, clock) -> None:
        self.db = db
        self.clock = clock

    def get(self, invoice_id: int) -> Invoice:
        """The invoice with its number and lines, in the order they were issued."""
        with self.db.session() as session:
            row = session.get(m.InvoiceRow, invoice_id)
            if row is None:
                raise NotFound(_("This invoice does not exist."))
            return invoice_to_domain(row)

    def recent(self, limit: int = 200, offset: int = 0, *, status: str = "all",
               start: date | None = None, end: date | None = None) -> list[InvoiceSummary]:
        """The most recently issued invoices first (by issue order, which the primary key
        keeps), of one payment status and issued in [start, end) when given."""
        invoice, member = m.InvoiceRow, m.MemberRow
        today = self.clock.today()
        with self.db.session() as session:
            terms = payment_terms(session)
            paid = paid_of_invoice()
            query = (select(invoice.id, invoice.number, invoice.issue_date, invoice.total,
                            invoice.amount_due, member.id, member.name, paid)
                     .join(member, member.id == invoice.member_id))
            query = self._filtered(query, status, start, end, today, terms)
            query = query.order_by(invoice.id.desc()).offset(offset).limit(limit)
            return [InvoiceSummary(
                        invoice_id, number, issued, total, due, member_id, name, paid_now,
                        rules.payment_status(due, paid_now, rules.due_date(issued, terms), today))
                    for invoice_id, number, issued, total, due, member_id, name, paid_now
                    in session.execute(query)]

    def totals(self, *, status: str = "all", start: date | None = None,
               end: date | None = None) -> InvoiceTotals:
        """Issued (totals), paid, outstanding and overdue over every invoice of the filter."""
        invoice = m.InvoiceRow
        today = self.clock.today()
        with self.db.session() as session:
            terms = payment_terms(session)
            lacking = lacking_of_invoice()
            late = invoice.issue_date < today - timedelta(days=terms)
            query = select(func.count(invoice.id), func.coalesce(func.sum(invoice.total), 0),
                           func.coalesce(func.sum(paid_of_invoice()), 0),
                           func.coalesce(func.sum(lacking), 0),
                           func.coalesce(func.sum(case((late, lacking), else_=0)), 0))
            query = self._filtered(query, status, start, end, today, terms)
            return InvoiceTotals(*(int(value) for value in session.execute(query).one()))

    @staticmethod
    def _filtered(query, status: str, start: date | None, end: date | None, today: date,
                  terms: int):
        if status != "all":
            query = query.where(_status_condition(status, today, terms))
        if start is not None:
            query = query.where(m.InvoiceRow.issue_date >= start)
        if end is not None:
            query = query.where(m.InvoiceRow.issue_date < end)
        return query


