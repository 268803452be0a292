"""Rule 27 in the pure rules: which pending charges a day's document bills, and when a member
without a contract to invoice gets an invoice of its own."""

from __future__ import annotations

from datetime import date

from desktop.domain.model import Account, BillingSettings, Charge
from desktop.domain.transitions import apply_day, next_due, simulate
from domain_builders import contract

SETTINGS = BillingSettings()


def _charge(day, amount=1000, **extra) -> Charge:
    return Charge(1, day, "Meeting room hour", amount, product="Meeting room hour",
                  id=day.toordinal(), **extra)


def test_rule_27_charges_up_to_the_billing_date_go_on_its_invoice_and_later_ones_wait():
    early, late = _charge(date(2024, 1, 20)), _charge(date(2024, 2, 5), quantity=2)
    account = Account(1, pending=(early, late))
    running = contract(next_invoice=date(2024, 2, 1))
    result = apply_day(account, [running], date(2024, 2, 1), SETTINGS)
    assert result.charges == (early,)
    assert [(line.kind, line.amount, line.period_start) for line in result.invoice.lines] == [
        ("plan", 30000, date(2024, 2, 1)), ("charge", 1000, date(2024, 1, 20))]
    assert result.account.pending == (late,)
    assert next_due(result.contracts, result.account) == date(2024, 3, 1)


def test_rule_27_without_a_contract_to_invoice_a_charge_is_billed_on_its_own_day():
    account = Account(1, pending=(_charge(date(2024, 1, 20), quantity=3),))
    ended = contract(cancellation_date=date(2024, 1, 1)).with_changes(next_invoice_date=None)
    assert next_due([ended], account) == date(2024, 1, 20)
    assert next_due([ended]) is None  # nothing else is due for this member
    [result] = simulate(account, [ended], SETTINGS, date(2024, 3, 1))
    assert (result.day, result.invoice.total) == (date(2024, 1, 20), 3000)
    assert [line.description for line in result.invoice.lines] == ["Meeting room hour × 3"]
    assert result.account.pending == ()


def test_rule_27_a_contract_ending_takes_the_charges_of_its_last_days():
    charge = _charge(date(2024, 1, 20))
    ending = contract(next_invoice=date(2024, 2, 1), cancellation_date=date(2024, 1, 25))
    result = apply_day(Account(1, pending=(charge,)), [ending], date(2024, 1, 25), SETTINGS)
    assert result.charges == (charge,)
    assert [line.kind for line in result.invoice.lines] == ["unused", "charge"]
