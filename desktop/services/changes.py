"""What one operation changed, so every screen can tell whether it concerns it
(docs/design.md#screens).

Every mutating service call returns a `Changes` (a call that creates something carries the new
id in `id`, as Anki's OpChangesWithId does), and so does the sweep's report. The window hands it
to every screen's `on_changes`, and each asks only what it shows: the member page
`touches_member(its member)`, an editor `touches_contract(its contract)` or
`touches_member(its member)`, the plans catalog `touches_catalog()`, and so on. Screens refresh
from what changed, never by polling and never by knowing who else is open.

A member or contract set names exactly who changed; `everything` says anything may have changed
(another desk's write, an import, the demo), so every question answers yes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from desktop.domain.model import stored_id

# Who made a change, so an editor holding unsaved edits can say so (docs/design.md#screens).
THIS_WINDOW, TIMER, OTHER_DESK = "this window", "timer", "other desk"


@dataclass(frozen=True)
class Changes:
    """A frozen record of what one operation changed; empty when it changed nothing."""

    members: frozenset[int] = frozenset()    # members whose details, contracts or money changed
    contracts: frozenset[int] = frozenset()  # contracts written (saved, ended, created, moved on)
    catalog: bool = False       # plans or add-ons
    invoices: bool = False      # invoices issued (the members' are in `members`)
    payments: bool = False      # payments or refunds recorded
    settings: bool = False      # the site's settings
    transitions: bool = False   # transitions applied or now due on other days
    everything: bool = False    # anything may have changed: read it all again
    id: int | None = None       # what the call created or kept in force, when it names one
    by: str = ""                # who changed it: THIS_WINDOW, TIMER, OTHER_DESK or "" (unknown)

    @classmethod
    def of(cls, *, members: Iterable[int | str | None] = (),
           contracts: Iterable[int | str | None] = (), **flags) -> Changes:
        """A record from any iterables of stored ids (None, an unsaved id, is left out)."""
        return cls(members=frozenset(stored_id(i) for i in members if i is not None),
                   contracts=frozenset(stored_id(i) for i in contracts if i is not None),
                   **flags)

    @classmethod
    def anything(cls, by: str = "") -> Changes:
        """Anything may have changed (another desk's write, an import, the demo)."""
        return cls(catalog=True, invoices=True, payments=True, settings=True, transitions=True,
                   everything=True, by=by)

    def __bool__(self) -> bool:
        return bool(self.members or self.contracts or self.catalog or self.invoices
                    or self.payments or self.settings or self.transitions or self.everything)

    def __or__(self, other: Changes) -> Changes:
        """Both operations' changes; the id and author of the first that names one."""
        return Changes(
            members=self.members | other.members, contracts=self.contracts | other.contracts,
            catalog=self.catalog or other.catalog, invoices=self.invoices or other.invoices,
            payments=self.payments or other.payments, settings=self.settings or other.settings,
            transitions=self.transitions or other.transitions,
            everything=self.everything or other.everything,
            id=self.id if self.id is not None else other.id, by=self.by or other.by)

    def told_by(self, by: str) -> Changes:
        """The same changes, said to be made by `by` (the runner says it was this window)."""
        return replace(self, by=by)

    # Does this concern me? ----------------------------------------------------------------------

    def touches_member(self, member_id: int | None) -> bool:
        """The member's details, contracts, invoices or money may have changed."""
        return member_id is not None and (self.everything or member_id in self.members)

    def touches_contract(self, contract_id: int | None) -> bool:
        """The stored contract may have changed (a clean editor shows it, a dirty one is stale)."""
        return contract_id is not None and (self.everything or contract_id in self.contracts)

    def touches_members(self) -> bool:
        """Some member's row in the list may read differently (name, plans, status, money)."""
        return self.everything or bool(self.members) or self.catalog

    def touches_catalog(self) -> bool:
        return self.everything or self.catalog

    def touches_invoices(self) -> bool:
        return self.everything or self.invoices or self.payments

    def touches_transitions(self) -> bool:
        """What was applied or falls due may differ: any contract, plan or run changed."""
        return self.everything or self.transitions or bool(self.contracts) or self.catalog

    def touches_settings(self) -> bool:
        return self.everything or self.settings


NOTHING = Changes()
