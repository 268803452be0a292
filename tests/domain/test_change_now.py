"""Rules 10 and 12: new terms and changing plan now, with the checkout figures."""

from datetime import date
from fractions import Fraction

from desktop.domain.change_now import change_now, quote, successor_term
from desktop.domain.model import Account, BillingSettings
from desktop.domain.transitions import apply_day
from domain_builders import contract, paid, plan

SMALL = plan("Small", 20000, id=1)
BIG = plan("Big", 50000, id=2)
TINY = plan("Tiny", 5000, id=3)
NO_TAX = BillingSettings()
DAY = date(2024, 4, 11)


def paid_april(p, amount):
    return contract(p, start=date(2024, 1, 1), next_invoice=date(2024, 5, 1),
                    invoiced=(paid(p.name, date(2024, 4, 1), date(2024, 5, 1), amount),))


def test_rule_12_upgrade_worked_example():
    ended, term = change_now(paid_april(SMALL, 20000), BIG, DAY)
    result = apply_day(Account(1), [ended, term], DAY, NO_TAX)
    assert [(line.kind, line.amount) for line in result.invoice.lines] == [
        ("unused", -13333), ("plan", 33333)]
    q = quote(Account(1), [ended, term], NO_TAX, DAY)
    assert (q.pay_now, q.next_billing_date, q.next_billing_amount) == (
        20000, date(2024, 5, 1), 50000)


def test_rule_12_downgrade_worked_example_leaves_credit_balance():
    ended, term = change_now(paid_april(BIG, 50000), TINY, DAY)
    result = apply_day(Account(1), [ended, term], DAY, NO_TAX)
    assert [(line.kind, line.amount) for line in result.invoice.lines] == [
        ("unused", -33333), ("plan", 3333)]
    assert result.account.credit_balance == 30000
    q = quote(Account(1), [ended, term], NO_TAX, DAY)
    assert (q.pay_now, q.credit_balance_after) == (0, 30000)
    assert q.next_billing_amount == 0  # May's 5000 is paid from the balance


def test_rule_12_pay_now_includes_tax_and_uses_the_credit_balance():
    ended, term = change_now(paid_april(SMALL, 20000), BIG, DAY)
    q = quote(Account(1, credit_balance=5000), [ended, term],
              BillingSettings(tax_rate=Fraction(1, 5)), DAY)
    assert q.pay_now == 20000 + 4000 - 5000


def test_rule_10_new_term_starts_on_the_cancellation_date_and_copies_the_contract():
    old = contract(SMALL, start=date(2024, 1, 1), next_invoice=date(2024, 5, 1),
                   cancellation_date=date(2024, 6, 1), custom_price=18000, quantity=2, id=7)
    term = successor_term(old, old.cancellation_date, new_id=8)
    assert (term.start_date, term.next_invoice_date, term.predecessor) == (
        date(2024, 6, 1), date(2024, 6, 1), 7)
    assert (term.plan, term.quantity, term.custom_price, term.billing_anchor) == (
        SMALL, 2, 18000, date(2024, 1, 1))
    moved = successor_term(old, date(2024, 6, 1), BIG)
    assert moved.custom_price is None and moved.next_plan == BIG
