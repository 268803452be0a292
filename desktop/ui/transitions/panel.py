"""The Transitions tab (docs/design.md#screens): what the sweep applied, and what falls due in 30
days."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSplitter, QVBoxLayout, QWidget

from desktop.i18n import _
from desktop.i18n.messages import wording_text
from desktop.ui.common.icons import icon
from desktop.ui.common.tables import RowTableModel
from desktop.ui.common.widgets import TableView, label, user_message
from desktop.ui.common.workers import run_in_background

FORECAST_DAYS = 30
APPLIED_DAYS = 7    # how far back the "applied" list reaches


def kind_text(kind: str) -> str:
    return {"activation": _("Activation"), "renewal": _("Renewal"),
            "cancellation": _("Cancellation"), "invoice": _("Invoice")}.get(kind, kind.title())


class TransitionTableModel(RowTableModel):
    """Rows with date, member_name, kind, description and, for forecasts, amount."""

    def __init__(self, formatter: Any, with_amount: bool, parent=None):
        super().__init__(formatter, (_("Date"), _("Member"), _("Kind"), _("Description")) + (
            (_("Amount"),) if with_amount else ()), right=(4,), parent=parent)
        self._with_amount = with_amount

    def ordered(self, rows) -> list[Any]:
        return sorted(rows, key=lambda r: (r.date, r.member_name.lower()),
                      reverse=not self._with_amount)   # applied: newest first

    def cell_text(self, row: Any, column: int) -> str:
        if column == 0:
            return self._formatter.date(row.date)
        if column == 1:
            return row.member_name
        if column == 2:
            return kind_text(row.kind)
        if column == 3:
            return wording_text(row.wording, row.description, self._formatter)
        # A day's invoice is shown once, against the transition that bills it.
        return "" if row.amount is None else self._formatter.money(row.amount)

    def cell_data(self, row: Any, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            return wording_text(row.wording, row.description, self._formatter)
        return None


class TransitionsPanel(QWidget):
    """Both lists, refreshed after every sweep; the forecast is computed on a worker."""

    refreshed = Signal()
    memberActivated = Signal(int)  # noqa: N815

    def __init__(self, sweep: Any, formatter: Any, clock: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("transitionsPanel")
        self._sweep, self._formatter, self._clock = sweep, formatter, clock
        self._job = None
        self._again = False
        self.applied_model = TransitionTableModel(formatter, with_amount=False, parent=self)
        self.due_model = TransitionTableModel(formatter, with_amount=True, parent=self)
        self.applied_table = TableView("appliedTable", _(
            "Nothing applied in the last {days} days.").format(days=APPLIED_DAYS))
        self.applied_table.setModel(self.applied_model)
        self.applied_table.set_column_modes(3)
        self.applied_table.activated.connect(self._applied_activated)
        self.due_table = TableView("dueTable", _(
            "Nothing falls due in the next {days} days.").format(days=FORECAST_DAYS))
        self.due_table.setModel(self.due_model)
        self.due_table.set_column_modes(3)
        self.due_table.activated.connect(self._due_activated)
        self.summary = label("", "muted", wrap=True)
        self.error_label = label("", "formError", wrap=True)
        self.error_label.hide()
        self.run_button = QPushButton(icon("sweep"), _("Run due transitions now"),
                                      objectName="runSweepButton")

        due_box, applied_box = QWidget(), QWidget()
        for box, title, table in ((due_box, _("Due in the next {days} days").format(
                days=FORECAST_DAYS), self.due_table),
                (applied_box, _("Applied in the last {days} days").format(days=APPLIED_DAYS),
                 self.applied_table)):
            inner = QVBoxLayout(box)
            inner.setContentsMargins(0, 0, 0, 0)
            inner.addWidget(label(title, "sectionTitle"))
            inner.addWidget(table)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(due_box)
        split.addWidget(applied_box)
        split.setChildrenCollapsible(False)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.run_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addLayout(top)
        layout.addWidget(self.error_label)
        layout.addWidget(split, 1)

    def set_formatter(self, formatter: Any) -> None:
        self._formatter = formatter
        self.applied_model.set_formatter(formatter)
        self.due_model.set_formatter(formatter)

    @property
    def loading(self) -> bool:
        return self._job is not None

    def on_changes(self, changes: Any) -> None:
        """Transitions were applied (by the sweep, here or at another desk)."""
        if changes.transitions:
            self.refresh()

    def refresh(self) -> None:
        """Reload both lists in the background; a request during a load is served after it."""
        if self._job is not None:
            self._again = True
            return
        today = self._clock.today()
        since = datetime.combine(today - timedelta(days=APPLIED_DAYS), time())
        sweep = self._sweep
        self._job = run_in_background(
            lambda: (sweep.applied_since(since), sweep.forecast(today, FORECAST_DAYS)),
            self._loaded, self._failed)

    def _loaded(self, result) -> None:
        self._job = None
        applied, due = result
        self.error_label.hide()
        self.applied_model.set_rows(applied)
        self.due_model.set_rows(due)
        self.summary.setText(_("{due} due in the next {days} days · {applied} applied in the "
                               "last {back} days").format(due=len(due), days=FORECAST_DAYS,
                                                          applied=len(applied), back=APPLIED_DAYS))
        self._done()

    def _failed(self, exc) -> None:
        self._job = None
        self.error_label.setText(user_message(exc))
        self.error_label.show()
        self._done()

    def _done(self) -> None:
        self.refreshed.emit()
        if self._again:
            self._again = False
            self.refresh()

    def _due_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.memberActivated.emit(self.due_model.row_at(index.row()).member_id)

    def _applied_activated(self, index: QModelIndex) -> None:
        """Enter or a double click on an applied transition: its member's page."""
        member_id = self.applied_model.row_at(index.row()).member_id if index.isValid() else None
        if member_id is not None:
            self.memberActivated.emit(member_id)
