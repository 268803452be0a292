"""Rules 4-8, 10, 11, 15, 18, 19: what falls due and what it invoices."""

from datetime import date
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.contracts import (
    effective_cancellation,
    last_day_of_access,
    next_event_date,
    status,
)
from desktop.domain.model import Account, BillingSettings
from desktop.domain.periods import Frequency
from desktop.domain.transitions import apply_day, simulate
from domain_builders import contract, paid, plan

NO_TAX = BillingSettings()


def invoices(results):
    """Each day's lines, of all its documents (the deposit on its own one, rule 15)."""
    return [(r.day, [(line.kind, line.amount) for d in r.documents for line in d.lines])
            for r in results if r.documents]


def test_rule_4_invoicing_in_advance_moves_the_next_invoice_date_to_the_boundary():
    c = contract(start=date(2024, 1, 1))
    results = simulate(Account(1), [c], NO_TAX, date(2024, 3, 1))
    assert invoices(results) == [(date(2024, 1, 1), [("plan", 30000)]),
                                 (date(2024, 2, 1), [("plan", 30000)]),
                                 (date(2024, 3, 1), [("plan", 30000)])]
    line = results[1].invoice.lines[0]
    assert (line.period_start, line.period_end) == (date(2024, 2, 1), date(2024, 3, 1))
    assert results[-1].contracts[0].next_invoice_date == date(2024, 4, 1)


def test_rule_5_no_period_starting_on_or_after_the_cancellation_date_is_invoiced():
    c = contract(start=date(2024, 1, 1), cancellation_date=date(2024, 3, 1))
    results = simulate(Account(1), [c], NO_TAX, date(2024, 6, 1))
    assert [day for day, _ in invoices(results)] == [date(2024, 1, 1), date(2024, 2, 1)]
    ended = results[-1].contracts[0]
    assert status(ended, date(2024, 3, 1)) == "cancelled"
    assert status(c, date(2024, 2, 29)) == "active"
    assert last_day_of_access(c) == date(2024, 2, 29)
    assert [t.kind for t in results[-1].transitions] == ["cancellation"]


def test_rule_6_worked_example_cancel_after_n_prorates_the_last_invoice():
    # 30000/month, anchor 15th, period [2024-03-15, 04-15), cancel 03-25, toggle on -> 9677.
    c = contract(start=date(2024, 1, 15), next_invoice=date(2024, 3, 15),
                 cancellation_date=date(2024, 3, 25), prorate_last_invoice=True)
    result = apply_day(Account(1), [c], date(2024, 3, 15), NO_TAX)
    line = result.invoice.lines[0]
    assert line.amount == 9677
    assert (line.period_start, line.period_end, line.days, line.period_days) == (
        date(2024, 3, 15), date(2024, 3, 25), 10, 31)
    # The cancellation that follows credits nothing: [C, N) was never invoiced.
    later = simulate(result.account, result.contracts, NO_TAX, date(2024, 5, 1))
    assert invoices(later) == []


def test_rule_6_toggle_off_bills_the_whole_last_period_and_credits_nothing():
    c = contract(start=date(2024, 1, 15), next_invoice=date(2024, 3, 15),
                 cancellation_date=date(2024, 3, 25), prorate_last_invoice=False)
    results = simulate(Account(1), [c], NO_TAX, date(2024, 5, 1))
    assert invoices(results) == [(date(2024, 3, 15), [("plan", 30000)])]


def test_rule_6_weekly_and_yearly_worked_examples():
    week = plan("Week pass", 7000, Frequency("week"))
    c = contract(week, start=date(2024, 6, 3), cancellation_date=date(2024, 6, 6))
    assert invoices(simulate(Account(1), [c], NO_TAX, date(2024, 7, 1))) == [
        (date(2024, 6, 3), [("plan", 3000)])]
    year = plan("Annual", 365000, Frequency("year"))
    c = contract(year, start=date(2024, 3, 1), cancellation_date=date(2024, 9, 1))
    assert invoices(simulate(Account(1), [c], NO_TAX, date(2025, 6, 1))) == [
        (date(2024, 3, 1), [("plan", 184000)])]


def test_rule_6_cancel_before_n_credits_the_unused_part_of_what_was_invoiced():
    c = contract(start=date(2024, 1, 1), next_invoice=date(2024, 5, 1),
                 cancellation_date=date(2024, 4, 11),
                 invoiced=(paid("Hot desk", date(2024, 4, 1), date(2024, 5, 1), 20000),))
    result = apply_day(Account(1), [c], date(2024, 4, 11), NO_TAX)
    (line,) = result.invoice.lines
    assert (line.kind, line.amount, line.days, line.period_days) == ("unused", -13333, 20, 30)
    assert result.account.credit_balance == 13333


def test_rule_6_without_an_invoice_on_record_the_credit_comes_from_the_price():
    c = contract(start=date(2024, 1, 1), next_invoice=date(2024, 5, 1),
                 cancellation_date=date(2024, 4, 11))
    result = apply_day(Account(1), [c], date(2024, 4, 11), NO_TAX)
    assert [line.amount for line in result.invoice.lines] == [-20000]  # 30000 x 20/30


def test_rule_6_toggle_off_credits_nothing_when_cancelled_mid_period():
    c = contract(start=date(2024, 1, 1), next_invoice=date(2024, 5, 1),
                 cancellation_date=date(2024, 4, 11), prorate_last_invoice=False,
                 invoiced=(paid("Hot desk", date(2024, 4, 1), date(2024, 5, 1), 30000),))
    result = apply_day(Account(1), [c], date(2024, 4, 11), NO_TAX)
    assert result.invoice is None
    assert [t.kind for t in result.transitions] == ["cancellation"]


@given(amount=st.integers(0, 10**8), cancel=st.integers(1, 29))
def test_rule_6_a_credit_never_exceeds_what_was_invoiced(amount, cancel):
    c = contract(start=date(2024, 1, 1), next_invoice=date(2024, 5, 1),
                 cancellation_date=date(2024, 4, 1 + cancel),
                 invoiced=(paid("Hot desk", date(2024, 4, 1), date(2024, 5, 1), amount),))
    result = apply_day(Account(1), [c], c.cancellation_date, NO_TAX)
    credited = -sum(line.amount for line in result.invoice.lines) if result.invoice else 0
    assert 0 <= credited <= amount


def test_rule_7_next_plan_switches_on_the_invoice_date_without_proration():
    hot, office = plan("Hot desk", 30000, id=1), plan("Private office", 60000, id=2)
    c = contract(hot, start=date(2024, 1, 1), next_invoice=date(2024, 3, 1), next_plan=office)
    result = apply_day(Account(1), [c], date(2024, 3, 1), NO_TAX)
    assert [(line.kind, line.amount, line.description) for line in result.invoice.lines] == [
        ("plan", 60000, "Private office")]
    (change,) = result.plan_changes
    assert (change.old_plan, change.new_plan, change.upgrade) == (
        "Hot desk", "Private office", True)
    switched = result.contracts[0]
    assert switched.plan == office and switched.next_plan == office
    assert result.transitions[0].description == "Switched from Hot desk to Private office"


def test_rule_7_a_new_frequency_starts_a_new_anchor_on_n():
    monthly = plan("Hot desk", 30000, id=1)
    yearly = plan("Hot desk yearly", 300000, Frequency("year"), id=2)
    c = contract(monthly, start=date(2024, 1, 15), next_invoice=date(2024, 3, 15), next_plan=yearly)
    result = apply_day(Account(1), [c], date(2024, 3, 15), NO_TAX)
    switched = result.contracts[0]
    assert switched.billing_anchor == date(2024, 3, 15)
    assert switched.next_invoice_date == date(2025, 3, 15)
    assert result.invoice.lines[0].amount == 300000


def test_rule_8_blank_next_plan_ends_the_contract_on_n():
    c = contract(start=date(2024, 1, 1), next_invoice=date(2024, 3, 1), next_plan=None)
    assert effective_cancellation(c) == date(2024, 3, 1)
    assert next_event_date(c) == date(2024, 3, 1)
    later = c.with_changes(cancellation_date=date(2024, 5, 1))
    assert effective_cancellation(later) == date(2024, 3, 1)  # the earlier of C and N
    results = simulate(Account(1), [c], NO_TAX, date(2024, 6, 1))
    assert invoices(results) == []
    assert results[0].contracts[0].cancellation_date == date(2024, 3, 1)


def test_rule_11_new_term_with_billing_day_prorates_the_first_invoice():
    # New term 2024-03-20, anchor day 1, 31000/month, prorate first: 12000 then 31000 on 04-01.
    c = contract(plan(price=31000), start=date(2024, 3, 20), anchor=date(2024, 3, 1),
                 prorate_first_invoice=True)
    results = simulate(Account(1), [c], NO_TAX, date(2024, 4, 1))
    assert invoices(results) == [(date(2024, 3, 20), [("plan", 12000)]),
                                 (date(2024, 4, 1), [("plan", 31000)])]
    assert results[0].transitions[0].kind == "activation"


def test_rule_11_without_prorate_first_the_anchor_moves_to_the_start():
    c = contract(plan(price=31000), start=date(2024, 3, 20), anchor=date(2024, 3, 1),
                 prorate_first_invoice=False)
    results = simulate(Account(1), [c], NO_TAX, date(2024, 4, 25))
    assert invoices(results) == [(date(2024, 3, 20), [("plan", 31000)]),
                                 (date(2024, 4, 20), [("plan", 31000)])]
    assert results[0].contracts[0].billing_anchor == date(2024, 3, 20)


def test_rule_15_first_invoice_charges_the_deposit_shortfall_and_last_cancel_refunds_it():
    desk = plan("Dedicated desk", 40000, deposit=50000, id=1)
    c = contract(desk, start=date(2024, 1, 1), cancellation_date=date(2024, 2, 1))
    results = simulate(Account(1, deposit_held=20000), [c], NO_TAX, date(2024, 3, 1))
    assert invoices(results) == [
        (date(2024, 1, 1), [("plan", 40000), ("deposit", 30000)]),
        (date(2024, 2, 1), [("deposit_refund", -50000)])]
    assert results[-1].account.deposit_held == 0
    # Rule 22: nothing was paid, so the returned 500.00 pays the unpaid invoice (400.00) and
    # 100.00 of the unpaid deposit request, oldest first; 200.00 of that request stays open.
    assert results[-1].account.credit_balance == 0
    assert [d.outstanding for d in results[-1].account.open] == [20000]


def test_rule_15_the_deposit_stays_held_while_another_contract_is_open():
    desk = plan("Dedicated desk", 40000, deposit=50000, id=1)
    first = contract(desk, start=date(2024, 1, 1), cancellation_date=date(2024, 2, 1), id=1)
    second = contract(desk, start=date(2024, 2, 1), id=2, predecessor=1)
    results = simulate(Account(1, deposit_held=50000), [first, second], NO_TAX, date(2024, 2, 1))
    kinds = [kind for _, lines in invoices(results) for kind, _ in lines]
    assert "deposit_refund" not in kinds and "deposit" not in kinds
    assert results[-1].account.deposit_held == 50000


def test_rule_16_recurring_addons_are_billed_with_the_contract():
    from desktop.domain.model import ContractAddon
    locker = plan("Locker", 2000, kind="addon", id=9)
    c = contract(start=date(2024, 1, 1), addons=(ContractAddon(locker, 2, date(2024, 1, 1)),))
    results = simulate(Account(1), [c], NO_TAX, date(2024, 2, 1))
    assert invoices(results)[1] == (date(2024, 2, 1), [("plan", 30000), ("addon", 4000)])


def test_rule_17_all_lines_of_a_member_on_one_date_share_one_invoice_with_tax():
    a = contract(plan("Hot desk", 30000, id=1), start=date(2024, 1, 1), id=1)
    b = contract(plan("Locker plan", 1000, id=2), start=date(2024, 1, 1), id=2)
    settings = BillingSettings(tax_rate=Fraction(1, 5))
    result = apply_day(Account(1), [a, b], date(2024, 1, 1), settings)
    assert len(result.invoice.lines) == 2
    invoice = result.invoice
    assert (invoice.subtotal, invoice.tax, invoice.total) == (31000, 6200, 37200)


def test_rule_18_catch_up_issues_each_missed_invoice_on_its_date_and_switches_on_the_right_one():
    hot, office = plan("Hot desk", 30000, id=1), plan("Private office", 60000, id=2)
    c = contract(hot, start=date(2024, 1, 1), next_invoice=date(2024, 2, 1), next_plan=office)
    results = simulate(Account(1), [c], NO_TAX, date(2024, 4, 30))
    assert invoices(results) == [(date(2024, 2, 1), [("plan", 60000)]),
                                 (date(2024, 3, 1), [("plan", 60000)]),
                                 (date(2024, 4, 1), [("plan", 60000)])]


def test_rule_19_each_transition_has_a_stable_unique_key():
    c = contract(start=date(2024, 1, 1), cancellation_date=date(2024, 4, 1))
    first = simulate(Account(1), [c], NO_TAX, date(2024, 6, 1))
    again = simulate(Account(1), [c], NO_TAX, date(2024, 6, 1))
    keys = [t.key for r in first for t in r.transitions]
    assert keys == [t.key for r in again for t in r.transitions]
    assert len(keys) == len(set(keys)) == 4
    assert keys[0] == (1, "activation", date(2024, 1, 1))
    # Applying the result again finds nothing more due: a re-run does nothing.
    assert simulate(first[-1].account, first[-1].contracts, NO_TAX, date(2024, 6, 1)) == []


def test_rule_6_a_credit_from_the_price_counts_only_days_after_the_start():
    # Started 03-20 on an anchor of the 1st, never invoiced on record: cancelling on 03-25
    # credits the 7 unused days of 31, as if the prorated first invoice had been issued.
    c = contract(plan(price=31000), start=date(2024, 3, 20), anchor=date(2024, 3, 1),
                 next_invoice=date(2024, 4, 1), cancellation_date=date(2024, 3, 25))
    result = apply_day(Account(1), [c], date(2024, 3, 25), NO_TAX)
    (line,) = result.invoice.lines
    assert (line.kind, line.amount, line.days, line.period_days) == ("unused", -7000, 7, 31)
