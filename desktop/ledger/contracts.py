"""Writing contracts for the contract use cases, with the audit every write needs (rule 20).
Their documents are issued by desktop.ledger.applier (also what is bought at once, rule 16).

Everything here runs inside the caller's session; the services own the transactions. Contracts
are read by desktop.ledger.member_states, their due days applied by desktop.ledger.applier.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, lazyload, selectinload

from desktop.domain.model import Contract, PlanChange, stored_id
from desktop.domain.plan_changes import UPGRADE, change_label, same_plan
from desktop.ledger import audit
from desktop.ledger.contract_columns import contract_columns
from desktop.ledger.errors import NotFound, StaleEdit
from desktop.storage import models as m

# A contract row as its writers need it: its columns and its add-on rows. The relationships to
# the plans (`lazy="selectin"` on the model) would read the contract's plans, their allowances
# and add-ons, and each add-on's plan again, five statements on the catalog per row, which the
# writers never look at: they set the ids, and take the plans from the catalog their caller
# read once (a Save read the plans table seven times that way).
_ROW_ALONE = (lazyload(m.ContractRow.plan), lazyload(m.ContractRow.next_plan),
              selectinload(m.ContractRow.addons).lazyload(m.ContractAddonRow.addon))


def contract_row(session: Session, contract_id: int) -> m.ContractRow | None:
    """The contract's row to change or delete, its add-on rows with it (None when gone).

    A row the session holds already is returned as it is, without a statement: a caller that
    checks a row and then writes it keeps a reference meanwhile, so it is read once.
    """
    return session.get(m.ContractRow, contract_id, options=_ROW_ALONE)


def has_invoices(session: Session, contract_id: int) -> bool:
    return bool(session.scalar(select(exists().where(m.InvoiceLineRow.contract_id == contract_id))))


def successor_ids(session: Session, contract_id: int) -> list[int]:
    return list(session.scalars(select(m.ContractRow.id)
                                .where(m.ContractRow.predecessor_id == contract_id)))


def next_term_start(session: Session, contract_id: int | None) -> date | None:
    """The start of the contract's next term (rule 10), the earliest if several; None if none."""
    if contract_id is None:
        return None
    return session.scalar(select(m.ContractRow.start_date)
                          .where(m.ContractRow.predecessor_id == contract_id)
                          .order_by(m.ContractRow.start_date).limit(1))


def store(session: Session, before: Contract | None, after: Contract, *, today: date,
          now: datetime, who: str) -> int:
    """Save a contract, a history row per changed field and a plan-change row (rule 20)."""
    row = save_contract(session, after)
    old = {} if before is None else audit.contract_values(before)
    new = audit.contract_values(replace(after, id=row.id))
    if before is None:
        # The start date has its own row; the plan is named as written.
        audit.write_event(session, at=now, who=who, entity="contract", entity_id=row.id,
                          field="Created", new=after.plan.name,
                          member_id=row.member_id, contract_id=row.id)
    audit.write_changes(session, at=now, who=who, entity="contract", entity_id=row.id,
                        before=old, after=new, member_id=row.member_id, contract_id=row.id)
    if before is not None and not same_plan(before.plan, after.plan):
        label = change_label(before.plan, after.plan, before.quantity, before.unit_price,
                             after.quantity)
        change = PlanChange(row.id, today, before.plan.name, after.plan.name, before.unit_price,
                            after.unit_price, after.quantity, label == UPGRADE)
        audit.write_plan_change(session, change, row.id, now)
    return row.id


def check_version(row: m.ContractRow, version: int | None) -> None:
    if version is not None and row.version != version:
        raise StaleEdit("This contract was changed since you opened it (by someone else or by "
                        "the scheduled transitions); reload it to see the changes.")


def save_contract(session: Session, contract: Contract) -> m.ContractRow:
    """Insert or update a contract row from a domain Contract, with next_event_date and add-ons.

    The row is flushed, so a new contract has its id. Plans must carry their database ids.
    """
    member_id = stored_id(contract.member)  # a contract is saved for a stored member
    if contract.id is None:
        row = m.ContractRow(member_id=member_id)
        session.add(row)
    else:
        found = contract_row(session, stored_id(contract.id))
        if found is None:
            raise NotFound("This contract no longer exists.")
        row = found
    values = contract_columns(contract)
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
    if row.member_id != member_id:
        row.member_id = member_id
    wanted = [(item.addon.id, item.quantity, item.start_date) for item in contract.addons]
    held = [(a.addon_id, a.quantity, a.start_date) for a in row.addons]
    if wanted != held:
        row.addons.clear()
        session.flush()
        for addon_id, quantity, start in wanted:
            row.addons.append(m.ContractAddonRow(addon_id=addon_id, quantity=quantity,
                                                 start_date=start))
    session.flush()
    return row
