"""The Cancellation and New term tabs of the contract editor (rules 5, 6, 8, 10, 11)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from desktop.domain.contracts import effective_cancellation
from desktop.domain.model import Contract
from desktop.domain.periods import is_boundary, period_containing
from desktop.i18n import _
from desktop.ui.common.fields import (
    FieldMessage,
    date_edit,
    field_block,
    from_qdate,
    styled_label,
    to_qdate,
)
from desktop.ui.common.widgets import offer
from desktop.ui.contract_editor.tabs import (
    Blocked,
    EditorContext,
    align_labels,
    form_layout,
)


def prorate_last_sentence() -> str:
    """Rule 6's toggle in the product's words."""
    return _("Adjust the last invoice based on how many days are between the next invoice date "
             "and the cancellation date.")


def prorate_first_sentence() -> str:
    """Rule 11's toggle in the product's words."""
    return _("Adjust the next invoice based on how many days are left in the current billing "
             "period.")


def default_cancellation(draft: Contract) -> date:
    """The date offered when the operator ticks "Cancel this contract": the end of what is paid."""
    n = draft.next_invoice_date
    if n is not None and n > draft.start_date:
        return n
    return draft.start_date + timedelta(days=1)


class CancellationTab(QWidget):
    """Cancellation date with its "no cancellation" state, last day of access, prorate last."""

    edited = Signal(dict)

    def __init__(self, formatter):
        super().__init__()
        self._fmt = formatter
        self._ended = ""
        self._draft: Contract | None = None
        form = form_layout(self)
        self.cancel_check = QCheckBox(_("Cancel this contract"), objectName="cancelContractCheck")
        form.addRow("", self.cancel_check)
        self.date_edit = date_edit("cancellationDateEdit", formatter)
        self.date_edit.setToolTip(_("The first day without the contract."))
        self.date_message = FieldMessage("cancellationDateMessage")
        self.last_day = styled_label()
        self.last_day.setObjectName("lastDayOfAccessLabel")
        form.addRow(_("Cancellation date"), field_block(self.date_edit, self.date_message,
                                                        below=(self.last_day,)))
        self.date_message.hides = (self.last_day,)

        self.prorate_check = QCheckBox(_("Prorate last invoice"),
                                       objectName="prorateLastInvoiceCheck")
        self.prorate_sentence = styled_label(prorate_last_sentence())
        self.prorate_effect = styled_label(role="hint")
        self.prorate_effect.setObjectName("prorateLastEffect")
        form.addRow(_("Last invoice"), field_block(
            self.prorate_check, FieldMessage("prorateLastMessage"),
            below=(self.prorate_sentence, self.prorate_effect)))
        align_labels(form)

        self.cancel_check.toggled.connect(self._cancel_toggled)
        self.date_edit.dateChanged.connect(self._date_changed)
        self.prorate_check.toggled.connect(
            lambda on: self.edited.emit({"prorate_last_invoice": on}))

    def fields(self) -> dict[str, tuple[QWidget, FieldMessage]]:
        return {"cancellation_date": (self.date_edit, self.date_message)}

    def load(self, draft: Contract, ctx: EditorContext) -> None:
        self._draft = draft
        self._ended = ctx.ended()
        offer(self.cancel_check, self._ended)
        offer(self.prorate_check, self._ended)
        self.update_derived(draft, ctx)

    def update_derived(self, draft: Contract, ctx: EditorContext) -> None:
        self._draft = draft
        cancelled = draft.cancellation_date is not None
        with Blocked(self.cancel_check, self.date_edit, self.prorate_check):
            self.cancel_check.setChecked(cancelled)
            self.date_edit.setDate(to_qdate(draft.cancellation_date or default_cancellation(draft)))
            self.prorate_check.setChecked(draft.prorate_last_invoice)
        self._ended = ctx.ended()
        self._offer_date(cancelled)
        self.last_day.setText(self._last_day_sentence(draft))
        self.prorate_effect.setText(self._prorate_effect(draft))
        self.prorate_effect.setVisible(bool(self.prorate_effect.text()))

    def _last_day_sentence(self, draft: Contract) -> str:
        """Rule 5 (and 8): the member's last day is the day before the contract ends."""
        ends = effective_cancellation(draft)
        if ends is None:
            return _("No cancellation: the contract renews on each invoice date.")
        last = self._fmt.date_long(ends - timedelta(days=1))
        if draft.cancellation_date is None or ends < draft.cancellation_date:
            return _("Last day of access: {last}. The blank next plan ends the contract on "
                     "{ends}, the next invoice date.").format(last=last,
                                                                ends=self._fmt.date_long(ends))
        return _("Last day of access: {last}.").format(last=last)

    def _prorate_effect(self, draft: Contract) -> str:
        """Rule 6 in the draft's own dates: what the toggle does to this contract."""
        ends, n = draft.cancellation_date, draft.next_invoice_date
        if ends is None or n is None:
            return ""
        on = draft.prorate_last_invoice
        if ends > n:
            return (_("On: the last invoice covers only the days up to {day}.") if on else
                    _("Off: the last invoice bills its whole period.")).format(
                        day=self._fmt.date(ends))
        if ends < n:
            return (_("On: the unused days from {start} to {end} are credited.") if on else
                    _("Off: the days from {start} to {end} are paid and not credited.")).format(
                        start=self._fmt.date(ends), end=self._fmt.date(n))
        return _("The contract ends on its next invoice date: nothing needs prorating.")

    def _offer_date(self, cancelled: bool) -> None:
        offer(self.date_edit, self._ended or ("" if cancelled else _(
            "Tick “Cancel this contract” to choose the date.")),
              tip=_("The first day without the contract."))

    def _cancel_toggled(self, on: bool) -> None:
        value = from_qdate(self.date_edit.date()) if on else None
        self._offer_date(on)
        self.edited.emit({"cancellation_date": value})

    def _date_changed(self, qdate) -> None:
        # A date typed (or set by a test or script) means the contract is to be cancelled.
        if not self.cancel_check.isChecked():
            with Blocked(self.cancel_check):
                self.cancel_check.setChecked(True)
            self.date_edit.setEnabled(True)
        self.edited.emit({"cancellation_date": from_qdate(qdate)})


class NewTermTab(QWidget):
    """Prorate first invoice with its sentence (rule 11) and the predecessor link (rule 10)."""

    edited = Signal(dict)
    openContractRequested = Signal(int)

    def __init__(self, formatter):
        super().__init__()
        self._fmt = formatter
        self._predecessor = None
        form = form_layout(self)
        self.prorate_check = QCheckBox(_("Prorate first invoice"),
                                       objectName="prorateFirstInvoiceCheck")
        self.sentence = styled_label(prorate_first_sentence())
        self.effect = styled_label(role="hint")
        self.effect.setObjectName("prorateFirstEffect")
        form.addRow(_("First invoice"), field_block(
            self.prorate_check, FieldMessage("prorateFirstMessage"),
            below=(self.sentence, self.effect)))

        self.predecessor_label = styled_label()
        self.predecessor_label.setObjectName("predecessorLabel")
        self.predecessor_button = QPushButton(objectName="openPredecessorButton")
        self.predecessor_button.clicked.connect(
            lambda: self.openContractRequested.emit(int(self._predecessor)))
        predecessor = QWidget()
        predecessor.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        column = QVBoxLayout(predecessor)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.predecessor_label)
        column.addWidget(self.predecessor_button, 0, Qt.AlignLeft)
        form.addRow(_("Predecessor"), predecessor)
        align_labels(form)
        self.prorate_check.toggled.connect(
            lambda on: self.edited.emit({"prorate_first_invoice": on}))

    def load(self, draft: Contract, ctx: EditorContext) -> None:
        offer(self.prorate_check, ctx.fixed())
        self._predecessor = draft.predecessor
        if draft.predecessor is None:
            self.predecessor_label.setText(_("This is a first term: it continues no earlier "
                                             "contract."))
            self.predecessor_button.hide()
        else:
            self.predecessor_label.setText(
                _("Continues contract {number}.").format(number=draft.predecessor))
            self.predecessor_button.setText(_("Open contract {number}").format(
                number=draft.predecessor))
            self.predecessor_button.setVisible(isinstance(draft.predecessor, int))
        self.update_derived(draft, ctx)

    def update_derived(self, draft: Contract, ctx: EditorContext) -> None:
        with Blocked(self.prorate_check):
            self.prorate_check.setChecked(draft.prorate_first_invoice)
        self.effect.setText(self._effect(draft, ctx))

    def _effect(self, draft: Contract, ctx: EditorContext) -> str:
        """Rule 11 in the draft's own dates."""
        if not ctx.free:
            return _("The first invoice has been issued; this setting no longer changes anything.")
        frequency, start = draft.plan.frequency, draft.start_date
        if frequency is None or draft.billing_anchor > start:
            return ""
        if is_boundary(draft.billing_anchor, frequency, start):
            return _("The start date is on a billing boundary, so the first invoice bills a "
                     "whole period either way.")
        period = period_containing(draft.billing_anchor, frequency, start)
        if draft.prorate_first_invoice:
            return _("On: the first invoice covers {span}, prorated; later invoices follow the "
                     "billing anchor.").format(span=self._fmt.period(start, period[1]))
        return _("Off: the billing anchor moves to {start} and the first invoice bills a whole "
                 "period.").format(start=self._fmt.date(start))
