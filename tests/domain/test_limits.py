"""Sane ranges in one place (issue 14): dates, tax rates, and the editor's validation using them."""

from dataclasses import replace
from datetime import date

import pytest

from desktop.domain.limits import day_problem, parse_day, rate_decimal
from desktop.domain.money import parse_amount, parse_rate
from desktop.domain.validation import validate_contract
from domain_builders import contract, plan

HOT = plan("Hot desk", 20000, group="Desks", id=1)


@pytest.mark.parametrize("text", ["2024-W01-1", "20270101", "2024-1-01", " 2024-01-01",
                                  "2024-01-01T00:00", "２０２４-01-01", "", "2024-02-30"])
def test_only_iso_dates_are_read(text):
    with pytest.raises(ValueError, match="is not a date written YYYY-MM-DD"):
        parse_day(text)


@pytest.mark.parametrize("text", ["0024-05-21", "1999-12-31", "2101-01-01", "2207-01-01"])
def test_dates_outside_2000_to_2100_are_refused(text):
    with pytest.raises(ValueError, match="outside the dates Frontdesk accepts"):
        parse_day(text)


def test_the_first_and_last_accepted_days():
    assert parse_day("2000-01-01") == date(2000, 1, 1)
    assert parse_day("2100-12-31") == date(2100, 12, 31)
    assert day_problem(date(2100, 12, 31)) is None


@pytest.mark.parametrize("text, words", [
    ("1e-99999999", "more than 4 decimals"), ("7.68751", "more than 4 decimals"),
    ("0.00001", "more than 4 decimals"), ("1e999999999", "between 0 and 100"),
    ("-1", "between 0 and 100"), ("100.0001", "between 0 and 100"), ("NaN", "between 0 and 100"),
    ("1" * 200, "is not a tax rate"), ("twenty", "is not a tax rate"),
])
def test_tax_rates_are_0_to_100_with_at_most_4_decimals_refused_at_once(text, words):
    with pytest.raises(ValueError, match=words):
        parse_rate(text)


@pytest.mark.parametrize("text", ["0", "20", "8.5", "7.6875", "20.000000", "1E+1", "100"])
def test_ordinary_tax_rates_are_read_exactly(text):
    assert rate_decimal(text) == rate_decimal(text.replace("E+1", "0").replace("1E", "1"))
    assert 0 <= parse_rate(text) <= 1


def test_an_amount_of_a_hundred_million_digits_is_refused_before_it_is_computed():
    with pytest.raises(ValueError, match="larger than any amount"):
        parse_amount("1e99999999", "EUR")


def test_the_editor_refuses_a_contract_dated_outside_the_range():
    draft = contract(HOT, start=date(24, 5, 21), next_invoice=date(24, 5, 21))
    fields = {p.field: str(p.message)
              for p in validate_contract(draft, None, [HOT], date(2024, 4, 10))}
    assert "0024-05-21 is outside the dates Frontdesk accepts" in fields["start_date"]
    moved = replace(contract(HOT, start=date(2024, 1, 1), next_invoice=date(2024, 5, 1)),
                    cancellation_date=date(2207, 1, 1))
    original = contract(HOT, start=date(2024, 1, 1), next_invoice=date(2024, 5, 1))
    fields = {p.field: str(p.message)
              for p in validate_contract(moved, original, [HOT], date(2024, 4, 10))}
    assert "2207-01-01 is outside" in fields["cancellation_date"]
