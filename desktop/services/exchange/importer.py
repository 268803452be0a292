"""Import of a frontdesk/2 (or frontdesk/1) document into an empty database
(docs/exchange-format.md).

Import is all or nothing: the document is read completely first, every problem collected with
its place (`contracts[3].cancellation_date: "2024-02-30" is not a date.`), and only a document
without problems is written, in one transaction. Export orders everything by database id and
an import keeps document order (and numeric contract ids); each contract keeps its document id
as its reference, which export writes back, so export, import, export gives back the same
document.
"""

from __future__ import annotations

import json
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from desktop.domain.invoicing import read_line_wording
from desktop.domain.model import Contract
from desktop.ledger.audit import SYSTEM
from desktop.ledger.contract_columns import contract_columns
from desktop.ledger.mapping import params_json
from desktop.services.changes import Changes
from desktop.services.exchange.charges import charge_rows
from desktop.services.exchange.direct_debit import mandate_rows
from desktop.services.exchange.document import Document, read_document
from desktop.services.exchange.history import MAX_ID
from desktop.services.exchange.invoices import FROM_DESCRIPTION
from desktop.services.exchange.values import BAD, ImportProblems
from desktop.storage import models as m
from desktop.storage.emptiness import is_empty
from desktop.storage.member_search import members_in_bulk
from desktop.storage.server import follow_ids

__all__ = ["ImportSummary", "import_document"]


@dataclass(frozen=True)
class ImportSummary:
    plans: int
    members: int
    contracts: int
    invoices: int

    @property
    def changes(self) -> Changes:
        """An import writes a whole database: anything may have changed."""
        return Changes.anything()


def _named(value: int | str | None) -> str:
    """A document's own name for a contract or a member (the id's text, the email): what the
    contracts read from a document hold where stored ones hold the row's id."""
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not a name the document gives")
    return value


def _database_ids(contracts: list[Contract],
                  reserved: AbstractSet[int] = frozenset()) -> dict[str, int]:
    """Document ids to database ids: a canonical number keeps its value, others follow on after
    every number, the `reserved` ones too (contracts gone that the history still names)."""
    ids: dict[str, int] = {}
    for contract in contracts:
        text = _named(contract.id)
        # What a server's integer column holds: a larger number is kept as the reference only.
        if text.isascii() and text.isdigit() and len(text) <= 15 and str(int(text)) == text \
                and 0 < int(text) <= MAX_ID:
            ids[text] = int(text)
    following = max([*ids.values(), *reserved], default=0)
    for contract in contracts:
        if contract.id not in ids:
            following += 1
            ids[_named(contract.id)] = following
    return ids


def _numbered(names: list[str], reserved: set[int]) -> dict[str, int]:
    """Ids 1, 2, … in document order, leaving out the reserved ones (rows gone that the history
    still names by number)."""
    ids, following = {}, 0
    for name in names:
        following += 1
        while following in reserved:
            following += 1
        ids[name] = following
    return ids


def import_document(db, doc: dict, now: datetime) -> ImportSummary:
    """Load a frontdesk/1 or frontdesk/2 document into an empty database, all or nothing
    (ImportProblems)."""
    with db.session() as session:
        if not is_empty(session):
            raise ImportProblems(["The database is not empty; import into a new database."])
    read = read_document(doc, now.date())
    with db.write() as session:
        if not is_empty(session):
            raise ImportProblems(["The database is not empty; import into a new database."])
        _write(session, read, now)
    return ImportSummary(len(read.plans), len(read.members), len(read.contracts),
                         len(read.documents))


def _write(session: Session, read: Document, now: datetime) -> None:
    connection = session.connection()
    settings = {k: v for k, v in read.settings.items() if v is not BAD}
    if session.get(m.SettingsRow, 1) is None:
        session.add(m.SettingsRow(id=1, **settings))
    else:
        connection.execute(update(m.SettingsRow.__table__).where(m.SettingsRow.id == 1)
                           .values(**settings))
    reserved = read.history.reserved
    plan_ids = _numbered([plan.name for plan in read.plans], reserved.plan)
    _insert(connection, m.PlanRow, [
        dict(id=plan_ids[p.name], name=p.name, kind=p.kind, price=p.price,
             frequency=None if p.frequency is None else str(p.frequency), deposit=p.deposit,
             group_name=p.group, archived=p.archived, tax_category=p.tax_category,
             allowance_unit=p.allowance_unit, expires_months=p.expires_months,
             early_termination_fee=None if p.early_termination_fee is None
             else str(p.early_termination_fee))
        for p in read.plans])
    _insert(connection, m.PlanPriceRow, [
        dict(plan_id=plan_ids[p.name], from_day=day, price=price)
        for p in read.plans for day, price in p.prices])
    _insert(connection, m.PlanAllowanceRow, [
        dict(plan_id=plan_ids[p.name], name=name, quantity=quantity)
        for p in read.plans for name, quantity in p.allowances.items()])
    offered = [dict(plan_id=plan_ids[p.name], addon_id=plan_ids[name])
               for p in read.plans for name in p.addons]
    if offered:
        connection.execute(insert(m.plan_addons), offered)
    member_ids = _numbered([row["email"] for row in read.members], reserved.member)
    # The search index is made again after the import, off its path (members_in_bulk).
    with members_in_bulk(connection, index_later=True):
        _insert(connection, m.MemberRow, [
            dict({k: v for k, v in row.items() if k != "mandate"}, id=member_ids[row["email"]])
            for row in read.members])
    _insert(connection, m.MandateRow, mandate_rows(read.members, member_ids))  # rule 30
    ids = _database_ids(read.contracts, reserved.contract)
    rows, addons, links = [], [], []
    for c in read.contracts:
        cid = ids[_named(c.id)]
        # The document's plans and contracts are named, not numbered: their ids are this
        # database's, and a predecessor is linked once every contract exists (below).
        rows.append(dict(contract_columns(c), id=cid, member_id=member_ids[_named(c.member)],
                         plan_id=plan_ids[c.plan.name],
                         next_plan_id=None if c.next_plan is None else plan_ids[c.next_plan.name],
                         predecessor_id=None, version=1, reference=c.id))
        addons += [dict(contract_id=cid, addon_id=plan_ids[a.addon.name], quantity=a.quantity,
                        start_date=a.start_date) for a in c.addons]
        if c.predecessor is not None:
            links.append(dict(_id=cid, _predecessor=ids[_named(c.predecessor)]))
    _insert(connection, m.ContractRow, rows)
    if links:  # after every contract exists, so a predecessor may come later in the document
        table = m.ContractRow.__table__
        connection.execute(update(table).where(table.c.id == bindparam("_id"))
                           .values(predecessor_id=bindparam("_predecessor")), links)
    _insert(connection, m.ContractAddonRow, addons)
    documents, lines, sent = [], [], []
    for index, (values, document_lines) in enumerate(read.documents, start=1):
        document = {k: v for k, v in values.items() if k not in ("member", "credits", "sent")}
        sent += [dict(message, document_id=index) for message in values.get("sent", [])]
        documents.append(dict(document, id=index, member_id=member_ids[values["member"]],
                              credits=json.dumps(values["credits"]) if values["credits"]
                              else None))
        lines += [dict({k: v for k, v in line.items() if k not in ("contract", "params")},
                       invoice_id=index, position=position,
                       contract_id=None if line["contract"] is None else ids[line["contract"]],
                       params=_line_params(line))
                  for position, line in enumerate(document_lines)]
    _insert(connection, m.InvoiceRow, documents)
    _insert(connection, m.InvoiceLineRow, lines)
    _insert(connection, m.OutboxRow, sent)  # rule 29: what was sent, for the history
    document_ids = {values["number"]: index
                    for index, (values, _lines) in enumerate(read.documents, start=1)}
    # A payment's id is its position + 1: the history names payments by position.
    _insert(connection, m.PaymentRow, [dict(
        id=position + 1, member_id=member_ids[p["member"]], date=p["date"], amount=p["amount"],
        method=p["method"], reference=p["reference"], token=None,
        recorded_at=p["recorded_at"] or now) for position, p in enumerate(read.payments)])
    # Rules 21, 22: what each payment paid, then what the credit balance paid (numbered here,
    # so export lists them in this order on any server).
    allocations = [
        dict(document_id=document_ids[number], payment_id=position + 1,
             member_id=member_ids[p["member"]], method="payment", amount=share, date=p["date"])
        for position, p in enumerate(read.payments) for number, share in p["allocations"]] + [
        dict(document_id=document_ids[a["document"]], payment_id=None,
             member_id=member_ids[a["member"]], method="credit", amount=a["amount"],
             date=a["date"]) for a in read.credit_allocations]
    _insert(connection, m.AllocationRow, [dict(row, id=number)
                                          for number, row in enumerate(allocations, start=1)])
    charges, uses = charge_rows(list(read.charges), member_ids, plan_ids, document_ids, ids,
                                now)
    _insert(connection, m.ChargeRow, charges)
    _insert(connection, m.AllowanceUseRow, uses)
    follow_ids(connection, [m.PlanRow.__table__, m.MemberRow.__table__, m.ContractRow.__table__,
                            m.InvoiceRow.__table__, m.PaymentRow.__table__,
                            m.AllocationRow.__table__, m.ChargeRow.__table__,
                            m.AllowanceUseRow.__table__, m.PlanPriceRow.__table__])
    _write_history(session, read, now, {"member": member_ids, "contract": ids, "plan": plan_ids})


def _line_params(line: dict) -> str | None:
    """A line's stored wording: as the document gives it, or (a frontdesk/1 document) the billing
    core's English description read back into its words (issue 10)."""
    if line["params"] is FROM_DESCRIPTION:
        return params_json(read_line_wording(line["kind"], line["description"]))
    return line["params"]


def _write_history(session: Session, read: Document, now: datetime,
                   ids: dict[str, dict]) -> None:
    """What happened, in document order after what the database holds already; a reference
    becomes the row's new id, a gone row's number stays (history.py). A frontdesk/1 document,
    which carries none of it, is recorded as imported."""
    connection = session.connection()

    def db_id(kind: str | None, ref):
        if ref is None or kind is None or isinstance(ref, int) and kind != "payment":
            return ref
        return ref + 1 if kind == "payment" else ids[kind][ref]

    happened = read.history
    audit = [dict(at=h["at"], who=h["who"], entity=h["entity"],
                  entity_id=db_id(h["entity_kind"], h["entity_id"]),
                  member_id=db_id("member", h["member"]),
                  contract_id=db_id("contract", h["contract"]), field=h["field"],
                  old_value=h["old_value"], new_value=h["new_value"])
             for h in happened.history]
    if read.version < 2:
        audit.append(dict(
            at=now, who=SYSTEM, entity="database", entity_id=None, member_id=None,
            contract_id=None, field="Imported", old_value="",
            new_value=f"{len(read.plans)} plans, {len(read.members)} members, "
                      f"{len(read.contracts)} contracts, {len(read.documents)} invoices, "
                      f"{len(read.payments)} payments"))
    tables = (
        (m.HistoryRow, audit),
        (m.AppliedTransitionRow, [dict(t, contract_id=ids["contract"][t["contract"]])
                                  for t in happened.applied_transitions]),
        (m.PlanChangeRow, [dict(c, contract_id=db_id("contract", c["contract"]))
                           for c in happened.plan_changes]),
        (m.SweepRunRow, happened.sweep_runs))
    for model, rows in tables:
        # Ids given here, in document order (a server numbers a bulk insert as it likes).
        first = (session.scalar(select(func.coalesce(func.max(model.id), 0))) or 0) + 1
        columns = set(model.__table__.columns.keys())
        _insert(connection, model, [{k: v for k, v in dict(row, id=first + i).items()
                                     if k in columns} for i, row in enumerate(rows)])
    follow_ids(connection, [model.__table__ for model, _rows in tables])


def _insert(connection, model, rows: list[dict]) -> None:
    if rows:
        connection.execute(insert(model.__table__), rows)
