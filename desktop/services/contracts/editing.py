"""The contract editor's use cases: load, draft, validate, describe, preview, save, new term,
change plan, add-ons, delete (rules 5-20 in docs/billing-rules.md). One write transaction per
mutating call.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.change_now import successor_term
from desktop.domain.commitment.notice import commitment_problems
from desktop.domain.contracts import (
    default_anchor,
    effective_cancellation,
    plan_in_force,
    status,
)
from desktop.domain.invoicing import buy_addons
from desktop.domain.model import (
    ADDON,
    CANCELLED,
    Contract,
    Plan,
    Problem,
    stored_id,
    stored_or_none,
)
from desktop.domain.plan_changes import labelled_targets, same_plan
from desktop.domain.validation import deletion_problem, validate_contract
from desktop.i18n import _
from desktop.i18n.formatting import Formatter
from desktop.i18n.messages import say
from desktop.ledger import audit
from desktop.ledger.applier import apply_due
from desktop.ledger.audit import HistoryRow
from desktop.ledger.contracts import (
    check_version,
    has_invoices,
    store,
    successor_ids,
)
from desktop.ledger.member_states import (
    billing_settings,
    load_contract,
    load_member_state,
    load_member_states,
    load_plans,
)
from desktop.services.changes import Changes
from desktop.services.contracts import change_plan as changes
from desktop.services.contracts.basis import (
    Chain,
    EditorBasis,
    basis_of,
    chain_problems,
    load_basis,
    load_chain,
)
from desktop.services.contracts.change_plan import ChangeOption
from desktop.services.contracts.lookups import catalog, contract_row, member_state_of, plan_by_id
from desktop.services.contracts.previews import describe, preview_invoices, with_contract
from desktop.services.errors import NotFound, Refused, ValidationError
from desktop.services.formatting import formatter
from desktop.storage import models as m

__all__ = ["ContractService", "ContractState", "SavedContract"]


@dataclass(frozen=True)
class ContractState:
    contract: Contract
    member_name: str
    status: str
    version: int
    history: list[HistoryRow]
    # Read with it for the editor (load(..., for_editor=True)), so showing a loaded or saved
    # contract reads nothing more: what checking and previewing it reads, and why Change plan
    # and Create new term cannot be offered ("" where they can).
    basis: EditorBasis | None = field(default=None, compare=False)
    unavailable: dict[str, str] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class SavedContract:
    """What `ContractService.save_for_editor` returns: what changed (`changes`, as `save`
    returns it) and the contract as saved (`state`, as `load(..., for_editor=True)`)."""

    changes: Changes
    state: ContractState


def _not_yet_invoiced(original: Contract | None) -> bool:
    """A new contract, or one whose first invoice (on its start date) has not been issued."""
    return original is None or original.next_invoice_date == original.start_date


def _normalised(draft: Contract, original: Contract | None) -> Contract:
    """Rule 10: until its first invoice a contract is invoiced on its start date and renews on
    its own plan, so the next invoice date follows the start and the next plan follows the plan."""
    if not _not_yet_invoiced(original):
        return draft
    return replace(draft, next_invoice_date=draft.start_date, next_plan=draft.plan)


@dataclass(frozen=True)
class _Written:
    """A draft saved, and what the save read that the saved state can use again."""

    changes: Changes
    plans: dict[int, Plan]
    fmt: Formatter
    chain: Chain


def _write_draft(session: Session, draft: Contract, version: int | None, today: date,
                 now: datetime) -> _Written:
    """Check the version, validate and store the draft, in the caller's write transaction.

    Each thing is read once: the contract's row (its version checked, then written), the
    catalog (for the original, the checks, the chain and the row's add-ons alike), the
    original contract, the chain, the site's formatter and the operator.
    """
    original = None
    row = None
    contract_id = stored_or_none(draft.id)
    if contract_id is not None:
        # Held until `store` has written it: the session keeps rows weakly, and `store` would
        # read a row it no longer holds again.
        row = contract_row(session, contract_id)
        check_version(row, version)
    elif session.get(m.MemberRow, draft.member) is None:
        raise NotFound(_("This member no longer exists."))
    plans = load_plans(session)  # read once for the original, the checks and the chain
    if contract_id is not None:
        original = load_contract(session, contract_id, plans)
        assert original is not None  # its row was read just above
        draft = replace(draft, member=original.member)
    draft = _normalised(draft, original)
    chain, fmt = load_chain(session, draft, plans), formatter(session)
    # Rule 25's site setting, read only for a contract bound by commitment or notice.
    on_boundary = (draft.commitment_end is None and draft.notice is None
                   or billing_settings(session).cancellations_on_boundary)
    problems = (validate_contract(draft, original, list(plans.values()), today)
                + commitment_problems(draft, original, today, on_boundary)
                + chain_problems(chain, draft, original, fmt))
    if problems:
        raise ValidationError(problems)
    saved = store(session, original, draft, today=today, now=now, who=audit.operator(session))
    return _Written(Changes.of(members=[draft.member], contracts=[saved], id=saved), plans,
                    fmt, chain)


def _state(session: Session, contract_id: int, today: date, plans: dict[int, Plan] | None, *,
           fmt: Formatter | None = None, chain: Chain | None = None) -> ContractState:
    """The contract as stored, read in the caller's session; with the catalog (`plans`) also
    its EditorBasis and unavailable actions, built from the member's state read with it and
    from the formatter and chain when the caller has them already."""
    # The version and the member alone: the row's relationships are not needed here.
    found = session.execute(select(m.ContractRow.member_id, m.ContractRow.version)
                            .where(m.ContractRow.id == contract_id)).first()
    if found is None:
        raise NotFound(_("This contract no longer exists."))
    member_id, version = found
    state = (load_member_state(session, member_id) if plans is None
             else load_member_states(session, [member_id], plans)[member_id])
    contract = next(c for c in state.contracts if c.id == contract_id)
    name = session.scalar(select(m.MemberRow.name).where(m.MemberRow.id == member_id)) or ""
    basis = unavailable = None
    if plans is not None:
        basis = basis_of(session, contract, state, plans, today, fmt=fmt, chain=chain)
        unavailable = {"change_plan": changes.change_refusal(session, contract, today),
                       "new_term": _new_term_refusal(session, contract, today)}
    return ContractState(contract, name, status(contract, today), version,
                         audit.contract_history(session, contract_id), basis, unavailable)


class ContractService:
    def __init__(self, db, clock) -> None:
        self.db = db
        self.clock = clock

    # Reading ---------------------------------------------------------------------------------

    def load(self, contract_id: int, *, for_editor: bool = False) -> ContractState:
        """The contract as stored, its member's name, status, version and history; with
        for_editor also its EditorBasis and unavailable actions, read in the same session from
        the member's state and the catalog read once (so a Save reads each thing once)."""
        today = self.clock.today()
        with self.db.session() as session:
            plans = _catalog_if_readable(session) if for_editor else None
            return _state(session, contract_id, today, plans)

    def new_draft(self, member_id: int, plan_id: int) -> Contract:
        """An unsaved contract starting today; anchor by rule 11 (the site's billing day)."""
        today = self.clock.today()
        with self.db.session() as session:
            if session.get(m.MemberRow, member_id) is None:
                raise NotFound(_("This member no longer exists."))
            plan = plan_by_id(session, plan_id)
            billing_day = billing_settings(session).billing_day
        anchor = default_anchor(today, plan.frequency, billing_day)
        return Contract(member=member_id, plan=plan, next_plan=plan, start_date=today,
                        billing_anchor=anchor, next_invoice_date=today)

    def basis(self, draft: Contract, kept: EditorBasis | None = None) -> EditorBasis:
        """What checking, describing and previewing the draft read; `kept` when it still fits.

        The editor keeps it while open and passes it to validate, describe, preview and
        eligible_next_plans, which then query nothing; it drops it when the member changed.
        """
        today = self.clock.today()
        if kept is not None and kept.fits(draft, today):
            return kept
        with self.db.session() as session:
            return load_basis(session, draft, today)

    def eligible_next_plans(self, contract: Contract,
                            basis: EditorBasis | None = None) -> list[tuple[Plan, str]]:
        """Rule 13: the plans of the contract's group (all when none), labelled; never archived,
        except the contract's own plan, which it may always keep."""
        found = labelled_targets(contract, list(self.basis(contract, basis).plans))
        if not any(same_plan(plan, contract.plan) for plan, _ in found):
            found.insert(0, (contract.plan, "same level"))
        return found

    def validate(self, draft: Contract, basis: EditorBasis | None = None) -> list[Problem]:
        basis = self.basis(draft, basis)
        original = basis.original
        draft = _normalised(draft, original)
        on_boundary = basis.state.settings.cancellations_on_boundary
        return (validate_contract(draft, original, list(basis.plans), basis.today)
                + commitment_problems(draft, original, basis.today, on_boundary)
                + chain_problems(basis.chain, draft, original, basis.fmt))

    def describe(self, draft: Contract, basis: EditorBasis | None = None) -> list[str]:
        basis = self.basis(draft, basis)
        return describe(draft, basis.today, basis.fmt,
                        basis.state.settings.cancellations_on_boundary)

    def preview(self, draft: Contract, count: int = 3, basis: EditorBasis | None = None) -> list:
        """The next `count` invoices that bill this contract, with the draft in force, as the
        sweep issues them (whole invoices: the member's other lines, tax and credit included).

        Invoices of the member's other contracts alone (a successor's, say) are not this
        contract's to show.
        """
        basis = self.basis(draft, basis)
        contracts = with_contract(basis.state.contracts, _normalised(draft, basis.original))
        upcoming = preview_invoices(basis.state, contracts, basis.today, count * 4)
        # Lines of no contract (a deposit refunded when the last one ends) count as this one's.
        own = [i for i in upcoming if any(line.contract in (draft.id, None) for line in i.lines)]
        return own[:count]

    # Saving ----------------------------------------------------------------------------------

    def save(self, draft: Contract, version: int | None) -> Changes:
        """Validate and save; ValidationError or StaleEdit leave the database untouched. The
        Changes carry the contract's id."""
        today, now = self.clock.today(), self.clock.now()
        with self.db.write() as session:
            return _write_draft(session, draft, version, today, now).changes

    def save_for_editor(self, draft: Contract, version: int | None) -> SavedContract:
        """`save`, and the contract as saved, as `load(..., for_editor=True)` gives it: read in
        the same transaction after the write, with the catalog, the site's formatter and the
        chain the save read already, so one Save reads each of them once."""
        today, now = self.clock.today(), self.clock.now()
        with self.db.write() as session:
            written = _write_draft(session, draft, version, today, now)
            saved = stored_id(written.changes.id)
            # The chain the draft was checked against is the saved contract's too: the write
            # changed neither its successors nor the term it continues. A contract new here
            # has its own id only now, so its chain is looked up with it.
            chain = written.chain if stored_or_none(draft.id) is not None else None
            state = _state(session, saved, today, written.plans, fmt=written.fmt, chain=chain)
            return SavedContract(written.changes, state)

    def create_new_term(self, contract_id: int,
                        cancellation_date: date | None = None) -> Changes:
        """Rule 10: a new inactive contract starting on the predecessor's end; the Changes
        carry its id.

        Refused when that end is already past: the new term would be invoiced for the gap.
        """
        today, now = self.clock.today(), self.clock.now()
        with self.db.write() as session:
            contract = load_contract(session, contract_id)
            if contract is None:
                raise NotFound(_("This contract no longer exists."))
            refusal = _new_term_refusal(session, contract, today)
            if refusal:
                raise Refused(refusal)
            who, plans = audit.operator(session), catalog(session)
            start = effective_cancellation(contract)
            if start is None:
                if cancellation_date is None:
                    raise ValidationError([Problem(
                        "cancellation_date",
                        "Set the cancellation date first: the new term starts on it.")])
                ended = contract.with_changes(cancellation_date=cancellation_date)
                problems = validate_contract(ended, contract, plans, today)
                if problems:
                    raise ValidationError(problems)
                store(session, contract, ended, today=today, now=now, who=who)
                start = cancellation_date
            # The plan in force on the term's first day, not the one stored today.
            term = successor_term(contract, start, plan=plan_in_force(contract, start))
            problems = validate_contract(term, None, plans, today)
            if problems:
                raise ValidationError(problems)
            new_id = store(session, None, term, today=today, now=now, who=who)
            return Changes.of(members=[contract.member], contracts=[contract_id, new_id],
                              id=new_id)

    def unavailable_actions(self, contract_id: int) -> dict[str, str]:
        """Why Change plan and Create new term cannot be used now ("" where they can), so the
        editor offers only what it can do (docs/design.md#screens)."""
        today = self.clock.today()
        with self.db.session() as session:
            contract = load_contract(session, contract_id)
            if contract is None:
                raise NotFound(_("This contract no longer exists."))
            return {"change_plan": changes.change_refusal(session, contract, today),
                    "new_term": _new_term_refusal(session, contract, today)}

    # Changing plans (rules 12-14) ------------------------------------------------------------

    def change_options(self, contract_id: int) -> list[ChangeOption]:
        with self.db.session() as session:
            return changes.options(session, contract_id, self.clock.today())

    def quote_change(self, contract_id: int, plan_id: int, when: str, on: date | None = None,
                     quantity: int | None = None, addon_ids: tuple[int, ...] = ()) -> ChangeOption:
        with self.db.session() as session:
            change = changes.work_out(session, contract_id, plan_id, when, on, quantity,
                                      tuple(addon_ids), self.clock.today())
            return change.option

    def change_plan(self, contract_id: int, plan_id: int, when: str, on: date | None = None,
                    quantity: int | None = None, addon_ids: tuple[int, ...] = ()) -> Changes:
        """Apply a change in one transaction; the Changes carry the id of the contract in force
        or scheduled.

        "now" also issues today's invoice at once (the one quote_change showed as pay now).
        """
        today, now = self.clock.today(), self.clock.now()
        with self.db.write() as session:
            change = changes.work_out(session, contract_id, plan_id, when, on, quantity,
                                      tuple(addon_ids), today)
            if change.blocked:
                raise Refused(change.blocked)
            problems = changes.validated(change, catalog(session), today)
            if problems:
                raise ValidationError(problems)
            who = audit.operator(session)
            assert change.ended is not None  # None only for "no change", which is blocked
            store(session, change.original, change.ended, today=today, now=now, who=who)
            in_force = contract_id
            if change.term is not None:
                in_force = store(session, None, change.term, today=today, now=now, who=who)
                changes.record_plan_change(session, change.original, change.term, in_force, now)
            # Add-ons bought (rule 16): a line of the new term gets the id it was just given.
            bought = [line if line.contract is not None else replace(line, contract=in_force)
                      for line in change.at_once]
            if change.option.on == today or bought:
                session.flush()
                # One Apply is one billing date and one document (rule 17).
                apply_due(session, stored_id(change.original.member), today, now=now, who=who,
                          at_once=bought)
            issued = bool(bought) or change.option.on == today or bool(change.at_once)
            return Changes.of(members=[change.original.member],
                              contracts=[contract_id, in_force], invoices=issued,
                              transitions=issued, id=in_force)

    # Add-ons (rule 16) -----------------------------------------------------------------------

    def add_addon(self, contract_id: int, addon_id: int, quantity: int = 1) -> Changes:
        """Add an add-on; bought mid-period it is invoiced at once (prorated when recurring)."""
        today, now = self.clock.today(), self.clock.now()
        with self.db.write() as session:
            state, contract = member_state_of(session, contract_id)
            addon = plan_by_id(session, addon_id)
            problems = _addon_problems(contract, addon, quantity, today)
            if problems:
                raise ValidationError(problems)
            # A one-off is invoiced at once even before the start; a recurring one bought before
            # the start is billed with the first invoice.
            updated, lines = buy_addons(contract, [(addon, quantity)], today)
            who = audit.operator(session)
            store(session, contract, updated, today=today, now=now, who=who)
            if lines:
                session.flush()
                apply_due(session, stored_id(contract.member), today, now=now, who=who,
                          at_once=lines)
            return Changes.of(members=[contract.member], contracts=[contract_id],
                              invoices=bool(lines))

    def remove_addon(self, contract_id: int, addon_id: int) -> Changes:
        """Remove an add-on: it is no longer invoiced from the next invoice date (rule 16)."""
        today, now = self.clock.today(), self.clock.now()
        with self.db.write() as session:
            _state, contract = member_state_of(session, contract_id)
            kept = tuple(a for a in contract.addons if a.addon.id != addon_id)
            if len(kept) == len(contract.addons):
                raise NotFound(_("This contract does not have that add-on."))
            store(session, contract, contract.with_changes(addons=kept), today=today, now=now,
                  who=audit.operator(session))
            return Changes.of(members=[contract.member], contracts=[contract_id])

    def delete(self, contract_id: int) -> Changes:
        """Delete a cancelled contract that was never invoiced; Refused otherwise."""
        today, now = self.clock.today(), self.clock.now()
        with self.db.write() as session:
            contract = load_contract(session, contract_id)
            if contract is None:
                raise NotFound(_("This contract no longer exists."))
            problem = deletion_problem(contract, has_invoices(session, contract_id), today)
            if problem is not None:
                raise Refused(say(problem.message))
            row = contract_row(session, contract_id)
            successors = successor_ids(session, contract_id)
            for successor in successors:
                # The chain skips the deleted link: the next term continues its predecessor.
                contract_row(session, successor).predecessor_id = row.predecessor_id
            audit.write_event(session, at=now, who=audit.operator(session), entity="contract",
                              entity_id=contract_id, field="Deleted", old=contract.plan.name,
                              member_id=row.member_id, contract_id=contract_id)
            session.delete(row)
            return Changes.of(members=[row.member_id], contracts=[contract_id, *successors])


def _catalog_if_readable(session) -> dict[int, Plan] | None:
    """The whole catalog by id, read once for the member's state and the editor's basis; None
    when a plan cannot be read: the state then leaves it out as ever, and the basis, read when
    the editor first needs it, says so in the editor."""
    try:
        return load_plans(session)
    except ValueError:
        return None


def _new_term_refusal(session, contract: Contract, today: date) -> str:
    """Why no new term can follow this contract (rule 10), or ""."""
    successors = successor_ids(session, stored_id(contract.id))
    if successors:
        return _("This contract already has a next term (contract {id}).").format(
            id=successors[0])
    if contract.plan.archived:
        return _("{plan} is archived, so no new term can continue it; start a new contract on a "
                 "current plan instead.").format(plan=contract.plan.name)
    start = effective_cancellation(contract)
    if start is not None and start < today:
        # The sweep would bill every period from that day to today (rule 18).
        return _("This contract ended on {day}; a new term would start in the past. Start a new "
                 "contract for this member instead.").format(
            day=formatter(session).date(start))
    return ""


def _addon_problems(contract: Contract, addon: Plan, quantity: int, today: date) -> list[Problem]:
    """Rule 16 checks: an open contract, an add-on its plan offers, not held twice if recurring."""
    if status(contract, today) == CANCELLED:
        raise Refused(_("This contract has ended, so add-ons cannot be added to it."))
    problems = []
    if addon.kind != ADDON:
        problems.append(Problem("addon", _("{name} is a plan, not an add-on.").format(
            name=addon.name)))
    elif addon.archived:
        problems.append(Problem("addon", _(
            "{name} is archived and cannot be sold.").format(name=addon.name)))
    elif addon.name not in contract.plan.addons:
        problems.append(Problem("addon", _(
            "{plan} does not offer {name}.").format(plan=contract.plan.name, name=addon.name)))
    elif addon.recurring and any(a.addon.id == addon.id for a in contract.addons):
        problems.append(Problem("addon", _(
            "This contract already has {name}.").format(name=addon.name)))
    if not isinstance(quantity, int) or quantity < 1:
        problems.append(Problem("quantity", _("The quantity must be at least 1.")))
    return problems

