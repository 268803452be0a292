"""Record a payment against an invoice, or pay a credit balance out (docs/design.md#vocabulary
"Payment").

The amount is checked as it is typed (never more than the invoice lacks or the balance holds);
the service has the last word. The dialog makes one token when it opens, so pressing Record
twice, or Enter and then the button, writes one payment.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import payments as rules
from desktop.i18n import _
from desktop.i18n.messages import reason
from desktop.ui.common.fields import date_edit, from_qdate, to_qdate
from desktop.ui.common.forms import FormDialog, field_box
from desktop.ui.common.widgets import ErrorLabel, label

# The methods offered, stored as written here (issue 10: a raw value, not the words of whoever
# recorded the payment) and shown in each reader's language; anything typed is kept as typed.
_STORED_METHODS = ("Bank transfer", "Card", "Cash", "Direct debit")


def methods() -> tuple[str, ...]:
    return (_("Bank transfer"), _("Card"), _("Cash"), _("Direct debit"))


def stored_method(shown: str) -> str:
    """What is stored for a method as the reader chose or typed it."""
    return dict(zip(methods(), _STORED_METHODS)).get(shown, shown)


def method_text(stored: str) -> str:
    """A stored method in the reader's language."""
    return dict(zip(_STORED_METHODS, methods())).get(stored, stored)


class PaymentDialog(FormDialog):
    """Amount, date, method and reference; `record(amount, day, method, reference, token)`
    writes, `problem(amount, day)` says what the rules refuse, as (field, sentence) or None."""

    def __init__(self, title: str, intro: str, ok_text: str, formatter: Any, suggested: int,
                 today: date, problem: Callable[[int, date], tuple[str, str] | None],
                 record: Callable[..., Any], parent: QWidget | None = None):
        super().__init__(ok_text, parent)
        self.setObjectName("paymentDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.ok_button.setObjectName("recordPaymentOk")
        self._formatter, self._problem, self._record = formatter, problem, record
        self.token = uuid.uuid4().hex
        self.recorded: Any = None

        self.amount_edit = QLineEdit(formatter.money_plain(max(suggested, 0)),
                                     objectName="paymentAmountEdit")
        self.date_edit = date_edit("paymentDateEdit", formatter)
        self.date_edit.setDate(to_qdate(today))
        self.method_combo = QComboBox(objectName="paymentMethodCombo")
        self.method_combo.setEditable(True)
        self.method_combo.addItems(methods())
        self.reference_edit = QLineEdit(objectName="paymentReferenceEdit")
        form = QFormLayout()
        form.setVerticalSpacing(8)
        for key, caption, widget in (("amount", _("&Amount"), self.amount_edit),
                                     ("date", _("&Date"), self.date_edit),
                                     ("method", _("&Method"), self.method_combo),
                                     ("reference", _("&Reference"), self.reference_edit)):
            error = ErrorLabel()
            caption_label = QLabel(caption)
            caption_label.setBuddy(widget)
            form.addRow(caption_label, field_box(widget, error=error, stretch=False))
            widget.setAccessibleName(caption.replace("&", ""))
            self.problems.add(key, widget, error)
        layout = QVBoxLayout(self)
        layout.addWidget(label(intro, "muted", wrap=True))
        layout.addLayout(form)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)
        self.amount_edit.textChanged.connect(lambda: self.edited("amount"))
        self.date_edit.dateChanged.connect(lambda: self.edited("date"))
        self.amount_edit.selectAll()
        self.check_locally()

    def amount(self) -> int | None:
        try:
            return self._formatter.parse_money(self.amount_edit.text())
        except ValueError:
            return None

    def check_locally(self) -> None:
        amount, day = self.amount(), from_qdate(self.date_edit.date())
        messages = {"amount": "", "date": ""}
        if amount is None:
            try:
                self._formatter.parse_money(self.amount_edit.text())
            except ValueError as exc:
                messages["amount"] = reason(exc)
        else:
            found = self._problem(amount, day)
            if found:
                messages[found[0]] = found[1]
        for key, message in messages.items():
            self.problems.set_local(key, message)

    def submit(self) -> None:
        self.recorded = self._record(self.amount(), day=from_qdate(self.date_edit.date()),
                                     method=stored_method(self.method_combo.currentText().strip()),
                                     reference=self.reference_edit.text().strip(),
                                     token=self.token)


def payment_dialog(payments: Any, standing: Any, issue_date: date, formatter: Any, today: date,
                   parent: QWidget | None = None) -> PaymentDialog:
    """The dialog recording a payment against the invoice `standing` describes."""
    left = standing.outstanding
    return PaymentDialog(
        _("Record payment"),
        _("Invoice {number} still lacks {amount}.").format(number=standing.number,
                                                          amount=formatter.money(left)),
        _("Record"), formatter, left, today,
        lambda amount, day: rules.payment_problem(amount, standing.amount_due, standing.paid,
                                                  day, issue_date, formatter.money, today),
        lambda amount, **kw: payments.record(standing.invoice_id, amount, **kw), parent)


def refund_dialog(payments: Any, member_id: int, balance: int, formatter: Any, today: date,
                  parent: QWidget | None = None) -> PaymentDialog:
    """The dialog paying out (part of) a member's credit balance."""
    return PaymentDialog(
        _("Refund credit"),
        _("The credit balance is {amount}. The refund is recorded as a payment to the member and "
          "lowers the balance.").format(amount=formatter.money(balance)),
        _("Refund"), formatter, balance, today,
        lambda amount, _day: rules.refund_problem(amount, balance, formatter.money),
        lambda amount, **kw: payments.refund(member_id, amount, **kw), parent)
