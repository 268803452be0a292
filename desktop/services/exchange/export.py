"""Export: the whole database as a frontdesk/2 document (docs/exchange-format.md; the format is
described in desktop/services/exchange/__init__.py).

Documents of every type (rules 15, 17, 18) with their tax groups, payments with the
allocations they made (rule 21), and the allocations of credit (rule 22) in a section of their
own. Everything is ordered by database id. A contract exports its reference (the id the document it
was imported from gave it) or else its database id, so an import of the document (which keeps
document order, numeric ids and references) exports back to the same document.
"""

from __future__ import annotations

import base64
import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.accounts import tax_groups
from desktop.domain.model import ACTIVE, CANCELLED, INACTIVE, Line, TaxGroup, evolve
from desktop.domain.money import parse_rate, rate_text
from desktop.ledger.mapping import stored_params
from desktop.ledger.member_states import load_plans
from desktop.services.exchange import direct_debit, einvoice_fields, mail
from desktop.services.exchange.charges import export_charges
from desktop.services.exchange.history import References, export_history, moment
from desktop.storage import models as m

FORMAT = "frontdesk/2"
# The formats an import reads, by version; export writes the newest.
FORMATS = {"frontdesk/1": 1, "frontdesk/2": 2}
# The settings a document carries, in document order; the logo (PNG bytes) follows as base64,
# then (frontdesk/2) the operator's name.
SETTINGS_KEYS = ("currency", "locale", "tax_rate", "billing_day", "site_name", "address",
                 "vat_id", "iban", "invoice_prefix", "payment_terms")
# What the accounts round added to the settings (rule 17, the number series of rules 15, 17);
# written after the operator.
ACCOUNT_SETTINGS = ("reduced_tax_rate", "exemption_reason", "credit_note_prefix",
                    "deposit_prefix")


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
             "params": stored_params(row.params), "tax_category": row.tax_category,
             "rate": row.rate})
    documents = session.execute(select(m.InvoiceRow.__table__).order_by(m.InvoiceRow.id)).all()
    numbers = {row.id: row.number for row in documents}
    sent = mail.export_sent(session)  # rule 29
    payments = session.execute(select(m.PaymentRow.__table__).order_by(m.PaymentRow.id)).all()
    allocated: dict[int, list[dict]] = {}
    credit_allocations = []
    for row in session.execute(select(m.AllocationRow.__table__).order_by(m.AllocationRow.id)):
        if row.payment_id is None:
            credit_allocations.append({"document": numbers[row.document_id],
                                       "date": _iso(row.date), "amount": row.amount})
        else:
            allocated.setdefault(row.payment_id, []).append(
                {"document": numbers[row.document_id], "amount": row.amount})
    refs = References(emails, ids, names, {row.id: i for i, row in enumerate(payments)})
    debits = direct_debit.exported_members(session)  # rule 30
    return {
        "format": FORMAT,
        "settings": {**{key: _setting(settings, key) for key in SETTINGS_KEYS},
                     "logo": _logo(settings),
                     "operator": (settings.operator if settings is not None else None) or "",
                     **{key: _setting(settings, key) for key in ACCOUNT_SETTINGS},
                     **direct_debit.exported_settings(settings),
                     **mail.export_settings(settings),
                     **einvoice_fields.export_settings(settings),
                     "cancellations_on_boundary": settings is None
                     or settings.cancellations_on_boundary is not False},
        "plans": [
            {"name": p.name, "kind": p.kind, "price": p.price,
             "frequency": None if p.frequency is None else str(p.frequency),
             "deposit": p.deposit, "group": p.group, "archived": p.archived,
             "allowances": dict(sorted(p.allowances.items())), "addons": list(p.addons),
             "tax_category": p.tax_category, "allowance_unit": p.allowance_unit,
             "expires_months": p.expires_months,
             "prices": [{"from": _iso(day), "price": price} for day, price in p.prices],
             "early_termination_fee": p.early_termination_fee}
            for _, p in sorted(plans.items())
        ],
        "members": [
            {"email": r.email, "name": r.name, "company": r.company or "", "phone": r.phone or "",
             "notes": r.notes or "", "credit_balance": r.credit_balance,
             "deposit_held": r.deposit_held, "billing_address": r.billing_address or "",
             "vat_id": r.vat_id or "", "archived": bool(r.archived), **debits[r.id],
             "send_as": r.send_as or "none", "mail_to": r.mail_to or "",
             **einvoice_fields.export_member(r)}
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
             "status": stored_status(r), "addons": addons.get(r.id, []), "notes": r.notes or "",
             "commitment_end": _iso(r.commitment_end), "notice": r.notice,
             "notice_waived": bool(r.notice_waived),
             "ends_at_commitment_end": bool(r.ends_at_commitment_end)}
            for r in contracts
        ],
        "documents": [dict(_document(row, emails[row.member_id], lines.get(row.id, [])),
                           sent=sent.get(row.id, [])) for row in documents],
        "payments": [
            {"member": emails[r.member_id], "date": _iso(r.date), "amount": r.amount,
             "method": r.method or "", "reference": r.reference or "",
             "allocations": allocated.get(r.id, []), "recorded_at": moment(r.recorded_at)}
            for r in payments
        ],
        "credit_allocations": credit_allocations,
        "charges": export_charges(session, emails, names, numbers, ids),
        **export_history(session, refs),
    }


def _document(row, member: str, lines: list[dict]) -> dict:
    """One document as exported, with its tax groups (rule 17) as its view and its PDF show
    them."""
    return {"type": row.type, "number": row.number, "member": member,
            "billing_date": _iso(row.billing_date), "issue_date": _iso(row.issue_date),
            "due_date": _iso(row.due_date), "subtotal": row.subtotal,
            "tax": [{"category": g.category, "rate": rate_text(g.rate), "net": g.net,
                     "tax": g.tax} for g in exported_groups(lines, row.tax)],
            "total": row.total, "credit_applied": row.credit_applied,
            "amount_due": row.amount_due, "credits": stored_credits(row.credits),
            "lines": lines, "language": row.language,
            "collection": direct_debit.exported_collection(row)}


def exported_groups(lines: list[dict], tax: int) -> tuple[TaxGroup, ...]:
    """The tax groups of a document's exported lines: each (category, rate) with its net and
    its tax rounded once (rule 17); a document from before lines kept their rates has one group
    and keeps the tax it was issued with, as invoice_to_domain reads it."""
    groups = tax_groups(Line(line["kind"], "", line["amount"], tax_category=line["tax_category"],
                             rate=None if line["rate"] is None else parse_rate(line["rate"]))
                        for line in lines)
    if len(groups) == 1 and groups[0].tax != tax:
        groups = (evolve(groups[0], tax=tax),)
    return groups


def stored_credits(text: str | None) -> list[str]:
    """The numbers a credit note credits, as stored (a JSON list)."""
    try:
        found = json.loads(text) if text else []
    except ValueError:
        return []
    return [str(number) for number in found] if isinstance(found, list) else []


def _logo(row) -> str | None:
    """The site's logo as base64 text (it is kept as PNG), or None."""
    logo = getattr(row, "logo", None) if row is not None else None
    return base64.b64encode(logo).decode("ascii") if logo else None


def _setting(row, key: str):
    """A setting as exported: a value never set (NULL in an older row) is its default."""
    value = getattr(row, key) if row is not None else None
    if value is None or (value == "" and key.endswith("_prefix")):
        return m.SETTINGS_DEFAULTS[key]
    return value
