"""What the contract editor needs of the member while it is open, read once
(docs/design.md#targets).

Checking, describing and previewing a draft read the member's state (account, contracts with
what was invoiced, settings), the catalog, the saved contract and its neighbours in the chain.
The editor keeps an `EditorBasis` of all that and hands it back with every recomputation, so an
edit costs only the pure rules (`validate_contract`, `describe`, `simulate`), no query. It asks
for a new one when the services say the member changed; `fits` refuses a basis of another
contract or of an earlier day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from desktop.domain.contracts import effective_cancellation
from desktop.domain.model import Contract, Plan, Problem, stored_id, stored_or_none
from desktop.i18n import _
from desktop.i18n.formatting import Formatter
from desktop.ledger.contracts import next_term_start
from desktop.ledger.member_states import MemberState, load_contract, load_member_state
from desktop.services.contracts.lookups import catalog
from desktop.services.formatting import formatter


@dataclass(frozen=True)
class Chain:
    """The neighbours of a contract in its chain of terms (rule 10)."""

    next_start: date | None       # the start of its next term, the earliest if several
    predecessor_ends: date | None  # when the term it continues ends


def load_chain(session: Session, draft: Contract, plans=None) -> Chain:
    """The draft's neighbours; `plans` (by id) when the caller has read them already."""
    previous = (None if draft.predecessor is None
                else load_contract(session, stored_id(draft.predecessor), plans))
    return Chain(next_term_start(session, stored_or_none(draft.id)),
                 None if previous is None else effective_cancellation(previous))


def chain_problems(chain: Chain, draft: Contract, original: Contract | None,
                   fmt: Formatter) -> list[Problem]:
    """Terms of a chain never overlap (rule 10). Only a changed end is checked against the next
    term and only a new or moved start against the previous one, so other edits still save."""
    problems = []
    start, ends = chain.next_start, effective_cancellation(draft)
    if (original is not None and start is not None and ends != effective_cancellation(original)
            and (ends is None or ends > start)):
        problems.append(Problem("cancellation_date", _(
            "This contract has a next term starting {day}; its cancellation date cannot be "
            "removed or moved past it.").format(day=fmt.date(start))))
    moved = original is None or draft.start_date != original.start_date
    before = chain.predecessor_ends
    if draft.predecessor is not None and moved and before is not None \
            and draft.start_date < before:
        problems.append(Problem("start_date", _(
            "This term continues a contract that ends on {day}; it cannot start before "
            "then.").format(day=fmt.date(before))))
    return problems


@dataclass(frozen=True)
class EditorBasis:
    """The member's state, the catalog, the saved contract and its chain, as of `today`."""

    today: date
    member: int
    contract: int | None
    predecessor: int | None
    state: MemberState
    original: Contract | None
    plans: tuple[Plan, ...]
    fmt: Formatter
    chain: Chain

    def fits(self, draft: Contract, today: date) -> bool:
        """True when this basis serves the draft on that day."""
        return (self.today, self.member, self.contract, self.predecessor) == (
            today, draft.member, draft.id, draft.predecessor)


def basis_of(session: Session, contract: Contract, state: MemberState, plans: dict,
             today: date, *, fmt: Formatter | None = None,
             chain: Chain | None = None) -> EditorBasis:
    """The basis of a contract as stored, from its member's state and the catalog (by id)
    already read in this session: what `load_basis` reads, less what the caller has (a Save
    hands over the site's formatter and the chain it checked the draft against, too)."""
    return EditorBasis(
        today=today, member=stored_id(contract.member), contract=stored_or_none(contract.id),
        predecessor=stored_or_none(contract.predecessor), state=state, original=contract,
        plans=tuple(plans.values()), fmt=formatter(session) if fmt is None else fmt,
        chain=load_chain(session, contract, plans) if chain is None else chain)


def load_basis(session: Session, draft: Contract, today: date) -> EditorBasis:
    """Everything validating, describing and previewing the draft reads, in one session."""
    return EditorBasis(
        today=today, member=stored_id(draft.member), contract=stored_or_none(draft.id),
        predecessor=stored_or_none(draft.predecessor),
        state=load_member_state(session, stored_id(draft.member)),
        original=None if draft.id is None else load_contract(session, stored_id(draft.id)),
        plans=tuple(catalog(session)), fmt=formatter(session),
        chain=load_chain(session, draft))
