"""File → Restore…: pick one of the database's backups, newest first, and say what will happen.

Only backups are listed (never the live database); each row shows the day and time it was
taken and its size. Restoring keeps a copy of the database as it is first, so a wrong choice
can be undone by restoring that copy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import _
from desktop.storage.backups import taken_at


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return _("{size} KB").format(size=max(1, round(size / 1024)))
    return _("{size} MB").format(size=f"{size / 1024 / 1024:.1f}")


class RestoreDialog(QDialog):
    """Lists the backups (date, time, size; newest first); `chosen` is the one picked."""

    def __init__(self, backups: list[Path], formatter: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle(_("Restore from a backup"))
        self.setMinimumWidth(480)
        dated = [(when, path) for path in backups if (when := taken_at(path)) is not None]
        self.backups = [path for _when, path in sorted(dated, reverse=True)]
        intro = QLabel(_("Choose the backup to put in place of the database. Everything recorded "
                         "since that backup is replaced; a copy of the database as it is now is "
                         "kept first, as a backup of its own."), objectName="restoreIntro")
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self.backups), 3, self, objectName="backupTable")
        self.table.setHorizontalHeaderLabels([_("Date"), _("Time"), _("Size")])
        self.table.setAccessibleName(_("Backups"))
        for row, path in enumerate(self.backups):
            when = taken_at(path)
            cells = (formatter.date(when.date()), when.strftime("%H:%M:%S"),
                     size_text(path.stat().st_size))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(path.name)
                if column == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel(_("There are no backups of this database yet."),
                            objectName="noBackups")
        self.empty.setVisible(not self.backups)
        self.table.setVisible(bool(self.backups))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.restore_button = self.buttons.addButton(_("&Restore this backup"),
                                                     QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setObjectName("restoreButton")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.accept())
        layout = QVBoxLayout(self)
        for widget in (intro, self.table, self.empty, self.buttons):
            layout.addWidget(widget)
        if self.backups:
            self.table.selectRow(0)
            self.table.setFocus()
        self._selection_changed()

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self.chosen is not None)
        self.restore_button.setToolTip("" if self.chosen is not None
                                       else _("Choose a backup in the list first."))

    @property
    def chosen(self) -> Path | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None
