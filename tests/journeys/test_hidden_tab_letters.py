"""Alt+letter of a field on a tab not in sight shows that tab and puts the keyboard in the field
(issue 26: it did nothing and the typing was lost)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from person import click, click_tab, focused, press, type_text
from test_keyboard import open_editor_by_keyboard, plain_active_contract


def alt_letter(text: str) -> None:
    text = text.replace("&&", "")
    press(Qt.Key(ord(text[text.index("&") + 1].upper())), Qt.KeyboardModifier.AltModifier)


def date_label(editor) -> QLabel:
    field = editor.cancellation.date_edit
    return next(label for label in editor.cancellation.findChildren(QLabel)
                if label.buddy() is field)


def test_alt_letter_of_the_cancellation_date_from_general_shows_its_tab_and_takes_the_typing(
        qtbot, desk):
    name, _contract = plain_active_contract(desk)
    editor = open_editor_by_keyboard(qtbot, desk, name)
    tab, field = editor.cancellation, editor.cancellation.date_edit
    click_tab(editor.tabs, tab)
    click(tab.cancel_check)  # the date can be chosen once the contract is to be cancelled
    assert field.isEnabled()
    click_tab(editor.tabs, editor.general)
    assert editor.tabs.currentWidget() is editor.general and not field.isVisible()

    alt_letter(date_label(editor).text())
    qtbot.waitUntil(lambda: editor.tabs.currentWidget() is tab, timeout=3000)
    assert focused() is field
    press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # over the date put there
    type_text("2031-02-28")
    assert field.text() == "2031-02-28"
    qtbot.waitUntil(lambda: field.date().toString("yyyy-MM-dd") == "2031-02-28", timeout=3000)
    assert editor.draft().cancellation_date.isoformat() == "2031-02-28"


def test_alt_letter_of_a_field_that_cannot_take_the_keyboard_yet_lands_on_its_tab(qtbot, desk):
    """Before "Cancel this contract" is ticked the date is off: the keyboard goes to the box."""
    name, _contract = plain_active_contract(desk)
    editor = open_editor_by_keyboard(qtbot, desk, name)
    tab = editor.cancellation
    assert not tab.date_edit.isEnabled()
    alt_letter(date_label(editor).text())
    qtbot.waitUntil(lambda: editor.tabs.currentWidget() is tab, timeout=3000)
    assert focused() is tab.cancel_check
    press(Qt.Key.Key_Space)
    qtbot.waitUntil(tab.cancel_check.isChecked, timeout=3000)
    assert tab.date_edit.isEnabled()
