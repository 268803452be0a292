"""Queueing mail in the caller's transaction (rule 29): a document issued to a member who
receives by mail puts its message in the outbox in the very transaction that writes the
document, so a document is never issued without its message nor a message queued for a
document that was rolled back. Sending is desktop/services/mail/."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.model import ZERO, Invoice
from desktop.domain.reminders import due_levels, levels_of
from desktop.ledger.accounts import outstanding_of_document
from desktop.ledger.audit import SYSTEM
from desktop.ledger.bulk_rows import insert_rows
from desktop.ledger.charges import record_charge
from desktop.storage import models as m

SEND_AS = ("pdf", "facturx", "xrechnung", "none")
# Rule 28: deposit documents are no e-invoices, so they always leave as a PDF.
_PDF_ONLY = ("deposit_request", "deposit_return")
WAITING = "waiting"


def address_of(member: m.MemberRow) -> str:
    """Where the member's documents go: the address given for mail, else their e-mail."""
    return (member.mail_to or "").strip() or member.email


def sending_as(send_as: str, document_type: str) -> str:
    """What a document of this type is attached as for a member who wants `send_as`."""
    return "pdf" if document_type in _PDF_ONLY and send_as != "none" else send_as


def queue_documents(session: Session, written: Iterable[tuple[Invoice, int]],
                    now: datetime) -> int:
    """Queue the message of each document just written (document, row id) whose member
    receives by mail; due at once. Returns how many were queued."""
    written = list(written)
    members = {document.member for document, _id in written}
    if not members:
        return 0
    receivers = {row.id: row for row in session.scalars(
        select(m.MemberRow).where(m.MemberRow.id.in_(members),
                                  m.MemberRow.send_as != "none"))}
    rows = [outbox_row(document_id, 0, receivers[document.member], document.type, now)
            for document, document_id in written if document.member in receivers]
    insert_rows(session.connection(), m.OutboxRow.__table__, rows)
    return len(rows)


def outbox_row(document_id: int, level: int, member: m.MemberRow, document_type: str,
               now: datetime) -> dict:
    return dict(document_id=document_id, level=level, recipient=address_of(member),
                send_as=sending_as(member.send_as, document_type), status=WAITING,
                queued_at=now, due_at=now, attempts=0, resumed=False)


def queue_reminders(session: Session, today: date, now: datetime) -> int:
    """Rule 29: queue each reminder level due by today, once, for every document still open
    past its due date whose member receives by mail (a paid document is never reminded; the
    outbox's unique key holds "once" against a second desk). Returns how many were queued."""
    levels = levels_of(session.scalar(select(m.SettingsRow.reminders)
                                      .where(m.SettingsRow.id == 1)))
    if not levels:
        return 0
    first = today - timedelta(days=levels[0].days)
    open_late = session.execute(
        select(m.InvoiceRow.id, m.InvoiceRow.type, m.InvoiceRow.due_date,
               outstanding_of_document(), m.MemberRow)
        .join(m.MemberRow, m.MemberRow.id == m.InvoiceRow.member_id)
        .where(m.InvoiceRow.due_date <= first, m.MemberRow.send_as != "none",
               outstanding_of_document() > 0)).all()
    if not open_late:
        return 0
    queued: dict[int, set[int]] = {}
    for document_id, level in session.execute(
            select(m.OutboxRow.document_id, m.OutboxRow.level)
            .where(m.OutboxRow.document_id.in_([row[0] for row in open_late]))):
        queued.setdefault(document_id, set()).add(level)
    rows = []
    numbers = dict(session.execute(select(m.InvoiceRow.id, m.InvoiceRow.number).where(
        m.InvoiceRow.id.in_([row[0] for row in open_late]))).all())
    for document_id, kind, due, outstanding, member in open_late:
        for level in due_levels(levels, due, today, outstanding,
                                queued.get(document_id, set()) - {0}):
            rows.append(outbox_row(document_id, level, member, kind, now))
            if fee := levels[level - 1].late_fee(outstanding):
                # Rule 29: the late fee is a charge on the member's next invoice (rule 27),
                # never a change to the overdue document. Damages for paying late are no
                # supply, so no VAT: the zero-rated category.
                record_charge(session, member_id=member.id, day=today, unit_amount=fee,
                              description=f"Late fee: {numbers[document_id]}, reminder {level}",
                              tax_category=ZERO, kind="late_fee", now=now, who=SYSTEM)
    insert_rows(session.connection(), m.OutboxRow.__table__, rows)
    return len(rows)
