"""The contract editor (DESIGN.md §6): tabs on the left, the live invoice preview on the right.

The editor keeps a domain Contract draft and changes it with dataclasses.replace on every edit;
a single-shot timer then asks ContractService to validate, describe and preview the draft with
the same code the sweep uses, so what the preview shows is what the timer will later issue.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Callable

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.model import Contract, Problem
from desktop.domain.plan_changes import plan_chosen, same_plan
from desktop.i18n import _
from desktop.i18n.messages import say
from desktop.ui.common.fields import Banner, styled_label
from desktop.ui.common.icons import icon
from desktop.ui.common.screens import ScrolledTabs, fit_to_screen
from desktop.ui.common.widgets import user_message
from desktop.ui.contract_editor.actions import EditorActions
from desktop.ui.contract_editor.addons import AddonsBlock
from desktop.ui.contract_editor.dates import KeyDatesTab
from desktop.ui.contract_editor.history import HistoryTab
from desktop.ui.contract_editor.invoice_preview import InvoicePreview
from desktop.ui.contract_editor.tabs import (
    ACTIVE,
    CANCELLED,
    NEW,
    EditorContext,
    GeneralTab,
)
from desktop.ui.contract_editor.terms import CancellationTab, NewTermTab

_log = logging.getLogger(__name__)
PREVIEW_DELAY_MS = 100
PREVIEW_COUNT = 3


class ContractEditor(EditorActions, QWidget):
    """Edits one contract (or a new draft) with validation, preview, save, revert, new term."""

    saved = Signal(int)
    changed = Signal(object)  # what a save, new term, plan change or add-on changed (Changes)
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
                 parent: QWidget | None = None):
        super().__init__(parent)
        if (contract_id is None) == (draft is None):
            raise ValueError("Give the editor either a contract id or a new draft.")
        self.setObjectName("contractEditor")
        # Closed, it is deleted by Qt on this thread at the next turn of the event loop, rather
        # than whenever (and on whichever thread) Python's collector reaches its wrapper.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # Small enough for a 1600×1000 screen at scale 2; the tabs scroll (DESIGN.md §6).
        self.setMinimumSize(640, 420)
        self._fitted = False
        self._contracts, self._catalog, self._fmt = contract_service, catalog_service, formatter
        self._open_new_terms = open_new_terms
        # How another contract (a new term, a predecessor) is opened: the main window's own
        # editor factory when given, so it tracks that editor too; else a window of our own.
        self._open_contract = open_contract
        self._member_name = member_name
        self._version: int | None = None
        self._status = NEW
        self._original: Contract | None = None
        self._draft: Contract | None = None
        self._history: list = []
        self._local: dict[str, str] = {}
        self._problems: list[Problem] = []
        self._basis = None  # what checking and previewing read of the member (EditorBasis)
        self._stale = False
        self._stale_by = ""  # who changed the contract under unsaved edits (actions.STALE)
        self._close_confirmed = False
        self._guard: QMessageBox | None = None
        self.new_term_editor: ContractEditor | None = None
        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_now)
        self._build()
        try:
            self._plans = list(catalog_service.plans(include_archived=True))
            if draft is not None:
                self._show(draft, NEW, None, [])
            else:
                self._show_state(contract_service.load(contract_id))
        except Exception as error:  # the window must open and say why, never show a traceback
            self._plans = getattr(self, "_plans", [])
            self._show_error(error)
            self.tabs.setEnabled(False)
            self.preview.show_message(_("There is nothing to preview."))
            for button in (self.saveButton, self.revertButton, self.changePlanButton,
                           self.createNewTermButton):
                button.setEnabled(False)

    # Layout -------------------------------------------------------------------------------------

    def _build(self) -> None:
        column = QVBoxLayout(self)
        column.setContentsMargins(14, 12, 14, 12)
        column.setSpacing(8)
        header = QHBoxLayout()
        self.title = styled_label(role="title", wrap=False)
        self.title.setObjectName("contractTitle")
        self.chip = styled_label(role="chip", wrap=False)
        self.chip.setObjectName("contractStatus")
        header.addWidget(self.title)
        header.addWidget(self.chip, 0, Qt.AlignVCenter)
        header.addStretch(1)
        column.addLayout(header)
        self.subtitle = styled_label(role="subtitle")
        self.subtitle.setObjectName("contractSubtitle")
        column.addWidget(self.subtitle)

        self.staleBanner = Banner("staleBanner", "warning", _("Reload"), "reloadButton")
        self.staleBanner.actionClicked.connect(self.reload)
        self.stateBanner = Banner("stateBanner", "info")
        self.errorBanner = Banner("errorBanner", "error")
        for banner in (self.staleBanner, self.stateBanner, self.errorBanner):
            column.addWidget(banner)

        self.general = GeneralTab(self._fmt)
        self.dates = KeyDatesTab(self._fmt)
        self.cancellation = CancellationTab(self._fmt)
        self.new_term = NewTermTab(self._fmt)
        self.history = HistoryTab(self._fmt)
        self.tabs = ScrolledTabs(objectName="contractTabs")
        self.tabs.setIconSize(QSize(12, 12))
        for tab, caption in ((self.general, _("General")), (self.dates, _("Key dates")),
                             (self.cancellation, _("Cancellation")),
                             (self.new_term, _("New term")), (self.history, _("History"))):
            self.tabs.addTab(tab, caption)
            if hasattr(tab, "edited"):
                tab.edited.connect(self._edit)
        self.general.localProblem.connect(self._local_problem)
        self._watch_typed_dates()
        self.general.manualPathRequested.connect(self.start_new_term)
        self.addons = AddonsBlock(self._contracts, self._catalog, self._fmt)
        self.general.insert_above_notes(_("Add-ons"), self.addons)
        self.addons.changed.connect(self._addons_changed)
        self.addons.failed.connect(self._addon_failed)
        self.new_term.openContractRequested.connect(self._predecessor_requested)
        self.preview = InvoicePreview(self._fmt)
        splitter = QSplitter(Qt.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.tabs)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([600, 360])
        column.addWidget(splitter, 1)

        footer = QHBoxLayout()
        self.changePlanButton = QPushButton(icon("plans"), _("Change plan…"),
                                            objectName="changePlanButton")
        self.createNewTermButton = QPushButton(icon("new"), _("Create new term…"),
                                               objectName="createNewTermButton")
        # Wraps rather than clips when a long language meets a narrow editor.
        self.summary = styled_label(role="fieldMessage")
        self.summary.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.summary.setObjectName("problemSummary")
        self.revertButton = QPushButton(icon("restore"), _("Revert"), objectName="revertButton")
        self.saveButton = QPushButton(_("Save"), objectName="saveButton")
        self.saveButton.setProperty("primary", True)
        self.saveButton.setDefault(True)
        for widget in (self.changePlanButton, self.createNewTermButton):
            footer.addWidget(widget)
        footer.addStretch(1)
        footer.addWidget(self.summary)
        footer.addWidget(self.revertButton)
        footer.addWidget(self.saveButton)
        column.addLayout(footer)
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

    # What is shown ------------------------------------------------------------------------------

    @property
    def contract_id(self) -> int | None:
        return None if self._original is None else self._original.id

    def draft(self) -> Contract | None:
        """The unsaved draft as edited so far."""
        return self._draft

    def is_dirty(self) -> bool:
        return self._draft is not None and (self._draft != self._original or bool(self._local))

    def problems(self) -> list[Problem]:
        return [Problem(f, m) for f, m in self._local.items()] + list(self._problems)

    def _show_state(self, state) -> None:
        self._member_name = state.member_name or self._member_name
        self._show(state.contract, state.status, state.version, state.history)

    def _show(self, contract: Contract, status: str, version, history) -> None:
        self._original = self._draft = contract
        self._basis = None  # read again for the contract as loaded
        self._status, self._version, self._history = status, version, list(history)
        self._local.clear()
        self._problems = []
        ctx = self._context()
        self.general.load(contract, ctx, self._eligible(contract))
        self.dates.load(contract, ctx)
        self.cancellation.load(contract, ctx)
        self.new_term.load(contract, ctx)
        self.history.show_history(self._history)
        self.addons.load(contract, status, saved=contract.id is not None)
        self._show_header()
        self._show_problems()
        self.refresh_later()

    def _context(self) -> EditorContext:
        return EditorContext(self._fmt, self._status, self._plans)

    def _eligible(self, draft: Contract) -> list:
        if self._status != ACTIVE:
            return []
        try:
            self._basis = self._contracts.basis(draft, self._basis)
            return list(self._contracts.eligible_next_plans(draft, self._basis))
        except Exception as error:
            self._show_error(error)
            return []

    def _show_header(self) -> None:
        draft, fmt = self._original, self._fmt
        if self.contract_id is None:
            title = _("New contract — {plan}").format(plan=draft.plan.name)
        else:
            title = _("Contract {number} — {plan}").format(number=self.contract_id,
                                                           plan=draft.plan.name)
        self.title.setText(title)
        chip, tone = self._status_text()
        self.chip.setText(chip)
        self.chip.setProperty("status", tone)
        self.chip.style().unpolish(self.chip)
        self.chip.style().polish(self.chip)
        self.subtitle.setText(self._member_name)
        self.setWindowTitle(" — ".join(t for t in (title, self._member_name, chip) if t))
        if self._status == CANCELLED:
            ended = draft.cancellation_date
            self.stateBanner.show_message(
                _("This contract was cancelled on {day}; its plan and dates can no longer be "
                  "changed.").format(day=fmt.date_long(ended)) if ended else
                _("This contract has ended; its plan and dates can no longer be changed."))
        elif self._status in (NEW, "inactive"):
            self.stateBanner.show_message(_(
                "Starts on {day}. Until then its plan, price and dates can be edited freely."
            ).format(day=fmt.date_long(draft.start_date)))
        else:
            self.stateBanner.clear()
        saved_active = self.contract_id is not None and self._status == ACTIVE
        self.changePlanButton.setVisible(saved_active)
        self._unavailable = self._unavailable_actions()

    def _status_text(self) -> tuple[str, str]:
        if self._status == NEW:
            return _("New"), "new"
        if self._status == ACTIVE and self._original.cancellation_date is not None:
            return _("Cancelling on {day}").format(
                day=self._fmt.date(self._original.cancellation_date)), "cancelling"
        return {"inactive": (_("Not started"), "inactive"), ACTIVE: (_("Active"), "active"),
                CANCELLED: (_("Cancelled"), "cancelled")}.get(self._status,
                                                               (self._status, "inactive"))

    # Edits ------------------------------------------------------------------------------------

    def _edit(self, changes: dict) -> None:
        if self._draft is None:
            return
        if "plan" in changes:
            # Rule 10: another plan for a contract not started clears its custom price; say so.
            before = self._draft
            self._draft = plan_chosen(before, changes["plan"])
            if before.custom_price is not None and self._draft.custom_price is None:
                self.general.show_cleared_price(before.custom_price)
                changes = dict(changes, custom_price=None)
        self._draft = replace(self._draft, **changes)
        ctx = self._context()
        self.general.update_derived(self._draft)
        self.dates.update_derived(self._draft)
        self.cancellation.update_derived(self._draft, ctx)
        self.new_term.update_derived(self._draft, ctx)
        # The operator's edit answers the service's complaint about that field until re-checked.
        self._problems = [p for p in self._problems if p.field not in changes]
        self._show_problems()
        self.refresh_later()

    def _addon_failed(self, text: str) -> None:
        self.errorBanner.show_message(text, "error")

    def _local_problem(self, field: str, message: str) -> None:
        if message:
            self._local[field] = message
        else:
            self._local.pop(field, None)
        self._show_problems()
        self.refresh_later()  # the preview must not go on showing the invoice of the old date

    def refresh_later(self) -> None:
        """Recompute validation and preview once the operator pauses (debounced)."""
        self._timer.start()

    def refresh_now(self) -> None:
        """Validate, describe and preview the draft with the services (rules 8, 9, 17)."""
        self._timer.stop()
        draft = self._draft
        if draft is None:
            return
        try:
            # Read once while the editor is open; an edit then costs only the pure rules.
            self._basis = self._contracts.basis(draft, self._basis)
            self._problems = list(self._contracts.validate(draft, self._basis))
            self.general.show_description(self._sentences(draft))
            if self._status == ACTIVE:
                self.general.set_next_plans(draft, self._eligible(draft))
        except Exception as error:
            self._problems = [Problem("contract", user_message(error))]
        self._show_problems()
        self._show_preview(draft)
        self.previewRefreshed.emit()

    def _sentences(self, draft: Contract) -> list[str]:
        """describe()'s sentences; a plain renewal, which it leaves unsaid, is said here."""
        sentences = list(self._contracts.describe(draft, self._basis))
        n = draft.next_invoice_date
        if (not sentences and self._status == ACTIVE and n is not None
                and draft.next_plan is not None and same_plan(draft.next_plan, draft.plan)):
            sentences.append(_("Renews on {plan} on {day}, the next invoice date.").format(
                plan=draft.plan.name, day=self._fmt.date(n)))
        return sentences

    def _show_preview(self, draft: Contract) -> None:
        if self.problems():
            self.preview.show_message(_("Fix the highlighted fields to see what this contract "
                                        "will invoice."))
            return
        try:
            invoices = self._contracts.preview(draft, count=PREVIEW_COUNT, basis=self._basis)
        except Exception as error:
            self.preview.show_message(user_message(error))
            return
        note = (_("What the unsaved edits will invoice next.") if self.is_dirty() else
                _("What this contract will invoice next."))
        self.preview.show_invoices(invoices, note)

    def _show_problems(self) -> None:
        """Mark each field with a problem, say why next to it, and flag its tab (§3)."""
        messages: dict[str, str] = {}
        for problem in self.problems():
            messages.setdefault(problem.field, say(problem.message, self._fmt))
        shown = set()
        for index in range(self.tabs.count()):
            tab = self.tabs.widget(index)
            flagged = False
            for field, (widget, label) in getattr(tab, "fields", dict)().items():
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

    def _addons_changed(self, changes) -> None:
        """An add-on was added or removed (written at once, rule 16): show it, tell the page."""
        self.reload()
        self.changed.emit(changes)
        self.saved.emit(self.contract_id)
