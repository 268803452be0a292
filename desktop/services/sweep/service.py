"""The sweep: applies every transition due up to a day, exactly once (rules 18, 19;
docs/storage.md).

Member-days are applied in date order, then member id order, in batches of one write
transaction each. Inside a batch each member-day is atomic (a savepoint with its
applied-transition rows): a batch is first written in bulk under one savepoint, and only when
that fails is it written again one member-day at a time, so a failing member-day rolls back
alone and is reported while the others go through. A crash loses at most the uncommitted batch;
the next sweep redoes it. Two processes sweeping one database queue on the write lock (BEGIN
IMMEDIATE on SQLite) and each batch re-reads what is due inside its transaction, so they
produce the same database as one sweep.
"""

from __future__ import annotations

import heapq
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop.domain.contracts import next_event_date
from desktop.domain.model import Message, Transition, stored_id
from desktop.domain.transitions import DayResult, apply_day, next_due, simulate
from desktop.ledger.applier import write_in_turn
from desktop.ledger.audit import SYSTEM
from desktop.ledger.charges import members_with_own_charges
from desktop.ledger.day_writes import write_days
from desktop.ledger.mapping import stored_transition_wording
from desktop.ledger.member_states import (
    MemberState,
    billing_settings,
    load_member_states,
    load_plans,
)
from desktop.ledger.outbox import queue_reminders
from desktop.services.changes import TIMER, Changes
from desktop.services.sweep.catch_up import CatchUpTooLarge, large_catch_ups
from desktop.services.sweep.failures import Failure, failure_of, write_failure
from desktop.services.sweep.last_day import BeyondLastDay, overruns
from desktop.storage import models as m
from desktop.storage.errors import DatabaseBusy

BATCH_SIZE = 500  # members per write transaction: fewer per-batch queries, a lock held ~0.1 s
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepReport:
    as_of: date
    applied: list[Transition] = field(default_factory=list)
    invoices_issued: int = 0
    failed: list[Failure] = field(default_factory=list)
    members: frozenset[int] = frozenset()  # members whose contracts or invoices it wrote

    @property
    def changes(self) -> Changes:
        """What the run changed, said to be the timer's doing; empty when it wrote nothing."""
        if not (self.applied or self.invoices_issued):
            return Changes(by=TIMER)
        if not self.members:  # a report that does not name them: any member may have changed
            return Changes.anything(by=TIMER)
        return Changes.of(members=self.members,
                          contracts=[t.contract for t in self.applied
                                     if isinstance(t.contract, int)],
                          invoices=bool(self.invoices_issued), transitions=True, by=TIMER)


@dataclass(frozen=True)
class ForecastItem:
    """A transition due in the forecast window; amount is the total of the invoice it is on,
    given once per invoice."""

    date: date
    member_id: int
    member_name: str
    contract_id: int
    kind: str
    description: str
    amount: int | None  # None: the day's invoice is listed against another of its transitions
    wording: Message | None = None  # the description in the reader's words (issue 10)


def _billing_transition(transitions):
    """The one transition of a member-day its invoice is listed against: the term that starts
    or renews rather than the one that ends (a cancellation and the new term's start on the same
    day are one invoice, counted once)."""
    return next((t for t in transitions if t.kind != "cancellation"),
                transitions[0] if transitions else None)


@dataclass(frozen=True)
class SweepRun:
    ran_at: datetime
    as_of: date
    applied: int
    invoices_issued: int
    failed: int


@dataclass(frozen=True)
class AppliedRow:
    applied_at: datetime
    date: date
    kind: str
    contract_id: int
    member_name: str
    description: str
    member_id: int | None = None
    wording: Message | None = None  # the description in the reader's words (issue 10)


@dataclass
class _Progress:
    """What one run has done so far; only committed batches are added to it."""

    applied: list[Transition] = field(default_factory=list)
    invoices: int = 0
    failed: list[Failure] = field(default_factory=list)
    skipped: set[int] = field(default_factory=set)
    members: set[int] = field(default_factory=set)  # members a written member-day changed


class SweepService:
    """Applies due transitions (apply_due) and says what is due next (forecast)."""

    def __init__(self, db, clock, batch_size: int = BATCH_SIZE) -> None:
        self.db = db
        self.clock = clock
        self.batch_size = batch_size

    # Applying ---------------------------------------------------------------------------------

    def apply_due(self, as_of: date, catch_up_limit: int | None = None) -> SweepReport:
        """Rules 18 and 19: every transition due on or before as_of, in date order, exactly once.

        With catch_up_limit, CatchUpTooLarge (nothing written) when a contract would be issued
        more invoices than that at once; BeyondLastDay (nothing written) when a contract would
        be given a date after the last one Frontdesk accepts.
        """
        with self.db.session() as session:
            if beyond := overruns(session, as_of):
                raise BeyondLastDay(beyond, as_of)
            if catch_up_limit is not None:
                if large := large_catch_ups(session, as_of, catch_up_limit):
                    raise CatchUpTooLarge(large, catch_up_limit, as_of)
        now = self.clock.now()
        progress = _Progress()
        while True:
            batch = _Progress(skipped=set(progress.skipped))
            with self.db.write() as session:
                finished = self._apply_batch(session, as_of, now, batch)
            # Counted only once the batch has committed.
            progress.applied += batch.applied
            progress.invoices += batch.invoices
            progress.failed += batch.failed
            progress.skipped = batch.skipped
            progress.members |= batch.members
            if finished:
                break
        self._record_run(now, as_of, progress)
        return SweepReport(as_of, progress.applied, progress.invoices, progress.failed,
                           frozenset(progress.members))

    def _apply_batch(self, session: Session, as_of: date, now: datetime, batch: _Progress) -> bool:
        """Apply the next member-days in this transaction; True when nothing was left to do.

        The batch takes the members next due (up to batch_size of them, by first due date then
        member id) and applies each one's member-days that come, in that same order, before the
        first member it did not take (the horizon). Sorted by (date, member), everything it
        writes therefore comes after the previous batch and before the next one: invoice
        numbers follow the same order whatever the batch size, or the number of processes.
        """
        picked, horizon = _members_next_due(session, as_of, batch.skipped, self.batch_size)
        if not picked:
            return True
        settings = billing_settings(session)
        plans = load_plans(session, skip_unreadable=True)
        states, unreadable = _member_states(session, [member for member, _ in picked], plans,
                                            settings)
        results: list[tuple[tuple, DayResult]] = []
        for member, due in picked:
            if member in unreadable:  # its data cannot be read: report it, the others go on
                batch.failed.append(failure_of(session, member, due, unreadable[member]))
                batch.skipped.add(member)
                continue
            state = states.get(member)
            if state is None or next_due(state.contracts, state.account) != due:
                _repair_event_dates(session, state)  # a stale next_event_date, fixed for next time
                continue
            account, contracts = state.account, state.contracts
            while (day := next_due(contracts, account)) is not None and day <= as_of \
                    and (horizon is None or (day, member) < horizon):
                try:
                    result = apply_day(account, contracts, day, settings, as_of)
                except Exception as exc:  # a rule that cannot be applied: report, skip the member
                    batch.failed.append(failure_of(session, member, day, exc))
                    batch.skipped.add(member)
                    break
                results.append(((day, member), result))
                account, contracts = result.account, result.contracts
        results.sort(key=lambda pair: pair[0])
        self._write(session, [result for _, result in results[:self.batch_size * 5]], states,
                    plans, now, batch)
        return False

    def _write(self, session: Session, results: list[DayResult], states: dict[int, MemberState],
               plans, now: datetime, batch: _Progress) -> None:
        """Write the batch in bulk under one savepoint; member-day by member-day if that fails."""
        if not results:
            return
        try:
            with session.begin_nested():
                invoices = write_days(session, results, now=now, who=SYSTEM, before=states)
        except DatabaseBusy:
            raise  # the database, not a member, failed (a server cut off): the batch waits
        except Exception:
            invoices = None  # one member-day is at fault: find it, keep the others
        if invoices is not None:
            for result, invoice in zip(results, invoices):
                batch.applied += result.transitions
                batch.members.add(stored_id(result.account.member))
                batch.invoices += len(invoice)
            return
        for result, invoice, error in write_in_turn(session, results, states, now=now,
                                                    who=SYSTEM, skipped=batch.skipped):
            if isinstance(error, DatabaseBusy):
                raise error  # the database, not a member, failed (a server cut off): it waits
            if error is not None:
                failure = write_failure(session, result, error, plans)
                if failure is not None:
                    batch.failed.append(failure)
                continue
            batch.applied += result.transitions
            batch.members.add(stored_id(result.account.member))
            batch.invoices += len(invoice)

    def _record_run(self, now: datetime, as_of: date, progress: _Progress) -> None:
        """A sweep_runs row; an idle run after an idle run only moves that row's time."""
        applied, failed = len(progress.applied), len(progress.failed)
        with self.db.write() as session:
            queue_reminders(session, as_of, now)  # rule 29: each level once, when due
            last = session.scalars(select(m.SweepRunRow)
                                   .order_by(m.SweepRunRow.ran_at.desc(), m.SweepRunRow.id.desc())
                                   .limit(1)).first()
            idle = applied == 0 and failed == 0 and progress.invoices == 0
            if idle and last is not None and not (last.applied or last.invoices_issued
                                                  or last.failed):
                last.ran_at, last.as_of = max(last.ran_at, now), as_of
                return
            session.add(m.SweepRunRow(ran_at=now, as_of=as_of, applied=applied,
                                      invoices_issued=progress.invoices, failed=failed))

    # Reading ----------------------------------------------------------------------------------

    def forecast(self, as_of: date, days: int = 30) -> list[ForecastItem]:
        """Transitions due up to as_of + days, simulated without writing (the sweep's own code)."""
        until = as_of + timedelta(days=days)
        items: list[ForecastItem] = []
        with self.db.session() as session:
            members = list(session.scalars(
                select(m.ContractRow.member_id).where(m.ContractRow.next_event_date <= until)
                .distinct().order_by(m.ContractRow.member_id)))
            plans = load_plans(session, skip_unreadable=True)
            settings = billing_settings(session)
            for start in range(0, len(members), 500):
                chunk = members[start:start + 500]
                names = dict(session.execute(select(m.MemberRow.id, m.MemberRow.name)
                                             .where(m.MemberRow.id.in_(chunk))).all())
                states, unreadable = _member_states(session, chunk, plans, settings)
                for member, exc in unreadable.items():
                    _log.warning("Forecast: member %s left out: %s", member, exc)
                for member, state in sorted(states.items()):
                    try:
                        results = simulate(state.account, state.contracts, state.settings, until)
                    except Exception as exc:  # the sweep reports it; the forecast shows the rest
                        _log.warning("Forecast: member %s left out: %s", member, exc)
                        continue
                    for result in results:
                        billed = _billing_transition(result.transitions)
                        items += [ForecastItem(
                            result.day, member, names.get(member, ""), stored_id(t.contract),
                            t.kind, t.description,
                            (0 if result.invoice is None else result.invoice.total)
                            if t is billed else None, t.wording)
                            for t in result.transitions]
        items.sort(key=lambda item: (item.date, item.member_name, item.member_id,
                                     item.contract_id, item.kind))
        return items

    def last_run(self) -> SweepRun | None:
        with self.db.session() as session:
            row = session.scalars(select(m.SweepRunRow)
                                  .order_by(m.SweepRunRow.ran_at.desc(), m.SweepRunRow.id.desc())
                                  .limit(1)).first()
            if row is None:
                return None
            return SweepRun(row.ran_at, row.as_of, row.applied, row.invoices_issued, row.failed)

    def applied_since(self, since: datetime) -> list[AppliedRow]:
        """Transitions applied at or after `since`, oldest first, with the member's name."""
        t, c, mem = m.AppliedTransitionRow, m.ContractRow, m.MemberRow
        with self.db.session() as session:
            rows = session.execute(
                select(t.applied_at, t.date, t.kind, t.contract_id, mem.name, t.description,
                       mem.id, t.params)
                .join(c, c.id == t.contract_id).join(mem, mem.id == c.member_id)
                .where(t.applied_at >= since).order_by(t.applied_at, t.date, t.id)).all()
        return [AppliedRow(applied_at, day, kind, contract_id, name, description, member_id,
                           stored_transition_wording(kind, params))
                for applied_at, day, kind, contract_id, name, description, member_id, params
                in rows]


def _members_next_due(session: Session, as_of: date, skipped: set[int],
                      count: int) -> tuple[list[tuple[int, date]], tuple[date, int] | None]:
    """Up to `count` members due by as_of, as (member, first due date) sorted by date then id,
    and the horizon: (date, member) of the first member left out, or None if none was.

    A member is due by a contract's next event, or by a pending charge when no contract of
    theirs has a billing date to come (its own invoice, rule 27)."""
    c = m.ContractRow.__table__.c
    query = (select(c.member_id, c.next_event_date).where(c.next_event_date <= as_of)
             .order_by(c.next_event_date, c.member_id))
    if skipped:
        query = query.where(c.member_id.not_in(sorted(skipped)))
    charged = members_with_own_charges(session, as_of, skipped)
    picked: list[tuple[int, date]] = []
    taken: set[int] = set()
    # Read in index order and stop early: a member's first row is its first due date. The
    # few members due by their charges alone are merged in, in the same order.
    result = session.connection().execute(query)
    try:
        for day, member in heapq.merge(((d, mid) for mid, d in result),
                                       ((d, mid) for mid, d in charged)):
            if member in taken:
                continue
            if len(picked) == count:
                return picked, (day, member)
            picked.append((member, day))
            taken.add(member)
    finally:
        result.close()
    return picked, None


def _repair_event_dates(session: Session, state: MemberState | None) -> None:
    """A stored next_event_date that disagrees with the contract's dates is recomputed."""
    if state is None:
        return
    for contract in state.contracts:
        session.execute(update(m.ContractRow).where(m.ContractRow.id == contract.id)
                        .values(next_event_date=next_event_date(contract),
                                version=m.ContractRow.version + 1))


def _member_states(session: Session, members: list[int], plans, settings
                   ) -> tuple[dict[int, MemberState], dict[int, Exception]]:
    """The members' states read as one batch; when that fails, one member at a time, so one
    member's unreadable data (member id -> the error) does not hold up the others."""
    try:
        return load_member_states(session, members, plans, settings), {}
    except DatabaseBusy:
        raise  # the database, not a member, failed: nothing to find member by member
    except Exception:  # one of them is at fault: find it, keep the others
        states: dict[int, MemberState] = {}
        unreadable: dict[int, Exception] = {}
    for member in members:
        try:
            states.update(load_member_states(session, [member], plans, settings))
        except DatabaseBusy:
            raise
        except Exception as exc:
            unreadable[member] = exc
    return states, unreadable
