"""What the window asks of mail (rule 29), in one service: the SMTP settings (checked, saved,
tried with *Send a test message*), the password in the keyring, the texts per language, and the
outbox (send what is due, *Send again*, what waits, failed or left)."""

from __future__ import annotations

import re
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from desktop.domain.limits import plain_rate, text_problem
from desktop.domain.model import Problem
from desktop.domain.reminders import (
    MAX_DAYS,
    MAX_LEVELS,
    ReminderLevel,
    levels_json,
    levels_of,
)
from desktop.i18n import _
from desktop.i18n.messages import reason
from desktop.ledger import audit
from desktop.services.changes import Changes
from desktop.services.errors import NotFound, ValidationError
from desktop.services.mail import passwords
from desktop.services.mail.message import AttachmentMaker
from desktop.services.mail.outbox import OutboxEntry, OutboxService, SendReport, smtp_settings_of
from desktop.services.mail.texts import MailText, stored_texts, texts_json
from desktop.services.mail.transport import SECURITY, SmtpSettings, Transport
from desktop.storage import models as m


def smtp_problems(settings: SmtpSettings) -> list[Problem]:
    """What is wrong with the SMTP settings, each with its field (nothing is saved then)."""
    problems = []
    for field in ("host", "user", "sender"):
        value = getattr(settings, field)
        if (bad := text_problem(value)) is not None:
            problems.append(Problem(f"smtp_{field}", reason(bad)))
    if settings.host and (any(c.isspace() for c in settings.host.strip())):
        problems.append(Problem("smtp_host", _("A host name has no spaces.")))
    if settings.port is not None and not 1 <= settings.port <= 65535:
        problems.append(Problem("smtp_port", _("A port is a number from 1 to 65535.")))
    if settings.security not in SECURITY:
        problems.append(Problem("smtp_security", _("Choose STARTTLS, TLS or none.")))
    sender = settings.sender.strip()
    if sender and "@" not in parseaddr(sender)[1]:
        problems.append(Problem("smtp_sender", _("Write the sender as an e-mail address, such "
                                                 "as desk@example.org.")))
    return problems


@dataclass(frozen=True)
class Delivery:
    """How a member receives documents (rule 29): `send_as` and the address ("" = their
    e-mail)."""

    send_as: str = "none"
    mail_to: str = ""


SEND_AS = ("none", "pdf", "facturx", "xrechnung")
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


class MailService:
    def __init__(self, db, clock, attachments: AttachmentMaker | None = None, *,
                 context: ssl.SSLContext | None = None, timeout: float = 30) -> None:
        self.db = db
        self.clock = clock
        self.context = context
        self.timeout = timeout
        self.outbox = OutboxService(db, clock, attachments, context=context, timeout=timeout)

    # Settings -----------------------------------------------------------------------------

    def smtp(self) -> SmtpSettings:
        with self.db.session() as session:
            return smtp_settings_of(session.get(m.SettingsRow, 1))

    def save_smtp(self, settings: SmtpSettings) -> Changes:
        """Check and save the SMTP settings (never a password); ValidationError otherwise."""
        if problems := smtp_problems(settings):
            raise ValidationError(problems)
        with self.db.write() as session:
            row = session.get(m.SettingsRow, 1)
            values = dict(smtp_host=settings.host.strip() or None, smtp_port=settings.port,
                          smtp_security=settings.security, smtp_user=settings.user.strip() or None,
                          smtp_sender=settings.sender.strip() or None)
            now, who = self.clock.now(), audit.operator(session)
            for name, value in values.items():
                old = getattr(row, name)
                if old != value:
                    session.add(m.HistoryRow(at=now, who=who, entity="settings", entity_id=1,
                                             field=name, old_value=None if old is None
                                             else str(old), new_value=None if value is None
                                             else str(value)))
                    setattr(row, name, value)
        return Changes.of(settings=True)

    def password(self, settings: SmtpSettings) -> str | None:
        """The password kept in the keyring for these settings, if any."""
        return passwords.stored_password(settings)

    def keep_password(self, settings: SmtpSettings, password: str) -> bool:
        """Into the keyring; False when there is none here (the window keeps it then)."""
        return passwords.store_password(settings, password)

    def keyring_usable(self) -> bool:
        return passwords.keyring_usable()

    def test_message(self, settings: SmtpSettings, password: str | None,
                     recipient: str) -> None:
        """Send a short message with these settings (saved or not); raises MailFailure."""
        message = EmailMessage()
        message["From"] = settings.sender
        message["To"] = recipient
        message["Subject"] = _("Frontdesk: test message")
        message["Date"] = format_datetime(self.clock.now().astimezone())
        message["Message-ID"] = make_msgid(
            domain=settings.sender.rpartition("@")[2].strip(" >") or None)
        message.set_content(_("This message shows that Frontdesk can send mail through this "
                              "server.") + "\n")
        with Transport(settings, password, context=self.context,
                       timeout=self.timeout) as transport:
            transport.send(message, recipient)

    # Members ------------------------------------------------------------------------------

    def delivery(self, member_id: int) -> Delivery:
        with self.db.session() as session:
            row = session.get(m.MemberRow, member_id)
            if row is None:
                raise NotFound(_("This member no longer exists."))
            return Delivery(row.send_as or "none", row.mail_to or "")

    def save_delivery(self, member_id: int, delivery: Delivery) -> Changes:
        """How the member receives documents from now on (a document already queued keeps its
        address); ValidationError for an unknown kind or an address that is none."""
        problems = []
        if delivery.send_as not in SEND_AS:
            problems.append(Problem("send_as", _("Choose how the member receives documents.")))
        address = delivery.mail_to.strip()
        if (bad := text_problem(address)) is not None:
            problems.append(Problem("mail_to", reason(bad)))
        elif address and not _ADDRESS.match(address):
            problems.append(Problem("mail_to", _(
                '"{email}" is not an email address such as "ada@example.org".').format(
                    email=address)))
        if problems:
            raise ValidationError(problems)
        with self.db.write() as session:
            row = session.get(m.MemberRow, member_id)
            if row is None:
                raise NotFound(_("This member no longer exists."))
            before = {"Send documents as": row.send_as or "none", "Send to": row.mail_to or ""}
            row.send_as, row.mail_to = delivery.send_as, address or None
            audit.write_changes(session, at=self.clock.now(), who=audit.operator(session),
                                entity="member", entity_id=row.id, before=before,
                                after={"Send documents as": delivery.send_as,
                                       "Send to": address}, member_id=row.id)
        return Changes.of(members=[member_id])

    # Reminders ----------------------------------------------------------------------------

    def reminders(self) -> list[ReminderLevel]:
        with self.db.session() as session:
            row = session.get(m.SettingsRow, 1)
            return levels_of(row.reminders if row else None)

    def save_reminders(self, levels: list[ReminderLevel]) -> Changes:
        """Up to three levels, each later than the one before; ValidationError otherwise."""
        problems = []
        for n, level in enumerate(levels, start=1):
            field = f"reminder{n}"
            if not 1 <= level.days <= MAX_DAYS:
                problems.append(Problem(field, _("A reminder comes 1 to {days} days after the "
                                                 "due date.").format(days=MAX_DAYS)))
            elif n > 1 and level.days <= levels[n - 2].days:
                problems.append(Problem(field, _("Each reminder comes later than the one "
                                                 "before.")))
            elif level.fee < 0:
                problems.append(Problem(field, _("A late fee is not negative.")))
            elif level.fee_percent:
                try:
                    plain_rate(level.fee_percent)
                except ValueError as exc:
                    problems.append(Problem(field, reason(exc)))
        if len(levels) > MAX_LEVELS:
            problems.append(Problem("reminders", _("There are at most three reminders.")))
        if problems:
            raise ValidationError(problems)
        with self.db.write() as session:
            session.get(m.SettingsRow, 1).reminders = levels_json(levels)
        return Changes.of(settings=True)

    # Texts --------------------------------------------------------------------------------

    def texts(self) -> dict[str, dict[str, MailText]]:
        with self.db.session() as session:
            row = session.get(m.SettingsRow, 1)
            return stored_texts(row.mail_texts if row else None)

    def save_texts(self, texts: Mapping[str, Mapping[str, MailText]]) -> Changes:
        problems = [Problem(f"{language}.{key}", reason(bad))
                    for language, entries in texts.items() for key, text in entries.items()
                    for value, multiline in ((text.subject, False), (text.body, True))
                    if (bad := text_problem(value, multiline=multiline)) is not None]
        if problems:
            raise ValidationError(problems)
        with self.db.write() as session:
            session.get(m.SettingsRow, 1).mail_texts = texts_json(texts)
        return Changes.of(settings=True)

    # The outbox ---------------------------------------------------------------------------

    def send_due(self, password: str | None) -> SendReport:
        return self.outbox.send_due(password)

    def send_again(self, entry_id: int) -> Changes:
        return self.outbox.send_again(entry_id)

    def entries(self, statuses: tuple[str, ...] = (),
                document_id: int | None = None) -> list[OutboxEntry]:
        return self.outbox.entries(statuses, document_id)
