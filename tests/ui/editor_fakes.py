"""A small real world for the contract editor and change-plan tests.

The real ContractService and CatalogService on an in-memory SQLite database with a fixed clock,
so the editor's preview is the sweep's own computation. Contracts are written as stored rows
(like imported ones) in every state the editor must handle; `sweep` applies due transitions the
way the background timer does, to change a contract underneath an open editor.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import inspect, text

from desktop.domain.model import ADDON, Contract, ContractAddon, Plan
from desktop.domain.periods import Frequency
from desktop.ledger.applier import apply_due
from desktop.ledger.contracts import save_contract
from desktop.ledger.member_states import load_plans
from desktop.services.catalog import CatalogService
from desktop.services.clock import FixedClock
from desktop.services.contracts.editing import ContractService
from desktop.services.members import MemberService
from desktop.services.settings import SettingsService, SiteSettings
from desktop.storage.database import open_database

TODAY = date(2026, 3, 10)
MONTH = Frequency("month")


def written_id(value: int | None) -> int:
    """The id of something written (a saved plan's, a created member's): never None."""
    assert value is not None
    return value


class EditorWorld:
    """Plans in a "Desks" group, and one member per contract state the editor shows."""

    def __init__(self, today: date = TODAY) -> None:
        self.clock = FixedClock(today, datetime.combine(today, time(9, 30)))
        self.db = open_database("sqlite://", now=datetime(2026, 1, 1))
        SettingsService(self.db, self.clock).save(SiteSettings(tax_rate="20", operator="Mia"))
        self.catalog = CatalogService(self.db, self.clock)
        self.contracts = ContractService(self.db, self.clock)
        self.members = MemberService(self.db, self.clock)
        self.locker = self._plan(Plan("Locker", 1500, MONTH, kind=ADDON))
        self.mail = self._plan(Plan("Mail handling", 2000, MONTH, kind=ADDON))
        self.hot = self._plan(Plan("Hot desk", 20000, MONTH, group="Desks",
                                   addons=("Locker",)))
        self.desk = self._plan(Plan("Dedicated desk", 35000, MONTH, group="Desks",
                                    addons=("Locker", "Mail handling")))
        self.office = self._plan(Plan("Private office", 60000, MONTH, group="Desks",
                                      addons=("Locker", "Mail handling")))
        self.old = self._plan(Plan("Old desk", 15000, MONTH, group="Desks"))
        self.catalog.set_archived(written_id(self.old.id), True)
        self.suite = self._plan(Plan("Meeting suite", 90000, MONTH, group="Rooms"))
        self.ada = written_id(self.members.create("Ada Lovelace", "ada@example.org",
                                                  "Analytical Engines").id)
        self.grace = written_id(self.members.create("Grace Hopper", "grace@example.org").id)
        self.alan = written_id(self.members.create("Alan Turing", "alan@example.org").id)
        self.edsger = written_id(self.members.create("Edsger Dijkstra", "edsger@example.org").id)
        # Active, invoiced up to 1 Apr 2026; renews monthly on the 1st.
        self.active = self.contract(self.ada, self.desk, date(2025, 6, 1), date(2026, 4, 1))
        # Active with a custom price (rule 9).
        self.custom = self.contract(self.grace, self.desk, date(2025, 9, 1), date(2026, 4, 1),
                                    custom_price=30000)
        # Not started: starts on 15 Apr 2026.
        self.inactive = self.contract(self.alan, self.hot, date(2026, 4, 15), date(2026, 4, 15))
        # Ended on 1 Feb 2026.
        self.ended = self.contract(self.edsger, self.hot, date(2025, 1, 1), None,
                                   cancellation=date(2026, 2, 1))

    def _plan(self, plan: Plan) -> Plan:
        plan_id = written_id(self.catalog.save_plan(plan).id)
        with self.db.session() as session:
            return load_plans(session)[plan_id]

    def contract(self, member: int, plan: Plan, start: date, next_invoice: date | None, *,
                 cancellation: date | None = None, custom_price: int | None = None,
                 addons: tuple[Plan, ...] = ()) -> int:
        """A contract row written as stored (no validation), like an imported one."""
        contract = Contract(member=member, plan=plan, next_plan=plan, start_date=start,
                            billing_anchor=start, next_invoice_date=next_invoice,
                            cancellation_date=cancellation, custom_price=custom_price,
                            addons=tuple(ContractAddon(a, 1, start) for a in addons))
        with self.db.write() as session:
            return save_contract(session, contract).id

    def sweep(self, member: int, day: date) -> list:
        """Apply the member's due transitions up to the day, as the background timer does."""
        with self.db.write() as session:
            return apply_due(session, member, day, now=datetime.combine(day, time(0, 5)),
                             who="system")

    def stored(self, contract_id: int) -> Contract:
        return self.contracts.load(contract_id).contract

    def dump(self) -> dict[str, list[tuple]]:
        """Every row of every table, for "nothing was written" checks."""
        with self.db.session() as session:
            names = inspect(session.connection()).get_table_names()
            return {name: sorted(map(tuple, session.execute(text(f'SELECT * FROM "{name}"'))),
                                 key=repr)
                    for name in names}


def child(widget, kind, name):
    """The child widget of this type and objectName; the test fails naming it when missing."""
    found = widget.findChild(kind, name)
    assert found is not None, name
    return found
