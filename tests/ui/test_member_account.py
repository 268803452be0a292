"""The member's account in the real window (issue 21; rules 15, 21, 22, 23), driven by keys and
clicks over the real services on a SQLite file: the member page shows every document with its
type and dates, payments and what they paid, the deposit required / held / requested and the
totals in words; *Record payment…* shows where the money goes before saving and takes the
operator's choice; a date that cannot be read keeps Record disabled (issue 26); *Refund
credit…* and *Return excess deposit…* say why they are not offered, or do what they say."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QPushButton, QWidget

from desktop.app import create_main_window
from desktop.services.clock import FixedClock
from desktop.services.sample import demo
from desktop.storage.database import open_database
from desktop.ui.invoices.member_payment import PAYS, MemberPaymentDialog
from modal_dialogs import modal

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
    window.resize(1366, 768)
    window.show()
    yield window
    window.scheduler.stop()
    window.database.dispose()


def show_member(qtbot, window, email: str):
    panel = window.members_panel
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(panel.search, email)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=3000)
    rect = panel.table.visualRect(panel.model.index(0, 0))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    page = window.member_page
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.email == email,
                    timeout=3000)
    return page


def member_where(window, test):
    """The first member (by name) whose account summary passes `test`."""
    for row in window.services.members.search():
        if test(window.services.accounts.summary(row.id)):
            return window.services.members.get(row.id)
    raise AssertionError("the sample has no such member")


def cells(model, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def click(qtbot, button: QPushButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_member_page_is_the_members_account(qtbot, window):
    member = member_where(window, lambda s: s.deposit_requested and not s.deposit_held)
    page = show_member(qtbot, window, member.email)
    f = window.formatter
    summary = window.services.accounts.summary(member.id)
    # Every document with its type, dates and what it lacks, newest first.
    model = page.invoice_model
    assert cells(model, model.column_of("number")) == [d.number for d in member.invoices]
    assert "Deposit request" in cells(model, model.column_of("type"))
    assert cells(model, model.column_of("due")) == [f.money(d.outstanding)
                                                    for d in member.invoices]
    assert cells(model, model.column_of("due_date")) == [f.date(d.due_date)
                                                         for d in member.invoices]
    # An unpaid deposit request is requested, never held (rule 15).
    assert page.deposit_card.value.text() == f.money(0)
    assert (f"requested {f.money(summary.deposit_requested)}, not paid yet"
            in page.deposit_card.detail.text())
    assert f"Required {f.money(summary.deposit_required)}" in page.deposit_card.detail.text()
    # Rule 23 in words, adding up on screen.
    t = summary.totals
    assert t.reconciles and t.outstanding > 0
    assert page.totals_label.text() == (
        f"Invoiced {f.money(t.invoiced)} − credited {f.money(t.credited)} = received "
        f"{f.money(t.received)} − refunded {f.money(t.refunded)} − credit "
        f"{f.money(t.credit_balance)} + outstanding {f.money(t.outstanding)}")
    assert page.outstanding_card.detail.text() == f"of which {f.money(summary.overdue)} overdue"
    # Nothing to refund, nothing to return: disabled, and the tooltip says why.
    assert not page.refund_button.isEnabled()
    assert page.refund_button.toolTip() == "There is no credit balance to refund."
    assert not page.return_button.isEnabled()
    assert page.return_button.toolTip() == (
        f"The deposit of {f.money(summary.deposit_requested)} does not exceed the "
        f"{f.money(summary.deposit_required)} this member's contracts require; there is "
        "nothing to return.")
    assert page.pay_button.isEnabled()


def open_member_payment(qtbot, page, act) -> list:
    done = modal("paymentDialog", act)
    click(qtbot, page.pay_button)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    return done


def type_amount(qtbot, dialog, text: str) -> None:
    edit = dialog.findChild(QLineEdit, "paymentAmountEdit")
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def editors(table) -> list[QLineEdit]:
    """The cell editor open now (one closed a moment ago may not be deleted yet)."""
    return [e for e in table.viewport().findChildren(QLineEdit) if e.isVisible()]


def type_in_pays(qtbot, dialog, row: int, text: str) -> None:
    """Double-click a document's Pays cell and type an amount into its editor."""
    table = dialog.table
    rect = table.visualRect(table.model().index(row, PAYS))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: bool(editors(table)), timeout=2000)
    (editor,) = editors(table)
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)  # commits the cell, not the dialog


def test_record_payment_says_where_the_money_goes_and_keeps_the_operators_choice(qtbot,
                                                                                window):
    member = member_where(window, lambda s: s.outstanding > 0)
    page = show_member(qtbot, window, member.email)
    f = window.formatter
    open_docs = sorted((d for d in member.invoices if d.outstanding),
                       key=lambda d: (d.due_date, d.issue_date, d.id))
    oldest, newest = open_docs[0], open_docs[-1]
    assert len(open_docs) >= 2
    owed = sum(d.outstanding for d in open_docs)
    seen = {}

    def overpay_then_choose(dialog):
        assert isinstance(dialog, MemberPaymentDialog)
        # Oldest first; what no document needs becomes credit, said before saving.
        type_amount(qtbot, dialog, f.money_plain(owed + 5000))
        seen["over"] = dialog.preview_label.text()
        # A smaller payment, part of it put against the newest document by hand.
        type_amount(qtbot, dialog, f.money_plain(oldest.outstanding))
        type_in_pays(qtbot, dialog, len(open_docs) - 1, f.money_plain(1000))
        seen["chosen"] = dialog.preview_label.text()
        seen["first cell"] = dialog.table.item(0, PAYS).text()
        qtbot.keyClicks(dialog.findChild(QLineEdit, "paymentReferenceEdit"), "SEPA-77")
        click(qtbot, dialog.ok_button)

    open_member_payment(qtbot, page, overpay_then_choose)
    assert seen["over"].endswith(f"{f.money(5000)} becomes credit balance.")
    assert seen["over"].startswith(f"Pays {oldest.number} {f.money(oldest.outstanding)}, ")
    assert seen["chosen"] == (f"Pays {newest.number} {f.money(1000)}, {oldest.number} "
                              f"{f.money(oldest.outstanding - 1000)}.")
    assert seen["first cell"] == f.money_plain(oldest.outstanding - 1000)
    # Written as shown: the typed amount against the newest document, the rest oldest first.
    payments = window.services.payments
    assert [(p.amount, p.reference) for p in payments.standing(newest.id).payments] == [
        (1000, "SEPA-77")]
    assert payments.standing(oldest.id).outstanding == 1000
    # The page shows it: the payment and the documents it paid, the new outstanding.
    qtbot.waitUntil(lambda: page.entry_model.rowCount() == 1, timeout=3000)
    assert page.entry_model.index(0, 5).data() == (
        f"{newest.number} {f.money(1000)}, {oldest.number} "
        f"{f.money(oldest.outstanding - 1000)}")
    assert page.outstanding_card.value.text() == f.money(owed - oldest.outstanding)
    assert window.statusBar().currentMessage() == "Payment recorded."


def test_a_date_that_cannot_be_read_keeps_record_disabled_and_nothing_is_written(qtbot,
                                                                                window):
    """Issue 26: "31 Feb 2027" was marked without a word, Record stayed enabled and the
    payment was saved dated today. Its sentence sits under the field, over nothing else."""
    member = member_where(window, lambda s: s.outstanding > 0)
    page = show_member(qtbot, window, member.email)
    seen = {}

    def mistype(dialog):
        type_amount(qtbot, dialog, "12,x")
        when = dialog.findChild(QLineEdit, "paymentDateEdit")
        when.selectAll()
        qtbot.keyClicks(when, "31 Feb 2027")
        seen["date"] = dialog.problems.message("date")
        seen["ok"] = dialog.ok_button.isEnabled()
        qtbot.keyClick(when, Qt.Key.Key_Return)  # refused: the dialog stays, text kept
        seen["open"] = dialog.isVisible()
        seen["text"] = when.text()
        qtbot.waitUntil(lambda: all(
            e.isVisible() for e in (dialog.findChild(QWidget, "dateError"),
                                    dialog.findChild(QWidget, "amountError"))),
                        timeout=2000)
        seen["overlaps"] = overlaps(dialog)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    open_member_payment(qtbot, page, mistype)
    assert seen == {"date": "This is not a date. Type it like 1 Dec 2026.", "ok": False,
                    "open": True, "text": "31 Feb 2027", "overlaps": []}
    assert window.services.accounts.summary(member.id).totals.received == 0


def overlaps(dialog) -> list[str]:
    """Pairs of visible fields and sentences of the dialog drawn over each other."""
    from PySide6.QtCore import QRect

    names = ("paymentAmountEdit", "amountError", "paymentDateEdit", "dateError",
             "paymentMethodCombo", "paymentReferenceEdit", "allocationTable")
    shown = [(n, w) for n in names if (w := dialog.findChild(QWidget, n)) and w.isVisible()]
    rects = [(n, QRect(w.mapTo(dialog, w.rect().topLeft()), w.size())) for n, w in shown]
    return [f"{a} over {b}" for i, (a, ra) in enumerate(rects) for b, rb in rects[i + 1:]
            if ra.intersects(rb)]


def test_refund_credit_offsets_first_and_pays_out_only_what_is_left(qtbot, window):
    member = member_where(window, lambda s: s.outstanding > 0)
    page = show_member(qtbot, window, member.email)
    f = window.formatter
    owed = sum(d.outstanding for d in member.invoices)
    assert not page.refund_button.isEnabled()

    def overpay(dialog):
        type_amount(qtbot, dialog, f.money_plain(owed + 12000))
        click(qtbot, dialog.ok_button)

    open_member_payment(qtbot, page, overpay)
    qtbot.waitUntil(lambda: page.refund_button.isEnabled(), timeout=3000)
    assert page.credit_card.value.text() == f.money(12000)
    seen = {}

    def refund(dialog):
        seen["offered"] = dialog.amount_edit.text()
        type_amount(qtbot, dialog, f.money_plain(12001))
        seen["too much"] = (dialog.ok_button.isEnabled(), dialog.problems.message("amount"))
        type_amount(qtbot, dialog, f.money_plain(5000))
        click(qtbot, dialog.ok_button)

    done = modal("paymentDialog", refund)
    click(qtbot, page.refund_button)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert seen == {"offered": f.money_plain(12000), "too much": (False, (
        f"{f.money(12001)} is more than the credit balance of {f.money(12000)}; refund at "
        f"most {f.money(12000)}."))}
    qtbot.waitUntil(lambda: page.credit_card.value.text() == f.money(7000), timeout=3000)
    summary = window.services.accounts.summary(member.id)
    assert (summary.totals.refunded, summary.credit_balance) == (5000, 7000)
    assert "refunded " + f.money(5000) in page.totals_label.text()
    assert page.entry_model.index(0, 1).data() == "Refund"


def test_refund_is_not_offered_while_the_credit_goes_to_open_documents(qtbot, window):
    """Rule 22: a balance the member's open documents take is not refundable; the button
    says so instead of paying out what the member owes."""
    from desktop.storage import models as m

    member = member_where(window, lambda s: s.outstanding > 12000)
    with window.database.write() as session:
        session.get(m.MemberRow, member.id).credit_balance = 12000
    page = show_member(qtbot, window, member.email)
    f = window.formatter
    assert not page.refund_button.isEnabled()
    assert page.refund_button.toolTip() == (
        f"The credit balance of {f.money(12000)} goes to the member's open documents "
        f"({f.money(member.outstanding)}) first; nothing is left to refund.")


def test_return_excess_deposit_confirms_and_credits_it_on_a_deposit_return(qtbot, window):
    member = member_where(window, lambda s: s.deposit_excess > 0)
    page = show_member(qtbot, window, member.email)
    f = window.formatter
    before = window.services.accounts.summary(member.id)
    excess = before.deposit_excess
    assert page.return_button.isEnabled()
    seen = {}

    def confirm(box):
        seen["text"] = box.text()
        click(qtbot, box.findChild(QPushButton, "returnDepositConfirm"))

    done = modal("returnDepositBox", confirm)
    click(qtbot, page.return_button)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert seen["text"] == (f"Return {f.money(excess)} of the deposit to {member.name}'s "
                            "credit balance?")
    after = window.services.accounts.summary(member.id)
    assert after.deposit_excess == 0 and after.totals.reconciles
    # The return credits the member and pays their open documents at once (rule 22).
    assert after.outstanding == before.outstanding - excess and after.credit_balance == 0
    model = page.invoice_model
    qtbot.waitUntil(lambda: "Deposit return" in cells(model, model.column_of("type")),
                    timeout=3000)
    row = cells(model, model.column_of("type")).index("Deposit return")
    assert model.index(row, model.column_of("status")).data() == "Credited"
    assert model.index(row, model.column_of("total")).data() == f.money(-excess)
    assert page.outstanding_card.value.text() == f.money(after.outstanding)
    assert not page.return_button.isEnabled()
    assert f"credited {f.money(excess)}" in page.totals_label.text()
    # The credit the return made is shown put against the documents it paid, "from credit".
    entries = page.entry_model
    assert entries.index(0, 1).data() == "From credit"
    assert entries.index(0, 2).data() == f.money(excess)
    paid = window.services.members.get(member.id).payments[0].paid
    assert entries.index(0, 5).data() == ", ".join(f"{d.number} {f.money(d.amount)}"
                                                   for d in paid)


def test_a_cancelled_return_writes_nothing(qtbot, window):
    member = member_where(window, lambda s: s.deposit_excess > 0)
    page = show_member(qtbot, window, member.email)
    done = modal("returnDepositBox", lambda box: qtbot.keyClick(box, Qt.Key.Key_Escape))
    click(qtbot, page.return_button)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert window.services.accounts.summary(member.id).deposit_excess > 0
    assert QMessageBox not in {type(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
