"""Invoice document benchmark (docs/design.md#targets), run by `make bench`: it prints figures
beside their floor, measured in the same run; it asserts no timing.

500 one-page invoice PDFs, each written to its own file through the application's renderer
(QTextDocument laid out and painted on a QPdfWriter, EPC QR code included), beside the floor: a
bare QPdfWriter writing 500 one-page files with QPainter.drawText of the same number of lines of
text, no layout. Reading the invoices from the database is timed apart.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QPageSize, QPainter, QPdfWriter
from sqlalchemy import select

from desktop.documents import invoice_layout
from desktop.documents.invoice_layout import epc_payload_wanted, epc_qr_image
from desktop.documents.paper import write_pdfs
from desktop.i18n.formatting import Formatter
from desktop.services.clock import FixedClock
from desktop.services.documents import DocumentService
from desktop.services.settings import SettingsService
from desktop.storage import models as m
from desktop.storage.database import open_database

COUNT = 500


def _timed(work) -> tuple[float, float]:
    """(wall, CPU) seconds of work(): CPU time is the steadier figure on a shared machine,
    where the wall clock also counts the waits for a core."""
    started, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - started, time.process_time() - cpu


def _floor(folder, texts: list[list[str]], bold: bool = False) -> tuple[float, float]:
    """(wall, CPU) seconds for a bare QPdfWriter writing one page of plain lines per file; with
    bold, every other line in the bold face (two fonts embedded, as an invoice's are)."""
    folder.mkdir()
    return _timed(lambda: _bare_pages(folder, texts, bold))


def _bare_pages(folder, texts: list[list[str]], bold: bool) -> None:
    for index, lines in enumerate(texts):
        writer = QPdfWriter(str(folder / f"{index}.pdf"))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setResolution(300)
        painter = QPainter(writer)
        for row, text in enumerate(lines):
            if bold:
                font = QFont()
                font.setBold(row % 2 == 1)
                painter.setFont(font)
            painter.drawText(QRectF(0, row * 60, 2000, 60), text)
        painter.end()


def test_500_invoice_pdfs(qapp, tmp_path, bench_databases):
    copy = bench_databases.working_copy(bench_databases.members(2_000), tmp_path / "db",
                                        backed_up=True)
    clock = FixedClock(bench_databases.day, datetime.combine(bench_databases.day,
                                                             datetime.min.time()))
    db = open_database(str(copy), now=clock.now())
    try:
        settings = SettingsService(db, clock)
        site = settings.get()
        settings.save(replace(site, site_name="Harbour Desk Coworking",
                              address="12 Quay Street\nGalway", vat_id="IE1234567T",
                              iban="DE89 3704 0044 0532 0130 00"))
        with db.session() as session:
            ids = session.scalars(select(m.InvoiceRow.id).order_by(m.InvoiceRow.id.desc())
                                  .limit(COUNT)).all()
        started = time.perf_counter()
        service = DocumentService(db, clock)
        documents = [service.invoice(invoice_id) for invoice_id in ids]
        read = time.perf_counter() - started
    finally:
        db.dispose()
    formatter = Formatter(site.locale, site.currency)
    # Each payload's code is kept once made (the view, Print… and Save PDF… of one invoice):
    # these are 500 invoices written for the first time, so none is kept yet.
    invoice_layout._epc_qr.cache_clear()
    written: list = []
    elapsed, elapsed_cpu = _timed(
        lambda: written.extend(write_pdfs(documents, tmp_path / "pdfs", formatter)))
    assert len(written) == COUNT
    with_qr = sum(1 for d in documents if d.standing.outstanding > 0)
    # The floor prints as many lines as the invoice has text: heading, parties, lines, totals.
    texts = [[d.site.site_name, d.invoice.number or "", d.bill_to.name]
             + [line.description for line in d.invoice.lines] + ["Subtotal", "Tax", "Total",
                                                                  "Amount due"]
             for d in documents]
    floor, floor_cpu = _floor(tmp_path / "floor", texts)
    bold, bold_cpu = _floor(tmp_path / "floor-bold", texts, bold=True)
    invoice_layout._epc_qr.cache_clear()
    qr, qr_cpu = _timed(lambda: [epc_qr_image(document) for document in documents
                                 if epc_payload_wanted(document)])
    size = sum(path.stat().st_size for path in written) / COUNT / 1024
    print(f"\n{COUNT} invoice PDFs ({with_qr} with an EPC QR code, {size:.0f} KiB each): "
          f"{elapsed:.2f} s = {elapsed / COUNT * 1000:.1f} ms each"
          f"\n  reading the {COUNT} documents from the database: {read:.2f} s"
          f"\n  floor (bare QPdfWriter, {COUNT} one-page files of drawText lines): "
          f"{floor:.2f} s = {floor / COUNT * 1000:.1f} ms each"
          f"\n  the same floor with every other line bold (two fonts embedded, as an "
          f"invoice's): {bold:.2f} s = {bold / COUNT * 1000:.1f} ms each"
          f"\n  of which the EPC QR codes alone (segno, pure Python): {qr:.2f} s"
          f"\n  documents / floor = {elapsed / floor:.1f}x, without the QR codes "
          f"{(elapsed - qr) / floor:.1f}x  (target: within 2x)"
          f"\n  CPU time: documents {elapsed_cpu:.2f} s, floor {floor_cpu:.2f} s, "
          f"{elapsed_cpu / floor_cpu:.1f}x; bold floor {bold_cpu:.2f} s; QR codes {qr_cpu:.2f} s;"
          f" without them {(elapsed_cpu - qr_cpu) / floor_cpu:.1f}x")
