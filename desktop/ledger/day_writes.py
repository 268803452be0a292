"""Writing what `apply_day` returned (rules 17, 19, 20), in the caller's transaction.

`write_days` writes many member-days in bulk: the applied-transition rows (the exactly-once
keys, first), the changed contracts with their next_event_date, the members' money, the
invoices with consecutive numbers and their lines, the audit rows and the plan changes.
`write_day` is the same for one member-day.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.contracts import next_event_date
from desktop.domain.model import Account, Contract, Invoice, evolve, stored_id
from desktop.domain.money import rate_text
from desktop.domain.transitions import DayResult
from desktop.ledger.accounts import allocation_rows
from desktop.ledger.audit import Readable, contract_audit_rows, money_audit_rows
from desktop.ledger.bulk_rows import insert_rows, update_rows
from desktop.ledger.charges import mark_billed
from desktop.ledger.contract_columns import PLAIN, contract_columns, plain_values
from desktop.ledger.mapping import params_json
from desktop.ledger.member_states import MemberState, load_member_states
from desktop.ledger.numbering import document_numbers
from desktop.ledger.outbox import queue_documents
from desktop.storage import models as m
from desktop.storage.server import follow_ids


def _changed_values(before: Contract | None, after: Contract) -> dict:
    """The contract columns that differ from the state apply_day started from: the same as
    comparing both contracts' contract_columns, without building them (a renewal changes one
    or two of fourteen)."""
    if before is None:
        return contract_columns(after)
    changed = {name: new for name, old, new in zip(PLAIN, plain_values(before),
                                                   plain_values(after)) if old != new}
    if before.plan.id != after.plan.id:
        changed["plan_id"] = after.plan.id
    old_next, new_next = before.next_plan, after.next_plan
    if old_next is not new_next and (None if old_next is None else old_next.id) != (
            new_id := None if new_next is None else new_next.id):
        changed["next_plan_id"] = new_id
    if before.predecessor != after.predecessor:
        changed["predecessor_id"] = after.predecessor
    if before.notice != after.notice:
        changed["notice"] = None if after.notice is None else str(after.notice)
    if next_event_date(before) != (event := next_event_date(after)):
        changed["next_event_date"] = event
    return changed


def write_days(session: Session, results: Iterable[DayResult], *, now: datetime, who: str,
               before: Mapping[int, MemberState] | None = None,
               ids: dict[int, dict[int | str, int]] | None = None,
               today: date | None = None) -> list[tuple[Invoice, ...]]:
    """Write many day results in bulk, in the caller's transaction (rules 17, 19, 20).

    Results are written in the order given (invoice numbers follow it); several results of
    one member must come in date order, each continuing from the previous one. `before`
    (member id -> the state the first of them started from) lets the audit compare without
    reading the old rows again. A duplicate applied-transition key raises IntegrityError.
    Returns, for each result, the documents it issued, numbered. `ids` (member -> document
    key -> row id) lets results written by separate calls pay each other's documents.
    """
    results = list(results)
    if not results:
        return []
    if before is None:
        before = load_member_states(session, {stored_id(r.account.member) for r in results})
    readable = Readable()
    applied, history, plan_changes, allocated = [], [], [], []
    contracts: dict[int, dict] = {}
    accounts: dict[int, dict] = {}
    current: dict[int, tuple[Account, dict]] = {}
    for result in results:
        member = stored_id(result.account.member)
        if member not in current and member in before:
            current[member] = (before[member].account, {c.id: c for c in before[member].contracts})
        old_account: Account | None
        old_account, old = current[member] if member in current else (None, {})
        for transition in result.transitions:
            applied.append(dict(contract_id=transition.contract, kind=transition.kind,
                                date=transition.date, applied_at=now,
                                description=transition.description,
                                params=params_json(transition.wording)))
        for contract in result.changed:
            values = _changed_values(old.get(contract.id), contract)
            if values:  # merged: a later result of the same contract may change other columns
                contract_id = stored_id(contract.id)  # a changed contract was read from its row
                contracts[contract_id] = {**contracts.get(contract_id, {}), **values}
            history += contract_audit_rows(old.get(contract.id), contract, readable, now, who)
        if old_account is None or (old_account.credit_balance, old_account.deposit_held) != (
                result.account.credit_balance, result.account.deposit_held):
            accounts[member] = dict(credit_balance=result.account.credit_balance,
                                    deposit_held=result.account.deposit_held)
            history += money_audit_rows(old_account, result.account, now, who)
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
    written = insert_documents(session, [d for r in results for d in r.documents], now=now)
    # Rule 22: the allocations each day made, a new document's key read as its id (a later
    # day may pay a document an earlier day of the same run made: `ids` carries them across
    # calls, as write_in_turn writes one member-day per call).
    ids = {} if ids is None else ids
    documents = iter(written)
    billed: list[tuple[int, int]] = []
    for result in results:
        member = stored_id(result.account.member)
        own = ids.setdefault(member, {})
        for document in result.documents:
            own[document.key] = next(documents)[1]
        if result.charges and (invoice := result.invoice) is not None:
            # Rule 27: each charge billed is marked with its document, once (rule 19).
            billed += [(stored_id(charge.id), own[invoice.key]) for charge in result.charges]
        made_on = result.documents[0].issue_date if result.documents else (today or result.day)
        allocated += allocation_rows(member, result.allocations, own, made_on)
    insert_rows(connection, m.AllocationRow.__table__, allocated)
    mark_billed(session, billed)
    insert_rows(connection, m.HistoryRow.__table__, history)
    insert_rows(connection, m.PlanChangeRow.__table__, plan_changes)
    numbered = iter(document for document, _id in written)
    return [tuple(next(numbered) for _ in r.documents) for r in results]


def insert_documents(session: Session, documents: list[Invoice],
                     now: datetime) -> list[tuple[Invoice, int]]:
    """Insert documents with their numbers (each in its type's series, consecutive in the
    order given) and lines, and queue the message of each whose member receives by mail (rule
    29, same transaction); returns each numbered document with its row id. Money held by the
    member and the allocations are the caller's."""
    if not documents:
        return []
    connection = session.connection()
    numbers = document_numbers(session, [d.type for d in documents])
    first_id = (connection.execute(select(func.max(m.InvoiceRow.id))).scalar() or 0) + 1
    invoice_rows, line_rows, written = [], [], []
    # Issue 10: each document keeps the site's locale of its issue (its printed language).
    language = session.scalar(select(m.SettingsRow.locale).where(m.SettingsRow.id == 1))
    for offset, (document, number) in enumerate(zip(documents, numbers)):
        invoice_id = first_id + offset
        written.append((evolve(document, number=number), invoice_id))
        invoice_rows.append(dict(id=invoice_id, number=number, member_id=document.member,
                                 type=document.type, issue_date=document.issue_date,
                                 billing_date=document.billed_on, due_date=document.due_date,
                                 credits=json.dumps(list(document.credits))
                                 if document.credits else None,
                                 subtotal=document.subtotal, tax=document.tax,
                                 total=document.total, credit_applied=document.credit_applied,
                                 amount_due=document.amount_due, language=language))
        for position, line in enumerate(document.lines):
            line_rows.append(dict(invoice_id=invoice_id, position=position, kind=line.kind,
                                  description=line.description, contract_id=line.contract,
                                  period_start=line.period_start, period_end=line.period_end,
                                  amount=line.amount, days=line.days,
                                  period_days=line.period_days,
                                  params=params_json(line.wording),
                                  tax_category=line.tax_category,
                                  rate=None if line.rate is None else rate_text(line.rate)))
    insert_rows(connection, m.InvoiceRow.__table__, invoice_rows)
    insert_rows(connection, m.InvoiceLineRow.__table__, line_rows)
    follow_ids(connection, [m.InvoiceRow.__table__])
    queue_documents(session, written, now)
    return written


def write_day(session: Session, result: DayResult, *, now: datetime, who: str,
              before: MemberState | None = None,
              ids: dict[int, dict[int | str, int]] | None = None) -> tuple[Invoice, ...]:
    """Write one member's day result in the caller's transaction; the issued documents.

    Inserts the applied-transition rows (a duplicate key raises IntegrityError), updates the
    changed contracts (next_event_date included), the member's credit balance and deposit held,
    inserts the invoice with its number and lines, the history rows and the plan changes.
    """
    member = stored_id(result.account.member)
    states = None if before is None else {member: before}
    return write_days(session, [result], now=now, who=who, before=states, ids=ids)[0]
