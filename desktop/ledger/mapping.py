"""Issued invoices and stored wordings between rows and domain values.

`invoice_to_domain` reads an issued invoice (the Invoices tab, its document, the PDFs);
`add_invoice` writes one issued outside a transition; `params_json` stores a wording's raw
parameters (issue 10) and `stored_params` / `stored_transition_wording` read them back.
Contracts, plans and accounts are read in bulk by `desktop.ledger.member_states` and written by
`desktop.ledger.contracts` and `desktop.ledger.day_writes`.
"""

from __future__ import annotations

import json
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.invoicing import line_wording
from desktop.domain.model import Invoice, Line, Message
from desktop.domain.transitions import transition_wording
from desktop.storage.models import InvoiceLineRow, InvoiceRow, SettingsRow


def _db_id(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"The {what} {value!r} is not saved in this database.")
    return value


# Invoices ----------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def params_json(wording: Message | None) -> str | None:
    """A wording's raw parameters as stored (issue 10): a JSON object, None without one
    (remembered: a sweep writes the same few plan names thousands of times)."""
    if wording is None:
        return None
    return json.dumps(dict(wording.params), ensure_ascii=False, sort_keys=True)


def stored_params(text: str | None) -> dict | None:
    """The stored parameters read back; None when absent or unreadable (shown as written)."""
    if not text:
        return None
    try:
        params = json.loads(text)
    except ValueError:
        return None
    return params if isinstance(params, dict) else None


def line_to_domain(row: InvoiceLineRow) -> Line:
    params = stored_params(row.params)
    return Line(kind=row.kind, description=row.description, amount=row.amount,
                contract=row.contract_id, period_start=row.period_start,
                period_end=row.period_end, days=row.days, period_days=row.period_days,
                wording=None if params is None else line_wording(row.kind, params))


def invoice_to_domain(row: InvoiceRow) -> Invoice:
    return Invoice(member=row.member_id, issue_date=row.issue_date,
                   lines=tuple(line_to_domain(line) for line in row.lines),
                   subtotal=row.subtotal, tax=row.tax, total=row.total,
                   credit_applied=row.credit_applied, amount_due=row.amount_due,
                   number=row.number)


def add_invoice(session: Session, invoice: Invoice, number: str) -> InvoiceRow:
    """Add an issued invoice and its lines (in order) under the given number."""
    row = InvoiceRow(
        number=number, member_id=_db_id(invoice.member, "member"), issue_date=invoice.issue_date,
        subtotal=invoice.subtotal, tax=invoice.tax, total=invoice.total,
        credit_applied=invoice.credit_applied, amount_due=invoice.amount_due,
        # Issue 10: the site's locale of the day it is issued, its printed language for good.
        language=session.scalar(select(SettingsRow.locale).where(SettingsRow.id == 1)),
        lines=[InvoiceLineRow(
            position=position, kind=line.kind, description=line.description,
            contract_id=None if line.contract is None else _db_id(line.contract, "contract"),
            period_start=line.period_start, period_end=line.period_end, amount=line.amount,
            days=line.days, period_days=line.period_days, params=params_json(line.wording),
        ) for position, line in enumerate(invoice.lines)],
    )
    session.add(row)
    return row


# Transitions and plan changes --------------------------------------------------------------

def stored_transition_wording(kind: str, params: str | None) -> Message | None:
    """An applied transition's wording from its kind and stored parameters, or None."""
    found = stored_params(params)
    return None if found is None else transition_wording(kind, found)
