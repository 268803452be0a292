"""What the contract use cases look up by id, refused in the reader's words when it is gone."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop.domain.model import Contract, Plan
from desktop.i18n import _
from desktop.ledger import contracts as ledger_contracts
from desktop.ledger.member_states import MemberState, load_member_state, load_plans
from desktop.services.errors import NotFound
from desktop.storage import models as m


def catalog(session: Session) -> list[Plan]:
    """Every plan and add-on, ids set."""
    return list(load_plans(session).values())


def plan_by_id(session: Session, plan_id: int) -> Plan:
    plan = load_plans(session).get(plan_id)
    if plan is None:
        raise NotFound(_("This plan no longer exists."))
    return plan


def contract_row(session: Session, contract_id: int) -> m.ContractRow:
    row = ledger_contracts.contract_row(session, contract_id)
    if row is None:
        raise NotFound(_("This contract no longer exists."))
    return row


def member_state_of(session: Session, contract_id: int) -> tuple[MemberState, Contract]:
    """The member state (all their contracts, invoiced spans filled) and the contract in it."""
    row = contract_row(session, contract_id)
    state = load_member_state(session, row.member_id)
    contract = next(c for c in state.contracts if c.id == contract_id)
    return state, contract
