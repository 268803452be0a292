"""Issued invoices and stored wordings between rows and domain values.

`invoice_to_domain` reads an issued invoice (the Invoices tab, its document, the PDFs);
`params_json` stores a wording's raw
parameters (issue 10) and `stored_params` / `stored_transition_wording` read them back.
Contracts, plans and accounts are read in bulk by `desktop.ledger.member_states` and written by
`desktop.ledger.contracts` and `desktop.ledger.day_writes`.
"""

from __future__ import annotations

import json
from functools import lru_cache

from desktop.domain.accounts import tax_groups
from desktop.domain.invoicing import line_wording
from desktop.domain.model import INVOICE, Invoice, Line, Message, evolve
from desktop.domain.money import parse_rate
from desktop.domain.transitions import transition_wording
from desktop.storage.models import InvoiceLineRow, InvoiceRow

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
                wording=None if params is None else line_wording(row.kind, params),
                tax_category=row.tax_category,
                rate=None if row.rate is None else parse_rate(row.rate))


def _credits(text: str | None) -> tuple[str, ...]:
    try:
        found = json.loads(text) if text else []
    except ValueError:
        return ()
    return tuple(str(n) for n in found) if isinstance(found, list) else ()


def invoice_to_domain(row: InvoiceRow) -> Invoice:
    """An issued document as a domain value. Its tax breakdown is its lines' groups (rule 17);
    a document from before lines kept their rates (one rate, one group) shows one group of its
    taxed lines with the tax it was issued with."""
    lines = tuple(line_to_domain(line) for line in row.lines)
    groups = tax_groups(lines)
    if sum(group.tax for group in groups) != row.tax and len(groups) == 1:
        groups = (evolve(groups[0], tax=row.tax),)
    return Invoice(member=row.member_id, issue_date=row.issue_date, lines=lines,
                   subtotal=row.subtotal, tax=row.tax, total=row.total,
                   credit_applied=row.credit_applied, amount_due=row.amount_due,
                   number=row.number, type=row.type or INVOICE,
                   billing_date=row.billing_date, due_date=row.due_date, tax_groups=groups,
                   credits=_credits(row.credits))


# Transitions and plan changes --------------------------------------------------------------

def stored_transition_wording(kind: str, params: str | None) -> Message | None:
    """An applied transition's wording from its kind and stored parameters, or None."""
    found = stored_params(params)
    return None if found is None else transition_wording(kind, found)
