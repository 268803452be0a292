"""Why a message did not leave, in the reader's language (rule 29): one sentence per failure
kind of desktop/services/mail/transport.py, for *Send a test message* and the outbox."""

from __future__ import annotations

from desktop.i18n import _
from desktop.services.mail import transport as t


def failure_sentence(kind: str | None, detail: str | None = None) -> str:
    if kind == EINVOICE:  # the e-invoice's own sentence, naming what the document lacks
        return detail or _("The document cannot be made an e-invoice.")
    sentences = {
        t.NOT_SET_UP: _("No SMTP server is set up: enter its host and the sender's address "
                        "in Preferences."),
        t.NO_PASSWORD: _("The SMTP password is missing: enter it in Preferences."),
        t.UNKNOWN_HOST: _("The SMTP server's host name is unknown: check it in Preferences."),
        t.UNREACHABLE: _("The SMTP server cannot be reached: check its host and port in "
                         "Preferences, or try again later."),
        t.LOGIN_REFUSED: _("The SMTP server refused the user name or password."),
        t.TLS_FAILED: _("A secure connection to the SMTP server failed: check its security "
                        "setting and port in Preferences."),
        t.DISCONNECTED: _("The SMTP server closed the connection; the message will be tried "
                          "again."),
        t.BUSY: _("The SMTP server asked to try again later; the message will be tried again."),
        t.SENDER_REFUSED: _("The SMTP server refused the sender's address: check it in "
                            "Preferences."),
        t.RECIPIENT_REFUSED: _("The SMTP server refused the recipient's address."),
        t.REFUSED: _("The SMTP server refused the message."),
        INTERRUPTED: _("Sending stopped twice before it was recorded; check whether the member "
                       "received it before sending again."),
        ATTACHMENT: _("The attachment could not be made."),
        GAVE_UP: _("The message could not be sent after many tries."),
    }
    return sentences.get(kind or "", _("The message could not be sent."))


INTERRUPTED, ATTACHMENT, GAVE_UP = "interrupted", "attachment", "gave_up"
# A member who receives e-invoices, and a document that cannot be one (rule 28): the detail holds
# the sentence that says what is missing, in the desk's language when it was tried.
EINVOICE = "einvoice"
