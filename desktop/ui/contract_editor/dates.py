"""The Key dates tab of the contract editor: start, next invoice date, billing anchor (rules 2, 4,
10, 11)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from desktop.domain.model import Contract
from desktop.domain.periods import next_boundary_after
from desktop.i18n import _
from desktop.ui.common.fields import (
    FieldMessage,
    date_edit,
    field_block,
    from_qdate,
    set_optional_date,
    styled_label,
    to_qdate,
)
from desktop.ui.common.widgets import offer
from desktop.ui.contract_editor.tabs import (
    ACTIVE,
    Blocked,
    EditorContext,
    align_labels,
    form_layout,
)


class KeyDatesTab(QWidget):
    """Start date, next invoice date and billing anchor (rules 2, 4, 11)."""

    edited = Signal(dict)

    def __init__(self, formatter):
        super().__init__()
        self._fmt = formatter
        self._draft: Contract | None = None
        self._free = False
        form = form_layout(self)
        self.start_edit = date_edit("startDateEdit", formatter)
        self.start_message = FieldMessage("startDateMessage")
        self.start_note = styled_label(role="hint")
        form.addRow(_("Start date"), field_block(self.start_edit, self.start_message,
                                                 below=(self.start_note,)))

        self.next_edit = date_edit("nextInvoiceDateEdit", formatter)
        self.next_message = FieldMessage("nextInvoiceDateMessage")
        self.next_note = styled_label(role="hint")
        self.next_note.setObjectName("nextInvoiceNote")
        form.addRow(_("Next invoice date"), field_block(self.next_edit, self.next_message,
                                                        below=(self.next_note,)))

        self.anchor_edit = date_edit("billingAnchorEdit", formatter)
        self.anchor_message = FieldMessage("billingAnchorMessage")
        self.anchor_note = styled_label(role="hint")
        self.anchor_note.setObjectName("billingAnchorNote")
        form.addRow(_("Billing anchor"), field_block(self.anchor_edit, self.anchor_message,
                                                     below=(self.anchor_note,)))
        align_labels(form)

        self.start_edit.dateChanged.connect(self._start_changed)
        self.next_edit.dateChanged.connect(
            lambda d: self.edited.emit({"next_invoice_date": from_qdate(d)}))
        self.anchor_edit.dateChanged.connect(
            lambda d: self.edited.emit({"billing_anchor": from_qdate(d)}))

    def fields(self) -> dict[str, tuple[QWidget, FieldMessage]]:
        return {"start_date": (self.start_edit, self.start_message),
                "next_invoice_date": (self.next_edit, self.next_message),
                "billing_anchor": (self.anchor_edit, self.anchor_message)}

    def load(self, draft: Contract, ctx: EditorContext) -> None:
        self._draft = draft
        started = _("Fixed once the contract has started.")
        self._free = ctx.free
        offer(self.start_edit, ctx.fixed())
        offer(self.anchor_edit, ctx.fixed())
        # Rule 10: before its first invoice a contract is first invoiced on its start date.
        offer(self.next_edit, "" if ctx.status == ACTIVE and draft.next_invoice_date is not None
              else _("The first invoice is issued on the start date.") if ctx.free
              else ctx.ended() or _("This contract has no next invoice."))
        self.start_note.setText(started if ctx.status == ACTIVE else "")
        self.start_note.setVisible(ctx.status == ACTIVE)
        self.update_derived(draft)

    def update_derived(self, draft: Contract) -> None:
        """Show the draft's dates (start edits carry linked dates along) and the anchor sentence."""
        self._draft = draft
        with Blocked(self.start_edit, self.next_edit, self.anchor_edit):
            self.start_edit.setDate(to_qdate(draft.start_date))
            set_optional_date(self.next_edit, draft.next_invoice_date, _("none: it has ended"))
            self.anchor_edit.setDate(to_qdate(draft.billing_anchor))
        self.next_note.setText(self._next_sentence(draft))
        self.anchor_note.setText(self._anchor_sentence(draft))

    def _next_sentence(self, draft: Contract) -> str:
        if self._free:
            return _("The first invoice is issued on the start date.")
        if draft.next_invoice_date is None:
            return _("This contract has ended; nothing more is invoiced.")
        if draft.plan.frequency is None:
            return ""
        return _("Invoiced {frequency}, in advance, for the period that starts on this date."
                 ).format(frequency=self._fmt.frequency(draft.plan.frequency))

    def _anchor_sentence(self, draft: Contract) -> str:
        """Rule 2: name the next few boundaries so the anchor means something."""
        frequency = draft.plan.frequency
        if frequency is None:
            return ""
        day = draft.next_invoice_date or draft.start_date
        boundaries = []
        for _i in range(3):
            day = next_boundary_after(draft.billing_anchor, frequency, day - timedelta(days=1))
            boundaries.append(self._fmt.date(day))
            day = day + timedelta(days=1)
        return _("Billing periods start on {dates}, …").format(dates=", ".join(boundaries))

    def _start_changed(self, qdate) -> None:
        """Before the start, the first invoice and the anchor follow the start date they equal."""
        start = from_qdate(qdate)
        changes: dict[str, date] = {"start_date": start}
        old = self._draft.start_date if self._draft else None
        if self._draft is not None and old is not None:
            if self._free or self._draft.next_invoice_date == old:
                changes["next_invoice_date"] = start
            if self._draft.billing_anchor == old:
                changes["billing_anchor"] = start
        self.edited.emit(changes)
