"""Bank statements in the window (rule 30): importing one (`import_statement`: File → Import
bank statement…, or a file dropped on the window), said in a sentence — matched, returned,
unmatched — and the entries that wait for the operator (`BankEntriesDialog`, Tools → Bank
entries to assign…): each assigned to a member, which records their payment, or dismissed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import _
from desktop.ui.common.screens import fit_to_screen
from desktop.ui.common.tables import RowTableModel
from desktop.ui.common.widgets import TableView, label, show_error, user_message


def report_text(report: Any) -> str:
    if not report.outcomes:
        return _("Nothing new: every entry of this statement was imported before.")
    return _("{matched} entries matched and paid, {returned} direct debits returned, "
             "{unmatched} waiting to be assigned.").format(
        matched=report.matched, returned=report.returned, unmatched=report.unmatched)


def import_statement(parent: QWidget, statements: Any, path: Path) -> Any:
    """Import the statement in `path`; the report, or None (the refusal said in a box)."""
    try:
        report = statements.import_file(Path(path))
    except Exception as exc:
        show_error(parent, _("Import bank statement"), user_message(exc))
        return None
    box = QMessageBox(QMessageBox.Icon.Information, _("Import bank statement"),
                      report_text(report), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("statementReport")
    box.open()  # not modal-blocking: the window refreshes underneath
    return report


class EntryModel(RowTableModel):
    def __init__(self, formatter: Any, parent=None):
        super().__init__(formatter, [_("Booked"), _("Amount"), _("From"), _("IBAN"),
                                     _("Remittance")], right=(1,), parent=parent)

    def cell_text(self, row: Any, column: int) -> str:
        f = self._formatter
        amount = f.money(row.amount if row.credit else -row.amount)
        return (f.date(row.booked), amount, row.name, row.iban, row.remittance)[column]


class BankEntriesDialog(QDialog):
    """The unmatched entries; `changes` gathers what the operator's answers changed."""

    def __init__(self, statements: Any, members: Any, formatter: Any,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("bankEntriesDialog")
        self.setWindowTitle(_("Bank entries to assign"))
        self._statements, self._members = statements, members
        self.changes: Any = None
        self.model = EntryModel(formatter, self)
        self.table = TableView("bankEntryTable", _("No entry waits: every one is matched."))
        self.table.setModel(self.model)
        self.table.set_column_modes(4)
        self.error = label("", "formError", wrap=True)
        self.error.hide()
        self.assign_button = QPushButton(_("&Assign to member…"), objectName="assignEntryButton")
        self.dismiss_button = QPushButton(_("&Dismiss"), objectName="dismissEntryButton")
        self.assign_button.clicked.connect(lambda: self.assign())
        self.dismiss_button.clicked.connect(lambda: self.dismiss())
        row = QHBoxLayout()
        row.addWidget(self.assign_button)
        row.addWidget(self.dismiss_button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addLayout(row)
        layout.addWidget(close)
        self._fitted = False  # sized to the screen when first shown (showEvent)
        self.table.selectionModel().selectionChanged.connect(self._enable)
        self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if not self._fitted:  # wide enough for the remittance text people assign by, or what
            self._fitted = True  # the screen has
            fit_to_screen(self, QSize(1000, 420))
        super().showEvent(event)

    def refresh(self) -> None:
        try:
            self.model.set_rows(self._statements.waiting())
        except Exception as exc:
            self._say(user_message(exc))
        if self.model.rowCount():
            self.table.selectRow(0)
        self._enable()

    def _enable(self) -> None:
        chosen = self.chosen()
        self.assign_button.setEnabled(chosen is not None and chosen.credit)
        self.dismiss_button.setEnabled(chosen is not None)

    def chosen(self) -> Any:
        index = self.table.currentIndex()
        rows = self.table.selectionModel().selectedRows()
        if not rows or not index.isValid():
            return None
        return self.model.row_at(rows[0].row())

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _done(self, changes: Any) -> None:
        self.changes = changes if self.changes is None else self.changes | changes
        self._say("")
        self.refresh()

    def assign(self, member_id: int | None = None) -> Any:
        """Assign the chosen entry: to `member_id`, or to the member picked from a list."""
        entry = self.chosen()
        if entry is None:
            return None
        if member_id is None:
            rows = self._members.search(limit=1000)
            names = [f"{row.name} <{row.email}>" for row in rows]
            picked, ok = QInputDialog.getItem(self, _("Assign to member"),
                                              _("Who paid {amount}?").format(
                                                  amount=self.model.cell_text(entry, 1)),
                                              names, 0, False)
            if not ok or picked not in names:
                return None
            member_id = rows[names.index(picked)].id
        try:
            changes = self._statements.assign(entry.id, member_id)
        except Exception as exc:
            self._say(user_message(exc))
            return None
        self._done(changes)
        return changes

    def dismiss(self) -> Any:
        entry = self.chosen()
        if entry is None:
            return None
        try:
            changes = self._statements.dismiss(entry.id)
        except Exception as exc:
            self._say(user_message(exc))
            return None
        self._done(changes)
        return changes
