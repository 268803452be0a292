"""The contract editor and the change-plan assistant by keyboard and wheel (issue 26): Tab leaves
the notes, the wheel over a closed combo box scrolls past it, the keyboard has somewhere to be
after Save and in the assistant, and the close question offers what can happen."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from person import bring_to_front, click, focused, press, shortcut, type_text, when_modal
from test_keyboard import open_editor_by_keyboard, plain_active_contract


def notes_of(editor) -> QPlainTextEdit:
    return editor.findChild(QPlainTextEdit, "notesEdit")


def test_tab_in_the_notes_moves_on_instead_of_typing_a_tab(qtbot, desk):
    name, contract = plain_active_contract(desk)
    editor = open_editor_by_keyboard(qtbot, desk, name)
    notes = notes_of(editor)
    notes.setFocus(Qt.FocusReason.TabFocusReason)
    type_text("Window desk")
    press(Qt.Key.Key_Tab)
    assert "\t" not in notes.toPlainText()
    assert focused() is not notes


def wheel_over(widget: QWidget, notches: int = -1) -> None:
    """The mouse wheel turned over the middle of a widget, as the pointer delivers it."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_over_a_closed_next_plan_list_does_not_change_the_plan(qtbot, desk):
    name, contract = plain_active_contract(desk)
    editor = open_editor_by_keyboard(qtbot, desk, name)
    combo = editor.findChild(QComboBox, "nextPlanCombo")
    qtbot.waitUntil(lambda: combo.isVisible() and combo.count() > 2, timeout=5000)
    before = combo.currentIndex()
    assert not combo.hasFocus()
    for notches in (-1, -1, 1, -1):
        wheel_over(combo, notches)
    assert combo.currentIndex() == before
    assert not editor.is_dirty()
    assert editor.draft().next_plan == contract.next_plan


def test_after_save_the_keyboard_is_in_the_editor(qtbot, desk):
    name, _contract = plain_active_contract(desk)
    editor = open_editor_by_keyboard(qtbot, desk, name)
    notes_of(editor).setFocus(Qt.FocusReason.TabFocusReason)
    type_text("Prefers mornings")
    save = editor.findChild(QPushButton, "saveButton")
    with qtbot.waitSignal(editor.saved, timeout=5000):
        click(save)  # the focus was on Save, which has nothing left to save now
    assert not save.isEnabled()
    widget = focused()
    assert editor.isAncestorOf(widget) and widget.isEnabled() and widget.isVisible()
    type_text("7")  # what is typed next goes somewhere a person can see
    assert editor.is_dirty()


def test_the_assistant_opens_with_the_keyboard_on_the_plan_choice(qtbot, desk):
    name, _contract = plain_active_contract(desk)
    editor = open_editor_by_keyboard(qtbot, desk, name)
    seen: dict = {}

    def look(dialog):
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
        plans = dialog.findChild(QListWidget, "planList")
        seen["focus"] = QApplication.focusWidget() is plans
        row = plans.currentRow()
        press(Qt.Key.Key_Down)
        seen["moved"] = plans.currentRow() == row + 1 or plans.count() == row + 1
        dialog.reject()

    when_modal(look, name="changePlanDialog")
    click(editor.findChild(QPushButton, "changePlanButton"))
    qtbot.waitUntil(lambda: "moved" in seen, timeout=5000)
    assert seen == {"focus": True, "moved": True}


def test_closing_an_editor_over_a_contract_changed_elsewhere_defaults_to_keep_editing(
        qtbot, desk):
    name, contract = plain_active_contract(desk)
    mine = open_editor_by_keyboard(qtbot, desk, name)
    notes_of(mine).setFocus(Qt.FocusReason.TabFocusReason)
    type_text("Mine, unsaved")
    other = desk.open_contract(contract.id)
    qtbot.waitExposed(other)
    bring_to_front(qtbot, other)
    notes_of(other).setFocus(Qt.FocusReason.TabFocusReason)
    type_text("Saved first")
    with qtbot.waitSignal(other.saved, timeout=5000):
        shortcut("Ctrl+S", other)
    qtbot.waitUntil(lambda: mine.session.stale, timeout=5000)
    bring_to_front(qtbot, mine)
    shortcut("Ctrl+W", mine)
    qtbot.waitUntil(lambda: any(box.isVisible() for box in mine.findChildren(QMessageBox)),
                    timeout=3000)
    box = next(box for box in mine.findChildren(QMessageBox) if box.isVisible())
    assert box.findChild(QPushButton, "guardSaveButton") is None  # it could not save
    assert box.defaultButton() is box.findChild(QPushButton, "guardCancelButton")
    press(Qt.Key.Key_Return, widget=box)
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=3000)
    assert mine.isVisible() and "Mine, unsaved" in notes_of(mine).toPlainText()
    other.hide()


def test_a_quantity_out_of_range_stays_as_typed_marked_with_why_and_save_disabled(qtbot, desk):
    """"-3" silently became 3 and "99999" became 9999."""
    from PySide6.QtWidgets import QLabel, QSpinBox

    name, _contract = plain_active_contract(desk)
    editor = open_editor_by_keyboard(qtbot, desk, name)
    spin = editor.findChild(QSpinBox, "quantitySpin")
    message = editor.findChild(QLabel, "quantityMessage")
    save = editor.findChild(QPushButton, "saveButton")
    for typed, said in (("-3", "The quantity must be at least 1."),
                        ("99999", "The quantity can be at most 10")):
        spin.setFocus(Qt.FocusReason.TabFocusReason)
        press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        type_text(typed)
        press(Qt.Key.Key_Tab)  # leaving the field does not "fix" it either
        qtbot.waitUntil(lambda said=said: message.isVisible() and message.text().startswith(said),
                        timeout=3000)
        assert spin.text() == typed and editor.draft().quantity == int(typed)
        assert not save.isEnabled()
