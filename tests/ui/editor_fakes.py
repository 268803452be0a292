"""In-memory stand-ins for ContractService and CatalogService, built on the real billing core.

They follow desktop/services' API (SERVICES_API.md) and compute validation, previews and quotes
with the domain functions the real services use, so the editor sees realistic figures. Every
mutating call is recorded in `calls` so tests can check what was (and was not) written.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from fractions import Fraction

from desktop.domain.change_now import change_now, quote, successor_term
from desktop.domain.contracts import effective_cancellation, status
from desktop.domain.model import (ADDON, Account, BillingSettings, Contract, ContractAddon, Plan)
from desktop.domain.periods import Frequency
from desktop.domain.plan_changes import is_no_change, labelled_targets, same_plan
from desktop.domain.transitions import simulate
from desktop.domain.validation import validate_contract
from desktop.services.errors import NotFound, StaleEdit, ValidationError

TODAY = date(2026, 3, 10)
MONTH = Frequency("month")


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    who: str
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class ContractState:
    contract: Contract
    member_name: str
    status: str
    version: int
    history: list


@dataclass(frozen=True)
class ChangeOption:
    plan: Plan
    label: str
    when: str
    on: date
    pay_now: int
    next_billing_date: date | None
    next_billing_amount: int
    no_change: bool


def sample_plans() -> list[Plan]:
    return [
        Plan("Hot desk", 20000, MONTH, deposit=10000, group="Desks", id=1,
             addons=("Locker",)),
        Plan("Dedicated desk", 35000, MONTH, deposit=20000, group="Desks", id=2,
             addons=("Locker", "Mail handling")),
        Plan("Private office", 60000, MONTH, deposit=50000, group="Desks", id=3,
             addons=("Locker", "Mail handling")),
        Plan("Old desk", 15000, MONTH, group="Desks", archived=True, id=4),
        Plan("Meeting suite", 90000, MONTH, group="Rooms", id=5),
        Plan("Locker", 1500, MONTH, kind=ADDON, id=6),
        Plan("Mail handling", 2000, MONTH, kind=ADDON, id=7),
    ]


class FakeCatalogService:
    def __init__(self, plans: list[Plan]):
        self._plans = plans

    def plans(self, include_archived: bool = True) -> list[Plan]:
        return [p for p in self._plans if include_archived or not p.archived]

    def groups(self) -> list[str]:
        return sorted({p.group for p in self._plans if p.group})


class FakeContractService:
    """ContractService over a dict; the clock is a fixed day."""

    def __init__(self, today: date = TODAY, tax_rate: Fraction = Fraction(1, 5)):
        self.today = today
        self.settings = BillingSettings("EUR", tax_rate)
        self.plans = sample_plans()
        self.catalog = FakeCatalogService(self.plans)
        self.contracts: dict[int, Contract] = {}
        self.versions: dict[int, int] = {}
        self.members = {1: "Ada Lovelace", 2: "Grace Hopper", 3: "Alan Turing", 4: "Edsger Dijkstra"}
        self.accounts = {m: Account(m, 0, 0) for m in self.members}
        self.history: dict[int, list[HistoryRow]] = {}
        self.calls: list[tuple] = []
        self._next_id = 1

    def plan(self, name: str) -> Plan:
        return next(p for p in self.plans if p.name == name)

    def add(self, contract: Contract) -> int:
        cid = self._next_id
        self._next_id += 1
        self.contracts[cid] = replace(contract, id=cid)
        self.versions[cid] = 1
        self.history[cid] = [HistoryRow(datetime(2026, 1, 5, 9, 30), "Mia", "Plan", "",
                                        contract.plan.name)]
        return cid

    def touch_elsewhere(self, cid: int, **changes) -> None:
        """What the sweep does underneath an open editor: change the row, bump its version."""
        self.contracts[cid] = replace(self.contracts[cid], **changes)
        self.versions[cid] += 1

    # Reading ------------------------------------------------------------------------------------

    def load(self, contract_id: int) -> ContractState:
        if contract_id not in self.contracts:
            raise NotFound("This contract no longer exists.")
        contract = self.contracts[contract_id]
        return ContractState(contract, self.members[contract.member],
                             status(contract, self.today), self.versions[contract_id],
                             list(self.history[contract_id]))

    def new_draft(self, member_id: int, plan_id: int) -> Contract:
        plan = next(p for p in self.plans if p.id == plan_id)
        return Contract(member_id, plan, self.today, self.today, self.today, next_plan=plan)

    def eligible_next_plans(self, contract: Contract) -> list[tuple[Plan, str]]:
        return labelled_targets(contract, self.plans)

    def _original(self, draft: Contract) -> Contract | None:
        return self.contracts.get(draft.id) if draft.id is not None else None

    def validate(self, draft: Contract) -> list:
        return validate_contract(draft, self._original(draft), self.plans, self.today)

    def describe(self, draft: Contract) -> list[str]:
        n = draft.next_invoice_date
        if n is None:
            return ["This contract has ended."]
        ends = effective_cancellation(draft)
        if draft.next_plan is None and ends == n:
            return [f"This contract ends on {n:%-d %b %Y}, the next invoice date, because it "
                    "has no next plan."]
        sentences = []
        if draft.next_plan is not None and not same_plan(draft.next_plan, draft.plan):
            sentences.append(f"Switches to {draft.next_plan.name} on {n:%-d %b %Y}, the next "
                             "invoice date.")
        else:
            sentences.append(f"Renews on {draft.plan.name} on {n:%-d %b %Y}.")
        if ends is not None:
            sentences.append(f"This contract ends on {ends:%-d %b %Y}.")
        return sentences

    def _member_contracts(self, draft: Contract) -> list[Contract]:
        others = [c for cid, c in self.contracts.items()
                  if c.member == draft.member and cid != draft.id]
        return others + [replace(draft, id=draft.id or "draft")]

    def preview(self, draft: Contract, count: int = 3) -> list:
        results = simulate(self.accounts[draft.member], self._member_contracts(draft),
                           self.settings, self.today + timedelta(days=3 * 366), count)
        return [r.invoice for r in results if r.invoice is not None][:count]

    # Writing ------------------------------------------------------------------------------------

    def save(self, draft: Contract, version: int | None) -> int:
        self.calls.append(("save", draft, version))
        problems = self.validate(draft)
        if problems:
            raise ValidationError(problems)
        if draft.id is None:
            return self.add(draft)
        if version != self.versions[draft.id]:
            raise StaleEdit("This contract was changed since you opened it; reload it first.")
        old = self.contracts[draft.id]
        self.contracts[draft.id] = draft
        self.versions[draft.id] += 1
        for name in ("cancellation_date", "next_plan", "custom_price", "quantity"):
            if getattr(old, name) != getattr(draft, name):
                self.history[draft.id].append(HistoryRow(
                    datetime(2026, 3, 10, 11, 0), "Mia", name, str(getattr(old, name) or ""),
                    str(getattr(draft, name) or "")))
        return draft.id

    def create_new_term(self, contract_id: int, cancellation_date: date | None = None) -> int:
        self.calls.append(("create_new_term", contract_id, cancellation_date))
        contract = self.contracts[contract_id]
        ends = cancellation_date or contract.cancellation_date
        if ends is None:
            raise ValidationError([])
        self.contracts[contract_id] = replace(contract, cancellation_date=ends)
        self.versions[contract_id] += 1
        return self.add(successor_term(contract, ends))

    def _quote(self, contract_id, plan_id, when, on, quantity, addon_ids) -> ChangeOption:
        contract = self.contracts[contract_id]
        target = next(p for p in self.plans if p.id == plan_id)
        addons = tuple(ContractAddon(next(p for p in self.plans if p.id == a), 1)
                       for a in addon_ids)
        label = dict((p.name, lab) for p, lab in labelled_targets(contract, self.plans))
        no_change = is_no_change(contract, target, quantity, [a.addon.name for a in addons])
        day = {"now": self.today, "next_invoice": contract.next_invoice_date}.get(when, on)
        others = [c for cid, c in self.contracts.items()
                  if c.member == contract.member and cid != contract_id]
        if when == "now" or when == "date":
            ended, term = change_now(contract, target, day, quantity,
                                     contract.addons + addons)
            figures = quote(self.accounts[contract.member], others + [ended, term],
                            self.settings, self.today if when == "now" else day)
        else:
            scheduled = replace(contract, next_plan=target,
                                quantity=quantity or contract.quantity)
            figures = quote(self.accounts[contract.member], others + [scheduled],
                            self.settings, self.today)
        return ChangeOption(target, label.get(target.name, "same level"), when, day,
                            figures.pay_now, figures.next_billing_date,
                            figures.next_billing_amount, no_change)

    def change_options(self, contract_id: int) -> list[ChangeOption]:
        contract = self.contracts[contract_id]
        later = contract.next_invoice_date + timedelta(days=10)
        return [self._quote(contract_id, plan.id, when, later, None, ())
                for plan, _label in labelled_targets(contract, self.plans)
                for when in ("now", "next_invoice", "date")]

    def quote_change(self, contract_id, plan_id, when, on=None, quantity=None,
                     addon_ids=()) -> ChangeOption:
        self.calls.append(("quote_change", contract_id, plan_id, when, on, quantity, addon_ids))
        return self._quote(contract_id, plan_id, when, on, quantity, tuple(addon_ids))

    def change_plan(self, contract_id, plan_id, when, on=None, quantity=None, addon_ids=()) -> int:
        self.calls.append(("change_plan", contract_id, plan_id, when, on, quantity,
                           tuple(addon_ids)))
        contract = self.contracts[contract_id]
        target = next(p for p in self.plans if p.id == plan_id)
        if when == "next_invoice":
            self.contracts[contract_id] = replace(contract, next_plan=target)
            self.versions[contract_id] += 1
            return contract_id
        day = self.today if when == "now" else on
        ended, term = change_now(contract, target, day, quantity)
        self.contracts[contract_id] = ended
        self.versions[contract_id] += 1
        return self.add(replace(term, id=None))


def sample_service() -> FakeContractService:
    """Four members, one contract each: active, active with a custom price, inactive, ended."""
    service = FakeContractService()
    desk, hot = service.plan("Dedicated desk"), service.plan("Hot desk")
    service.add(Contract(1, desk, date(2025, 6, 1), date(2025, 6, 1), date(2026, 4, 1),
                         next_plan=desk))
    service.add(Contract(2, desk, date(2025, 9, 1), date(2025, 9, 1), date(2026, 4, 1),
                         next_plan=desk, custom_price=30000))
    service.add(Contract(3, hot, date(2026, 4, 15), date(2026, 4, 15), date(2026, 4, 15),
                         next_plan=hot))
    service.add(Contract(4, hot, date(2025, 1, 1), date(2025, 1, 1), None, next_plan=hot,
                         cancellation_date=date(2026, 2, 1)))
    return service
