"""Members' accounts in the database: documents' outstanding amounts, open documents, the
allocations that pay them and the offset of credit (rules 21, 22, 23 in docs/billing-rules.md).

A document's outstanding amount is its total less its allocations (for invoices and deposit
requests; credit notes and deposit returns are never owed). Every writer of money — the sweep,
a payment, a refund, a return of deposit — ends with `settle_members`, so a member never holds
credit while a document of theirs is open.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import BigInteger, BindParameter, and_, bindparam, case, cast, func, select
from sqlalchemy.orm import Session

from desktop.domain.accounts import PAYABLE, settle
from desktop.domain.model import DEPOSIT_REQUEST, Account, Allocation, OpenDocument
from desktop.domain.vat import reverse_charge
from desktop.ledger.audit import money_audit_rows
from desktop.ledger.bulk_rows import insert_rows, update_rows
from desktop.storage import models as m

_DOCS = m.InvoiceRow.__table__.c
_ALLOC = m.AllocationRow.__table__.c


def allocated_of_document():
    """SQL: what has been allocated to the documents row in the query (0 when nothing)."""
    # Cast: a server's SUM of integers is a decimal number; money stays int (rule 3).
    return (select(cast(func.coalesce(func.sum(m.AllocationRow.amount), 0), BigInteger))
            .where(m.AllocationRow.document_id == m.InvoiceRow.id)
            .correlate(m.InvoiceRow).scalar_subquery())


def outstanding_of_document():
    """SQL: what the documents row in the query still lacks (0 for a crediting document)."""
    left = m.InvoiceRow.total - allocated_of_document()
    return case((and_(m.InvoiceRow.type.in_(PAYABLE), left > 0), left), else_=0)


_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_ALLOCATED = (select(_ALLOC.document_id, func.sum(_ALLOC.amount).label("paid"))
              .where(_ALLOC.member_id.in_(_IDS))  # only these members' rows, by its index
              .group_by(_ALLOC.document_id).subquery())
_OPEN = (select(_DOCS.member_id, _DOCS.id,
                _DOCS.total - func.coalesce(_ALLOCATED.c.paid, 0), _DOCS.type)
         .select_from(m.InvoiceRow.__table__.outerjoin(
             _ALLOCATED, _ALLOCATED.c.document_id == _DOCS.id))
         .where(_DOCS.member_id.in_(_IDS), _DOCS.type.in_(PAYABLE), _DOCS.total > 0,
                _DOCS.total > func.coalesce(_ALLOCATED.c.paid, 0))
         .order_by(_DOCS.member_id, func.coalesce(_DOCS.billing_date, _DOCS.issue_date),
                   _DOCS.issue_date, _DOCS.id))


def open_documents(session: Session,
                   member_ids: Sequence[int]) -> dict[int, tuple[OpenDocument, ...]]:
    """Each member's documents still lacking money, oldest first (billing date, issue date,
    number order): the order rule 21 pays them in."""
    found: dict[int, list[OpenDocument]] = {}
    connection = session.connection()
    for start in range(0, len(member_ids), 500):
        chunk = list(member_ids[start:start + 500])
        for member_id, document_id, left, kind in connection.execute(_OPEN, {"ids": chunk}):
            found.setdefault(member_id, []).append(
                OpenDocument(document_id, int(left), kind == DEPOSIT_REQUEST))
    return {member: tuple(docs) for member, docs in found.items()}


def site_vat_id(session: Session) -> str:
    return session.scalar(select(m.SettingsRow.vat_id).where(m.SettingsRow.id == 1)) or ""


def reverse_charged(vat_id: str | None, site: str) -> bool:
    """Rule 17 for one member: reverse charge when their VAT id is another EU country's."""
    return bool(vat_id) and reverse_charge(vat_id, site)


def accounts_of(session: Session, member_ids: Sequence[int]) -> dict[int, Account]:
    """The members' accounts as the rules see them: money held, open documents, reverse
    charge."""
    ids = list(member_ids)
    site = site_vat_id(session)
    opened = open_documents(session, ids)
    member = m.MemberRow.__table__.c
    accounts = {}
    for start in range(0, len(ids), 500):
        for mid, balance, held, vat_id in session.connection().execute(
                select(member.id, member.credit_balance, member.deposit_held, member.vat_id)
                .where(member.id.in_(_IDS)), {"ids": ids[start:start + 500]}):
            accounts[mid] = Account(mid, balance or 0, held or 0, opened.get(mid, ()),
                                    reverse_charged(vat_id, site))
    return accounts


def allocation_rows(member_id: int, allocations: Iterable[Allocation],
                    ids: Mapping[int | str, int], day: date,
                    payment_id: int | None = None) -> list[dict]:
    """Rows for the allocations of one member; a key of a document written in the same run
    ("<billing date>:<type>") is looked up in `ids`."""
    rows = []
    for allocation in allocations:
        key = allocation.document
        document_id = key if isinstance(key, int) else ids[key]
        rows.append(dict(document_id=document_id, payment_id=payment_id, member_id=member_id,
                         method=allocation.method, amount=allocation.amount, date=day))
    return rows


def settle_members(session: Session, member_ids: Iterable[int], day: date, *, now: datetime,
                   who: str) -> dict[int, int]:
    """Rule 22: each member's credit balance offset against their open documents, oldest
    first, at once (audited); returns the members whose balance changed, with the new
    balance."""
    ids = sorted(set(member_ids))
    if not ids:
        return {}
    member = m.MemberRow.__table__.c
    credit = [mid for mid, in session.connection().execute(
        select(member.id).where(member.id.in_(_IDS), member.credit_balance > 0),
        {"ids": ids})]
    if not credit:
        return {}
    rows, balances, history = [], {}, []
    for mid, account in accounts_of(session, credit).items():
        after, allocations = settle(account)
        if allocations:
            rows += allocation_rows(mid, allocations, {}, day)
            balances[mid] = after.credit_balance
            history += money_audit_rows(account, after, now, who)
    insert_rows(session.connection(), m.AllocationRow.__table__, rows)
    insert_rows(session.connection(), m.HistoryRow.__table__, history)
    update_rows(session, m.MemberRow, {mid: {"credit_balance": balance}
                                       for mid, balance in balances.items()},
                bump_version=False)
    return balances
