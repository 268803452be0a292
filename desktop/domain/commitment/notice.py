"""Rule 25: a contract's commitment end and notice period, the earliest cancellation date they
give, the check of a cancellation against it, and the early termination fee.

The earliest cancellation date is the later of the commitment end and today + the notice
period, moved to the next period boundary when the site's "cancellations end on a period
boundary" is on. An earlier cancellation is refused unless the operator waives notice and
commitment; a waived commitment costs the plan's early termination fee, billed with the
contract's last document (the day it ends). Pure: the editor, the service and the sweep call
these.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from desktop.domain.contracts import effective_cancellation
from desktop.domain.model import M_, Contract, Line, Message, Problem
from desktop.domain.money import round_minor
from desktop.domain.periods import boundary, period_containing
from desktop.domain.proration import overlap, prorated_fraction

REMAINING = "remaining"  # the fee is what the commitment had left to bill
TERMINATION_FEE = M_("Early termination fee ({plan})")


def next_boundary(contract: Contract, day: date) -> date:
    """The first period boundary of the contract on or after the day."""
    frequency = contract.plan.frequency
    if frequency is None:
        return day
    start, end = period_containing(contract.billing_anchor, frequency, day)
    return day if start == day else end


def earliest_cancellation(contract: Contract, today: date, on_boundary: bool) -> date | None:
    """Rule 25: the earliest cancellation date the commitment and the notice allow (None when
    the contract has neither)."""
    candidates = []
    if contract.commitment_end is not None:
        candidates.append(contract.commitment_end)
    if contract.notice is not None:
        candidates.append(boundary(today, contract.notice, 1))
    if not candidates:
        return None
    earliest = max(candidates)
    return next_boundary(contract, earliest) if on_boundary else earliest


def commitment_problems(draft: Contract, original: Contract | None, today: date,
                        on_boundary: bool) -> list[Problem]:
    """Rule 25's validation: the commitment end after the start, "ends at commitment end" only
    with a commitment end, and a cancellation (a date, or a blank next plan, rule 8) set now
    not before the earliest date unless notice and commitment are waived."""
    problems = []
    if draft.commitment_end is not None and draft.commitment_end <= draft.start_date:
        problems.append(Problem("commitment_end", Message.of(M_(
            "The commitment end must be after the start date."))))
    if draft.ends_at_commitment_end and draft.commitment_end is None:
        problems.append(Problem("commitment_end", Message.of(M_(
            "Enter the commitment end the contract ends at."))))
    ends = effective_cancellation(draft)
    before = None if original is None else effective_cancellation(original)
    if ends is None or ends == before or draft.notice_waived:
        return problems
    if draft.ends_at_commitment_end and ends == draft.commitment_end:
        return problems  # the end the commitment itself sets
    earliest = earliest_cancellation(draft, today, on_boundary)
    if earliest is not None and ends < earliest:
        problems.append(Problem("cancellation_date", Message.of(M_(
            "The earliest cancellation date is {date} (commitment and notice); tick “Waive "
            "notice and commitment” to end it earlier."), date=earliest)))
    return problems


def termination_fee(contract: Contract, ends: date) -> int:
    """Rule 25: the plan's early termination fee for a contract ending on `ends` before its
    commitment end: nothing, a fixed amount, or the charges left in the commitment
    ([ends, commitment end) at the contract's price, prorated per period, rounded once)."""
    fee, end = contract.plan.early_termination_fee, contract.commitment_end
    if fee is None or end is None or ends >= end:
        return 0
    if fee != REMAINING:
        return int(fee)
    frequency = contract.plan.frequency
    if frequency is None:
        return 0
    total = Fraction(0)
    day = ends
    while day < end:
        period = period_containing(contract.billing_anchor, frequency, day)
        span = overlap(period, (day, end))
        price = contract.unit_price_on(period[0]) * contract.quantity
        total += Fraction(price) * prorated_fraction(period, span)
        day = period[1]
    return round_minor(total)


def termination_lines(contract: Contract, ends: date) -> list[Line]:
    """The fee's line on the contract's last document, when the commitment was waived."""
    if not contract.notice_waived:
        return []
    amount = termination_fee(contract, ends)
    if amount <= 0:
        return []
    wording = Message.of(TERMINATION_FEE, plan=contract.plan.name)
    return [Line("termination_fee", str(wording), amount, contract.id, ends, None,
                 wording=wording, tax_category=contract.plan.tax_category)]
