"""Rules 1 and 2: frequencies and period boundaries counted from a fixed anchor."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.periods import (
    Frequency,
    billing_day_anchor,
    boundary,
    is_boundary,
    next_boundary_after,
    parse_frequency,
    period_containing,
)

frequencies = st.builds(Frequency, st.sampled_from(["week", "month", "year"]),
                        st.integers(min_value=1, max_value=6))
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


def test_rule_1_frequency_needs_a_known_unit_and_a_positive_count():
    assert Frequency("month", 3).count == 3
    with pytest.raises(ValueError, match="at least 1"):
        Frequency("month", 0)
    with pytest.raises(ValueError, match="week, month or year"):
        Frequency("day")


@pytest.mark.parametrize("text,expected", [
    ("1 month", Frequency("month")), ("3 months", Frequency("month", 3)),
    ("2 weeks", Frequency("week", 2)), ("1 year", Frequency("year")),
])
def test_rule_1_frequency_text_round_trips(text, expected):
    assert parse_frequency(text) == expected
    assert str(expected) == text


@pytest.mark.parametrize("text", ["", "month", "0 months", "3 days", "1.5 months"])
def test_rule_1_bad_frequency_text_is_refused_with_a_sentence(text):
    with pytest.raises(ValueError, match="billing frequency"):
        parse_frequency(text)


def test_rule_2_month_ends_clamp_and_count_from_the_anchor():
    anchor = date(2024, 1, 31)
    got = [boundary(anchor, Frequency("month"), k) for k in range(5)]
    assert got == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31),
                   date(2024, 4, 30), date(2024, 5, 31)]


def test_rule_2_every_three_months_from_november_30():
    anchor = date(2024, 11, 30)
    got = [boundary(anchor, Frequency("month", 3), k) for k in (1, 2, 3)]
    assert got == [date(2025, 2, 28), date(2025, 5, 30), date(2025, 8, 30)]


def test_rule_2_weeks_are_seven_times_count_days_and_k_may_be_negative():
    anchor = date(2024, 6, 3)
    assert boundary(anchor, Frequency("week", 2), 1) == date(2024, 6, 17)
    assert boundary(anchor, Frequency("week"), -1) == date(2024, 5, 27)
    assert boundary(date(2024, 2, 29), Frequency("year"), 1) == date(2025, 2, 28)
    assert boundary(date(2024, 2, 29), Frequency("year"), 4) == date(2028, 2, 29)


@given(anchor=days, frequency=frequencies, k=st.integers(-40, 40))
def test_rule_2_boundaries_strictly_increase_in_k(anchor, frequency, k):
    assert boundary(anchor, frequency, k) < boundary(anchor, frequency, k + 1)


@given(anchor=days, frequency=frequencies, day=days)
def test_rule_2_every_day_lies_in_exactly_one_period(anchor, frequency, day):
    start, end = period_containing(anchor, frequency, day)
    assert start <= day < end
    # Its neighbours do not contain the day: the periods tile the calendar.
    before = period_containing(anchor, frequency, start - timedelta(days=1))
    after = period_containing(anchor, frequency, end)
    assert before[1] == start and after[0] == end
    assert is_boundary(anchor, frequency, start)
    assert next_boundary_after(anchor, frequency, day) == end


@pytest.mark.parametrize("start,day,expected", [
    (date(2024, 3, 20), 1, date(2024, 3, 1)),
    (date(2024, 3, 1), 15, date(2024, 2, 15)),
    (date(2024, 3, 10), 31, date(2024, 1, 31)),
    (date(2024, 3, 31), 31, date(2024, 3, 31)),
    (date(2024, 1, 5), 10, date(2023, 12, 10)),
])
def test_rule_11_billing_day_anchor_is_the_latest_such_day_on_or_before_the_start(
        start, day, expected):
    assert billing_day_anchor(start, day) == expected


def test_rule_11_a_billing_day_past_a_month_end_keeps_falling_on_month_ends():
    anchor = billing_day_anchor(date(2024, 3, 15), 31)
    assert [boundary(anchor, Frequency("month"), k) for k in range(1, 5)] == [
        date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30), date(2024, 5, 31)]


def test_rule_1_a_frequency_is_at_most_ten_years():
    assert Frequency("week", 520) and Frequency("month", 120) and Frequency("year", 10)
    for unit, count in (("week", 521), ("month", 121), ("year", 11)):
        with pytest.raises(ValueError, match="at most ten years"):
            Frequency(unit, count)
    with pytest.raises(ValueError, match="at most ten years"):
        parse_frequency("9000 years")


def test_rule_11_default_anchor_predecessor_then_billing_day_then_start():
    from desktop.domain.contracts import default_anchor
    month, week = Frequency("month"), Frequency("week")
    start = date(2025, 3, 20)
    assert default_anchor(start, month, None) == start
    assert default_anchor(start, month, 1) == date(2025, 3, 1)
    assert default_anchor(start, Frequency("year"), 25) == date(2025, 2, 25)
    assert default_anchor(start, week, 1) == start  # a billing day is for months and years
    assert default_anchor(start, month, 1, predecessor_anchor=date(2024, 7, 9)) == date(2024, 7, 9)
