"""Pending charges in the database (rule 27): read for the member states, recorded with their
audit row, and marked with the document that billed them.

A charge is written once and billed once: the sweep marks it with its document in the same
transaction that writes the document, and only a charge still pending can be marked, so a
re-run or a second desk never bills it twice (rule 19).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import BindParameter, bindparam, func, select, update
from sqlalchemy.orm import Session

from desktop.domain.charges.allowances import Source, source_key
from desktop.domain.model import STANDARD, Charge
from desktop.ledger import audit
from desktop.ledger.bulk_rows import insert_rows
from desktop.ledger.errors import StaleEdit
from desktop.storage import models as m

_CHARGES = m.ChargeRow.__table__.c
_PLANS = m.PlanRow.__table__.c
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
# Pending: not billed yet, and not taken whole by the allowances (those are never billed).
_PENDING = (select(_CHARGES.id, _CHARGES.member_id, _CHARGES.day, _CHARGES.kind,
                   _CHARGES.description, _CHARGES.quantity, _CHARGES.unit_amount,
                   _CHARGES.tax_category, _PLANS.name, _PLANS.allowance_unit, _CHARGES.covered)
            .select_from(m.ChargeRow.__table__.outerjoin(
                m.PlanRow.__table__, _PLANS.id == _CHARGES.product_id))
            .where(_CHARGES.member_id.in_(_IDS), _CHARGES.document_id.is_(None),
                   _CHARGES.quantity > _CHARGES.covered)
            .order_by(_CHARGES.member_id, _CHARGES.day, _CHARGES.id))
_USES = m.AllowanceUseRow.__table__.c


def pending_charges(session: Session,
                    member_ids: Sequence[int]) -> dict[int, tuple[Charge, ...]]:
    """Each member's charges not billed yet, oldest first (by day, then as recorded)."""
    found: dict[int, list[Charge]] = {}
    connection = session.connection()
    ids = list(member_ids)
    for start in range(0, len(ids), 500):
        for (charge_id, member_id, day, kind, description, quantity, unit_amount, category,
             product, unit, covered) in connection.execute(_PENDING,
                                                           {"ids": ids[start:start + 500]}):
            found.setdefault(member_id, []).append(Charge(
                member_id, day, description, unit_amount, quantity, category or STANDARD,
                kind, product, unit, charge_id, None, covered or 0))
    return {member: tuple(charges) for member, charges in found.items()}


def record_charge(session: Session, *, member_id: int, day: date, unit_amount: int,
                  description: str, quantity: int = 1, tax_category: str = STANDARD,
                  kind: str = "charge", product_id: int | None = None, now: datetime,
                  who: str, uses: Sequence[tuple[Source, int]] = ()) -> int:
    """Write one pending charge, what it took from the allowances (`uses`, rule 27) and its
    history row (rule 20) in the caller's transaction; its id. The values are the caller's
    to check (the service refuses bad input)."""
    covered = sum(quantity for _source, quantity in uses)
    row = m.ChargeRow(member_id=member_id, day=day, kind=kind, product_id=product_id,
                      description=description, quantity=quantity, unit_amount=unit_amount,
                      tax_category=tax_category, recorded_at=now, recorded_by=who,
                      covered=covered)
    session.add(row)
    session.flush()
    insert_rows(session.connection(), m.AllowanceUseRow.__table__, [
        dict(charge_id=row.id, kind=source.kind, contract_id=source.contract,
             addon_id=source.addon, held_from=source.held_from,
             period_start=source.period_start, unit=source.unit, quantity=taken)
        for source, taken in uses])
    said = f"{day.isoformat()}: {description} × {quantity} at {unit_amount}"
    if covered:
        said += f", {covered} from allowances"
    audit.write_event(session, at=now, who=who, entity="member", entity_id=member_id,
                      member_id=member_id, field="Charge recorded", new=said)
    return row.id


def allowance_used(session: Session, member_id: int) -> dict[tuple[str, str], int]:
    """What the member's charges took from each allowance source so far: (source key, unit)
    -> quantity (rule 27)."""
    query = (select(_USES.kind, _USES.contract_id, _USES.addon_id, _USES.held_from,
                    _USES.period_start, _USES.unit, func.sum(_USES.quantity))
             .join(m.ChargeRow.__table__, _CHARGES.id == _USES.charge_id)
             .where(_CHARGES.member_id == member_id)
             .group_by(_USES.kind, _USES.contract_id, _USES.addon_id, _USES.held_from,
                       _USES.period_start, _USES.unit))
    return {(source_key(kind, contract, addon, held_from, period_start), unit): int(total)
            for kind, contract, addon, held_from, period_start, unit, total
            in session.execute(query)}


def mark_billed(session: Session, billed: Iterable[tuple[int, int]]) -> None:
    """Mark charges (charge id, document id) as billed on their documents; a charge that is
    no longer pending (billed meanwhile) raises StaleEdit, and the caller's transaction is
    rolled back with it."""
    connection = session.connection()
    for charge_id, document_id in billed:
        done = connection.execute(update(m.ChargeRow.__table__)
                                  .where(_CHARGES.id == charge_id,
                                         _CHARGES.document_id.is_(None))
                                  .values(document_id=document_id))
        if done.rowcount != 1:
            raise StaleEdit("A charge of this member was billed meanwhile; try again.")


def members_with_own_charges(session: Session, as_of: date,
                             skipped: Iterable[int]) -> list[tuple[int, date]]:
    """(member, first charge day) of the members whose pending charges are due by as_of on an
    invoice of their own: no contract of theirs has a billing date to come (rule 27)."""
    contracts = m.ContractRow.__table__.c
    running = (select(contracts.id).where(contracts.member_id == _CHARGES.member_id,
                                          contracts.next_invoice_date.is_not(None))
               .exists())
    query = (select(_CHARGES.member_id, func.min(_CHARGES.day))
             .where(_CHARGES.document_id.is_(None), _CHARGES.day <= as_of, ~running)
             .group_by(_CHARGES.member_id))
    left_out = set(skipped)
    return sorted(((member, day) for member, day in session.execute(query)
                   if member not in left_out), key=lambda pair: (pair[1], pair[0]))
