"""Working the desk by keyboard alone (docs/design.md#how-a-person-works-the-desk)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView

from person import bring_to_front, closed, focused, press, shortcut, type_text, when_modal

CTRL = Qt.KeyboardModifier.ControlModifier


def find_by_keyboard(qtbot, window, text: str) -> QTableView:
    """Ctrl+F, type, Down: the first match is selected in the member list."""
    shortcut("Ctrl+F", window)
    search = window.findChild(QLineEdit, "memberSearch")
    assert focused() is search
    type_text(text)
    table = window.findChild(QTableView, "memberTable")
    qtbot.waitUntil(lambda: table.model().rowCount() >= 1 and
                    text.lower() in table.model().index(0, 0).data().lower(), timeout=3000)
    press(Qt.Key.Key_Down)
    assert focused() is table
    assert table.currentIndex().row() == 0
    return table


def rename_by_keyboard(qtbot, window, name: str, new_name: str) -> None:
    """Find the member, Ctrl+E, type the new name over the old one, Enter: the dialog closes
    having saved it."""
    from person import replace_text

    bring_to_front(qtbot, window)
    find_by_keyboard(qtbot, window, name)

    def rename(dialog):
        replace_text(dialog.findChild(QLineEdit, "memberNameEdit"), new_name)
        press(Qt.Key.Key_Return, widget=dialog)

    shown = when_modal(rename)
    shortcut("Ctrl+E")
    qtbot.waitUntil(lambda: bool(shown) and not shown[0].isVisible(), timeout=5000)


def a_member_name(window) -> str:
    return window.services.members.search(status="members", limit=1)[0].name


def test_ctrl_e_edits_the_selected_member(qtbot, desk):
    name = a_member_name(desk)
    find_by_keyboard(qtbot, desk, name)

    def check_and_close(dialog):
        fields = [w.text() for w in dialog.findChildren(QLineEdit)]
        seen_name.append(name in fields)
        press(Qt.Key.Key_Escape, widget=dialog)

    seen_name: list[bool] = []
    shown = when_modal(check_and_close)
    shortcut("Ctrl+E")
    qtbot.waitUntil(lambda: bool(shown), timeout=3000)
    assert seen_name == [True], "the dialog did not open on the selected member"
    assert "no longer exists" not in shown[0].findChild(QLineEdit).text()


def test_enter_in_the_search_moves_into_the_list(qtbot, desk):
    name = a_member_name(desk)
    shortcut("Ctrl+F", desk)
    type_text(name)
    table = desk.findChild(QTableView, "memberTable")
    press(Qt.Key.Key_Return)
    assert focused() is table
    assert table.model().index(table.currentIndex().row(), 0).data() == name


def test_tab_leaves_the_member_table(qtbot, desk):
    find_by_keyboard(qtbot, desk, a_member_name(desk))
    table = focused()
    press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not table
    assert table.currentIndex().row() == 0  # Tab moved the focus, not the row


def plain_active_contract(window, offers_addons: bool = False):
    """(member name, contract) of an active monthly contract with nothing unusual about it."""
    from desktop.domain.contracts import status

    today = window.clock.today()
    for row in window.services.members.search(status="members", limit=200):
        detail = window.services.members.get(row.id)
        for item in detail.contracts:
            c = window.services.contracts.load(item.id).contract
            if (status(c, today) == "active" and c.cancellation_date is None
                    and c.custom_price is None and c.next_plan is not None
                    and c.plan.frequency.unit == "month" and len(detail.contracts) == 1
                    and not c.plan.archived and (c.plan.addons or not offers_addons)):
                return row.name, c
    raise AssertionError("the sample has no plain monthly contract")


def open_editor_by_keyboard(qtbot, window, name: str):
    """Find the member, Enter into their contracts, Enter on the first: its editor opens."""
    find_by_keyboard(qtbot, window, name)
    press(Qt.Key.Key_Return)
    contracts = window.findChild(QTableView, "contractTable")
    assert focused() is contracts
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(window.live_editors()), timeout=3000)
    editor = window.live_editors()[-1]
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=3000)
    return editor


def test_enter_opens_the_contract_and_ctrl_s_saves_and_esc_closes(qtbot, desk):
    from PySide6.QtWidgets import QPlainTextEdit

    name, contract = plain_active_contract(desk)
    editor = open_editor_by_keyboard(qtbot, desk, name)
    assert editor.contract_id == contract.id
    notes = editor.findChild(QPlainTextEdit)
    notes.setFocus()
    type_text("Prefers the window desk.")
    with qtbot.waitSignal(editor.saved, timeout=3000):
        shortcut("Ctrl+S")
    assert desk.services.contracts.load(contract.id).contract.notes == "Prefers the window desk."
    press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=3000)


def test_ctrl_w_with_unsaved_changes_asks_first(qtbot, desk):
    from PySide6.QtWidgets import QMessageBox, QPlainTextEdit

    name, contract = plain_active_contract(desk)
    editor = open_editor_by_keyboard(qtbot, desk, name)
    editor.findChild(QPlainTextEdit).setFocus()
    type_text("Unsaved words")
    shortcut("Ctrl+W")
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox),
                    timeout=3000)
    box = QApplication.activeModalWidget()
    assert "unsaved" in box.text().lower()
    press(Qt.Key.Key_Escape, widget=box)  # Esc on the question: keep editing
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=3000)
    assert editor.isVisible() and editor.is_dirty()


def test_enter_on_an_invoice_row_opens_it_and_tab_leaves_the_table(qtbot, desk):
    bring_to_front(qtbot, desk)
    shortcut("Ctrl+3", desk)
    table = desk.findChild(QTableView, "invoiceTable")
    qtbot.waitUntil(lambda: table.isVisible() and table.model().rowCount() > 0, timeout=5000)
    table.setFocus()
    press(Qt.Key.Key_Down)
    row = table.currentIndex().row()
    assert row >= 0
    opened = []

    def look(dialog):
        opened.append(dialog.windowTitle())
        dialog.reject()

    when_modal(look)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(opened), timeout=3000)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=3000)
    bring_to_front(qtbot, desk)
    table.setFocus()
    press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not table


def test_quit_with_an_unsaved_editor_asks_once_and_then_quits(qtbot, desk):
    """Ctrl+Q, Discard closed only the editor; a second Ctrl+Q was needed."""
    from PySide6.QtWidgets import QMessageBox, QPlainTextEdit

    name, _contract = plain_active_contract(desk)
    editor = open_editor_by_keyboard(qtbot, desk, name)
    editor.findChild(QPlainTextEdit).setFocus()
    type_text("Unsaved words")

    def ask(answer_key):
        bring_to_front(qtbot, desk)
        shortcut("Ctrl+Q", desk)
        qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox),
                        timeout=3000)
        box = QApplication.activeModalWidget()
        assert "unsaved" in box.text().lower()
        press(answer_key, widget=box)

    ask(Qt.Key.Key_Escape)  # keep editing: nothing closes, and nothing closes later either
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=3000)
    assert editor.isVisible() and desk.isVisible()
    ask(Qt.Key.Key_D)       # Discard (Alt-less mnemonic in a message box)
    qtbot.waitUntil(lambda: not desk.isVisible(), timeout=3000)
    assert closed(editor)
