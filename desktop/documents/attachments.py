"""What a message carries (rule 29): a document as the file its member receives it as, made
through one mapping, member's `send_as` -> maker. A maker takes the document and its formatter
and returns the file's bytes; the message names the file by the document's number made safe
(desktop/services/mail/message.py)."""

from __future__ import annotations

from collections.abc import Callable

from desktop.documents.einvoice import einvoice_bytes
from desktop.documents.paper import pdf_bytes
from desktop.i18n.formatting import Formatter
from desktop.services.documents import InvoiceDocument
from desktop.services.mail.message import Attachment

# send_as -> (the attachment's suffix and MIME type, the maker of its bytes). An e-invoice maker
# raises NotAnEInvoice (its sentence names what the document lacks) rather than send a PDF the
# member did not ask for (rule 28).
Maker = tuple[str, str, Callable[[InvoiceDocument, Formatter], bytes]]
MAKERS: dict[str, Maker] = {
    "pdf": (".pdf", "application/pdf", pdf_bytes),
    "facturx": (".pdf", "application/pdf",
                lambda doc, formatter: einvoice_bytes(doc, formatter, "facturx")),
    "xrechnung": (".xml", "application/xml",
                  lambda doc, formatter: einvoice_bytes(doc, formatter, "xrechnung")),
}


def attachment(doc: InvoiceDocument, send_as: str, formatter: Formatter) -> Attachment:
    """The document as `send_as` asks; LookupError for a kind without a maker here (never a
    PDF in place of the e-invoice the member asked for: the message fails and says so)."""
    if send_as not in MAKERS:
        raise LookupError(f"no attachment maker for {send_as!r}")
    suffix, mime, make = MAKERS[send_as]
    maintype, _slash, subtype = mime.partition("/")
    return Attachment(suffix, maintype, subtype, make(doc, formatter))
