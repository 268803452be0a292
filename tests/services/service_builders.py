"""A small world for service tests: an in-memory database, a fixed clock, plans, members, contracts.

Everything goes through the services (or the ledger, as the sweep does) so the tests exercise the
same code the application runs.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import inspect, select, text

import server_db
from desktop.domain.model import ADDON, PLAN, Contract, ContractAddon, Plan
from desktop.domain.periods import parse_frequency
from desktop.ledger.applier import apply_due
from desktop.ledger.contracts import save_contract
from desktop.ledger.member_states import load_plans
from desktop.services.catalog import CatalogService
from desktop.services.clock import FixedClock
from desktop.services.members import MemberService
from desktop.storage import models as m
from desktop.storage.database import open_database


class World:
    """One database, one clock, and the services built on them."""

    def __init__(self, today: date = date(2024, 4, 11)) -> None:
        self.clock = FixedClock(today, datetime.combine(today, time(9, 30)))
        self.db = open_database(server_db.target(), now=datetime(2024, 1, 1))
        self.catalog = CatalogService(self.db, self.clock)
        self.members = MemberService(self.db, self.clock)
        self._emails = 0

    def set_today(self, day: date) -> None:
        self.clock.set(day, datetime.combine(day, time(9, 30)))

    def plan(self, name: str, price: int, frequency: str | None = "1 month", *, deposit: int = 0,
             group: str | None = None, kind: str = PLAN, allowances=None, addons=(),
             archived: bool = False, **extra) -> Plan:
        plan_id = self.catalog.save_plan(Plan(
            name=name, price=price,
            frequency=None if frequency is None else parse_frequency(frequency),
            deposit=deposit, group=group, kind=kind, allowances=dict(allowances or {}),
            addons=tuple(addons), archived=archived, **extra)).id
        return self.plan_by_id(plan_id)

    def addon(self, name: str, price: int, frequency: str | None = "1 month", **extra) -> Plan:
        return self.plan(name, price, frequency, kind=ADDON, **extra)

    def plan_by_id(self, plan_id: int) -> Plan:
        with self.db.session() as session:
            return load_plans(session)[plan_id]

    def member(self, name: str = "Ada Lovelace", email: str | None = None,
               company: str = "") -> int:
        self._emails += 1
        return self.members.create(name, email or f"member{self._emails}@example.org", company).id

    def contract(self, member_id: int, plan: Plan, start: date, *, anchor: date | None = None,
                 next_invoice: date | None = None, next_plan: Plan | None | str = "same",
                 cancellation: date | None = None, custom_price: int | None = None,
                 quantity: int = 1, addons=(), prorate_last: bool = True,
                 prorate_first: bool = True, predecessor: int | None = None) -> int:
        """A contract row written as is (no validation), like an imported one."""
        contract = Contract(
            member=member_id, plan=plan, next_plan=plan if next_plan == "same" else next_plan,
            start_date=start, billing_anchor=anchor or start,
            next_invoice_date=start if next_invoice is None else next_invoice,
            cancellation_date=cancellation, custom_price=custom_price, quantity=quantity,
            prorate_last_invoice=prorate_last, prorate_first_invoice=prorate_first,
            predecessor=predecessor,
            addons=tuple(a if isinstance(a, ContractAddon) else ContractAddon(a, 1, start)
                         for a in addons))
        with self.db.write() as session:
            return save_contract(session, contract).id

    def run_until(self, member_id: int, day: date) -> list:
        """Apply the member's transitions due up to the day, as the sweep does; the invoices."""
        with self.db.write() as session:
            return apply_due(session, member_id, day, now=datetime.combine(day, time(0, 5)),
                             who="system")

    def invoices(self, member_id: int) -> list[m.InvoiceRow]:
        with self.db.session() as session:
            query = (select(m.InvoiceRow).where(m.InvoiceRow.member_id == member_id)
                     .order_by(m.InvoiceRow.issue_date, m.InvoiceRow.id))
            return list(session.scalars(query))

    def history(self, **where) -> list[m.HistoryRow]:
        with self.db.session() as session:
            query = select(m.HistoryRow).order_by(m.HistoryRow.id)
            for name, value in where.items():
                query = query.where(getattr(m.HistoryRow, name) == value)
            return list(session.scalars(query))

    def plan_changes(self) -> list[m.PlanChangeRow]:
        with self.db.session() as session:
            return list(session.scalars(select(m.PlanChangeRow).order_by(m.PlanChangeRow.id)))

    def dump(self) -> dict[str, list[tuple]]:
        """Every row of every table, for "nothing was written" checks."""
        with self.db.session() as session:
            names = inspect(session.connection()).get_table_names()
            return {name: sorted(map(tuple, session.execute(text(f'SELECT * FROM "{name}"'))),
                                 key=repr)
                    for name in names}

    def member_balance(self, member_id: int) -> int:
        with self.db.session() as session:
            return session.get(m.MemberRow, member_id).credit_balance

    def contract_row(self, contract_id: int):
        with self.db.session() as session:
            return session.get(m.ContractRow, contract_id)
