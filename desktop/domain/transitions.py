"""The pure half of the sweep: what falls due for a member on a day (rules 4-8, 10-12, 15-19).

`apply_day` applies one member's transitions on one date and returns the new state with the one
invoice they produce; `simulate` repeats it in date order. The sweep writes what these return;
the preview shows it. Both call the same code, so a preview equals the invoice later issued.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from desktop.domain.accounts import deposit_document, issue, vat_document
from desktop.domain.charges.billing import charge_line, due_charges, next_charge_day
from desktop.domain.commitment.notice import termination_lines
from desktop.domain.contracts import (
    deposit_required,
    effective_cancellation,
    next_event_date,
    status,
)
from desktop.domain.invoicing import (
    DEPOSIT,
    DEPOSIT_REFUND,
    invoiced_spans,
    period_lines,
    unused_credit_lines,
)
from desktop.domain.model import (
    ACTIVATION,
    ACTIVE,
    CANCELLATION,
    INVOICE,
    M_,
    RENEWAL,
    Account,
    Allocation,
    BillingSettings,
    Charge,
    Contract,
    Invoice,
    Line,
    Message,
    PlanChange,
    Transition,
    evolve,
    worded,
)
from desktop.domain.periods import boundary, is_boundary, period_containing
from desktop.domain.plan_changes import UPGRADE, change_label, same_plan

# What a transition did (issue 10): stored as its kind and the raw plan names, shown in the
# reader's language; the English sentence is kept beside them for the command line and the
# frontdesk/1 document.
STARTED = M_("Started {plan}")
SWITCHED = M_("Switched from {old} to {new}")
RENEWED = M_("Renewed {plan}")
ENDED = M_("Ended {plan}")
TEMPLATES = (SWITCHED, STARTED, RENEWED, ENDED)


def transition_wording(kind: str, params: Mapping[str, object]) -> Message | None:
    """A stored transition's wording from its kind and raw parameters (a renewal that switched
    plans names the old and the new one); None when they do not fit."""
    if kind == ACTIVATION:
        template = STARTED
    elif kind == CANCELLATION:
        template = ENDED
    else:
        template = SWITCHED if "old" in params else RENEWED
    return worded(template, params)


def _transition(contract: Contract, kind: str, day: date, template: str,
                **params: str) -> Transition:
    wording = Message.of(template, **params)
    return Transition(contract.id, kind, day, str(wording), wording)


@dataclass(frozen=True)
class DayResult:
    """One member's transitions on one date and everything they change."""

    day: date
    account: Account
    contracts: tuple[Contract, ...]
    changed: tuple[Contract, ...]
    transitions: tuple[Transition, ...]
    documents: tuple[Invoice, ...] = ()
    plan_changes: tuple[PlanChange, ...] = ()
    allocations: tuple[Allocation, ...] = ()
    charges: tuple[Charge, ...] = ()  # the pending charges billed on the day's document

    @property
    def invoice(self) -> Invoice | None:
        """The day's VAT document (an invoice or a credit note), if any (rule 17)."""
        return next((d for d in self.documents if d.type in VAT_TYPES), None)


VAT_TYPES = (INVOICE, "credit_note")


def _switch_plan(contract: Contract, day: date) -> tuple[Contract, PlanChange | None]:
    """Rule 7: on an invoice date the contract moves to its next plan before invoicing."""
    target = contract.next_plan
    if target is None or same_plan(target, contract.plan):
        return contract, None
    label = change_label(contract.plan, target, contract.quantity, contract.unit_price)
    change = PlanChange(contract.id, day, contract.plan.name, target.name,
                        contract.unit_price, target.price, contract.quantity, label == UPGRADE)
    anchor = contract.billing_anchor
    if target.frequency != contract.plan.frequency:
        anchor = day  # a plan with another frequency starts a new anchor on N
    switched = evolve(contract, plan=target, next_plan=target, custom_price=None,
                       billing_anchor=anchor)
    return switched, change


def _billed_period(contract: Contract,
                   first: bool) -> tuple[Contract, tuple[date, date], tuple[date, date]]:
    """Rules 4 and 11: the period the invoice on N covers, and the span of it that is billed."""
    n, frequency = contract.next_invoice_date, contract.plan.frequency
    # Only a contract with an invoice due is invoiced, and a plan billed by the period.
    assert n is not None and frequency is not None
    if first and not is_boundary(contract.billing_anchor, frequency, n):
        if not contract.prorate_first_invoice:
            contract = evolve(contract, billing_anchor=n)  # rule 11: the anchor moves to the start
            period = (n, boundary(n, frequency, 1))
            return contract, period, period
    period = period_containing(contract.billing_anchor, frequency, n)
    return contract, period, (n, period[1])


def _invoice_on(contract: Contract,
                day: date) -> tuple[Contract, list[Line], Transition, PlanChange | None]:
    """Rules 4-7, 11, 16: renew (or activate) the contract on its next invoice date."""
    first = contract.next_invoice_date == contract.start_date
    contract, change = _switch_plan(contract, day)
    contract, period, span = _billed_period(contract, first)
    ends = contract.cancellation_date
    if ends is not None and ends < span[1] and contract.prorate_last_invoice:
        span = (span[0], ends)  # rule 6, C > N: the last invoice covers [B, C), prorated
    lines = period_lines(contract, period, span)
    renewed = evolve(contract, next_invoice_date=period[1], invoiced=invoiced_spans(lines))
    if first:
        transition = _transition(contract, ACTIVATION, day, STARTED, plan=contract.plan.name)
    elif change is not None:
        transition = _transition(contract, RENEWAL, day, SWITCHED, old=change.old_plan,
                                 new=change.new_plan)
    else:
        transition = _transition(contract, RENEWAL, day, RENEWED, plan=contract.plan.name)
    return renewed, lines, transition, change


def _cancel_on(contract: Contract, day: date) -> tuple[Contract, list[Line], Transition]:
    """Rules 5, 6, 8, 25: the contract ends on its (effective) cancellation date."""
    credits = []
    n = contract.next_invoice_date
    assert n is not None  # only a running contract is cancelled
    if contract.prorate_last_invoice and day < n:
        credits = unused_credit_lines(contract, day)
    # Rule 25: ending before the commitment end, waived, costs the early termination fee.
    credits += termination_lines(contract, day)
    ended = evolve(contract, cancellation_date=day, next_invoice_date=None, invoiced=())
    return ended, credits, _transition(contract, CANCELLATION, day, ENDED,
                                       plan=contract.plan.name)


def _deposit_lines(account: Account, contracts: Iterable[Contract], grown: list[Contract],
                   cancelled: bool, day: date) -> tuple[list[Line], int]:
    """Rule 15: charge the shortfall where the need may grow; refund all when nothing is open.

    `grown` are the contracts invoiced on the day (a first invoice, a renewal, a switch): the
    need is checked then. It is what the contracts active or starting that day require; a
    smaller need keeps what is held (rule 15: *Return excess deposit…* gives it back).
    """
    held = account.deposit_held
    contracts = list(contracts)
    if grown:
        required = sum(deposit_required(c) for c in contracts if status(c, day) == ACTIVE)
        shortfall = required - held
        if shortfall > 0:
            named = [c.plan.name for c in grown if deposit_required(c)] or [grown[0].plan.name]
            wording = Message.of(DEPOSIT, plans=", ".join(dict.fromkeys(named)))
            line = Line("deposit", str(wording), shortfall, grown[0].id, day, wording=wording,
                        tax_category=None)
            return [line], held + shortfall
    if cancelled and held > 0 and not any(c.next_invoice_date is not None for c in contracts):
        wording = Message.of(DEPOSIT_REFUND)
        return [Line("deposit_refund", str(wording), -held, None, day, wording=wording,
                     tax_category=None)], 0
    return [], held


def day_documents(account: Account, day: date, lines: list[Line], deposit: list[Line],
                  settings: BillingSettings, today: date | None) -> list[Invoice]:
    """Rules 15 and 17: the day's VAT lines on one document, its deposit on one of its own."""
    documents = []
    if lines:
        documents.append(vat_document(account.member, day, lines, settings,
                                      reverse_charge=account.reverse_charge, today=today))
    if deposit:
        documents.append(deposit_document(account.member, day, deposit, settings, today=today))
    return documents


def apply_day(account: Account, contracts: Iterable[Contract], day: date,
              settings: BillingSettings, today: date | None = None,
              at_once: Sequence[Line] = ()) -> DayResult:
    """Apply every transition of one member's contracts that falls due on the day, in one step.

    Cancellations come first, then renewals and activations; all their lines go on one
    document, the deposit on its own (rules 15, 17), made on `today` when the day has passed
    (rule 18). Contracts are processed in a stable order (by id) so the result is
    deterministic. `at_once` are lines billed on the day beside the transitions (add-ons and
    packages bought with a change): the same document (rule 17), and so are the member's
    pending charges when a contract is invoiced that day or none is left to invoice (rule 27).
    """
    by_id = {id(c): c for c in contracts}
    order = sorted(by_id, key=lambda k: str(by_id[k].id))
    due = [k for k in order if next_event_date(by_id[k]) == day]
    lines: list[Line] = []
    transitions: list[Transition] = []
    changes: list[PlanChange] = []
    grown: list[Contract] = []
    cancelled = invoiced = False
    for key in due:
        contract = by_id[key]
        if effective_cancellation(contract) == day:
            by_id[key], credit, transition = _cancel_on(contract, day)
            lines += credit
            transitions.append(transition)
            cancelled = True
    for key in due:
        contract = by_id[key]
        if contract.next_invoice_date == day:
            by_id[key], invoiced_lines, transition, change = _invoice_on(contract, day)
            lines += invoiced_lines
            invoiced = True
            transitions.append(transition)
            if change is not None:
                changes.append(change)
            # Rule 15: the need may have grown on any invoice date (a first invoice, a switch,
            # a quantity raised in the editor, a plan's deposit raised in the catalogue).
            grown.append(by_id[key])
    lines += at_once
    billed = due_charges(account.pending, day, invoiced, by_id.values())
    if billed:
        lines += [charge_line(charge) for charge in billed]
        gone = {id(charge) for charge in billed}
        account = evolve(account, pending=tuple(c for c in account.pending if id(c) not in gone))
    deposit, _held = _deposit_lines(account, by_id.values(), grown, cancelled, day)
    made = issue(account, day_documents(account, day, lines, deposit, settings, today))
    return DayResult(day, made.account, tuple(by_id[k] for k in order),
                     tuple(by_id[k] for k in due), tuple(transitions), made.documents,
                     tuple(changes), made.allocations, billed)


def next_due(contracts: Iterable[Contract], account: Account | None = None) -> date | None:
    """The earliest date on which any of the contracts has a transition, or, for a member with
    no contract left to invoice, a pending charge its own invoice (rule 27)."""
    contracts = tuple(contracts)
    dates = [d for d in (next_event_date(c) for c in contracts) if d is not None]
    if account is not None and account.pending:
        own = next_charge_day(account.pending, contracts)
        if own is not None:
            dates.append(own)
    return min(dates) if dates else None


def simulate(account: Account, contracts: Iterable[Contract], settings: BillingSettings,
             until: date, max_invoices: int | None = None,
             today: date | None = None) -> list[DayResult]:
    """Rule 18: every transition due up to `until`, in date order, as the sweep applies them;
    documents of days before `today` are made on `today`."""
    contracts = tuple(contracts)
    results: list[DayResult] = []
    invoices = 0
    while (day := next_due(contracts, account)) is not None and day <= until:
        result = apply_day(account, contracts, day, settings, today)
        results.append(result)
        account, contracts = result.account, result.contracts
        invoices += bool(result.documents)
        if max_invoices is not None and invoices >= max_invoices:
            break
    return results


def simulate_to(account: Account, contracts: Iterable[Contract], settings: BillingSettings,
                day: date, today: date | None = None,
                at_once: Sequence[Line] = ()) -> list[DayResult]:
    """`simulate` up to the day, with `at_once` on the day's own document (rules 16, 17): one
    Apply of the change-plan assistant, or an add-on bought, is one billing date and one
    document, even when no transition falls due that day."""
    if not at_once:
        return simulate(account, contracts, settings, day, today=today)
    results = simulate(account, contracts, settings, day - timedelta(days=1), today=today)
    if results:
        account, contracts = results[-1].account, results[-1].contracts
    results.append(apply_day(account, contracts, day, settings, today, at_once))
    return results
