"""The change plan assistant (rules 7, 9, 12, 13, 14): options, quotes, and applying one.

Three ways to change: "now" (rule 12: cancel today with the last invoice prorated, new term from
today with the first invoice prorated, and today's invoice issued at once), "next_invoice"
(rule 7: the next plan, switched on the next invoice date; with a new quantity or add-ons it
becomes a change on that date) and "date" (like now, on a chosen later date). Every quote is
domain `quote` on today, run on the member's contracts as the change leaves them: pay now is
what today's invoice asks, the next billing date and amount are the first invoice after today.
Add-ons alone (the same plan and quantity) are bought on the contract, which goes on as it is:
recurring ones held from the day chosen, packages bought today; with a plan change, packages are
bought today on the contract in force today (rule 16). Refused, in the quote as when applied: a
contract that already has a next term (rule 10) and a new term on the day the contract started
(docs/billing-rules.md#validation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from desktop.domain.change_now import change_now, quote
from desktop.domain.contracts import effective_cancellation, status
from desktop.domain.invoicing import buy_addons
from desktop.domain.model import (
    ACTIVE,
    ADDON,
    M_,
    Contract,
    ContractAddon,
    Invoice,
    Line,
    Plan,
    PlanChange,
    Problem,
    stored_id,
)
from desktop.domain.plan_changes import (
    UPGRADE,
    change_label,
    custom_price_blocks,
    eligible_targets,
    is_no_change,
    labelled_targets,
    same_plan,
)
from desktop.domain.validation import validate_contract
from desktop.i18n import _
from desktop.ledger import audit
from desktop.ledger.contracts import next_term_start
from desktop.services.contracts.lookups import catalog, member_state_of
from desktop.services.contracts.previews import CUSTOM_PRICE_BLOCK, with_contract
from desktop.services.errors import NotFound, Refused, ValidationError
from desktop.services.formatting import formatter

NOW, NEXT_INVOICE, DATE = "now", "next_invoice", "date"
WHENS = (NOW, NEXT_INVOICE, DATE)
NO_CHANGE = M_("This selection would not change the membership.")
HAS_NEXT_TERM = M_("This contract already has a next term; change that term instead.")
STARTED_TODAY = M_('This contract started today, so it cannot be changed now; change it from '
                 'tomorrow with "On a chosen date".')


@dataclass(frozen=True)
class ChangeOption:
    plan: Plan
    label: str
    when: str
    on: date
    pay_now: int
    next_billing_date: date | None
    next_billing_amount: int
    no_change: bool
    deposit: int = 0                 # rule 15: deposit charged now or at the next billing date
    deposit_date: date | None = None
    change_invoice: Invoice | None = None  # the invoice that bills the change (rule 12)
    balance_after_change: int = 0          # the member's credit balance after it


@dataclass(frozen=True)
class ChangePlan:
    """A change worked out but not written: the contracts it saves, which is in force after."""

    option: ChangeOption
    original: Contract
    ended: Contract | None        # the contract as the change leaves it (None: unchanged)
    term: Contract | None         # the new term (None: rule 7, the next plan switches instead)
    blocked: str | None           # why it may not be applied (rule 9 or 14), else None
    at_once: tuple[Line, ...] = ()  # add-ons bought, invoiced today (rule 16)


def _refuse_unless_changeable(session: Session, contract: Contract, today: date) -> None:
    """Only an active contract changes here, and only the last term of its chain: a change
    makes a new term, and a second next term would run alongside the first (rule 10)."""
    state = status(contract, today)
    if state == "inactive":
        raise Refused(_("This contract has not started yet; choose its plan in the editor."))
    if next_term_start(session, stored_id(contract.id)) is not None:
        raise Refused(_(HAS_NEXT_TERM))
    if state != ACTIVE:
        raise Refused(_("This contract has ended; create a new term to continue it."))


def _target(contract: Contract, plans: list[Plan], plan_id: int) -> Plan:
    """The plan asked for, if the contract may change to it (rule 13)."""
    for plan in eligible_targets(contract.plan, plans):
        if plan.id == plan_id:
            return plan
    if any(p.id == plan_id for p in plans):
        name = next(p.name for p in plans if p.id == plan_id)
        raise ValidationError([Problem("plan", _(
            "{name} is not one of the plans this contract can change to.").format(name=name))])
    raise NotFound(_("This plan no longer exists."))


def _new_addons(plans: list[Plan], addon_ids: tuple[int, ...], contract: Contract,
                target: Plan) -> list[Plan]:
    """The add-ons chosen that the contract does not hold yet, each offered by the target plan
    (rule 16). A package is never held: choosing one buys it (again)."""
    by_id = {p.id: p for p in plans}
    held = {item.addon.name for item in contract.addons if item.addon.recurring}
    chosen = []
    for addon_id in dict.fromkeys(addon_ids):
        addon = by_id.get(addon_id)
        if addon is None:
            raise NotFound(_("This add-on no longer exists."))
        if addon.name in held:
            continue
        if addon.kind != ADDON:
            raise ValidationError([Problem("addons", _("{name} is a plan, not an add-on.").format(
                name=addon.name))])
        if addon.archived:
            raise ValidationError([Problem("addons",
                                           _("{name} is archived and cannot be sold.").format(
                                               name=addon.name))])
        if addon.name not in target.addons:
            raise ValidationError([Problem("addons",
                                           _("{plan} does not offer {name}.").format(
                                               plan=target.name, name=addon.name))])
        chosen.append(addon)
    return chosen


def _change_day(contract: Contract, when: str, on: date | None, today: date) -> date:
    if when == NOW:
        return today
    if when == NEXT_INVOICE:
        assert contract.next_invoice_date is not None  # an active contract (refused otherwise)
        return contract.next_invoice_date
    if when != DATE:
        raise ValueError(f'Unknown "when" {when!r}: use now, next_invoice or date.')
    if on is None:
        raise ValidationError([Problem("on", _("Choose the date of the change."))])
    if on < today:
        raise ValidationError([Problem("on", _("The change date cannot be in the past."))])
    return on


def work_out(session: Session, contract_id: int, plan_id: int, when: str, on: date | None,
             quantity: int | None, addon_ids: tuple[int, ...], today: date) -> ChangePlan:
    """The change asked for and its quote, without writing anything."""
    state, contract = member_state_of(session, contract_id)
    _refuse_unless_changeable(session, contract, today)
    plans = catalog(session)
    target = _target(contract, plans, plan_id)
    if quantity is not None and quantity < 1:
        raise ValidationError([Problem("quantity", _("The quantity must be at least 1."))])
    added = _new_addons(plans, addon_ids, contract, target)
    day = _change_day(contract, when, on, today)
    new_quantity = contract.quantity if quantity is None else quantity
    # Rule 16: add-ons alone (same plan, same quantity) are bought on the contract as it is.
    alone = same_plan(target, contract.plan) and new_quantity == contract.quantity
    ends = effective_cancellation(contract)
    # A blank next plan ends the contract on N (rule 8); choosing a next plan for N lifts that.
    last = contract.cancellation_date if when == NEXT_INVOICE and not alone else ends
    if last is not None and day >= last:
        fmt = formatter(session)
        raise Refused(_("This contract ends on {last}, so it cannot change plans on {day}.")
                      .format(last=fmt.date(last), day=fmt.date(day)))
    no_change = is_no_change(contract, target, quantity, [a.name for a in added])
    blocked = _(NO_CHANGE) if no_change else None
    # Rule 13 by price per year, for the quantity chosen (two desks is an upgrade on one).
    label = change_label(contract.plan, target, contract.quantity, contract.unit_price,
                         new_quantity)
    recurring = [a for a in added if a.recurring]
    packages = [(a, 1) for a in added if not a.recurring]
    simple_switch = when == NEXT_INVOICE and new_quantity == contract.quantity and not recurring
    if (day == contract.start_date == today and not alone
            and (when != NEXT_INVOICE or not simple_switch)):
        # Ending it the day it starts is a cancellation on its start date, which validation
        # forbids (docs/billing-rules.md); refused in the quote too, so the assistant never offers a
        # figure it cannot apply.
        raise Refused(_(STARTED_TODAY))
    at_once: list[Line] = []
    if no_change:
        ended, term, contracts = None, None, state.contracts
    elif alone:
        # Recurring ones are held from the day chosen; packages are bought today (rule 16).
        ended, at_once = buy_addons(contract, [(a, 1) for a in added], today, start=day)
        term, contracts = None, with_contract(state.contracts, ended)
    elif simple_switch:
        ended, at_once = buy_addons(contract.with_changes(next_plan=target), packages, today)
        term, contracts = None, with_contract(state.contracts, ended)
    else:
        held = tuple(ContractAddon(a, 1, day) for a in recurring)
        ended, term = change_now(contract, target, day, quantity=new_quantity,
                                 addons=contract.addons + held, new_id=None)
        if ends is not None and ends > day:  # a scheduled end stays scheduled on the new term
            term = term.with_changes(cancellation_date=ends)
        # Packages are bought today on the contract in force today, so their hours count now.
        if day == today:
            term, at_once = buy_addons(term, packages, today)
        else:
            ended, at_once = buy_addons(ended, packages, today)
        contracts = with_contract(state.contracts, ended) + (term,)
    if blocked is None and when == NEXT_INVOICE and custom_price_blocks(contract, target):
        blocked = _(CUSTOM_PRICE_BLOCK)
    figures = quote(state.account, contracts, state.settings, today, at_once=at_once)
    option = ChangeOption(target, label, when, day, figures.pay_now, figures.next_billing_date,
                          figures.next_billing_amount, no_change, figures.deposit,
                          figures.deposit_date, figures.change_invoice,
                          figures.balance_after_change)
    return ChangePlan(option, contract, ended, term, blocked, tuple(at_once))


def options(session: Session, contract_id: int, today: date) -> list[ChangeOption]:
    """Every eligible plan (rule 13) with each way of changing to it; "date" is quoted on the
    day after today until the assistant asks for another day."""
    _state, contract = member_state_of(session, contract_id)
    _refuse_unless_changeable(session, contract, today)
    found = []
    for plan, _label in labelled_targets(contract, catalog(session)):
        for when in WHENS:
            on = today + timedelta(days=1) if when == DATE else None
            try:
                found.append(work_out(session, contract_id, stored_id(plan.id), when, on,
                                      None, (), today).option)
            except Refused:
                continue  # this way is not open (the contract ends before the change)
    return found


def validated(change: ChangePlan, plans: list[Plan], today: date) -> list[Problem]:
    """The domain's validation of the contracts the change would save."""
    problems = []
    if change.ended is not None:
        problems += validate_contract(change.ended, change.original, plans, today)
    if change.term is not None:
        problems += validate_contract(change.term, None, plans, today)
    return problems


def record_plan_change(session: Session, original: Contract, term: Contract, term_id: int,
                       now: datetime) -> None:
    """Rule 20: a change to another plan (or quantity) records old/new plan, price, upgrade."""
    if same_plan(original.plan, term.plan) and original.quantity == term.quantity:
        return
    label = change_label(original.plan, term.plan, original.quantity, original.unit_price,
                         term.quantity)
    audit.write_plan_change(session, PlanChange(
        term_id, term.start_date, original.plan.name, term.plan.name, original.unit_price,
        term.unit_price, term.quantity, label == UPGRADE), term_id, now)


def change_refusal(session: Session, contract: Contract, today: date) -> str:
    """Why this contract cannot change plan here, or "" (the checks applying a change makes)."""
    try:
        _refuse_unless_changeable(session, contract, today)
    except Refused as refusal:
        return str(refusal)
    return ""
