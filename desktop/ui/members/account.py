"""The member's account on the member page (rules 15, 21, 22, 23): the payments, refunds and
credit put against documents with what each paid, rule 23's totals said in words so they add up
on screen, the deposit required, held and requested, and why each money action is or is not
offered now."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from desktop.i18n import _
from desktop.ui.common.tables import RowTableModel
from desktop.ui.common.widgets import StatCard, label
from desktop.ui.invoices.payment_dialog import method_text


class DetailCard(StatCard):
    """A stat card with a line under its value (of which overdue; required and requested)."""

    def __init__(self, caption: str, name: str):
        super().__init__(caption)
        self.value.setObjectName(f"{name}Value")
        self.detail = label("", "muted", wrap=True)
        self.detail.setObjectName(f"{name}Detail")
        self.layout().addWidget(self.detail)

    def set_detail(self, text: str) -> None:
        self.detail.setText(text)
        self.detail.setVisible(bool(text))


def paid_text(entry: Any, formatter: Any) -> str:
    """What a payment or the credit paid: each document and its share, and what became credit."""
    f = formatter
    parts = [_("{number} {amount}").format(number=d.number, amount=f.money(d.amount))
             for d in entry.paid]
    if entry.amount < 0:
        return _("Paid out of the credit balance")
    if entry.to_credit:
        parts.append(_("{amount} to credit balance").format(amount=f.money(entry.to_credit)))
    return ", ".join(parts)


class AccountEntryModel(RowTableModel):
    """Payments received, refunds paid out and credit put against documents, newest first."""

    def __init__(self, formatter: Any, parent=None):
        super().__init__(formatter, (_("Date"), _("Kind"), _("Amount"), _("Method"),
                                     _("Reference"), _("Paid")), right=(2,), parent=parent)

    def cell_text(self, row: Any, column: int) -> str:
        f = self._formatter
        if column == 0:
            return f.date(row.date)
        if column == 1:
            if row.from_credit:
                return _("From credit")
            return _("Refund") if row.amount < 0 else _("Payment")
        if column == 2:
            return f.money(abs(row.amount))
        if column == 3:
            return method_text(row.method) if row.method else ""
        if column == 4:
            return row.reference
        return paid_text(row, f)

    def cell_data(self, row: Any, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column == 5:
            return paid_text(row, self._formatter)
        return None


def totals_sentence(summary: Any, formatter: Any) -> str:
    """Rule 23 in words, in the order it adds up: invoiced − credited = received − refunded −
    credit + outstanding."""
    t, f = summary.totals, formatter
    return _("Invoiced {invoiced} − credited {credited} = received {received} − refunded "
             "{refunded} − credit {credit} + outstanding {outstanding}").format(
        invoiced=f.money(t.invoiced), credited=f.money(t.credited), received=f.money(t.received),
        refunded=f.money(t.refunded), credit=f.money(t.credit_balance),
        outstanding=f.money(t.outstanding))


def refund_refused(summary: Any, formatter: Any, can_record: bool) -> str:
    """Why *Refund credit…* is not offered now, or "" (rule 22: only what is left after
    offsetting the credit against open documents can be refunded)."""
    if not can_record:
        return _("Refunds cannot be recorded in this window.")
    if summary.credit_balance <= 0:
        return _("There is no credit balance to refund.")
    if summary.refundable <= 0:
        return _("The credit balance of {credit} goes to the member's open documents "
                 "({outstanding}) first; nothing is left to refund.").format(
            credit=formatter.money(summary.credit_balance),
            outstanding=formatter.money(summary.outstanding))
    return ""


def return_refused(summary: Any, formatter: Any, can_return: bool) -> str:
    """Why *Return excess deposit…* is not offered now, or "" (rule 15)."""
    if not can_return:
        return _("Deposits cannot be returned in this window.")
    if summary.deposit_excess <= 0:
        return _("The deposit of {held} does not exceed the {required} this member's "
                 "contracts require; there is nothing to return.").format(
            held=formatter.money(summary.deposit_held + summary.deposit_requested),
            required=formatter.money(summary.deposit_required))
    return ""


def deposit_detail(summary: Any, formatter: Any) -> str:
    """Required and requested beside what is held: an unpaid request is never held (rule 15)."""
    f = formatter
    text = _("Required {required}").format(required=f.money(summary.deposit_required))
    if summary.deposit_requested:
        text += "\n" + _("requested {requested}, not paid yet").format(
            requested=f.money(summary.deposit_requested))
    if summary.deposit_excess:
        text += "\n" + _("{excess} more than required").format(
            excess=f.money(summary.deposit_excess))
    return text
