"""Export: the whole database as a frontdesk/2 document (docs/exchange-format.md; the format is
described in desktop/services/exchange/__init__.py).

Everything is ordered by database id. A contract exports its reference (the id the document it
was imported from gave it) or else its database id, so an import of the document (which keeps
document order, numeric ids and references) exports back to the same document.
"""

from __future__ import annotations

import base64
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.model import ACTIVE, CANCELLED, INACTIVE
from desktop.ledger.mapping import stored_params
from desktop.ledger.member_states import load_plans
from desktop.services.exchange.history import References, export_history, moment
from desktop.storage import models as m

FORMAT = "frontdesk/2"
# The formats an import reads, by version; export writes the newest.
FORMATS = {"frontdesk/1": 1, "frontdesk/2": 2}
# The settings a document carries, in document order; the logo (PNG bytes) follows as base64,
# then (frontdesk/2) the operator's name.
SETTINGS_KEYS = ("currency", "locale", "tax_rate", "billing_day", "site_name", "address",
                 "vat_id", "iban", "invoice_prefix", "payment_terms")


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def stored_status(row) -> str:
    """The stored state's status: ended, not yet activated, or running (rules 4, 5;
    docs/design.md#vocabulary)."""
    if row.next_invoice_date is None:
        return CANCELLED
    return INACTIVE if row.next_invoice_date == row.start_date else ACTIVE


def document_id(row) -> str:
    """docs/exchange-format.md: the contract's reference from the document it came in with, else its
    database id.

    They never clash: import gives a contract whose reference is a number that number as its
    database id, and a number written with other digits ("007") is no database id.
    """
    return row.reference if row.reference is not None else str(row.id)


def export_document(session: Session) -> dict:
    """The whole database as a frontdesk/2 document (plain JSON values), ordered by id."""
    plans = load_plans(session)
    names = {pid: plan.name for pid, plan in plans.items()}
    settings = session.get(m.SettingsRow, 1)
    members = session.execute(select(m.MemberRow.__table__).order_by(m.MemberRow.id)).all()
    emails = {row.id: row.email for row in members}
    contracts = session.execute(select(m.ContractRow.__table__).order_by(m.ContractRow.id)).all()
    ids = {row.id: document_id(row) for row in contracts}
    addons: dict[int, list[dict]] = {}
    for row in session.execute(select(m.ContractAddonRow.__table__).order_by(
            m.ContractAddonRow.contract_id, m.ContractAddonRow.start_date, m.ContractAddonRow.id)):
        addons.setdefault(row.contract_id, []).append(
            {"name": names[row.addon_id], "quantity": row.quantity,
             "start_date": _iso(row.start_date)})
    lines: dict[int, list[dict]] = {}
    for row in session.execute(select(m.InvoiceLineRow.__table__).order_by(
            m.InvoiceLineRow.invoice_id, m.InvoiceLineRow.position, m.InvoiceLineRow.id)):
        lines.setdefault(row.invoice_id, []).append(
            {"kind": row.kind, "description": row.description,
             "contract": None if row.contract_id is None else ids[row.contract_id],
             "period_start": _iso(row.period_start), "period_end": _iso(row.period_end),
             "amount": row.amount, "days": row.days, "period_days": row.period_days,
             "params": stored_params(row.params)})
    invoices = session.execute(select(m.InvoiceRow.__table__).order_by(m.InvoiceRow.id)).all()
    numbers = {row.id: row.number for row in invoices}
    payments = session.execute(select(m.PaymentRow.__table__).order_by(m.PaymentRow.id)).all()
    refs = References(emails, ids, names, {row.id: i for i, row in enumerate(payments)})
    return {
        "format": FORMAT,
        "settings": {**{key: _setting(settings, key) for key in SETTINGS_KEYS},
                     "logo": _logo(settings),
                     "operator": (settings.operator if settings is not None else None) or ""},
        "plans": [
            {"name": p.name, "kind": p.kind, "price": p.price,
             "frequency": None if p.frequency is None else str(p.frequency),
             "deposit": p.deposit, "group": p.group, "archived": p.archived,
             "allowances": dict(sorted(p.allowances.items())), "addons": list(p.addons)}
            for _, p in sorted(plans.items())
        ],
        "members": [
            {"email": r.email, "name": r.name, "company": r.company or "", "phone": r.phone or "",
             "notes": r.notes or "", "credit_balance": r.credit_balance,
             "deposit_held": r.deposit_held, "billing_address": r.billing_address or "",
             "vat_id": r.vat_id or "", "archived": bool(r.archived)}
            for r in members
        ],
        "contracts": [
            {"id": ids[r.id], "member": emails[r.member_id], "plan": names[r.plan_id],
             "next_plan": None if r.next_plan_id is None else names[r.next_plan_id],
             "custom_price": r.custom_price, "quantity": r.quantity,
             "start_date": _iso(r.start_date), "billing_anchor": _iso(r.billing_anchor),
             "next_invoice_date": _iso(r.next_invoice_date),
             "cancellation_date": _iso(r.cancellation_date),
             "prorate_last_invoice": bool(r.prorate_last_invoice),
             "prorate_first_invoice": bool(r.prorate_first_invoice),
             "predecessor": None if r.predecessor_id is None else ids[r.predecessor_id],
             "status": stored_status(r), "addons": addons.get(r.id, []), "notes": r.notes or ""}
            for r in contracts
        ],
        "invoices": [
            {"number": r.number, "member": emails[r.member_id], "issue_date": _iso(r.issue_date),
             "subtotal": r.subtotal, "tax": r.tax, "total": r.total,
             "credit_applied": r.credit_applied, "amount_due": r.amount_due,
             "lines": lines.get(r.id, []), "language": r.language}
            for r in invoices
        ],
        "payments": [
            {"invoice": numbers.get(r.invoice_id), "member": emails[r.member_id],
             "date": _iso(r.date), "amount": r.amount, "method": r.method or "",
             "reference": r.reference or "", "recorded_at": moment(r.recorded_at)}
            for r in payments
        ],
        **export_history(session, refs),
    }


def _logo(row) -> str | None:
    """The site's logo as base64 text (it is kept as PNG), or None."""
    logo = getattr(row, "logo", None) if row is not None else None
    return base64.b64encode(logo).decode("ascii") if logo else None


def _setting(row, key: str):
    """A setting as exported: a value never set (NULL in an older row) is its default."""
    value = getattr(row, key) if row is not None else None
    if value is None or (value == "" and key == "invoice_prefix"):
        return m.SETTINGS_DEFAULTS[key]
    return value
