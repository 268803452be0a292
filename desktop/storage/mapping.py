"""Conversions between database rows and the domain values of desktop.domain.model.

Readers (`*_to_domain`) are pure; writers (`apply_*`, `add_*`) set row fields from a domain
value and need the session only to find the rows a value refers to (plans by id or name).
Writers take database ids: a domain value whose member, plan or contract id is not an int
saved in this database is refused with ValueError.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from desktop.domain.invoicing import line_wording
from desktop.domain.model import (
    ADDON,
    Account,
    BillingSettings,
    Contract,
    ContractAddon,
    Invoice,
    InvoicedSpan,
    Line,
    Message,
    Plan,
    PlanChange,
    Transition,
)
from desktop.domain.money import parse_rate
from desktop.domain.periods import parse_frequency
from desktop.domain.transitions import transition_wording
from desktop.storage.models import (
    SETTINGS_DEFAULTS,
    AppliedTransitionRow,
    ContractAddonRow,
    ContractRow,
    InvoiceLineRow,
    InvoiceRow,
    MemberRow,
    PlanAllowanceRow,
    PlanChangeRow,
    PlanRow,
    SettingsRow,
)

# Well under SQLite's limit on bound parameters in one statement.
_IN_CHUNK = 900
INVOICED_KINDS = ("plan", "addon")


def _db_id(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"The {what} {value!r} is not saved in this database.")
    return value


# Settings and accounts ---------------------------------------------------------------------

def settings_row(session: Session) -> SettingsRow:
    """The site settings row (created by the first migration; recreated if someone removed it)."""
    row = session.get(SettingsRow, 1)
    if row is None:
        row = SettingsRow(id=1, **SETTINGS_DEFAULTS)
        session.add(row)
    return row


def billing_settings(row: SettingsRow) -> BillingSettings:
    return BillingSettings(currency=row.currency, tax_rate=parse_rate(row.tax_rate),
                           billing_day=row.billing_day)


def account_to_domain(row: MemberRow) -> Account:
    return Account(member=row.id, credit_balance=row.credit_balance,
                   deposit_held=row.deposit_held)


def apply_account(row: MemberRow, account: Account) -> None:
    row.credit_balance = account.credit_balance
    row.deposit_held = account.deposit_held


# Plans -------------------------------------------------------------------------------------

def plan_to_domain(row: PlanRow) -> Plan:
    """A plan or add-on; its add-ons come back sorted by name."""
    return Plan(
        name=row.name, price=row.price,
        frequency=None if row.frequency is None else parse_frequency(row.frequency),
        deposit=row.deposit, group=row.group_name, archived=row.archived, kind=row.kind,
        allowances={allowance.name: allowance.quantity for allowance in row.allowances},
        addons=tuple(addon.name for addon in row.addons), id=row.id,
    )


def apply_plan(session: Session, row: PlanRow, plan: Plan) -> PlanRow:
    """Write a domain plan's fields, allowances and offered add-ons (by name) onto a row."""
    row.name = plan.name
    row.kind = plan.kind
    row.price = plan.price
    row.frequency = None if plan.frequency is None else str(plan.frequency)
    row.deposit = plan.deposit
    row.group_name = plan.group
    row.archived = plan.archived
    # Update allowances in place: deleting and re-adding a name would collide on its key.
    held = {allowance.name: allowance for allowance in row.allowances}
    kept = []
    for name, quantity in plan.allowances.items():
        allowance = held.get(name) or PlanAllowanceRow(name=name)
        allowance.quantity = quantity
        kept.append(allowance)
    row.allowances = kept
    wanted = list(dict.fromkeys(plan.addons))
    found = {addon.name: addon for addon in session.scalars(
        select(PlanRow).where(PlanRow.name.in_(wanted), PlanRow.kind == ADDON))} if wanted else {}
    missing = [name for name in wanted if name not in found]
    if missing:
        raise ValueError(f'There is no add-on named "{missing[0]}".')
    row.addons = [found[name] for name in wanted]
    return row


def add_plan(session: Session, plan: Plan) -> PlanRow:
    """A new plan row for a domain plan (its id is ignored; the row gets one on flush)."""
    # Added once filled in: the add-on lookup flushes the session, which must not see it empty.
    row = apply_plan(session, PlanRow(), plan)
    session.add(row)
    return row


def _plan_row(session: Session, plan: Plan) -> PlanRow:
    row = session.get(PlanRow, _db_id(plan.id, f'plan "{plan.name}" id'))
    if row is None:
        raise ValueError(f'The plan "{plan.name}" no longer exists.')
    return row


# Contracts ---------------------------------------------------------------------------------

def contract_to_domain(row: ContractRow, invoiced: tuple[InvoicedSpan, ...] = (), *,
                       plans: dict[int, Plan] | None = None) -> Contract:
    """A domain contract; pass a shared `plans` dict to convert each plan once per batch."""
    cache = {} if plans is None else plans

    def plan(plan_row: PlanRow) -> Plan:
        if plan_row.id not in cache:
            cache[plan_row.id] = plan_to_domain(plan_row)
        return cache[plan_row.id]

    return Contract(
        member=row.member_id, plan=plan(row.plan), start_date=row.start_date,
        billing_anchor=row.billing_anchor, next_invoice_date=row.next_invoice_date,
        next_plan=None if row.next_plan is None else plan(row.next_plan),
        cancellation_date=row.cancellation_date, custom_price=row.custom_price,
        quantity=row.quantity, prorate_last_invoice=row.prorate_last_invoice,
        prorate_first_invoice=row.prorate_first_invoice, predecessor=row.predecessor_id,
        addons=tuple(ContractAddon(addon=plan(held.addon), quantity=held.quantity,
                                   start_date=held.start_date) for held in row.addons),
        invoiced=tuple(invoiced), notes=row.notes, id=row.id,
    )


def contracts_to_domain(session: Session, rows: Iterable[ContractRow]) -> list[Contract]:
    """Many contracts at once, with their invoiced spans read in one query per chunk."""
    rows = list(rows)
    spans = current_invoiced_spans(session, [row.id for row in rows])
    plans: dict[int, Plan] = {}
    return [contract_to_domain(row, spans[row.id], plans=plans) for row in rows]


def apply_contract(session: Session, row: ContractRow, contract: Contract) -> ContractRow:
    """Write a domain contract's fields and add-ons onto a row (not its id, invoiced spans or
    next_event_date, which the caller maintains)."""
    member_id = _db_id(contract.member, "member")
    if row.member_id != member_id:
        member = session.get(MemberRow, member_id)
        if member is None:
            raise ValueError(f"The member {member_id} no longer exists.")
        row.member = member
    row.plan = _plan_row(session, contract.plan)
    row.next_plan = None if contract.next_plan is None else _plan_row(session, contract.next_plan)
    row.custom_price = contract.custom_price
    row.quantity = contract.quantity
    row.start_date = contract.start_date
    row.billing_anchor = contract.billing_anchor
    row.next_invoice_date = contract.next_invoice_date
    row.cancellation_date = contract.cancellation_date
    row.prorate_last_invoice = contract.prorate_last_invoice
    row.prorate_first_invoice = contract.prorate_first_invoice
    row.predecessor_id = (None if contract.predecessor is None
                          else _db_id(contract.predecessor, "predecessor contract"))
    row.notes = contract.notes
    # Keep the rows of add-ons still held (same add-on, same start) so their ids stay stable.
    unmatched = list(row.addons)
    held = []
    for addon in contract.addons:
        addon_row = _plan_row(session, addon.addon)
        match = next((r for r in unmatched if r.addon_id == addon_row.id
                      and r.start_date == addon.start_date), None)
        if match is None:
            match = ContractAddonRow(addon=addon_row, start_date=addon.start_date)
        else:
            unmatched.remove(match)
        match.quantity = addon.quantity
        held.append(match)
    row.addons = held
    return row


def add_contract(session: Session, contract: Contract) -> ContractRow:
    """A new contract row for a domain contract (its id is ignored; flush to get one)."""
    row = ContractRow()
    session.add(row)
    # Lookups while filling the row in must not flush it half-empty.
    with session.no_autoflush:
        return apply_contract(session, row, contract)


def current_invoiced_spans(session: Session, contract_ids: Iterable[int]
                           ) -> dict[int, tuple[InvoicedSpan, ...]]:
    """For each contract, the plan and add-on lines of its latest invoiced period (rule 6).

    The latest period is the greatest period_end among the contract's plan lines; every
    plan/add-on line of the contract ending then belongs to it. Contracts never invoiced get
    an empty tuple. One query per chunk of 900 contracts.
    """
    ids = list(dict.fromkeys(contract_ids))
    found: dict[int, list[InvoicedSpan]] = {contract_id: [] for contract_id in ids}
    line = InvoiceLineRow
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start:start + _IN_CHUNK]
        latest = (select(line.contract_id, func.max(line.period_end).label("period_end"))
                  .where(line.contract_id.in_(chunk), line.kind == "plan")
                  .group_by(line.contract_id).subquery())
        query = (select(line.contract_id, line.kind, line.description, line.period_start,
                        line.period_end, line.amount)
                 .join(latest, and_(line.contract_id == latest.c.contract_id,
                                    line.period_end == latest.c.period_end))
                 .where(line.kind.in_(INVOICED_KINDS), line.period_start.is_not(None))
                 .order_by(line.contract_id, line.invoice_id, line.position))
        for contract_id, kind, description, start_date, end_date, amount in session.execute(query):
            found[contract_id].append(InvoicedSpan(kind, description, start_date, end_date, amount))
    return {contract_id: tuple(spans) for contract_id, spans in found.items()}


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


def transition_to_domain(row: AppliedTransitionRow) -> Transition:
    return Transition(contract=row.contract_id, kind=row.kind, date=row.date,
                      description=row.description,
                      wording=stored_transition_wording(row.kind, row.params))


def add_applied_transition(session: Session, transition: Transition,
                           applied_at: datetime) -> AppliedTransitionRow:
    """Record a transition as applied; flushing a second one with the same key raises
    IntegrityError (rule 19), so do it inside the transition's savepoint."""
    row = AppliedTransitionRow(
        contract_id=_db_id(transition.contract, "contract"), kind=transition.kind,
        date=transition.date, applied_at=applied_at, description=transition.description,
        params=params_json(transition.wording))
    session.add(row)
    return row


def plan_change_to_domain(row: PlanChangeRow) -> PlanChange:
    return PlanChange(contract=row.contract_id, date=row.date, old_plan=row.old_plan,
                      new_plan=row.new_plan, old_price=row.old_price, new_price=row.new_price,
                      quantity=row.quantity, upgrade=row.upgrade)


def add_plan_change(session: Session, change: PlanChange, at: datetime) -> PlanChangeRow:
    row = PlanChangeRow(
        contract_id=None if change.contract is None else _db_id(change.contract, "contract"),
        date=change.date, old_plan=change.old_plan, new_plan=change.new_plan,
        old_price=change.old_price, new_price=change.new_price, quantity=change.quantity,
        upgrade=change.upgrade, at=at)
    session.add(row)
    return row

