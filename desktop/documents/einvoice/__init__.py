"""EN 16931 e-invoices of invoices and credit notes (rule 28): Factur-X / ZUGFeRD profile
EN 16931 (the PDF people see, made PDF/A-3 with the CII XML attached as factur-x.xml by the
`factur-x` library), XRechnung (CII) and UBL 2.1.

`einvoice_bytes(doc, formatter, kind)` is the one entry: the Factur-X PDF or the XML as bytes,
or `NotAnEInvoice` with one sentence naming what is missing (a deposit document, a member
without an address or country, ...). facts.py reads the document once and holds the kinds
(FACTURX, XRECHNUNG, UBL); cii.py and ubl.py write it; facturx_pdf.py makes the PDF container.
"""

from __future__ import annotations

from desktop.documents.einvoice.cii import cii_xml
from desktop.documents.einvoice.facts import FACTURX, UBL, XRECHNUNG, NotAnEInvoice, facts_of
from desktop.documents.einvoice.ubl import ubl_xml
from desktop.i18n.formatting import Formatter
from desktop.services.documents import InvoiceDocument

SUFFIXES = {FACTURX: ".pdf", XRECHNUNG: ".xml", UBL: ".xml"}


def einvoice_xml(doc: InvoiceDocument, formatter: Formatter, kind: str) -> bytes:
    """The XML of the e-invoice: CII for Factur-X and XRechnung, UBL 2.1 for "ubl"."""
    facts = facts_of(doc, formatter, kind)
    return ubl_xml(facts) if kind == UBL else cii_xml(facts, kind)


def einvoice_bytes(doc: InvoiceDocument, formatter: Formatter, kind: str) -> bytes:
    """The e-invoice as its file holds it: "facturx" a PDF/A-3 (needs a QGuiApplication, as
    the PDF does), "xrechnung" and "ubl" the XML. NotAnEInvoice when it cannot be one."""
    xml = einvoice_xml(doc, formatter, kind)
    if kind != FACTURX:
        return xml
    from desktop.documents.einvoice.facturx_pdf import facturx_pdf

    return facturx_pdf(doc, formatter, xml)


def einvoice_problem(doc: InvoiceDocument, formatter: Formatter, kind: str) -> str:
    """The sentence saying why the document cannot be this e-invoice, "" when it can (checked
    before anything is written)."""
    try:
        facts_of(doc, formatter, kind)
    except NotAnEInvoice as exc:
        return str(exc)
    return ""


def einvoice_filename(doc: InvoiceDocument, kind: str) -> str:
    """`NUMBER.pdf` (Factur-X) or `NUMBER.xml`. Every number is safe as a file name already:
    its prefix passes the import's own check (desktop/services/settings.py prefix_problem)."""
    return f"{doc.invoice.number or 'document'}{SUFFIXES[kind]}"
