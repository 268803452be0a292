"""The bridge between the database rows and the billing core (rules 6, 15, 17-20).

Reads a member's contracts as domain values (`load_member_state`, `load_member_states` for a
batch, a fixed number of queries whatever the batch size) and writes what `apply_day` returned
(`write_day`, `write_days`) inside the caller's transaction: applied-transition rows, contracts,
the member's money, the invoice and its lines, the audit and plan changes. The sweep, the
previews and every contract use case go through here, so they all see the same state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import and_, bindparam, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from desktop.domain.contracts import current_period, next_event_date
from desktop.domain.model import (
    ADDON,
    Account,
    BillingSettings,
    Contract,
    ContractAddon,
    Invoice,
    InvoicedSpan,
    Plan,
)
from desktop.domain.money import parse_rate
from desktop.domain.periods import parse_frequency
from desktop.domain.transitions import DayResult
from desktop.storage import models as m
from desktop.storage.database import INVOICE_DIGITS, INVOICE_PREFIX

SYSTEM = "system"

# The audited contract fields the sweep can change, with the labels the History tab shows
# (the same labels as desktop.services.history.contract_values).
_AUDITED = (
    ("plan", "Plan"), ("next_plan", "Next plan"), ("custom_price", "Custom price"),
    ("billing_anchor", "Billing anchor"), ("next_invoice_date", "Next invoice date"),
    ("cancellation_date", "Cancellation date"),
)


@dataclass(frozen=True)
class MemberState:
    """Everything apply_day needs for one member: money held, all contracts, site settings."""

    account: Account
    contracts: tuple[Contract, ...]
    settings: BillingSettings


# Settings and plans ---------------------------------------------------------------------------

def billing_settings(session: Session) -> BillingSettings:
    """The site's billing settings (defaults when the settings row does not exist yet)."""
    row = session.execute(select(m.SettingsRow.currency, m.SettingsRow.tax_rate,
                                 m.SettingsRow.billing_day).where(m.SettingsRow.id == 1)).first()
    if row is None:
        return BillingSettings()
    return BillingSettings(row.currency or "EUR", parse_rate(row.tax_rate or "0"), row.billing_day)


def load_plans(session: Session) -> dict[int, Plan]:
    """The whole catalog (plans and add-ons) as domain values by id; three queries."""
    allowances: dict[int, dict[str, int]] = {}
    for plan_id, name, quantity in session.execute(
            select(m.PlanAllowanceRow.plan_id, m.PlanAllowanceRow.name,
                   m.PlanAllowanceRow.quantity).order_by(m.PlanAllowanceRow.name)):
        allowances.setdefault(plan_id, {})[name] = quantity
    rows = session.execute(select(m.PlanRow.id, m.PlanRow.name, m.PlanRow.kind, m.PlanRow.price,
                                  m.PlanRow.frequency, m.PlanRow.deposit, m.PlanRow.group_name,
                                  m.PlanRow.archived)).all()
    names = {r.id: r.name for r in rows}
    offered: dict[int, list[str]] = {}
    for plan_id, addon_id in session.execute(select(m.plan_addons.c.plan_id,
                                                    m.plan_addons.c.addon_id)):
        offered.setdefault(plan_id, []).append(names[addon_id])
    return {
        r.id: Plan(name=r.name, price=r.price,
                   frequency=parse_frequency(r.frequency) if r.frequency else None,
                   deposit=r.deposit or 0, group=r.group_name, archived=bool(r.archived),
                   kind=r.kind, allowances=allowances.get(r.id, {}),
                   addons=tuple(sorted(offered.get(r.id, ()))), id=r.id)
        for r in rows
    }


# Reading member states ------------------------------------------------------------------------

_CONTRACTS = m.ContractRow.__table__
_CONTRACT_COLUMNS = tuple(_CONTRACTS.c[name] for name in (
    "id", "member_id", "plan_id", "next_plan_id", "custom_price", "quantity", "start_date",
    "billing_anchor", "next_invoice_date", "cancellation_date", "prorate_last_invoice",
    "prorate_first_invoice", "predecessor_id", "notes"))


def _chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _core(session: Session):
    """The session's connection for plain Core reads (pending ORM changes flushed first)."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection()


def _contracts_where(session: Session, condition, plans: Mapping[int, Plan]) -> list[Contract]:
    """Contracts matching a condition as domain values, add-ons and invoiced spans filled."""
    connection = _core(session)
    rows = connection.execute(select(*_CONTRACT_COLUMNS).where(condition)
                              .order_by(_CONTRACTS.c.id)).all()
    if not rows:
        return []
    ids = [r.id for r in rows]
    addons: dict[int, list[ContractAddon]] = {}
    a = m.ContractAddonRow.__table__.c
    for chunk in _chunks(ids):
        for contract_id, addon_id, quantity, start in connection.execute(
                select(a.contract_id, a.addon_id, a.quantity, a.start_date)
                .where(a.contract_id.in_(chunk)).order_by(a.start_date, a.id)):
            addons.setdefault(contract_id, []).append(
                ContractAddon(plans[addon_id], quantity, start))
    contracts = [
        Contract(member=r.member_id, plan=plans[r.plan_id],
                 next_plan=None if r.next_plan_id is None else plans[r.next_plan_id],
                 start_date=r.start_date, billing_anchor=r.billing_anchor,
                 next_invoice_date=r.next_invoice_date, cancellation_date=r.cancellation_date,
                 custom_price=r.custom_price, quantity=r.quantity,
                 prorate_last_invoice=bool(r.prorate_last_invoice),
                 prorate_first_invoice=bool(r.prorate_first_invoice),
                 predecessor=r.predecessor_id, addons=tuple(addons.get(r.id, ())),
                 notes=r.notes or "", id=r.id)
        for r in rows
    ]
    return _with_invoiced_spans(session, contracts)


def _with_invoiced_spans(session: Session, contracts: list[Contract]) -> list[Contract]:
    """Fill Contract.invoiced with the lines invoiced for each contract's current period (rule 6).

    One query for the whole list: the plan and add-on lines of these contracts that end on or
    before the next invoice date and after the earliest current-period start; each contract then
    keeps those inside its own current period.
    """
    periods = {c.id: p for c in contracts if (p := current_period(c)) is not None}
    if not periods:
        return contracts
    earliest = min(p[0] for p in periods.values())
    spans: dict[int, list[InvoicedSpan]] = {}
    ids = list(periods)
    line, c = m.InvoiceLineRow.__table__.c, _CONTRACTS.c
    connection = _core(session)
    for chunk in _chunks(ids):
        query = (
            select(line.contract_id, line.kind, line.description, line.period_start,
                   line.period_end, line.amount)
            .join(_CONTRACTS, c.id == line.contract_id)
            .where(line.contract_id.in_(chunk), line.kind.in_(("plan", ADDON)),
                   line.period_end > earliest, line.period_end <= c.next_invoice_date,
                   line.period_start.is_not(None))
            .order_by(line.invoice_id, line.position))
        for cid, kind, description, start, end, amount in connection.execute(query):
            low, high = periods[cid]
            if start >= low and end <= high:
                span = InvoicedSpan(kind, description, start, end, amount)
                spans.setdefault(cid, []).append(span)
    return [replace(c, invoiced=tuple(spans[c.id])) if c.id in spans else c for c in contracts]


def load_member_states(session: Session, member_ids: Iterable[int],
                       plans: Mapping[int, Plan] | None = None,
                       settings: BillingSettings | None = None) -> dict[int, MemberState]:
    """Member states for many members at once: one query per table, not per member or contract."""
    ids = sorted(set(member_ids))
    plans = load_plans(session) if plans is None else plans
    settings = billing_settings(session) if settings is None else settings
    accounts: dict[int, Account] = {}
    contracts: dict[int, list[Contract]] = {}
    member = m.MemberRow.__table__.c
    for chunk in _chunks(ids):
        for mid, balance, held in _core(session).execute(
                select(member.id, member.credit_balance, member.deposit_held)
                .where(member.id.in_(chunk))):
            accounts[mid] = Account(mid, balance or 0, held or 0)
        for contract in _contracts_where(session, _CONTRACTS.c.member_id.in_(chunk), plans):
            contracts.setdefault(contract.member, []).append(contract)
    return {mid: MemberState(account, tuple(contracts.get(mid, ())), settings)
            for mid, account in accounts.items()}


def load_member_state(session: Session, member_id: int) -> MemberState:
    """One member's account, ALL their contracts (invoiced spans filled) and the settings."""
    states = load_member_states(session, [member_id])
    if member_id not in states:
        from desktop.services.errors import NotFound

        raise NotFound("This member no longer exists.")
    return states[member_id]


def load_contracts(session: Session, contract_ids: Iterable[int],
                   plans: Mapping[int, Plan] | None = None) -> dict[int, Contract]:
    """Contracts by id as domain values (add-ons and invoiced spans filled); missing ids absent."""
    plans = load_plans(session) if plans is None else plans
    ids = sorted(set(contract_ids))
    found: dict[int, Contract] = {}
    for chunk in _chunks(ids):
        condition = _CONTRACTS.c.id.in_(chunk)
        found.update((c.id, c) for c in _contracts_where(session, condition, plans))
    return found


def load_contract(session: Session, contract_id: int,
                  plans: Mapping[int, Plan] | None = None) -> Contract | None:
    """One contract as a domain value (add-ons and invoiced spans filled), or None."""
    plans = load_plans(session) if plans is None else plans
    found = _contracts_where(session, _CONTRACTS.c.id == contract_id, plans)
    return found[0] if found else None


# Writing a day's result -----------------------------------------------------------------------

def contract_columns(contract: Contract) -> dict:
    """The contracts-table columns of a domain contract (member and version aside)."""
    return dict(
        plan_id=contract.plan.id,
        next_plan_id=None if contract.next_plan is None else contract.next_plan.id,
        custom_price=contract.custom_price, quantity=contract.quantity,
        start_date=contract.start_date, billing_anchor=contract.billing_anchor,
        next_invoice_date=contract.next_invoice_date,
        cancellation_date=contract.cancellation_date,
        prorate_last_invoice=contract.prorate_last_invoice,
        prorate_first_invoice=contract.prorate_first_invoice,
        predecessor_id=contract.predecessor, notes=contract.notes,
        next_event_date=next_event_date(contract),
    )


class Readable:
    """Audit values as readable strings, formatted once per distinct value (rule 20)."""

    def __init__(self, session: Session) -> None:
        from desktop.services import history

        self.fmt = history.formatter(session)
        self._dates: dict[date, str] = {}
        self._money: dict[int, str] = {}

    def value(self, field: str, value) -> str:
        if value is None:
            return ""
        if field in ("plan", "next_plan"):
            return value.name
        if field == "custom_price":
            if value not in self._money:
                self._money[value] = self.fmt.money(value)
            return self._money[value]
        if value not in self._dates:
            self._dates[value] = self.fmt.date(value)
        return self._dates[value]


def _same(field: str, old, new) -> bool:
    if field in ("plan", "next_plan"):
        if old is None or new is None:
            return old is new
        return old.id == new.id if old.id is not None and new.id is not None else old == new
    return old == new


def contract_audit_rows(before: Contract | None, after: Contract, readable: Readable,
                        now: datetime, who: str) -> list[dict]:
    """History rows (as dicts) for the audited fields that differ between two contract states."""
    rows = []
    for field, label in _AUDITED:
        old = None if before is None else getattr(before, field)
        new = getattr(after, field)
        if before is not None and _same(field, old, new):
            continue
        rows.append(dict(at=now, who=who, entity="contract", entity_id=after.id,
                         member_id=after.member, contract_id=after.id, field=label,
                         old_value=readable.value(field, old),
                         new_value=readable.value(field, new)))
    return rows


def _money_history(before: Account | None, after: Account, readable: Readable, now: datetime,
                   who: str) -> list[dict]:
    rows = []
    for field, label in (("credit_balance", "Credit balance"), ("deposit_held", "Deposit held")):
        old, new = (None if before is None else getattr(before, field)), getattr(after, field)
        if old != new:
            rows.append(dict(at=now, who=who, entity="member", entity_id=after.member,
                             member_id=after.member, contract_id=None, field=label,
                             old_value="" if old is None else readable.fmt.money(old),
                             new_value=readable.fmt.money(new)))
    return rows


def _stored_column(values: list) -> list:
    """A column's values as SQLAlchemy's SQLite types store them (ISO dates, 0/1 booleans)."""
    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, datetime):
        return [None if v is None else v.isoformat(" ", "microseconds") for v in values]
    if isinstance(sample, date):
        return [None if v is None else v.isoformat() for v in values]
    if isinstance(sample, bool):
        return [None if v is None else int(v) for v in values]
    return values


def _driver_rows(rows: list[dict], names: list[str]) -> list[tuple]:
    """Rows as parameter tuples for the SQLite driver, converted a column at a time."""
    return list(zip(*(_stored_column([row[n] for row in rows]) for n in names)))


def insert_rows(connection, table, rows: list[dict]) -> None:
    """Insert many rows with one executemany (all rows have the same keys).

    On SQLite the parameters go straight to the driver, in the formats SQLAlchemy's column
    types write, which makes bulk writes several times cheaper; elsewhere a Core insert.
    """
    if not rows:
        return
    if connection.dialect.name != "sqlite":
        connection.execute(insert(table), rows)
        return
    names = list(rows[0])
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) "
           f"VALUES ({', '.join('?' for _ in names)})")
    connection.exec_driver_sql(sql, _driver_rows(rows, names))


def _update_by_id(connection, table, names: tuple[str, ...], rows: list[dict],
                  bump_version: bool) -> None:
    """UPDATE ... WHERE id = ? for many rows, the same way as insert_rows."""
    if connection.dialect.name != "sqlite":
        statement = update(table).where(table.c.id == bindparam("_id")).values(
            {n: bindparam(n) for n in names})
        if bump_version:
            statement = statement.values(version=table.c.version + 1)
        connection.execute(statement, rows)
        return
    assignments = [f"{n} = ?" for n in names] + (["version = version + 1"] if bump_version else [])
    sql = f"UPDATE {table.name} SET {', '.join(assignments)} WHERE id = ?"
    connection.exec_driver_sql(sql, _driver_rows(rows, [*names, "_id"]))


def _update_rows(session: Session, model, values_by_id: dict[int, dict],
                 bump_version: bool) -> None:
    """Update rows by id; through the ORM object when the session holds one, else in bulk.

    A row already loaded in the session is changed on the object so the session never holds a
    stale copy (and, for contracts, the ORM bumps the version the editors compare). The others
    are updated with one executemany per set of changed columns.
    """
    groups: dict[tuple[str, ...], list[dict]] = {}
    for row_id, values in values_by_id.items():
        loaded = session.identity_map.get(identity_key(model, row_id))
        if loaded is not None:
            for name, value in values.items():
                setattr(loaded, name, value)
        else:
            groups.setdefault(tuple(sorted(values)), []).append({"_id": row_id, **values})
    if not groups:
        return
    session.flush()
    connection = session.connection()
    for names, rows in groups.items():
        _update_by_id(connection, model.__table__, names, rows, bump_version)


def _changed_values(before: Contract | None, after: Contract) -> dict:
    """The contract columns that differ from the state apply_day started from."""
    new = contract_columns(after)
    if before is None:
        return new
    old = contract_columns(before)
    return {name: value for name, value in new.items() if old[name] != value}


def write_days(session: Session, results: Iterable[DayResult], *, now: datetime, who: str,
               before: Mapping[int, MemberState] | None = None) -> list[Invoice | None]:
    """Write many day results in bulk, in the caller's transaction (rules 17, 19, 20).

    Results are written in the order given (invoice numbers follow it); several results of
    one member must come in date order, each continuing from the previous one. `before`
    (member id -> the state the first of them started from) lets the audit compare without
    reading the old rows again. A duplicate applied-transition key raises IntegrityError.
    Returns, for each result, the issued invoice with its number (or None).
    """
    results = list(results)
    if not results:
        return []
    if before is None:
        before = load_member_states(session, {r.account.member for r in results})
    readable = Readable(session)
    applied, history, plan_changes = [], [], []
    contracts: dict[int, dict] = {}
    accounts: dict[int, dict] = {}
    current: dict[int, tuple[Account, dict]] = {}
    for result in results:
        member = result.account.member
        if member not in current and member in before:
            current[member] = (before[member].account, {c.id: c for c in before[member].contracts})
        old_account, old = current.get(member, (None, {}))
        for transition in result.transitions:
            applied.append(dict(contract_id=transition.contract, kind=transition.kind,
                                date=transition.date, applied_at=now,
                                description=transition.description))
        for contract in result.changed:
            values = _changed_values(old.get(contract.id), contract)
            if values:  # merged: a later result of the same contract may change other columns
                contracts[contract.id] = {**contracts.get(contract.id, {}), **values}
            history += contract_audit_rows(old.get(contract.id), contract, readable, now, who)
        if old_account is None or (old_account.credit_balance, old_account.deposit_held) != (
                result.account.credit_balance, result.account.deposit_held):
            accounts[member] = dict(credit_balance=result.account.credit_balance,
                                    deposit_held=result.account.deposit_held)
            history += _money_history(old_account, result.account, readable, now, who)
        for change in result.plan_changes:
            plan_changes.append(dict(contract_id=change.contract, date=change.date,
                                     old_plan=change.old_plan, new_plan=change.new_plan,
                                     old_price=change.old_price, new_price=change.new_price,
                                     quantity=change.quantity, upgrade=change.upgrade, at=now))
        current[member] = (result.account, {c.id: c for c in result.contracts})
    connection = session.connection()
    # The exactly-once keys go in first: a duplicate stops the whole write (rule 19).
    insert_rows(connection, m.AppliedTransitionRow.__table__, applied)
    _update_rows(session, m.ContractRow, contracts, bump_version=True)
    _update_rows(session, m.MemberRow, accounts, bump_version=False)
    issued = insert_invoices(session, [r.invoice for r in results])
    insert_rows(connection, m.HistoryRow.__table__, history)
    insert_rows(connection, m.PlanChangeRow.__table__, plan_changes)
    return issued


def invoice_numbers(session: Session, count: int) -> list[str]:
    """`count` consecutive invoice numbers after the highest one, in next_invoice_number's format.

    Read inside the write transaction, which holds the lock; one indexed query per batch
    whatever its size (the unique index on the number turns any clash into an error).
    """
    highest = _highest_number(session)
    return [f"{INVOICE_PREFIX}{highest + k:0{INVOICE_DIGITS}d}" for k in range(1, count + 1)]


def _highest_number(session: Session) -> int:
    """The highest "INV-000123"-style number (longer numbers follow INV-999999)."""
    number = m.InvoiceRow.__table__.c.number
    connection = session.connection()
    highest, width = 0, INVOICE_DIGITS
    while True:
        low, high = INVOICE_PREFIX + "0" * width, INVOICE_PREFIX + "9" * width
        # Fixed-width numbers sort like integers, so the index gives the highest first; the
        # rows are read one at a time until one is all digits (imported numbers may not be).
        result = connection.execute(
            select(number).where(number.between(low, high), func.length(number) == len(low))
            .order_by(number.desc()))
        found = next((n for (n,) in result if n[len(INVOICE_PREFIX):].isascii()
                      and n[len(INVOICE_PREFIX):].isdigit()), None)
        result.close()
        if found is None:
            return highest
        highest = int(found[len(INVOICE_PREFIX):])
        if highest < 10 ** width - 1:
            return highest
        width += 1


def insert_invoices(session: Session, invoices: list[Invoice | None]) -> list[Invoice | None]:
    """Insert the invoices (None entries skipped) with consecutive numbers and their lines.

    Returns the list with each invoice numbered. Money held by the member is the caller's.
    """
    wanted = [inv for inv in invoices if inv is not None]
    if not wanted:
        return list(invoices)
    connection = session.connection()
    numbers = invoice_numbers(session, len(wanted))
    first_id = (connection.execute(select(func.max(m.InvoiceRow.id))).scalar() or 0) + 1
    invoice_rows, line_rows, numbered = [], [], {}
    for offset, (invoice, number) in enumerate(zip(wanted, numbers)):
        invoice_id = first_id + offset
        numbered[id(invoice)] = replace(invoice, number=number)
        invoice_rows.append(dict(id=invoice_id, number=number, member_id=invoice.member,
                                 issue_date=invoice.issue_date, subtotal=invoice.subtotal,
                                 tax=invoice.tax, total=invoice.total,
                                 credit_applied=invoice.credit_applied,
                                 amount_due=invoice.amount_due))
        for position, line in enumerate(invoice.lines):
            line_rows.append(dict(invoice_id=invoice_id, position=position, kind=line.kind,
                                  description=line.description, contract_id=line.contract,
                                  period_start=line.period_start, period_end=line.period_end,
                                  amount=line.amount, days=line.days,
                                  period_days=line.period_days))
    insert_rows(connection, m.InvoiceRow.__table__, invoice_rows)
    insert_rows(connection, m.InvoiceLineRow.__table__, line_rows)
    return [None if inv is None else numbered[id(inv)] for inv in invoices]


def write_day(session: Session, result: DayResult, *, now: datetime, who: str,
              before: MemberState | None = None) -> Invoice | None:
    """Write one member's day result in the caller's transaction; the issued invoice or None.

    Inserts the applied-transition rows (a duplicate key raises IntegrityError), updates the
    changed contracts (next_event_date included), the member's credit balance and deposit held,
    inserts the invoice with its number and lines, the history rows and the plan changes.
    """
    member = result.account.member
    states = None if before is None else {member: before}
    return write_days(session, [result], now=now, who=who, before=states)[0]


# Saving a contract edited by hand -------------------------------------------------------------

def save_contract(session: Session, contract: Contract) -> m.ContractRow:
    """Insert or update a contract row from a domain Contract, with next_event_date and add-ons.

    The row is flushed, so a new contract has its id. Plans must carry their database ids.
    """
    if contract.id is None:
        row = m.ContractRow(member_id=contract.member)
        session.add(row)
    else:
        row = session.get(m.ContractRow, contract.id)
        if row is None:
            from desktop.services.errors import NotFound

            raise NotFound("This contract no longer exists.")
    values = contract_columns(contract)
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
    if row.member_id != contract.member:
        row.member_id = contract.member
    wanted = [(item.addon.id, item.quantity, item.start_date) for item in contract.addons]
    held = [(a.addon_id, a.quantity, a.start_date) for a in row.addons]
    if wanted != held:
        row.addons.clear()
        session.flush()
        for addon_id, quantity, start in wanted:
            row.addons.append(m.ContractAddonRow(addon_id=addon_id, quantity=quantity,
                                                 start_date=start))
    session.flush()
    return row


def due_condition(day: date):
    """The SQL condition for contracts with a transition due on the day."""
    return and_(m.ContractRow.next_event_date == day, m.ContractRow.next_invoice_date.is_not(None))
