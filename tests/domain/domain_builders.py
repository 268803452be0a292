"""Small builders for domain tests: plans and contracts with readable defaults."""

from __future__ import annotations

from datetime import date

from desktop.domain.model import Contract, InvoicedSpan, Plan
from desktop.domain.periods import Frequency

MONTH = Frequency("month")


def plan(name="Hot desk", price=30000, frequency=MONTH, **extra) -> Plan:
    return Plan(name, price, frequency, **extra)


def contract(p: Plan | None = None, start=date(2024, 1, 1), anchor=None, next_invoice=None,
             **extra) -> Contract:
    p = p or plan()
    fields = dict(member=1, plan=p, next_plan=p, start_date=start,
                  billing_anchor=anchor or start,
                  next_invoice_date=next_invoice or start, id=1)
    fields.update(extra)
    return Contract(**fields)


def paid(description, start, end, amount, kind="plan") -> InvoicedSpan:
    return InvoicedSpan(kind, description, start, end, amount)
