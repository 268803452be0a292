"""Issued invoices, read back for the invoice view (rule 17: never edited once written)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from desktop.domain.model import Invoice
from desktop.services.errors import NotFound
from desktop.storage import models as m
from desktop.storage.mapping import invoice_to_domain


@dataclass(frozen=True)
class InvoiceSummary:
    """An issued invoice in a list, with whom it was issued to."""

    id: int
    number: str
    issue_date: date
    total: int
    amount_due: int
    member_id: int
    member_name: str


class InvoiceService:
    def __init__(self, db, clock) -> None:
        self.db = db
        self.clock = clock

    def get(self, invoice_id: int) -> Invoice:
        """The invoice with its number and lines, in the order they were issued."""
        with self.db.session() as session:
            row = session.get(m.InvoiceRow, invoice_id)
            if row is None:
                raise NotFound("This invoice does not exist.")
            return invoice_to_domain(row)

    def recent(self, limit: int = 200, offset: int = 0) -> list[InvoiceSummary]:
        """The most recently issued invoices first (by issue order, which the primary key keeps)."""
        invoice, member = m.InvoiceRow, m.MemberRow
        query = (select(invoice.id, invoice.number, invoice.issue_date, invoice.total,
                        invoice.amount_due, member.id, member.name)
                 .join(member, member.id == invoice.member_id)
                 .order_by(invoice.id.desc()).offset(offset).limit(limit))
        with self.db.session() as session:
            return [InvoiceSummary(*row) for row in session.execute(query)]
