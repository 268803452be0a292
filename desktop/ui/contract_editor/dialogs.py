"""The contract editor's small dialogs: create a new term (rule 10) and the unsaved-changes
guard; and what its banner says when the contract changed elsewhere."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QDialog, QFormLayout, QMessageBox, QVBoxLayout, QWidget

from desktop.domain.model import Contract
from desktop.i18n import _
from desktop.services.changes import OTHER_DESK, THIS_WINDOW, TIMER
from desktop.ui.common import forms
from desktop.ui.common.fields import (
    FieldMessage,
    date_edit,
    field_block,
    from_qdate,
    styled_label,
    to_qdate,
)
from desktop.ui.common.forms import accept_cancel_buttons
from desktop.ui.contract_editor.terms import default_cancellation

# Who changed a contract open in an editor, so its banner says what happened
# (docs/design.md#screens); the Changes each operation returns carry it.
STALE = {
    TIMER: lambda: _(
        "This contract was changed by the scheduled transitions while you were editing, so "
        "your changes cannot be saved over it. Reload to see the new state (your unsaved "
        "changes will be dropped)."),
    OTHER_DESK: lambda: _(
        "This contract was saved at another desk while you were editing, so your changes "
        "cannot be saved over it. Reload to see the new state (your unsaved changes will be "
        "dropped)."),
    THIS_WINDOW: lambda: _(
        "This contract was changed in another window while you were editing, so your changes "
        "cannot be saved over it. Reload to see the new state (your unsaved changes will be "
        "dropped)."),
    "": lambda: _(
        "This contract was changed elsewhere while you were editing, so your changes cannot "
        "be saved over it. Reload to see the new state (your unsaved changes will be "
        "dropped)."),
}
SHOWN_NOW = {
    TIMER: lambda: _("This contract was changed by the scheduled transitions; the editor now "
                     "shows its new state."),
    OTHER_DESK: lambda: _("This contract was saved at another desk; the editor now shows its "
                          "new state."),
}


class NewTermDialog(QDialog):
    """Rule 10: confirm the new term, asking for the cancellation date when there is none."""

    def __init__(self, formatter, contract: Contract, saves_first: bool,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("newTermDialog")
        self.setWindowTitle(_("Create new term"))
        self.setMinimumWidth(440)
        self._fmt = formatter
        self._contract = contract
        self._asks = contract.cancellation_date is None
        column = QVBoxLayout(self)
        column.setSpacing(10)
        if self._asks:
            intro = _("This contract has no cancellation date. The new term starts on the day "
                      "it ends, so choose when this contract ends.")
        else:
            intro = _("The new term starts on {day}, the day this contract ends.").format(
                day=formatter.date_long(contract.cancellation_date))
        details = styled_label(_(
            "It copies the plan, quantity, custom price and recurring add-ons (one-off "
            "packages are not copied), continues the billing anchor and opens in the editor, "
            "where you can adjust it before it starts."), role="hint")
        for label in (styled_label(intro), details):
            label.setMinimumWidth(400)  # measured at the dialog's width, not squeezed first
            column.addWidget(label)
        self.date_edit = date_edit("newTermCancellationDateEdit", formatter)
        self.message = FieldMessage("newTermCancellationMessage")
        self.last_day = styled_label(role="hint")
        self.message.hides = (self.last_day,)  # no last day under a date that is refused
        if self._asks:
            form = QFormLayout()
            form.addRow(_("Cancellation date"), field_block(self.date_edit, self.message,
                                                            below=(self.last_day,)))
            column.addLayout(form)
            self.date_edit.setDate(to_qdate(default_cancellation(contract)))
            self.date_edit.dateChanged.connect(self._check)
            self.date_edit.readableChanged.connect(self._check)
        else:
            self.date_edit.hide()
        if saves_first:
            column.addWidget(styled_label(_("Your unsaved changes to this contract are saved "
                                            "first."), role="hint"))
        buttons, self.create_button = accept_cancel_buttons(self, _("Create new term"),
                                                            "newTermCreateButton")
        column.addWidget(buttons)
        self._check()

    def cancellation_date(self) -> date | None:
        """The date chosen here, or None when the contract already had one."""
        return from_qdate(self.date_edit.date()) if self._asks else None

    def _check(self) -> None:
        if not self._asks:
            return
        chosen = from_qdate(self.date_edit.date())
        problem = ""
        if not self.date_edit.readable():
            problem = self.date_edit.toolTip()
        elif chosen <= self._contract.start_date:
            problem = _("The cancellation date must be after the start date.")
        self.message.show_problem(self.date_edit, problem)
        self.last_day.setText("" if problem else _("Last day of access: {last}.").format(
            last=self._fmt.date_long(chosen - timedelta(days=1))))
        self.create_button.setEnabled(not problem)


def unsaved_changes_box(parent: QWidget, stale: bool = False) -> QMessageBox:
    """Save / Discard / Cancel, for closing an editor with unsaved changes.

    Over a contract changed elsewhere (`stale`) Save cannot save: it is not offered, and the
    default (Enter) is to keep editing, which can happen, rather than a Save that is refused.
    """
    box = forms.unsaved_changes_box(parent, _("This contract has unsaved changes."))
    if stale:
        box.removeButton(box.button(QMessageBox.StandardButton.Save))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setInformativeText(_("The contract was changed elsewhere, so they cannot be saved "
                                 "over it. Discard them, or go on editing to copy what you "
                                 "typed?"))
    return box
