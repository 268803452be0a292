"""Member states: the database rows a member's billing depends on, read as domain values.

`load_member_states` reads a batch in a fixed number of queries whatever its size (accounts,
contracts with their add-ons and the invoiced spans rule 6 credits from); `load_plans` reads
the catalog and `billing_settings` the site's settings. The sweep, the previews, every contract
use case and the export read through here, so they all see the same state: this is the one
contract mapper, the one `billing_settings` and the one query for rule 6's invoiced spans.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import BindParameter, bindparam, select
from sqlalchemy.orm import Session

from desktop.domain.contracts import current_period
from desktop.domain.model import (
    ADDON,
    M_,
    STANDARD,
    Account,
    BillingSettings,
    Contract,
    ContractAddon,
    InvoicedSpan,
    Message,
    Plan,
    evolve,
    refusal,
    stored_id,
)
from desktop.domain.money import parse_rate
from desktop.domain.periods import parse_frequency
from desktop.ledger.accounts import accounts_of
from desktop.ledger.charges import pending_charges
from desktop.ledger.contract_columns import READ
from desktop.ledger.errors import NotFound, UnreadablePlan
from desktop.storage import models as m


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
                                 m.SettingsRow.billing_day, m.SettingsRow.reduced_tax_rate,
                                 m.SettingsRow.payment_terms,
                                 m.SettingsRow.cancellations_on_boundary)
                          .where(m.SettingsRow.id == 1)).first()
    if row is None:
        return BillingSettings()
    return BillingSettings(row.currency, parse_rate(row.tax_rate), row.billing_day,
                           parse_rate(row.reduced_tax_rate or "0"),
                           m.SETTINGS_DEFAULTS["payment_terms"] if row.payment_terms is None
                           else row.payment_terms,
                           row.cancellations_on_boundary is not False)


def stored_fee(text: str | None) -> int | str | None:
    """Rule 25: a plan's early termination fee as stored: None, "remaining" or an amount."""
    if not text:
        return None
    if text == "remaining":
        return text
    if text.isdigit():
        return int(text)
    raise ValueError(f"The early termination fee {text!r} cannot be read.")


class PlanCatalog(dict):
    """Plans by id; asking for a plan that could not be read raises UnreadablePlan."""

    def __init__(self, plans: dict[int, Plan],
                 unreadable: dict[int, tuple[str, Message]]) -> None:
        super().__init__(plans)
        self.unreadable = unreadable

    def __missing__(self, plan_id: int) -> Plan:
        # A new exception each time: one raised again would gather every raise's traceback.
        text, wording = self.unreadable.get(plan_id) or (
            f"Plan #{plan_id} does not exist.",
            Message.of(M_("Plan #{plan} does not exist."), plan=str(plan_id)))
        raise UnreadablePlan(text, wording)


def load_plans(session: Session, *, skip_unreadable: bool = False) -> dict[int, Plan]:
    """The whole catalog (plans and add-ons) as domain values by id, with each one's price
    history (rule 24); four queries.

    A plan row the billing core refuses raises ValueError, unless skip_unreadable: then it is
    left out and only what needs it fails, with UnreadablePlan, so one broken plan does not stop
    the members and contracts that do not use it (the member states are read this way).
    """
    allowances: dict[int, dict[str, int]] = {}
    for plan_id, name, quantity in session.execute(
            select(m.PlanAllowanceRow.plan_id, m.PlanAllowanceRow.name,
                   m.PlanAllowanceRow.quantity).order_by(m.PlanAllowanceRow.name)):
        allowances.setdefault(plan_id, {})[name] = quantity
    prices: dict[int, list[tuple]] = {}
    for plan_id, day, price in session.execute(
            select(m.PlanPriceRow.plan_id, m.PlanPriceRow.from_day, m.PlanPriceRow.price)
            .order_by(m.PlanPriceRow.plan_id, m.PlanPriceRow.from_day)):
        prices.setdefault(plan_id, []).append((day, price))
    rows = session.execute(select(m.PlanRow.id, m.PlanRow.name, m.PlanRow.kind, m.PlanRow.price,
                                  m.PlanRow.frequency, m.PlanRow.deposit, m.PlanRow.group_name,
                                  m.PlanRow.archived, m.PlanRow.tax_category,
                                  m.PlanRow.allowance_unit, m.PlanRow.expires_months,
                                  m.PlanRow.early_termination_fee)).all()
    names = {r.id: r.name for r in rows}
    offered: dict[int, list[str]] = {}
    for plan_id, addon_id in session.execute(select(m.plan_addons.c.plan_id,
                                                    m.plan_addons.c.addon_id)):
        offered.setdefault(plan_id, []).append(names[addon_id])
    plans: dict[int, Plan] = {}
    unreadable: dict[int, tuple[str, Message]] = {}
    for r in rows:
        try:
            plans[r.id] = Plan(name=r.name, price=r.price,
                               frequency=parse_frequency(r.frequency) if r.frequency else None,
                               deposit=r.deposit or 0, group=r.group_name,
                               archived=bool(r.archived), kind=r.kind,
                               allowances=allowances.get(r.id, {}),
                               addons=tuple(sorted(offered.get(r.id, ()))), id=r.id,
                               tax_category=r.tax_category or STANDARD,
                               allowance_unit=r.allowance_unit or None,
                               expires_months=r.expires_months,
                               prices=tuple(prices.get(r.id, ())),
                               early_termination_fee=stored_fee(r.early_termination_fee))
        except ValueError as exc:
            if not skip_unreadable:
                raise
            reason = str(exc).rstrip(".")
            unreadable[r.id] = (
                f"The plan {r.name} cannot be used ({reason[:1].lower()}{reason[1:]}).",
                Message.of(M_("The plan {name} cannot be used: {reason}"), name=r.name,
                           reason=refusal(exc)))
    return PlanCatalog(plans, unreadable) if skip_unreadable else plans


# Reading member states ------------------------------------------------------------------------

_CONTRACTS = m.ContractRow.__table__
_DOCS = m.InvoiceRow.__table__.c
_CONTRACT_COLUMNS = tuple(_CONTRACTS.c[name] for name in READ)


# Lists of ids go in as one expanding parameter ("ids"), so a statement is built once and a
# batch of 500 ids is not coerced into 500 SQL literals first.
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)


def _chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _core(session: Session):
    """The session's connection for plain Core reads (pending ORM changes flushed first)."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection()


_ADDONS = m.ContractAddonRow.__table__.c
_ADDONS_OF = (select(_ADDONS.contract_id, _ADDONS.addon_id, _ADDONS.quantity,
                     _ADDONS.start_date)
              .where(_ADDONS.contract_id.in_(_IDS)).order_by(_ADDONS.start_date, _ADDONS.id))


def _contracts_where(session: Session, condition, plans: Mapping[int, Plan],
                     params: dict | None = None) -> list[Contract]:
    """Contracts matching a condition (with its parameters) as domain values, add-ons and
    invoiced spans filled."""
    connection = _core(session)
    rows = connection.execute(select(*_CONTRACT_COLUMNS).where(condition)
                              .order_by(_CONTRACTS.c.id), params).all()
    if not rows:
        return []
    ids = [r[0] for r in rows]
    addons: dict[int, list[ContractAddon]] = {}
    for chunk in _chunks(ids):
        for contract_id, addon_id, quantity, start in connection.execute(_ADDONS_OF,
                                                                          {"ids": chunk}):
            addons.setdefault(contract_id, []).append(
                ContractAddon(plans[addon_id], quantity, start))
    # Rows unpacked as tuples, in _CONTRACT_COLUMNS' order (cheaper than by name).
    contracts = [
        Contract(member=member_id, plan=plans[plan_id],
                 next_plan=None if next_plan_id is None else plans[next_plan_id],
                 start_date=start_date, billing_anchor=billing_anchor,
                 next_invoice_date=next_invoice_date, cancellation_date=cancellation_date,
                 custom_price=custom_price, quantity=quantity,
                 prorate_last_invoice=bool(prorate_last_invoice),
                 prorate_first_invoice=bool(prorate_first_invoice),
                 predecessor=predecessor_id, addons=tuple(addons.get(cid, ())),
                 notes=notes or "", id=cid, commitment_end=commitment_end,
                 notice=parse_frequency(notice) if notice else None,
                 notice_waived=bool(notice_waived), ends_at_commitment_end=bool(ends_at_end))
        for (cid, member_id, plan_id, next_plan_id, custom_price, quantity, start_date,
             billing_anchor, next_invoice_date, cancellation_date, prorate_last_invoice,
             prorate_first_invoice, predecessor_id, notes, commitment_end, notice,
             notice_waived, ends_at_end) in rows
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
                   line.period_end, line.amount, line.tax_category, _DOCS.number)
            .join(_CONTRACTS, c.id == line.contract_id)
            .join(m.InvoiceRow.__table__, _DOCS.id == line.invoice_id)
            .where(line.contract_id.in_(_IDS), line.kind.in_(("plan", ADDON)),
                   line.period_end > earliest, line.period_end <= c.next_invoice_date,
                   line.period_start.is_not(None))
            .order_by(line.invoice_id, line.position))
        for cid, kind, description, start, end, amount, category, number in connection.execute(
                query, {"ids": chunk}):
            low, high = periods[cid]
            if start >= low and end <= high:
                span = InvoicedSpan(kind, description, start, end, amount,
                                    category or STANDARD, number)
                spans.setdefault(cid, []).append(span)
    return [evolve(c, invoiced=tuple(spans[c.id])) if c.id in spans else c for c in contracts]


def load_member_states(session: Session, member_ids: Iterable[int],
                       plans: Mapping[int, Plan] | None = None,
                       settings: BillingSettings | None = None) -> dict[int, MemberState]:
    """Member states for many members at once: one query per table, not per member or contract."""
    ids = sorted(set(member_ids))
    plans = load_plans(session, skip_unreadable=True) if plans is None else plans
    settings = billing_settings(session) if settings is None else settings
    _core(session)
    accounts: dict[int, Account] = accounts_of(session, ids)
    # Rule 27: the charges waiting for each member's next document.
    for member, charges in pending_charges(session, list(accounts)).items():
        accounts[member] = evolve(accounts[member], pending=charges)
    contracts: dict[int, list[Contract]] = {}
    of_members = _CONTRACTS.c.member_id.in_(_IDS)
    for chunk in _chunks(ids):
        for contract in _contracts_where(session, of_members, plans, {"ids": chunk}):
            contracts.setdefault(stored_id(contract.member), []).append(contract)
    return {mid: MemberState(account, tuple(contracts.get(mid, ())), settings)
            for mid, account in accounts.items()}


def load_member_state(session: Session, member_id: int) -> MemberState:
    """One member's account, ALL their contracts (invoiced spans filled) and the settings."""
    states = load_member_states(session, [member_id])
    if member_id not in states:
        raise NotFound("This member no longer exists.")
    return states[member_id]


def load_contracts(session: Session, contract_ids: Iterable[int],
                   plans: Mapping[int, Plan] | None = None) -> dict[int, Contract]:
    """Contracts by id as domain values (add-ons and invoiced spans filled); missing ids absent."""
    plans = load_plans(session, skip_unreadable=True) if plans is None else plans
    ids = sorted(set(contract_ids))
    found: dict[int, Contract] = {}
    for chunk in _chunks(ids):
        condition = _CONTRACTS.c.id.in_(chunk)
        found.update((stored_id(c.id), c) for c in _contracts_where(session, condition, plans))
    return found


def load_contract(session: Session, contract_id: int,
                  plans: Mapping[int, Plan] | None = None) -> Contract | None:
    """One contract as a domain value (add-ons and invoiced spans filled), or None."""
    plans = load_plans(session, skip_unreadable=True) if plans is None else plans
    found = _contracts_where(session, _CONTRACTS.c.id == contract_id, plans)
    return found[0] if found else None
