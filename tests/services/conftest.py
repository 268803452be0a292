"""Shared fixtures for the service tests: a temp-file database, a fixed clock, a small catalog.

- `db`: a fresh SQLite file (a new server database in the PostgreSQL pass) opened with
  open_database (migrations run), disposed afterwards.
- `clock`: FixedClock on 2024-01-01 (move it with clock.set(day)).
- `catalog`: a small catalog written to `db`, as domain Plans by name (ids set).
- `add_member(name, email=None, **fields) -> id` and `add_contract(member_id, plan, **fields) -> id`
  write rows directly (through ledger.save_contract), without any service.
- `set_tax_rate("20")`, `counts()` -> rows per table.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

import server_db
from desktop.domain.model import Contract, ContractAddon, Plan
from desktop.domain.periods import Frequency
from desktop.ledger.contracts import save_contract
from desktop.ledger.member_states import load_plans
from desktop.services.clock import FixedClock
from desktop.storage import models as m
from desktop.storage.database import open_database

TODAY = date(2024, 1, 1)
# The day of the use-case tests built on service_builders.World.
WORLD_TODAY = date(2024, 4, 11)
MONTH, QUARTER, YEAR = Frequency("month"), Frequency("month", 3), Frequency("year")

# name -> (kind, price, frequency, deposit, group, allowances, offered add-ons)
SMALL_CATALOG = {
    "Hot desk": ("plan", 20000, MONTH, 0, "Desks", {"Day passes": 20}, ("Locker",)),
    "Dedicated desk": ("plan", 35000, MONTH, 20000, "Desks", {"Meeting room hours": 4},
                       ("Locker", "Meeting hours 10")),
    "Private office": ("plan", 60000, MONTH, 50000, "Offices", {"Meeting room hours": 10},
                       ("Locker", "Meeting hours 10")),
    "Team office": ("plan", 180000, QUARTER, 100000, "Offices", {}, ()),
    "Virtual office": ("plan", 9000, MONTH, 0, None, {}, ()),
    "Annual desk": ("plan", 365000, YEAR, 0, None, {}, ()),
    "Weekly desk": ("plan", 7000, Frequency("week"), 0, None, {}, ()),
    "Locker": ("addon", 2500, MONTH, 0, None, {}, ()),
    "Meeting hours 10": ("addon", 5000, None, 0, None, {"Meeting room hours": 10}, ()),
}


def write_catalog(db, spec: dict = SMALL_CATALOG) -> dict[str, Plan]:
    """Write plans and add-ons given as SMALL_CATALOG-style tuples; domain Plans by name."""
    with db.write() as session:
        rows = {}
        for name, (kind, price, frequency, deposit, group, allowances, _) in spec.items():
            row = m.PlanRow(name=name, kind=kind, price=price, deposit=deposit, group_name=group,
                            frequency=None if frequency is None else str(frequency))
            row.allowances = [m.PlanAllowanceRow(name=k, quantity=v) for k, v in allowances.items()]
            session.add(row)
            rows[name] = row
        session.flush()
        for name, spec_row in spec.items():
            rows[name].addons = [rows[addon] for addon in spec_row[6]]
        session.flush()
        plans = load_plans(session)
    return {plan.name: plan for plan in plans.values()}


def write_member(db, name: str, email: str | None = None, **fields) -> int:
    with db.write() as session:
        email = email or f"{name.lower().replace(' ', '.')}@example.org"
        row = m.MemberRow(name=name, email=email, **fields)
        session.add(row)
        session.flush()
        return row.id


def write_contract(db, member_id: int, plan: Plan, *, start: date, **fields) -> int:
    """A contract as the editor would save it; by default inactive, starting on `start`."""
    addons = tuple(a if isinstance(a, ContractAddon) else ContractAddon(a, 1, start)
                   for a in fields.pop("addons", ()))
    values = dict(member=member_id, plan=plan, next_plan=plan, start_date=start,
                  billing_anchor=start, next_invoice_date=start, addons=addons)
    values.update(fields)
    with db.write() as session:
        return save_contract(session, Contract(**values)).id


def row_counts(db) -> dict[str, int]:
    """How many rows each table holds (to show that nothing was written)."""
    with db.session() as session:
        return {table.name: session.scalar(select(func.count()).select_from(table))
                for table in m.Base.metadata.sorted_tables}


@pytest.fixture
def db(tmp_path):
    database = open_database(server_db.target(tmp_path), now=datetime(2024, 1, 1, 8))
    yield database
    database.dispose()


@pytest.fixture
def clock():
    return FixedClock(TODAY, datetime(2024, 1, 1, 9, 0))


@pytest.fixture
def catalog(db):
    return write_catalog(db)


@pytest.fixture
def add_member(db):
    def add(name: str, email: str | None = None, **fields) -> int:
        return write_member(db, name, email, **fields)
    return add


@pytest.fixture
def add_contract(db):
    def add(member_id: int, plan: Plan, *, start: date, **fields) -> int:
        return write_contract(db, member_id, plan, start=start, **fields)
    return add


@pytest.fixture
def counts(db):
    """counts() -> rows per table, to compare before and after something that must not write."""
    return lambda: row_counts(db)


@pytest.fixture
def set_tax_rate(db):
    def set_rate(rate: str) -> None:
        with db.write() as session:
            session.get(m.SettingsRow, 1).tax_rate = rate
    return set_rate


@pytest.fixture
def world():
    """A small world of plans, members and contracts on 11 April 2024 (service_builders)."""
    from service_builders import World

    return World(WORLD_TODAY)


@pytest.fixture
def service(world):
    """The contract use cases over the world's database and clock."""
    from desktop.services.contracts.editing import ContractService

    return ContractService(world.db, world.clock)
