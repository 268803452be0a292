"""Catching up: how many invoices one sweep would issue a contract at once (issue 14).

A contract dated years back (a typo such as 0024-05-21, or `sweep --today 2207-01-01`) would
be issued thousands of invoices, and issued invoices cannot be removed. Before sweeping, the
contracts that would be issued more than the limit are listed: the command line then needs
`--catch-up-limit`, the window asks first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.periods import next_boundary_after, parse_frequency
from desktop.services.errors import ServiceError
from desktop.storage import models as m


@dataclass(frozen=True)
class CatchUp:
    """A contract a sweep would issue `invoices` invoices at once (counted up to limit + 1)."""

    contract_id: int
    member: str
    invoices: int


class CatchUpTooLarge(ServiceError):
    """The sweep would issue more invoices to a contract at once than allowed; nothing written."""

    def __init__(self, catch_ups: list[CatchUp], limit: int, as_of: date) -> None:
        self.catch_ups, self.limit, self.as_of = catch_ups, limit, as_of
        first = catch_ups[0]
        more = len(catch_ups) - 1
        others = f" (and {more} more contract{'s' if more != 1 else ''})" if more else ""
        super().__init__(
            f"Sweeping up to {as_of.isoformat()} would issue more than {limit} invoices at "
            f"once to contract {first.contract_id} of {first.member}{others}; nothing was "
            "issued. Check the dates, or allow it with --catch-up-limit.")


def _count(anchor: date, frequency, first: date, last: date, cap: int) -> int:
    count, day = 0, first
    while day <= last and count < cap:
        count += 1
        day = next_boundary_after(anchor, frequency, day)
    return count


def large_catch_ups(session: Session, as_of: date, limit: int) -> list[CatchUp]:
    """The contracts a sweep up to as_of would issue more than `limit` invoices, oldest first."""
    rows = session.execute(
        select(m.ContractRow.id, m.ContractRow.billing_anchor, m.ContractRow.next_invoice_date,
               m.ContractRow.cancellation_date, m.PlanRow.frequency, m.MemberRow.name)
        .join(m.PlanRow, m.PlanRow.id == m.ContractRow.plan_id)
        .join(m.MemberRow, m.MemberRow.id == m.ContractRow.member_id)
        .where(m.ContractRow.next_invoice_date <= as_of)
        .order_by(m.ContractRow.next_invoice_date, m.ContractRow.id))
    found = []
    for row in rows:
        try:
            frequency = parse_frequency(row.frequency or "")
        except ValueError:
            continue  # the sweep reports an unreadable plan itself
        last = as_of
        if row.cancellation_date is not None:
            last = min(last, row.cancellation_date - timedelta(days=1))
        count = _count(row.billing_anchor, frequency, row.next_invoice_date, last, limit + 1)
        if count > limit:
            found.append(CatchUp(row.id, row.name, count))
    return found
