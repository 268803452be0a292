"""One e-mail made of a document, its text and its attachment (rule 29), with the standard
library's `email` package: the Message-ID is the outbox row's own (made once, kept for a
repeated send), the date the moment it is made."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import TYPE_CHECKING

from desktop.i18n.formatting import Formatter
from desktop.i18n.translations import load, parse_locale
from desktop.services.mail.texts import (
    FEE_LINE,
    PAYMENT_LINE,
    MailText,
    fill,
    key_of,
    text_for,
)
from desktop.storage.output_files import safe_file_name

if TYPE_CHECKING:
    from desktop.services.documents import InvoiceDocument


@dataclass(frozen=True)
class Attachment:
    """A document as a file for a message: made by desktop/documents/attachments.py."""

    suffix: str
    maintype: str
    subtype: str
    data: bytes


# document, send_as, its formatter -> the file (desktop/documents/attachments.py)
AttachmentMaker = Callable[["InvoiceDocument", str, Formatter], Attachment]


def new_message_id(sender: str) -> str:
    domain = sender.rpartition("@")[2].strip(" >") or None
    return make_msgid(domain=domain)


def language_of(doc) -> str:
    """The language the document was issued in (its stored locale, else the site's)."""
    locale = getattr(doc, "language", "") or doc.site.locale
    try:
        return parse_locale(locale).language
    except ValueError:
        return "en"


def document_formatter(doc) -> Formatter:
    try:
        return Formatter(getattr(doc, "language", "") or doc.site.locale, doc.site.currency)
    except ValueError:
        return Formatter()


def text_values(doc, formatter: Formatter, fee: int = 0) -> dict[str, str]:
    """What the placeholders of desktop/services/mail/texts.py stand for in this document."""
    invoice = doc.invoice
    translate = load(str(formatter.locale)).gettext
    periods = [(line.period_start, line.period_end) for line in invoice.lines
               if line.period_start and line.period_end]
    period = formatter.period(min(p[0] for p in periods), max(p[1] for p in periods)) \
        if periods else formatter.date(invoice.billed_on)
    due = invoice.due_date or invoice.issue_date
    values = {"number": invoice.number or "", "amount": formatter.money(invoice.amount_due),
              "outstanding": formatter.money(doc.standing.outstanding),
              "due_date": formatter.date(due), "issue_date": formatter.date(invoice.issue_date),
              "period": period, "name": doc.bill_to.name, "site": doc.site.site_name,
              "payment": "", "fee": ""}
    if doc.site.iban and doc.standing.outstanding > 0:
        values["payment"] = fill(translate(PAYMENT_LINE).replace("{iban}", doc.site.iban),
                                 {**values, "amount": values["outstanding"]})
    if fee:
        values["fee"] = translate(FEE_LINE).replace("{fee}", formatter.money(fee))
    return values


def compose(doc, level: int, texts: Mapping[str, Mapping[str, MailText]], *, sender: str,
            recipient: str, message_id: str, now: datetime, attachment: Attachment,
            fee: int = 0) -> EmailMessage:
    formatter = document_formatter(doc)
    text = text_for(texts, key_of(level), language_of(doc))
    values = text_values(doc, formatter, fee)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = " ".join(fill(text.subject, values).split())
    message["Date"] = format_datetime(now.astimezone())
    message["Message-ID"] = message_id
    message.set_content(fill(text.body, values).strip() + "\n")
    message.add_attachment(attachment.data, maintype=attachment.maintype,
                           subtype=attachment.subtype,
                           filename=safe_file_name(doc.invoice.number or "document",
                                                   attachment.suffix, set()))
    return message
