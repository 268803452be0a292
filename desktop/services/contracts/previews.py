"""What the contract editor shows before saving: sentences (rules 5, 7-9) and invoices (rule 18).

The invoice preview runs the sweep's own code (`simulate` -> `apply_day`) on the member's
saved contracts with the draft in place of its saved version, so it equals what the sweep
will issue, to the cent.
"""

from __future__ import annotations

from datetime import date, timedelta

from desktop.domain.commitment.notice import earliest_cancellation
from desktop.domain.contracts import effective_cancellation, status
from desktop.domain.model import ACTIVE, CANCELLED, M_, Contract, Invoice
from desktop.domain.plan_changes import custom_price_blocks, same_plan
from desktop.domain.transitions import simulate
from desktop.i18n import _
from desktop.i18n.formatting import Formatter
from desktop.ledger.member_states import MemberState

# Far enough ahead to reach the next invoices of any frequency ("1 year" needs two of them).
HORIZON = timedelta(days=3 * 366)

CUSTOM_PRICE_BLOCK = M_("This contract has a custom price, so it cannot switch plans "
                        "automatically. To move it to another plan, cancel it and create a new "
                        "term.")


def with_contract(contracts, draft: Contract) -> tuple[Contract, ...]:
    """The member's contracts with the draft in place of its saved version (or added if new)."""
    if draft.id is None:
        return tuple(contracts) + (draft,)
    replaced = tuple(draft if c.id == draft.id else c for c in contracts)
    return replaced if any(c.id == draft.id for c in contracts) else replaced + (draft,)


def describe(draft: Contract, today: date, fmt: Formatter,
             on_boundary: bool = True) -> list[str]:
    """The sentences the editor shows about what the draft will do, in the order they happen."""
    sentences = []
    n = draft.next_invoice_date
    ends = effective_cancellation(draft)
    day = timedelta(days=1)
    blocked = draft.custom_price is not None and status(draft, today) == ACTIVE
    if status(draft, today) == CANCELLED and ends is not None:
        sentences.append(_("Cancelled on {date}; the last day of access was {last_day}.").format(
            date=fmt.date(ends), last_day=fmt.date(ends - day)))
        return sentences
    if draft.start_date > today:
        sentences.append(_("Starts on {date}, with its first invoice.").format(
            date=fmt.date(draft.start_date)))
    if n is not None and draft.next_plan is None and ends == n:
        sentences.append(_("This contract ends on {date}, its next invoice date; the last day "
                           "of access is {last_day}.").format(
            date=fmt.date(n), last_day=fmt.date(n - day)))  # rule 8
    elif draft.cancellation_date is not None:
        sentences.append(_("Cancels on {date}; the last day of access is {last_day}.").format(
            date=fmt.date(draft.cancellation_date),
            last_day=fmt.date(draft.cancellation_date - day)))  # rule 5
    target = draft.next_plan
    if (n is not None and target is not None and not same_plan(target, draft.plan)
            and (ends is None or ends > n) and not custom_price_blocks(draft, target)):
        sentences.append(_("Switches to {plan} on {date}, the next invoice date.").format(
            plan=target.name, date=fmt.date(n)))  # rule 7
    if blocked:
        sentences.append(_(CUSTOM_PRICE_BLOCK))  # rule 9
    earliest = earliest_cancellation(draft, today, on_boundary)
    if earliest is not None:  # rule 25
        sentences.append(_("The earliest cancellation date is {date}.").format(
            date=fmt.date(earliest)) + (" " + _("Notice and commitment are waived.")
                                        if draft.notice_waived else ""))
    return sentences


def preview_invoices(state: MemberState, contracts: tuple[Contract, ...], today: date,
                     count: int) -> list[Invoice]:
    """The member's next `count` invoices as the sweep will issue them (numbers None)."""
    if count <= 0:
        return []
    results = simulate(state.account, contracts, state.settings, until=today + HORIZON,
                       max_invoices=count, today=today)
    # Every document of those days, each type (rule 15's deposit on its own), as issued.
    return [d for r in results for d in r.documents]
