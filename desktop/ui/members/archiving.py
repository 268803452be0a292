"""Archiving a member: the confirmation, which warns about contracts that keep running."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.i18n import N_, _
from desktop.ui.common.widgets import show_error, user_message

RUNNING = ("active", "inactive")


def confirm_archive(parent: QWidget, members: Any, row: Any) -> bool:
    """Ask before archiving; say plainly when contracts keep running (and invoicing) after."""
    try:
        running = [c for c in members.get(row.id).contracts if c.status in RUNNING]
    except Exception as exc:
        show_error(parent, _("Archive member"), user_message(exc))
        return False
    text = _("Archive {name}? They leave the member list (choose Archived in the filter to see "
             "them); their contracts and invoices are kept.").format(name=row.name)
    kind = QMessageBox.Icon.Question
    if running:
        plans = ", ".join(sorted({c.plan for c in running}))
        text = N_("{name} has {count} contract that is still running ({plans}): it keeps "
                  "being invoiced after archiving. To end it, set a cancellation date in the "
                  "contract editor first.",
                  "{name} has {count} contracts that are still running ({plans}): they keep "
                  "being invoiced after archiving. To end them, set a cancellation date in "
                  "the contract editor first.",
                  len(running)).format(name=row.name, count=len(running), plans=plans)
        text += "\n\n" + _("Archive {name} anyway?").format(name=row.name)
        kind = QMessageBox.Icon.Warning
    box = QMessageBox(kind, _("Archive member"), text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setObjectName("archiveMemberDialog")
    box.button(QMessageBox.StandardButton.Yes).setText(_("&Archive"))
    box.button(QMessageBox.StandardButton.No).setText(_("&Keep"))
    # With contracts still running, Enter does not archive by accident.
    box.setDefaultButton(QMessageBox.StandardButton.No if running
                         else QMessageBox.StandardButton.Yes)
    return box.exec() == QMessageBox.StandardButton.Yes


def archived_message(name: str, archived: bool) -> str:
    """The status bar's sentence after archiving or bringing a member back."""
    if archived:
        return _("{name} archived: choose Archived in the filter to find them again.").format(
            name=name)
    return _("{name} is back in the member list.").format(name=name)
