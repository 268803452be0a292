"""Price changes from a day (rule 24 in docs/billing-rules.md): each plan's price history, the
catalogue's edits recorded in it, and *Raise prices…* with its preview.

A plan's new price applies to the lines of periods that start on or after its day; a period
that started earlier keeps the price then in force (`Plan.price_on`), so a catch-up never bills
a past period at a price edited since. Custom prices are untouched. The plan's `price` column is
its newest price; the history holds the older ones with the day each began.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desktop.domain.limits import FIRST_DAY, MAX_AMOUNT, day_problem
from desktop.domain.model import Problem
from desktop.domain.money import round_minor
from desktop.i18n import _
from desktop.ledger import audit
from desktop.ledger.member_states import load_plans
from desktop.services.changes import Changes
from desktop.services.errors import ValidationError
from desktop.storage import models as m

MAX_PERCENT = Decimal(1000)


def record_price(session: Session, row: m.PlanRow, day: date, price: int,
                 before: int | None = None) -> None:
    """Rule 24: the plan's price is `price` from `day` on. The first change keeps the price it
    had until then (`before`, else the row's) as the history's first entry; a change on a day
    that already has one replaces it; the row's price becomes the newest."""
    history = list(session.scalars(select(m.PlanPriceRow).where(m.PlanPriceRow.plan_id == row.id)
                                   .order_by(m.PlanPriceRow.from_day)))
    if not history and day > FIRST_DAY:
        session.add(m.PlanPriceRow(plan_id=row.id, from_day=FIRST_DAY,
                                   price=row.price if before is None else before))
    same = next((entry for entry in history if entry.from_day == day), None)
    if same is not None:
        same.price = price
    else:
        session.add(m.PlanPriceRow(plan_id=row.id, from_day=day, price=price))
    session.flush()
    newest = session.scalars(select(m.PlanPriceRow.price).where(m.PlanPriceRow.plan_id == row.id)
                             .order_by(m.PlanPriceRow.from_day.desc()).limit(1)).first()
    row.price = price if newest is None else newest


def percent_of(text: str) -> Decimal:
    """A percentage typed as a plain number ("5", "2.5"), above 0 and at most 1000; a
    ValidationError (one sentence) otherwise."""
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite() or not 0 < value <= MAX_PERCENT:
        raise ValidationError([Problem("percent", _(
            "The raise must be a percentage above 0 and at most 1000, such as 5 or 2.5."))])
    return value


def raised(price: int, percent: Decimal) -> int:
    """Rule 24: a price raised by the percentage, rounded to the minor unit."""
    return round_minor(Fraction(price) * (1 + Fraction(percent) / 100))


@dataclass(frozen=True)
class PriceChange:
    """One plan of a raise: its price on the day before and after, and how many running
    contracts without a custom price will be billed at it."""

    plan_id: int
    name: str
    old: int
    new: int
    contracts: int


class PriceService:
    def __init__(self, db, clock) -> None:
        self.db = db
        self.clock = clock

    def history(self, plan_id: int) -> list[tuple[date, int]]:
        """The plan's prices, (first day, price) oldest first; empty when it never changed."""
        with self.db.session() as session:
            return [(day, price) for day, price in session.execute(
                select(m.PlanPriceRow.from_day, m.PlanPriceRow.price)
                .where(m.PlanPriceRow.plan_id == plan_id).order_by(m.PlanPriceRow.from_day))]

    def raise_preview(self, plan_ids: list[int], percent: str,
                      day: date | None = None) -> list[PriceChange]:
        """What *Raise prices…* would change: each chosen plan's price on the day before and
        after, and the contracts billed at it. Nothing is written; bad input refused as
        raise_prices refuses it."""
        day = self.clock.today() if day is None else day
        with self.db.session() as session:
            return self._changes(session, plan_ids, percent_of(percent), day)

    def _changes(self, session: Session, plan_ids: list[int], percent: Decimal,
                 day: date) -> list[PriceChange]:
        if day_problem(day) is not None:
            raise ValidationError([Problem("day", _(
                "The day is outside the years Frontdesk accepts."))])
        if not plan_ids:
            raise ValidationError([Problem("plans", _("Choose the plans to raise."))])
        plans = load_plans(session)
        missing = [i for i in plan_ids if i not in plans]
        if missing:
            raise ValidationError([Problem("plans", _("A chosen plan no longer exists."))])
        c, a = m.ContractRow, m.ContractAddonRow
        changes = []
        for plan_id in sorted(set(plan_ids), key=lambda i: plans[i].name.lower()):
            plan = plans[plan_id]
            old = plan.price_on(day)
            new = raised(old, percent)
            if new > MAX_AMOUNT:
                raise ValidationError([Problem("percent", _(
                    "The new price of {name} would be too large.").format(name=plan.name))])
            holding = (select(a.contract_id).where(a.addon_id == plan_id))
            count = session.scalar(
                select(func.count(c.id)).where(
                    c.next_invoice_date.is_not(None),
                    or_(c.plan_id == plan_id, c.next_plan_id == plan_id, c.id.in_(holding)),
                    or_(c.custom_price.is_(None), c.id.in_(holding)))) or 0
            changes.append(PriceChange(plan_id, plan.name, old, new, count))
        return changes

    def raise_prices(self, plan_ids: list[int], percent: str,
                     day: date | None = None) -> Changes:
        """Rule 24: raise each chosen plan's price by the percentage from the day (default
        today), rounded to the minor unit; lines of periods starting on or after it use the
        new price. Audited per plan. ValidationError, nothing written, for bad input."""
        day = self.clock.today() if day is None else day
        with self.db.write() as session:
            changes = self._changes(session, plan_ids, percent_of(percent), day)
            who, now = audit.operator(session), self.clock.now()
            for change in changes:
                row = session.get(m.PlanRow, change.plan_id)
                record_price(session, row, day, change.new)
                audit.write_changes(session, at=now, who=who, entity="plan",
                                    entity_id=change.plan_id,
                                    before={"Price": str(change.old)},
                                    after={"Price": f"{change.new} from {day.isoformat()}"})
            return Changes(catalog=True, transitions=True)
