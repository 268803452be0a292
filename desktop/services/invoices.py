"""Issued invoices, read back for the invoice view (rule 17: never edited once written)."""

from __future__ import annotations

from desktop.domain.model import Invoice
from desktop.services.errors import NotFound
from desktop.storage import models as m
from desktop.storage.mapping import invoice_to_domain


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
