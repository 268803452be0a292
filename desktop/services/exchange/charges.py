"""The `charges` section of frontdesk/2 (rule 27; docs/exchange-format.md): every charge,
pending or billed, so a move keeps what waits for a member's next document and what each
document billed.

Each charge: `member` (e-mail), `date`, `kind` ("charge", "late_fee", "return_fee",
"termination_fee"), `product` (a catalogue name, or null for a described amount),
`description`, `quantity`, `unit_amount`, `tax_category`, `document` (the number of the
document that billed it, or null while pending), `recorded_at`, `recorded_by`, and `uses`:
what it took from the member's allowances, each `{"kind": "plan"|"addon"|"package",
"contract", "addon" (a name or null), "held_from", "period_start", "unit", "quantity"}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.charges.allowances import ADDON_SOURCE, PACKAGE_SOURCE, PLAN_SOURCE
from desktop.domain.model import CHARGE_KINDS, TAX_CATEGORIES
from desktop.services.exchange.history import moment, read_moment
from desktop.services.exchange.values import BAD, Reader, any_bad, shown
from desktop.storage import models as m

SOURCE_KINDS = (PLAN_SOURCE, ADDON_SOURCE, PACKAGE_SOURCE)


def _day(value) -> str | None:
    return None if value is None else value.isoformat()


def export_charges(session: Session, emails: Mapping[int, str], names: Mapping[int, str],
                   numbers: Mapping[int, str], contracts: Mapping[int, str]) -> list[dict]:
    """Every charge, in the order recorded, with what it took from the allowances."""
    uses: dict[int, list[dict]] = {}
    for u in session.execute(select(m.AllowanceUseRow.__table__)
                             .order_by(m.AllowanceUseRow.id)):
        uses.setdefault(u.charge_id, []).append(
            {"kind": u.kind, "contract": contracts[u.contract_id],
             "addon": None if u.addon_id is None else names[u.addon_id],
             "held_from": _day(u.held_from), "period_start": _day(u.period_start),
             "unit": u.unit, "quantity": u.quantity})
    return [{"member": emails[r.member_id], "date": r.day.isoformat(), "kind": r.kind,
             "product": None if r.product_id is None else names[r.product_id],
             "description": r.description, "quantity": r.quantity,
             "unit_amount": r.unit_amount, "tax_category": r.tax_category,
             "document": None if r.document_id is None else numbers[r.document_id],
             "recorded_at": moment(r.recorded_at), "recorded_by": r.recorded_by,
             "uses": uses.get(r.id, [])}
            for r in session.execute(select(m.ChargeRow.__table__).order_by(m.ChargeRow.id))]


def _read_uses(reader: Reader, value, place: str, plans: set[str],
               contracts: set[str]) -> list[dict] | object:
    read = []
    for j, item in enumerate(reader.items(value, place)):
        at = f"{place}[{j}]"
        rec = reader.record(item, at, ("kind", "contract", "unit", "quantity"),
                            {"addon": None, "held_from": None, "period_start": None})
        if rec is None:
            return BAD
        kind = rec["kind"]
        if kind not in SOURCE_KINDS:
            kind = reader.problem(f"{at}.kind", f"{shown(kind)} is not one of "
                                                f"{', '.join(SOURCE_KINDS)}.")
        contract = rec["contract"]
        if contract not in contracts:
            contract = reader.problem(f"{at}.contract",
                                      f"{shown(contract)} is not a contract's id in contracts.")
        addon = reader.text(rec["addon"], f"{at}.addon", nullable=True)
        if isinstance(addon, str) and addon not in plans:
            addon = reader.problem(f"{at}.addon", f"{shown(addon)} is not in plans.")
        values = dict(kind=kind, contract=contract, addon=addon,
                      held_from=reader.day(rec["held_from"], f"{at}.held_from", nullable=True),
                      period_start=reader.day(rec["period_start"], f"{at}.period_start",
                                              nullable=True),
                      unit=reader.text(rec["unit"], f"{at}.unit", required=True),
                      quantity=reader.quantity(rec["quantity"], f"{at}.quantity"))
        if any_bad(*values.values()):
            return BAD
        read.append(values)
    return read


def read_charges(reader: Reader, value, emails: set[str], plans: set[str],
                 numbers: set[str], contracts: set[str]) -> list[dict]:
    """The charges read without problems, with their references checked."""
    read = []
    for i, item in enumerate(reader.items(value, "charges")):
        place = f"charges[{i}]"
        rec = reader.record(item, place, ("member", "date", "description", "unit_amount"),
                            {"kind": "charge", "product": None, "quantity": 1,
                             "tax_category": "standard", "document": None,
                             "recorded_at": None, "recorded_by": "", "uses": []})
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
            recorded_by=reader.text(rec["recorded_by"], f"{place}.recorded_by"),
            uses=_read_uses(reader, rec["uses"], f"{place}.uses", plans, contracts))
        if not any_bad(*values.values()):
            covered = sum(use["quantity"] for use in values["uses"])
            if isinstance(values["quantity"], int) and covered > values["quantity"]:
                reader.problem(f"{place}.uses", f"take {covered}, more than the quantity "
                                                f"{values['quantity']}.")
                continue
            read.append(values)
    return read


def charge_rows(charges: list[dict], member_ids: Mapping[str, int],
                plan_ids: Mapping[str, int], document_ids: Mapping[str, int],
                contract_ids: Mapping[str, int], now: datetime) -> tuple[list[dict], list[dict]]:
    """The rows an import writes for the charges read (ids in document order), and for what
    they took from the allowances."""
    rows, uses = [], []
    for number, c in enumerate(charges, start=1):
        rows.append(dict(
            id=number, member_id=member_ids[c["member"]], day=c["day"], kind=c["kind"],
            product_id=None if c["product"] is None else plan_ids[c["product"]],
            description=c["description"], quantity=c["quantity"],
            unit_amount=c["unit_amount"], tax_category=c["tax_category"],
            document_id=None if c["document"] is None else document_ids[c["document"]],
            recorded_at=c["recorded_at"] or now, recorded_by=c["recorded_by"],
            covered=sum(use["quantity"] for use in c["uses"])))
        uses += [dict(charge_id=number, kind=u["kind"], contract_id=contract_ids[u["contract"]],
                      addon_id=None if u["addon"] is None else plan_ids[u["addon"]],
                      held_from=u["held_from"], period_start=u["period_start"], unit=u["unit"],
                      quantity=u["quantity"]) for u in c["uses"]]
    return rows, [dict(use, id=number) for number, use in enumerate(uses, start=1)]
