"""The Invoices tab and the invoice list model shared with the member page."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from desktop.i18n import _
from desktop.ui.common.icons import icon
from desktop.ui.common.tables import RowTableModel
from desktop.ui.common.widgets import TableView, label, show_error, user_message
from desktop.ui.common.workers import run_in_background
from desktop.ui.invoices.invoice_view import InvoiceView

_log = logging.getLogger(__name__)
RECENT_LIMIT = 200


@dataclass(frozen=True)
class InvoiceListRow:
    """An invoice in a list; member fields are empty on a member's own page."""

    id: int
    number: str
    issue_date: date
    total: int
    amount_due: int
    member_id: int | None = None
    member_name: str = ""


class InvoiceListModel(RowTableModel):
    """Invoices: number, (member,) issued, total, amount due."""

    InvoiceIdRole = RowTableModel.IdRole

    def __init__(self, formatter: Any, with_member: bool = False, parent=None):
        columns = {"number": _("Number"), "member": _("Member"), "issued": _("Issued"),
                   "total": _("Total"), "due": _("Amount due")}
        if not with_member:
            del columns["member"]
        keys = tuple(columns)
        super().__init__(formatter, columns.values(), parent=parent,
                         right=(keys.index("total"), keys.index("due")))
        self._keys = keys

    def cell_text(self, row: Any, column: int) -> str:
        f = self._formatter
        return {"number": lambda: row.number,
                "member": lambda: getattr(row, "member_name", ""),
                "issued": lambda: f.date(row.issue_date),
                "total": lambda: f.money(row.total),
                "due": lambda: f.money(row.amount_due)}[self._keys[column]]()


def open_invoice(parent: QWidget, invoices: Any, invoice_id: int, formatter: Any,
                 member_name: str = "") -> InvoiceView | None:
    """Show an invoice in a window-modal dialog; a problem is told in a message box."""
    try:
        invoice = invoices.get(invoice_id)
    except Exception as exc:
        show_error(parent, _("Invoice"), user_message(exc))
        return None
    view = InvoiceView(invoice, formatter, member_name, parent)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    view.open()
    return view


def recent_invoices(invoices: Any) -> list[Any]:
    """The latest invoices, newest first (InvoiceService.recent)."""
    return list(invoices.recent(limit=RECENT_LIMIT))


class InvoicesPage(QWidget):
    """The Invoices tab: the most recent invoices; double-click opens one."""

    loaded = Signal()

    def __init__(self, invoices: Any, formatter: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("invoicesPage")
        self._invoices = invoices
        self._formatter = formatter
        self._job = None
        self.model = InvoiceListModel(formatter, with_member=True, parent=self)
        self._empty_text = _("No invoices yet. They are issued on each contract's invoice dates.")
        self.table = TableView("invoiceTable", self._empty_text)
        self.table.setModel(self.model)
        self.table.set_column_modes(1)
        self.table.activated.connect(self._open)
        self.status_label = label("", "muted", wrap=True)
        refresh = QPushButton(icon("refresh"), _("Refresh"))
        refresh.clicked.connect(self.refresh)

        top = QHBoxLayout()
        top.addWidget(label(_("Recent invoices"), "sectionTitle"))
        top.addStretch(1)
        top.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status_label)

    def set_formatter(self, formatter: Any) -> None:
        self._formatter = formatter
        self.model.set_formatter(formatter)

    def refresh(self) -> None:
        if self._job is not None:
            return
        self.status_label.setText(_("Loading…"))
        self.table.set_empty_text("")  # not "no invoices" before they are read
        self._job = run_in_background(lambda: recent_invoices(self._invoices),
                                      self._loaded, self._failed)

    def _loaded(self, rows) -> None:
        self._job = None
        self.table.set_empty_text(self._empty_text)
        self.model.set_rows(rows)
        self.status_label.setText(
            _("Double-click an invoice to see its lines.") if rows else "")
        self.loaded.emit()

    def _failed(self, exc) -> None:
        self._job = None
        self.status_label.setText(user_message(exc))
        self.loaded.emit()

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            row = self.model.row_at(index.row())
            open_invoice(self, self._invoices, row.id, self._formatter, row.member_name)
