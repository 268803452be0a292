"""Issued documents, read back for the document view and the Invoices tab (rule 17: never
edited once written), with where each stands with its allocations (rule 21) and totals that
reconcile (rule 23)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, exists, func, select

from desktop.domain import payments as rules
from desktop.domain.accounts import CREDITING, PAYABLE
from desktop.domain.model import Invoice
from desktop.i18n import _
from desktop.ledger.accounts import allocated_of_document, outstanding_of_document
from desktop.ledger.mapping import invoice_to_domain
from desktop.services.errors import NotFound
from desktop.services.payments import payment_terms
from desktop.storage import models as m

# Rule 29: documents whose own message has not left yet, and those with a message that failed.
NOT_SENT, MAIL_FAILED = "not_sent", "mail_failed"
FILTERS = ("all",) + rules.STATUSES + (NOT_SENT, MAIL_FAILED)
TYPE_FILTERS = ("all", "invoice", "credit_note", "deposit_request", "deposit_return")


def paid_of_invoice():
    """SQL: what reached the documents row after it was made (payments and later credit)."""
    return allocated_of_document() - m.InvoiceRow.credit_applied


def lacking_of_invoice():
    """SQL: what the documents row still lacks (0 for a credit note or a deposit return)."""
    return outstanding_of_document()


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
    type: str = "invoice"
    due_date: date | None = None


@dataclass(frozen=True)
class InvoiceTotals:
    """The Invoices tab's totals over every document the filter selects (not only those
    shown), rule 23's way: invoiced − credited = allocated + outstanding, where allocated is
    what payments and credit paid of the documents."""

    count: int = 0
    issued: int = 0
    paid: int = 0
    outstanding: int = 0
    overdue: int = 0
    credited: int = 0

    @property
    def invoiced(self) -> int:
        return self.issued

    @property
    def reconciles(self) -> bool:
        """Invoiced − paid = outstanding, as the tab says it in words (rule 23)."""
        return self.issued - self.paid == self.outstanding


def _status_condition(status: str, today: date, terms: int):
    """SQL for the invoices of one payment status (the domain's payment_status in SQL)."""
    paid, lacking = paid_of_invoice(), lacking_of_invoice()
    # Overdue: still lacking after the due date, issue date + terms < today.
    late = _late(today)
    # The filters overlap as people chase money: "unpaid" is everything still lacking (late or
    # not, partly paid or not), "partly paid" whatever has received something and still lacks.
    payable = m.InvoiceRow.type.in_(PAYABLE)
    conditions = {
        rules.CREDITED: m.InvoiceRow.type.in_(CREDITING),
        rules.PAID: and_(payable, lacking == 0),
        rules.OVERDUE: and_(lacking > 0, late),
        rules.PARTLY_PAID: and_(lacking > 0, paid > 0),
        rules.UNPAID: lacking > 0,
        NOT_SENT: _with_message(m.OutboxRow.level == 0,
                                m.OutboxRow.status.in_(("waiting", "sending", "failed"))),
        MAIL_FAILED: _with_message(m.OutboxRow.status == "failed"),
    }
    if status not in conditions:
        raise ValueError(f'Unknown status filter "{status}": use one of {", ".join(FILTERS)}.')
    return conditions[status]


def _with_message(*conditions):
    """SQL: the document has an outbox message meeting the conditions (rule 29)."""
    return exists().where(m.OutboxRow.document_id == m.InvoiceRow.id, *conditions)


def _late(today: date):
    """SQL: the document's due date has passed (migration 0008 gave every older row one)."""
    return m.InvoiceRow.due_date < today


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
               start: date | None = None, end: date | None = None, kind: str = "all",
               member_id: int | None = None) -> list[InvoiceSummary]:
        """The most recently issued documents first (by issue order, which the primary key
        keeps), of one payment status and type, of one member, issued in [start, end) when
        given."""
        invoice, member = m.InvoiceRow, m.MemberRow
        today = self.clock.today()
        with self.db.session() as session:
            terms = payment_terms(session)
            paid = paid_of_invoice()
            query = (select(invoice.id, invoice.number, invoice.issue_date, invoice.total,
                            invoice.amount_due, member.id, member.name, paid, invoice.type,
                            invoice.due_date)
                     .join(member, member.id == invoice.member_id))
            query = self._filtered(query, status, start, end, today, terms, kind, member_id)
            query = query.order_by(invoice.id.desc()).offset(offset).limit(limit)
            return [InvoiceSummary(
                        invoice_id, number, issued, total, due, member_no, name, paid_now,
                        rules.payment_status(due, paid_now,
                                             due_on or rules.due_date(issued, terms), today,
                                             total),
                        kind_of, due_on)
                    for (invoice_id, number, issued, total, due, member_no, name, paid_now,
                         kind_of, due_on) in session.execute(query)]

    def totals(self, *, status: str = "all", start: date | None = None,
               end: date | None = None, kind: str = "all",
               member_id: int | None = None) -> InvoiceTotals:
        """Over every document of the filter (rule 23): invoiced (invoices and deposit
        requests), credited (credit notes and deposit returns), allocated to them, still
        outstanding, and of that overdue."""
        invoice = m.InvoiceRow
        today = self.clock.today()
        with self.db.session() as session:
            terms = payment_terms(session)
            lacking = lacking_of_invoice()
            payable = invoice.type.in_(PAYABLE)
            late = _late(today)
            query = select(func.count(invoice.id),
                           func.coalesce(func.sum(case((payable, invoice.total), else_=0)), 0),
                           func.coalesce(func.sum(case((payable, allocated_of_document()),
                                                       else_=0)), 0),
                           func.coalesce(func.sum(lacking), 0),
                           func.coalesce(func.sum(case((late, lacking), else_=0)), 0),
                           func.coalesce(func.sum(case((payable, 0), else_=-invoice.total)), 0))
            query = self._filtered(query, status, start, end, today, terms, kind, member_id)
            return InvoiceTotals(*(int(value) for value in session.execute(query).one()))

    @staticmethod
    def _filtered(query, status: str, start: date | None, end: date | None, today: date,
                  terms: int, kind: str = "all", member_id: int | None = None):
        if kind != "all":
            if kind not in TYPE_FILTERS:
                raise ValueError(f'Unknown document type "{kind}".')
            query = query.where(m.InvoiceRow.type == kind)
        if member_id is not None:
            query = query.where(m.InvoiceRow.member_id == member_id)
        if status != "all":
            query = query.where(_status_condition(status, today, terms))
        if start is not None:
            query = query.where(m.InvoiceRow.issue_date >= start)
        if end is not None:
            query = query.where(m.InvoiceRow.issue_date < end)
        return query


