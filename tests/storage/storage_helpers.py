"""Helpers shared by the storage tests: a small catalog, a member, a statement counter."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import event

from desktop.domain.model import ADDON, Plan
from desktop.domain.periods import Frequency
from desktop.storage.models import MemberRow, PlanAllowanceRow, PlanRow

NOW = datetime(2024, 3, 5, 9, 30, 0)
JAN1, FEB1, MAR1, APR1 = date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1), date(2024, 4, 1)


def add_member(session, email: str = "ada@example.org", name: str = "Ada Lovelace") -> MemberRow:
    member = MemberRow(email=email, name=name, company="Analytical Engines Ltd")
    session.add(member)
    session.flush()
    return member


def add_catalog(session) -> dict[str, Plan]:
    """Two add-ons and two plans offering them, as domain plans carrying their ids."""
    plans = [
        Plan("Locker", 2500, Frequency("month"), kind=ADDON, allowances={"Lockers": 1}),
        Plan("Mail handling", 1000, None, kind=ADDON),
        Plan("Hot desk", 20000, Frequency("month"), deposit=10000, group="Desks",
             allowances={"Meeting room hours": 4}, addons=("Locker", "Mail handling")),
        Plan("Dedicated desk", 35000, Frequency("month", 3), deposit=30000, group="Desks",
             allowances={"Meeting room hours": 10, "Print pages": 200}, addons=("Locker",)),
    ]
    rows: dict[str, PlanRow] = {}
    for plan in plans:
        rows[plan.name] = PlanRow(
            name=plan.name, kind=plan.kind, price=plan.price, deposit=plan.deposit,
            frequency=None if plan.frequency is None else str(plan.frequency),
            group_name=plan.group, archived=plan.archived,
            allowances=[PlanAllowanceRow(name=name, quantity=quantity)
                        for name, quantity in plan.allowances.items()],
            addons=[rows[name] for name in plan.addons])
        session.add(rows[plan.name])
    session.flush()
    return {plan.name: replace(plan, id=rows[plan.name].id) for plan in plans}


class StatementCounter:
    """Counts the queries (SQL statements but BEGIN) an engine runs while the context is open."""

    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def _count(self, _conn, _cursor, statement, *_args) -> None:
        if not statement.startswith("BEGIN"):  # transaction control is not a query
            self.count += 1

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)


def add_invoice(session, invoice, number: str):
    """Add an issued document under a chosen number, as the ledger writes one (the tests pick
    numbers the numbering must continue from)."""
    from desktop.domain.money import rate_text
    from desktop.ledger.mapping import params_json
    from desktop.storage.models import InvoiceLineRow, InvoiceRow

    row = InvoiceRow(
        number=number, member_id=invoice.member, type=invoice.type,
        issue_date=invoice.issue_date, billing_date=invoice.billed_on,
        due_date=invoice.due_date or invoice.issue_date, subtotal=invoice.subtotal,
        tax=invoice.tax, total=invoice.total, credit_applied=invoice.credit_applied,
        amount_due=invoice.amount_due,
        lines=[InvoiceLineRow(
            position=position, kind=line.kind, description=line.description,
            contract_id=line.contract, period_start=line.period_start,
            period_end=line.period_end, amount=line.amount, days=line.days,
            period_days=line.period_days, params=params_json(line.wording),
            tax_category=line.tax_category,
            rate=None if line.rate is None else rate_text(line.rate))
            for position, line in enumerate(invoice.lines)])
    session.add(row)
    return row
