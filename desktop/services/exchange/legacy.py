"""A frontdesk/1 document's invoices and payments as documents and allocations (rules 15, 17,
18, 21; docs/exchange-format.md), the conversion migration 0008 makes of a database written
before them (desktop/storage/migrations/versions/0008_accounts.py), so that a document and a
database of the same age arrive the same.

- An invoice whose lines are all deposits is a deposit request (a deposit return when below
  zero); any other below zero is a credit note; the rest are invoices. Its one date is its
  billing and issue date, its due date the issue date plus the site's payment terms.
- Deposit lines are outside VAT; every other line is of the standard category at the site's
  rate, the only rate older versions knew.
- A payment of an invoice is allocated to it whole; the credit an invoice took when it was
  issued is an allocation of credit on its issue date.

A frontdesk/2 document written before documents had types (it holds `invoices`, not
`documents`) is read the same way.
"""

from __future__ import annotations

from datetime import timedelta

from desktop.domain.model import (
    CREDIT_NOTE,
    DEPOSIT_REQUEST,
    DEPOSIT_RETURN,
    INVOICE,
    STANDARD,
)

DEPOSIT_KINDS = ("deposit", "deposit_refund")


def document_type(total: int, kinds: set[str]) -> str:
    """Migration 0008's reading of an older invoice's type from its total and its lines."""
    if kinds and kinds <= set(DEPOSIT_KINDS):
        return DEPOSIT_RETURN if total < 0 else DEPOSIT_REQUEST
    return CREDIT_NOTE if total < 0 else INVOICE


def as_documents(invoices: list[tuple[dict, list[dict]]], tax_rate: str,
                 payment_terms: int) -> list[tuple[dict, list[dict]]]:
    """The invoices read from an older document as documents of the types they stand for."""
    documents = []
    for values, lines in invoices:
        kind = document_type(values["total"], {line["kind"] for line in lines})
        documents.append((
            dict(values, type=kind, billing_date=values["issue_date"],
                 due_date=values["issue_date"] + timedelta(days=payment_terms), credits=[]),
            [dict(line, tax_category=None, rate=None) if line["kind"] in DEPOSIT_KINDS
             else dict(line, tax_category=STANDARD, rate=tax_rate) for line in lines]))
    return documents


def as_allocated(payments: list[dict]) -> list[dict]:
    """Payments of an invoice as payments allocated to it whole; refunds pay nothing."""
    return [dict({k: v for k, v in p.items() if k != "invoice"},
                 allocations=[] if p["invoice"] is None else [(p["invoice"], p["amount"])])
            for p in payments]


def credit_applied(documents: list[tuple[dict, list[dict]]]) -> list[dict]:
    """The credit each invoice took when it was issued, as allocations of credit."""
    return [dict(document=values["number"], date=values["issue_date"],
                 amount=values["credit_applied"], member=values["member"])
            for values, _lines in documents if values["credit_applied"] > 0]
