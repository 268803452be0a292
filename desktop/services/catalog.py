"""The plans catalog: plans and add-ons, groups, allowances, deposits, tax categories (rule 17),
archive (docs/design.md#vocabulary).

A plan that was ever sold can only be archived, never deleted (docs/design.md#screens plans
catalog).
"""

from __future__ import annotations

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.orm import Session

from desktop.domain.limits import MAX_AMOUNT
from desktop.domain.model import ADDON, PLAN, TAX_CATEGORIES, Plan, Problem, refusal
from desktop.domain.periods import Frequency, parse_frequency
from desktop.i18n import _
from desktop.ledger import audit
from desktop.ledger.member_states import load_plans
from desktop.services.changes import Changes
from desktop.services.errors import NotFound, Refused, ValidationError, text_problems
from desktop.services.prices import record_price
from desktop.storage import models as m


def was_sold(session: Session, plan_id: int) -> bool:
    """True when any contract (as plan or next plan), contract add-on or charge (rule 27)
    refers to the plan."""
    contract = m.ContractRow
    return bool(session.scalar(select(
        exists().where(or_(contract.plan_id == plan_id, contract.next_plan_id == plan_id))
        | exists().where(m.ContractAddonRow.addon_id == plan_id)
        | exists().where(m.ChargeRow.product_id == plan_id))))


def _frequency(value) -> Frequency | None:
    """A Frequency as given, or one parsed from text such as "3 months"; ValueError otherwise."""
    if value is None or isinstance(value, Frequency):
        return value
    text = str(value).strip()
    return parse_frequency(text) if text else None


def plan_problems(session: Session, plan: Plan) -> list[Problem]:
    """Every problem of a plan or add-on about to be saved, with the field it concerns."""
    problems = text_problems({"name": plan.name, "group": plan.group})
    name = (plan.name or "").strip()
    said = any(p.field == "name" for p in problems)  # a control character in it
    if not name and not said:
        problems.append(Problem("name", _("Enter the name of the plan.")))
    elif not said:
        query = select(m.PlanRow.id).where(func.lower(m.PlanRow.name) == name.lower())
        if plan.id is not None:
            query = query.where(m.PlanRow.id != plan.id)
        if session.scalar(query.limit(1)) is not None:
            problems.append(Problem("name", _(
                "Another plan or add-on is already called {name}.").format(name=name)))
    if plan.kind not in (PLAN, ADDON):
        problems.append(Problem("kind", _("Choose whether this is a plan or an add-on.")))
    if plan.tax_category not in TAX_CATEGORIES:
        # Rule 17: reverse charge is a member's, never a plan's; anything else is a typo.
        problems.append(Problem("tax_category", _(
            "Choose the tax category: standard, reduced, zero-rated or exempt.")))
    if not isinstance(plan.price, int) or plan.price < 0:
        problems.append(Problem("price", _("The price cannot be negative.")))
    elif plan.price > MAX_AMOUNT:
        problems.append(Problem("price", _("The price is too large.")))
    if not isinstance(plan.deposit, int) or plan.deposit < 0:
        problems.append(Problem("deposit", _("The deposit cannot be negative.")))
    elif plan.deposit > MAX_AMOUNT:
        problems.append(Problem("deposit", _("The deposit is too large.")))
    try:
        frequency = _frequency(plan.frequency)
        if frequency is None and plan.kind == PLAN:
            problems.append(Problem("frequency", _(
                "A plan needs a billing frequency such as \"1 month\"; only add-ons can be "
                "one-off.")))
    except ValueError as exc:
        problems.append(Problem("frequency", refusal(exc)))
    for allowance, amount in dict(plan.allowances).items():
        if not str(allowance).strip():
            problems.append(Problem("allowances", _("Every allowance needs a name.")))
        elif bad := text_problems({"allowances": allowance}):
            problems += bad
        elif not isinstance(amount, int) or amount < 0:
            problems.append(Problem("allowances",
                                    _("The allowance {name} must be a whole number, 0 or "
                                      "more.").format(name=allowance)))
    problems += _unit_problems(plan)
    problems += _addon_problems(session, plan)
    problems += _kind_change_problems(session, plan)
    return problems


def _unit_problems(plan: Plan) -> list[Problem]:
    """Rule 27: a product sold by the unit and a package's months are an add-on's."""
    problems = text_problems({"allowance_unit": plan.allowance_unit})
    try:
        recurring = _frequency(plan.frequency) is not None
    except ValueError:  # told as the frequency's problem
        recurring = False
    if (plan.allowance_unit or "").strip() and (plan.kind != ADDON or recurring):
        problems.append(Problem("allowance_unit", _(
            "Only a one-off add-on can be sold by the unit of an allowance.")))
    months = plan.expires_months
    if months is not None and (not isinstance(months, int) or not 1 <= months <= 120):
        problems.append(Problem("expires_months", _(
            "A package lasts from 1 to 120 months.")))
    fee = plan.early_termination_fee
    if fee is not None and fee != "remaining" and (
            not isinstance(fee, int) or isinstance(fee, bool) or not 0 <= fee <= MAX_AMOUNT):
        problems.append(Problem("early_termination_fee", _(
            "The early termination fee is none, the charges left in the commitment, or an "
            "amount of 0 or more.")))
    return problems


def _addon_problems(session: Session, plan: Plan) -> list[Problem]:
    if plan.addons and plan.kind == ADDON:
        return [Problem("addons", _("An add-on cannot offer other add-ons."))]
    problems = []
    kinds = dict(session.execute(select(m.PlanRow.name, m.PlanRow.kind)
                                 .where(m.PlanRow.name.in_(list(plan.addons)))).all())
    for name in plan.addons:
        if kinds.get(name) != ADDON:
            problems.append(Problem("addons",
                                    _("{name} is not an add-on, so a plan cannot offer it.").format(
                                        name=name)))
    return problems


def _kind_change_problems(session: Session, plan: Plan) -> list[Problem]:
    if plan.id is None:
        return []
    row = session.get(m.PlanRow, plan.id)
    if row is None or row.kind == plan.kind:
        return []
    offered = session.scalar(select(exists().where(m.plan_addons.c.addon_id == plan.id)))
    if was_sold(session, plan.id) or offered:
        return [Problem("kind", _("{name} is already in use, so it cannot change between plan "
                                  "and add-on.").format(name=row.name))]
    return []


def plan_values(plan: Plan) -> dict[str, str]:
    """The audited fields of a plan as raw strings (issue 10): amounts in minor units, the
    frequency as stored ("1 month", "one-off"), shown in the reader's language at display."""
    frequency = _frequency(plan.frequency)
    return {
        "Name": plan.name, "Kind": plan.kind, "Price": str(plan.price),
        "Frequency": "one-off" if frequency is None else str(frequency),
        "Deposit": str(plan.deposit), "Group": plan.group or "",
        "Archived": "yes" if plan.archived else "no",
        "Allowances": ", ".join(f"{k}: {v}" for k, v in sorted(dict(plan.allowances).items())),
        "Add-ons": ", ".join(sorted(plan.addons)),
        "Tax category": plan.tax_category,
        "Allowance used": plan.allowance_unit or "",
        "Package months": "" if plan.expires_months is None else str(plan.expires_months),
        "Early termination fee": "" if plan.early_termination_fee is None
        else str(plan.early_termination_fee),
    }


def _fill(session: Session, row: m.PlanRow, plan: Plan) -> None:
    frequency = _frequency(plan.frequency)
    row.name, row.kind, row.price = plan.name.strip(), plan.kind, plan.price
    row.frequency = None if frequency is None else str(frequency)
    row.deposit, row.archived = plan.deposit, bool(plan.archived)
    row.tax_category = plan.tax_category
    row.allowance_unit = (plan.allowance_unit or "").strip() or None
    row.expires_months = plan.expires_months
    fee = plan.early_termination_fee
    row.early_termination_fee = None if fee is None else str(fee)
    row.group_name = (plan.group or "").strip() or None
    wanted = {str(k).strip(): v for k, v in dict(plan.allowances).items()}
    for allowance in list(row.allowances):
        if allowance.name not in wanted:
            row.allowances.remove(allowance)
    held = {a.name: a for a in row.allowances}
    for name, amount in wanted.items():
        if name in held:
            held[name].quantity = amount
        else:
            row.allowances.append(m.PlanAllowanceRow(name=name, quantity=amount))
    offered = select(m.PlanRow).where(m.PlanRow.name.in_(list(plan.addons)))
    row.addons = list(session.scalars(offered))


class CatalogService:
    def __init__(self, db, clock) -> None:
        self.db = db
        self.clock = clock

    def plans(self, include_archived: bool = True) -> list[Plan]:
        """Plans first, then add-ons, each by name; every Plan has its id."""
        with self.db.session() as session:
            plans = load_plans(session).values()
        return sorted((p for p in plans if include_archived or not p.archived),
                      key=lambda p: (p.kind != PLAN, p.name.lower(), p.id))

    def sold_plan_ids(self) -> set[int]:
        """Plans and add-ons some contract has held: they can be archived, never deleted."""
        contract = m.ContractRow
        with self.db.session() as session:
            sold = set(session.scalars(select(contract.plan_id).distinct()))
            sold |= set(session.scalars(select(contract.next_plan_id).distinct()))
            sold |= set(session.scalars(select(m.ContractAddonRow.addon_id).distinct()))
        return sold - {None}

    def groups(self) -> list[str]:
        with self.db.session() as session:
            names = session.scalars(select(m.PlanRow.group_name).distinct()
                                    .where(m.PlanRow.group_name.is_not(None)))
            return sorted({n for n in names if n}, key=lambda n: (n.lower(), n))

    def save_plan(self, plan: Plan) -> Changes:
        """Create (plan.id None) or update a plan or add-on; ValidationError, nothing written.
        The Changes carry the plan's id."""
        with self.db.write() as session:
            row = None
            if plan.id is not None:
                row = session.get(m.PlanRow, plan.id)
                if row is None:
                    raise NotFound(_("This plan no longer exists."))
            problems = plan_problems(session, plan)
            if problems:
                raise ValidationError(problems)
            before = {} if row is None else plan_values(load_plans(session)[row.id])
            old_price = None if row is None else row.price
            if row is None:
                row = m.PlanRow()
                session.add(row)
            _fill(session, row, plan)
            if old_price is not None and plan.price != old_price:
                # Rule 24: a new price applies from today; earlier periods keep the old one.
                session.flush()
                record_price(session, row, self.clock.today(), plan.price, old_price)
            session.flush()
            audit.write_changes(session, at=self.clock.now(), who=audit.operator(session),
                                entity="plan", entity_id=row.id, before=before,
                                after=plan_values(load_plans(session)[row.id]))
            return Changes(catalog=True, id=row.id)

    def set_archived(self, plan_id: int, archived: bool) -> Changes:
        with self.db.write() as session:
            row = session.get(m.PlanRow, plan_id)
            if row is None:
                raise NotFound(_("This plan no longer exists."))
            before = "yes" if row.archived else "no"
            row.archived = bool(archived)
            after = "yes" if row.archived else "no"
            audit.write_changes(session, at=self.clock.now(), who=audit.operator(session),
                                entity="plan", entity_id=row.id, before={"Archived": before},
                                after={"Archived": after})
            return Changes(catalog=True)

    def delete_plan(self, plan_id: int) -> Changes:
        """Delete a plan nobody ever bought; a sold plan can only be archived (Refused)."""
        with self.db.write() as session:
            row = session.get(m.PlanRow, plan_id)
            if row is None:
                raise NotFound(_("This plan no longer exists."))
            if was_sold(session, plan_id):
                raise Refused(_("{name} has been sold, so it can only be archived.").format(
                    name=row.name))
            name = row.name
            # Other plans stop offering it; its allowances go with it.
            row.addons.clear()
            session.flush()
            session.execute(delete(m.plan_addons).where(m.plan_addons.c.addon_id == plan_id))
            session.delete(row)
            audit.write_event(session, at=self.clock.now(), who=audit.operator(session),
                              entity="plan", entity_id=plan_id, field="Deleted", old=name)
            return Changes(catalog=True)
