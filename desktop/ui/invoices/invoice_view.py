"""An issued invoice as its document (rule 17, docs/design.md#vocabulary "Invoice document"): the
page the printer and the PDF get, shown on screen by the same renderer, with where it stands with
its payments, and Print…, Save as PDF…, Save as e-invoice… and Record payment…."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.documents.invoice_layout import invoice_document, status_text
from desktop.documents.paper import page_layout, paint
from desktop.domain import payments as rules
from desktop.domain.accounts import CREDITING
from desktop.domain.model import CREDIT_NOTE, DEPOSIT_REQUEST, DEPOSIT_RETURN
from desktop.formats.files import invoice_file_name, save_invoice
from desktop.formats.registry import command
from desktop.i18n import _, gettext
from desktop.services.documents import BillTo, InvoiceDocument
from desktop.services.payments import InvoiceStanding
from desktop.services.settings import SiteSettings
from desktop.ui.common.forms import run_modal
from desktop.ui.common.screens import fit_to_screen
from desktop.ui.common.widgets import (
    label,
    remember_folder,
    show_error,
    start_folder,
    user_message,
)
from desktop.ui.invoices.einvoice_save import einvoice_wanted, save_einvoice
from desktop.ui.invoices.payment_dialog import method_text, payment_dialog
from desktop.ui.invoices.sending import sending_history


def window_title(document: InvoiceDocument) -> str:
    """The view's title names the document's type (rules 15, 17) and number."""
    number = document.invoice.number or _("(draft)")
    kind = document.invoice.type
    if kind == CREDIT_NOTE:
        return _("Credit note {number}").format(number=number)
    if kind == DEPOSIT_REQUEST:
        return _("Deposit request {number}").format(number=number)
    if kind == DEPOSIT_RETURN:
        return _("Deposit return {number}").format(number=number)
    return _("Invoice {number}").format(number=number)


@dataclass(frozen=True)
class InvoiceTools:
    """What the invoice view needs beyond the invoice: documents, payments and today."""

    documents: Any   # DocumentService
    payments: Any    # PaymentService
    clock: Any
    mail: Any = None  # MailService: the document's sending history (rule 29)


def plain_document(invoice: Any, member_name: str = "") -> InvoiceDocument:
    """The document of an invoice read without the site's identity or its payments (a window
    built without the document and payment services)."""
    standing = InvoiceStanding(0, invoice.number or "", 0, invoice.amount_due, 0,
                               invoice.amount_due, invoice.issue_date,
                               rules.PAID if invoice.amount_due <= 0 else rules.UNPAID, ())
    return InvoiceDocument(invoice, SiteSettings(), BillTo(member_name, "", "", "", ""),
                           standing)


class InvoiceView(QDialog):
    """The invoice's document, its payment status, and what can be done with it."""

    paymentRecorded = Signal(int)  # noqa: N815  (the member whose invoice was paid)

    def __init__(self, document: InvoiceDocument, formatter: Any,
                 tools: InvoiceTools | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("invoiceView")
        self._formatter, self._tools = formatter, tools
        self.setWindowTitle(window_title(document))
        self._fitted = False  # sized to the screen when first shown (showEvent)

        self.browser = QTextBrowser(objectName="invoiceDocument")
        self.browser.setAccessibleName(_("Invoice document"))
        self.browser.setOpenLinks(False)
        # The page wraps to the view's width; full-width tables would only add a stray bar.
        self.browser.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        paper = self.browser.palette()  # the page is paper: dark text on white in any palette
        paper.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
        paper.setColor(QPalette.ColorRole.Text, QColor("#1d2125"))
        self.browser.setPalette(paper)
        self.status_label = label("", "invoiceStatus", wrap=True)
        self.status_label.setObjectName("invoiceStatus")
        self.sent_label = label("", "muted", wrap=True)
        self.sent_label.setObjectName("invoiceSending")

        self.print_button = QPushButton(_("&Print…"),
                                        objectName="printInvoiceButton")
        self.pdf_button = QPushButton(_("Save as P&DF…"),
                                      objectName="saveInvoicePdfButton")
        # Rule 28: Factur-X, XRechnung or UBL 2.1 (einvoice_save.py).
        self.einvoice_button = QPushButton(_("Save as &e-invoice…"),
                                           objectName="saveInvoiceEinvoiceButton")
        self.pay_button = QPushButton(_("Record &payment…"),
                                      objectName="recordPaymentButton")
        self.print_button.clicked.connect(self.print_invoice)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.einvoice_button.clicked.connect(lambda: self.save_einvoice())
        self.pay_button.clicked.connect(self.record_payment)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        for button in (self.print_button, self.pdf_button, self.einvoice_button,
                       self.pay_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.sent_label)
        layout.addLayout(row)
        self.show_document(document)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if not self._fitted:  # the first time: its page's size, or what the screen has, so
            self._fitted = True  # Print, Save and Close stay on a 1600×1000 screen at 200 %
            fit_to_screen(self, QSize(820, 700))
        super().showEvent(event)

    def show_document(self, document: InvoiceDocument) -> None:
        self.document = document
        self._text = invoice_document(document, self._formatter)
        self._text.setDocumentMargin(24)  # the paper's margin on screen
        self.browser.setDocument(self._text)
        standing, f = document.standing, self._formatter
        parts = [status_text(standing.status, gettext)]
        if standing.paid:
            parts.append(_("{paid} paid").format(paid=f.money(standing.paid)))
        if standing.outstanding:
            parts.append(_("{left} left to pay by {date}").format(
                left=f.money(standing.outstanding), date=f.date(standing.due_date)))
        for payment in standing.payments:
            parts.append(_("{amount} on {date}").format(amount=f.money(payment.amount),
                                                        date=f.date(payment.date))
                         + (f" ({method_text(payment.method)})" if payment.method else ""))
        self.status_label.setText(" · ".join(parts))
        self.show_sending()
        self.einvoice_button.setEnabled(einvoice_wanted(document))
        self.einvoice_button.setToolTip("" if einvoice_wanted(document) else _(
            "A deposit document is not a supply: it is never an e-invoice."))
        if self._tools is None:
            self.pay_button.setEnabled(False)
            self.pay_button.setToolTip(_("Payments cannot be recorded in this window."))
        elif document.invoice.type in CREDITING:
            self.pay_button.setEnabled(False)
            self.pay_button.setToolTip(_("Nothing is paid against this document: what it "
                                         "credits went to the member's credit balance."))
        elif standing.outstanding <= 0:
            self.pay_button.setEnabled(False)
            self.pay_button.setToolTip(_("This invoice is paid in full."))
        else:
            self.pay_button.setEnabled(True)
            self.pay_button.setToolTip("")

    def show_sending(self) -> None:
        """Rule 29: each message of this document, to whom and where it stands."""
        mail = None if self._tools is None else self._tools.mail
        text = ""
        if mail is not None and self.document.standing.invoice_id:
            try:
                text = sending_history(mail.entries(document_id=self.document.standing.invoice_id),
                                       self._formatter)
            except Exception as exc:
                text = user_message(exc)
        self.sent_label.setText(text)
        self.sent_label.setVisible(bool(text))

    def print_invoice(self) -> bool:
        """The platform's print dialog, then the same pages as the PDF."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(page_layout(self._formatter))
        printer.setDocName(self.document.invoice.number or "")
        dialog = QPrintDialog(printer, self)
        if run_modal(dialog) != QDialog.DialogCode.Accepted:
            return False
        paint([invoice_document(self.document, self._formatter)], printer)
        return True

    def save_pdf(self, path: str | None = None) -> Path | None:
        """The invoice as the registry's PDF, written as every export is (0600, never half a
        file); a number imported from elsewhere never names a path."""
        fmt = command("pdf").formats[0]
        if not path:
            # In the folder used last (else Documents), named by the invoice's number.
            path, _filter = QFileDialog.getSaveFileName(
                self, _("Save invoice as PDF"),
                str(start_folder(self) / invoice_file_name(fmt, self.document)),
                _(fmt.file_filter))
            if path:
                remember_folder(self, Path(path).parent)
        if not path:
            return None
        try:
            return save_invoice(fmt, self.document, Path(path), self._formatter)
        except Exception as exc:
            show_error(self, _("Save as PDF"), user_message(exc))
            return None

    def save_einvoice(self, fmt=None, path: str | None = None) -> Path | None:
        return save_einvoice(self, self.document, self._formatter, fmt, path)

    def record_payment(self) -> Any:
        if self._tools is None:
            return None
        today: date = self._tools.clock.today()
        dialog = payment_dialog(self._tools.payments, self.document.standing,
                                self.document.invoice.issue_date, self._formatter, today, self)
        if run_modal(dialog) != QDialog.DialogCode.Accepted:
            return None
        try:
            self.show_document(self._tools.documents.invoice(self.document.standing.invoice_id))
        except Exception as exc:
            show_error(self, _("Invoice"), user_message(exc))
        self.paymentRecorded.emit(self.document.standing.member_id)
        return dialog.recorded
