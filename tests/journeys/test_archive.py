"""Archiving a member at the desk (issue: the confirmation said they leave the list, they
stayed; archived members could not be found or brought back; no warning about running contracts)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QMessageBox, QTableView

from person import choose_menu, pick_in_combo, press, when_modal
from test_keyboard import find_by_keyboard


def names_in(table: QTableView) -> list[str]:
    model = table.model()
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def press_button(box: QMessageBox, text: str) -> None:
    for button in box.findChildren(QAbstractButton):
        if button.isVisible() and button.text().replace("&", "") == text:
            from person import click
            click(button)
            return
    raise AssertionError(f"no button {text!r} in {box.text()!r}")


def test_archive_warns_about_running_contracts_hides_the_member_and_unarchive_brings_back(
        qtbot, desk):
    member = desk.services.members.search(status="members", limit=1)[0]
    table = find_by_keyboard(qtbot, desk, member.name)
    seen: list[str] = []

    def enter_keeps(box):
        seen.append(box.text())
        # The safe answer is the default: Enter does not archive a running member.
        press(Qt.Key.Key_Return, widget=box)

    shown = when_modal(enter_keeps)
    choose_menu(qtbot, desk, "Edit", "archiveMemberAction")
    qtbot.waitUntil(lambda: bool(shown) and not shown[0].isVisible(), timeout=3000)
    assert "still running" in seen[0] and "keep" in seen[0]
    assert not desk.services.members.get(member.id).archived

    shown = when_modal(lambda box: press_button(box, "Archive"))
    choose_menu(qtbot, desk, "Edit", "archiveMemberAction")
    qtbot.waitUntil(lambda: member.name not in names_in(table), timeout=3000)
    assert desk.services.members.get(member.id).archived
    assert "archived" in desk.statusBar().currentMessage()

    status_filter = desk.findChild(QComboBox, "memberStatusFilter")
    pick_in_combo(qtbot, status_filter, "Archived")
    qtbot.waitUntil(lambda: member.name in names_in(table), timeout=3000)
    row = names_in(table).index(member.name)
    from person import click_row
    click_row(table, row)
    choose_menu(qtbot, desk, "Edit", "archiveMemberAction")
    qtbot.waitUntil(lambda: member.name not in names_in(table), timeout=3000)
    assert not desk.services.members.get(member.id).archived
    assert "back in the member list" in desk.statusBar().currentMessage()
    pick_in_combo(qtbot, status_filter, "All")
    qtbot.waitUntil(lambda: member.name in names_in(table), timeout=3000)
