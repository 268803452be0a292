"""The contracts table's columns, named once for every reader and writer of contract rows.

`READ` is what a domain Contract is read from (member_states, in this order); `PLAIN` the
columns a domain field gives as it is; `contract_columns` the row values of a domain contract,
which the editor's Save, the sweep's bulk writes, the demo and the import all write.
"""

from __future__ import annotations

from operator import attrgetter

from desktop.domain.contracts import next_event_date
from desktop.domain.model import Contract

# The columns a domain field gives as it is (the others: plan_id, next_plan_id, predecessor_id
# from the plans and contract referred to, next_event_date computed, notice as its text).
PLAIN = ("custom_price", "quantity", "start_date", "billing_anchor", "next_invoice_date",
         "cancellation_date", "prorate_last_invoice", "prorate_first_invoice", "notes",
         "commitment_end", "notice_waived", "ends_at_commitment_end")

# What a domain Contract is read from, in the order member_states unpacks the rows.
READ = ("id", "member_id", "plan_id", "next_plan_id", "custom_price", "quantity", "start_date",
        "billing_anchor", "next_invoice_date", "cancellation_date", "prorate_last_invoice",
        "prorate_first_invoice", "predecessor_id", "notes", "commitment_end", "notice",
        "notice_waived", "ends_at_commitment_end")

plain_values = attrgetter(*PLAIN)


def contract_columns(contract: Contract) -> dict:
    """The contracts-table columns of a domain contract (member and version aside)."""
    return dict(
        plan_id=contract.plan.id,
        next_plan_id=None if contract.next_plan is None else contract.next_plan.id,
        **dict(zip(PLAIN, plain_values(contract))),
        notice=None if contract.notice is None else str(contract.notice),
        predecessor_id=contract.predecessor,
        next_event_date=next_event_date(contract),
    )
