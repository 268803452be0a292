"""The audit writer (rule 20): one history row per changed field, who = the operator or "system".

A contract's audited values are stored raw (issue 10): dates as ISO "2026-12-01", amounts as
minor units "35000", switches as "on"/"off", plans by name (so the audit reads the same even
after the plans it names are gone); the History tab shows them in the reader's language and the
site's locale. The field is the fixed English label ("Next invoice date"), translated at display;
the labels are named here once (`CONTRACT_LABELS`, `MONEY_LABELS`) for every writer: the editor's
Save, the sweep's bulk rows (`contract_audit_rows`, `money_audit_rows`) and the demo.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.model import Account, Contract, PlanChange
from desktop.storage import models as m

SYSTEM = "system"


@dataclass(frozen=True)
class HistoryRow:
    """One audit row as the editor's History tab shows it."""

    at: datetime
    who: str
    field: str
    old: str
    new: str


def operator(session: Session) -> str:
    """Rule 20: the operator name from the settings, or "system" when none is set."""
    name = session.scalar(select(m.SettingsRow.operator).where(m.SettingsRow.id == 1))
    return (name or "").strip() or SYSTEM


def write_changes(session: Session, *, at: datetime, who: str, entity: str,
                  entity_id: int | None, before: Mapping[str, str], after: Mapping[str, str],
                  member_id: int | None = None, contract_id: int | None = None) -> int:
    """A history row for every field whose readable value differs; returns how many were written.

    A field missing from `before` (a new record) is written with an empty old value.
    """
    written = 0
    for field, new in after.items():
        old = before.get(field, "")
        if old == new:
            continue
        session.add(m.HistoryRow(at=at, who=who, entity=entity, entity_id=entity_id,
                                 member_id=member_id, contract_id=contract_id, field=field,
                                 old_value=old, new_value=new))
        written += 1
    return written


def write_event(session: Session, *, at: datetime, who: str, entity: str, entity_id: int | None,
                field: str, old: str = "", new: str = "", member_id: int | None = None,
                contract_id: int | None = None) -> None:
    """A single history row for something that is not a field edit (created, deleted, ...)."""
    session.add(m.HistoryRow(at=at, who=who, entity=entity, entity_id=entity_id,
                             member_id=member_id, contract_id=contract_id, field=field,
                             old_value=old, new_value=new))


def write_plan_change(session: Session, change: PlanChange, contract_id: int, at: datetime) -> None:
    """Rule 20: a plan change also records old/new plan, old/new price and the upgrade flag."""
    session.add(m.PlanChangeRow(contract_id=contract_id, date=change.date,
                                old_plan=change.old_plan, new_plan=change.new_plan,
                                old_price=change.old_price, new_price=change.new_price,
                                quantity=change.quantity, upgrade=change.upgrade, at=at))


def contract_history(session: Session, contract_id: int) -> list[HistoryRow]:
    """The audit rows of one contract, oldest first."""
    rows = session.scalars(select(m.HistoryRow).where(m.HistoryRow.contract_id == contract_id)
                           .order_by(m.HistoryRow.at, m.HistoryRow.id))
    return [HistoryRow(r.at, r.who, r.field, r.old_value or "", r.new_value or "") for r in rows]


def _date(day: date | None) -> str:
    return "" if day is None else day.isoformat()


def _yes_no(flag: bool) -> str:
    return "on" if flag else "off"


# Contract field -> the label its audit rows carry, in the order the History tab lists them.
CONTRACT_LABELS = {
    "plan": "Plan", "next_plan": "Next plan", "custom_price": "Custom price",
    "quantity": "Quantity", "start_date": "Start date", "billing_anchor": "Billing anchor",
    "next_invoice_date": "Next invoice date", "cancellation_date": "Cancellation date",
    "prorate_last_invoice": "Prorate last invoice",
    "prorate_first_invoice": "Prorate first invoice", "addons": "Add-ons", "notes": "Notes",
    "commitment_end": "Commitment end", "notice": "Notice period",
    "notice_waived": "Notice and commitment waived",
    "ends_at_commitment_end": "Ends at commitment end",
}
# A member's money, audited by the sweep and by an invoice issued at once.
MONEY_LABELS = {"credit_balance": "Credit balance", "deposit_held": "Deposit held"}
# The audited contract fields the sweep can change, with their labels.
_SWEPT = tuple((field, CONTRACT_LABELS[field]) for field in (
    "plan", "next_plan", "custom_price", "billing_anchor", "next_invoice_date",
    "cancellation_date"))


def contract_values(contract: Contract) -> dict[str, str]:
    """The audited fields of a contract as raw strings, keyed by the label the audit shows."""
    label = CONTRACT_LABELS
    return {
        label["plan"]: contract.plan.name,
        label["next_plan"]: "" if contract.next_plan is None else contract.next_plan.name,
        label["custom_price"]: "" if contract.custom_price is None else str(contract.custom_price),
        label["quantity"]: str(contract.quantity),
        label["start_date"]: _date(contract.start_date),
        label["billing_anchor"]: _date(contract.billing_anchor),
        label["next_invoice_date"]: _date(contract.next_invoice_date),
        label["cancellation_date"]: _date(contract.cancellation_date),
        label["prorate_last_invoice"]: _yes_no(contract.prorate_last_invoice),
        label["prorate_first_invoice"]: _yes_no(contract.prorate_first_invoice),
        label["addons"]: ", ".join(f"{a.addon.name} × {a.quantity}" if a.quantity != 1
                                   else a.addon.name for a in contract.addons),
        label["notes"]: contract.notes,
        label["commitment_end"]: _date(contract.commitment_end),
        label["notice"]: "" if contract.notice is None else str(contract.notice),
        label["notice_waived"]: _yes_no(contract.notice_waived),
        label["ends_at_commitment_end"]: _yes_no(contract.ends_at_commitment_end),
    }


# The sweep's audit rows, as dicts for bulk inserts ------------------------------------------

class Readable:
    """Audit values as raw strings (rule 20), each distinct value made once (a sweep writes the
    same few dates thousands of times)."""

    def __init__(self) -> None:
        self._dates: dict[date, str] = {}
        self._money: dict[int, str] = {}

    def value(self, field: str, value) -> str:
        if value is None:
            return ""
        if field in ("plan", "next_plan"):
            return value.name
        if field == "custom_price":
            if value not in self._money:
                self._money[value] = str(value)  # raw minor units, shown by the reader
            return self._money[value]
        if value not in self._dates:
            self._dates[value] = value.isoformat()  # raw, shown in the reader's locale
        return self._dates[value]


def _same(field: str, old, new) -> bool:
    if field in ("plan", "next_plan"):
        if old is None or new is None:
            return old is new
        return old.id == new.id if old.id is not None and new.id is not None else old == new
    return old == new


def contract_audit_rows(before: Contract | None, after: Contract, readable: Readable,
                        now: datetime, who: str) -> list[dict]:
    """History rows (as dicts) for the audited fields the sweep changes that differ between two
    contract states."""
    rows = []
    for field, label in _SWEPT:
        old = None if before is None else getattr(before, field)
        new = getattr(after, field)
        if before is not None and (old is new or _same(field, old, new)):
            continue
        rows.append(dict(at=now, who=who, entity="contract", entity_id=after.id,
                         member_id=after.member, contract_id=after.id, field=label,
                         old_value=readable.value(field, old),
                         new_value=readable.value(field, new)))
    return rows


def money_audit_rows(before: Account | None, after: Account, now: datetime,
                     who: str) -> list[dict]:
    """History rows (as dicts) for a member's credit balance and deposit held, where changed;
    raw minor units (issue 10)."""
    rows = []
    for field, label in MONEY_LABELS.items():
        old, new = (None if before is None else getattr(before, field)), getattr(after, field)
        if old != new:
            rows.append(dict(at=now, who=who, entity="member", entity_id=after.member,
                             member_id=after.member, contract_id=None, field=label,
                             old_value="" if old is None else str(old), new_value=str(new)))
    return rows
