"""The Invoices tab and the document list model shared with the member page: every document
type (rule 17), filtered by type, payment status and period, with totals that reconcile in
words (rule 23: invoiced − paid = outstanding; credited; overdue) and the PDFs of a day."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import payments as rules
from desktop.formats.registry import command
from desktop.i18n import N_, _
from desktop.ui.common.icons import icon
from desktop.ui.common.tables import RowTableModel
from desktop.ui.common.widgets import (
    TableView,
    label,
    show_error,
    user_message,
)
from desktop.ui.common.workers import run_in_background
from desktop.ui.invoices.day_files import write_day_files
from desktop.ui.invoices.invoice_view import InvoiceTools, InvoiceView, plain_document
from desktop.ui.invoices.periods import period_range, periods
from desktop.ui.invoices.words import status_word, type_filters, type_text

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
    paid: int = 0
    status: str = ""


class InvoiceListModel(RowTableModel):
    """Documents: number, type, (member,) issued, due, total, outstanding, status; the member
    page lists its own columns (`columns`: keys of COLUMN_TITLES)."""

    InvoiceIdRole = RowTableModel.IdRole
    LIST = ("number", "type", "member", "issued", "due_date", "total", "due", "status")

    def __init__(self, formatter: Any, with_member: bool = False, parent=None,
                 columns: tuple[str, ...] | None = None):
        keys = columns or tuple(k for k in self.LIST if with_member or k != "member")
        titles = column_titles()
        super().__init__(formatter, (titles[k] for k in keys), parent=parent,
                         right=tuple(i for i, k in enumerate(keys) if k in ("total", "due")))
        self._keys = keys

    def column_of(self, key: str) -> int:
        return self._keys.index(key)

    def cell_text(self, row: Any, column: int) -> str:
        f = self._formatter
        key = self._keys[column]
        if key == "due":
            # "Outstanding": what the document still lacks after its allocations (rule 21);
            # a credit note or a deposit return lacks nothing, it credits.
            if row.total < 0:
                return "—"
            left = getattr(row, "outstanding", None)
            return f.money(left if left is not None
                           else max(0, row.amount_due - getattr(row, "paid", 0)))
        if key == "issued":
            return f.date(row.issue_date)
        if key == "billing":
            # Rule 18: the billing date, and the issue date beside it when the document was
            # made later (a catch-up, a contract entered after it started).
            billed = getattr(row, "billing_date", None) or row.issue_date
            if billed == row.issue_date:
                return f.date(billed)
            return _("{billing} / {issued}").format(billing=f.date(billed),
                                                     issued=f.date(row.issue_date))
        if key == "due_date":
            due = getattr(row, "due_date", None)
            return f.date(due) if due is not None and row.total >= 0 else "—"
        return {"number": lambda: row.number,
                "type": lambda: type_text(getattr(row, "type", "invoice")),
                "member": lambda: getattr(row, "member_name", ""),
                "total": lambda: f.money(row.total),
                "status": lambda: status_word(row),
                }[key]()


    def cell_data(self, row: Any, column: int, role: int) -> Any:
        if role != Qt.ItemDataRole.ToolTipRole:
            return None
        f = self._formatter
        billed = getattr(row, "billing_date", None) or row.issue_date
        return _("Billing date {billing}, issued {issued}. Double-click to see the "
                 "document.").format(billing=f.date(billed), issued=f.date(row.issue_date))


def keep_readable(table: Any, stretch: int, minimum: int, drop: tuple[int, ...]) -> None:
    """Keep the `stretch` column readable in a narrow table (scale 2, a narrow pane): the
    columns in `drop` give way, first ones first, at the widths their contents ask for."""
    header = table.horizontalHeader()
    widths = {c: max(table.sizeHintForColumn(c), header.sectionSizeHint(c))
              for c in range(table.model().columnCount()) if c != stretch}
    table.keep_readable(stretch, minimum, widths, drop)


def column_titles() -> dict[str, str]:
    return {"number": _("Number"), "type": _("Type"), "member": _("Member"),
            "billing": _("Billing / issue date"), "issued": _("Issued"), "due_date": _("Due"),
            "total": _("Total"), "due": _("Outstanding"), "status": _("Status")}


def open_invoice(parent: QWidget, invoices: Any, invoice_id: int, formatter: Any,
                 member_name: str = "", tools: InvoiceTools | None = None) -> InvoiceView | None:
    """Show an invoice's document in a window-modal dialog; a problem is told in a message box."""
    try:
        document = (tools.documents.invoice(invoice_id) if tools is not None
                    else plain_document(invoices.get(invoice_id), member_name))
    except Exception as exc:
        show_error(parent, _("Invoice"), user_message(exc))
        return None
    view = InvoiceView(document, formatter, tools, parent)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    view.open()
    return view


def status_filters() -> list[tuple[str, str]]:
    return [("all", _("Any status")), (rules.UNPAID, _("Unpaid")),
            (rules.PARTLY_PAID, _("Partly paid")), (rules.PAID, _("Paid")),
            (rules.OVERDUE, _("Overdue")), (rules.CREDITED, _("Credited")),
            # Rule 29: by what mail did with them.
            ("not_sent", _("Not sent yet")), ("mail_failed", _("Sending failed"))]


class InvoicesPage(QWidget):
    """The Invoices tab: the latest invoices of a status and period, their totals; double-click
    opens one; "PDFs of a day" writes the invoices issued on a day into a folder."""

    loaded = Signal()
    memberChanged = Signal(int)  # noqa: N815  (a payment was recorded for this member)

    def __init__(self, invoices: Any, formatter: Any, parent: QWidget | None = None,
                 tools: InvoiceTools | None = None):
        super().__init__(parent)
        self.setObjectName("invoicesPage")
        self._invoices = invoices
        self._formatter = formatter
        self._tools = tools
        self._job = None
        self._again = False
        self.model = InvoiceListModel(formatter, with_member=True, parent=self)
        self._empty_text = _("No invoices yet. They are issued on each contract's invoice dates.")
        self.table = TableView("invoiceTable", self._empty_text)
        self.table.setModel(self.model)
        self.table.set_column_modes(self.model.column_of("member"))
        self.table.activated.connect(self._open)  # Enter or a double click
        self.status_label = label("", "muted", wrap=True)
        self.totals_label = QLabel(objectName="invoiceTotals")
        self.totals_label.setWordWrap(True)  # the sentence never widens the window (scale 2)
        self.totals_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.status_filter = QComboBox(objectName="invoiceStatusFilter")
        for key, text in status_filters():
            self.status_filter.addItem(text, key)
        self.status_filter.setAccessibleName(_("Payment status"))
        self.type_filter = QComboBox(objectName="invoiceTypeFilter")
        for key, text in type_filters():
            self.type_filter.addItem(text, key)
        self.type_filter.setAccessibleName(_("Document type"))
        self.period_filter = QComboBox(objectName="invoicePeriodFilter")
        for key, text in periods():
            self.period_filter.addItem(text, key)
        self.period_filter.setAccessibleName(_("Issued in"))
        status_caption, period_caption = QLabel(_("&Status")), QLabel(_("&Issued"))
        type_caption = QLabel(_("T&ype"))
        status_caption.setBuddy(self.status_filter)
        period_caption.setBuddy(self.period_filter)
        type_caption.setBuddy(self.type_filter)
        self.type_filter.currentIndexChanged.connect(self.refresh)
        self.status_filter.currentIndexChanged.connect(self.refresh)
        self.period_filter.currentIndexChanged.connect(self.refresh)
        refresh = QPushButton(icon("refresh"), _("Refresh"))
        refresh.clicked.connect(self.refresh)
        self.batch_button = QPushButton(_("PDFs of a &day…"), objectName="invoiceBatchPdfButton")
        self.batch_button.setToolTip(_("Write the invoices issued on a day as PDFs into a "
                                       "folder, one file per invoice named by its number."))
        self.batch_button.clicked.connect(lambda: self.write_day_pdfs())
        if tools is None:
            self.batch_button.setEnabled(False)
            self.batch_button.setToolTip(_("Invoice documents cannot be made in this window."))

        # The filters above the list, the buttons beside the sentences below it: in one row
        # with the type filter they made the window wider than a screen at scale 2.
        top = QHBoxLayout()
        for widget in (type_caption, self.type_filter, status_caption, self.status_filter,
                       period_caption, self.period_filter):
            top.addWidget(widget)
            if isinstance(widget, QComboBox):  # may be narrower than its longest entry
                widget.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                widget.setMinimumContentsLength(9)
        top.addStretch(1)
        words = QVBoxLayout()
        words.addWidget(self.totals_label)
        words.addWidget(self.status_label)
        bottom = QHBoxLayout()
        bottom.addLayout(words, 1)
        bottom.addWidget(self.batch_button, 0, Qt.AlignmentFlag.AlignTop)
        bottom.addWidget(refresh, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def set_formatter(self, formatter: Any) -> None:
        self._formatter = formatter
        self.model.set_formatter(formatter)

    def filters(self) -> dict[str, Any]:
        """The service's keyword arguments for the chosen type, status and period."""
        today = self._tools.clock.today() if self._tools is not None else None
        start, end = period_range(self.period_filter.currentData(), today)
        return {"status": self.status_filter.currentData(), "start": start, "end": end,
                "kind": self.type_filter.currentData()}

    def on_changes(self, changes: Any) -> None:
        """Invoices issued or paid; a page never loaded reads them when first shown."""
        if changes.touches_invoices() and self.model.rowCount():
            self.refresh()

    def refresh(self) -> None:
        if self._job is not None:
            self._again = True  # the filter changed while loading: load again when done
            return
        self.status_label.setText(_("Loading…"))
        self.table.set_empty_text("")  # not "no invoices" before they are read
        filters = self.filters()
        self._job = run_in_background(lambda: self._read(filters), self._loaded, self._failed)

    def _read(self, filters: dict) -> tuple[list, Any]:
        if self._tools is None and filters == {"status": "all", "start": None, "end": None,
                                               "kind": "all"}:
            return list(self._invoices.recent(limit=RECENT_LIMIT)), None
        rows = list(self._invoices.recent(limit=RECENT_LIMIT, **filters))
        return rows, self._invoices.totals(**filters)

    def _loaded(self, result) -> None:
        self._job = None
        rows, totals = result
        filters = self.filters()
        self.table.set_empty_text(self._empty_text if (filters["status"], filters["kind"])
                                  == ("all", "all") else _("No documents match this filter."))
        self.model.set_rows(rows)
        keep_readable(self.table, self.model.column_of("member"), 120,
                      (self.model.column_of("due_date"), self.model.column_of("issued")))
        self.totals_label.setText(self._totals_text(totals))
        self.status_label.setText(
            _("Double-click a document to see it, print it or record a payment.") if rows else "")
        if self._again:
            self._again = False
            self.refresh()
            return
        self.loaded.emit()

    def _totals_text(self, totals: Any) -> str:
        """Rule 23 in words, over every document of the filter: what was invoiced, paid of it
        (by payments and credit) and still outstanding add up on screen; then what was
        credited and how much of the outstanding is overdue."""
        if totals is None:
            return ""
        f = self._formatter
        return N_("{count} document · invoiced {invoiced} · paid {paid} · outstanding "
                  "{outstanding} ({invoiced} − {paid} = {outstanding}) · credited {credited} · "
                  "overdue {overdue}",
                  "{count} documents · invoiced {invoiced} · paid {paid} · outstanding "
                  "{outstanding} ({invoiced} − {paid} = {outstanding}) · credited {credited} · "
                  "overdue {overdue}", totals.count).format(
            count=totals.count, invoiced=f.money(totals.issued), paid=f.money(totals.paid),
            outstanding=f.money(totals.outstanding), credited=f.money(totals.credited),
            overdue=f.money(totals.overdue))

    def _failed(self, exc) -> None:
        self._job = None
        self._again = False
        self.status_label.setText(user_message(exc))
        self.loaded.emit()

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            row = self.model.row_at(index.row())
            view = open_invoice(self, self._invoices, row.id, self._formatter, row.member_name,
                                self._tools)
            if view is not None:
                view.paymentRecorded.connect(self._paid)

    def _paid(self, member_id: int) -> None:
        self.refresh()
        self.memberChanged.emit(member_id)

    def write_day_pdfs(self, day: date | None = None, folder: str | None = None) -> list[Path]:
        """Ask for a day and a folder, then write that day's invoices as PDFs."""
        if self._tools is None:
            return []
        return write_day_files(self, command("pdf"), self._tools, self._formatter, day, folder)
