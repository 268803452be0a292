"""Every input has a name a screen reader says, and a label that jumps to it
(docs/design.md#screens)."""

from __future__ import annotations

from PySide6.QtGui import QAccessible, QAction
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QWidget,
)

from desktop.ui.common.keyboard import INPUTS
from person import click, shortcut, when_modal
from test_keyboard import plain_active_contract


def unnamed_inputs(window: QWidget) -> list[str]:
    missing = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or not widget.isVisibleTo(window):
            continue
        if (isinstance(widget, QHeaderView) or widget.objectName().startswith("qt_")
                or isinstance(widget.parent(), (QAbstractSpinBox, QComboBox))):
            continue  # the text field inside a spin box or combo box is named by its owner
        interface = QAccessible.queryAccessibleInterface(widget)
        name = interface.text(QAccessible.Text.Name) if interface else ""
        if not name.strip():
            missing.append(widget.objectName() or type(widget).__name__)
    return missing


def labels_without_buddy(window: QWidget) -> list[str]:
    """Form labels (ending a row, not a sentence) that do not lead to an input."""
    from PySide6.QtWidgets import QFormLayout

    lonely = []
    for form in window.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            label = item.widget() if item else None
            if isinstance(label, QLabel) and label.text() and label.isVisibleTo(window):
                if label.buddy() is None or "&" not in label.text():
                    lonely.append(label.text())
    return lonely


def test_every_input_of_the_contract_editor_is_named(qtbot, desk):
    _name, contract = plain_active_contract(desk)
    editor = desk.open_contract(contract.id)
    qtbot.waitExposed(editor)
    for index in range(editor.tabs.count()):
        editor.tabs.setCurrentIndex(index)
        assert unnamed_inputs(editor) == [], editor.tabs.tabText(index)
        assert labels_without_buddy(editor) == [], editor.tabs.tabText(index)


def check_dialog(qtbot, open_it) -> list[str]:
    problems: list[str] = []

    def inspect(dialog: QDialog):
        problems.extend(f"{type(dialog).__name__}: unnamed {name}"
                        for name in unnamed_inputs(dialog))
        problems.extend(f"{type(dialog).__name__}: label {text!r} leads nowhere"
                        for text in labels_without_buddy(dialog))
        dialog.reject()

    seen = when_modal(inspect)
    open_it()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=5000)
    return problems


def test_every_input_of_the_window_dialogs_is_named(qtbot, desk):
    _name, contract = plain_active_contract(desk)
    desk.show_member(contract.member)
    problems = []
    problems += check_dialog(qtbot, lambda: shortcut("Ctrl+N", desk))
    problems += check_dialog(qtbot, lambda: desk.findChild(QAction, "editMemberAction").trigger())
    problems += check_dialog(qtbot, lambda: desk.findChild(QAction, "preferencesAction").trigger())
    desk.show_tab(1)
    problems += check_dialog(qtbot, lambda: click(desk.findChild(QPushButton, "newPlanButton")))
    problems += check_dialog(qtbot, lambda: click(desk.findChild(QPushButton, "newAddonButton")))
    assert problems == []


def test_every_input_of_the_editor_dialogs_is_named(qtbot, desk):
    _name, contract = plain_active_contract(desk, offers_addons=True)
    editor = desk.open_contract(contract.id)
    qtbot.waitExposed(editor)
    problems = []
    for button in ("changePlanButton", "addAddonButton", "createNewTermButton"):
        problems += check_dialog(qtbot, lambda b=button: click(editor.findChild(QPushButton, b)))
    assert problems == []


def clashing_mnemonics(window: QWidget) -> list[str]:
    """Letters that two things in sight answer to at once (Alt+P moved between Print and
    Record payment and opened neither)."""
    from collections import defaultdict

    from PySide6.QtWidgets import QAbstractButton, QMainWindow, QTabBar

    from desktop.ui.common.keyboard import _taken

    holders: dict[str, list[str]] = defaultdict(list)
    texts = []
    if isinstance(window, QMainWindow):
        texts += [a.text() for a in window.menuBar().actions()]
    for bar in window.findChildren(QTabBar):
        if bar.isVisibleTo(window):
            texts += [bar.tabText(i) for i in range(bar.count())]
    texts += [w.text() for w in window.findChildren(QAbstractButton) if w.isVisibleTo(window)]
    texts += [w.text() for w in window.findChildren(QLabel)
              if w.isVisibleTo(window) and w.buddy() is not None]
    for text in texts:
        if (letter := _taken(text)) is not None:
            holders[letter].append(text)
    return [f"{k}: {v}" for k, v in holders.items() if len(v) > 1]


def test_no_two_things_in_sight_answer_to_one_alt_letter(qtbot, desk):
    from PySide6.QtWidgets import QTableView

    for index in range(desk.tabs.count()):
        shortcut(f"Ctrl+{index + 1}", desk)
        assert clashing_mnemonics(desk) == [], desk.tabs.tabText(index)
    _name, contract = plain_active_contract(desk)
    editor = desk.open_contract(contract.id)
    qtbot.waitExposed(editor)
    for index in range(editor.tabs.count()):
        editor.tabs.setCurrentIndex(index)
        assert clashing_mnemonics(editor) == [], editor.tabs.tabText(index)
    editor.hide()
    shortcut("Ctrl+3", desk)
    table = desk.findChild(QTableView, "invoiceTable")
    qtbot.waitUntil(lambda: table.model().rowCount() > 0, timeout=5000)
    seen: list[list[str]] = []

    def look(view):
        seen.append(clashing_mnemonics(view))
        view.reject()

    when_modal(look)
    from person import click_row
    click_row(table, 0, double=True)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == [[]]
