"""Contract validation: every problem with the field it concerns and a sentence (DESIGN.md §3)."""

from __future__ import annotations

from datetime import date
from typing import Iterable

from desktop.domain.contracts import status
from desktop.domain.model import CANCELLED, INACTIVE, PLAN, Contract, Plan, Problem
from desktop.domain.plan_changes import custom_price_blocks, eligible_targets, same_plan

_DATE_FIELDS = ("start_date", "billing_anchor", "next_invoice_date", "cancellation_date")


def _plan_problems(draft: Contract, original: Contract | None) -> list[Problem]:
    problems = []
    if draft.plan.kind != PLAN:
        problems.append(Problem("plan", f"{draft.plan.name} is an add-on, not a plan."))
    elif draft.plan.archived and (original is None or not same_plan(original.plan, draft.plan)):
        problems.append(Problem("plan", f"{draft.plan.name} is archived and cannot be sold."))
    return problems


def _next_plan_problems(draft: Contract, catalog: list[Plan], today: date) -> list[Problem]:
    target = draft.next_plan
    if target is None or same_plan(target, draft.plan):
        return []
    if target.archived:
        return [Problem("next_plan", f"{target.name} is archived and cannot be the next plan.")]
    if not any(same_plan(target, p) for p in eligible_targets(draft.plan, catalog)):
        group = draft.plan.group or "no"
        return [Problem("next_plan", f"{target.name} is not in the {group} group of "
                                     f"{draft.plan.name}, so it cannot be the next plan.")]
    if custom_price_blocks(draft, target, today):
        return [Problem("next_plan", "A contract with a custom price cannot switch plans on its "
                                     "own; cancel it and create a new term on the other plan.")]
    return []


def _cancelled_edit_problems(draft: Contract, original: Contract | None, today: date) -> list[Problem]:
    if original is None or status(original, today) != CANCELLED:
        return []
    problems = []
    if not same_plan(draft.plan, original.plan):
        problems.append(Problem("plan", "The plan of a cancelled contract cannot be changed."))
    for name in _DATE_FIELDS:
        if getattr(draft, name) != getattr(original, name):
            problems.append(Problem(name, "The dates of a cancelled contract cannot be changed."))
    return problems


def validate_contract(draft: Contract, original: Contract | None, catalog: Iterable[Plan],
                      today: date) -> list[Problem]:
    """Every problem of a contract draft; an empty list means it may be saved."""
    catalog = list(catalog)
    problems = _plan_problems(draft, original)
    if draft.quantity < 1:
        problems.append(Problem("quantity", "The quantity must be at least 1."))
    if draft.custom_price is not None and draft.custom_price < 0:
        problems.append(Problem("custom_price", "The custom price cannot be negative."))
    if draft.cancellation_date is not None and draft.cancellation_date <= draft.start_date:
        problems.append(Problem("cancellation_date",
                                "The cancellation date must be after the start date."))
    if draft.next_invoice_date is not None and draft.next_invoice_date < draft.start_date:
        problems.append(Problem("next_invoice_date",
                                "The next invoice date cannot be before the start date."))
    if draft.billing_anchor > draft.start_date:
        problems.append(Problem("billing_anchor",
                                "The billing anchor cannot be after the start date."))
    if status(draft, today) == INACTIVE and draft.next_plan is None:
        problems.append(Problem("next_plan", "A contract that has not started renews on its own "
                                             "plan; its next plan cannot be blank."))
    problems += _next_plan_problems(draft, catalog, today)
    problems += _cancelled_edit_problems(draft, original, today)
    return problems


def deletion_problem(contract: Contract, has_invoices: bool, today: date) -> Problem | None:
    """Only a cancelled contract without invoices may be deleted."""
    if status(contract, today) != CANCELLED:
        return Problem("contract", "Only a cancelled contract can be deleted; cancel it first.")
    if has_invoices:
        return Problem("contract", "This contract has invoices, so it cannot be deleted.")
    return None
