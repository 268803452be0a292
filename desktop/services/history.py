"""The audit writer (rule 20): one history row per changed field, who = the operator or "system".

A contract's audited values are stored raw (issue 10): dates as ISO "2026-12-01", amounts as
minor units "35000", switches as "on"/"off", plans by name (so the audit reads the same even
after the plans it names are gone); the History tab shows them in the reader's language and the
site's locale. The field is the fixed English label ("Next invoice date"), translated at display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.model import Contract, PlanChange
from desktop.i18n.formatting import Formatter
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


def formatter(session: Session) -> Formatter:
    """A formatter for the site's locale and currency (defaults when the settings are unusable)."""
    row = session.get(m.SettingsRow, 1)
    try:
        return Formatter(row.locale, row.currency) if row else Formatter()
    except ValueError:
        return Formatter()


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


def contract_values(contract: Contract) -> dict[str, str]:
    """The audited fields of a contract as raw strings, keyed by the label the audit shows."""
    return {
        "Plan": contract.plan.name,
        "Next plan": "" if contract.next_plan is None else contract.next_plan.name,
        "Custom price": "" if contract.custom_price is None else str(contract.custom_price),
        "Quantity": str(contract.quantity),
        "Start date": _date(contract.start_date),
        "Billing anchor": _date(contract.billing_anchor),
        "Next invoice date": _date(contract.next_invoice_date),
        "Cancellation date": _date(contract.cancellation_date),
        "Prorate last invoice": _yes_no(contract.prorate_last_invoice),
        "Prorate first invoice": _yes_no(contract.prorate_first_invoice),
        "Add-ons": ", ".join(f"{a.addon.name} × {a.quantity}" if a.quantity != 1 else a.addon.name
                             for a in contract.addons),
        "Notes": contract.notes,
    }
