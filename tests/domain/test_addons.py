"""Rule 16 (add-ons held from their start date, packages once) and rule 10 (what a term copies)."""

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.change_now import change_now, successor_term
from desktop.domain.contracts import addon_counts_on
from desktop.domain.invoicing import addon_added_lines
from desktop.domain.model import Account, BillingSettings, ContractAddon
from desktop.domain.periods import Frequency
from desktop.domain.transitions import simulate
from domain_builders import MONTH, contract, plan

NO_TAX = BillingSettings()
LOCKER = plan("Locker", 2500, kind="addon")
PACKAGE = plan("10 meeting-room hours", 9000, None, kind="addon",
               allowances={"Meeting room hours": 10})


def addon_lines(results):
    return [(r.day, line.period_start, line.period_end, line.amount)
            for r in results if r.invoice is not None
            for line in r.invoice.lines if line.kind == "addon"]


def test_rule_16_an_addon_is_not_invoiced_for_the_months_before_its_start():
    """The audit's case: Locker from 2025-03-10 on a contract invoiced monthly from 2025-01-01.

    Nothing in January or February; March bills [03-10, 04-01): 2500 × 22/31 = 1774.19 → 1774.
    """
    held = ContractAddon(LOCKER, 1, date(2025, 3, 10))
    c = contract(start=date(2025, 1, 1), addons=(held,))
    results = simulate(Account(1), [c], NO_TAX, date(2025, 4, 1))
    assert [r.day for r in results] == [date(2025, m, 1) for m in (1, 2, 3, 4)]
    assert addon_lines(results) == [
        (date(2025, 3, 1), date(2025, 3, 10), date(2025, 4, 1), 1774),
        (date(2025, 4, 1), date(2025, 4, 1), date(2025, 5, 1), 2500)]


def test_rule_16_an_addon_starting_inside_the_first_period_is_prorated_from_its_start():
    """The audit's case: Locker from 2025-01-15 bills 2500 × 17/31 = 1371 for [01-15, 02-01)."""
    held = ContractAddon(LOCKER, 1, date(2025, 1, 15))
    c = contract(start=date(2025, 1, 1), addons=(held,))
    (first,) = simulate(Account(1), [c], NO_TAX, date(2025, 1, 1))
    line = next(line for line in first.invoice.lines if line.kind == "addon")
    assert (line.amount, line.period_start, line.period_end, line.days, line.period_days) == (
        1371, date(2025, 1, 15), date(2025, 2, 1), 17, 31)


def test_rule_16_an_addon_bought_now_to_start_after_the_next_invoice_date_is_not_invoiced_now():
    c = contract(start=date(2025, 1, 1), next_invoice=date(2025, 3, 1))
    later = ContractAddon(LOCKER, 1, date(2025, 3, 5))
    assert addon_added_lines(c, later, date(2025, 2, 10)) == []
    inside = ContractAddon(LOCKER, 1, date(2025, 2, 20))
    (line,) = addon_added_lines(c, inside, date(2025, 2, 10))
    assert (line.period_start, line.period_end, line.amount) == (
        date(2025, 2, 20), date(2025, 3, 1), 804)  # 2500 × 9/28


frequencies = st.sampled_from([MONTH, Frequency("month", 3), Frequency("week", 2),
                               Frequency("year")])


@given(st.integers(0, 400), st.integers(0, 30), frequencies, st.booleans(), st.integers(0, 20))
def test_rule_16_no_line_of_an_addon_covers_a_day_before_its_start(
        offset, anchor_back, frequency, prorate_first, cancel_after):
    """For any add-on start date: every add-on line starts on or after it, and from the period
    that contains it on, the add-on is billed for every day the contract is."""
    start = date(2024, 1, 31)
    held = ContractAddon(LOCKER, 1, start + timedelta(days=offset))
    c = contract(plan("Desk", 30000, frequency), start=start,
                 anchor=start - timedelta(days=anchor_back), addons=(held,),
                 prorate_first_invoice=prorate_first,
                 cancellation_date=start + timedelta(days=offset + cancel_after * 20 + 1))
    results = simulate(Account(1), [c], NO_TAX, start + timedelta(days=offset + 800))
    plan_days = [(line.period_start, line.period_end) for r in results if r.invoice
                 for line in r.invoice.lines if line.kind == "plan"]
    addon_spans = [(s, e) for _, s, e, _ in addon_lines(results)]
    assert all(s >= held.start_date for s, _ in addon_spans)
    expected = [(max(s, held.start_date), e) for s, e in plan_days if e > held.start_date]
    assert addon_spans == expected


def test_rule_10_a_new_term_copies_recurring_addons_but_never_a_one_off_package():
    held = (ContractAddon(LOCKER, 1, date(2024, 1, 1)), ContractAddon(PACKAGE, 1, date(2024, 2, 3)))
    old = contract(start=date(2024, 1, 1), next_invoice=date(2024, 4, 1),
                   cancellation_date=date(2024, 4, 1), addons=held)
    term = successor_term(old, date(2024, 4, 1))
    assert [(a.addon.name, a.start_date) for a in term.addons] == [("Locker", date(2024, 4, 1))]
    _ended, changed = change_now(old, plan("Dedicated desk", 35000), date(2024, 3, 10))
    assert [a.addon.name for a in changed.addons] == ["Locker"]


def test_rule_27_a_packages_allowance_counts_from_purchase_until_it_expires():
    bought = ContractAddon(PACKAGE, 1, date(2024, 2, 10))
    c = contract(start=date(2024, 1, 15), next_invoice=date(2024, 3, 15), addons=(bought,))
    # Past the billing period it was bought in ([01-15, 02-15)), for 12 months.
    assert not addon_counts_on(c, bought, date(2024, 2, 9))
    assert addon_counts_on(c, bought, date(2024, 2, 10))
    assert addon_counts_on(c, bought, date(2024, 2, 15))
    assert addon_counts_on(c, bought, date(2025, 2, 9))
    assert not addon_counts_on(c, bought, date(2025, 2, 10))
    short = ContractAddon(replace(PACKAGE, expires_months=3), 1, date(2024, 2, 10))
    assert addon_counts_on(c, short, date(2024, 5, 9))
    assert not addon_counts_on(c, short, date(2024, 5, 10))
    locker = ContractAddon(LOCKER, 1, date(2024, 2, 10))
    assert addon_counts_on(c, locker, date(2024, 6, 20))
    assert not addon_counts_on(c, locker, date(2024, 2, 9))
