"""Rule 3: exact proration, rounded once, half away from zero."""

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.money import parse_amount, parse_rate, round_minor
from desktop.domain.proration import prorate


def test_rule_3_worked_example_monthly_cancel_prorated():
    # 30000/month, period [2024-03-15, 04-15), cancel 03-25 -> 10 of 31 days.
    assert prorate(30000, (date(2024, 3, 15), date(2024, 4, 15)),
                   (date(2024, 3, 15), date(2024, 3, 25))) == 9677


def test_rule_3_weekly_and_yearly_worked_examples():
    assert prorate(7000, (date(2024, 6, 3), date(2024, 6, 10)),
                   (date(2024, 6, 3), date(2024, 6, 6))) == 3000
    assert prorate(365000, (date(2024, 3, 1), date(2025, 3, 1)),
                   (date(2024, 3, 1), date(2024, 9, 1))) == 184000


def test_rule_3_span_outside_the_period_gives_zero():
    assert prorate(1000, (date(2024, 1, 1), date(2024, 2, 1)),
                   (date(2024, 2, 1), date(2024, 3, 1))) == 0


def test_rule_3_rounding_is_half_away_from_zero_for_charges_and_credits():
    assert round_minor(Fraction(5, 2)) == 3
    assert round_minor(Fraction(-5, 2)) == -3
    assert round_minor(Fraction(7, 3)) == 2
    assert round_minor(Fraction(-7, 3)) == -2
    period = (date(2024, 1, 1), date(2024, 1, 5))  # 4 days
    assert prorate(10, period, (date(2024, 1, 1), date(2024, 1, 2))) == 3  # 2.5 -> 3
    assert prorate(-10, period, (date(2024, 1, 1), date(2024, 1, 2))) == -3


periods = st.tuples(st.dates(date(2000, 1, 1), date(2050, 1, 1)), st.integers(1, 400)).map(
    lambda p: (p[0], p[0] + timedelta(days=p[1])))


@given(amount=st.integers(-10**9, 10**9), period=periods, cut=st.integers(0, 400))
def test_rule_3_splitting_a_period_gives_parts_within_one_unit_of_the_whole(amount, period, cut):
    day = min(period[0] + timedelta(days=cut), period[1])
    left = prorate(amount, period, (period[0], day))
    right = prorate(amount, period, (day, period[1]))
    assert abs(left + right - amount) <= 1
    assert prorate(amount, period, period) == amount


@given(amount=st.integers(0, 10**9), period=periods, a=st.integers(0, 400), b=st.integers(0, 400))
def test_rule_3_a_prorated_part_never_exceeds_the_whole(amount, period, a, b):
    start, end = sorted((period[0] + timedelta(days=a), period[0] + timedelta(days=b)))
    assert 0 <= prorate(amount, period, (start, end)) <= amount


def test_money_parsing_is_exact_and_refuses_extra_decimals():
    assert parse_amount("350", "EUR") == 35000
    assert parse_amount("350.5", "EUR") == 35050
    assert parse_amount("1200", "JPY") == 1200
    with pytest.raises(ValueError, match="more decimals than EUR allows"):
        parse_amount("1.234", "EUR")
    with pytest.raises(ValueError, match="not an amount"):
        parse_amount("ten", "EUR")
    assert parse_rate("20") == Fraction(1, 5)
    with pytest.raises(ValueError, match="between 0 and 100"):
        parse_rate("120")
