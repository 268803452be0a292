"""The History tab: the contract's audit rows (rule 20) in a read-only table."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QVBoxLayout, QWidget

from desktop.domain.periods import parse_frequency
from desktop.i18n import N_, _
from desktop.ui.common.tables import RowTableModel
from desktop.ui.common.widgets import TableView


def field_caption(name: str) -> str:
    """A contract field as the editor names it; anything else readable as written."""
    captions = {
        "plan": _("Plan"), "next_plan": _("Next plan"), "custom_price": _("Custom price"),
        "quantity": _("Quantity"), "start_date": _("Start date"),
        "next_invoice_date": _("Next invoice date"), "billing_anchor": _("Billing anchor"),
        "cancellation_date": _("Cancellation date"),
        "prorate_last_invoice": _("Prorate last invoice"),
        "prorate_first_invoice": _("Prorate first invoice"), "notes": _("Notes"),
        "predecessor": _("Predecessor"), "status": _("Status"), "price": _("Price"),
        "add_ons": _("Add-ons"), "created": _("Created"), "deleted": _("Deleted"),
        "payment_recorded": _("Payment recorded"),
        "credit_balance_refunded": _("Credit balance refunded"),
        "credit_balance": _("Credit balance"), "deposit_held": _("Deposit held"),
        "deposit": _("Deposit"), "frequency": _("Frequency"), "logo": _("Logo"),
        "archived": _("Archived"), "name": _("Name"), "kind": _("Kind"),
        "commitment_end": _("Commitment end"), "notice_period": _("Notice period"),
        "notice_and_commitment_waived": _("Notice and commitment waived"),
        "ends_at_commitment_end": _("Ends at commitment end"),
        "charge_recorded": _("Charge recorded"),
    }
    # Rows name a field by key ("next_invoice_date") or by the English label the audit stored
    # ("Next invoice date"); both read in the reader's language.
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    return captions.get(key, name.replace("_", " ").capitalize())


_DATES = {"start_date", "billing_anchor", "next_invoice_date", "cancellation_date",
          "commitment_end"}
_MONEY = {"custom_price", "price", "deposit", "credit_balance", "deposit_held",
          "payment_recorded", "credit_balance_refunded"}
_PAYMENTS = {"payment_recorded", "credit_balance_refunded"}


def _payment_text(values: dict, formatter) -> str:
    """A payment's audit value: amount, invoice, date, method and reference (and the balance
    left after a refund)."""
    parts = [formatter.money(int(values["amount"]))]
    if values.get("invoice"):
        parts.append(str(values["invoice"]))
    parts.append(formatter.date(date.fromisoformat(values["date"])))
    parts += [str(values[k]) for k in ("method", "reference") if values.get(k)]
    text = ", ".join(parts)
    if "balance" in values:
        return _("{balance} ({payment})").format(balance=formatter.money(int(values["balance"])),
                                                 payment=text)
    return text


# The fields whose values are the services' own words; any other value (a name, a note that
# happens to read "no") is the person's and shown as written.
_WORDED = {"prorate_last_invoice", "prorate_first_invoice", "archived", "kind", "frequency"}


def _words(value: str) -> str:
    words = {"on": _("on"), "off": _("off"), "yes": _("yes"), "no": _("no"),
             "one-off": _("one-off"), "plan": _("Plan"), "addon": _("Add-on")}
    return words.get(value, value)


def value_text(field: str, value: str, formatter) -> str:
    """A stored raw value as the reader reads it (issue 10): ISO dates and minor units in the
    site's locale, a payment's details, frequencies, the logo's size and the yes/no and on/off
    switches in the reader's language, names as written."""
    key = field.strip().lower().replace(" ", "_")
    try:
        if key in _DATES and value:
            return formatter.date(date.fromisoformat(value))
        if key in _PAYMENTS and value.startswith("{"):
            return _payment_text(json.loads(value), formatter)
        if key in _MONEY and value:
            return formatter.money(int(value))
        if key == "frequency" and value and value != "one-off":
            return formatter.frequency(parse_frequency(value))
        if key == "logo" and value:
            return N_("{count} byte", "{count} bytes", int(value)).format(
                count=formatter._count(int(value)))
    except (ValueError, KeyError, TypeError, AttributeError):
        return value  # written by hand, by a tool or by an older version: shown as it is
    return _words(value) if key in _WORDED else value


# Who the audit names for what no operator did (desktop/ledger/audit.py, SYSTEM; the window does
# not import the ledger).
AUTOMATIC = "system"


class HistoryModel(RowTableModel):
    """Rows of ContractState.history: when, who, what, old value, new value."""

    COLUMNS = ("at", "who", "field", "old", "new")

    def __init__(self, formatter, parent=None):
        super().__init__(formatter, (_("When"), _("Who"), _("Change"), _("Old value"),
                                     _("New value")), parent=parent)

    def ordered(self, rows: Sequence) -> list:
        # Newest first: the question is usually "what happened lately".
        return sorted(rows, key=lambda row: row.at, reverse=True)

    def cell_text(self, row, column: int) -> str:
        key = self.COLUMNS[column]
        if key == "at":
            return self._formatter.datetime_short(row.at)
        if key == "field":
            return field_caption(row.field)
        if key == "who" and row.who == AUTOMATIC:
            return _("system")  # the audit's own word for the timer and imports, translated
        return value_text(row.field, str(getattr(row, key) or ""), self._formatter)

    def cell_data(self, row, column: int, role: int):
        """Every cell reads in full on hover (long old and new values)."""
        return self.cell_text(row, column) if role == Qt.ToolTipRole else None


class HistoryTab(QWidget):
    """The audit table, with a sentence while there is nothing to show."""

    def __init__(self, formatter):
        super().__init__()
        self.model = HistoryModel(formatter, self)
        self.table = TableView("historyTable", _("No changes recorded yet."))
        self.table.setAccessibleName(_("History"))
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setStretchLastSection(True)
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 12, 12, 12)
        column.addWidget(self.table)

    def show_history(self, rows: Sequence) -> None:
        self.model.set_rows(rows)
