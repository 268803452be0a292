"""The last day a sweep may reach (issue 19): never a date after LAST_DAY in the database.

Frontdesk accepts dates up to LAST_DAY (desktop/domain/limits.py): the editor, the import and
the command line refuse later ones. A sweep that issues an invoice writes the end of its period
as the contract's next invoice date, up to ten years later, so `sweep --today 2100-12-31` wrote
2101 dates that the export's own import then refused. Like a catch-up that is too large
(docs/exchange-format.md: bad input, nothing written) the sweep is refused before it writes
anything, naming the latest day that keeps every written date in range. Refused rather than cut
short: stopping a contract at the limit would bill a period other than the one rule 2 gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from desktop.domain.limits import LAST_DAY
from desktop.domain.periods import parse_frequency, period_containing
from desktop.services.errors import ServiceError
from desktop.storage import models as m

# No billing period is longer than ten years (desktop/domain/periods.py, MAX_COUNT): a sweep
# up to this day cannot write a date past LAST_DAY, and is not checked at all.
SAFE_UNTIL = date(LAST_DAY.year - 10, LAST_DAY.month, LAST_DAY.day)


@dataclass(frozen=True)
class Overrun:
    """A contract an invoice on `day` would give a next invoice date of `reaches`."""

    contract_id: int
    member: str
    day: date
    reaches: date


class BeyondLastDay(ServiceError):
    """The sweep would write a date after LAST_DAY; nothing was written."""

    def __init__(self, overruns: list[Overrun], as_of: date) -> None:
        self.overruns, self.as_of = overruns, as_of
        first = overruns[0]
        latest = min(o.day for o in overruns) - timedelta(days=1)
        more = len(overruns) - 1
        others = f" (and {more} more contract{'s' if more != 1 else ''})" if more else ""
        super().__init__(
            f"Sweeping up to {as_of.isoformat()} would give contract {first.contract_id} of "
            f"{first.member}{others} a next invoice date of {first.reaches.isoformat()}, after "
            f"{LAST_DAY.isoformat()}, the last date Frontdesk accepts; nothing was issued. "
            f"Sweep up to {latest.isoformat()} at the latest.")


def _overrun(anchor: date, frequency_text: str, next_invoice: date) -> tuple[date, date] | None:
    """(the day of the invoice whose period ends after LAST_DAY, that end), or None."""
    try:
        frequency = parse_frequency(frequency_text or "")
    except ValueError:
        return None  # the sweep reports an unreadable plan itself
    start, end = period_containing(anchor, frequency, LAST_DAY)
    day = max(start, next_invoice)
    return day, period_containing(anchor, frequency, day)[1]


def overruns(session: Session, as_of: date) -> list[Overrun]:
    """The contracts a sweep up to as_of would bill past LAST_DAY, the earliest first.

    The period of the invoice that crosses LAST_DAY is found directly (rule 2's boundaries),
    with the plan's frequency and, for a plan change at renewal, the next plan's: whichever
    crosses first counts. A contract cancelled by then issues no such invoice; one whose last
    invoice is prorated ends at its cancellation date, inside the range.
    """
    if as_of <= SAFE_UNTIL:
        return []
    nxt = aliased(m.PlanRow)
    rows = session.execute(
        select(m.ContractRow.id, m.ContractRow.billing_anchor, m.ContractRow.next_invoice_date,
               m.ContractRow.cancellation_date, m.ContractRow.prorate_last_invoice,
               m.PlanRow.frequency, nxt.frequency.label("next_frequency"), m.MemberRow.name)
        .join(m.PlanRow, m.PlanRow.id == m.ContractRow.plan_id)
        .outerjoin(nxt, nxt.id == m.ContractRow.next_plan_id)
        .join(m.MemberRow, m.MemberRow.id == m.ContractRow.member_id)
        .where(m.ContractRow.next_invoice_date.is_not(None),
               m.ContractRow.next_invoice_date <= as_of)
        .order_by(m.ContractRow.id))
    found = []
    for row in rows:
        crossings = [c for text in {row.frequency, row.next_frequency or row.frequency}
                     if (c := _overrun(row.billing_anchor, text, row.next_invoice_date))]
        if not crossings:
            continue
        day, reaches = min(crossings)
        cancelled = row.cancellation_date
        if day > as_of or (cancelled is not None and (cancelled <= day
                                                      or row.prorate_last_invoice)):
            continue
        found.append(Overrun(row.id, row.name, day, reaches))
    return sorted(found, key=lambda o: (o.day, o.contract_id))
