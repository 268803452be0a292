"""The change-plan assistant's comparison: one column per "when", with the documents that bill
the change line by line (credit for unused time, charges, tax, the deposit request of that day,
what the credit balance pays), pay now, the next billing and the credit balance after (rules 12,
15, 17, 22). In the "now" column the figures add up to pay now."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop.domain.plan_changes import same_plan
from desktop.i18n import _
from desktop.ui.common.style import colour

WHENS = ("now", "next_invoice", "date")


@dataclass(frozen=True)
class Column:
    """One way of applying the change: its caption, and the quote (or why there is none)."""

    when: str
    caption: str
    option: object | None = None
    problem: str = ""


class ComparisonModel(QAbstractTableModel):
    """Rule 12's checkout figures side by side so a manager can compare before applying."""

    ROWS = ("on", "credit", "charges", "tax", "deposit", "from_credit", "pay_now",
            "next_billing_date", "next_billing_amount", "balance_after")

    def __init__(self, formatter, parent=None):
        super().__init__(parent)
        self._fmt = formatter
        self._columns: list[Column] = []
        self._selected = 0

    def set_columns(self, columns: list[Column]) -> None:
        self.beginResetModel()
        self._columns = list(columns)
        self.endResetModel()

    def columns(self) -> list[Column]:
        return list(self._columns)

    def set_selected(self, column: int) -> None:
        """Highlight the column the operator will apply."""
        self._selected = column
        if self._columns:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.ROWS) - 1, len(self._columns) - 1))
            self.headerDataChanged.emit(Qt.Horizontal, 0, len(self._columns) - 1)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ROWS)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal:
            if not 0 <= section < len(self._columns):
                return None
            if role == Qt.DisplayRole:
                return two_lines(self._columns[section].caption)
            if role == Qt.ToolTipRole:  # why this way cannot be applied, if it cannot
                return self._columns[section].problem or None
            if role == Qt.FontRole and section == self._selected:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.DisplayRole and 0 <= section < len(self.ROWS):
            return (_("Takes effect"), _("Credit for unused time"), _("Charges"), _("Tax"),
                    _("Refundable deposit"), _("From the credit balance"), _("Pay now"),
                    _("Next billing date"), _("Next billing amount"),
                    _("Credit balance after"))[section]
        if role == Qt.ToolTipRole and 0 <= section < len(self.ROWS):
            if self.ROWS[section] in ("credit", "charges", "tax"):
                return _("On the invoice that bills the change.")
            if self.ROWS[section] == "deposit":
                return _("On a deposit request of its own, issued the same day (not taxed).")
            if self.ROWS[section] == "from_credit":
                return _("What the member's credit balance pays of these documents.")
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.ROWS)
                                       and 0 <= index.column() < len(self._columns)):
            return None
        column = self._columns[index.column()]
        row = self.ROWS[index.row()]
        if role == Qt.ToolTipRole and column.problem:
            return column.problem
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            if column.option is None:
                return column.problem if role == Qt.ToolTipRole else "—"
            return self._text(column.option, row)
        if role == Qt.ForegroundRole and column.problem:
            return QBrush(QColor(colour("muted")))  # shown for comparison, not to be chosen
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.FontRole and row in ("pay_now", "next_billing_amount"):
            font = QFont()
            font.setBold(row == "pay_now")
            return font
        if role == Qt.BackgroundRole and index.column() == self._selected:
            return QBrush(QColor(colour("selection")))
        return None

    def _text(self, option, row: str) -> str:
        fmt = self._fmt
        if getattr(option, "no_change", False):
            return self._unchanged(option, row)
        invoice = getattr(option, "change_invoice", None)
        if row in ("credit", "charges", "tax"):
            if invoice is None:
                return "—"
            if row == "tax":
                return fmt.money(invoice.tax)
            credit = sum(line.amount for line in invoice.lines if line.amount < 0
                         and line.kind not in ("deposit", "deposit_refund"))
            if row == "credit":
                return fmt.money(credit) if credit else "—"
            charges = sum(line.amount for line in invoice.lines if line.amount > 0
                          and line.kind not in ("deposit", "deposit_refund"))
            return fmt.money(charges)
        if row == "from_credit":
            # Rule 22: the credit balance pays first; what it pays closes the sum to pay now.
            if invoice is None or option.when != "now":
                return "—"
            used = max(invoice.total + option.deposit - option.pay_now, 0)
            return fmt.money(-used) if used else "—"
        if row == "balance_after":
            return fmt.money(getattr(option, "balance_after_change", 0))
        if row == "on":
            return fmt.date(option.on) if option.on is not None else "—"
        if row == "pay_now":
            return fmt.money(option.pay_now)
        if row == "next_billing_date":
            return fmt.date(option.next_billing_date) if option.next_billing_date else "—"
        if row == "deposit":
            # Rule 15: the deposit request of the change's own day, beside the invoice.
            if not option.deposit:
                return "—"
            if option.deposit_date == option.on:
                return fmt.money(option.deposit)
            return _("{amount} on {day}").format(amount=fmt.money(option.deposit),
                                                 day=fmt.date(option.deposit_date))
        if option.next_billing_date is None:
            return "—"
        return fmt.money(option.next_billing_amount)


    def _unchanged(self, option, row: str) -> str:
        """A selection that changes nothing charges nothing: the billing goes on as it is."""
        fmt = self._fmt
        if row == "on":
            return _("No change")
        if row == "charges":
            return _("Nothing charged")
        if row == "pay_now":
            return fmt.money(0)
        if row == "next_billing_date":
            return fmt.date(option.next_billing_date) if option.next_billing_date else "—"
        if row == "next_billing_amount" and option.next_billing_date is not None:
            return _("{amount} (unchanged)").format(amount=fmt.money(option.next_billing_amount))
        return "—"


def blocked_reason(contract, plan, when: str) -> str:
    """Rule 9: a custom price stops the next plan switching on its own (change it now or on a
    date instead: that cancels and starts a new term)."""
    if (when == "next_invoice" and contract.custom_price is not None
            and not same_plan(plan, contract.plan)):
        return _("This contract has a custom price, so it cannot switch plans on its next "
                 "invoice date; change it now or on a chosen date instead.")
    return ""


def commitment_note(contract, fmt) -> str:
    """Rule 25: a change of plan ends no commitment: it and the notice carry over to the new
    plan (no early termination fee); "" for a contract bound by neither."""
    if contract.commitment_end is not None:
        return _("Committed until {date}: the commitment and the notice period carry over to "
                 "the new plan, so changing plans ends neither.").format(
            date=fmt.date(contract.commitment_end))
    if contract.notice is not None:
        return _("The notice period of {notice} carries over to the new plan.").format(
            notice=fmt.frequency(contract.notice))
    return ""


def applied_sentence(fmt, contract, plan, quantity: int, when: str, option, chosen) -> str:
    """What was done, said once the change is applied."""
    pay_now = fmt.money(option.pay_now) if option is not None else ""
    if same_plan(plan, contract.plan) and quantity == contract.quantity:
        # Rule 16: add-ons alone are bought on the contract, which goes on as it is.
        return _("Done: the add-ons were added to this contract; the member pays {amount} "
                 "now.").format(amount=pay_now)
    if when == "now":
        return _("Done: {plan} replaces {old} from today; the member pays {amount} now."
                 ).format(plan=plan.name, old=contract.plan.name, amount=pay_now)
    day = option.on if option is not None and option.on else chosen
    return _("Scheduled: the contract switches to {plan} on {day}.").format(
        plan=plan.name, day=fmt.date_long(day))


def two_lines(caption: str, longest: int = 18) -> str:
    """A long column caption on two lines, broken at the space nearest its middle, so the three
    columns keep their width in every language ("On the next invoice date" in Spanish)."""
    if len(caption) <= longest or "\n" in caption or " " not in caption:
        return caption
    middle = len(caption) // 2
    at = min((i for i, char in enumerate(caption) if char == " "), key=lambda i: abs(i - middle))
    return caption[:at] + "\n" + caption[at + 1:]


def fit_rows(table) -> None:
    """Show every row of the comparison without a scroll bar or blank space below."""
    table.resizeRowsToContents()
    rows = sum(table.rowHeight(row) for row in range(table.model().rowCount()))
    table.setFixedHeight(table.horizontalHeader().sizeHint().height() + rows
                         + 2 * table.frameWidth())
