"""Contract validation: every problem with the field it concerns and a sentence
(docs/billing-rules.md)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from desktop.domain.contracts import status
from desktop.domain.limits import (
    FIRST_DAY,
    LAST_DAY,
    MAX_AMOUNT,
    MAX_QUANTITY,
    day_problem,
    text_problem,
)
from desktop.domain.model import (
    ACTIVE,
    CANCELLED,
    INACTIVE,
    M_,
    PLAN,
    Contract,
    Message,
    Plan,
    Problem,
)
from desktop.domain.plan_changes import custom_price_blocks, eligible_targets, same_plan

_DATE_FIELDS = ("start_date", "billing_anchor", "next_invoice_date", "cancellation_date")
# What an operator may still change on a cancelled contract: its notes (and nothing that bills).
_FROZEN_WHEN_CANCELLED = ("quantity", "custom_price", "prorate_last_invoice",
                          "prorate_first_invoice")


def _plan_problems(draft: Contract, original: Contract | None) -> list[Problem]:
    problems = []
    if draft.plan.kind != PLAN:
        problems.append(Problem("plan", Message.of(M_("{plan} is an add-on, not a plan."),
                                                   plan=draft.plan.name)))
    elif draft.plan.archived and (original is None or not same_plan(original.plan, draft.plan)):
        problems.append(Problem("plan", Message.of(M_("{plan} is archived and cannot be sold."),
                                                   plan=draft.plan.name)))
    return problems


def _next_plan_problems(draft: Contract, original: Contract | None,
                        catalog: list[Plan]) -> list[Problem]:
    target = draft.next_plan
    if target is None or same_plan(target, draft.plan):
        return []
    if custom_price_blocks(draft, target):
        # Checked before the exception below: no state with a custom price and another next
        # plan is legal, however it came about (an import, say).
        return [Problem("next_plan", Message.of(M_(
            "A contract with a custom price cannot switch plans on its own; cancel it and "
            "create a new term on the other plan.")))]
    if original is not None and same_plan(target, original.next_plan) \
            and same_plan(draft.plan, original.plan):
        return []  # already scheduled: a later archive or regrouping does not undo it
    if target.archived:
        return [Problem("next_plan", Message.of(
            M_("{plan} is archived and cannot be the next plan."), plan=target.name))]
    if not any(same_plan(target, p) for p in eligible_targets(draft.plan, catalog)):
        if draft.plan.group:
            return [Problem("next_plan", Message.of(M_(
                "{target} is not in the {group} group of {plan}, so it cannot be the next "
                "plan."), target=target.name, group=draft.plan.group, plan=draft.plan.name))]
        return [Problem("next_plan", Message.of(M_(
            "{target} is in a plan group and {plan} is not, so it cannot be the next plan."),
            target=target.name, plan=draft.plan.name))]
    return []


def _cancelled_edit_problems(draft: Contract, original: Contract | None,
                             today: date) -> list[Problem]:
    """A cancelled contract is history: only its notes may change."""
    if original is None or status(original, today) != CANCELLED:
        return []
    problems = []
    if not same_plan(draft.plan, original.plan):
        problems.append(Problem("plan", Message.of(M_(
            "The plan of a cancelled contract cannot be changed."))))
    for name in _DATE_FIELDS:
        if getattr(draft, name) != getattr(original, name):
            problems.append(Problem(name, Message.of(M_(
                "The dates of a cancelled contract cannot be changed."))))
    changed = [name for name in _FROZEN_WHEN_CANCELLED
               if getattr(draft, name) != getattr(original, name)]
    if not same_plan(draft.next_plan, original.next_plan):
        changed.append("next_plan")
    problems += [Problem(name, Message.of(M_(
        "A cancelled contract can no longer be changed; only its notes can.")))
        for name in changed]
    return problems


def _last_invoice_prorated(contract: Contract) -> bool:
    """Rule 6: the last invoice already billed only up to the cancellation date."""
    ends = contract.cancellation_date
    return (ends is not None and contract.next_invoice_date is not None
            and ends < contract.next_invoice_date
            and any(span.end == ends for span in contract.invoiced))


def _started_edit_problems(draft: Contract, original: Contract | None,
                           today: date) -> list[Problem]:
    """A started contract has invoices behind it: what they billed cannot change under them."""
    if original is None or status(original, today) != ACTIVE:
        return []
    problems = []
    if not same_plan(draft.plan, original.plan):
        problems.append(Problem("plan", Message.of(M_(
            "A started contract keeps its plan; choose a next plan or use Change plan."))))
    if draft.start_date != original.start_date:
        problems.append(Problem("start_date", Message.of(M_(
            "The start date of a started contract cannot be changed."))))
    if draft.billing_anchor != original.billing_anchor:
        problems.append(Problem("billing_anchor", Message.of(M_(
            "The billing anchor of a started contract cannot be changed."))))
    moved = draft.next_invoice_date
    if moved is not None and moved != original.next_invoice_date:
        if original.next_invoice_date is not None and moved < original.next_invoice_date:
            problems.append(Problem("next_invoice_date", Message.of(M_(
                "The next invoice date cannot move earlier: the time before it has already "
                "been invoiced."))))
        elif moved < today:
            problems.append(Problem("next_invoice_date", Message.of(M_(
                "The next invoice date cannot be in the past."))))
    if draft.cancellation_date != original.cancellation_date:
        if draft.cancellation_date is not None and draft.cancellation_date < today:
            problems.append(Problem("cancellation_date", Message.of(M_(
                "The cancellation date cannot be in the past."))))
        elif _last_invoice_prorated(original):
            problems.append(Problem("cancellation_date", Message.of(M_(
                "The last invoice already billed up to the cancellation date; create a new "
                "term to continue."))))
    return problems


def _range_problems(draft: Contract, original: Contract | None) -> list[Problem]:
    """Dates set or changed must lie in the accepted range (desktop/domain/limits.py)."""
    problems = []
    for name in _DATE_FIELDS:
        value = getattr(draft, name)
        if value is not None and (original is None or value != getattr(original, name)):
            if day_problem(value):
                problems.append(Problem(name, _outside(value)))
    for addon in draft.addons:
        if original is not None and addon in original.addons:
            continue
        if addon.start_date is not None and day_problem(addon.start_date):
            problems.append(Problem("addons", _outside(addon.start_date)))
    return problems


def _outside(day: date) -> Message:
    return Message.of(M_("{day} is outside the dates Frontdesk accepts ({first} to {last})."),
                      day=day, first=FIRST_DAY, last=LAST_DAY)


def validate_contract(draft: Contract, original: Contract | None, catalog: Iterable[Plan],
                      today: date) -> list[Problem]:
    """Every problem of a contract draft; an empty list means it may be saved."""
    catalog = list(catalog)
    problems = _range_problems(draft, original) + _plan_problems(draft, original)
    if draft.quantity < 1:
        problems.append(Problem("quantity", Message.of(M_("The quantity must be at least 1."))))
    elif draft.quantity > MAX_QUANTITY:
        problems.append(Problem("quantity", Message.of(
            M_("The quantity can be at most {count}."), count=MAX_QUANTITY)))
    if draft.custom_price is not None and draft.custom_price < 0:
        problems.append(Problem("custom_price",
                                Message.of(M_("The custom price cannot be negative."))))
    elif draft.custom_price is not None and draft.custom_price > MAX_AMOUNT:
        problems.append(Problem("custom_price",
                                Message.of(M_("The custom price is too large."))))
    if (draft.cancellation_date is not None and draft.next_invoice_date is not None
            and draft.cancellation_date <= draft.start_date):
        problems.append(Problem("cancellation_date", Message.of(M_(
            "The cancellation date must be after the start date."))))
    if draft.next_invoice_date is not None and draft.next_invoice_date < draft.start_date:
        problems.append(Problem("next_invoice_date", Message.of(M_(
            "The next invoice date cannot be before the start date."))))
    # Rule 7 moves a running contract's anchor to the day it switched frequency; only an anchor
    # set by hand must lie on or before the start.
    anchor_set = original is None or draft.billing_anchor != original.billing_anchor
    if anchor_set and draft.billing_anchor > draft.start_date:
        problems.append(Problem("billing_anchor", Message.of(M_(
            "The billing anchor cannot be after the start date."))))
    if status(draft, today) == INACTIVE and draft.next_plan is None:
        problems.append(Problem("next_plan", Message.of(M_(
            "A contract that has not started renews on its own plan; its next plan cannot be "
            "blank."))))
    problems += _next_plan_problems(draft, original, catalog)
    problems += _cancelled_edit_problems(draft, original, today)
    problems += _started_edit_problems(draft, original, today)
    if (bad := text_problem(draft.notes or "", multiline=True)) is not None:  # issue 19
        problems.append(Problem("notes", Message(bad.template, bad.params)))
    # One problem a field, the most basic first: the field shows one sentence.
    first: dict[str, Problem] = {}
    for problem in problems:
        first.setdefault(problem.field, problem)
    return list(first.values())


def deletion_problem(contract: Contract, has_invoices: bool, today: date) -> Problem | None:
    """Only a cancelled contract without invoices may be deleted."""
    if status(contract, today) != CANCELLED:
        return Problem("contract", Message.of(M_(
            "Only a cancelled contract can be deleted; cancel it first.")))
    if has_invoices:
        return Problem("contract", Message.of(M_(
            "This contract has invoices, so it cannot be deleted.")))
    return None
