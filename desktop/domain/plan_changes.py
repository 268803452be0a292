"""Which plans a contract may move to and how the move is labelled (rules 8, 9, 10, 13, 14)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from fractions import Fraction

from desktop.domain.model import PLAN, Contract, Plan

UPGRADE, DOWNGRADE, SAME_LEVEL = "upgrade", "downgrade", "same level"


def price_per_year(plan: Plan, quantity: int = 1, price: int | None = None) -> Fraction:
    """Rule 13: price x periods per year x quantity, exactly."""
    unit = plan.price if price is None else price
    if plan.frequency is None:
        return Fraction(unit * quantity)
    return unit * plan.frequency.periods_per_year * quantity


def change_label(current: Plan, target: Plan, quantity: int = 1,
                 current_price: int | None = None, target_quantity: int | None = None) -> str:
    """Rule 13: upgrade, downgrade or same level by price per year."""
    before = price_per_year(current, quantity, current_price)
    after = price_per_year(target, quantity if target_quantity is None else target_quantity)
    if after > before:
        return UPGRADE
    if after < before:
        return DOWNGRADE
    return SAME_LEVEL


def eligible_targets(current: Plan, catalog: Iterable[Plan]) -> list[Plan]:
    """Rule 13: plans of the current plan's group (every plan when it has none), never archived."""
    return [
        plan for plan in catalog
        if plan.kind == PLAN and not plan.archived
        and (current.group is None or plan.group == current.group)
    ]


def labelled_targets(contract: Contract, catalog: Iterable[Plan]) -> list[tuple[Plan, str]]:
    """Eligible targets with their upgrade / downgrade / same level label, cheapest first."""
    targets = eligible_targets(contract.plan, catalog)
    labelled = [(plan, change_label(contract.plan, plan, contract.quantity, contract.unit_price))
                for plan in targets]
    return sorted(labelled, key=lambda pair: (price_per_year(pair[0]), pair[0].name))


def same_plan(a: Plan | None, b: Plan | None) -> bool:
    if a is None or b is None:
        return a is b
    if a.id is not None and b.id is not None:
        return a.id == b.id
    return a.name == b.name


def custom_price_blocks(contract: Contract, next_plan: Plan | None) -> bool:
    """Rule 9: a contract with a custom price keeps its plan (or ends: blank is allowed).

    Whatever its status: a switch on any invoice date, the first included (rule 7), would drop
    the price agreed for this plan, so such a state can never be saved nor imported.
    """
    return (contract.custom_price is not None
            and next_plan is not None
            and not same_plan(next_plan, contract.plan))


def plan_chosen(draft: Contract, plan: Plan) -> Contract:
    """Rule 10: a contract that has not started takes the plan as plan and next plan.

    A custom price was agreed for the old plan (a new term copies it), so another plan clears it.
    """
    custom_price = draft.custom_price if same_plan(plan, draft.plan) else None
    return replace(draft, plan=plan, next_plan=plan, custom_price=custom_price)


def is_no_change(contract: Contract, target: Plan, quantity: int | None = None,
                 addon_names: Iterable[str] = ()) -> bool:
    """Rule 14: the same plan, the same quantity and only add-ons already held change nothing.

    A package is never "held": buying it again buys more hours (rule 16).
    """
    held = {item.addon.name for item in contract.addons if item.addon.recurring}
    return (same_plan(target, contract.plan)
            and (quantity is None or quantity == contract.quantity)
            and set(addon_names) <= held)
