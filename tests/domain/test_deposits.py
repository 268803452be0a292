"""Rule 15: the refundable deposit follows the largest need, whichever way the plan changes."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.change_now import change_now, quote
from desktop.domain.model import Account, BillingSettings
from desktop.domain.transitions import simulate
from domain_builders import contract, plan

NO_TAX = BillingSettings()
HOT = plan("Hot desk", 20000, deposit=0, group="Desks")
DEDICATED = plan("Dedicated desk", 35000, deposit=35000, group="Desks")


def deposit_lines(results):
    """Rule 15: deposit lines stand on deposit documents of their own, never on an invoice."""
    assert not any(line.kind.startswith("deposit") for r in results if r.invoice is not None
                   for line in r.invoice.lines)
    return [(r.day, line.kind, line.amount) for r in results for d in r.documents
            for line in d.lines if line.kind.startswith("deposit")]


def test_rule_15_a_switch_to_a_next_plan_charges_the_deposit_shortfall():
    """The audit's case: Hot desk → Dedicated desk (deposit 350.00) by Next plan on 2024-05-01."""
    c = contract(HOT, start=date(2024, 1, 1), next_invoice=date(2024, 5, 1), next_plan=DEDICATED)
    results = simulate(Account(1), [c], NO_TAX, date(2024, 6, 1))
    assert deposit_lines(results) == [(date(2024, 5, 1), "deposit", 35000)]
    assert results[-1].account.deposit_held == 35000


def test_rule_15_next_plan_and_change_now_collect_the_same_deposit():
    """Both ways of the assistant, side by side: each collects 350.00 on the day it switches."""
    c = contract(HOT, start=date(2024, 1, 1), next_invoice=date(2024, 5, 1))
    switched = quote(Account(1), [c.with_changes(next_plan=DEDICATED)], NO_TAX, date(2024, 4, 11))
    ended, term = change_now(c, DEDICATED, date(2024, 4, 11))
    now = quote(Account(1), [ended, term], NO_TAX, date(2024, 4, 11))
    # Next plan: May bills 350.00 of plan and 350.00 of deposit.
    assert (switched.pay_now, switched.next_billing_amount) == (0, 35000 + 35000)
    # Now: -13333 unused Hot desk + 23333 Dedicated desk for [04-11, 05-01) + 35000 deposit.
    assert now.pay_now == -13333 + 23333 + 35000
    assert now.next_billing_amount == 35000


def test_rule_15_a_smaller_need_never_refunds_while_a_contract_is_open():
    c = contract(DEDICATED, start=date(2024, 1, 1), next_invoice=date(2024, 2, 1), next_plan=HOT)
    results = simulate(Account(1, deposit_held=35000), [c], NO_TAX, date(2024, 4, 1))
    assert results[0].plan_changes and deposit_lines(results) == []
    assert results[-1].account.deposit_held == 35000


changes = st.lists(st.tuples(st.sampled_from(["next plan", "now"]), st.integers(0, 3),
                             st.integers(1, 45)), max_size=6)


@given(st.lists(st.integers(0, 60000), min_size=4, max_size=4), changes, st.integers(1, 3))
def test_rule_15_held_deposit_is_the_largest_need_so_far_until_the_last_contract_ends(
        deposits, steps, quantity):
    plans = [plan(f"Plan {i}", 10000 * (i + 1), deposit=d) for i, d in enumerate(deposits)]
    live = contract(plans[0], start=date(2024, 1, 1), quantity=quantity, id="c0")
    account, contracts = Account(1), (live,)
    day, largest = live.start_date, plans[0].deposit * quantity

    def run(until):
        nonlocal account, contracts
        results = simulate(account, contracts, NO_TAX, until)
        if results:
            account, contracts = results[-1].account, results[-1].contracts

    run(day)
    assert account.deposit_held == largest
    for number, (way, index, offset) in enumerate(steps, start=1):
        live = next(c for c in contracts if c.next_invoice_date is not None)
        target = plans[index]
        if way == "next plan":
            day = live.next_invoice_date
            contracts = tuple(live.with_changes(next_plan=target) if c is live else c
                              for c in contracts)
        else:
            day = max(day, live.start_date) + timedelta(days=offset)
            run(day - timedelta(days=1))
            live = next(c for c in contracts if c.next_invoice_date is not None)
            ended, term = change_now(live, target, day, new_id=f"c{number}")
            contracts = tuple(ended if c is live else c for c in contracts) + (term,)
        run(day)
        largest = max(largest, target.deposit * quantity)
        assert account.deposit_held == largest
    live = next(c for c in contracts if c.next_invoice_date is not None)
    ends = live.next_invoice_date
    contracts = tuple(live.with_changes(cancellation_date=ends) if c is live else c
                      for c in contracts)
    results = simulate(account, contracts, NO_TAX, ends)
    assert results[-1].account.deposit_held == 0
    refunds = [amount for _, kind, amount in deposit_lines(results) if kind == "deposit_refund"]
    assert refunds == ([-largest] if largest else [])
