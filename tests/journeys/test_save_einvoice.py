"""Save as e-invoice… (rule 28), driven by keys and the mouse: the invoice view asks the format,
says in one sentence what the member lacks when the document cannot be one (nothing written),
and writes the Factur-X PDF with its XML where the operator chooses once the data is there."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from facturx import get_xml_from_pdf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QTableView, QWidget

from person import ModalSteps, bring_to_front, click, click_row, press, shortcut, type_text


def _open_an_invoice(qtbot, desk) -> tuple[str, object]:
    bring_to_front(qtbot, desk)
    shortcut("Ctrl+3", desk)
    table = desk.findChild(QTableView, "invoiceTable")
    qtbot.waitUntil(lambda: table.model().rowCount() > 0, timeout=5000)
    row = next(r for r in range(table.model().rowCount())
               if str(table.model().index(r, 0).data()).startswith("INV-"))
    number = table.model().index(row, 0).data()
    click_row(table, row, double=True)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None
                    and QApplication.activeModalWidget().objectName() == "invoiceView",
                    timeout=5000)
    return number, QApplication.activeModalWidget()


def _complete(database: str) -> None:
    with closing(sqlite3.connect(database)) as conn, conn:
        conn.execute("UPDATE settings SET site_name = 'Harbour Desk', vat_id = 'IE6388047V', "
                     "address_street = '12 Quay Street', address_postcode = 'H91 X2Y3', "
                     "address_city = 'Galway', address_country = 'IE', "
                     "exemption_reason = 'Letting of property, exempt'")
        conn.execute("UPDATE members SET address_street = 'Shop Street 1', "
                     "address_postcode = 'H91 A1B2', address_city = 'Galway', "
                     "address_country = 'IE'")


def test_a_document_without_the_members_address_is_refused_in_one_sentence(qtbot, desk,
                                                                            tmp_path):
    number, view = _open_an_invoice(qtbot, desk)
    said = []

    def choose_ubl(dialog):
        press(Qt.Key.Key_Down)
        press(Qt.Key.Key_Down)
        press(Qt.Key.Key_Return)

    def read_and_close(box):
        said.append(box.text())
        press(Qt.Key.Key_Return)

    steps = ModalSteps(("QInputDialog", choose_ubl), ("QMessageBox", read_and_close))
    click(view.findChild(QPushButton, "saveInvoiceEinvoiceButton"))
    qtbot.waitUntil(lambda: steps.done, timeout=10000)
    assert steps.failure == ""
    assert said[0].startswith(f"{number} cannot be an e-invoice: the site has no name")
    assert "in their address" in said[0]
    assert list(tmp_path.glob("*.xml")) == []
    press(Qt.Key.Key_Escape, widget=view)


def test_the_invoice_is_saved_as_factur_x_where_chosen(qtbot, open_desk, database, tmp_path):
    _complete(database)
    desk = open_desk(database)
    number, view = _open_an_invoice(qtbot, desk)
    target = tmp_path / f"{number}.pdf"

    def factur_x(dialog):
        press(Qt.Key.Key_Return)  # the first format, Factur-X

    def save_there(dialog):
        assert Path(dialog.selectedFiles()[0]).name == f"{number}.pdf"
        press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        type_text(str(target))
        press(Qt.Key.Key_Return)

    steps = ModalSteps(("QInputDialog", factur_x), ("QFileDialog", save_there))
    click(view.findChild(QPushButton, "saveInvoiceEinvoiceButton"))
    qtbot.waitUntil(lambda: steps.done, timeout=15000)
    assert steps.failure == ""
    qtbot.waitUntil(target.is_file, timeout=5000)
    name, xml = get_xml_from_pdf(target.read_bytes(), check_xsd=False)
    assert name == "factur-x.xml" and f"<ram:ID>{number}</ram:ID>".encode() in xml
    press(Qt.Key.Key_Escape, widget=view)


def test_the_member_page_says_what_is_missing_and_takes_the_details(qtbot, open_desk,
                                                                     database):
    _complete(database)
    with closing(sqlite3.connect(database)) as conn, conn:
        conn.execute("UPDATE members SET address_postcode = NULL, address_city = NULL")
    desk = open_desk(database)
    bring_to_front(qtbot, desk)
    table = desk.findChild(QTableView, "memberTable")
    qtbot.waitUntil(lambda: table.model().rowCount() > 0, timeout=5000)
    click_row(table, 0)
    panel = desk.findChild(QWidget, "einvoicePanel")
    qtbot.waitUntil(lambda: panel.isVisible() and panel.status.text() != "", timeout=5000)
    assert panel.status.text() == "E-invoices: The member's address has no postcode, city."

    def fill(dialog):
        for name, text in (("postcode", "H91 A1B2"), ("city", "Galway"),
                           ("buyer_reference", "PO-7")):
            edit = dialog.findChild(QLineEdit, f"{name}Edit")
            click(edit)
            press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            type_text(text)
        press(Qt.Key.Key_Return)

    steps = ModalSteps(("einvoiceDetailsDialog", fill))
    click(panel.details_button)
    qtbot.waitUntil(lambda: steps.done, timeout=10000)
    assert steps.failure == ""
    qtbot.waitUntil(lambda: panel.status.text() == "E-invoices: ready.", timeout=5000)
    with closing(sqlite3.connect(database)) as conn:
        assert conn.execute("SELECT count(*) FROM members WHERE buyer_reference = 'PO-7'"
                            ).fetchone() == (1,)
