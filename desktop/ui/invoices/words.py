"""Document types and payment statuses in the reader's words (rules 17, 21): a credit note or a
deposit return is "Credited", never "Paid"; a list says which type each document is."""

from __future__ import annotations

from typing import Any

from desktop.documents.invoice_layout import status_text
from desktop.domain import payments as rules
from desktop.domain.model import CREDIT_NOTE, DEPOSIT_REQUEST, DEPOSIT_RETURN, INVOICE
from desktop.i18n import _, gettext


def type_text(kind: str) -> str:
    """A document's type as a list shows it."""
    return {INVOICE: _("Invoice"), CREDIT_NOTE: _("Credit note"),
            DEPOSIT_REQUEST: _("Deposit request"),
            DEPOSIT_RETURN: _("Deposit return")}.get(kind, kind)


def type_filters() -> list[tuple[str, str]]:
    """The Invoices tab's type filter: every type, or one."""
    return [("all", _("All types")), (INVOICE, _("Invoices")), (CREDIT_NOTE, _("Credit notes")),
            (DEPOSIT_REQUEST, _("Deposit requests")), (DEPOSIT_RETURN, _("Deposit returns"))]


def status_word(row: Any) -> str:
    """A document's payment status; what credits the member is "Credited" whatever it says."""
    status = getattr(row, "status", "")
    if status == rules.CREDITED or getattr(row, "total", 0) < 0:
        return _("Credited")
    if status == rules.OVERDUE and getattr(row, "paid", 0) > 0:
        return _("Overdue, partly paid")
    return status_text(status, gettext)
