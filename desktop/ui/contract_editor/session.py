"""The contract being edited and what the editor asks the services about it
(docs/design.md#screens).

`EditorSession` holds the draft (a domain Contract, replaced on every edit), the contract as
loaded with its version, status and history, the problems found, and the `EditorBasis` read once
while the editor is open; it makes every service call the editor makes — load, validate,
describe, next plans, preview, save, revert, reload, new term — and keeps what came back. It
imports no Qt: `ContractEditor` (editor.py) shows what it holds and hands it the operator's
edits, and a service's refusal reaches the widgets as the exception it is.

A Save reads each thing once: the service checks and writes, and the editor's state, its basis
and the actions it can offer come back from the same transaction
(`ContractService.save_for_editor`), the catalog, the contract and the member's state each read
once; nothing is checked or previewed again that was checked and previewed for the same draft
already.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from desktop.domain.model import Contract, Problem
from desktop.domain.plan_changes import plan_chosen
from desktop.i18n import _
from desktop.services.changes import Changes
from desktop.services.errors import StaleEdit, ValidationError

# What the editor shows a contract as: the domain's statuses and a draft never saved.
NEW, INACTIVE, ACTIVE, CANCELLED = "new", "inactive", "active", "cancelled"


class EditorSession:
    """One contract (or a new draft) under edit, and its service calls."""

    def __init__(self, contracts: Any, preview_count: int,
                 run: Callable[..., Any] | None = None) -> None:
        self.contracts = contracts
        self.preview_count = preview_count
        # How a Save calls its service: through the window's `Operations.run`, which tells every
        # other screen what it changed (walk 1 of docs/architecture.md); without one (an editor
        # opened alone, as in tests) the service is called and no screen is told.
        self.run = run
        self.member_name = ""
        self.version: int | None = None
        self.status = NEW
        self.original: Contract | None = None
        self.draft: Contract | None = None
        self.history: list = []
        self.local: dict[str, str] = {}   # problems the widgets found (a date that cannot be read)
        self.found: list[Problem] = []    # problems the services found
        self.basis = None                 # what checking and previewing read (EditorBasis)
        # Why Change plan and Create new term cannot be used, as read with the state (None: ask).
        self.unavailable: dict[str, str] | None = None
        self.stale = False
        self.stale_by = ""  # who changed the contract under unsaved edits (changes.TIMER, …)

    # What is held ----------------------------------------------------------------------------

    @property
    def contract_id(self) -> int | None:
        return None if self.original is None else self.original.id

    def is_dirty(self) -> bool:
        return self.draft is not None and (self.draft != self.original or bool(self.local))

    def problems(self) -> list[Problem]:
        return [Problem(f, m) for f, m in self.local.items()] + list(self.found)

    def start(self, draft: Contract) -> None:
        """A new, unsaved contract."""
        self.show(draft, NEW, None, [])

    def show_state(self, state: Any) -> None:
        """The contract as the services loaded it; its basis and actions too when read with it."""
        self.member_name = state.member_name or self.member_name
        self.show(state.contract, state.status, state.version, state.history,
                  basis=state.basis, unavailable=state.unavailable)

    def show(self, contract: Contract, status: str, version: int | None, history: list, *,
             basis: Any = None, unavailable: dict[str, str] | None = None) -> None:
        """Start over from `contract` as loaded; the basis is read again unless given."""
        self.original = self.draft = contract
        self.basis = basis
        self.status, self.version, self.history = status, version, list(history)
        self.local.clear()
        self.found = []
        self.unavailable = unavailable

    # Edits -----------------------------------------------------------------------------------

    def edit(self, changes: dict) -> int | None:
        """Apply the operator's changes to the draft; the custom price rule 10 cleared, if any
        (another plan for a contract not started clears it, and the editor says so)."""
        cleared = None
        if "plan" in changes:
            before = self.draft
            self.draft = plan_chosen(before, changes["plan"])
            if before.custom_price is not None and self.draft.custom_price is None:
                cleared = before.custom_price
                changes = dict(changes, custom_price=None)
        self.draft = replace(self.draft, **changes)
        # The operator's edit answers the service's complaint about that field until re-checked.
        self.found = [p for p in self.found if p.field not in changes]
        return cleared

    def set_local(self, field: str, message: str) -> None:
        if message:
            self.local[field] = message
        else:
            self.local.pop(field, None)

    # Checking and previewing (the same code as the sweep; no query with the basis kept) -------

    def check(self) -> None:
        """Validate the draft; the problems are `problems()`."""
        self.basis = self.contracts.basis(self.draft, self.basis)
        self.found = list(self.contracts.validate(self.draft, self.basis))

    def describe(self) -> list[str]:
        return list(self.contracts.describe(self.draft, self.basis))

    def eligible(self, draft: Contract | None = None) -> list:
        """Rule 13's next plans for the draft (for an active contract; none otherwise)."""
        if self.status != ACTIVE:
            return []
        draft = self.draft if draft is None else draft
        self.basis = self.contracts.basis(draft, self.basis)
        return list(self.contracts.eligible_next_plans(draft, self.basis))

    def preview(self) -> list:
        return self.contracts.preview(self.draft, count=self.preview_count, basis=self.basis)

    def forget_basis(self) -> None:
        """The member's state moved on: read it again when next needed."""
        self.basis = None

    # Service calls that write ----------------------------------------------------------------

    def save(self, source: Any = None) -> Changes | None:
        """Save the draft and show the saved state; what changed, or None when the draft has
        problems (`problems()`, the services' among them). StaleEdit when the contract moved on
        under the edits; anything else as the service raised it. The call goes through `run`,
        which tells every screen but `source` (the editor showing this session) what changed."""
        if self.problems():
            # A problem may only be the scheduled transitions having moved the contract on.
            stored = self.stored_state()
            if stored is not None and stored.version != self.version:
                raise StaleEdit("The contract changed meanwhile.")
            return None
        try:
            # One transaction writes the draft and reads the saved state back for the editor,
            # with the catalog, the formatter and the chain the save read already.
            write = self.contracts.save_for_editor
            saved = (write(self.draft, self.version) if self.run is None
                     else self.run(write, self.draft, self.version, source=source))
        except ValidationError as error:
            self.found = list(error.problems)
            return None
        self.show_state(saved.state)
        return saved.changes

    def create_new_term(self, cancellation_date: date | None) -> Changes:
        """Rule 10: the next term, created; this contract shown as it now stands."""
        changes = self.contracts.create_new_term(self.contract_id, cancellation_date)
        self.show_state(self.contracts.load(self.contract_id, for_editor=True))
        return changes

    def revert(self) -> None:
        """Back to the contract as last loaded or saved (its basis still holds)."""
        self.show(self.original, self.status, self.version, self.history, basis=self.basis,
                  unavailable=self.unavailable)

    def reload(self, state: Any) -> None:
        """The stored state in place of the draft, unsaved edits dropped."""
        self.stale = False
        self.show_state(state)

    def mark_stale(self, by: str = "") -> str:
        """Unsaved edits over a contract changed meanwhile; who changed it, as first told (the
        other desks' watch also sees this desk's own writes, a moment later)."""
        if self.stale and self.stale_by:
            by = self.stale_by
        self.stale, self.stale_by = True, by
        return by

    # Reading ---------------------------------------------------------------------------------

    def load(self, contract_id: int) -> None:
        self.show_state(self.contracts.load(contract_id, for_editor=True))

    def stored_state(self, *, for_editor: bool = False) -> Any:
        """The contract as stored now; None for a draft never saved."""
        if self.contract_id is None:
            return None
        return self.contracts.load(self.contract_id, for_editor=for_editor)

    def unavailable_actions(self) -> dict[str, str]:
        """Why Change plan and Create new term cannot be offered now ("" where they can): as
        read with the state, else asked now (a service's failure raises)."""
        if self.contract_id is None:
            return {"change_plan": "", "new_term": _("Save the contract first.")}
        if self.unavailable is None:
            self.unavailable = self.contracts.unavailable_actions(self.contract_id)
        return self.unavailable
