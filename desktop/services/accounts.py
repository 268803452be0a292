"""A member's account (rules 15, 21, 22, 23 in docs/billing-rules.md): what the member page
shows as money — documents' totals that reconcile, credit, what is outstanding and overdue,
the deposit required, held and requested — and *Return excess deposit…*.

Read in one session; the return is one write transaction that issues a deposit return (a
negative document in the deposit series) and offsets the credit it makes at once (rule 22).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import BigInteger, case, cast, func, select
from sqlalchemy.orm import Session

from desktop.domain.accounts import CREDITING, PAYABLE, Totals, deposit_document, issue
from desktop.domain.contracts import deposit_required, status
from desktop.domain.invoicing import DEPOSIT_REFUND
from desktop.domain.model import ACTIVE, INACTIVE, Line, Message
from desktop.domain.transitions import DayResult
from desktop.i18n import _
from desktop.ledger import audit
from desktop.ledger.accounts import open_documents
from desktop.ledger.day_writes import write_days
from desktop.ledger.member_states import MemberState, load_member_state
from desktop.services.changes import Changes
from desktop.services.errors import NotFound, Refused
from desktop.services.formatting import formatter
from desktop.storage import models as m


@dataclass(frozen=True)
class AccountSummary:
    """The member's money as the account page says it (rule 23: the totals reconcile)."""

    member_id: int
    totals: Totals
    overdue: int
    deposit_required: int
    deposit_held: int
    deposit_requested: int
    refundable: int

    @property
    def credit_balance(self) -> int:
        return self.totals.credit_balance

    @property
    def outstanding(self) -> int:
        return self.totals.outstanding

    @property
    def deposit_excess(self) -> int:
        """What *Return excess deposit…* would move to the credit balance (rule 15)."""
        return max(self.deposit_held + self.deposit_requested - self.deposit_required, 0)


def _money(column):
    # Cast: a server's SUM of integers is a decimal number; money stays int (rule 3).
    return cast(func.coalesce(func.sum(column), 0), BigInteger)


def deposit_needed(state: MemberState, day: date) -> int:
    """Rule 15: what the member's contracts active or lined up on the day require."""
    return sum(deposit_required(c) for c in state.contracts
               if status(c, day) in (ACTIVE, INACTIVE))


def account_summary(session: Session, member_id: int, today: date) -> AccountSummary:
    state = load_member_state(session, member_id)
    docs = m.InvoiceRow
    invoiced, credited = session.execute(
        select(_money(case((docs.type.in_(PAYABLE), docs.total), else_=0)),
               _money(case((docs.type.in_(CREDITING), -docs.total), else_=0)))
        .where(docs.member_id == member_id)).one()
    received, refunded = session.execute(
        select(_money(case((m.PaymentRow.amount > 0, m.PaymentRow.amount), else_=0)),
               _money(case((m.PaymentRow.amount < 0, -m.PaymentRow.amount), else_=0)))
        .where(m.PaymentRow.member_id == member_id)).one()
    open_docs = open_documents(session, [member_id]).get(member_id, ())
    lacking = {d.key: d.outstanding for d in open_docs}
    outstanding = sum(lacking.values())
    overdue, requested = 0, 0
    if lacking:
        line = m.InvoiceLineRow
        for doc_id, due, deposit in session.execute(
                select(docs.id, docs.due_date,
                       _money(case((line.kind == "deposit", line.amount), else_=0)))
                .join(line, line.invoice_id == docs.id, isouter=True)
                .where(docs.id.in_(list(lacking))).group_by(docs.id, docs.due_date)):
            if due is not None and due < today:
                overdue += lacking[doc_id]
            # An unpaid deposit is requested, never held (rule 15).
            requested += min(int(deposit), lacking[doc_id])
    balance = state.account.credit_balance
    totals = Totals(int(invoiced), int(credited), int(received), int(refunded), balance,
                    outstanding)
    return AccountSummary(member_id, totals, overdue, deposit_needed(state, today),
                          state.account.deposit_held - requested, requested,
                          max(balance - outstanding, 0) if balance > 0 else 0)


class AccountService:
    def __init__(self, db, clock) -> None:
        self.db = db
        self.clock = clock

    def summary(self, member_id: int) -> AccountSummary:
        with self.db.session() as session:
            if session.get(m.MemberRow, member_id) is None:
                raise NotFound(_("This member no longer exists."))
            return account_summary(session, member_id, self.clock.today())

    def return_excess_deposit(self, member_id: int) -> Changes:
        """Rule 15: the deposit beyond what the member's contracts require goes to the credit
        balance, on a deposit return issued today, offset against open documents at once
        (rule 22). Refused with a sentence, nothing written, when there is no excess."""
        today, now = self.clock.today(), self.clock.now()
        with self.db.write() as session:
            if session.get(m.MemberRow, member_id, with_for_update=True) is None:
                raise NotFound(_("This member no longer exists."))
            state = load_member_state(session, member_id)
            required = deposit_needed(state, today)
            excess = state.account.deposit_held - required
            if excess <= 0:
                fmt = formatter(session)
                raise Refused(_("The deposit of {held} does not exceed the {required} this "
                                "member's contracts require; there is nothing to return.")
                              .format(held=fmt.money(state.account.deposit_held),
                                      required=fmt.money(required)))
            wording = Message.of(DEPOSIT_REFUND)
            line = Line("deposit_refund", str(wording), -excess, None, today, wording=wording,
                        tax_category=None)
            made = issue(state.account, [deposit_document(member_id, today, [line],
                                                          state.settings, today=today)])
            result = DayResult(today, made.account, state.contracts, (), (), made.documents,
                               (), made.allocations)
            write_days(session, [result], now=now, who=audit.operator(session),
                       before={member_id: state})
            return Changes.of(members=[member_id], invoices=True, payments=True)
