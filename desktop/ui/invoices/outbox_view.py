"""The outbox (rule 29): what waits to be sent, what failed and why, what left; *Send again*
makes a failed or waiting message due at once (the window's worker sends it at its next run,
started right away)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import _
from desktop.ui.common.screens import fit_to_screen
from desktop.ui.common.widgets import show_error, user_message
from desktop.ui.common.workers import run_alone
from desktop.ui.invoices.sending import message_text, status_text

TO = 3  # the recipient's column


class OutboxView(QDialog):
    def __init__(self, mail: Any, formatter: Any, parent: QWidget | None = None, *,
                 run: Any = run_alone, send_now: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("outboxView")
        self.setWindowTitle(_("Outbox"))
        self._fitted = False  # sized to the screen when first shown (showEvent)
        self._mail, self._formatter, self._run, self._send_now = mail, formatter, run, send_now
        self.filter = QComboBox(objectName="outboxFilter")
        for statuses, text in ((((), _("All messages")), (("waiting", "sending"), _("Waiting")),
                                (("failed",), _("Failed")), (("sent",), _("Sent")))):
            self.filter.addItem(text, statuses)
        caption = QLabel(_("&Show"))
        caption.setBuddy(self.filter)
        self.filter.currentIndexChanged.connect(self.refresh)
        self.table = QTableWidget(0, 7, objectName="outboxTable")
        self.table.setHorizontalHeaderLabels([_("Document"), _("Member"), _("Message"), _("To"),
                                              _("Status"), _("When"), _("Problem")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Read like the window's other lists: no row numbers or grid, headers over their text,
        # each column as wide as what it holds and the problem taking what is left.
        self.table.verticalHeader().setVisible(False)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selected)
        self.again_button = QPushButton(_("Send &again"), objectName="sendAgainButton")
        self.again_button.clicked.connect(self.send_again)
        self.empty_label = QLabel(objectName="outboxEmpty")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(caption)
        top.addWidget(self.filter)
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.again_button)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(bottom)
        self.entries: list[Any] = []
        self.refresh()

    def refresh(self) -> None:
        try:
            self.entries = self._mail.entries(tuple(self.filter.currentData() or ()))
        except Exception as exc:
            show_error(self, _("Outbox"), user_message(exc))
            self.entries = []
        f = self._formatter
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            when = entry.sent_at if entry.status == "sent" else entry.due_at
            for column, text in enumerate((
                    entry.number, entry.member, message_text(entry.level), entry.recipient,
                    status_text(entry.status), f.datetime_short(when),
                    entry.failure_sentence)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)  # whole where its column is narrower
                item.setData(Qt.ItemDataRole.UserRole, entry.id)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        # A long address would push When and Problem out of sight: it gives way first.
        self.table.setColumnWidth(TO, min(self.table.columnWidth(TO), 260))
        self.empty_label.setText("" if self.entries else _("No messages here."))
        self.empty_label.setVisible(not self.entries)
        self._selected()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if not self._fitted:  # the first time: as wide as it likes, or what the screen has
            self._fitted = True
            fit_to_screen(self, QSize(860, 460))
        super().showEvent(event)

    def current(self) -> Any:
        row = self.table.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def _selected(self) -> None:
        entry = self.current()
        able = entry is not None and entry.status in ("failed", "waiting")
        self.again_button.setEnabled(able)
        self.again_button.setToolTip("" if able else _(
            "Select a message that failed or waits to send it again now."))

    def send_again(self) -> bool:
        entry = self.current()
        if entry is None or entry.status not in ("failed", "waiting"):
            return False
        try:
            self._run(self._mail.send_again, entry.id, source=self)
        except Exception as exc:
            show_error(self, _("Send again"), user_message(exc))
            return False
        if self._send_now is not None:
            self._send_now()
        self.refresh()
        return True
