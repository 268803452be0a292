"""An issued invoice, line by line (rule 17): period, proration ("12 of 31 days"), amounts, totals."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import _
from desktop.ui.common.tables import ROLE, RowTableModel
from desktop.ui.common.widgets import TableView, label


def line_kind_text(kind: str) -> str:
    return {"plan": _("Plan"), "unused": _("Unused time"), "addon": _("Add-on"),
            "deposit": _("Deposit"), "deposit_refund": _("Deposit refund")}.get(kind, kind)


class InvoiceLinesModel(RowTableModel):
    """The lines of one invoice: description, period, proration, amount."""

    def __init__(self, formatter: Any, lines=(), parent=None):
        super().__init__(formatter, (_("Description"), _("Period"), _("Proration"), _("Amount")),
                         right=(3,), parent=parent)
        self.set_rows(lines)

    def cell_text(self, line: Any, column: int) -> str:
        f = self._formatter
        if column == 0:
            return line.description
        if column == 1:
            if line.period_start and line.period_end:
                return f.period(line.period_start, line.period_end)
            return ""
        if column == 2:
            if line.days is not None and line.period_days:
                return f.days_of(line.days, line.period_days)
            return ""
        return f.money(line.amount)

    def cell_data(self, line: Any, column: int, role: int) -> Any:
        if role == ROLE.ToolTipRole and column == 0:
            return line_kind_text(line.kind)
        return None


class InvoiceView(QDialog):
    """A read-only invoice: header, lines and the five totals of rule 17."""

    def __init__(self, invoice: Any, formatter: Any, member_name: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("invoiceView")
        self.invoice = invoice
        number = invoice.number or _("(draft)")
        self.setWindowTitle(_("Invoice {number}").format(number=number))
        self.resize(720, 460)

        title = label(_("Invoice {number}").format(number=number), "pageTitle")
        subtitle = _("Issued {date}").format(date=formatter.date_long(invoice.issue_date))
        if member_name:
            subtitle = _("{member} · {issued}").format(member=member_name, issued=subtitle)
        header = QVBoxLayout()
        header.setSpacing(2)
        header.addWidget(title)
        header.addWidget(label(subtitle, "muted"))

        self.lines_model = InvoiceLinesModel(formatter, invoice.lines, self)
        self.table = TableView("invoiceLines", _("This invoice has no lines."))
        self.table.setModel(self.lines_model)
        self.table.setSelectionMode(TableView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.set_column_modes(0)

        self.total_labels: dict[str, QLabel] = {}
        totals = QGridLayout()
        totals.setHorizontalSpacing(24)
        totals.setVerticalSpacing(4)
        rows = (("subtotal", _("Subtotal"), invoice.subtotal),
                ("tax", _("Tax"), invoice.tax),
                ("total", _("Total"), invoice.total),
                ("credit_applied", _("Credit applied"), -invoice.credit_applied
                 if invoice.credit_applied else 0),
                ("amount_due", _("Amount due"), invoice.amount_due))
        for row, (key, caption, amount) in enumerate(rows):
            name = QLabel(caption)
            value = QLabel(formatter.money(amount))
            value.setObjectName(f"invoice_{key}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if key in ("total", "amount_due"):
                bold = QFont(value.font())
                bold.setBold(True)
                name.setFont(bold)
                value.setFont(bold)
            totals.addWidget(name, row, 0)
            totals.addWidget(value, row, 1)
            self.total_labels[key] = value
        totals_row = QHBoxLayout()
        totals_row.addStretch(1)
        totals_row.addLayout(totals)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addWidget(self.table, 1)
        layout.addLayout(totals_row)
        layout.addWidget(buttons)
