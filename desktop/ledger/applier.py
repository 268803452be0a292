"""Applying due days: the one place a DayResult of `apply_day` is written day by day.

`write_in_turn` writes member-days one at a time, each under its own savepoint, each continuing
from the state the previous one of its member left: the sweep's way through a batch whose bulk
write failed, and `apply_due`'s way for one member (a new contract's first invoice, a change of
plan taking effect now). Both run the very `apply_day` the preview simulates, so an invoice
issued here is the one the preview and the quote showed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop.domain.model import Invoice, Line, stored_id
from desktop.domain.transitions import DayResult, simulate_to
from desktop.ledger.day_writes import write_day
from desktop.ledger.errors import StaleEdit
from desktop.ledger.member_states import MemberState, load_member_state


def write_in_turn(session: Session, results: Iterable[DayResult],
                  before: Mapping[int, MemberState], *, now: datetime, who: str,
                  skipped: set[int] | None = None
                  ) -> Iterator[tuple[DayResult, tuple[Invoice, ...], Exception | None]]:
    """Write each member-day under its own savepoint; yields (result, documents, error).

    A member-day that raises is rolled back alone and yielded with its error (no documents);
    its member joins `skipped` and its later days are passed over (they continue from it).
    `before` is member id -> the state its first result started from.
    """
    skipped = set() if skipped is None else skipped
    current = dict(before)
    ids: dict[int, dict[int | str, int]] = {}  # documents written so far, by member and key
    for result in results:
        member = stored_id(result.account.member)
        if member in skipped:
            continue  # an earlier member-day of this member failed: the rest waits
        try:
            with session.begin_nested():
                documents = write_day(session, result, now=now, who=who,
                                      before=current[member], ids=ids)
        except Exception as exc:
            skipped.add(member)
            yield result, (), exc
            continue
        current[member] = MemberState(result.account, result.contracts,
                                      current[member].settings)
        yield result, documents, None


def apply_due(session: Session, member_id: int, day: date, *, now: datetime,
              who: str, at_once: Sequence[Line] = ()) -> list[Invoice]:
    """Apply the member's transitions due up to the day, as the sweep would; the issued
    documents. `at_once` are lines billed that day beside them (add-ons, packages bought): on
    the day's one document (rule 17). Documents of earlier days are made on `day` (rule 18).

    A day already applied meanwhile (its exactly-once key taken, rule 19) is a StaleEdit.
    """
    state = load_member_state(session, member_id)
    results = simulate_to(state.account, state.contracts, state.settings, day, today=day,
                          at_once=at_once)
    issued: list[Invoice] = []
    for _result, documents, error in write_in_turn(session, results, {member_id: state},
                                                   now=now, who=who):
        if isinstance(error, IntegrityError):
            raise StaleEdit("The scheduled transitions of this member were applied meanwhile; "
                            "try again.") from None
        if error is not None:
            raise error
        issued += documents
    return issued
