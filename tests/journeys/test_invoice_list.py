"""The Invoices tab after a payment (a partial payment left the row unchanged and out of
"Partly paid"; "Unpaid" hid the overdue invoices)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QPushButton, QTableView

from person import (
    bring_to_front,
    click,
    click_row,
    pick_in_combo,
    press,
    shortcut,
    type_text,
    when_modal,
)


def rows(table: QTableView, column: int) -> list[str]:
    model = table.model()
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_a_partial_payment_shows_in_the_list_and_under_partly_paid(qtbot, desk):
    money = desk.formatter.money
    invoices = desk.services.invoices
    owed = [i for i in invoices.recent(limit=500, status="unpaid") if i.paid == 0]
    assert owed, "the sample data has an invoice with nothing paid"
    late = invoices.recent(limit=500, status="overdue")
    # "Unpaid" is everything still owed: the overdue invoices are among them.
    unpaid_numbers = {i.number for i in invoices.recent(limit=500, status="unpaid")}
    assert {i.number for i in late} <= unpaid_numbers

    bring_to_front(qtbot, desk)
    shortcut("Ctrl+3", desk)
    table = desk.findChild(QTableView, "invoiceTable")
    status_filter = desk.findChild(QComboBox, "invoiceStatusFilter")
    pick_in_combo(qtbot, status_filter, "Unpaid")
    target = owed[0]
    qtbot.waitUntil(lambda: target.number in rows(table, 0), timeout=5000)
    row = rows(table, 0).index(target.number)
    outstanding_column = table.model().column_of("due")  # "Outstanding"
    assert table.model().index(row, outstanding_column).data() == money(
        target.amount_due - target.paid)

    def pay(dialog):
        amount = dialog.findChild(type(dialog.amount_edit), "paymentAmountEdit")
        amount.setFocus()
        press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier, widget=amount)
        type_text(desk.formatter.money_plain(100), amount)   # 1.00 of it
        press(Qt.Key.Key_Return, widget=amount)

    def in_the_view(view):
        when_modal(pay, name="paymentDialog")
        click(view.findChild(QPushButton, "recordPaymentButton"))
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is view, timeout=3000)
        press(Qt.Key.Key_Escape, widget=view)

    seen = when_modal(in_the_view, name="invoiceView")
    click_row(table, row, double=True)
    qtbot.waitUntil(lambda: bool(seen) and QApplication.activeModalWidget() is None,
                    timeout=5000)
    qtbot.waitUntil(lambda: target.number in rows(table, 0) and table.model().index(
        rows(table, 0).index(target.number), outstanding_column).data()
        == money(target.amount_due - 100), timeout=5000)
    pick_in_combo(qtbot, status_filter, "Partly paid")
    qtbot.waitUntil(lambda: target.number in rows(table, 0), timeout=5000)
