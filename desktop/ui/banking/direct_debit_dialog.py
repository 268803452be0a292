"""Tools → Direct debit… (rule 30): the run for a day — every open document of members with an
active mandate, due by then — previewed document by document with its total, and saved as one
pain.008.001.08 file, which marks the documents "collection submitted". Why the site cannot
collect yet (no creditor identifier, no IBAN) is said above an empty preview."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import _
from desktop.ui.common.date_field import DateField
from desktop.ui.common.tables import RowTableModel
from desktop.ui.common.widgets import (
    TableView,
    label,
    remember_folder,
    start_folder,
    user_message,
)


def _qdate(day) -> QDate:
    return QDate(day.year, day.month, day.day)


class CollectionModel(RowTableModel):
    def __init__(self, formatter: Any, parent=None):
        super().__init__(formatter, [_("Document"), _("Member"), _("Amount"), _("Sequence"),
                                     _("Mandate")], right=(2,), parent=parent)

    def cell_text(self, row: Any, column: int) -> str:
        return (row.number, row.member, self._formatter.money(row.amount),
                _("first") if row.sequence == "FRST" else _("recurring"), row.mandate)[column]


class DirectDebitDialog(QDialog):
    """The preview follows the two days; Save… asks where and writes the file (`save`)."""

    def __init__(self, collection: Any, formatter: Any, clock: Any,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("directDebitDialog")
        self.setWindowTitle(_("Direct debit"))
        self._collection, self._formatter, self._clock = collection, formatter, clock
        self.run: Any = None
        self.changes: Any = None
        today = clock.today()
        self.due_by = DateField("dueByField", formatter)
        self.due_by.setDate(_qdate(today + timedelta(days=7)))
        self.collect_on = DateField("collectOnField", formatter)
        self.collect_on.setDate(_qdate(collection.default_collection_day(
            today + timedelta(days=7))))
        self.problem = label("", "formError", wrap=True)
        self.problem.setObjectName("directDebitProblem")
        self.model = CollectionModel(formatter, self)
        self.table = TableView("collectionTable", _("Nothing to collect by then."))
        self.table.setModel(self.model)
        self.table.set_column_modes(1)
        self.total = label("", "muted", wrap=True)
        self.total.setObjectName("collectionTotal")
        form = QFormLayout()
        form.addRow(_("Documents &due by:"), self.due_by)
        form.addRow(_("&Collect on:"), self.collect_on)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button: QPushButton = buttons.addButton(
            _("&Save collection file…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveCollectionButton")
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(lambda: self.save())
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total)
        layout.addWidget(buttons)
        self.resize(640, 420)
        self.due_by.dateChanged.connect(self.refresh)
        self.collect_on.dateChanged.connect(self.refresh)
        self.due_by.readableChanged.connect(self.refresh)
        self.collect_on.readableChanged.connect(self.refresh)
        self.refresh()

    def _days(self):
        return self.due_by.date().toPython(), self.collect_on.date().toPython()

    def refresh(self) -> None:
        self.run = None
        problem = ""
        if not (self.due_by.readable() and self.collect_on.readable()):
            problem = _("Type both days as dates, or pick them from the calendar.")
        else:
            problem = self._collection.site_problem()
            try:
                self.run = self._collection.preview(*self._days())
            except Exception as exc:
                problem = problem or user_message(exc)
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        items = list(self.run.items) if self.run is not None else []
        self.model.set_rows(items)
        f = self._formatter
        self.total.setText(_("{count} documents, {amount} in all.").format(
            count=len(items), amount=f.money(sum(i.amount for i in items))) if items else "")
        self.save_button.setEnabled(bool(items) and not problem)

    def save(self, path: str | None = None) -> Any:
        """Write the file (asking where when no path is given) and mark the documents."""
        if self.run is None or not self.run.items:
            return None
        if path is None:
            suggested = start_folder(self) / f"direct-debit-{self.run.collect_on.isoformat()}.xml"
            path, _filter = QFileDialog.getSaveFileName(
                self, _("Save collection file"), str(suggested), _("SEPA XML (*.xml)"))
            if not path:
                return None
        try:
            run = self._collection.collect(Path(path), *self._days())
        except Exception as exc:
            self.problem.setText(user_message(exc))
            self.problem.show()
            return None
        remember_folder(self, Path(path).parent)
        self.changes = run.changes
        self.accept()
        return run
