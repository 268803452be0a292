"""What the contract editor does with its draft: save, revert, reload, new term, change plan,
and the guard against closing with unsaved changes (DESIGN.md §6, rules 10 and 12).

A mixin of ContractEditor, which holds the draft, the services and the widgets it uses.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMessageBox

from desktop.i18n import _
from desktop.services.changes import OTHER_DESK, THIS_WINDOW, TIMER, Changes
from desktop.services.errors import StaleEdit, ValidationError
from desktop.ui.common.date_field import DateField
from desktop.ui.common.widgets import offer, user_message
from desktop.ui.contract_editor.dialogs import NewTermDialog, unsaved_changes_box



# Who changed a contract open in an editor, so its banner says what happened (DESIGN.md §6);
# the Changes each operation returns carry it.
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

class EditorActions:
    """The editor's actions; every service error becomes a sentence on screen."""

    # Actions ------------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save the draft; on refusal show why and keep it; True when it was stored."""
        self.refresh_now()
        if self._draft is None or self._stale:
            return False
        if self.problems():
            # A problem may only be the scheduled transitions having moved the contract on.
            stored = self._stored_state()
            if stored is not None and stored.version != self._version:
                self._mark_stale(self._stale_by)
            return False
        try:
            changes = self._contracts.save(self._draft, self._version)
            contract_id = changes.id
            state = self._contracts.load(contract_id)
        except ValidationError as error:
            self._problems = list(error.problems)
            self._show_problems()
            return False
        except StaleEdit:
            self._mark_stale(self._stale_by)
            return False
        except Exception as error:
            self._show_error(error)
            return False
        self.errorBanner.clear()
        self._show_state(state)
        self.changed.emit(changes)
        self.saved.emit(contract_id)
        return True

    def revert(self) -> None:
        """Back to the contract as last loaded or saved."""
        if self._original is not None:
            self._show(self._original, self._status, self._version, self._history)

    def reload(self) -> None:
        """Load the stored contract again, dropping unsaved edits (the stale banner's action)."""
        state = self._stored_state()
        if state is None:
            return
        self._stale = False
        self.staleBanner.clear()
        self.errorBanner.clear()
        self._show_state(state)

    def on_changes(self, changes: Changes) -> None:
        """Another operation changed something (the window tells every open editor): show it
        when it concerns this contract, its member or the plans its preview prices."""
        member = None if self._draft is None else self._draft.member
        concerns = changes.touches_member(member) or changes.touches_contract(self.contract_id)
        if changes.by == TIMER:
            if concerns:
                self.contract_changed_elsewhere(TIMER)
        elif concerns or changes.touches_catalog():
            self.member_changed_elsewhere(by=changes.by)

    def contract_changed_elsewhere(self, by: str = TIMER) -> None:
        """The scheduled transitions changed this contract: reload if clean, else never overwrite."""
        self._basis = None  # the member's state moved on: read it again
        state = self._stored_state()
        if state is None or state.version == self._version:
            return
        if self.is_dirty():
            self._mark_stale(by)
            return
        self._show_state(state)
        self.staleBanner.show_message(SHOWN_NOW[by](), "info", False)

    def member_changed_elsewhere(self, by: str = THIS_WINDOW) -> None:
        """Another screen changed this member (a save, a new term, an add-on): show it now.
        `by` says who: THIS_WINDOW, OTHER_DESK (another desk's save) or TIMER.

        The contract itself changed: reload it if clean, else say so and never overwrite. Only
        the member's other contracts changed: check and preview again, since both depend on them.
        """
        self._basis = None  # the member's state moved on: read it again
        state = self._stored_state()
        if state is None:
            return
        if state.version != self._version:
            if self.is_dirty():
                self._mark_stale(by)
                return
            self._show_state(state)
            if by == OTHER_DESK:  # this window's own changes need no word
                self.staleBanner.show_message(SHOWN_NOW[by](), "info", False)
            return
        self._unavailable = self._unavailable_actions()
        self.refresh_now()

    def _stored_state(self):
        """The contract as stored now; None when there is none yet or it cannot be read (said)."""
        if self.contract_id is None:
            return None
        try:
            return self._contracts.load(self.contract_id)
        except Exception as error:
            self._show_error(error)
            return None

    def _show_error(self, error: BaseException) -> None:
        """A service's refusal or failure, as a sentence on the error banner."""
        self.errorBanner.show_message(user_message(error), "error")

    def _mark_stale(self, by: str = "") -> None:
        """Unsaved edits over a contract changed meanwhile: say by whom, offer Reload. The first
        to tell is the one who changed it (the other desks' watch also sees this desk's own
        writes, a moment later)."""
        if self._stale and self._stale_by:
            by = self._stale_by
        self._stale, self._stale_by = True, by
        self.staleBanner.show_message(STALE[by](), "warning", True)
        self._update_buttons()

    def start_new_term(self) -> None:
        """Rule 10 (and rule 9's manual path): ask, create the new term, open it."""
        if self.contract_id is None:
            return
        dialog = NewTermDialog(self._fmt, self._draft, self.is_dirty(), self)
        dialog.accepted.connect(lambda: self._create_new_term(dialog.cancellation_date()))
        dialog.open()

    def _create_new_term(self, cancellation_date) -> None:
        if self.is_dirty() and not self.save():
            self.errorBanner.show_message(_("The new term was not created: save the changes to "
                                            "this contract first."), "error")
            return
        try:
            changes = self._contracts.create_new_term(self.contract_id, cancellation_date)
            new_id = changes.id
            state = self._contracts.load(self.contract_id)
        except Exception as error:
            self._show_error(error)
            return
        self.errorBanner.clear()
        self._show_state(state)
        self.changed.emit(changes)
        self.saved.emit(self.contract_id)
        self.newTermCreated.emit(new_id)
        if self._open_new_terms:
            self.new_term_editor = self.open_editor(new_id, on_new_term_tab=True)

    def _predecessor_requested(self, contract_id: int) -> None:
        self.openContractRequested.emit(contract_id)
        self.open_editor(contract_id)

    def open_editor(self, contract_id: int, on_new_term_tab: bool = False):
        """Open another contract in an editor (the new term on its New term tab, rule 10)."""
        if self._open_contract is not None:
            editor = self._open_contract(contract_id)
        else:
            editor = type(self)(self._contracts, self._catalog, self._fmt, contract_id,
                                open_new_terms=self._open_new_terms)
            editor.setAttribute(Qt.WA_DeleteOnClose)
            editor.saved.connect(self.saved)
            editor.changed.connect(self.changed)
            editor.show()
        if on_new_term_tab and isinstance(editor, type(self)):
            editor.tabs.setCurrentWidget(editor.new_term)
        return editor

    def open_change_plan(self):
        """The change-plan assistant for this contract; reloads once it has applied."""
        from desktop.ui.change_plan.dialog import ChangePlanDialog
        dialog = ChangePlanDialog(self._contracts, self._catalog, self._fmt, self.contract_id,
                                  self)
        dialog.changed.connect(self.changed)
        dialog.applied.connect(self._plan_changed)
        dialog.open()
        return dialog

    def _plan_changed(self, contract_id: int) -> None:
        self.reload()
        self.saved.emit(self.contract_id)
        self.planChanged.emit(contract_id)

    # Buttons and keys --------------------------------------------------------------------------
    def _watch_typed_dates(self) -> None:
        """A date typed so that it cannot be read is a problem of its field until fixed."""
        # A bound method, not a lambda holding self: PySide keeps a connected lambda alive from
        # C++, where Python's collector cannot see the cycle, and the closed editor would never
        # be freed (the soak journey counts its widgets).
        self._date_fields = {}
        for tab in (self.dates, self.cancellation):
            for field, (widget, _label) in tab.fields().items():
                if isinstance(widget, DateField):
                    self._date_fields[widget] = field
                    widget.readableChanged.connect(self._date_readable_changed)

    def _date_readable_changed(self, readable: bool) -> None:
        widget = self.sender()
        field = self._date_fields.get(widget)
        if field is not None:
            self._local_problem(field, "" if readable else widget.toolTip())

    def _save_by_keyboard(self) -> None:
        """Ctrl+S does what Save does, only when Save could be pressed."""
        if self.saveButton.isEnabled():
            self.save()

    def _unavailable_actions(self) -> dict[str, str]:
        """Why Change plan and Create new term cannot be offered now ("" where they can)."""
        if self.contract_id is None:
            return {"change_plan": "", "new_term": _("Save the contract first.")}
        try:
            return self._contracts.unavailable_actions(self.contract_id)
        except Exception as error:
            reason = user_message(error)
            return {"change_plan": reason, "new_term": reason}

    def _update_buttons(self) -> None:
        new = self.contract_id is None
        why_not_save = (_("This contract changed elsewhere: reload it first.") if self._stale
                        else _("Fix the marked fields first.") if self.problems()
                        else "" if new or self.is_dirty() else _("There are no changes to save."))
        offer(self.saveButton, why_not_save if self._draft else _("There is nothing to save."))
        offer(self.revertButton, "" if self.is_dirty() else _("There are no changes to revert."))
        self.addons.set_dirty(self.is_dirty() or self._stale)
        # Offered only when it can be done; otherwise disabled with the reason (DESIGN.md §6).
        unavailable = getattr(self, "_unavailable", {})
        change_reason = unavailable.get("change_plan") or (
            _("Save or revert your changes first.") if self.is_dirty() else "")
        self.changePlanButton.setEnabled(not change_reason)
        self.changePlanButton.setToolTip(change_reason)
        term_reason = unavailable.get("new_term", "")
        self.createNewTermButton.setEnabled(not term_reason and not self._stale)
        self.createNewTermButton.setToolTip(term_reason)


    # Closing ------------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._close_confirmed or not self.is_dirty():
            self._timer.stop()
            event.accept()
            self.closed.emit()
            return
        event.ignore()
        if self._guard is None:
            self._guard = unsaved_changes_box(self)
            self._guard.finished.connect(self._guard_answered)
            self._guard.open()

    def _guard_answered(self, _result: int) -> None:
        box, self._guard = self._guard, None
        clicked = box.standardButton(box.clickedButton()) if box.clickedButton() else None
        box.setParent(None)  # gone at once: a second close asks with a fresh box
        box.deleteLater()
        if clicked == QMessageBox.Save and not self.save():
            self.closeKept.emit()
            return
        if clicked in (QMessageBox.Save, QMessageBox.Discard):
            self._close_confirmed = True
            self.close()
        else:
            self.closeKept.emit()
