"""Writing what `apply_day` returned (rules 17, 19, 20), in the caller's transaction.

`write_days` writes many member-days in bulk: the applied-transition rows (the exactly-once
keys, first), the changed contracts with their next_event_date, the members' money, the
invoices with consecutive numbers and their lines, the audit rows and the plan changes.
`write_day` is the same for one member-day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache
from operator import attrgetter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.contracts import next_event_date
from desktop.domain.model import Account, Contract, Invoice, evolve
from desktop.domain.transitions import DayResult
from desktop.services.sweep.bulk_rows import insert_rows, update_rows
from desktop.services.sweep.member_states import MemberState, load_member_states
from desktop.storage import models as m
from desktop.storage.database import INVOICE_DIGITS, highest_invoice_number, invoice_prefix
from desktop.storage.mapping import params_json
from desktop.storage.server import follow_ids

SYSTEM = "system"

# The audited contract fields the sweep can change, with the labels the History tab shows
# (the same labels as desktop.services.history.contract_values).
_AUDITED = (
    ("plan", "Plan"), ("next_plan", "Next plan"), ("custom_price", "Custom price"),
    ("billing_anchor", "Billing anchor"), ("next_invoice_date", "Next invoice date"),
    ("cancellation_date", "Cancellation date"),
)


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


@lru_cache(maxsize=8)
def _formatter(locale: str | None, currency: str | None):
    """history.formatter's Formatter for a site's locale and currency, built once (Babel's
    locale data is slow to read, and every batch of a sweep asks)."""
    from desktop.i18n.formatting import Formatter

    try:
        return Formatter() if locale is None and currency is None else Formatter(locale, currency)
    except ValueError:
        return Formatter()


class Readable:
    """Audit values as readable strings, formatted once per distinct value (rule 20)."""

    def __init__(self, session: Session) -> None:
        row = session.execute(select(m.SettingsRow.locale, m.SettingsRow.currency)
                              .where(m.SettingsRow.id == 1)).first()
        self.fmt = _formatter(*row) if row is not None else _formatter(None, None)
        self._dates: dict[date, str] = {}
        self._money: dict[int, str] = {}

    def value(self, field: str, value) -> str:
        if value is None:
            return ""
        if field in ("plan", "next_plan"):
            return value.name
        if field == "custom_price":
            if value not in self._money:
                self._money[value] = str(value)  # raw minor units, shown by the reader
            return self._money[value]
        if value not in self._dates:
            self._dates[value] = value.isoformat()  # raw, shown in the reader's locale
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
        if before is not None and (old is new or _same(field, old, new)):
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
                             old_value="" if old is None else str(old),
                             new_value=str(new)))  # raw minor units (issue 10)
    return rows


# The contract columns that a domain field gives as it is (contract_columns' other columns:
# plan_id, next_plan_id, predecessor_id and next_event_date).
_PLAIN_COLUMNS = ("custom_price", "quantity", "start_date", "billing_anchor",
                  "next_invoice_date", "cancellation_date", "prorate_last_invoice",
                  "prorate_first_invoice", "notes")


_plain_values = attrgetter(*_PLAIN_COLUMNS)


def _changed_values(before: Contract | None, after: Contract) -> dict:
    """The contract columns that differ from the state apply_day started from: the same as
    comparing both contracts' contract_columns, without building them (a renewal changes one
    or two of fourteen)."""
    if before is None:
        return contract_columns(after)
    changed = {name: new for name, old, new in zip(_PLAIN_COLUMNS, _plain_values(before),
                                                   _plain_values(after)) if old != new}
    if before.plan.id != after.plan.id:
        changed["plan_id"] = after.plan.id
    old_next, new_next = before.next_plan, after.next_plan
    if old_next is not new_next and (None if old_next is None else old_next.id) != (
            new_id := None if new_next is None else new_next.id):
        changed["next_plan_id"] = new_id
    if before.predecessor != after.predecessor:
        changed["predecessor_id"] = after.predecessor
    if next_event_date(before) != (event := next_event_date(after)):
        changed["next_event_date"] = event
    return changed


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
                                description=transition.description,
                                params=params_json(transition.wording)))
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
    update_rows(session, m.ContractRow, contracts, bump_version=True)
    update_rows(session, m.MemberRow, accounts, bump_version=False)
    issued = insert_invoices(session, [r.invoice for r in results])
    insert_rows(connection, m.HistoryRow.__table__, history)
    insert_rows(connection, m.PlanChangeRow.__table__, plan_changes)
    return issued


def invoice_numbers(session: Session, count: int) -> list[str]:
    """`count` consecutive invoice numbers after the highest one, in next_invoice_number's format.

    Read inside the write transaction, which holds the lock; one indexed query per batch
    whatever its size (the unique index on the number turns any clash into an error).
    """
    prefix = invoice_prefix(session)
    highest = highest_invoice_number(session, prefix)
    return [f"{prefix}{highest + k:0{INVOICE_DIGITS}d}" for k in range(1, count + 1)]


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
    # Issue 10: each invoice keeps the site's locale of its issue (its printed language).
    language = session.scalar(select(m.SettingsRow.locale).where(m.SettingsRow.id == 1))
    for offset, (invoice, number) in enumerate(zip(wanted, numbers)):
        invoice_id = first_id + offset
        numbered[id(invoice)] = evolve(invoice, number=number)
        invoice_rows.append(dict(id=invoice_id, number=number, member_id=invoice.member,
                                 issue_date=invoice.issue_date, subtotal=invoice.subtotal,
                                 tax=invoice.tax, total=invoice.total,
                                 credit_applied=invoice.credit_applied,
                                 amount_due=invoice.amount_due, language=language))
        for position, line in enumerate(invoice.lines):
            line_rows.append(dict(invoice_id=invoice_id, position=position, kind=line.kind,
                                  description=line.description, contract_id=line.contract,
                                  period_start=line.period_start, period_end=line.period_end,
                                  amount=line.amount, days=line.days,
                                  period_days=line.period_days,
                                  params=params_json(line.wording)))
    insert_rows(connection, m.InvoiceRow.__table__, invoice_rows)
    insert_rows(connection, m.InvoiceLineRow.__table__, line_rows)
    follow_ids(connection, [m.InvoiceRow.__table__])
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
