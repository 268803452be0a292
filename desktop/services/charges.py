"""Charges for members (rule 27 in docs/billing-rules.md): recorded as pending, billed on the
member's next document by the sweep (`apply_day`), shown and previewed with it.

`ChargeService.add` is the one way a charge is recorded, by the window (*Add charge…*), the
command line (`frontdesk charges add`) and the fees of other rules (a late fee, a bank's return
fee, an early termination fee), which pass their own `kind`. Bad input is refused with one
sentence, in the user's language, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.charges.allowances import Balance, Source, balances, cover, sources_on
from desktop.domain.limits import MAX_AMOUNT, MAX_QUANTITY, day_problem
from desktop.domain.model import ADDON, CHARGE_KINDS, STANDARD, TAX_CATEGORIES, Plan, Problem
from desktop.i18n import _
from desktop.ledger import audit
from desktop.ledger.charges import allowance_used, record_charge
from desktop.ledger.member_states import load_member_state, load_plans
from desktop.services.changes import Changes
from desktop.services.errors import NotFound, ValidationError, text_problems
from desktop.storage import models as m


@dataclass(frozen=True)
class ChargeRecord:
    """A charge as the member's page lists it: pending (`document` None) or billed."""

    id: int
    day: date
    kind: str
    description: str
    quantity: int
    unit_amount: int
    tax_category: str
    product: str | None
    document: str | None
    covered: int = 0  # of the quantity, what the allowances took

    @property
    def amount(self) -> int:
        """What is (or will be) billed: the excess over the allowances."""
        return self.unit_amount * (self.quantity - self.covered)


def _product(session: Session, product: int | str) -> m.PlanRow:
    """A catalogue product by id or name (an add-on sold once, not archived)."""
    if isinstance(product, int):
        row = session.get(m.PlanRow, product)
    else:
        name = product.strip()
        row = session.scalars(select(m.PlanRow).where(m.PlanRow.name == name)).first() or \
            session.scalars(select(m.PlanRow)
                            .where(func.lower(m.PlanRow.name) == name.lower())).first()
    if row is None or row.kind != ADDON or row.frequency or row.archived:
        shown = row.name if row is not None else str(product)
        raise ValidationError([Problem("product", _(
            "There is no product named {name} in the catalogue.").format(name=shown))])
    return row


def charge_problems(*, quantity: int, day: date, amount: int | None, description: str,
                    tax_category: str, kind: str) -> list[Problem]:
    """What is wrong with a charge's values, each with the field it concerns."""
    problems = text_problems({"description": description})
    if not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
        problems.append(Problem("quantity", _(
            "The quantity must be a whole number from 1 to {limit}.").format(
                limit=f"{MAX_QUANTITY:,}")))
    if day_problem(day) is not None:
        problems.append(Problem("day", _("The date of the charge is outside the years "
                                          "Frontdesk accepts.")))
    if amount is not None:
        if amount <= 0:
            problems.append(Problem("amount", _("The amount of a charge must be above zero.")))
        elif amount * quantity > MAX_AMOUNT:
            problems.append(Problem("amount", _("The amount is too large.")))
        if not description.strip():
            problems.append(Problem("description", _("Describe what the charge is for.")))
    if tax_category not in TAX_CATEGORIES:
        problems.append(Problem("tax_category", _(
            "The tax category must be standard, reduced, zero or exempt.")))
    if kind not in CHARGE_KINDS:
        problems.append(Problem("kind", _("This is not a kind of charge.")))
    return problems


class ChargeService:
    def __init__(self, db, clock) -> None:
        self.db = db
        self.clock = clock

    def add(self, member_id: int, *, product: int | str | None = None, quantity: int = 1,
            day: date | None = None, amount: int | None = None, description: str = "",
            tax_category: str = STANDARD, kind: str = "charge") -> Changes:
        """Record a charge for the member on `day` (default today), pending until their next
        document (rule 27): a catalogue `product` (id or name; its price, tax category and
        name) × `quantity`, or a described `amount` (minor units, above zero) with its
        `description` and `tax_category`. `kind` is "charge", "late_fee", "return_fee" or
        "termination_fee". ValidationError or NotFound, nothing written, for bad input. The
        Changes name the member and carry the charge's id."""
        day = self.clock.today() if day is None else day
        with self.db.write() as session:
            if session.get(m.MemberRow, member_id) is None:
                raise NotFound(_("This member no longer exists."))
            if (product is None) == (amount is None):
                raise ValidationError([Problem("product", _(
                    "Choose a product, or give an amount and a description."))])
            problems = charge_problems(quantity=quantity, day=day, amount=amount,
                                       description=description, tax_category=tax_category,
                                       kind=kind)
            if problems:
                raise ValidationError(problems)
            product_id: int | None = None
            uses: list[tuple[Source, int]] = []
            if product is not None:
                row = _product(session, product)
                product_id, amount = row.id, row.price
                description, tax_category = row.name, row.tax_category or STANDARD
                if amount * quantity > MAX_AMOUNT:
                    raise ValidationError([Problem("quantity", _("The amount is too large."))])
                if row.allowance_unit:
                    # Rule 27: the member's allowances of that day first; the excess is billed.
                    contracts = load_member_state(session, member_id).contracts
                    uses, _excess = cover(quantity, row.allowance_unit,
                                          sources_on(contracts, day),
                                          allowance_used(session, member_id))
            assert amount is not None
            charge_id = record_charge(session, member_id=member_id, day=day, unit_amount=amount,
                                      description=description.strip(), quantity=quantity,
                                      tax_category=tax_category, kind=kind,
                                      product_id=product_id, now=self.clock.now(),
                                      who=audit.operator(session), uses=uses)
            # The member's next document changes; one without a contract is billed by the
            # next sweep, which the window runs on a change of transitions.
            return Changes.of(members=[member_id], invoices=True, transitions=True,
                              id=charge_id)

    def products(self) -> list[Plan]:
        """What can be charged by product: the one-off add-ons of the catalogue not archived,
        by name."""
        with self.db.session() as session:
            plans = load_plans(session).values()
        return sorted((p for p in plans if p.kind == ADDON and not p.recurring and not p.archived),
                      key=lambda p: (p.name.lower(), p.id))

    def of_member(self, member_id: int) -> list[ChargeRecord]:
        """The member's charges, pending first, then billed, each newest first."""
        c, doc, plan = m.ChargeRow, m.InvoiceRow, m.PlanRow
        with self.db.session() as session:
            rows = session.execute(
                select(c.id, c.day, c.kind, c.description, c.quantity, c.unit_amount,
                       c.tax_category, plan.name, doc.number, c.covered)
                .outerjoin(plan, plan.id == c.product_id)
                .outerjoin(doc, doc.id == c.document_id)
                .where(c.member_id == member_id)).all()
        records = [ChargeRecord(*row) for row in rows]
        return sorted(records, key=lambda r: (r.document is not None, -r.day.toordinal(),
                                              -r.id))

    def allowances(self, member_id: int, day: date | None = None) -> list[Balance]:
        """The member's allowances on the day (default today), each with what it grants, what
        was used and what is left (rule 27): plans' and recurring add-ons' of the period,
        packages' until used or expired."""
        day = self.clock.today() if day is None else day
        with self.db.session() as session:
            if session.get(m.MemberRow, member_id) is None:
                raise NotFound(_("This member no longer exists."))
            contracts = load_member_state(session, member_id).contracts
            return balances(sources_on(contracts, day), allowance_used(session, member_id))
