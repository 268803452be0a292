"""In-memory services honouring docs/services-api.md, so widgets are tested without a database."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from desktop.domain.accounts import Totals
from desktop.domain.charges.allowances import Balance
from desktop.domain.model import ADDON, Invoice, Line, Plan, Problem, Transition
from desktop.domain.payments import Payment
from desktop.domain.periods import Frequency
from desktop.services.accounts import AccountSummary
from desktop.services.changes import Changes
from desktop.services.errors import NotFound, Refused, ValidationError
from desktop.services.invoices import InvoiceSummary, InvoiceTotals
from desktop.services.members import ContractRow, InvoiceRow, MemberDetail, MemberRow
from desktop.services.payments import PlacedAllocation, Recorded
from desktop.services.prices import PriceChange
from desktop.services.sweep.service import AppliedRow, ForecastItem, SweepReport, SweepRun

TODAY = date(2026, 3, 20)


class FakeClock:
    def __init__(self, today: date = TODAY):
        self.day = today

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        return datetime.combine(self.day, time(10, 2))


@dataclass
class FakeMember:
    id: int
    name: str
    email: str
    company: str = ""
    phone: str = ""
    notes: str = ""
    credit_balance: int = 0
    deposit_held: int = 0
    archived: bool = False
    contracts: list = field(default_factory=list)
    invoices: list = field(default_factory=list)

    @property
    def status(self) -> str:
        return "member" if any(c.status == "active" for c in self.contracts) else "contact"

    @property
    def plans(self) -> str:
        return ", ".join(sorted({c.plan for c in self.contracts if c.status == "active"}))


class FakeMembers:
    """MemberService over a list; counts calls to search so tests can see the paging."""

    def __init__(self, members: list[FakeMember]):
        self.members = {m.id: m for m in members}
        self.search_calls: list[dict] = []

    def _matching(self, text: str, status: str) -> list[FakeMember]:
        text = text.strip().lower()
        found = [m for m in self.members.values() if m.archived == (status == "archived")]
        if text:
            found = [m for m in found
                     if text in m.name.lower() or text in m.email.lower()
                     or text in m.company.lower()]
        if status == "members":
            found = [m for m in found if m.status == "member"]
        elif status == "contacts":
            found = [m for m in found if m.status == "contact"]
        return found

    def search(self, text="", status="all", sort="name", descending=False, offset=0, limit=200):
        self.search_calls.append(dict(text=text, status=status, sort=sort,
                                      descending=descending, offset=offset, limit=limit))
        found = self._matching(text, status)
        key = {"name": lambda m: m.name.lower(), "company": lambda m: m.company.lower(),
               "plans": lambda m: m.plans.lower(), "status": lambda m: m.status == "member",
               "credit_balance": lambda m: m.credit_balance}[sort]
        found.sort(key=lambda m: (key(m), m.id), reverse=descending)
        return [MemberRow(m.id, m.name, m.email, m.company, m.plans, m.status, m.credit_balance,
                          archived=m.archived)
                for m in found[offset:offset + limit]]

    def count(self, text="", status="all") -> int:
        return len(self._matching(text, status))

    def get(self, member_id: int) -> MemberDetail:
        m = self.members.get(member_id)
        if m is None:
            raise NotFound("This member no longer exists.")
        member = m.status == "member"
        return MemberDetail(m.id, m.name, m.email, m.company, m.phone, m.notes, m.credit_balance,
                            m.deposit_held, m.archived, m.status,
                            {"Meeting room hours": 7} if member else {},
                            list(m.contracts), list(m.invoices),
                            allowance_balances=(Balance("Meeting room hours", 10, 3),)
                            if member else ())

    def _problems(self, name, email, member_id):
        problems = []
        if not name.strip():
            problems.append(Problem("name", "Enter the member's name."))
        if any(m.email.lower() == email.strip().lower() and m.id != member_id
               for m in self.members.values()):
            problems.append(Problem("email", f"Another member already uses {email}."))
        return problems

    def create(self, name, email, company="", phone="", notes="", billing_address="",
               vat_id="") -> Changes:
        problems = self._problems(name, email, None)
        if problems:
            raise ValidationError(problems)
        new_id = max(self.members, default=0) + 1
        self.members[new_id] = FakeMember(new_id, name, email, company, phone, notes)
        return Changes.of(members=[new_id], id=new_id)

    def update(self, member_id, *, name, email, company, phone, notes, billing_address=None,
               vat_id=None) -> Changes:
        problems = self._problems(name, email, member_id)
        if problems:
            raise ValidationError(problems)
        m = self.members[member_id]
        m.name, m.email, m.company, m.phone, m.notes = name, email, company, phone, notes
        return Changes.of(members=[member_id])

    def set_archived(self, member_id, archived) -> Changes:
        self.members[member_id].archived = archived
        return Changes.of(members=[member_id])


def people(count: int) -> list[FakeMember]:
    """Members named "Person 00001"…; every third has an active contract."""
    result = []
    for i in range(1, count + 1):
        contracts = []
        if i % 3 == 0:
            contracts = [ContractRow(i * 10, "active", "Hot desk", 20000, date(2026, 4, 1), None,
                                     date(2025, 1, 1), None)]
        result.append(FakeMember(i, f"Person {i:05d}", f"p{i}@example.org",
                                 f"Company {i % 7}", credit_balance=(i * 137) % 5000,
                                 contracts=contracts))
    return result


def ada() -> FakeMember:
    """A member with a chain of terms (past, current, next), a parallel add-on and invoices."""
    contracts = [
        ContractRow(1, "cancelled", "Hot desk", 20000, None, date(2025, 9, 1),
                    date(2025, 1, 1), None),
        ContractRow(2, "active", "Dedicated desk", 35000, date(2026, 4, 1), date(2026, 6, 1),
                    date(2025, 9, 1), 1),
        ContractRow(3, "inactive", "Private office", 60000, date(2026, 6, 1), None,
                    date(2026, 6, 1), 2),
        ContractRow(4, "active", "Locker", 1500, date(2026, 4, 1), None, date(2025, 11, 15), None),
    ]
    invoices = [InvoiceRow(7, "2026-0007", date(2026, 3, 1), 43800, 43800),
                InvoiceRow(6, "2026-0006", date(2026, 2, 1), 43800, 0)]
    return FakeMember(1, "Ada Lovelace", "ada@example.org", "Analytical Engines Ltd",
                      "+353 1 555 0100", credit_balance=1250, deposit_held=50000,
                      contracts=contracts, invoices=invoices)


def sample_invoice() -> Invoice:
    lines = (
        Line("unused", "Unused time on Hot desk", -13333, 2, date(2026, 3, 11), date(2026, 4, 1),
             20, 31),
        Line("plan", "Dedicated desk", 12000, 2, date(2026, 3, 20), date(2026, 4, 1), 12, 31),
        Line("addon", "Locker", 1500, 2, date(2026, 3, 1), date(2026, 4, 1)),
        Line("deposit", "Deposit for Dedicated desk", 30000, 2),
    )
    return Invoice(1, date(2026, 3, 20), lines, subtotal=30167, tax=-267, total=29900,
                   credit_applied=1250, amount_due=28650, number="2026-0008")


class FakeInvoices:
    def __init__(self, invoice: Invoice | None = None):
        self.invoice = invoice or sample_invoice()

    def get(self, invoice_id: int) -> Invoice:
        return self.invoice

    def recent(self, limit: int = 200, offset: int = 0, *, status: str = "all",
               start: date | None = None, end: date | None = None, kind: str = "all",
               member_id: int | None = None) -> list[InvoiceSummary]:
        """Ada's invoices as the service lists them: newest first, with her name (the filters
        are taken and not applied: the member page, the fake's user, lists them all)."""
        rows = [InvoiceSummary(i.id, i.number, i.issue_date, i.total, i.amount_due, 1,
                               "Ada Lovelace") for i in ada().invoices]
        return rows[offset:offset + limit]

    def totals(self, *, status: str = "all", start: date | None = None,
               end: date | None = None, kind: str = "all",
               member_id: int | None = None) -> InvoiceTotals:
        rows = self.recent()
        outstanding = sum(r.amount_due for r in rows)
        return InvoiceTotals(len(rows), sum(r.total for r in rows),
                             sum(r.total for r in rows) - outstanding, outstanding, 0)


def catalog_plans() -> list[Plan]:
    return [
        Plan("Hot desk", 20000, Frequency("month"), 0, "Desks", allowances={"Day passes": 20},
             addons=("Locker",), id=1),
        Plan("Dedicated desk", 35000, Frequency("month"), 30000, "Desks",
             allowances={"Meeting room hours": 10}, addons=("Locker", "Mail handling"), id=2),
        Plan("Private office", 180000, Frequency("month", 3), 100000, "Offices",
             allowances={"Meeting room hours": 40, "Printing pages": 500}, id=3),
        Plan("Old desk", 15000, Frequency("month"), 0, "Desks", archived=True, id=4),
        Plan("Locker", 1500, Frequency("month"), 0, None, kind=ADDON, id=5),
        Plan("Mail handling", 2500, Frequency("month"), 0, None, kind=ADDON, id=6),
        Plan("10 meeting hours", 9000, None, 0, None, kind=ADDON,
             allowances={"Meeting room hours": 10}, id=7),
    ]


class FakeCatalog:
    def __init__(self):
        self.items = {p.id: p for p in catalog_plans()}
        self.sold = {1, 2, 5}

    def plans(self, include_archived=True):
        return [p for p in self.items.values() if include_archived or not p.archived]

    def groups(self):
        return sorted({p.group for p in self.items.values() if p.group})

    def save_plan(self, plan: Plan) -> Changes:
        problems = []
        if any(p.name.lower() == plan.name.lower() and p.id != plan.id
               for p in self.items.values()):
            problems.append(Problem("name", f"A plan called {plan.name} already exists."))
        if plan.price < 0:
            problems.append(Problem("price", "The price cannot be negative."))
        if problems:
            raise ValidationError(problems)
        plan_id = plan.id if plan.id is not None else max(self.items) + 1
        self.items[plan_id] = replace(plan, id=plan_id)
        return Changes(catalog=True, id=plan_id)

    def set_archived(self, plan_id, archived):
        self.items[plan_id] = replace(self.items[plan_id], archived=archived)
        return Changes(catalog=True)

    def sold_plan_ids(self):
        return set(self.sold)

    def delete_plan(self, plan_id):
        if plan_id in self.sold:
            raise Refused("This plan was sold; archive it instead.")
        del self.items[plan_id]
        return Changes(catalog=True)


class FakeAccounts:
    """AccountService over the fake members: the summary their money says, where the deposit
    required is `required` (per member id) and a return moves the excess to credit."""

    def __init__(self, members: FakeMembers, required: dict[int, int] | None = None):
        self.members = members
        self.required = required or {}
        self.returned: list[int] = []

    def summary(self, member_id: int) -> AccountSummary:
        m = self.members.members.get(member_id)
        if m is None:
            raise NotFound("This member no longer exists.")
        owed = sum(max(i.amount_due - i.paid, 0) for i in m.invoices if i.total >= 0)
        invoiced = sum(i.total for i in m.invoices if i.total >= 0)
        credited = -sum(i.total for i in m.invoices if i.total < 0)
        received = invoiced - credited - owed + m.credit_balance
        return AccountSummary(member_id, Totals(invoiced, credited, received, 0,
                                                m.credit_balance, owed),
                              0, self.required.get(member_id, 0), m.deposit_held, 0,
                              max(m.credit_balance - owed, 0))

    def return_excess_deposit(self, member_id: int) -> Changes:
        m = self.members.members[member_id]
        excess = m.deposit_held - self.required.get(member_id, 0)
        if excess <= 0:
            raise Refused("There is nothing to return.")
        m.deposit_held -= excess
        m.credit_balance += excess
        self.returned.append(member_id)
        return Changes.of(members=[member_id], invoices=True, payments=True)


class FakeCharges:
    """ChargeService over a fixed product list: keeps each charge added (rule 27)."""

    def __init__(self, products: list[Plan] | None = None):
        self._products = list(products or [])
        self.added: list[tuple[int, dict]] = []

    def add(self, member_id: int, *, product: int | str | None = None, quantity: int = 1,
            day: date | None = None, amount: int | None = None, description: str = "",
            tax_category: str = "standard", kind: str = "charge") -> Changes:
        self.added.append((member_id, dict(product=product, quantity=quantity, day=day,
                                           amount=amount, description=description,
                                           tax_category=tax_category, kind=kind)))
        return Changes.of(members=[member_id], invoices=True, id=len(self.added))

    def products(self) -> list[Plan]:
        return list(self._products)


class FakePrices:
    """PriceService over fixed prices (plan id -> price): a raise preview and what was raised."""

    def __init__(self, prices: dict[int, tuple[str, int]] | None = None):
        self.prices = dict(prices or {})
        self.raised: list[tuple[list[int], str, date | None]] = []

    def raise_preview(self, plan_ids: list[int], percent: str,
                      day: date | None = None) -> list[PriceChange]:
        from desktop.services.prices import percent_of, raised

        rate = percent_of(percent)
        return [PriceChange(i, self.prices[i][0], self.prices[i][1],
                            raised(self.prices[i][1], rate), 1) for i in plan_ids]

    def raise_prices(self, plan_ids: list[int], percent: str,
                     day: date | None = None) -> Changes:
        self.raise_preview(plan_ids, percent, day)
        self.raised.append((list(plan_ids), percent, day))
        return Changes(catalog=True)


class FakePayments:
    """PaymentService over a few open documents (id, number, what each lacks), oldest first:
    previews and records allocations as rule 21 says, and keeps what was recorded."""

    def __init__(self, documents: list[tuple[int, str, int]] | None = None,
                 today: date = TODAY):
        self.documents = documents if documents is not None else [(6, "2026-0006", 43800),
                                                                  (7, "2026-0007", 43800)]
        self.today = today
        self.recorded: list[dict] = []

    def allocation_preview(self, member_id: int, amount: int,
                           chosen: Sequence[tuple[int, int]] = ()
                           ) -> tuple[tuple[PlacedAllocation, ...], int]:
        lacking = {doc: left for doc, _number, left in self.documents}
        numbers = {doc: number for doc, number, _left in self.documents}
        for doc, share in chosen:
            if share > lacking.get(doc, 0):
                raise ValidationError([Problem("allocations", f"{share} is more than "
                                               f"{numbers.get(doc, doc)} still lacks.")])
        if sum(share for _doc, share in chosen) > amount:
            raise ValidationError([Problem("allocations", "The amounts add up to more than "
                                           "the payment.")])
        placed, left = [], amount
        for doc, share in chosen:
            placed.append(PlacedAllocation(doc, numbers[doc], share, "payment", self.today))
            lacking[doc] -= share
            left -= share
        for doc, number, _left in self.documents:
            share = min(left, lacking[doc])
            if share > 0:
                placed.append(PlacedAllocation(doc, number, share, "payment", self.today))
                left -= share
        return tuple(placed), left

    def record_for_member(self, member_id: int, amount: int, *,
                          allocations: Sequence[tuple[int, int]] = (),
                          day: date | None = None, method: str = "", reference: str = "",
                          token: str | None = None) -> Recorded:
        placed, left = self.allocation_preview(member_id, amount, allocations)
        self.recorded.append(dict(member_id=member_id, amount=amount,
                                  allocations=list(allocations), day=day, method=method,
                                  reference=reference, token=token))
        return Recorded(Payment(day or self.today, amount, method, reference),
                        Changes.of(members=[member_id], payments=True), placed, left)

    def record(self, invoice: int | str, amount: int, *, day: date | None = None,
               method: str = "", reference: str = "", token: str | None = None) -> Recorded:
        doc = next(d for d in self.documents if invoice in (d[0], d[1]))
        return self.record_for_member(1, amount, allocations=[(doc[0], min(amount, doc[2]))],
                                      day=day, method=method, reference=reference,
                                      token=token)

    def refund(self, member_id: int, amount: int, *, day: date | None = None,
               method: str = "", reference: str = "", token: str | None = None) -> Recorded:
        self.recorded.append(dict(member_id=member_id, amount=-amount, day=day))
        return Recorded(Payment(day or self.today, -amount, method, reference),
                        Changes.of(members=[member_id], payments=True))


class FakeSweep:
    """SweepService; `gate` (a threading.Event) holds apply_due until set, to test overlap."""

    def __init__(self, gate: threading.Event | None = None):
        self.gate = gate
        self.calls: list[date] = []
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        self.error: Exception | None = None
        self.last: SweepRun | None = None

    def apply_due(self, as_of: date, catch_up_limit: int | None = None) -> SweepReport:
        with self._lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
            self.calls.append(as_of)
        try:
            if self.gate is not None:
                self.gate.wait(5)
            if self.error is not None:
                raise self.error
            applied = [Transition(2, "renewal", as_of, "Dedicated desk renewed")]
            self.last = SweepRun(datetime.combine(as_of, time(10, 2)), as_of, 1, 1, 0)
            return SweepReport(as_of, applied, 1, [])
        finally:
            with self._lock:
                self.active -= 1

    def forecast(self, as_of: date, days: int = 30):
        return [
            ForecastItem(as_of + timedelta(days=12), 1, "Ada Lovelace", 2, "renewal",
                         "Dedicated desk renews", 35000),
            ForecastItem(as_of + timedelta(days=20), 2, "Grace Hopper", 8, "cancellation",
                         "Hot desk ends; last day the day before", -4516),
        ]

    def last_run(self):
        return self.last

    def applied_since(self, since: datetime):
        return [AppliedRow(datetime.combine(TODAY, time(9, 0)), TODAY, "activation", 3,
                           "Ada Lovelace", "Private office starts", 1)]


class FakeSettings:
    """SettingsService keeping one SiteSettings; save validates the tax rate like the real one."""

    def __init__(self):
        from desktop.services.settings import SiteSettings

        self.current = SiteSettings("EUR", "en_IE", "20", None, "Sam")
        self.saves = []

    def get(self):
        return self.current

    def save(self, settings):
        from desktop.services.settings import settings_problems

        problems = settings_problems(settings)
        if problems:
            raise ValidationError(problems)
        self.current = settings
        self.saves.append(settings)
        return Changes(settings=True)


class Demo:
    """load_demo / is_empty over the fake members: loading adds Ada and 40 people."""

    def __init__(self, members: FakeMembers, gate: threading.Event | None = None):
        self.members = members
        self.gate = gate
        self.loaded_on: list[date] = []

    def is_empty(self) -> bool:
        return not self.members.members

    def load(self, today: date):
        if self.gate is not None:
            self.gate.wait(5)
        self.loaded_on.append(today)
        for m in [ada()] + people(40)[1:]:
            self.members.members[m.id] = m
        return {"members": 40}
