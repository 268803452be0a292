"""The payment dialogs over in-memory payments (rules 21, 22; issue 26): where the money goes is
said before saving, the operator's amounts against documents are kept or refused in words, a
date that cannot be read keeps Record and Refund disabled, and a sentence under a field is
never drawn over the field above it."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

import ui_fakes as fakes
from desktop.services.members import InvoiceRow
from desktop.services.payments import InvoiceStanding
from desktop.ui.invoices.member_payment import PAYS, MemberPaymentDialog
from desktop.ui.invoices.payment_dialog import payment_dialog, refund_dialog
from desktop.ui.members.member_page import MemberPage

TODAY = fakes.TODAY


def shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def type_into(qtbot, edit: QLineEdit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def drawn_over(dialog) -> list[str]:
    """Visible fields and sentences drawn over each other, and sentences cut short."""
    widgets = [w for w in dialog.findChildren(QWidget)
               if w.isVisible() and (w.objectName().endswith("Error")
                                     or w.objectName().startswith("payment"))
               and w.objectName() != "paymentDialog" and w.parent() is not None
               and not isinstance(w.parent(), QLineEdit)]
    rects = [(w.objectName(), QRect(w.mapTo(dialog, w.rect().topLeft()), w.size()))
             for w in widgets]
    found = [f"{a} over {b}" for i, (a, ra) in enumerate(rects) for b, rb in rects[i + 1:]
             if ra.intersects(rb)]
    found += [f"{w.objectName()} cut" for w in widgets
              if isinstance(w, QLabel) and w.heightForWidth(w.width()) > w.height()]
    return found


def test_a_wrapped_refusal_is_never_drawn_over_the_amount(qtbot, formatter):
    """Issue 26: the sentence under the amount, wrapped onto two lines, got the height of
    one and was drawn over the field at 100 %."""
    payments = fakes.FakePayments()
    dialog = shown(qtbot, refund_dialog(payments, 1, 12000, 12000, formatter, TODAY))
    type_into(qtbot, dialog.amount_edit, formatter.money_plain(1200001))
    message = dialog.problems.message("amount")
    assert message == (f"{formatter.money(1200001)} is more than the credit balance of "
                       f"{formatter.money(12000)}; refund at most {formatter.money(12000)}.")
    error = dialog.findChild(QLabel, "amountError")
    qtbot.waitUntil(lambda: error.isVisible() and error.heightForWidth(error.width()) > 20,
                    timeout=2000)  # two lines at the dialog's width
    qtbot.waitUntil(lambda: drawn_over(dialog) == [], timeout=2000)
    assert not dialog.ok_button.isEnabled()


@pytest.mark.parametrize("which", ["refund", "invoice"])
def test_a_date_that_cannot_be_read_is_said_and_nothing_is_recorded(qtbot, formatter, which):
    """Issue 26: "31 Feb 2027" was saved as today's payment or refund."""
    payments = fakes.FakePayments()
    standing = InvoiceStanding(6, "2026-0006", 1, 43800, 0, 43800, date(2026, 3, 15), "unpaid",
                               (), total=43800)
    dialog = shown(qtbot, refund_dialog(payments, 1, 12000, 12000, formatter, TODAY)
                   if which == "refund" else
                   payment_dialog(payments, standing, date(2026, 3, 1), formatter, TODAY))
    when = dialog.findChild(QLineEdit, "paymentDateEdit")
    type_into(qtbot, when, "31 Feb 2027")
    assert dialog.problems.message("date") == "This is not a date. Type it like 1 Dec 2026."
    assert dialog.findChild(QLabel, "dateError").text() == dialog.problems.message("date")
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.amount_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and when.text() == "31 Feb 2027"
    assert payments.recorded == []
    type_into(qtbot, when, "20 Mar 2026")
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert payments.recorded and payments.recorded[0]["day"] == date(2026, 3, 20)


def test_paying_more_than_the_invoice_lacks_says_where_the_rest_goes(qtbot, formatter):
    """Rule 21: a document's Record payment takes more than it lacks; the rest pays the other
    documents, oldest first, then becomes credit, as the dialog says before saving."""
    payments = fakes.FakePayments()
    standing = InvoiceStanding(7, "2026-0007", 1, 43800, 0, 43800, date(2026, 3, 15), "unpaid",
                               (), total=43800)
    dialog = shown(qtbot, payment_dialog(payments, standing, date(2026, 3, 1), formatter,
                                         TODAY))
    f = formatter
    assert dialog.preview_label.text() == f"Pays 2026-0007 {f.money(43800)}."
    type_into(qtbot, dialog.amount_edit, f.money_plain(100000))
    assert dialog.ok_button.isEnabled()
    assert dialog.preview_label.text() == (f"Pays 2026-0007 {f.money(43800)}, 2026-0006 "
                                           f"{f.money(43800)}. {f.money(12400)} becomes credit "
                                           "balance.")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert payments.recorded[0]["allocations"] == [(7, 43800)]
    assert dialog.recorded.to_credit == 12400


def documents():
    return [InvoiceRow(7, "2026-0007", date(2026, 3, 1), 43800, 43800, "unpaid", 0, "invoice",
                       date(2026, 3, 1), date(2026, 3, 15), 43800),
            InvoiceRow(6, "2026-0006", date(2026, 2, 1), 43800, 43800, "overdue", 0, "invoice",
                       date(2026, 2, 1), date(2026, 2, 15), 43800),
            InvoiceRow(5, "CN-0001", date(2026, 2, 10), -5000, 0, "credited", 0, "credit_note",
                       date(2026, 2, 10), date(2026, 2, 24), 0)]


def editors(table) -> list[QLineEdit]:
    """The cell editor open now (one closed a moment ago may not be deleted yet)."""
    return [e for e in table.viewport().findChildren(QLineEdit) if e.isVisible()]


def type_in_pays(qtbot, dialog, row: int, text: str) -> None:
    table = dialog.table
    rect = table.visualRect(table.model().index(row, PAYS))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: bool(editors(table)), timeout=2000)
    (editor,) = editors(table)
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)


def test_the_member_dialog_lists_open_documents_oldest_first_and_refuses_too_much(qtbot,
                                                                                formatter):
    payments = fakes.FakePayments()
    dialog = shown(qtbot, MemberPaymentDialog(payments, 1, documents(), formatter, TODAY,
                                              member_name="Ada Lovelace"))
    f = formatter
    table = dialog.table
    # Credit notes lack nothing: only the open documents, oldest first.
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == ["2026-0006",
                                                                           "2026-0007"]
    assert dialog.amount_edit.text() == f.money_plain(87600)  # what they lack together
    type_into(qtbot, dialog.amount_edit, f.money_plain(50000))
    assert [table.item(r, PAYS).text() for r in range(2)] == [f.money_plain(43800),
                                                              f.money_plain(6200)]
    type_in_pays(qtbot, dialog, 1, f.money_plain(50000))
    assert dialog.problems.message("allocations") == "50000 is more than 2026-0007 still lacks."
    assert dialog.findChild(QLabel, "allocationsError").isVisible()
    assert not dialog.ok_button.isEnabled()
    type_in_pays(qtbot, dialog, 1, f.money_plain(40000))
    assert dialog.problems.message("allocations") == ""
    assert table.item(0, PAYS).text() == f.money_plain(10000)  # the rest, oldest first
    assert table.item(1, PAYS).font().bold() and not table.item(0, PAYS).font().bold()
    assert dialog.preview_label.text() == (f"Pays 2026-0007 {f.money(40000)}, 2026-0006 "
                                           f"{f.money(10000)}.")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert payments.recorded[0]["allocations"] == [(7, 40000)]
    assert payments.recorded[0]["amount"] == 50000


def test_emptying_a_typed_amount_gives_the_document_back_to_the_oldest_first(qtbot,
                                                                             formatter):
    payments = fakes.FakePayments()
    dialog = shown(qtbot, MemberPaymentDialog(payments, 1, documents(), formatter, TODAY))
    type_into(qtbot, dialog.amount_edit, formatter.money_plain(50000))
    type_in_pays(qtbot, dialog, 1, formatter.money_plain(1000))
    assert dialog.allocations() == [(7, 1000)]
    type_in_pays(qtbot, dialog, 1, "")
    assert dialog.allocations() == []
    assert dialog.table.item(1, PAYS).text() == formatter.money_plain(6200)
    assert dialog.preview_label.text() == (f"Pays 2026-0006 {formatter.money(43800)}, "
                                           f"2026-0007 {formatter.money(6200)}.")


def test_the_member_page_says_why_a_deposit_cannot_be_returned_here(qtbot, ada_members,
                                                                    fake_invoices, formatter,
                                                                    clock):
    page = MemberPage(ada_members, fake_invoices, formatter, clock)
    qtbot.addWidget(page)
    page.show_member(1)
    assert not page.return_button.isEnabled()
    assert page.return_button.toolTip() == "Deposits cannot be returned in this window."
    assert not page.totals_label.isVisible()
    accounts = fakes.FakeAccounts(ada_members, required={1: 30000})
    page = MemberPage(ada_members, fake_invoices, formatter, clock, accounts=accounts)
    qtbot.addWidget(page)
    page.show_member(1)
    assert page.return_button.isEnabled()
    assert page.return_button.toolTip() == (
        f"Move the {formatter.money(20000)} of deposit beyond what the member's contracts "
        "require to the credit balance.")
    assert page.deposit_card.detail.text() == (
        f"Required {formatter.money(30000)}\n{formatter.money(20000)} more than required")


def test_a_preview_the_service_cannot_make_is_said_and_keeps_record_disabled(qtbot, formatter,
                                                                            monkeypatch):
    """The member gone at another desk while the dialog is open: the sentence, not a crash."""
    from desktop.services.errors import NotFound

    payments = fakes.FakePayments()
    dialog = shown(qtbot, MemberPaymentDialog(payments, 1, documents(), formatter, TODAY))

    def gone(*_args, **_kwargs):
        raise NotFound("This member no longer exists.")

    monkeypatch.setattr(payments, "allocation_preview", gone)
    type_into(qtbot, dialog.amount_edit, formatter.money_plain(500))
    assert dialog.problems.message("allocations") == "This member no longer exists."
    assert not dialog.ok_button.isEnabled()


def test_typing_in_the_table_puts_an_amount_against_the_oldest_document(qtbot, formatter):
    """Keyboard first: Alt+W reaches the table on the oldest document's amount; typing edits
    it, Enter keeps it."""
    payments = fakes.FakePayments()
    dialog = shown(qtbot, MemberPaymentDialog(payments, 1, documents(), formatter, TODAY))
    type_into(qtbot, dialog.amount_edit, formatter.money_plain(50000))
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_2)  # starts editing the current cell
    qtbot.waitUntil(lambda: bool(editors(dialog.table)), timeout=2000)
    (editor,) = editors(dialog.table)
    qtbot.keyClicks(editor, "00")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the cell keeps it (a queued commit)
    qtbot.waitUntil(lambda: dialog.allocations() == [(6, formatter.parse_money("200"))],
                    timeout=2000)
    assert dialog.isVisible() and payments.recorded == []  # Enter in a cell is not Record
    # The rest pays the oldest first: what 2026-0006 still lacks, then 2026-0007.
    assert dialog.table.item(1, PAYS).text() == formatter.money_plain(6200)
    assert dialog.preview_label.text() == (f"Pays 2026-0006 {formatter.money(43800)}, "
                                           f"2026-0007 {formatter.money(6200)}.")
