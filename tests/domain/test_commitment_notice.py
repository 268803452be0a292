"""Rule 25 in the pure rules: the earliest cancellation date."""

from __future__ import annotations

from datetime import date

from desktop.domain.commitment.notice import earliest_cancellation
from desktop.domain.periods import Frequency

TODAY = date(2024, 4, 11)
MONTH = Frequency("month")


def test_rule_25_the_earliest_cancellation_date_is_the_later_of_commitment_and_notice():
    from domain_builders import contract

    running = contract(start=date(2024, 1, 1), next_invoice=date(2024, 5, 1))
    assert earliest_cancellation(running, TODAY, True) is None
    noticed = running.with_changes(notice=MONTH)
    # Today + one month is 2024-05-11; on a boundary it is the next one, 06-01.
    assert earliest_cancellation(noticed, TODAY, False) == date(2024, 5, 11)
    assert earliest_cancellation(noticed, TODAY, True) == date(2024, 6, 1)
    committed = noticed.with_changes(commitment_end=date(2024, 9, 15))
    assert earliest_cancellation(committed, TODAY, True) == date(2024, 10, 1)
    assert earliest_cancellation(committed, TODAY, False) == date(2024, 9, 15)
