"""Change now (rule 12): cancel on a day with the last invoice prorated, new term from that day."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from desktop.domain.model import (
    Account,
    BillingSettings,
    Contract,
    ContractAddon,
    Invoice,
    Line,
    Plan,
)
from desktop.domain.transitions import simulate, simulate_to

# Far enough ahead to reach the next invoice of any frequency (three years covers "1 year" twice).
_HORIZON = timedelta(days=3 * 366)


def successor_term(contract: Contract, start: date, plan: Plan | None = None,
                   quantity: int | None = None, new_id=None,
                   addons: tuple[ContractAddon, ...] | None = None,
                   prorate_first: bool | None = None) -> Contract:
    """Rule 10: the next term starts on the given day, continues the anchor, links the
    predecessor."""
    plan = plan or contract.plan
    keeps_plan = plan == contract.plan
    carried = contract.addons if addons is None else addons
    # Rule 10 and 16: a term carries the recurring add-ons; a package was bought once, for the
    # period it was bought in, and is never copied.
    carried = tuple(item for item in carried if item.addon.recurring)
    return Contract(
        member=contract.member, plan=plan, next_plan=plan, start_date=start,
        billing_anchor=contract.billing_anchor, next_invoice_date=start,
        custom_price=contract.custom_price if keeps_plan else None,
        quantity=contract.quantity if quantity is None else quantity,
        prorate_last_invoice=contract.prorate_last_invoice,
        prorate_first_invoice=(contract.prorate_first_invoice if prorate_first is None
                               else prorate_first),
        predecessor=contract.id,
        addons=tuple(replace(item, start_date=start) for item in carried),
        id=new_id,
    )


def change_now(contract: Contract, target: Plan, day: date, quantity: int | None = None,
               addons: tuple[ContractAddon, ...] | None = None,
               new_id="new") -> tuple[Contract, Contract]:
    """Rule 12 = rules 6 + 10 + 11: the ended contract and the new term it becomes on the day."""
    ended = replace(contract, cancellation_date=day, prorate_last_invoice=True,
                    next_plan=contract.plan if contract.next_plan is None else contract.next_plan)
    term = successor_term(contract, day, target, quantity, new_id, addons, prorate_first=True)
    # Rule 25: a change of plan is no cancellation: the commitment and the notice carry over
    # to the new term, which is bound by them as the old one was (and no fee is due).
    if contract.commitment_end is not None and contract.commitment_end > day:
        term = replace(term, commitment_end=contract.commitment_end,
                       ends_at_commitment_end=contract.ends_at_commitment_end)
    term = replace(term, notice=contract.notice)
    return ended, term


@dataclass(frozen=True)
class Quote:
    """Rule 12's checkout figures: what is due on the day and at the next billing date."""

    day: date
    pay_now: int
    next_billing_date: date | None
    next_billing_amount: int
    credit_balance_after: int
    deposit: int = 0                 # rule 15: the deposit request of the change's own day,
    deposit_date: date | None = None  # and that day
    change_invoice: Invoice | None = None  # the invoice that bills the change, line by line
    balance_after_change: int = 0          # the credit balance once that invoice is issued


def quote(account: Account, contracts: Iterable[Contract], settings: BillingSettings,
          day: date, horizon: timedelta = _HORIZON, at_once: Sequence[Line] = ()) -> Quote:
    """Simulate the member's contracts from `day`: the amount due that day and the next invoice's.

    `at_once` are lines invoiced on the day beside the transitions (add-ons bought, rule 16):
    they stand on the day's one document (rule 17), as when the change is applied.
    """
    # Each day that issues documents, with them; pay now is what the day's documents still
    # lack once the credit balance is offset (rule 22), as issued.
    today = [r for r in simulate_to(account, contracts, settings, day, today=day, at_once=at_once)
             if r.documents]
    pay_now = sum(d.amount_due for r in today if r.day == day for d in r.documents)
    if today:
        account, contracts = today[-1].account, today[-1].contracts
    later = [r for r in simulate(account, contracts, settings, day + horizon, max_invoices=1)
             if r.documents]
    # The change is billed on the day's documents when it applies now, else on the next ones.
    billed = today[-1] if today and today[-1].day == day else (later[0] if later else None)
    change_invoice = None if billed is None else (billed.invoice or billed.documents[0])
    # Rule 15: the deposit that day's own deposit request charges (a switch scheduled for
    # another date asks for its deposit then, not with this purchase).
    deposit = 0 if billed is None else sum(
        d.total for d in billed.documents if d.type == "deposit_request")
    charged_on = billed.day if deposit and billed is not None else None
    balance_after = (billed.account.credit_balance if billed is not None
                     else account.credit_balance)
    if later:
        following = later[0]
        return Quote(day, pay_now, following.day,
                     sum(d.amount_due for d in following.documents),
                     account.credit_balance, deposit, charged_on, change_invoice, balance_after)
    return Quote(day, pay_now, None, 0, account.credit_balance, deposit, charged_on,
                 change_invoice, balance_after)
