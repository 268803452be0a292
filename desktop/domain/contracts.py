"""What a contract's dates say: status, effective cancellation, the next date something is due."""

from __future__ import annotations

from datetime import date, timedelta

from desktop.domain.model import ACTIVE, CANCELLED, INACTIVE, Contract, ContractAddon, Plan
from desktop.domain.periods import Frequency, billing_day_anchor, boundary, period_containing
from desktop.domain.plan_changes import same_plan


def effective_cancellation(contract: Contract) -> date | None:
    """Rule 8: a blank next plan ends the contract on N, so the cancellation is the earlier of C
    and N."""
    cancelled, n = contract.cancellation_date, contract.next_invoice_date
    if contract.next_plan is None and n is not None and (cancelled is None or n < cancelled):
        return n
    return cancelled


def plan_in_force(contract: Contract, day: date) -> Plan:
    """The plan a contract bills on a day to come (docs/design.md, decided cases): its next plan
    takes over on the next invoice date (rule 8), so from that day on it is the next plan.

    A new term continues with the plan in force on its start day: a next plan that took effect
    on or before the predecessor's cancellation date is the new term's plan.
    """
    n, following = contract.next_invoice_date, contract.next_plan
    if following is not None and n is not None and n <= day and not same_plan(following,
                                                                                contract.plan):
        return following
    return contract.plan


def status(contract: Contract, day: date) -> str:
    """Rule 5 and docs/design.md#vocabulary: inactive before the start, cancelled from the
    cancellation date on."""
    if contract.next_invoice_date is None:
        return CANCELLED
    ends = effective_cancellation(contract)
    if ends is not None and day >= ends:
        return CANCELLED
    if day < contract.start_date:
        return INACTIVE
    return ACTIVE


def is_open(contract: Contract) -> bool:
    """An open contract still has something to happen: it is inactive or active, not ended."""
    return contract.next_invoice_date is not None


def next_event_date(contract: Contract) -> date | None:
    """The date of the contract's next transition: its cancellation or its next invoice date."""
    if contract.next_invoice_date is None:
        return None
    ends = effective_cancellation(contract)
    if ends is not None and ends <= contract.next_invoice_date:
        return ends
    return contract.next_invoice_date


def last_day_of_access(contract: Contract) -> date | None:
    """Rule 5: the member's last day is the day before the cancellation date."""
    ends = effective_cancellation(contract)
    return None if ends is None else ends - timedelta(days=1)


def current_period(contract: Contract) -> tuple[date, date] | None:
    """The whole billing period that ends on the next invoice date (the one already invoiced).

    It may begin before the start date when the first invoice was prorated: rates are per day
    of the whole period (rule 3), and only the days from the start were billed.
    """
    n = contract.next_invoice_date
    if n is None or contract.plan.frequency is None or n <= contract.start_date:
        return None
    return period_containing(contract.billing_anchor, contract.plan.frequency,
                             n - timedelta(days=1))


def deposit_required(contract: Contract) -> int:
    """Rule 15: the refundable deposit a contract requires (the plan's, per unit)."""
    return contract.plan.deposit * contract.quantity


def default_anchor(start: date, frequency: Frequency | None, billing_day: int | None,
                   predecessor_anchor: date | None = None) -> date:
    """Rule 11: a new term keeps its predecessor's anchor; otherwise the site's billing day
    (month and year frequencies only) gives the latest such day on or before the start;
    otherwise the start date itself."""
    if predecessor_anchor is not None:
        return predecessor_anchor
    if billing_day and frequency is not None and frequency.unit in ("month", "year"):
        return billing_day_anchor(start, billing_day)
    return start


PACKAGE_MONTHS = 12  # rule 16: a package lasts 12 months from purchase unless it says otherwise


def package_expiry(item: ContractAddon, bought: date) -> date:
    """Rules 16, 27: the first day a package's allowances no longer count."""
    months = item.addon.expires_months or PACKAGE_MONTHS
    return boundary(bought, Frequency("month", months), 1)


def addon_counts_on(contract: Contract, item: ContractAddon, day: date) -> bool:
    """Rules 16, 27: whether an add-on's allowances count on the day.

    Held from its start date; a one-off package from the day it was bought until it expires
    (what was used of it is the charges', rule 27).
    """
    bought = item.start_date or contract.start_date
    if day < bought:
        return False
    if item.addon.recurring:
        return True
    return day < package_expiry(item, bought)
