"""Proration of an amount over part of a period (rule 3 in docs/billing-rules.md)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from desktop.domain.money import round_minor
from desktop.domain.periods import days


def overlap(a: tuple[date, date], b: tuple[date, date]) -> tuple[date, date]:
    """The intersection of two half-open spans (possibly empty)."""
    return max(a[0], b[0]), min(a[1], b[1])


def prorated_fraction(period: tuple[date, date], span: tuple[date, date]) -> Fraction:
    """Days of span inside period over days of period, exactly."""
    total = days(period)
    if total == 0:
        return Fraction(0)
    return Fraction(days(overlap(period, span)), total)


def prorate(amount: int, period: tuple[date, date], span: tuple[date, date]) -> int:
    """Rule 3: amount x days(span ∩ period) / days(period), rounded once, half away from zero."""
    return round_minor(amount * prorated_fraction(period, span))
