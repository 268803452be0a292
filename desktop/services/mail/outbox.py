"""The outbox (rule 29): what is due is claimed, sent and recorded, from the window's worker or
`frontdesk mail run`, by any number of desks at once.

Claiming: a message is taken in a write transaction by a conditional UPDATE (status and claim
as they were read) that only one writer can win; on PostgreSQL the candidates are read with
`FOR UPDATE SKIP LOCKED` as well, so a desk passes over rows another is claiming instead of
waiting for them (every write there also holds the writers' lock). On SQLite `BEGIN IMMEDIATE`
serialises the claims. The SMTP conversation happens after the claim is committed, outside any
transaction, and its outcome is recorded only while the claim is still ours.

A crash between the server's acceptance and the record leaves the row "sending". After
`LEASE` another run takes it over and sends it again (with the same Message-ID), marking it
`resumed`; a resumed row that is left "sending" once more is never taken over again but marked
failed ("interrupted") for the operator. So one message is sent at most twice: once by the desk
that stopped, once by the desk that took over.
"""

from __future__ import annotations

import logging
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.engine import Connection

from desktop.domain.reminders import levels_of
from desktop.services.changes import Changes
from desktop.services.documents import DocumentService
from desktop.services.errors import NotFound, ServiceError
from desktop.services.mail import failures
from desktop.services.mail.message import (
    AttachmentMaker,
    compose,
    document_formatter,
    new_message_id,
)
from desktop.services.mail.texts import stored_texts
from desktop.services.mail.transport import MailFailure, SmtpSettings, Transport
from desktop.storage import models as m

WAITING, SENDING, SENT, FAILED = "waiting", "sending", "sent", "failed"
# A reminder whose document was paid before it left: never sent (rule 29).
CANCELLED = "cancelled"
# A claim older than this is a desk that stopped mid-send (a send takes seconds; each step of
# the SMTP conversation times out after 30 s).
LEASE = timedelta(minutes=15)
# Seconds before the next try after the first, second, … temporary failure (rule 29: the first
# at most 60 s later); after MAX_ATTEMPTS tries the message is failed.
BACKOFF = (60, 300, 900, 3600, 3 * 3600, 6 * 3600)
MAX_ATTEMPTS = 12
_T = m.OutboxRow.__table__.c
_log = logging.getLogger(__name__)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1])


def smtp_settings_of(row: m.SettingsRow | None) -> SmtpSettings:
    if row is None:
        return SmtpSettings()
    return SmtpSettings(row.smtp_host or "", row.smtp_port, row.smtp_security or "starttls",
                        row.smtp_user or "", row.smtp_sender or "")


@dataclass
class SendReport:
    """What one run did: sent, failed for good, tried again later, and the connection failure
    that stopped it (the others due stay waiting)."""

    sent: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)
    retrying: list[tuple[int, str]] = field(default_factory=list)
    stopped: MailFailure | None = None


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    document_id: int
    number: str
    member: str
    level: int
    recipient: str
    send_as: str
    status: str
    queued_at: datetime
    due_at: datetime
    attempts: int
    sent_at: datetime | None
    message_id: str | None
    failure: str | None
    detail: str | None

    @property
    def failure_sentence(self) -> str:
        return failures.failure_sentence(self.failure, self.detail) if self.failure else ""


class OutboxService:
    def __init__(self, db, clock, attachments: AttachmentMaker | None = None, *,
                 context: ssl.SSLContext | None = None, timeout: float = 30) -> None:
        self.db = db
        self.clock = clock
        self.attachments = attachments
        self.context = context
        self.timeout = timeout

    # Sending ------------------------------------------------------------------------------

    def smtp_settings(self) -> SmtpSettings:
        with self.db.session() as session:
            return smtp_settings_of(session.get(m.SettingsRow, 1))

    def send_due(self, password: str | None, *, limit: int | None = None) -> SendReport:
        """Send what is due now, one claim at a time, until nothing is due (or `limit`)."""
        assert self.attachments is not None, "the composition root hands the attachment maker"
        report = SendReport()
        with self.db.session() as session:
            settings_row = session.get(m.SettingsRow, 1)
            settings = smtp_settings_of(settings_row)
            texts = stored_texts(settings_row.mail_texts if settings_row else None)
            levels = levels_of(settings_row.reminders if settings_row else None)
        if not settings.set_up:
            report.stopped = MailFailure("not_set_up", True)
            return report
        documents = DocumentService(self.db, self.clock)
        with Transport(settings, password, context=self.context,
                       timeout=self.timeout) as transport:
            while limit is None or report.sent + len(report.failed) + len(report.retrying) < limit:
                claimed = self._claim(settings.sender)
                if claimed is None:
                    break
                row_id, token, row = claimed
                try:
                    doc = documents.invoice(row["document_id"])
                    if row["level"] and doc.standing.outstanding <= 0:
                        self._record(row_id, token, status=CANCELLED, failure=None, detail=None)
                        continue
                    fee = levels[row["level"] - 1].late_fee(doc.standing.outstanding) \
                        if 0 < row["level"] <= len(levels) else 0
                    attachment = self.attachments(doc, row["send_as"], document_formatter(doc))
                    message = compose(doc, row["level"], texts, sender=settings.sender,
                                      recipient=row["recipient"], message_id=row["message_id"],
                                      now=self.clock.now(), attachment=attachment, fee=fee)
                except (NotFound, LookupError, ValueError, OSError):
                    _log.exception("the message of outbox row %s could not be made", row_id)
                    self._record_failure(row_id, token, MailFailure(failures.ATTACHMENT, False),
                                         row["attempts"], report)
                    continue
                except ServiceError as refusal:  # an e-invoice the document cannot be
                    self._record_failure(row_id, token,
                                         MailFailure(failures.EINVOICE, False, str(refusal)),
                                         row["attempts"], report)
                    continue
                try:
                    transport.send(message, row["recipient"])
                except MailFailure as failure:
                    _log.warning("outbox row %s not sent: %s %s", row_id, failure.kind,
                                 failure.detail)
                    self._record_failure(row_id, token, failure, row["attempts"], report)
                    if failure.of_connection:
                        report.stopped = failure
                        break
                    continue
                self._record(row_id, token, status=SENT, sent_at=self.clock.now(),
                             failure=None, detail=None)
                report.sent += 1
        return report

    def _claim(self, sender: str) -> tuple[int, str, dict] | None:
        """Take one due message for this run (see the module's docstring), or None."""
        now = self.clock.now()
        token = uuid.uuid4().hex
        stale = now - LEASE
        with self.db.write() as session:
            connection = session.connection()
            self._give_up_interrupted(connection, stale)
            due = or_(and_(_T.status == WAITING, _T.due_at <= now),
                      and_(_T.status == SENDING, _T.claimed_at <= stale,
                           _T.resumed.is_(False)))
            query = (select(_T.id, _T.status, _T.claim).where(due)
                     .order_by(_T.due_at, _T.id).limit(8))
            if connection.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            for row_id, status, claim in connection.execute(query).all():
                same_claim = _T.claim.is_(None) if claim is None else _T.claim == claim
                won = connection.execute(
                    update(m.OutboxRow.__table__)
                    .where(_T.id == row_id, _T.status == status, same_claim)
                    .values(status=SENDING, claim=token, claimed_at=now,
                            attempts=_T.attempts + 1, resumed=status == SENDING,
                            message_id=func.coalesce(_T.message_id,
                                                     new_message_id(sender))))
                if won.rowcount == 1:
                    row = connection.execute(select(m.OutboxRow.__table__)
                                             .where(_T.id == row_id)).mappings().one()
                    return row_id, token, dict(row)
        return None

    @staticmethod
    def _give_up_interrupted(connection: Connection, stale: datetime) -> None:
        connection.execute(update(m.OutboxRow.__table__)
                           .where(_T.status == SENDING, _T.resumed.is_(True),
                                  _T.claimed_at <= stale)
                           .values(status=FAILED, failure=failures.INTERRUPTED, detail=None))

    def _record(self, row_id: int, token: str, **values) -> bool:
        """Write the outcome while the claim is still ours (False: another desk took it over)."""
        with self.db.write() as session:
            result = session.connection().execute(
                update(m.OutboxRow.__table__).where(_T.id == row_id, _T.claim == token)
                .values(**values))
            return result.rowcount == 1

    def _record_failure(self, row_id: int, token: str, failure: MailFailure, attempts: int,
                        report: SendReport) -> None:
        if failure.temporary and attempts < MAX_ATTEMPTS:
            self._record(row_id, token, status=WAITING,
                         due_at=self.clock.now() + backoff(attempts), failure=failure.kind,
                         detail=failure.detail[:1000] or None)
            report.retrying.append((row_id, failure.kind))
        else:
            kind = failure.kind if not failure.temporary else failures.GAVE_UP
            self._record(row_id, token, status=FAILED, failure=kind,
                         detail=failure.detail[:1000] or None)
            report.failed.append((row_id, kind))

    # The operator ----------------------------------------------------------------------------

    def send_again(self, entry_id: int) -> Changes:
        """A failed or waiting message due now (Send again); a sent one is queued anew."""
        with self.db.write() as session:
            row = session.get(m.OutboxRow, entry_id)
            if row is None:
                raise NotFound("This message is no longer in the outbox.")
            row.status, row.due_at, row.resumed, row.claim = WAITING, self.clock.now(), False, None
            if row.sent_at is not None:
                row.sent_at, row.message_id = None, None
            member = session.scalar(select(m.InvoiceRow.member_id)
                                    .where(m.InvoiceRow.id == row.document_id))
        return Changes.of(members=[member], invoices=True)

    def entries(self, statuses: tuple[str, ...] = (), document_id: int | None = None
                ) -> list[OutboxEntry]:
        """The outbox, newest first: of these statuses (all when empty), of one document."""
        query = (select(m.OutboxRow, m.InvoiceRow.number, m.MemberRow.name)
                 .join(m.InvoiceRow, m.InvoiceRow.id == m.OutboxRow.document_id)
                 .join(m.MemberRow, m.MemberRow.id == m.InvoiceRow.member_id)
                 .order_by(m.OutboxRow.queued_at.desc(), m.OutboxRow.id.desc()))
        if statuses:
            query = query.where(m.OutboxRow.status.in_(statuses))
        if document_id is not None:
            query = query.where(m.OutboxRow.document_id == document_id)
        with self.db.session() as session:
            return [OutboxEntry(r.id, r.document_id, number, name, r.level, r.recipient,
                                r.send_as, r.status, r.queued_at, r.due_at, r.attempts,
                                r.sent_at, r.message_id, r.failure, r.detail)
                    for r, number, name in session.execute(query)]
