"""Invoices leave the desk, payments come back (issue 11), in the real window: the invoice view
shows the document and records a payment once, an over-payment is marked and cannot be saved,
the Invoices tab filters by status with its totals, Preferences refuse a bad IBAN, and
File → Export → CSV writes a spreadsheet."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

from desktop.app import create_main_window
from desktop.formats.registry import command
from desktop.services.clock import FixedClock
from desktop.services.sample import demo
from desktop.storage.database import open_database
from desktop.ui.invoices.invoice_view import InvoiceView
from desktop.ui.invoices.payment_dialog import PaymentDialog

TODAY = date(2026, 11, 22)


@pytest.fixture
def window(qtbot, tmp_path):
    path = tmp_path / "frontdesk.sqlite3"
    db = open_database(str(path), now=FixedClock(TODAY).now())
    demo.load_demo(db, TODAY, members=12, seed=5)
    db.dispose()
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = create_main_window(str(path), TODAY, settings=settings)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.scheduler.stop()
    window.database.dispose()


def _invoices_tab(qtbot, window):
    page = window.invoices_page
    with qtbot.waitSignal(page.loaded, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    return page


def _open_first_unpaid(qtbot, window) -> InvoiceView:
    page = _invoices_tab(qtbot, window)
    combo = page.status_filter
    with qtbot.waitSignal(page.loaded, timeout=5000):
        combo.setFocus()
        qtbot.keyClick(combo, Qt.Key.Key_Down)  # Any status -> Unpaid
    assert combo.currentData() == "unpaid" and page.model.rowCount() > 0
    table = page.table
    rect = table.visualRect(page.model.index(0, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    view = page.findChild(InvoiceView, "invoiceView")
    assert view is not None
    qtbot.waitUntil(view.isVisible, timeout=3000)
    return view


def _in_payment_dialog(qtbot, act):
    """Run `act(dialog)` on the payment dialog once it is shown (it runs its own loop)."""
    done = []

    def poke():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PaymentDialog):
            QTimer.singleShot(20, poke)
            return
        act(dialog)
        done.append(dialog)

    QTimer.singleShot(0, poke)
    return done


def test_a_payment_pressed_twice_is_recorded_once_and_the_document_follows(qtbot, window):
    view = _open_first_unpaid(qtbot, window)
    number = view.document.invoice.number
    due = view.document.standing.outstanding
    assert number in view.browser.toPlainText() and "Unpaid" in view.status_label.text()
    formatter = window.formatter

    def pay_part(dialog):
        amount = dialog.findChild(QLineEdit, "paymentAmountEdit")
        amount.selectAll()
        qtbot.keyClicks(amount, formatter.money_plain(1000))
        qtbot.keyClicks(dialog.findChild(QLineEdit, "paymentReferenceEdit"), "BANK-42")
        qtbot.keyClick(amount, Qt.Key.Key_Return)
        qtbot.keyClick(amount, Qt.Key.Key_Return)  # a second press while it closes

    done = _in_payment_dialog(qtbot, pay_part)
    with qtbot.waitSignal(view.paymentRecorded, timeout=5000):
        qtbot.mouseClick(view.findChild(QPushButton, "recordPaymentButton"),
                         Qt.MouseButton.LeftButton)
    assert done
    standing = window.services.payments.standing(number)
    assert [(p.amount, p.reference) for p in standing.payments] == [(1000, "BANK-42")]
    assert standing.outstanding == due - 1000
    text = " ".join(view.browser.toPlainText().split())
    assert f"Left to pay {' '.join(formatter.money(due - 1000).split())}" in text
    assert view.status_label.text().startswith(("Partly paid", "Overdue"))
    assert window.statusBar().currentMessage() == "Payment recorded."
    view.close()


def test_more_than_the_invoice_lacks_is_recorded_and_said_where_it_goes(qtbot, window):
    """Rule 21: an over-payment is kept, not refused: it pays the document, then the member's
    other open documents oldest first, then becomes credit, as the dialog says before
    saving."""
    view = _open_first_unpaid(qtbot, window)
    number = view.document.invoice.number
    member_id = view.document.standing.member_id
    left = view.document.standing.outstanding
    formatter = window.formatter
    owed = window.services.payments.outstanding(member_id)
    seen = {}

    def overpay(dialog):
        amount = dialog.findChild(QLineEdit, "paymentAmountEdit")
        amount.selectAll()
        qtbot.keyClicks(amount, formatter.money_plain(owed + 2500))
        seen["ok"] = dialog.ok_button.isEnabled()
        seen["preview"] = dialog.preview_label.text()
        qtbot.keyClick(amount, Qt.Key.Key_Return)

    done = _in_payment_dialog(qtbot, overpay)
    with qtbot.waitSignal(view.paymentRecorded, timeout=5000):
        qtbot.mouseClick(view.findChild(QPushButton, "recordPaymentButton"),
                         Qt.MouseButton.LeftButton)
    assert done and seen["ok"]
    assert seen["preview"].startswith(f"Pays {number} {formatter.money(left)}")
    assert seen["preview"].endswith(f"{formatter.money(2500)} becomes credit balance.")
    assert window.services.payments.standing(number).outstanding == 0
    summary = window.services.accounts.summary(member_id)
    assert (summary.outstanding, summary.credit_balance) == (0, 2500)
    view.close()


def test_the_type_and_status_filters_and_totals_of_the_invoices_tab(qtbot, window):
    page = _invoices_tab(qtbot, window)
    f = window.formatter
    everything = window.services.invoices.totals()
    assert everything.reconciles
    assert page.totals_label.text() == (
        f"{everything.count} documents · invoiced {f.money(everything.issued)} · paid "
        f"{f.money(everything.paid)} · outstanding {f.money(everything.outstanding)} "
        f"({f.money(everything.issued)} − {f.money(everything.paid)} = "
        f"{f.money(everything.outstanding)}) · credited {f.money(everything.credited)} · "
        f"overdue {f.money(everything.overdue)}")
    status = page.model.column_of("status")
    page.status_filter.setFocus()
    with qtbot.waitSignal(page.loaded, timeout=5000):
        qtbot.keyClick(page.status_filter, Qt.Key.Key_End)  # Sending failed (rule 29)
        for _above in range(3):  # Not sent yet, Credited, Overdue
            qtbot.keyClick(page.status_filter, Qt.Key.Key_Up)
    overdue = window.services.invoices.totals(status="overdue")
    assert page.model.rowCount() == min(overdue.count, 200)
    assert {page.model.index(r, status).data() for r in range(page.model.rowCount())} <= {
        "Overdue", "Overdue, partly paid"}
    assert page.totals_label.text().startswith(f"{overdue.count} documents")
    # Deposit requests alone, of every status: the type filter, by keyboard (Alt+Y).
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.status_filter.setCurrentIndex(0)
    qtbot.keyClick(page, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)
    assert page.type_filter.hasFocus()
    with qtbot.waitSignal(page.loaded, timeout=5000):
        qtbot.keyClick(page.type_filter, Qt.Key.Key_End)  # Deposit returns
        qtbot.keyClick(page.type_filter, Qt.Key.Key_Up)   # Deposit requests
    assert page.type_filter.currentData() == "deposit_request"
    requests = window.services.invoices.totals(kind="deposit_request")
    assert requests.count > 0 and page.model.rowCount() == min(requests.count, 200)
    kind = page.model.column_of("type")
    assert {page.model.index(r, kind).data() for r in range(page.model.rowCount())} == {
        "Deposit request"}
    assert page.totals_label.text().startswith(f"{requests.count} document")
    button = page.findChild(QPushButton, "invoiceBatchPdfButton")
    assert button.isVisible() and button.isEnabled()


def test_preferences_mark_a_bad_iban_and_keep_save_disabled(qtbot, window):
    seen = {}

    def type_iban():
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "preferencesDialog":
            QTimer.singleShot(20, type_iban)
            return
        tabs = dialog.tabs
        qtbot.mouseClick(tabs.tabBar(), Qt.MouseButton.LeftButton,
                         pos=tabs.tabBar().tabRect(1).center())
        iban = dialog.findChild(QLineEdit, "ibanEdit")
        # The sample site has an account of its own: a person selects it and types over it.
        qtbot.keyClick(iban, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(iban, "DE89 3704 0044 0532 0130 01")
        seen["message"] = dialog.problems.message("iban")
        seen["save"] = dialog.ok_button.isEnabled()
        iban.clear()
        qtbot.keyClicks(iban, "DE89 3704 0044 0532 0130 00")
        seen["fixed"] = dialog.ok_button.isEnabled()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    before = window.services.settings.get().iban
    QTimer.singleShot(0, type_iban)
    window.findChild(QAction, "preferencesAction").trigger()
    assert seen == {"message": '"DE89 3704 0044 0532 0130 01" is not a valid IBAN; check the '
                               'country code and the digits.', "save": False, "fixed": True}
    assert window.services.settings.get().iban == before  # Escape saved nothing


def test_file_export_csv_writes_the_members(qtbot, window, tmp_path):
    action = window.findChild(QAction, "exportCsvAction")
    assert action.isEnabled() and action.text() == "&CSV…"
    target = tmp_path / "members.csv"
    assert window.export(command("csv"), "members", str(target)) == target
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == window.services.members.count()
    assert "written to" in window.statusBar().currentMessage()
    assert not (tmp_path / "members.csv.partial").exists()


def _modal(qtbot, name: str, act) -> list:
    """Run `act(dialog)` on the modal dialog called `name` once it is shown."""
    done = []

    def poke():
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != name:
            QTimer.singleShot(20, poke)
            return
        act(dialog)
        done.append(dialog)

    QTimer.singleShot(0, poke)
    return done


def test_the_member_list_shows_and_filters_what_is_outstanding(qtbot, window):
    panel = window.members_panel
    model = panel.model
    assert model.headerData(5, Qt.Orientation.Horizontal) == "Outstanding"
    panel.status_filter.setFocus()
    qtbot.keyClick(panel.status_filter, Qt.Key.Key_End)  # Archived, the last
    qtbot.keyClick(panel.status_filter, Qt.Key.Key_Up)   # With outstanding
    assert panel.status_filter.currentData() == "outstanding"
    owing = window.services.members.search(status="outstanding")
    qtbot.waitUntil(lambda: model.rowCount() == len(owing), timeout=3000)
    for row in range(model.rowCount()):
        assert model.index(row, 5).data() == window.formatter.money(owing[row].outstanding)
        assert owing[row].outstanding > 0


def test_the_member_dialog_saves_a_billing_address_and_vat_id(qtbot, window):
    def fill(dialog):
        qtbot.keyClicks(dialog.name_edit, "Grace Hopper")
        qtbot.keyClicks(dialog.email_edit, "grace@navy.example")
        qtbot.keyClicks(dialog.address_edit, "1 Harbour Road")
        qtbot.keyClick(dialog.address_edit, Qt.Key.Key_Return)
        qtbot.keyClicks(dialog.address_edit, "Arlington VA")
        qtbot.keyClicks(dialog.vat_edit, "US-123")  # not a VAT id (rule 17): Save waits
        assert not dialog.ok_button.isEnabled()
        dialog.vat_edit.clear()
        qtbot.keyClicks(dialog.vat_edit, "DE 136 695 976")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    done = _modal(qtbot, "memberDialog", fill)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    members = window.services.members
    (grace,) = [r for r in members.search("grace@navy.example")]
    detail = members.get(grace.id)
    assert (detail.billing_address, detail.vat_id) == ("1 Harbour Road\nArlington VA",
                                                       "DE136695976")


def test_preferences_save_the_sites_identity(qtbot, window):
    def fill(dialog):
        tabs = dialog.tabs
        qtbot.mouseClick(tabs.tabBar(), Qt.MouseButton.LeftButton,
                         pos=tabs.tabBar().tabRect(1).center())
        qtbot.keyClicks(dialog.site_name_edit, "Harbour Desk")
        # typed over the sample site's own account
        qtbot.keyClick(dialog.iban_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(dialog.iban_edit, "de89370400440532013000")
        dialog.prefix_edit.selectAll()
        qtbot.keyClicks(dialog.prefix_edit, "HD-")
        dialog.terms_spin.selectAll()
        qtbot.keyClicks(dialog.terms_spin, "30")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    done = _modal(qtbot, "preferencesDialog", fill)
    window.findChild(QAction, "preferencesAction").trigger()
    assert done
    saved = window.services.settings.get()
    assert (saved.site_name, saved.iban, saved.invoice_prefix, saved.payment_terms) == (
        "Harbour Desk", "DE89 3704 0044 0532 0130 00", "HD-", 30)


def test_save_as_pdf_writes_the_document_the_view_shows(qtbot, window, tmp_path):
    from pypdf import PdfReader
    from PySide6.QtWidgets import QFileDialog

    view = _open_first_unpaid(qtbot, window)
    target = tmp_path / "saved.pdf"

    def choose(dialog):
        from PySide6.QtWidgets import QDialogButtonBox

        name = dialog.findChild(QLineEdit, "fileNameEdit")
        assert name.text() == f"{view.document.invoice.number}.pdf"  # named by its number
        # Typed key by key, Qt's own completer pops up over the dialog and takes the click.
        name.setText(str(target))
        save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)

    def poke():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, poke)
            return
        try:
            choose(dialog)
        finally:
            if dialog.isVisible():  # a failed step must not leave the test waiting
                dialog.reject()

    QTimer.singleShot(0, poke)
    qtbot.mouseClick(view.findChild(QPushButton, "saveInvoicePdfButton"),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists, timeout=5000)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(target).pages)
    shown = " ".join(view.browser.toPlainText().split())
    invoice = view.document.invoice
    for passage in [invoice.number, f"Amount due {window.formatter.money(invoice.amount_due)}"] + [
            line.description for line in invoice.lines]:
        assert passage in text and passage in shown
    view.close()


def test_pdfs_of_a_day_writes_one_file_per_invoice_issued_that_day(qtbot, window, tmp_path):
    from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMessageBox

    from desktop.ui.common.date_field import DateField

    page = _invoices_tab(qtbot, window)
    day = page.model.row_at(0).issue_date
    assert (day.year, day.month) == (TODAY.year, TODAY.month)  # reachable in the day section
    expected = sorted(f"{d.invoice.number}.pdf"
                      for d in window.services.documents.issued_on(day))
    folder = tmp_path / "day"
    folder.mkdir()
    seen = []

    def step():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, step)
            return
        if dialog.objectName() == "pdfDayDialog":
            edit = dialog.findChild(DateField, "pdfDayEdit")
            edit.setFocus()
            qtbot.keyClick(edit, Qt.Key.Key_Home)  # the day: Down steps back a day a key
            for _step in range((TODAY - day).days):  # the day section steps back a day a key
                qtbot.keyClick(edit, Qt.Key.Key_Down)
            seen.append(edit.date().toPython())
            qtbot.mouseClick(dialog.findChild(QPushButton, "pdfDayAccept"),
                             Qt.MouseButton.LeftButton)
        elif isinstance(dialog, QFileDialog):
            dialog.findChild(QLineEdit, "fileNameEdit").setText(str(folder))
            buttons = dialog.findChild(QDialogButtonBox)
            qtbot.mouseClick(buttons.buttons()[0], Qt.MouseButton.LeftButton)
        elif isinstance(dialog, QMessageBox):
            seen.append(dialog.text())
            qtbot.keyClick(dialog, Qt.Key.Key_Return)
            return
        QTimer.singleShot(20, step)

    QTimer.singleShot(0, step)
    qtbot.mouseClick(page.findChild(QPushButton, "invoiceBatchPdfButton"),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10000)
    said = (f"1 invoice PDF issued on {window.formatter.date(day)} was" if len(expected) == 1
            else f"{len(expected)} invoice PDFs issued on {window.formatter.date(day)} were")
    assert seen == [day, f"{said} written to {folder}."]
    assert sorted(p.name for p in folder.iterdir()) == expected


def test_a_logo_is_chosen_in_preferences_and_kept_as_png(qtbot, window, tmp_path):
    from PySide6.QtGui import QColor, QImage
    from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

    picture = QImage(600, 300, QImage.Format.Format_RGB32)
    picture.fill(QColor("#4e9a06"))
    source = tmp_path / "logo.jpg"
    assert picture.save(str(source), "JPG")
    seen = {}

    def step():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QFileDialog):
            dialog.findChild(QLineEdit, "fileNameEdit").setText(str(source))
            open_button = dialog.findChild(QDialogButtonBox).buttons()[0]
            qtbot.mouseClick(open_button, Qt.MouseButton.LeftButton)
        elif dialog is not None and dialog.objectName() == "preferencesDialog":
            if "preview" not in seen:
                dialog.tabs.setCurrentIndex(1)
                seen["preview"] = None
                QTimer.singleShot(0, lambda: qtbot.mouseClick(
                    dialog.findChild(QPushButton, "chooseLogoButton"), Qt.MouseButton.LeftButton))
            elif seen["preview"] is None and dialog.logo:
                seen["preview"] = not dialog.logo_preview.pixmap().isNull()
                qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
                return
        QTimer.singleShot(20, step)

    QTimer.singleShot(0, step)
    window.findChild(QAction, "preferencesAction").trigger()
    assert seen == {"preview": True}
    logo = window.services.settings.get().logo
    assert logo.startswith(b"\x89PNG")
    kept = QImage.fromData(logo)
    assert (kept.width(), kept.height()) == (480, 240)  # scaled to 240 px high, ratio kept


def test_a_method_chosen_in_german_is_stored_as_the_method_and_read_in_each_language(qtbot):
    """Issue 10: "Überweisung" picked at a German desk is stored as the method itself, so an
    English desk reads "Bank transfer"; a method typed by hand is kept as typed."""
    from datetime import date

    from desktop.i18n import Formatter, install
    from desktop.ui.invoices.payment_dialog import method_text

    recorded = []
    install("de")
    try:
        dialog = PaymentDialog("Zahlung", "", "Erfassen", Formatter("de_DE", "EUR", "de"), 1000,
                               date(2026, 12, 6), lambda amount, day: None,
                               lambda amount, **values: recorded.append(values) or values)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.method_combo.currentText() == "Überweisung"
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        assert recorded and recorded[0]["method"] == "Bank transfer"
        assert method_text("Bank transfer") == "Überweisung"
        assert method_text("Barzahlung am Empfang") == "Barzahlung am Empfang"
    finally:
        install("en_IE")
    assert method_text("Bank transfer") == "Bank transfer"
