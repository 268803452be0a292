"""One action per key, a letter for every tab and button, the keyboard where typing goes
(issue 26, keyboard): keys pressed on the real window."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QPushButton, QTabWidget, QWidget

from desktop.ui.window import menus
from person import bring_to_front, press, shortcut, type_text, when_modal
from test_accessibility import clashing_mnemonics
from test_keyboard import open_editor_by_keyboard, plain_active_contract

# The standard keys as GNOME's and KDE's platform themes bind them (Qt's QKeySequence table);
# the offscreen platform binds Refresh to F5 alone, so the clash only shows with these.
GNOME = {QKeySequence.StandardKey.Refresh: ["Ctrl+R", "F5"],
         QKeySequence.StandardKey.New: ["Ctrl+N"],
         QKeySequence.StandardKey.Find: ["Ctrl+F"],
         QKeySequence.StandardKey.Quit: ["Ctrl+Q"],
         QKeySequence.StandardKey.Preferences: []}


@pytest.fixture
def gnome_keys(monkeypatch):
    real = menus.standard_keys

    def gnome(key):
        if key in GNOME:
            return [QKeySequence(text) for text in GNOME[key]] or real(key)
        return real(key)

    monkeypatch.setattr(menus, "standard_keys", gnome)


def live_keys(window: QWidget) -> list[str]:
    """Every key that does something in this window now: the shortcuts of enabled actions in
    its menus or on a visible widget of it, and of its enabled shortcuts."""
    keys = []
    for action in window.findChildren(QAction):
        if not action.isEnabled():
            continue
        owners = action.associatedObjects()
        if any(isinstance(o, QMenu) or (isinstance(o, QWidget) and o.isVisible())
               for o in owners):
            keys += [key.toString() for key in action.shortcuts()]
    for item in window.findChildren(QShortcut):
        if item.isEnabled() and item.parent().isVisible():
            keys += [key.toString() for key in item.keys()]
    return keys


def shared(keys: list[str]) -> list[str]:
    return sorted(key for key, count in Counter(keys).items() if count > 1)


def test_no_key_belongs_to_two_actions_of_any_window(qtbot, gnome_keys, desk):
    """Ctrl+R was View → Refresh (GNOME's standard key) and Tools → Run due transitions:
    ambiguous, so Qt ran neither."""
    for index in range(desk.tabs.count()):
        shortcut(f"Ctrl+{index + 1}", desk)
        assert shared(live_keys(desk)) == [], desk.tabs.tabText(index)
    refresh = desk.findChild(QAction, "refresh") or next(
        a for a in desk.findChildren(QAction) if a.text().replace("&", "") == "Refresh")
    assert [k.toString() for k in refresh.shortcuts()] == ["F5"]
    name, _contract = plain_active_contract(desk)
    editor = open_editor_by_keyboard(qtbot, desk, name)
    assert shared(live_keys(editor)) == []
    editor.hide()
    bring_to_front(qtbot, desk)
    shortcut("Ctrl+1", desk)
    with qtbot.waitSignal(desk.scheduler.finished, timeout=20000):
        shortcut("Ctrl+R", desk)  # runs the due transitions, as the Tools menu says


def test_ctrl_n_on_the_plans_tab_makes_a_plan_and_on_the_members_tab_a_member(
        qtbot, gnome_keys, desk):
    seen: list[str] = []

    def look(dialog):
        seen.append(dialog.objectName() or type(dialog).__name__)
        press(Qt.Key.Key_Escape, widget=dialog)

    bring_to_front(qtbot, desk)
    shortcut("Ctrl+2", desk)
    when_modal(look)
    shortcut("Ctrl+N", desk)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=5000)
    bring_to_front(qtbot, desk)
    shortcut("Ctrl+1", desk)
    when_modal(look)
    shortcut("Ctrl+N", desk)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=5000)
    assert seen == ["planDialog", "memberDialog"]


def test_the_plans_tab_buttons_and_every_tab_answer_to_a_letter(qtbot, desk):
    bring_to_front(qtbot, desk)
    shortcut("Ctrl+2", desk)
    catalog = desk.findChild(QWidget, "planCatalog")
    qtbot.waitUntil(catalog.isVisible, timeout=3000)
    for name in ("newPlanButton", "newAddonButton", "editPlanButton", "archivePlanButton",
                 "deletePlanButton"):
        assert "&" in catalog.findChild(QPushButton, name).text(), name
    assert clashing_mnemonics(desk) == []
    tabs = desk.findChild(QTabWidget, "mainTabs")
    assert all("&" in tabs.tabText(i) for i in range(tabs.count()))
    # Alt + the Transitions tab's letter shows it.
    text = tabs.tabText(3)
    letter = text[text.index("&") + 1]
    press(Qt.Key(ord(letter.upper())), Qt.KeyboardModifier.AltModifier, desk)
    assert tabs.currentIndex() == 3


def test_the_editors_tabs_answer_to_letters_of_their_own(qtbot, desk):
    name, _contract = plain_active_contract(desk)
    editor = open_editor_by_keyboard(qtbot, desk, name)
    tabs = editor.tabs
    captions = [tabs.tabText(i) for i in range(tabs.count())]
    assert all("&" in caption for caption in captions), captions
    assert clashing_mnemonics(editor) == []
    history = captions[-1]
    letter = history[history.index("&") + 1]
    press(Qt.Key(ord(letter.upper())), Qt.KeyboardModifier.AltModifier)
    assert tabs.currentIndex() == tabs.count() - 1


def preferences_as_opened(qtbot, desk) -> dict:
    seen: dict = {}

    def look(dialog):
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
        seen["focus"] = QApplication.focusWidget()
        type_text("Aoife")
        seen["operator"] = dialog.findChild(QLineEdit, "operatorEdit")
        seen["typed"] = seen["operator"].text()
        tabs = dialog.findChild(QTabWidget, "preferencesTabs")
        seen["tabs"] = [tabs.tabText(i) for i in range(tabs.count())]
        seen["clashes"] = clashing_mnemonics(dialog)
        dialog.done(0)

    bring_to_front(qtbot, desk)
    when_modal(look)
    shortcut("Ctrl+,", desk)
    qtbot.waitUntil(lambda: "clashes" in seen, timeout=5000)
    return seen


def test_preferences_open_with_the_keyboard_in_the_first_field(qtbot, desk):
    seen = preferences_as_opened(qtbot, desk)
    assert seen["focus"] is seen["operator"]
    assert seen["typed"].endswith("Aoife")


def test_the_german_preferences_tabs_answer_to_different_letters(
        qtbot, open_desk, settings, database):
    """"&Standort" and "&Sprache" both asked for Alt+S."""
    from desktop.ui.window.language import LANGUAGE, apply_language

    settings.setValue(LANGUAGE.key, "de")
    try:
        desk = open_desk(database)
        seen = preferences_as_opened(qtbot, desk)
    finally:
        apply_language("en", "en_IE")
    letters = [text[text.index("&") + 1].lower() for text in seen["tabs"]]
    assert len(set(letters)) == len(letters), seen["tabs"]
    assert seen["clashes"] == []
    assert seen["focus"] is seen["operator"]


def test_file_export_csv_clicked_in_the_menu_proposes_the_chosen_table(qtbot, desk,
                                                                       monkeypatch):
    """The menu's triggered(bool) once reached the export as its kind: it proposed False.csv
    and then refused "'False' is not something to export"."""
    from PySide6.QtTest import QTest

    from desktop.ui.window import actions

    asked: list = []
    monkeypatch.setattr(actions.QInputDialog, "getItem", lambda *args: (
        asked.append(("which", list(args[3]))), (args[3][0], True))[1])
    monkeypatch.setattr(actions.QFileDialog, "getSaveFileName", lambda *args: (
        asked.append(("where", args[2])), ("", ""))[1])
    bring_to_front(qtbot, desk)
    menu = desk.menuBar().findChild(QMenu, "exportMenu")
    menu.popup(desk.mapToGlobal(desk.rect().center()))
    qtbot.waitUntil(menu.isVisible, timeout=3000)
    entry = desk.export_actions["exportCsvAction"]
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(entry).center())
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=3000)
    assert asked[0] == ("which", ["Members", "Contracts", "Documents", "Document lines",
                                  "Payments", "Allocations"])
    assert asked[1][0] == "where" and asked[1][1].endswith("/members.csv")
