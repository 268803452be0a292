"""The Factur-X container (rule 28): the same PDF page people see (desktop/documents/paper.py),
made PDF/A-3 with the CII XML attached as factur-x.xml by the `factur-x` library (Qt's
QPdfWriter writes PDF/A-1b, which cannot carry attachments)."""

from __future__ import annotations

from desktop.documents.paper import pdf_bytes
from desktop.i18n.formatting import Formatter
from desktop.services.documents import InvoiceDocument


def facturx_pdf(doc: InvoiceDocument, formatter: Formatter, xml: bytes) -> bytes:
    """The document's PDF with its CII XML, level EN 16931, as PDF/A-3 bytes."""
    from facturx import generate_from_binary

    number = doc.invoice.number or ""
    seller = doc.site.site_name or "Frontdesk"
    metadata = {"author": seller, "keywords": "Factur-X, EN 16931",
                "title": f"{seller}: {number}",
                "subject": f"Factur-X {number} {doc.invoice.issue_date.isoformat()}"}
    language = (doc.language or str(formatter.locale)).replace("_", "-")
    # The XML was written by this package and is validated by the test suite against the XSD
    # and the EN 16931 schematron; checking the XSD again on every file would double the cost.
    return generate_from_binary(pdf_bytes(doc, formatter), xml, flavor="factur-x",
                                level="en16931", check_xsd=False, pdf_metadata=metadata,
                                lang=language)
