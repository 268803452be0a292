"""Invoice lines for a contract and the arithmetic of an invoice (rules 3, 4, 6, 15, 16, 17)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from fractions import Fraction
from functools import lru_cache

from desktop.domain.charges.billing import COVERED
from desktop.domain.commitment.notice import TERMINATION_FEE
from desktop.domain.contracts import current_period
from desktop.domain.model import (
    ADDON,
    M_,
    STANDARD,
    Contract,
    ContractAddon,
    InvoicedSpan,
    Line,
    Message,
    Plan,
    read_wording,
    worded,
)
from desktop.domain.money import round_minor
from desktop.domain.periods import days
from desktop.domain.proration import overlap, prorated_fraction

# The billing core's own line wordings around plan names (rules 6, 15; issue 10): a line keeps
# its kind and the raw names, shown in the reader's language (an issued invoice's document in
# its own language); `Line.description` keeps the English text.
UNUSED_TIME = M_("Unused time on {name}")
DEPOSIT = M_("Refundable deposit ({plans})")
DEPOSIT_REFUND = M_("Deposit refund")
LINE_WORDINGS = {"unused": UNUSED_TIME, "deposit": DEPOSIT, "deposit_refund": DEPOSIT_REFUND,
                 "charge": COVERED, "termination_fee": TERMINATION_FEE}


def line_wording(kind: str, params: Mapping[str, object]) -> Message | None:
    """A stored line's wording from its kind and raw parameters; None for a plan's or an
    add-on's line (its name is its description) and for parameters that do not fit."""
    template = LINE_WORDINGS.get(kind)
    return None if template is None else worded(template, params)


def read_line_wording(kind: str, description: str) -> Message | None:
    """The wording of a line given only as English text (a frontdesk/1 document, a row of an
    older version), when the text is made from its kind's template."""
    template = LINE_WORDINGS.get(kind)
    return None if template is None else read_wording(template, description)


def _unused(name: str) -> dict:
    """A credit line's description (English) and wording for the unused time on `name`."""
    wording = Message.of(UNUSED_TIME, name=name)
    return {"description": str(wording), "wording": wording}


def _described(plan: Plan, quantity: int) -> str:
    return plan.name if quantity == 1 else f"{plan.name} × {quantity}"


def priced_line(kind: str, description: str, amount: int | Fraction, contract_id,
                period: tuple[date, date], span: tuple[date, date],
                tax_category: str = STANDARD) -> Line:
    """A line for `amount` per period, prorated over span ∩ period and rounded once (rule 3)."""
    billed = overlap(period, span)
    whole = billed == period
    value = _prorated(amount, period, span)
    return Line(kind, description, value, contract_id, billed[0], billed[1],
                None if whole else days(billed), None if whole else days(period),
                tax_category=tax_category)


@lru_cache(maxsize=8192)
def _prorated(amount: int | Fraction, period: tuple[date, date], span: tuple[date, date]) -> int:
    """Rule 3 for one price over one span of one period, rounded once; the same price and span
    recur across the contracts of a sweep, so it is remembered (pure)."""
    return round_minor(Fraction(amount) * prorated_fraction(period, span))


def addon_amount_per_period(contract: Contract, item: ContractAddon,
                            on: date | None = None) -> Fraction:
    """A recurring add-on's price converted to the contract's billing period, exactly (rule 16),
    at its price in force on `on`, the period's first day (rule 24; None: its newest)."""
    own, billed = item.addon.frequency, contract.plan.frequency
    price = Fraction(item.addon.price_on(on) * item.quantity)
    if own is None or billed is None or own == billed:
        return price
    return price * own.periods_per_year / billed.periods_per_year


def held_span(item: ContractAddon, span: tuple[date, date]) -> tuple[date, date]:
    """Rule 16: the part of a billed span the add-on is held, from its start date (maybe empty)."""
    if item.start_date is None or item.start_date <= span[0]:
        return span
    return item.start_date, span[1]


def period_lines(contract: Contract, period: tuple[date, date],
                 span: tuple[date, date]) -> list[Line]:
    """Rule 4 and 16: the plan line and the recurring add-on lines for one billed span.

    An add-on is billed only from its start date: one starting inside the span is prorated from
    that day, one starting after it gets no line yet.
    """
    # Rule 24: the prices in force when the period started (a catch-up or a late entry bills
    # an earlier period at its own price).
    lines = [priced_line("plan", _described(contract.plan, contract.quantity),
                         contract.unit_price_on(period[0]) * contract.quantity, contract.id,
                         period, span, contract.plan.tax_category)]
    for item in contract.addons:
        held = held_span(item, span)
        if item.addon.recurring and days(overlap(period, held)) > 0:
            lines.append(priced_line("addon", _described(item.addon, item.quantity),
                                     addon_amount_per_period(contract, item, period[0]),
                                     contract.id, period, held, item.addon.tax_category))
    return lines


def invoiced_spans(lines: list[Line]) -> tuple[InvoicedSpan, ...]:
    """What a renewal invoiced, remembered for a later unused-time credit (rule 6)."""
    return tuple(InvoicedSpan(line.kind, line.description, line.period_start, line.period_end,
                              line.amount, line.tax_category or STANDARD)
                 for line in lines if line.kind in ("plan", ADDON)
                 and line.period_start is not None and line.period_end is not None)


def unused_credit_lines(contract: Contract, cancel_on: date) -> list[Line]:
    """Rule 6, C < N: credit the unused part [C, N) of what was invoiced for the current period.

    Computed from the amounts actually invoiced (or the contract's price when none is on record),
    so a credit never exceeds what was invoiced and a prorated last invoice credits nothing.
    """
    spans = contract.invoiced
    if not spans:
        # No invoice on record: credit the contract's own price for the unused days.
        period = current_period(contract)
        if period is None:
            return []
        unused = (max(cancel_on, contract.start_date), period[1])
        return [replace(line, kind="unused", **_unused(line.description), amount=-line.amount,
                        days=days(unused), period_days=days(period))
                for line in period_lines(contract, period, unused) if line.amount]
    credits = []
    for span in spans:
        invoiced = (span.start, span.end)
        unused = overlap(invoiced, (cancel_on, span.end))
        amount = round_minor(Fraction(span.amount) * prorated_fraction(invoiced, unused))
        if amount:
            credits.append(Line("unused", amount=-amount, contract=contract.id,
                                period_start=unused[0], period_end=unused[1], days=days(unused),
                                period_days=days(invoiced), tax_category=span.tax_category,
                                credits=span.invoice, **_unused(span.description)))
    return credits


def addon_added_lines(contract: Contract, item: ContractAddon, day: date) -> list[Line]:
    """Rule 16: what buying an add-on on `day` invoices at once.

    A one-off add-on in full; a recurring one for the rest of the period already invoiced, from
    its start date (nothing when it starts on or after the next invoice date: that invoice bills
    it).
    """
    description = _described(item.addon, item.quantity)
    if not item.addon.recurring:
        amount = item.addon.price_on(day) * item.quantity
        return [Line("addon", description, amount, contract.id, day, None,
                     tax_category=item.addon.tax_category)]
    start = day if item.start_date is None else max(day, item.start_date)
    period = current_period(contract)
    if period is None or not (max(period[0], contract.start_date) <= start < period[1]):
        return []  # not yet invoiced: the add-on is billed from its start with a later invoice
    # Prorated over the whole period, like the plan (rule 3), for the days left in it.
    return [priced_line("addon", description, addon_amount_per_period(contract, item, period[0]),
                        contract.id, period, (start, period[1]), item.addon.tax_category)]


def buy_addons(contract: Contract, bought: Iterable[tuple[Plan, int]], day: date,
               start: date | None = None) -> tuple[Contract, list[Line]]:
    """Rule 16: the contract holding add-ons bought on `day`, and the lines invoiced at once.

    Buying add-ons changes nothing else of the contract (no cancellation, no new term). A
    package is held from the day it is bought, a recurring add-on from `start` (default: that
    day); neither before the contract starts.
    """
    items = tuple(ContractAddon(addon, quantity,
                                max(day if not addon.recurring or start is None else start,
                                    contract.start_date))
                  for addon, quantity in bought)
    lines = [line for item in items for line in addon_added_lines(contract, item, day)]
    return contract.with_changes(addons=contract.addons + items), lines
