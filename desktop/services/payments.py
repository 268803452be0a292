"""Recording payments against invoices and refunds of credit balances (docs/design.md#vocabulary,
docs/exchange-format.md).

Each use case is one write transaction. A payment carries an optional token (the invoice
view makes one when it opens, the command line none): a second request with the same token
returns the payment already written, so pressing Record twice writes one row. Every payment
and refund writes a history row (rule 20).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import BigInteger, case, cast, func, select
from sqlalchemy.orm import Session

from desktop.domain import payments as rules
from desktop.domain.model import Problem
from desktop.domain.payments import Payment
from desktop.i18n import _
from desktop.ledger import audit
from desktop.services.changes import Changes
from desktop.services.errors import NotFound, ValidationError, text_problems
from desktop.services.formatting import formatter
from desktop.storage import models as m

PAYMENT_TERMS = m.SETTINGS_DEFAULTS["payment_terms"]


def paid_of_invoice():
    """SQL: what has been paid against the invoices row in the query (0 when nothing)."""
    # Cast: a server's SUM of integers is a decimal number; money stays int (rule 3).
    return (select(cast(func.coalesce(func.sum(m.PaymentRow.amount), 0), BigInteger))
            .where(m.PaymentRow.invoice_id == m.InvoiceRow.id)
            .correlate(m.InvoiceRow).scalar_subquery())


def lacking_of_invoice():
    """SQL: what the invoices row in the query still lacks (never below zero)."""
    left = m.InvoiceRow.amount_due - paid_of_invoice()
    return case((left > 0, left), else_=0)


def payment_terms(session: Session) -> int:
    terms = session.scalar(select(m.SettingsRow.payment_terms).where(m.SettingsRow.id == 1))
    return PAYMENT_TERMS if terms is None else terms


def member_outstanding(session: Session, member_ids: list[int]) -> dict[int, int]:
    """Each member's outstanding amount: what their invoices still lack, summed
    (docs/design.md#vocabulary)."""
    if not member_ids:
        return {}
    lacking = lacking_of_invoice()
    rows = session.execute(
        select(m.InvoiceRow.member_id, func.sum(lacking))
        .where(m.InvoiceRow.member_id.in_(member_ids), m.InvoiceRow.amount_due > 0)
        .group_by(m.InvoiceRow.member_id))
    return {member_id: int(total or 0) for member_id, total in rows}


@dataclass(frozen=True)
class Recorded:
    """A payment or refund as written, and what it changed (the member's money, invoices)."""

    payment: Payment
    changes: Changes


def _recorded(row: m.PaymentRow, number: str | None) -> Recorded:
    return Recorded(_payment(row, number), Changes.of(members=[row.member_id], payments=True))


@dataclass(frozen=True)
class InvoiceStanding:
    """Where an invoice stands: paid so far, still lacking, due date, status, its payments."""

    invoice_id: int
    number: str
    member_id: int
    amount_due: int
    paid: int
    outstanding: int
    due_date: date
    status: str
    payments: tuple[Payment, ...]


def _payment(row: m.PaymentRow, number: str | None) -> Payment:
    return Payment(row.date, row.amount, row.method or "", row.reference or "", number, row.id)


def invoice_standing(session: Session, invoice: m.InvoiceRow, today: date) -> InvoiceStanding:
    rows = session.scalars(select(m.PaymentRow).where(m.PaymentRow.invoice_id == invoice.id)
                           .order_by(m.PaymentRow.date, m.PaymentRow.id)).all()
    paid = sum(row.amount for row in rows)
    due = rules.due_date(invoice.issue_date, payment_terms(session))
    return InvoiceStanding(invoice.id, invoice.number, invoice.member_id, invoice.amount_due,
                           paid, rules.outstanding(invoice.amount_due, paid), due,
                           rules.payment_status(invoice.amount_due, paid, due, today),
                           tuple(_payment(row, invoice.number) for row in rows))


def invoice_row(session: Session, invoice: int | str, *, lock: bool = False) -> m.InvoiceRow:
    """The invoice by database id or by number; NotFound with a sentence otherwise.

    With lock, the row is locked for the transaction (FOR UPDATE on a server; SQLite's
    BEGIN IMMEDIATE already serialises writers), so two desks paying the same invoice at once
    are checked one after the other against what it still lacks.
    """
    query = select(m.InvoiceRow)
    if isinstance(invoice, int):
        query = query.where(m.InvoiceRow.id == invoice)
    else:
        query = query.where(m.InvoiceRow.number == invoice.strip())
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(_("There is no invoice {number}.").format(number=invoice)
                       if isinstance(invoice, str) else _("This invoice does not exist."))
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

    def record(self, invoice: int | str, amount: int, *, day: date | None = None,
               method: str = "", reference: str = "", token: str | None = None) -> Recorded:
        """Record a payment against an invoice (by id or number); ValidationError (nothing
        written) for an amount that is not positive or more than the invoice lacks."""
        day = self.clock.today() if day is None else day
        with self.db.write() as session:
            done = _already(session, token)
            if done is not None:  # the token's payment (a refund's, if reused, names no invoice)
                return _recorded(done, None if done.invoice_id is None
                                 else invoice_row(session, done.invoice_id).number)
            row = invoice_row(session, invoice, lock=True)
            fmt = formatter(session)
            paid = session.scalar(select(cast(func.coalesce(func.sum(m.PaymentRow.amount), 0),
                                              BigInteger))
                                  .where(m.PaymentRow.invoice_id == row.id))
            problem = rules.payment_problem(amount, row.amount_due, paid, day, row.issue_date,
                                            fmt.money, self.clock.today(), total=row.total)
            if problem:
                raise ValidationError([Problem(*problem)])
            _check_text(method, reference)
            payment = m.PaymentRow(member_id=row.member_id, invoice_id=row.id, date=day,
                                   amount=amount, method=_text(method),
                                   reference=_text(reference), token=token or None,
                                   recorded_at=self.clock.now())
            session.add(payment)
            session.flush()
            audit.write_event(
                session, at=self.clock.now(), who=audit.operator(session), entity="payment",
                entity_id=payment.id, field="Payment recorded", member_id=row.member_id,
                old=str(rules.outstanding(row.amount_due, paid)),
                new=_described(row.number, amount, day, payment))
            return _recorded(payment, row.number)

    def refund(self, member_id: int, amount: int, *, day: date | None = None,
               method: str = "", reference: str = "", token: str | None = None) -> Recorded:
        """Pay `amount` of the member's credit balance out: a payment of -amount, no invoice,
        and the balance lowered by it; ValidationError (nothing written) for more than held."""
        day = self.clock.today() if day is None else day
        with self.db.write() as session:
            done = _already(session, token)
            if done is not None:
                return _recorded(done, None)
            member = session.get(m.MemberRow, member_id, with_for_update=True)
            if member is None:
                raise NotFound(_("This member no longer exists."))
            fmt = formatter(session)
            problem = rules.refund_problem(amount, member.credit_balance, fmt.money)
            if problem:
                raise ValidationError([Problem(*problem)])
            _check_text(method, reference)
            payment = m.PaymentRow(member_id=member_id, invoice_id=None, date=day,
                                   amount=-amount, method=_text(method),
                                   reference=_text(reference), token=token or None,
                                   recorded_at=self.clock.now())
            session.add(payment)
            before = member.credit_balance
            member.credit_balance = before - amount
            session.flush()
            audit.write_event(
                session, at=self.clock.now(), who=audit.operator(session), entity="payment",
                entity_id=payment.id, field="Credit balance refunded", member_id=member_id,
                old=str(before),
                new=_described(None, amount, day, payment, balance=member.credit_balance))
            return _recorded(payment, None)


def _described(number: str | None, amount: int, day: date, row: m.PaymentRow,
               balance: int | None = None) -> str:
    """The audit's value, raw (issue 10): a JSON object of the amount in minor units, the
    invoice, the ISO date, method and reference (and the balance left after a refund), shown in
    the reader's language at display."""
    values = {"amount": amount, "invoice": number or "", "date": day.isoformat(),
              "method": row.method or "", "reference": row.reference or ""}
    if balance is not None:
        values["balance"] = balance
    return json.dumps(values, ensure_ascii=False, sort_keys=True)
