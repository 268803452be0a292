"""Rule 27: the allowances a member holds on a day, and what a charge in their unit uses up.

An allowance comes from a source: a contract's plan (per billing period, × the contract's
quantity), a recurring add-on held on it (per period, × its quantity) or a package, a one-off
add-on whose allowance lasts from the day it was bought until used or until it expires
(`Plan.expires_months`, 12 by default). A charge takes from the plans first, then the
recurring add-ons, then the packages, oldest first; only the excess is billed. Each source has
a key that stays the same for as long as its allowance lasts (the period it belongs to, or the
package), under which its uses are recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from desktop.domain.contracts import addon_counts_on, package_expiry, status
from desktop.domain.model import ACTIVE, Contract
from desktop.domain.periods import period_containing

PLAN_SOURCE, ADDON_SOURCE, PACKAGE_SOURCE = "plan", "addon", "package"


def source_key(kind: str, contract, addon, held_from: date | None,
               period_start: date | None) -> str:
    """The key a source's uses are recorded under: its contract, the add-on (its catalogue id
    and the day it is held from) and the period it belongs to (none for a package)."""
    return ":".join((kind, str(contract), "" if addon is None else str(addon),
                     "" if held_from is None else held_from.isoformat(),
                     "" if period_start is None else period_start.isoformat()))


@dataclass(frozen=True)
class Source:
    """Where an allowance on a day comes from, how much it grants and until when."""

    kind: str
    contract: int | str | None
    addon: int | None
    held_from: date | None
    period_start: date | None
    name: str
    unit: str
    granted: int
    until: date
    order: tuple

    @property
    def key(self) -> str:
        return source_key(self.kind, self.contract, self.addon, self.held_from,
                          self.period_start)


def _period(contract: Contract, day: date) -> tuple[date, date] | None:
    frequency = contract.plan.frequency
    if frequency is None:
        return None
    return period_containing(contract.billing_anchor, frequency, day)


def sources_on(contracts: Iterable[Contract], day: date) -> list[Source]:
    """Every allowance source of the member's contracts on the day, in the order they are
    used: plans, recurring add-ons, packages oldest first."""
    found: list[Source] = []
    for contract in contracts:
        active = status(contract, day) == ACTIVE
        period = _period(contract, day) if active else None
        if period is not None:
            for unit, amount in contract.plan.allowances.items():
                found.append(Source(PLAN_SOURCE, contract.id, None, None, period[0],
                                    contract.plan.name, unit, amount * contract.quantity,
                                    period[1], (0, period[0], str(contract.id))))
        for item in contract.addons:
            bought = item.start_date or contract.start_date
            if item.addon.recurring:
                if period is None or not addon_counts_on(contract, item, day):
                    continue
                kind, since, until = ADDON_SOURCE, period[0], period[1]
            else:
                # A package counts from the day it was bought, whatever became of the
                # contract since (it was paid for at once, rule 16), until it expires.
                kind, since, until = PACKAGE_SOURCE, None, package_expiry(item, bought)
                if not bought <= day < until:
                    continue
            order = (1 if kind == ADDON_SOURCE else 2, bought, str(contract.id),
                     str(item.addon.id))
            for unit, amount in item.addon.allowances.items():
                found.append(Source(kind, contract.id, item.addon.id, bought, since,
                                    item.addon.name, unit, amount * item.quantity, until,
                                    order))
    return sorted(found, key=lambda source: source.order)


def cover(quantity: int, unit: str, sources: Iterable[Source],
          used: Mapping[tuple[str, str], int]) -> tuple[list[tuple[Source, int]], int]:
    """What a charge of `quantity` in `unit` takes from each source (in their order) given
    what was used of each already ((key, unit) -> quantity); returns the uses and the excess
    that is billed."""
    uses = []
    left = quantity
    for source in sources:
        if left <= 0:
            break
        if source.unit != unit:
            continue
        free = source.granted - used.get((source.key, unit), 0)
        if free > 0:
            take = min(free, left)
            uses.append((source, take))
            left -= take
    return uses, left


@dataclass(frozen=True)
class Balance:
    """One allowance of a member on a day: granted by its sources, used, left."""

    unit: str
    granted: int
    used: int

    @property
    def left(self) -> int:
        return self.granted - self.used


def balances(sources: Iterable[Source], used: Mapping[tuple[str, str], int]) -> list[Balance]:
    """Per allowance unit, what the day's sources grant and what was used of them."""
    granted: dict[str, int] = {}
    taken: dict[str, int] = {}
    for source in sources:
        granted[source.unit] = granted.get(source.unit, 0) + source.granted
        taken[source.unit] = taken.get(source.unit, 0) + min(
            used.get((source.key, source.unit), 0), source.granted)
    return [Balance(unit, granted[unit], taken[unit]) for unit in sorted(granted)]
