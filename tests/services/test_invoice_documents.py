"""Invoice documents (issue 11 item 2): the PDF written by the renderer and by the command line
for a prorated change-now invoice with tax, credit applied, a deposit line and a refund of
unused time, read back as text: number, dates, every line and every total, as the invoice
view and the export show them."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop import cli
from desktop.documents.invoice_layout import epc_payload_wanted, invoice_document
from desktop.documents.paper import write_pdfs
from desktop.i18n.formatting import Formatter
from desktop.services.documents import DocumentService
from desktop.services.exchange.export import export_document
from desktop.services.payments import PaymentService
from document_world import IBAN, SITE, invoice_world

A4, LETTER = (595, 842), (612, 792)  # points


def pdf_text(path: Path) -> tuple[str, int, tuple[int, int]]:
    """The text of the PDF with whitespace made single spaces, its pages, its first page size."""
    reader = PdfReader(str(path))
    box = reader.pages[0].mediabox
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    return text, len(reader.pages), (round(float(box.width)), round(float(box.height)))


EXPECTED = [
    # site, type, number, dates (the service period of its lines, rule 18), status
    "Harbour Desk Coworking 12 Quay Street Galway H91 X2Y3 VAT id IE1234567T Invoice",
    "Invoice number INV-000002 Issue date 11 Apr 2024 Service period 11–30 Apr 2024 "
    "Due date 25 Apr 2024 Status Partly paid",
    # the member's billing details
    "Bill to Ada Lovelace Analytical Engines Ltd 1 Engine Row London EC1 ada@example.org "
    "VAT id GB123456789",
    # every line with its period, proration and rate (rule 17)
    "Description Period Proration VAT rate Amount",
    "Unused time on Standard 11–30 Apr 2024 20 of 30 days 20% -€133.33",
    "Premium 11–30 Apr 2024 20 of 30 days 20% €333.33",
    # the totals of rule 17 with the tax per group, then what was paid
    "Subtotal €200.00 VAT 20% on €200.00 €40.00 Total €240.00 Amount due €240.00 "
    "Paid -€100.00 Left to pay €140.00",
    f"Please transfer €140.00 to IBAN {IBAN} by 25 Apr 2024, quoting INV-000002.",
]


@pytest.fixture
def scene(qapp):
    world, member, number = invoice_world()
    PaymentService(world.db, world.clock).record(number, 10000, method="card")
    return world, number


def test_the_pdf_reads_number_dates_lines_and_totals(scene, tmp_path):
    world, number = scene
    document = DocumentService(world.db, world.clock).invoice(number)
    (path,) = write_pdfs([document], tmp_path, Formatter("en_IE", "EUR"))
    assert path == tmp_path / "INV-000002.pdf"
    text, pages, size = pdf_text(path)
    for passage in EXPECTED:
        assert passage in text
    assert (pages, size) == (1, A4)
    # The figures are the export's figures.
    with world.db.session() as session:
        exported = next(i for i in export_document(session)["documents"]
                        if i["number"] == number)
    assert [line["amount"] for line in exported["lines"]] == [-13333, 33333]
    assert (exported["subtotal"], exported["tax"], exported["total"], exported["credit_applied"],
            exported["amount_due"]) == (
        20000, [{"category": "standard", "rate": "20", "net": 20000, "tax": 4000}], 24000, 0,
        24000)
    # The deposit shortfall is not in it: no deposit line in a taxed invoice (rule 15).
    assert "Refundable deposit" not in text


def test_the_command_line_writes_the_same_pdf(scene, tmp_path, capsys, monkeypatch):
    world, number = scene
    database = tmp_path / "desk.sqlite3"
    source = world.db.engine.raw_connection()
    try:  # the same database, as a file the command line opens
        with closing(sqlite3.connect(database)) as target:
            source.driver_connection.backup(target)
    finally:
        source.close()
    out = tmp_path / "pdfs"
    monkeypatch.setattr(cli, "datetime", _FixedNow)
    assert cli.main(["invoices", "pdf", str(out), "--issued", "2024-04-11",
                     "--db", str(database)]) == 0
    # Every document made that day: April's, caught up on the 11th (rule 18), and the change's.
    assert sorted(p.name for p in out.iterdir()) == [
        "DEP-000001.pdf", "DEP-000002.pdf", "INV-000001.pdf", "INV-000002.pdf"]
    text, _pages, _size = pdf_text(out / "INV-000002.pdf")
    for passage in EXPECTED:
        assert passage in text
    assert "Wrote 4 invoice PDFs" in capsys.readouterr().out


class _FixedNow:
    """datetime for the command line's clock: 11 April 2024 (the payment's status holds)."""

    @staticmethod
    def now():
        from datetime import datetime

        return datetime(2024, 4, 11, 10, 0)


def test_an_unknown_number_is_one_sentence_and_exit_2(scene, tmp_path, capsys):
    database = tmp_path / "desk.sqlite3"
    assert cli.main(["demo", "--members", "3", "--db", str(database)]) == 0
    capsys.readouterr()
    assert cli.main(["invoices", "pdf", str(tmp_path / "out"), "--number", "NOPE",
                     "--db", str(database)]) == 2
    assert capsys.readouterr().err == "There is no invoice numbered NOPE.\n"
    assert not (tmp_path / "out").exists()


def test_letter_paper_and_german_labels_follow_the_site_locale(qapp, tmp_path):
    world, _member, number = invoice_world(replace(SITE, locale="en_US"))
    document = DocumentService(world.db, world.clock).invoice(number)
    (path,) = write_pdfs([document], tmp_path, Formatter("en_US", "EUR"))
    assert pdf_text(path)[2] == LETTER
    # An invoice issued on a German site prints in German (its locale of issue, issue 10).
    world, _member, number = invoice_world(replace(SITE, locale="de_DE"))
    document = DocumentService(world.db, world.clock).invoice(number)
    german = write_pdfs([document], tmp_path / "de", Formatter("de_DE", "EUR"))[0]
    text, _pages, size = pdf_text(german)
    assert size == A4
    assert "Rechnung Rechnungsnummer INV-000002" in text
    assert "Zwischensumme 200,00 € USt. 20 % auf 200,00 € 40,00 € Gesamt 240,00 €" in text
    # The billing core's wording of the lines is in the invoice's language too.
    assert "Nicht genutzte Zeit für Standard" in text
    deposit = DocumentService(world.db, world.clock).invoice("DEP-000002")
    text = pdf_text(write_pdfs([deposit], tmp_path / "de", Formatter("de_DE", "EUR"))[0])[0]
    assert "Kautionsanforderung Nummer der Kautionsanforderung DEP-000002" in text
    assert "Rückzahlbare Kaution (Premium) außerhalb der USt. 200,00 €" in text


def test_the_epc_code_needs_an_iban_euros_and_something_to_pay(qapp):
    world, _member, number = invoice_world()
    documents = DocumentService(world.db, world.clock)
    document = documents.invoice(number)
    assert epc_payload_wanted(document)
    assert invoice_document(document, Formatter()).resource(2, "frontdesk-epc-qr") is not None
    assert not epc_payload_wanted(replace(document, site=replace(document.site, currency="GBP")))
    assert not epc_payload_wanted(replace(document, site=replace(document.site, iban="")))
    PaymentService(world.db, world.clock).record(number, 24000)
    assert not epc_payload_wanted(documents.invoice(number))


def test_the_qr_image_draws_segnos_modules_black_on_a_quiet_zone(qapp):
    import segno.helpers
    from PySide6.QtGui import QColor

    from desktop.documents.invoice_layout import epc_qr_image

    world, _member, number = invoice_world()
    document = DocumentService(world.db, world.clock).invoice(number)
    image = epc_qr_image(document)
    code = segno.helpers.make_epc_qr(name="Harbour Desk Coworking",
                                     iban=IBAN.replace(" ", ""), amount="240.00",
                                     text="INV-000002")
    size = len(code.matrix) + 4
    assert (image.width(), image.height()) == (size * 4, size * 4)
    black = QColor(0, 0, 0).rgb()
    for y, row in enumerate(code.matrix):
        for x, dark in enumerate(row):
            assert (image.pixel((x + 2) * 4 + 1, (y + 2) * 4 + 1) == black) == bool(dark)
    assert all(image.pixel(i, 1) != black for i in range(image.width()))  # the quiet zone


def test_a_printer_gets_the_same_pages_as_the_pdf(scene, tmp_path):
    """Print… paints the same document on the printer the platform dialog configured; a
    printer writing to a file shows what it receives."""
    from PySide6.QtPrintSupport import QPrinter

    from desktop.documents.paper import page_layout, paint

    world, number = scene
    document = DocumentService(world.db, world.clock).invoice(number)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setPageLayout(page_layout(Formatter("en_IE", "EUR")))
    paint([invoice_document(document, Formatter("en_IE", "EUR"))], printer)
    text, pages, size = pdf_text(tmp_path / "printed.pdf")
    for passage in EXPECTED:
        assert passage in text
    assert (pages, size) == (1, A4)


def test_the_sites_logo_heads_the_document(qapp, tmp_path):
    from PySide6.QtGui import QColor, QImage

    from desktop.documents.invoice_layout import LOGO_URL, png_of

    logo = QImage(120, 40, QImage.Format.Format_RGB32)
    logo.fill(QColor("#204a87"))
    world, _member, number = invoice_world(replace(SITE, logo=png_of(logo)))
    document = DocumentService(world.db, world.clock).invoice(number)
    assert document.site.logo.startswith(b"\x89PNG")
    text = invoice_document(document, Formatter())
    assert not text.resource(2, LOGO_URL).isNull()
    (path,) = write_pdfs([document], tmp_path, Formatter())
    assert len(PdfReader(str(path)).pages[0].images) == 2  # the logo and the QR code
    without = replace(document, site=replace(document.site, logo=None))
    (path,) = write_pdfs([without], tmp_path / "plain", Formatter())
    assert len(PdfReader(str(path)).pages[0].images) == 1


@pytest.mark.parametrize(("kind", "description", "german"), [
    ("unused", "Unused time on Hot desk", "Nicht genutzte Zeit für Hot desk"),
    ("deposit", "Refundable deposit (Desk, Office)", "Rückzahlbare Kaution (Desk, Office)"),
    ("deposit_refund", "Deposit refund", "Kautionserstattung"),
    ("plan", "Unused time on Mars", "Unused time on Mars"),  # a plan's name stays as written
    ("addon", "Locker", "Locker"),
])
def test_the_cores_line_wording_is_translated_and_names_are_not(kind, description, german):
    from desktop.documents.invoice_layout import line_text
    from desktop.domain.invoicing import read_line_wording
    from desktop.domain.model import Line
    from desktop.i18n.translations import load

    line = Line(kind, description, 100, wording=read_line_wording(kind, description))
    assert line_text(line, Formatter("de_DE"), load("de_DE").gettext) == german
    assert line_text(line, Formatter(), load("en_IE").gettext) == description


def test_an_amount_beyond_the_epc_limit_prints_without_a_code(qapp):
    world, _member, number = invoice_world()
    document = DocumentService(world.db, world.clock).invoice(number)
    huge = replace(document, standing=replace(document.standing, outstanding=10**11))
    assert not epc_payload_wanted(huge)
    assert invoice_document(huge, Formatter()).resource(2, "frontdesk-epc-qr") is None


def test_an_issued_invoice_keeps_the_language_and_formats_it_was_issued_in(qapp, tmp_path):
    """Issue 10: the site moves to de_DE after issuing; the invoice still prints as issued in
    en_IE, and the next invoice is issued in German."""
    from desktop.services.settings import SettingsService

    world, _member, number = invoice_world()
    settings = SettingsService(world.db, world.clock)
    settings.save(replace(settings.get(), locale="de_DE"))
    document = DocumentService(world.db, world.clock).invoice(number)
    assert document.language == "en_IE"
    (path,) = write_pdfs([document], tmp_path, Formatter("de_DE", "EUR"))
    text = pdf_text(path)[0]
    assert "Invoice number INV-000002 Issue date 11 Apr 2024" in text
    assert "Subtotal €200.00" in text and "Rechnungsnummer" not in text


def test_the_cores_lines_are_stored_raw_and_printed_in_the_invoices_own_language(qapp):
    """Issue 10: an unused-time credit and a deposit line keep their kind and the plan names
    (the English text beside them, for the frontdesk/1 document); the document prints them in
    the language the invoice was issued in, whatever the site's locale is later."""
    import json

    from sqlalchemy import select

    from desktop.documents.invoice_layout import invoice_html
    from desktop.services.settings import SettingsService
    from desktop.storage import models as m

    world, _member, number = invoice_world(replace(SITE, locale="de_DE"))
    line = m.InvoiceLineRow
    with world.db.session() as session:
        rows = session.execute(select(line.kind, line.description, line.params)
                               .join(m.InvoiceRow)
                               .where(m.InvoiceRow.number.in_([number, "DEP-000002"]))
                               .order_by(line.position)).all()
    stored = {kind: (text, None if params is None else json.loads(params))
              for kind, text, params in rows}
    assert stored["unused"] == ("Unused time on Standard", {"name": "Standard"})
    assert stored["deposit"] == ("Refundable deposit (Premium)", {"plans": "Premium"})
    assert stored["plan"] == ("Premium", None)
    SettingsService(world.db, world.clock).save(replace(SITE, locale="en_IE"))  # later
    documents = DocumentService(world.db, world.clock)
    html = "".join(invoice_html(documents.invoice(n), Formatter("en_IE", "EUR"), with_qr=False,
                                with_logo=False) for n in (number, "DEP-000002"))
    assert "Nicht genutzte Zeit für Standard" in html and "Rückzahlbare Kaution (Premium)" in html
    assert "Unused time" not in html and "Refundable deposit" not in html


def test_a_german_reader_of_an_english_invoice_reads_its_proration_in_english(qapp):
    """Issue 10: the document is fixed in its own language; the reader's language (German here)
    never leaks into it, not even the "15 of 30 days" of a prorated line."""
    from desktop.documents.invoice_layout import invoice_html

    world, _member, number = invoice_world()
    document = DocumentService(world.db, world.clock).invoice(number)
    assert document.language == "en_IE"
    assert any(line.days is not None for line in document.invoice.lines)
    html = invoice_html(document, Formatter("en_IE", "EUR", "de"), with_qr=False, with_logo=False)
    assert " days" in html and "Tagen" not in html and "Rechnungsnummer" not in html


def test_a_batch_of_pdfs_reads_as_each_pdf_written_alone(scene, tmp_path):
    """500 PDFs are written in one batch (`write_pdfs`, the day's files, the command line):
    each reads as the PDF of its invoice written alone (`pdf_bytes`, Save PDF…), and as the
    PDF of a document first laid out for the screen, as the invoice view shows it."""
    from PySide6.QtGui import QPdfWriter

    from desktop.documents.paper import page_layout, paint, pdf_bytes

    world, _number = scene
    service, formatter = DocumentService(world.db, world.clock), Formatter("en_IE", "EUR")
    documents = [service.invoice(number) for number in
                 ("DEP-000001", "DEP-000002", "INV-000001", "INV-000002")]
    batch = write_pdfs(documents, tmp_path / "batch", formatter)
    for document, path in zip(documents, batch):
        alone = tmp_path / f"alone-{document.invoice.number}.pdf"
        alone.write_bytes(pdf_bytes(document, formatter))
        assert pdf_text(path) == pdf_text(alone)
    # A document laid out on the screen before it is printed prints the same pages.
    on_screen = invoice_document(documents[-1], formatter)
    on_screen.setTextWidth(480)
    assert on_screen.documentLayout().documentSize().height() > 0
    writer = QPdfWriter(str(tmp_path / "shown.pdf"))
    writer.setResolution(300)
    writer.setPageLayout(page_layout(formatter))
    paint([on_screen], writer)
    del writer
    assert pdf_text(tmp_path / "shown.pdf") == pdf_text(batch[-1])


def test_the_epc_code_of_a_payload_is_made_once(scene, monkeypatch):
    """The view, Print… and Save PDF… of one invoice show one code: segno, whose choice of
    mask is most of a PDF's time, encodes a payload once; another payload is encoded anew."""
    import segno.helpers

    from desktop.documents.invoice_layout import epc_qr_image

    world, number = scene
    document = DocumentService(world.db, world.clock).invoice(number)
    made = []
    encode = segno.helpers.make_epc_qr
    monkeypatch.setattr(segno.helpers, "make_epc_qr",
                        lambda **payload: made.append(payload) or encode(**payload))
    first = epc_qr_image(replace(document, invoice=replace(document.invoice,
                                                           number="INV-CACHE-1")))
    again = epc_qr_image(replace(document, invoice=replace(document.invoice,
                                                           number="INV-CACHE-1")))
    other = epc_qr_image(replace(document, invoice=replace(document.invoice,
                                                           number="INV-CACHE-2")))
    assert [payload["text"] for payload in made] == ["INV-CACHE-1", "INV-CACHE-2"]
    assert again == first and other != first
