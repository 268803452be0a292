"""Putting an invoice document on paper: A4 or Letter by the site's locale, PDF files and
printers (any QPagedPaintDevice: QPdfWriter, QPrinter), painted with QPainter page by page."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSizeF
from PySide6.QtGui import (
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from desktop.documents.invoice_layout import invoice_document, keep_payment_together
from desktop.i18n.formatting import Formatter
from desktop.services.documents import InvoiceDocument

# Where Letter paper is the norm (the rest of the world uses A4).
LETTER_TERRITORIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "CR", "GT", "PR",
                                "DO", "SV", "NI", "PA", "BZ"})
MARGIN_MM = 18
PDF_DPI = 300


def page_size(formatter: Formatter) -> QPageSize:
    """Letter for the locales of the Americas that use it, A4 everywhere else."""
    territory = formatter.locale.territory or ""
    return QPageSize(QPageSize.PageSizeId.Letter if territory in LETTER_TERRITORIES
                     else QPageSize.PageSizeId.A4)


def page_layout(formatter: Formatter) -> QPageLayout:
    margins = QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)
    return QPageLayout(page_size(formatter), QPageLayout.Orientation.Portrait, margins,
                       QPageLayout.Unit.Millimeter)


def paint(documents: list[QTextDocument], device: QPagedPaintDevice) -> None:
    """Paint each document from a new page, breaking it into pages of the device's layout.

    The documents are laid out at the device's resolution (fonts measured as they will print),
    then an invoice's payment block that would run over a page break starts the next page.
    """
    painter = QPainter(device)
    try:
        first = True
        for text in documents:
            rect = device.pageLayout().paintRectPixels(device.logicalDpiX())
            # A null page size first: the layout made by documentLayout() then waits for the
            # device instead of laying the document out for the screen (two thirds of the
            # layout's time, thrown away), and is laid out once, at the device's resolution.
            text.setPageSize(QSizeF(0, 0))
            text.documentLayout().setPaintDevice(device)
            text.setPageSize(QSizeF(rect.width(), rect.height()))
            keep_payment_together(text)
            for page in range(text.pageCount()):
                if not first:
                    device.newPage()
                first = False
                painter.save()
                painter.translate(0, -page * rect.height())
                text.drawContents(painter, QRectF(0, page * rect.height(), rect.width(),
                                                  rect.height()))
                painter.restore()
    finally:
        painter.end()


def write_pdf(docs: list[InvoiceDocument], path: Path, formatter: Formatter) -> Path:
    """Write the documents into one PDF file (each from a new page); returns the path."""
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(page_layout(formatter))
    writer.setCreator("Frontdesk")
    if len(docs) == 1:
        writer.setTitle(docs[0].invoice.number or "")
    paint([invoice_document(doc, formatter) for doc in docs], writer)
    return path


def pdf_bytes(doc: InvoiceDocument, formatter: Formatter) -> bytes:
    """An invoice's PDF as bytes (the settings of `write_pdf`). Painted into memory, not onto
    the file, so that a file that cannot be written is an error of the writer (QPdfWriter says
    nothing when its file fails) and only a complete PDF reaches the disk
    (desktop/storage/output_files.py). Needs a QGuiApplication."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(page_layout(formatter))
    writer.setCreator("Frontdesk")
    writer.setTitle(doc.invoice.number or "")
    paint([invoice_document(doc, formatter)], writer)
    del writer
    return bytes(buffer.data().data())


def write_pdfs(docs: list[InvoiceDocument], folder: Path, formatter: Formatter) -> list[Path]:
    """One PDF per invoice in the folder, named by number; a half-written file never keeps the
    real name."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for doc in docs:
        target = folder / f"{doc.invoice.number}.pdf"
        partial = target.with_name(target.name + ".partial")
        try:
            write_pdf([doc], partial, formatter)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        written.append(target)
    return written
