"""Rule 17: invoice arithmetic (tax, credit balance, amount due) and rule 16 add-on lines."""

from datetime import date

from desktop.domain.invoicing import addon_added_lines
from desktop.domain.model import ContractAddon
from desktop.domain.periods import Frequency
from domain_builders import contract, paid, plan

DAY = date(2024, 4, 1)


def test_rule_16_recurring_addon_added_mid_period_is_invoiced_prorated_at_once():
    c = contract(start=date(2024, 1, 1), next_invoice=date(2024, 5, 1),
                 invoiced=(paid("Hot desk", date(2024, 4, 1), date(2024, 5, 1), 30000),))
    locker = ContractAddon(plan("Locker", 3000, kind="addon"), 1, date(2024, 4, 11))
    (line,) = addon_added_lines(c, locker, date(2024, 4, 11))
    assert (line.amount, line.days, line.period_days) == (2000, 20, 30)


def test_rule_16_one_off_addon_is_invoiced_once_in_full():
    c = contract(start=date(2024, 1, 1), next_invoice=date(2024, 5, 1))
    hours = plan("10 meeting-room hours", 9000, None, kind="addon")
    pack = ContractAddon(hours, 2, date(2024, 4, 11))
    (line,) = addon_added_lines(c, pack, date(2024, 4, 11))
    assert line.amount == 18000 and line.period_end is None


def test_rule_16_addon_priced_by_another_frequency_is_converted_exactly():
    from desktop.domain.invoicing import period_lines
    yearly = plan("Annual desk", 360000, Frequency("year"))
    locker = ContractAddon(plan("Locker", 2000, kind="addon"), 1, date(2024, 1, 1))
    c = contract(yearly, start=date(2024, 1, 1), addons=(locker,))
    year = (date(2024, 1, 1), date(2025, 1, 1))
    lines = period_lines(c, year, year)
    assert [line.amount for line in lines] == [360000, 24000]


def test_rule_16_an_addon_added_in_a_short_first_period_is_prorated_over_the_whole_period():
    c = contract(start=date(2024, 3, 20), anchor=date(2024, 3, 1), next_invoice=date(2024, 4, 1))
    locker = ContractAddon(plan("Locker", 3100, kind="addon"), 1, date(2024, 3, 25))
    (line,) = addon_added_lines(c, locker, date(2024, 3, 25))
    assert (line.amount, line.days, line.period_days) == (700, 7, 31)
