"""The member and plan dialogs keep what was typed (docs/design.md#how-a-person-works-the-desk):
Esc or the close button with changes asks Save / Discard / Cancel as the contract editor does,
without changes closes at once, and Ctrl+S saves like the dialog's own button.

The dialogs run in exec(); the steps act on them from timers and close whatever is left after a
timeout (person.ModalSteps), so a regression fails the test instead of hanging it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

from person import ModalSteps, bring_to_front, click, click_tab, press, replace_text, shortcut


def member_names(desk) -> list[str]:
    return [row.name for row in desk.services.members.search(status="all", limit=500)]


def test_esc_in_the_member_dialog_asks_before_throwing_away_what_was_typed(qtbot, desk):
    asked = []

    def type_then_escape(dialog):
        replace_text(dialog.findChild(QLineEdit, "memberNameEdit"), "Half Typed")
        press(Qt.Key.Key_Escape, widget=dialog)

    def keep_editing(box):
        asked.append(box.text())
        assert box.defaultButton() is box.findChild(QPushButton, "guardSaveButton")
        click(box.findChild(QPushButton, "guardCancelButton"))

    def still_there_escape_again(dialog):
        assert dialog.findChild(QLineEdit, "memberNameEdit").text() == "Half Typed"
        press(Qt.Key.Key_Escape, widget=dialog)

    steps = ModalSteps(("memberDialog", type_then_escape), ("unsavedChangesBox", keep_editing),
                       ("memberDialog", still_there_escape_again),
                       ("unsavedChangesBox", lambda box: click(
                           box.findChild(QPushButton, "guardDiscardButton"))))
    shortcut("Ctrl+N", desk)
    qtbot.waitUntil(lambda: steps.done, timeout=10000)
    assert steps.failure == ""
    assert asked == ["This new member is not saved yet."]
    assert "Half Typed" not in member_names(desk)

    # Nothing typed: Esc closes at once, nothing asked.
    untouched = ModalSteps(("memberDialog", lambda dialog: press(Qt.Key.Key_Escape,
                                                                 widget=dialog)))
    bring_to_front(qtbot, desk)
    shortcut("Ctrl+N", desk)
    qtbot.waitUntil(lambda: untouched.done, timeout=10000)
    assert untouched.failure == ""
    assert untouched.seen_names == ["memberDialog"]


def test_ctrl_s_saves_the_member_dialog(qtbot, desk):
    def type_and_save(dialog):
        replace_text(dialog.findChild(QLineEdit, "memberNameEdit"), "Saved By Keys")
        replace_text(dialog.findChild(QLineEdit, "memberEmailEdit"), "keys@example.org")
        shortcut("Ctrl+S", dialog.findChild(QLineEdit, "memberEmailEdit"))

    steps = ModalSteps(("memberDialog", type_and_save))
    shortcut("Ctrl+N", desk)
    qtbot.waitUntil(lambda: steps.done, timeout=10000)
    assert steps.failure == ""
    assert "Saved By Keys" in member_names(desk)
    assert desk.statusBar().currentMessage() == "Saved By Keys added."  # the save is told


def test_closing_a_new_plan_with_a_name_typed_offers_to_save_it(qtbot, desk):
    click_tab(desk.tabs, desk.tabs.widget(1))
    asked = []

    def type_then_close(dialog):
        replace_text(dialog.findChild(QLineEdit, "planNameEdit"), "Quiet room")
        replace_text(dialog.findChild(QLineEdit, "planPriceEdit"), "90")
        QApplication.sendEvent(dialog, QCloseEvent())  # the window's close button

    def save(box):
        asked.append(box.text())
        press(Qt.Key.Key_Return, widget=box)  # Save is the default

    steps = ModalSteps(("planDialog", type_then_close), ("unsavedChangesBox", save))
    click(desk.findChild(QPushButton, "newPlanButton"))
    qtbot.waitUntil(lambda: steps.done, timeout=10000)
    assert steps.failure == ""
    assert asked == ["This plan has unsaved changes."]
    assert "Quiet room" in [plan.name for plan in desk.services.catalog.plans()]
