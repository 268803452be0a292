"""The contract editor (docs/design.md#screens): tabs on the left, the live invoice preview on the
right.

The widgets only: what is edited and every service call about it are the `EditorSession`
(session.py), which holds the draft, a domain Contract replaced on every edit. After an edit a
single-shot timer asks the session to validate, describe and preview the draft with the code
the sweep uses. What another operation changed reaches it through `on_changes`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.domain.model import Contract, Problem
from desktop.domain.plan_changes import same_plan
from desktop.i18n import _
from desktop.i18n.messages import say
from desktop.services.changes import OTHER_DESK, THIS_WINDOW, TIMER, Changes
from desktop.services.errors import StaleEdit
from desktop.storage.errors import DatabaseBusy
from desktop.ui.common.date_field import DateField
from desktop.ui.common.icons import icon
from desktop.ui.common.keyboard import keep_keyboard
from desktop.ui.common.screens import fit_to_screen
from desktop.ui.common.widgets import offer, user_message
from desktop.ui.contract_editor.dialogs import (
    SHOWN_NOW,
    STALE,
    NewTermDialog,
    unsaved_changes_box,
)
from desktop.ui.contract_editor.layout import lay_out
from desktop.ui.contract_editor.session import (
    ACTIVE,
    CANCELLED,
    INACTIVE,
    NEW,
    EditorSession,
)
from desktop.ui.contract_editor.tab_letters import HiddenTabLetters
from desktop.ui.contract_editor.tabs import EditorContext

_log = logging.getLogger(__name__)
PREVIEW_DELAY_MS = 100
PREVIEW_COUNT = 3

class ContractEditor(QWidget):
    """Edits one contract (or a new draft) with validation, preview, save, revert, new term;
    every service error becomes a sentence on screen."""

    saved = Signal(int)
    changed = Signal(object)  # what a new term, plan change or add-on changed (a Save: `run`)
    newTermCreated = Signal(int)
    planChanged = Signal(int)
    closed = Signal()
    closeKept = Signal()  # noqa: N815 (asked about unsaved changes, the editor stays open)
    previewRefreshed = Signal()
    openContractRequested = Signal(int)

    def __init__(self, contract_service, catalog_service, formatter,
                 contract_id: int | None = None, *, draft: Contract | None = None,
                 member_name: str = "", open_new_terms: bool = True,
                 open_contract: Callable[[int], object] | None = None,
                 run: Callable[..., object] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        if (contract_id is None) == (draft is None):
            raise ValueError("Give the editor either a contract id or a new draft.")
        self.setObjectName("contractEditor")
        # Closed, it is deleted by Qt on this thread at the next turn of the event loop, rather
        # than whenever (and on whichever thread) Python's collector reaches its wrapper.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # Small enough for a 1600×1000 screen at scale 2; the tabs scroll (docs/design.md#screens).
        self.setMinimumSize(640, 420)
        self._fitted = False
        self._contracts, self._catalog, self._fmt = contract_service, catalog_service, formatter
        self.session = EditorSession(contract_service, PREVIEW_COUNT, run)
        self.session.member_name = member_name
        self._open_new_terms = open_new_terms
        # How another contract (a new term, a predecessor) is opened: the main window's own
        # editor factory when given, so it tracks that editor too; else a window of our own.
        self._open_contract = open_contract
        self._unavailable: dict[str, str] = {}
        self._close_confirmed = False
        # A save here makes the window run what it made due at once (a new contract's first
        # invoice): that run's change is the person's own doing, shown without a banner.
        self._own_run_pending = False
        self._guard: QMessageBox | None = None
        self.new_term_editor: ContractEditor | None = None
        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_now)
        self._plans: list = []
        lay_out(self)
        self._hidden_letters = HiddenTabLetters(self, self.tabs)  # Alt+letter on hidden tabs
        self._connect()
        try:
            self._plans = list(catalog_service.plans(include_archived=True))
            if draft is not None:
                self.session.start(draft)
            else:
                self.session.load(contract_id)
            self._show()
        except Exception as error:  # the window must open and say why, never show a traceback
            self._show_error(error)
            self.tabs.setEnabled(False)
            self.preview.show_message(_("There is nothing to preview."))
            for button in (self.saveButton, self.revertButton, self.changePlanButton,
                           self.createNewTermButton):
                button.setEnabled(False)

    # Wiring -------------------------------------------------------------------------------------

    def _connect(self) -> None:
        """What the widgets lay_out created do (layout.py)."""
        self.staleBanner.actionClicked.connect(self.reload)
        for tab in (self.general, self.dates, self.cancellation, self.new_term):
            tab.edited.connect(self._edit)
        self.general.localProblem.connect(self._local_problem)
        self._watch_typed_dates()
        self.general.manualPathRequested.connect(self.start_new_term)
        self.addons.changed.connect(self._addons_changed)
        self.addons.failed.connect(self._addon_failed)
        self.new_term.openContractRequested.connect(self._predecessor_requested)
        self.changePlanButton.clicked.connect(self.open_change_plan)
        self.createNewTermButton.clicked.connect(self.start_new_term)
        self.revertButton.clicked.connect(self.revert)
        self.saveButton.clicked.connect(self.save)
        # Ctrl+S saves; Esc and Ctrl+W close, asking about unsaved changes (closeEvent).
        for keys, slot in ((QKeySequence.StandardKey.Save, self._save_by_keyboard),
                           (QKeySequence(Qt.Key.Key_Escape), self.close),
                           (QKeySequence("Ctrl+W"), self.close)):
            QShortcut(keys, self, activated=slot)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if not self._fitted:  # the first time only: later the operator's size stands
            self._fitted = True
            fit_to_screen(self, QSize(1180, 720))
        super().showEvent(event)
        self._hidden_letters.refresh()  # the letters are handed out as the window first shows

    # What is shown ------------------------------------------------------------------------------

    @property
    def contract_id(self) -> int | None:
        return self.session.contract_id

    def draft(self) -> Contract | None:
        """The unsaved draft as edited so far."""
        return self.session.draft

    def is_dirty(self) -> bool:
        return self.session.is_dirty()

    def problems(self) -> list[Problem]:
        return self.session.problems()

    def _show(self) -> None:
        """Show the session's contract as loaded (or a new draft), its edits dropped."""
        contract = self.session.draft
        ctx = self._context()
        self.general.load(contract, ctx, self._eligible(contract))
        self.dates.load(contract, ctx)
        for tab in (self.cancellation, self.new_term, self.commitment):
            tab.load(contract, ctx)
        self.history.show_history(self.session.history)
        self.addons.load(contract, self.session.status, saved=contract.id is not None)
        self._show_header()
        self._show_problems()
        self.refresh_later()

    def _context(self) -> EditorContext:
        return EditorContext(self._fmt, self.session.status, self._plans, self.session.basis)

    def _eligible(self, draft: Contract) -> list:
        try:
            return self.session.eligible(draft)
        except Exception as error:
            self._show_error(error)
            return []

    def _show_header(self) -> None:
        session, fmt = self.session, self._fmt
        original, status, name = session.original, session.status, session.member_name
        if self.contract_id is None:
            title = _("New contract — {plan}").format(plan=original.plan.name)
        else:
            title = _("Contract {number} — {plan}").format(number=self.contract_id,
                                                           plan=original.plan.name)
        self.title.setText(title)
        chip, tone = self._status_text()
        self.chip.setText(chip)
        self.chip.setProperty("status", tone)
        self.chip.style().unpolish(self.chip)
        self.chip.style().polish(self.chip)
        self.subtitle.setText(name)
        self.setWindowTitle(" — ".join(t for t in (title, name, chip) if t))
        if status == CANCELLED:
            ended = original.cancellation_date
            self.stateBanner.show_message(
                _("This contract was cancelled on {day}; its plan and dates can no longer be "
                  "changed.").format(day=fmt.date_long(ended)) if ended else
                _("This contract has ended; its plan and dates can no longer be changed."))
        elif status in (NEW, INACTIVE):
            self._show_start()
        else:
            self.stateBanner.clear()
        saved_active = self.contract_id is not None and status == ACTIVE
        self.changePlanButton.setVisible(saved_active)
        self._unavailable = self._unavailable_actions()

    def _show_start(self) -> None:
        """A contract not started says when it starts: the start as edited, not as loaded."""
        start = self.session.draft.start_date
        self.stateBanner.show_message(_(
            "Starts on {day}. Until then its plan, price and dates can be edited freely."
        ).format(day=self._fmt.date_long(start)))

    def _status_text(self) -> tuple[str, str]:
        status, original = self.session.status, self.session.original
        if status == NEW:
            return _("New"), "new"
        if status == ACTIVE and original.cancellation_date is not None:
            return _("Cancelling on {day}").format(
                day=self._fmt.date(original.cancellation_date)), "cancelling"
        return {INACTIVE: (_("Not started"), "inactive"), ACTIVE: (_("Active"), "active"),
                CANCELLED: (_("Cancelled"), "cancelled")}.get(status, (status, "inactive"))

    # Edits ------------------------------------------------------------------------------------

    def _edit(self, changes: dict) -> None:
        if self.session.draft is None:
            return
        cleared = self.session.edit(changes)
        if cleared is not None:  # rule 10: another plan for a contract not started
            self.general.show_cleared_price(cleared)
        draft, ctx = self.session.draft, self._context()
        if self.session.status in (NEW, INACTIVE):
            self._show_start()
        self.general.update_derived(draft)
        self.dates.update_derived(draft)
        for tab in (self.cancellation, self.new_term, self.commitment):
            tab.update_derived(draft, ctx)
        self._show_problems()
        self.refresh_later()

    def _addon_failed(self, text: str) -> None:
        self.errorBanner.show_message(text, "error")

    def _local_problem(self, field: str, message: str) -> None:
        self.session.set_local(field, message)
        self._show_problems()
        self.refresh_later()  # the preview must not go on showing the invoice of the old date

    def refresh_later(self) -> None:
        """Recompute validation and preview once the operator pauses (debounced)."""
        self._timer.start()

    def refresh_now(self) -> None:
        """Validate, describe and preview the draft with the services (rules 8, 9, 17)."""
        self._timer.stop()
        draft = self.session.draft
        if draft is None:
            return
        try:
            # Read once while the editor is open; an edit then costs only the pure rules.
            self.session.check()
            self.general.show_description(self._sentences(draft))
            if self.session.status == ACTIVE:
                self.general.set_next_plans(draft, self._eligible(draft))
        except DatabaseBusy as error:
            # The database is away or busy, not the draft wrong (issue 19): said on the banner,
            # with Save left to try again once it is back, the edits kept.
            self._show_error(error)
        except Exception as error:
            self.session.found = [Problem("contract", user_message(error))]
        self._show_problems()
        self._show_preview()
        self.previewRefreshed.emit()

    def _sentences(self, draft: Contract) -> list[str]:
        """describe()'s sentences; a plain renewal, which it leaves unsaid, is said here."""
        sentences = self.session.describe()
        n = draft.next_invoice_date
        if (not sentences and self.session.status == ACTIVE and n is not None
                and draft.next_plan is not None and same_plan(draft.next_plan, draft.plan)):
            sentences.append(_("Renews on {plan} on {day}, the next invoice date.").format(
                plan=draft.plan.name, day=self._fmt.date(n)))
        return sentences

    def _show_preview(self) -> None:
        if self.problems():
            self.preview.show_message(_("Fix the highlighted fields to see what this contract "
                                        "will invoice."))
            return
        try:
            invoices = self.session.preview()
        except Exception as error:
            self.preview.show_message(user_message(error))
            return
        note = (_("What the unsaved edits will invoice next.") if self.is_dirty() else
                _("What this contract will invoice next."))
        self.preview.show_invoices(invoices, note)

    def _show_problems(self) -> None:
        """Mark each field with a problem, say why next to it, and flag its tab
        (docs/billing-rules.md)."""
        messages: dict[str, str] = {}
        for problem in self.problems():
            messages.setdefault(problem.field, say(problem.message, self._fmt))
        shown = set()
        for index in range(self.tabs.count()):
            tab = self.tabs.widget(index)
            flagged = False
            fields = tab.fields() if hasattr(tab, "fields") else {}
            for field, (widget, label) in fields.items():
                label.show_problem(widget, messages.get(field, ""))
                flagged |= field in messages
                shown.add(field)
            self.tabs.setTabIcon(index, icon("warning", "error") if flagged else QIcon())
        general = [m for f, m in messages.items() if f not in shown]
        count = len(messages)
        self.summary.setText(" ".join(general) if general else (
            _("Fix the highlighted field to save.") if count == 1 else
            _("Fix the {count} highlighted fields to save.").format(count=count) if count
            else ""))
        self._update_buttons()

    def _addons_changed(self, changes: Changes) -> None:
        """An add-on was added or removed (written at once, rule 16): show it, tell the page."""
        self.reload()
        self.changed.emit(changes)
        self.saved.emit(self.contract_id)

    # Actions ------------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save the draft; on refusal show why and keep it; True when it was stored."""
        if self._timer.isActive():  # an edit not checked yet; what is shown was checked already
            self.refresh_now()
        if self.session.draft is None or self.session.stale:
            return False
        try:
            changes = self.session.save(source=self)
        except StaleEdit:
            self._mark_stale(self.session.stale_by)
            return False
        except Exception as error:
            self._show_error(error)
            return False
        if changes is None:  # the draft's problems, the services' among them
            self._show_problems()
            return False
        typing_in = QApplication.focusWidget()
        self._own_run_pending = True
        self.errorBanner.clear()
        self.staleBanner.clear()  # what it said of the state before this save is past
        self._show()
        # Where it was typing, or (Save is disabled now) the tab's first field: never nowhere.
        keep_keyboard(self, typing_in, self.tabs.currentWidget(), self.tabs.tabBar())
        self.saved.emit(changes.id)
        return True

    def revert(self) -> None:
        """Back to the contract as last loaded or saved."""
        if self.session.original is not None:
            self.session.revert()
            self._show()

    def reload(self) -> None:
        """Load the stored contract again, dropping unsaved edits (the stale banner's action)."""
        state = self._stored_state(for_editor=True)
        if state is None:
            return
        self.session.reload(state)
        self.staleBanner.clear()
        self.errorBanner.clear()
        self._show()

    def on_changes(self, changes: Changes) -> None:
        """Another operation changed something (the window tells every open editor): show it
        when it concerns this contract, its member, or the plans and settings (the tax rate)
        its preview prices with."""
        draft = self.session.draft
        member = None if draft is None else draft.member
        concerns = changes.touches_member(member) or changes.touches_contract(self.contract_id)
        if changes.by == TIMER:
            own, self._own_run_pending = self._own_run_pending, False
            if concerns:
                self.contract_changed_elsewhere(TIMER, told=not own)
        elif concerns or changes.touches_catalog() or changes.touches_settings():
            self.member_changed_elsewhere(by=changes.by)

    def contract_changed_elsewhere(self, by: str = TIMER, told: bool = True) -> None:
        """The scheduled transitions changed this contract: reload if clean (saying so when
        `told`), else never overwrite."""
        self.session.forget_basis()  # the member's state moved on: read it again
        state = self._stored_state(for_editor=True)
        if state is None:
            return
        if state.version == self.session.version:  # its member's other contracts moved on
            self.session.basis = state.basis  # as read just now, with the state
            return
        if self.is_dirty():
            self._mark_stale(by)
            return
        self.session.show_state(state)
        self._show()
        if told:
            self.staleBanner.show_message(SHOWN_NOW[by](), "info", False)

    def member_changed_elsewhere(self, by: str = THIS_WINDOW) -> None:
        """Another screen changed this member (a save, a new term, an add-on): show it now.
        `by` says who: THIS_WINDOW, OTHER_DESK (another desk's save) or TIMER.

        The contract itself changed: reload it if clean, else say so and never overwrite. Only
        the member's other contracts changed: check and preview again, since both depend on them.
        """
        self.session.forget_basis()  # the member's state moved on: read it again
        state = self._stored_state(for_editor=True)
        if state is None:
            return
        if state.version != self.session.version:
            if self.is_dirty():
                self._mark_stale(by)
                return
            self.session.show_state(state)
            self._show()
            if by == OTHER_DESK:  # this window's own changes need no word
                self.staleBanner.show_message(SHOWN_NOW[by](), "info", False)
            return
        # Read with the state just now: what checking, previewing and the buttons depend on.
        self.session.basis, self.session.unavailable = state.basis, state.unavailable
        self._unavailable = self._unavailable_actions()
        self.refresh_now()

    def _stored_state(self, *, for_editor: bool = False):
        """The contract as stored now; None when there is none yet or it cannot be read (said)."""
        try:
            return self.session.stored_state(for_editor=for_editor)
        except Exception as error:
            self._show_error(error)
            return None

    def _show_error(self, error: BaseException) -> None:
        """A service's refusal or failure, as a sentence on the error banner."""
        self.errorBanner.show_message(user_message(error), "error")

    def _mark_stale(self, by: str = "") -> None:
        """Unsaved edits over a contract changed meanwhile: say by whom, offer Reload."""
        by = self.session.mark_stale(by)
        self.staleBanner.show_message(STALE[by](), "warning", True)
        self._update_buttons()

    def start_new_term(self) -> None:
        """Rule 10 (and rule 9's manual path): ask, create the new term, open it."""
        if self.contract_id is None:
            return
        dialog = NewTermDialog(self._fmt, self.session.draft, self.is_dirty(), self)
        dialog.accepted.connect(lambda: self._create_new_term(dialog.cancellation_date()))
        dialog.open()

    def _create_new_term(self, cancellation_date) -> None:
        if self.is_dirty() and not self.save():
            self.errorBanner.show_message(_("The new term was not created: save the changes to "
                                            "this contract first."), "error")
            return
        try:
            changes = self.session.create_new_term(cancellation_date)
        except Exception as error:
            self._show_error(error)
            return
        self.errorBanner.clear()
        self._show()
        self.changed.emit(changes)
        self.saved.emit(self.contract_id)
        self.newTermCreated.emit(changes.id)
        if self._open_new_terms:
            self.new_term_editor = self.open_editor(changes.id, on_new_term_tab=True)

    def _predecessor_requested(self, contract_id: int) -> None:
        self.openContractRequested.emit(contract_id)
        self.open_editor(contract_id)

    def open_editor(self, contract_id: int, on_new_term_tab: bool = False):
        """Open another contract in an editor (the new term on its New term tab, rule 10)."""
        if self._open_contract is not None:
            editor = self._open_contract(contract_id)
        else:
            editor = type(self)(self._contracts, self._catalog, self._fmt, contract_id,
                                open_new_terms=self._open_new_terms, run=self.session.run)
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
        for tab in (self.dates, self.cancellation, self.commitment):
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
        try:
            return self.session.unavailable_actions()
        except Exception as error:
            reason = user_message(error)
            return {"change_plan": reason, "new_term": reason}

    def _update_buttons(self) -> None:
        new, stale = self.contract_id is None, self.session.stale
        why_not_save = (_("This contract changed elsewhere: reload it first.") if stale
                        else _("Fix the marked fields first.") if self.problems()
                        else "" if new or self.is_dirty() else _("There are no changes to save."))
        offer(self.saveButton, why_not_save if self.session.draft else
              _("There is nothing to save."))
        offer(self.revertButton, "" if self.is_dirty() else _("There are no changes to revert."))
        self.addons.set_dirty(self.is_dirty() or stale)
        # Offered only when it can be done; otherwise disabled with the reason
        # (docs/design.md#screens).
        change_reason = self._unavailable.get("change_plan") or (
            _("Save or revert your changes first.") if self.is_dirty() else "")
        self.changePlanButton.setEnabled(not change_reason)
        self.changePlanButton.setToolTip(change_reason)
        term_reason = self._unavailable.get("new_term", "")
        self.createNewTermButton.setEnabled(not term_reason and not stale)
        self.createNewTermButton.setToolTip(term_reason)
        # The custom-price block's own way to a new term: greyed with the same reason.
        offer(self.general.manual_path_button, term_reason or (
            _("This contract changed elsewhere: reload it first.") if stale else ""))

    # Closing ------------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        if self._close_confirmed or not self.is_dirty():
            self._timer.stop()
            event.accept()
            self.closed.emit()
            return
        event.ignore()
        if self._guard is None:
            self._guard = unsaved_changes_box(self, self.session.stale)
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
