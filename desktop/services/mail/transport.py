"""One connection to the site's SMTP server (rule 29), with every way it can fail told apart:
`MailFailure.kind` names the failure for the reader (desktop/services/mail/failures.py) and
`temporary` says whether the message is tried again after a back-off.

A failure of the settings (an unknown host, a refused connection or login, TLS that does not
work) is temporary on purpose: the messages stay queued and leave once the settings are put
right. Only what the server refuses for the message itself (a 5xx to its recipient or data) is
permanent."""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

SECURITY = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
TIMEOUT_SECONDS = 30

# Failure kinds (their sentences are in failures.py).
NOT_SET_UP, NO_PASSWORD = "not_set_up", "no_password"
UNKNOWN_HOST, UNREACHABLE, LOGIN_REFUSED = "unknown_host", "unreachable", "login_refused"
TLS_FAILED, DISCONNECTED, BUSY = "tls_failed", "disconnected", "busy"
SENDER_REFUSED, RECIPIENT_REFUSED, REFUSED = "sender_refused", "recipient_refused", "refused"
# Failures of the connection: the next message of the same run would meet them too.
CONNECTION_KINDS = frozenset({NOT_SET_UP, NO_PASSWORD, UNKNOWN_HOST, UNREACHABLE, LOGIN_REFUSED,
                              TLS_FAILED, DISCONNECTED, SENDER_REFUSED})


@dataclass(frozen=True)
class SmtpSettings:
    """The site's SMTP server (Preferences; never its password)."""

    host: str = ""
    port: int | None = None
    security: str = "starttls"
    user: str = ""
    sender: str = ""

    @property
    def usable_port(self) -> int:
        return self.port or DEFAULT_PORTS.get(self.security, 25)

    @property
    def set_up(self) -> bool:
        return bool(self.host.strip() and self.sender.strip())


class MailFailure(Exception):
    """A send that did not happen: its kind, whether to try again later, the server's words."""

    def __init__(self, kind: str, temporary: bool, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.temporary = temporary
        self.detail = detail

    @property
    def of_connection(self) -> bool:
        return self.kind in CONNECTION_KINDS


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}".strip()


def failure_of(exc: BaseException) -> MailFailure:
    """What an exception of smtplib, ssl or the socket means for the outbox."""
    if isinstance(exc, MailFailure):
        return exc
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return MailFailure(LOGIN_REFUSED, True, _reply(exc.smtp_code, exc.smtp_error))
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        detail = "; ".join(_reply(c, t) for c, t in exc.recipients.values())
        return MailFailure(RECIPIENT_REFUSED, all(400 <= c < 500 for c in codes), detail)
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return MailFailure(SENDER_REFUSED, True, _reply(exc.smtp_code, exc.smtp_error))
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return MailFailure(DISCONNECTED, True, str(exc))
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return MailFailure(TLS_FAILED, True, str(exc))
    if isinstance(exc, smtplib.SMTPResponseException):
        temporary = 400 <= exc.smtp_code < 500
        return MailFailure(BUSY if temporary else REFUSED, temporary,
                           _reply(exc.smtp_code, exc.smtp_error))
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return MailFailure(TLS_FAILED, True, str(exc))
    if isinstance(exc, socket.gaierror):
        return MailFailure(UNKNOWN_HOST, True, str(exc))
    if isinstance(exc, ConnectionError | TimeoutError | OSError | smtplib.SMTPException):
        # A dropped link mid-message reads as a reset or an unexpected end; before any
        # greeting it is a server that cannot be reached.
        return MailFailure(UNREACHABLE if isinstance(exc, ConnectionRefusedError | TimeoutError)
                           else DISCONNECTED, True, str(exc))
    raise exc


class Transport:
    """A connection opened at the first message and kept for the rest of a run."""

    def __init__(self, settings: SmtpSettings, password: str | None, *,
                 context: ssl.SSLContext | None = None,
                 timeout: float = TIMEOUT_SECONDS) -> None:
        self.settings = settings
        self.password = password
        self.context = context or ssl.create_default_context()
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        if not s.set_up:
            raise MailFailure(NOT_SET_UP, True)
        if s.user and not self.password:
            raise MailFailure(NO_PASSWORD, True)
        smtp: smtplib.SMTP
        if s.security == "tls":
            smtp = smtplib.SMTP_SSL(s.host, s.usable_port, timeout=self.timeout,
                                    context=self.context)
        else:
            smtp = smtplib.SMTP(s.host, s.usable_port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if s.security == "starttls":
                smtp.starttls(context=self.context)
                smtp.ehlo()
            if s.user:
                smtp.login(s.user, self.password or "")
        except BaseException:
            self._drop(smtp)
            raise
        return smtp

    def send(self, message: EmailMessage, recipient: str) -> None:
        """Hand one message to the server; raises MailFailure."""
        try:
            if self._smtp is None:
                self._smtp = self._open()
            self._smtp.send_message(message, from_addr=self.settings.sender,
                                    to_addrs=[recipient])
        except Exception as exc:
            failure = failure_of(exc)
            if failure.of_connection or failure.kind == BUSY:
                self.close()  # the next message starts on a fresh connection
            raise failure from None

    def check(self) -> None:
        """Connect and log in, then leave (*Send a test message* first checks this)."""
        try:
            self._smtp = self._smtp or self._open()
        except Exception as exc:
            raise failure_of(exc) from None

    def close(self) -> None:
        if self._smtp is not None:
            self._drop(self._smtp, polite=True)
            self._smtp = None

    @staticmethod
    def _drop(smtp: smtplib.SMTP, polite: bool = False) -> None:
        try:
            if polite:
                smtp.quit()
            else:
                smtp.close()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()
