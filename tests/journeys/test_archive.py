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


def test_a_member_opened_from_the_transitions_tab_is_the_one_edit_and_archive_act_on(
        qtbot, desk):
    """Ctrl+E edited the member still selected in the list, not the one whose page was shown."""
    from PySide6.QtWidgets import QLineEdit

    from person import click_row, shortcut

    panel = desk.transitions_panel
    shortcut("Ctrl+4", desk)
    qtbot.waitUntil(lambda: panel.due_model.rowCount() > 1 and not panel.loading, timeout=5000)
    first = panel.due_model.row_at(0)
    other = next(panel.due_model.row_at(r) for r in range(panel.due_model.rowCount())
                 if panel.due_model.row_at(r).member_id != first.member_id)
    find_by_keyboard(qtbot, desk, first.member_name)   # the list's selection: someone else
    shortcut("Ctrl+4")
    row = next(r for r in range(panel.due_model.rowCount())
               if panel.due_model.row_at(r).member_id == other.member_id)
    click_row(panel.due_table, row)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.member_page.member_id == other.member_id, timeout=3000)
    seen: list[str] = []
    shown = when_modal(lambda dialog: (seen.extend(w.text() for w in
                                                   dialog.findChildren(QLineEdit)),
                                       press(Qt.Key.Key_Escape, widget=dialog)))
    shortcut("Ctrl+E", desk)
    qtbot.waitUntil(lambda: bool(shown), timeout=3000)
    assert other.member_name in seen and first.member_name not in seen


def test_enter_on_an_applied_transition_shows_its_member(qtbot, desk):
    from person import click_row, shortcut

    panel = desk.transitions_panel
    shortcut("Ctrl+4", desk)
    qtbot.waitUntil(lambda: panel.applied_model.rowCount() > 0 and not panel.loading,
                    timeout=5000)
    applied = panel.applied_model.row_at(0)
    click_row(panel.applied_table, 0)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.member_page.member_id is not None and
                    desk.services.members.get(desk.member_page.member_id).name
                    == applied.member_name, timeout=3000)
    assert desk.members_panel.current_member_id() == desk.member_page.member_id
