"""Why a member-day could not be applied (docs/exchange-format.md, rule 19): one sentence in English
for the command line and the log, and its wording for the window's reader (issue 10)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from desktop.domain.contracts import next_event_date
from desktop.domain.model import CANCELLATION, M_, Message, refusal, stored_id
from desktop.domain.transitions import DayResult
from desktop.ledger.member_states import load_contracts
from desktop.services.formatting import formatter
from desktop.storage import models as m


@dataclass(frozen=True)
class Failure:
    """A member-day that could not be applied: key (member id, date) and a sentence, in English
    as written (the command line, the log) and as a wording the window says in its reader's
    language (issue 10)."""

    key: tuple
    message: str
    wording: Message | None = field(default=None, compare=False)



def write_failure(session: Session, result: DayResult, exc: Exception, plans
                   ) -> Failure | None:
    """Why a member-day could not be written, or None when another process applied it first.

    A transition key already on record (rule 19) means "applied by another process" only when
    the contract's stored state has moved past that date since; a contract still due on it
    (its next invoice date moved back onto a day already applied, say) is reported, every run.
    """
    member, t = stored_id(result.account.member), m.AppliedTransitionRow
    keys = [(tr.contract, tr.kind, tr.date) for tr in result.transitions]
    clashes = [] if not keys else sorted(session.execute(
        select(t.contract_id, t.kind, t.date)
        .where(tuple_(t.contract_id, t.kind, t.date).in_(keys))).all())
    if not clashes:
        return failure_of(session, member, result.day, exc)
    stored = load_contracts(session, {contract for contract, _, _ in clashes}, plans)
    for contract, kind, day in clashes:
        due = None if contract not in stored else next_event_date(stored[contract])
        if due is not None and due <= day:
            when = formatter(session).date(day)
            check = "cancellation date" if kind == CANCELLATION else "next invoice date"
            return Failure((member, result.day),
                           f"Contract {contract}: the {kind} of {when} was already applied; "
                           f"check its {check}.",
                           Message.of(_APPLIED_BEFORE.get(kind, _APPLIED_BEFORE["renewal"]),
                                      contract=str(contract), day=day))
    return None


# Rule 19: a transition key on record while its contract is still due on that day.
_APPLIED_BEFORE = {
    "activation": M_("Contract {contract}: the activation of {day} was already applied; check "
                     "its next invoice date."),
    "renewal": M_("Contract {contract}: the renewal of {day} was already applied; check its "
                  "next invoice date."),
    "invoice": M_("Contract {contract}: the invoice of {day} was already applied; check its "
                  "next invoice date."),
    CANCELLATION: M_("Contract {contract}: the cancellation of {day} was already applied; "
                     "check its cancellation date."),
}


def failure_of(session: Session, member: int, day: date, exc: Exception) -> Failure:
    name = session.scalar(select(m.MemberRow.name).where(m.MemberRow.id == member)) or f"#{member}"
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    when = formatter(session).date(day)
    return Failure((member, day), f"The transitions of {name} due on {when} could not be "
                                  f"applied: {reason}",
                   Message.of(M_("The transitions of {name} due on {day} could not be applied: "
                                 "{reason}"), name=name, day=day,
                              reason=_why(exc, reason)))


def _why(exc: Exception, text: str) -> Message | str:
    """Why a member-day failed, as the window's reader will read it."""
    worded = refusal(exc)
    return worded if isinstance(worded, Message) else text
