"""Recording payments, allocating them to documents, refunds of credit balances
(rules 21, 22 in docs/billing-rules.md; docs/exchange-format.md).

Each use case is one write transaction. A payment carries an optional token (the dialogs make
one when they open, the command line none): a second request with the same token returns the
payment already written, so pressing Record twice writes one row. A payment is allocated to the
member's open documents — the chosen ones first, then the oldest — and what no document needs
becomes credit balance; every payment and refund writes a history row (rule 20) and ends with
the credit offset against open documents (rule 22).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain import payments as rules
from desktop.domain.accounts import allocate, less_allocated
from desktop.domain.model import Allocation, OpenDocument, Problem
from desktop.domain.payments import Payment
from desktop.i18n import _
from desktop.i18n.messages import say
from desktop.ledger import audit
from desktop.ledger.accounts import (
    allocation_rows,
    open_documents,
    settle_members,
)
from desktop.ledger.bulk_rows import insert_rows
from desktop.services.changes import Changes
from desktop.services.errors import NotFound, ValidationError, text_problems
from desktop.services.formatting import formatter
from desktop.storage import models as m

PAYMENT_TERMS = m.SETTINGS_DEFAULTS["payment_terms"]


def payment_terms(session: Session) -> int:
    terms = session.scalar(select(m.SettingsRow.payment_terms).where(m.SettingsRow.id == 1))
    return PAYMENT_TERMS if terms is None else terms


def member_outstanding(session: Session, member_ids: list[int]) -> dict[int, int]:
    """Each member's outstanding amount: what their documents still lack, summed (rule 21)."""
    return {member: sum(d.outstanding for d in docs)
            for member, docs in open_documents(session, member_ids).items()}


@dataclass(frozen=True)
class PlacedAllocation:
    """An allocation as the account shows it: which document, how much, from what."""

    document_id: int
    number: str
    amount: int
    method: str
    date: date
    payment_id: int | None = None


@dataclass(frozen=True)
class Recorded:
    """A payment or refund as written, where its money went, and what it changed."""

    payment: Payment
    changes: Changes
    allocations: tuple[PlacedAllocation, ...] = ()
    to_credit: int = 0


@dataclass(frozen=True)
class InvoiceStanding:
    """Where a document stands: received since it was issued, still lacking, due date, status,
    the payments and allocations that paid it. `amount_due` is what was left after the credit
    applied when it was made; `paid` what arrived after (payments and later credit)."""

    invoice_id: int
    number: str
    member_id: int
    amount_due: int
    paid: int
    outstanding: int
    due_date: date
    status: str
    payments: tuple[Payment, ...]
    type: str = "invoice"
    total: int = 0
    allocations: tuple[PlacedAllocation, ...] = ()


def _payment(row: m.PaymentRow, number: str | None) -> Payment:
    return Payment(row.date, row.amount, row.method or "", row.reference or "", number, row.id)


def placed_allocations(session: Session, condition) -> list[PlacedAllocation]:
    rows = session.execute(
        select(m.AllocationRow.document_id, m.InvoiceRow.number, m.AllocationRow.amount,
               m.AllocationRow.method, m.AllocationRow.date, m.AllocationRow.payment_id)
        .join(m.InvoiceRow, m.InvoiceRow.id == m.AllocationRow.document_id)
        .where(condition).order_by(m.AllocationRow.id))
    return [PlacedAllocation(*row) for row in rows]


def invoice_standing(session: Session, invoice: m.InvoiceRow, today: date) -> InvoiceStanding:
    allocations = placed_allocations(session, m.AllocationRow.document_id == invoice.id)
    allocated = sum(a.amount for a in allocations)
    paid = allocated - invoice.credit_applied
    payment_ids = [a.payment_id for a in allocations if a.payment_id is not None]
    rows = session.scalars(select(m.PaymentRow).where(m.PaymentRow.id.in_(payment_ids))
                           .order_by(m.PaymentRow.date, m.PaymentRow.id)).all()
    received = {a.payment_id: a.amount for a in allocations if a.payment_id is not None}
    due = invoice.due_date or rules.due_date(invoice.issue_date, payment_terms(session))
    return InvoiceStanding(
        invoice.id, invoice.number, invoice.member_id, invoice.amount_due, paid,
        rules.outstanding(invoice.amount_due, paid), due,
        rules.payment_status(invoice.amount_due, paid, due, today, invoice.total),
        # Each payment as much of it as went to this document.
        tuple(Payment(row.date, received.get(row.id, row.amount), row.method or "",
                      row.reference or "", invoice.number, row.id) for row in rows),
        invoice.type, invoice.total, tuple(allocations))


def invoice_row(session: Session, invoice: int | str, *, lock: bool = False) -> m.InvoiceRow:
    """The document by database id or by number; NotFound with a sentence otherwise.

    With lock, the row is locked for the transaction (FOR UPDATE on a server; SQLite's
    BEGIN IMMEDIATE already serialises writers), so two desks paying the same document at once
    are checked one after the other against what it still lacks.
    """
    query = select(m.InvoiceRow)
    if isinstance(invoice, int):
        query = query.where(m.InvoiceRow.id == invoice)
    else:
        query = query.where(m.InvoiceRow.number == invoice.strip())
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(_("There is no document {number}.").format(number=invoice)
                       if isinstance(invoice, str) else _("This document does not exist."))
    return row


def _already(session: Session, token: str | None) -> m.PaymentRow | None:
    if not token:
        return None
    return session.scalar(select(m.PaymentRow).where(m.PaymentRow.token == token))


def _text(value: str | None, limit: int = 200) -> str:
    return " ".join((value or "").split())[:limit]


def _check_text(method: str, reference: str) -> None:
    """ValidationError when the method or reference holds a control character (issue 19);
    tabs and line breaks are only spaces here (_text)."""
    problems = text_problems({"method": _text(method), "reference": _text(reference)})
    if problems:
        raise ValidationError(problems)


def _member(session: Session, member_id: int, *, lock: bool = False) -> m.MemberRow:
    member = session.get(m.MemberRow, member_id, with_for_update=lock)
    if member is None:
        raise NotFound(_("This member no longer exists."))
    return member


def _numbers(session: Session, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(m.InvoiceRow.id, m.InvoiceRow.number)
                                .where(m.InvoiceRow.id.in_(list(ids)))).all())


def merged(chosen: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The chosen (document id, amount) pairs with one entry per document, amounts summed: a
    document named twice is checked against what it lacks once, for both."""
    total: dict[int, int] = {}
    for doc, share in chosen:
        total[doc] = total.get(doc, 0) + share
    return list(total.items())


def planned_allocation(open_docs: Sequence[OpenDocument], amount: int,
                       chosen: Sequence[tuple[int, int]] = ()) -> tuple[list[Allocation], int]:
    """Rule 21: the chosen (document id, amount) first, then the oldest open documents; what
    is left over becomes credit. Checked by the caller."""
    first = [Allocation(doc, share, "payment") for doc, share in merged(chosen) if share > 0]
    rest, left = allocate(amount - sum(a.amount for a in first),
                          less_allocated(open_docs, first), "payment")
    return first + rest, left


class PaymentService:
    def __init__(self, db, clock) -> None:
        self.db = db
        self.clock = clock

    def standing(self, invoice: int | str) -> InvoiceStanding:
        with self.db.session() as session:
            return invoice_standing(session, invoice_row(session, invoice), self.clock.today())

    def outstanding(self, member_id: int) -> int:
        with self.db.session() as session:
            return member_outstanding(session, [member_id]).get(member_id, 0)

    def allocation_preview(self, member_id: int, amount: int,
                           chosen: Sequence[tuple[int, int]] = ()
                           ) -> tuple[tuple[PlacedAllocation, ...], int]:
        """Where a payment of `amount` would go (rule 21), before it is saved: the allocations
        and what would become credit. Nothing is written; bad figures are refused as record
        would refuse them."""
        with self.db.session() as session:
            _member(session, member_id)
            open_docs = open_documents(session, [member_id]).get(member_id, ())
            allocations, left = self._checked(session, open_docs, amount, chosen)
            numbers = _numbers(session, [int(a.document) for a in allocations])
            day = self.clock.today()
            return (tuple(PlacedAllocation(int(a.document), numbers[int(a.document)], a.amount,
                                           "payment", day) for a in allocations), left)

    def _checked(self, session: Session, open_docs: Sequence[OpenDocument], amount: int,
                 chosen: Sequence[tuple[int, int]]) -> tuple[list[Allocation], int]:
        fmt = formatter(session)
        if problem := rules.payment_problem(amount, self.clock.today(), fmt.money,
                                            self.clock.today()):
            raise ValidationError([Problem(problem[0], say(problem[1], fmt))])
        lacking = {d.key: d.outstanding for d in open_docs}
        chosen = merged(chosen)
        numbers = _numbers(session, [doc for doc, _ in chosen])
        listed = [(numbers.get(doc, str(doc)), share, lacking.get(doc, 0))
                  for doc, share in chosen]
        if problem := rules.allocation_problem(amount, listed, fmt.money):
            raise ValidationError([Problem(problem[0], say(problem[1], fmt))])
        return planned_allocation(open_docs, amount, chosen)

    def record(self, invoice: int | str, amount: int, *, day: date | None = None,
               method: str = "", reference: str = "", token: str | None = None) -> Recorded:
        """Record a payment against a document (by id or number): it pays that document first,
        then the member's other open documents, oldest first; the rest becomes credit
        (rule 21). ValidationError (nothing written) for an amount that is not positive, a
        date after today or before the document, or a credit note."""
        day = self.clock.today() if day is None else day
        with self.db.write() as session:
            done = _already(session, token)
            if done is not None:
                return self._recorded(session, done)
            row = invoice_row(session, invoice, lock=True)
            _check_text(method, reference)
            fmt = formatter(session)
            problem = rules.payment_problem(amount, day, fmt.money, self.clock.today(),
                                            (row.number, row.issue_date, row.total))
            if problem:
                raise ValidationError([Problem(problem[0], say(problem[1], fmt))])
            open_docs = open_documents(session, [row.member_id]).get(row.member_id, ())
            lacking = next((d.outstanding for d in open_docs if d.key == row.id), 0)
            chosen = [(row.id, min(amount, lacking))] if lacking else []
            return self._write(session, row.member_id, amount, chosen, day, method, reference,
                               token)

    def record_for_member(self, member_id: int, amount: int, *,
                          allocations: Sequence[tuple[int, int]] = (),
                          day: date | None = None, method: str = "", reference: str = "",
                          token: str | None = None) -> Recorded:
        """Record a payment from a member (rule 21): the chosen (document id, amount) pairs
        first, then the oldest open documents; what is left becomes credit balance.
        ValidationError (nothing written) for an allocation larger than what its document
        lacks, allocations adding up to more than the payment, or a bad amount or date."""
        day = self.clock.today() if day is None else day
        with self.db.write() as session:
            done = _already(session, token)
            if done is not None:
                return self._recorded(session, done)
            _member(session, member_id, lock=True)
            _check_text(method, reference)
            fmt = formatter(session)
            problem = rules.payment_problem(amount, day, fmt.money, self.clock.today())
            if problem:
                raise ValidationError([Problem(problem[0], say(problem[1], fmt))])
            open_docs = open_documents(session, [member_id]).get(member_id, ())
            self._checked(session, open_docs, amount, allocations)
            return self._write(session, member_id, amount, list(allocations), day, method,
                               reference, token)

    def record_in(self, session: Session, member_id: int, amount: int,
                  chosen: Sequence[tuple[int, int]], day: date, method: str,
                  reference: str) -> Recorded:
        """A payment from a member written in the caller's transaction, allocated as `record`
        allocates (rule 21) and offset (rule 22): a bank statement imports all its entries in
        one transaction. The caller has checked the amount and the chosen allocations."""
        return self._write(session, member_id, amount, chosen, day, method, reference, None)

    def _write(self, session: Session, member_id: int, amount: int,
               chosen: Sequence[tuple[int, int]], day: date, method: str, reference: str,
               token: str | None) -> Recorded:
        _check_text(method, reference)
        member = _member(session, member_id, lock=True)
        open_docs = open_documents(session, [member_id]).get(member_id, ())
        allocations, left = planned_allocation(open_docs, amount, chosen)
        payment = m.PaymentRow(member_id=member_id, date=day, amount=amount,
                               method=_text(method), reference=_text(reference),
                               token=token or None, recorded_at=self.clock.now())
        session.add(payment)
        session.flush()
        insert_rows(session.connection(), m.AllocationRow.__table__,
                    allocation_rows(member_id, allocations, {}, day, payment.id))
        outstanding_before = sum(d.outstanding for d in open_docs)
        if left:
            before = member.credit_balance
            member.credit_balance = before + left
            label = audit.MONEY_LABELS["credit_balance"]
            audit.write_changes(session, at=self.clock.now(), who=audit.operator(session),
                                entity="member", entity_id=member_id,
                                before={label: str(before)},
                                after={label: str(member.credit_balance)}, member_id=member_id)
        session.flush()
        # Rule 22: a balance from before the rule held (or edited elsewhere) meets what is open.
        settle_members(session, [member_id], day, now=self.clock.now(),
                       who=audit.operator(session))
        numbers = _numbers(session, [int(a.document) for a in allocations])
        audit.write_event(
            session, at=self.clock.now(), who=audit.operator(session), entity="payment",
            entity_id=payment.id, field="Payment recorded", member_id=member_id,
            old=str(outstanding_before),
            new=_described(", ".join(numbers[int(a.document)] for a in allocations), amount,
                           day, payment))
        return self._recorded(session, payment)

    def _recorded(self, session: Session, row: m.PaymentRow) -> Recorded:
        placed = tuple(placed_allocations(session, m.AllocationRow.payment_id == row.id))
        numbers = ", ".join(dict.fromkeys(a.number for a in placed)) or None
        left = row.amount - sum(a.amount for a in placed) if row.amount > 0 else 0
        return Recorded(_payment(row, numbers),
                        Changes.of(members=[row.member_id], payments=True), placed, left)

    def refund(self, member_id: int, amount: int, *, day: date | None = None,
               method: str = "", reference: str = "", token: str | None = None) -> Recorded:
        """Pay `amount` of the member's credit balance out: a payment of -amount. The credit is
        offset against the member's open documents first (rule 22); only what is left can be
        refunded, and the refusal says so. ValidationError (nothing written) otherwise."""
        day = self.clock.today() if day is None else day
        with self.db.write() as session:
            done = _already(session, token)
            if done is not None:
                return self._recorded(session, done)
            held = _member(session, member_id, lock=True).credit_balance
            _check_text(method, reference)
            # Rule 22 first, in its own transaction: the credit pays what is open at once,
            # whether this refund then goes through or not.
            after = settle_members(session, [member_id], day, now=self.clock.now(),
                                   who=audit.operator(session))
        offset = held - after.get(member_id, held)
        with self.db.write() as session:
            member = _member(session, member_id, lock=True)
            fmt = formatter(session)
            problem = rules.refund_problem(amount, member.credit_balance, fmt.money, offset)
            if problem:
                raise ValidationError([Problem(problem[0], say(problem[1], fmt))])
            payment = m.PaymentRow(member_id=member_id, date=day, amount=-amount,
                                   method=_text(method), reference=_text(reference),
                                   token=token or None, recorded_at=self.clock.now())
            session.add(payment)
            before = member.credit_balance
            member.credit_balance = before - amount
            session.flush()
            audit.write_event(
                session, at=self.clock.now(), who=audit.operator(session), entity="payment",
                entity_id=payment.id, field="Credit balance refunded", member_id=member_id,
                old=str(before),
                new=_described(None, amount, day, payment, balance=member.credit_balance))
            return self._recorded(session, payment)



def _described(number: str | None, amount: int, day: date, row: m.PaymentRow,
               balance: int | None = None) -> str:
    """The audit's value, raw (issue 10): a JSON object of the amount in minor units, the
    documents it paid, the ISO date, method and reference (and the balance left after a
    refund), shown in the reader's language at display."""
    values = {"amount": amount, "invoice": number or "", "date": day.isoformat(),
              "method": row.method or "", "reference": row.reference or ""}
    if balance is not None:
        values["balance"] = balance
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


__all__ = ["InvoiceStanding", "PaymentService", "PlacedAllocation", "Recorded",
           "invoice_row", "invoice_standing", "member_outstanding", "payment_terms",
           "planned_allocation"]
