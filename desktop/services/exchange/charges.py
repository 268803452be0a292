"""The `charges` section of frontdesk/2 (rule 27; docs/exchange-format.md): every charge,
pending or billed, so a move keeps what waits for a member's next document and what each
document billed.

Each charge: `member` (e-mail), `date`, `kind` ("charge", "late_fee", "return_fee",
"termination_fee"), `product` (a catalogue name, or null for a described amount),
`description`, `quantity`, `unit_amount`, `tax_category`, `document` (the number of the
document that billed it, or null while pending), `recorded_at`, `recorded_by`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.model import CHARGE_KINDS, TAX_CATEGORIES
from desktop.services.exchange.history import moment, read_moment
from desktop.services.exchange.values import Reader, any_bad, shown
from desktop.storage import models as m


def export_charges(session: Session, emails: Mapping[int, str], names: Mapping[int, str],
                   numbers: Mapping[int, str]) -> list[dict]:
    """Every charge, in the order recorded."""
    return [{"member": emails[r.member_id], "date": r.day.isoformat(), "kind": r.kind,
             "product": None if r.product_id is None else names[r.product_id],
             "description": r.description, "quantity": r.quantity,
             "unit_amount": r.unit_amount, "tax_category": r.tax_category,
             "document": None if r.document_id is None else numbers[r.document_id],
             "recorded_at": moment(r.recorded_at), "recorded_by": r.recorded_by}
            for r in session.execute(select(m.ChargeRow.__table__).order_by(m.ChargeRow.id))]


def read_charges(reader: Reader, value, emails: set[str], plans: set[str],
                 numbers: set[str]) -> list[dict]:
    """The charges read without problems, with their references checked."""
    read = []
    for i, item in enumerate(reader.items(value, "charges")):
        place = f"charges[{i}]"
        rec = reader.record(item, place, ("member", "date", "description", "unit_amount"),
                            {"kind": "charge", "product": None, "quantity": 1,
                             "tax_category": "standard", "document": None,
                             "recorded_at": None, "recorded_by": ""})
        if rec is None:
            continue
        member = rec["member"]
        if member not in emails:
            member = reader.problem(f"{place}.member", f"{shown(member)} is not a member's "
                                                       "email in members.")
        product = reader.text(rec["product"], f"{place}.product", nullable=True)
        if isinstance(product, str) and product not in plans:
            product = reader.problem(f"{place}.product", f"{shown(product)} is not in plans.")
        document = reader.text(rec["document"], f"{place}.document", nullable=True)
        if isinstance(document, str) and document not in numbers:
            document = reader.problem(f"{place}.document",
                                      f"{shown(document)} is not a document in documents.")
        kind = rec["kind"]
        if kind not in CHARGE_KINDS:
            kind = reader.problem(f"{place}.kind",
                                  f"{shown(kind)} is not one of {', '.join(CHARGE_KINDS)}.")
        category = rec["tax_category"]
        if category not in TAX_CATEGORIES:
            category = reader.problem(f"{place}.tax_category", f"{shown(category)} is not one "
                                                               f"of {', '.join(TAX_CATEGORIES)}.")
        values = dict(
            member=member, day=reader.day(rec["date"], f"{place}.date"), kind=kind,
            product=product, description=reader.text(rec["description"],
                                                      f"{place}.description"),
            quantity=reader.quantity(rec["quantity"], f"{place}.quantity"),
            unit_amount=reader.money(rec["unit_amount"], f"{place}.unit_amount"),
            tax_category=category, document=document,
            recorded_at=None if rec["recorded_at"] is None else read_moment(
                reader, rec["recorded_at"], f"{place}.recorded_at"),
            recorded_by=reader.text(rec["recorded_by"], f"{place}.recorded_by"))
        if not any_bad(*values.values()):
            read.append(values)
    return read


def charge_rows(charges: list[dict], member_ids: Mapping[str, int],
                plan_ids: Mapping[str, int], document_ids: Mapping[str, int],
                now: datetime) -> list[dict]:
    """The rows an import writes for the charges read (ids in document order)."""
    return [dict(id=number, member_id=member_ids[c["member"]], day=c["day"], kind=c["kind"],
                 product_id=None if c["product"] is None else plan_ids[c["product"]],
                 description=c["description"], quantity=c["quantity"],
                 unit_amount=c["unit_amount"], tax_category=c["tax_category"],
                 document_id=None if c["document"] is None else document_ids[c["document"]],
                 recorded_at=c["recorded_at"] or now, recorded_by=c["recorded_by"])
            for number, c in enumerate(charges, start=1)]
