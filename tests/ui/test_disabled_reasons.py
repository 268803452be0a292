"""A button that cannot be used says why in its tooltip (docs/design.md#screens)."""

from __future__ import annotations

from desktop.ui.window.restore_dialog import RestoreDialog


def test_restore_with_no_backup_chosen_says_why(qtbot, formatter):
    dialog = RestoreDialog([], formatter)
    qtbot.addWidget(dialog)
    assert not dialog.restore_button.isEnabled()
    assert dialog.restore_button.toolTip() == "Choose a backup in the list first."
