"""The bridge between the database rows and the billing core (rules 6, 15, 17-20).

Reading member states lives in `member_states`, writing what `apply_day` returned in
`day_writes` (bulk SQL in `bulk_rows`); this module keeps saving a contract edited by hand and
gives every one of those names from one place, as the contract use cases import them.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop.domain.model import Contract
from desktop.services.day_writes import (
    SYSTEM,
    Readable,
    contract_audit_rows,
    contract_columns,
    insert_invoices,
    invoice_numbers,
    write_day,
    write_days,
)
from desktop.services.member_states import (
    MemberState,
    billing_settings,
    load_contract,
    load_contracts,
    load_member_state,
    load_member_states,
    load_plans,
)
from desktop.storage import models as m

__all__ = [
    "SYSTEM", "MemberState", "Readable", "billing_settings", "contract_audit_rows",
    "contract_columns", "insert_invoices", "invoice_numbers", "load_contract", "load_contracts",
    "load_member_state", "load_member_states", "load_plans", "save_contract", "write_day",
    "write_days",
]


def save_contract(session: Session, contract: Contract) -> m.ContractRow:
    """Insert or update a contract row from a domain Contract, with next_event_date and add-ons.

    The row is flushed, so a new contract has its id. Plans must carry their database ids.
    """
    if contract.id is None:
        row = m.ContractRow(member_id=contract.member)
        session.add(row)
    else:
        row = session.get(m.ContractRow, contract.id)
        if row is None:
            from desktop.services.errors import NotFound

            raise NotFound("This contract no longer exists.")
    values = contract_columns(contract)
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
    if row.member_id != contract.member:
        row.member_id = contract.member
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
