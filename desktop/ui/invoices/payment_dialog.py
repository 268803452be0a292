"""Record a payment against a document, or pay a credit balance out (docs/design.md#vocabulary
"Payment"; rules 21, 22).

The amount and the date are checked as they are typed; the service has the last word, and its
refusals arrive translated. Before saving, the dialog says where the money goes (rule 21): the
documents it pays, oldest first, and what becomes credit balance. A date that cannot be read
("31 Feb 2027") is marked with a sentence and keeps Record disabled: it is never replaced by
today. The dialog makes one token when it opens, so pressing Record twice, or Enter and then
the button, writes one payment.
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
from desktop.i18n.messages import reason, say
from desktop.services.errors import ValidationError
from desktop.ui.common.fields import date_edit, from_qdate, to_qdate
from desktop.ui.common.forms import FormDialog, field_box
from desktop.ui.common.widgets import ErrorLabel, label, user_message

# Where a payment would go: (its allocations, what becomes credit), as allocation_preview says.
Preview = Callable[[int], tuple[Any, int]]

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
    writes, `problem(amount, day)` says what the rules refuse, as (field, sentence) or None,
    and `preview(amount)` where the money would go (rule 21), said under the fields."""

    def __init__(self, title: str, intro: str, ok_text: str, formatter: Any, suggested: int,
                 today: date, problem: Callable[[int, date], tuple[str, Any] | None],
                 record: Callable[..., Any], parent: QWidget | None = None,
                 preview: Preview | None = None):
        super().__init__(ok_text, parent)
        self.setObjectName("paymentDialog")
        self.setWindowTitle(title)
        self._formatter, self._problem, self._record = formatter, problem, record
        self._preview = preview
        self.token = uuid.uuid4().hex
        self.recorded: Any = None
        self.ok_button.setObjectName("recordPaymentOk")

        self.amount_edit = QLineEdit(formatter.money_plain(max(suggested, 0)),
                                     objectName="paymentAmountEdit")
        self.date_edit = date_edit("paymentDateEdit", formatter)
        self.date_edit.setDate(to_qdate(today))
        self.method_combo = QComboBox(objectName="paymentMethodCombo")
        self.method_combo.setEditable(True)
        self.method_combo.addItems(methods())
        self.reference_edit = QLineEdit(objectName="paymentReferenceEdit")
        self.intro_label = label(intro, "muted", wrap=True)
        self.intro_label.setObjectName("paymentIntro")
        self.intro_label.setMinimumWidth(400)
        self.preview_label = label("", "muted", wrap=True)
        self.preview_label.setObjectName("allocationPreview")
        self.form = QFormLayout()
        self.form.setVerticalSpacing(8)
        for key, caption, widget in (("amount", _("&Amount"), self.amount_edit),
                                     ("date", _("&Date"), self.date_edit),
                                     ("method", _("&Method"), self.method_combo),
                                     ("reference", _("&Reference"), self.reference_edit)):
            error = ErrorLabel()
            error.setObjectName(f"{key}Error")
            caption_label = QLabel(caption)
            caption_label.setBuddy(widget)
            self.form.addRow(caption_label, field_box(widget, error=error, stretch=False))
            widget.setAccessibleName(caption.replace("&", ""))
            self.problems.add(key, widget, error)
        self.body = QVBoxLayout(self)
        self.body.addWidget(self.intro_label)
        self.body.addLayout(self.form)
        self.add_below_form()
        self.body.addWidget(self.preview_label)
        self.body.addWidget(self.form_error)
        self.body.addWidget(self.buttons)
        self.amount_edit.textChanged.connect(lambda: self.edited("amount"))
        self.date_edit.dateChanged.connect(lambda: self.edited("date"))
        self.date_edit.textEdited.connect(lambda: self.edited("date"))
        self.amount_edit.selectAll()
        self.check_locally()

    def add_below_form(self) -> None:
        """What a subclass shows between the fields and the preview (the allocations)."""

    def amount(self) -> int | None:
        try:
            return self._formatter.parse_money(self.amount_edit.text())
        except ValueError:
            return None

    def day(self) -> date | None:
        """The date typed, or None while the text is not a date."""
        return from_qdate(self.date_edit.date()) if self.date_edit.readable() else None

    def check_locally(self) -> None:
        amount, day = self.amount(), self.day()
        messages = {"amount": "", "date": ""}
        if day is None:
            messages["date"] = _("This is not a date. Type it like {example}.").format(
                example=self.date_edit.placeholderText())
        if amount is None:
            try:
                self._formatter.parse_money(self.amount_edit.text())
            except ValueError as exc:
                messages["amount"] = reason(exc)
        elif day is not None:
            found = self._problem(amount, day)
            if found:
                messages[found[0]] = say(found[1], self._formatter)
        for key, message in messages.items():
            self.problems.set_local(key, message)
        # Where the money goes depends on the amount alone: said while the date is mistyped.
        self.show_preview(amount if not messages["amount"] else None)
        self.fit_height()

    def accept(self) -> None:
        super().accept()
        if self.isVisible():  # refused: the service's sentences are shown now
            self.fit_height()

    def fit_height(self) -> None:
        """Make room for the sentences shown under the fields at the dialog's width. A top
        level's minimum size leaves out heights that depend on the width, so a sentence
        wrapped onto two lines got the height of one and was drawn over the field above it
        (issue 26)."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = max(layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth()
                     else 0, layout.totalMinimumSize().height())
        self.setMinimumHeight(needed)
        if self.height() < needed:
            self.resize(self.width(), needed)

    def show_preview(self, amount: int | None) -> None:
        """Say where `amount` would go (rule 21), or nothing while it cannot be recorded."""
        text = ""
        if amount is not None and self._preview is not None:
            try:
                placed, to_credit = self._preview(amount)
            except ValidationError as exc:
                text = " ".join(say(p.message, self._formatter) for p in exc.problems)
            except Exception as exc:  # the server away: the preview says so, Record decides
                text = user_message(exc)
            else:
                text = allocation_sentence(placed, to_credit, self._formatter)
        self.preview_label.setText(text)
        self.preview_label.setVisible(bool(text))

    def submit(self) -> None:
        self.recorded = self._record(self.amount(), day=self.day(),
                                     method=stored_method(self.method_combo.currentText().strip()),
                                     reference=self.reference_edit.text().strip(),
                                     token=self.token)


def allocation_sentence(placed: Any, to_credit: int, formatter: Any) -> str:
    """Rule 21 in words: which documents a payment pays and what becomes credit balance."""
    # A document chosen and then reached again oldest first is said once, with its sum.
    summed: dict[str, int] = {}
    for allocation in placed:
        summed[allocation.number] = summed.get(allocation.number, 0) + allocation.amount
    shares = ", ".join(_("{number} {amount}").format(number=number,
                                                     amount=formatter.money(amount))
                       for number, amount in summed.items())
    parts = [_("Pays {documents}.").format(documents=shares)] if shares else []
    if to_credit:
        parts.append(_("{amount} becomes credit balance.").format(
            amount=formatter.money(to_credit)))
    return " ".join(parts)


def payment_dialog(payments: Any, standing: Any, issue_date: date, formatter: Any, today: date,
                   parent: QWidget | None = None) -> PaymentDialog:
    """The dialog recording a payment against the document `standing` describes: it pays that
    document first; more than it lacks pays the member's other documents, oldest first, and
    the rest becomes credit balance (rule 21), as the dialog says before saving."""
    left = standing.outstanding
    total = getattr(standing, "total", standing.amount_due)
    return PaymentDialog(
        _("Record payment"),
        _("{number} still lacks {amount}. More pays the member's other open documents, oldest "
          "first, and the rest becomes credit balance.").format(
            number=standing.number, amount=formatter.money(left)),
        _("Record"), formatter, left, today,
        lambda amount, day: rules.payment_problem(amount, day, formatter.money, today,
                                                  (standing.number, issue_date, total)),
        lambda amount, **kw: payments.record(standing.invoice_id, amount, **kw), parent,
        preview=lambda amount: payments.allocation_preview(
            standing.member_id, amount, [(standing.invoice_id, min(amount, left))] if left
            else []))


def refund_dialog(payments: Any, member_id: int, credit: int, refundable: int, formatter: Any,
                  today: date, parent: QWidget | None = None) -> PaymentDialog:
    """The dialog paying out what is left of a member's credit balance once it is offset
    against their open documents (rule 22), which it says."""
    offset = max(credit - refundable, 0)
    if offset:
        intro = _("The credit balance is {credit}. Credit is offset against the member's open "
                  "documents first ({offset}); only the {refundable} left can be refunded. The "
                  "refund is recorded as a payment to the member.").format(
            credit=formatter.money(credit), offset=formatter.money(offset),
            refundable=formatter.money(refundable))
    else:
        intro = _("The credit balance is {amount}. The refund is recorded as a payment to the "
                  "member and lowers the balance.").format(amount=formatter.money(credit))
    return PaymentDialog(
        _("Refund credit"), intro, _("Refund"), formatter, refundable, today,
        lambda amount, _day: rules.refund_problem(amount, refundable, formatter.money, offset),
        lambda amount, **kw: payments.refund(member_id, amount, **kw), parent)
