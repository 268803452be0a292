"""The values the billing rules work on: plans, contracts, accounts, invoices, transitions.

Plain frozen dataclasses: storage maps its rows to them, services and the UI read them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from fractions import Fraction
from string import Formatter

from desktop.domain.limits import BadValue
from desktop.domain.periods import Frequency

PLAN, ADDON = "plan", "addon"
INACTIVE, ACTIVE, CANCELLED = "inactive", "active", "cancelled"
ACTIVATION, RENEWAL, CANCELLATION = "activation", "renewal", "cancellation"
# Charges (rule 27) stand on invoices as lines of their own kind: an operator's charge, a late
# fee (rule 29), a bank's return fee (rule 30), an early termination fee (rule 25).
CHARGE_KINDS = ("charge", "late_fee", "return_fee", "termination_fee")
LINE_KINDS = ("plan", "unused", "addon", "deposit", "deposit_refund", *CHARGE_KINDS)
# Document types (rule 17, rule 15): a VAT document is an invoice (total >= 0) or a credit note
# (total < 0); deposits stand on documents of their own, outside VAT.
INVOICE, CREDIT_NOTE = "invoice", "credit_note"
DEPOSIT_REQUEST, DEPOSIT_RETURN = "deposit_request", "deposit_return"
DOCUMENT_TYPES = (INVOICE, CREDIT_NOTE, DEPOSIT_REQUEST, DEPOSIT_RETURN)
# Tax categories of plans, add-ons and lines (rule 17); reverse charge is a member's, not a
# plan's: the lines of a member invoiced under it take it instead of their plan's.
STANDARD, REDUCED, ZERO, EXEMPT, REVERSE_CHARGE = (
    "standard", "reduced", "zero", "exempt", "reverse_charge")
TAX_CATEGORIES = (STANDARD, REDUCED, ZERO, EXEMPT)


def stored_id(value: int | str | None) -> int:
    """The id of a stored member or contract. The rules take any id (a document's reference,
    "new" for a term not yet written, None for an unsaved one); what was read from the
    database has the row's integer."""
    if not isinstance(value, int):
        raise TypeError(f"{value!r} is not the id of a stored row")
    return value


def stored_or_none(value: int | str | None) -> int | None:
    """stored_id, with None for what was never saved (a new draft, a first term)."""
    return None if value is None else stored_id(value)


@dataclass(frozen=True)
class Plan:
    """A plan or an add-on of the catalog. A one-off add-on has no frequency."""

    name: str
    price: int
    frequency: Frequency | None = Frequency("month")
    deposit: int = 0
    group: str | None = None
    archived: bool = False
    kind: str = PLAN
    allowances: Mapping[str, int] = field(default_factory=dict, compare=False)
    addons: tuple[str, ...] = ()
    id: int | None = field(default=None, compare=False)
    tax_category: str = STANDARD
    # Rule 27: a product sold by the unit names the allowance a charge of it uses up; a
    # package's allowances last this many months from purchase (None: the default, 12).
    allowance_unit: str | None = None
    expires_months: int | None = None
    # Rule 24: the price history, (first day, price) oldest first; `price` is the newest.
    prices: tuple[tuple[date, int], ...] = field(default=(), compare=False)
    # Rule 25: what ending a contract before its commitment end costs when the commitment is
    # waived: None (nothing), "remaining" (the charges left in the commitment) or an amount.
    early_termination_fee: int | str | None = None

    @property
    def recurring(self) -> bool:
        return self.frequency is not None

    def price_on(self, day: date | None) -> int:
        """Rule 24: the price in force on the day (the newest without a history or a day)."""
        if not self.prices or day is None:
            return self.price
        found = self.prices[0][1]
        for start, price in self.prices:
            if start > day:
                break
            found = price
        return found


@dataclass(frozen=True)
class ContractAddon:
    """An add-on held on a contract since start_date (rule 16)."""

    addon: Plan
    quantity: int = 1
    start_date: date | None = None


@dataclass(frozen=True)
class InvoicedSpan:
    """One line already invoiced for the contract's current period, kept for rule 6 credits."""

    kind: str
    description: str
    start: date
    end: date
    amount: int
    # The line's tax category and the number of the invoice it stands on: a credit for unused
    # time is taxed as what it credits, and the credit note names that invoice (rule 17).
    tax_category: str = STANDARD
    invoice: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Contract:
    """One member on one plan (docs/design.md#vocabulary). next_invoice_date is None once it has
    ended."""

    member: int | str
    plan: Plan
    start_date: date
    billing_anchor: date
    next_invoice_date: date | None
    next_plan: Plan | None = None
    cancellation_date: date | None = None
    custom_price: int | None = None
    quantity: int = 1
    prorate_last_invoice: bool = True
    prorate_first_invoice: bool = True
    predecessor: int | str | None = None
    addons: tuple[ContractAddon, ...] = ()
    invoiced: tuple[InvoicedSpan, ...] = ()
    notes: str = ""
    id: int | str | None = None
    # Rule 25: the commitment end (the first day without commitment), the notice period, the
    # operator's waiver of both (recorded with the cancellation it allowed) and whether the
    # contract ends at its commitment end instead of renewing.
    commitment_end: date | None = None
    notice: Frequency | None = None
    notice_waived: bool = False
    ends_at_commitment_end: bool = False

    @property
    def unit_price(self) -> int:
        """The price of one unit for one period: the custom price, else the plan's."""
        return self.plan.price if self.custom_price is None else self.custom_price

    def unit_price_on(self, day: date | None) -> int:
        """Rule 24: the unit price of a period starting on the day: the custom price, else
        the plan's price in force then (custom prices are untouched by price changes)."""
        return self.plan.price_on(day) if self.custom_price is None else self.custom_price

    @property
    def price(self) -> int:
        return self.unit_price * self.quantity

    def with_changes(self, **changes) -> Contract:
        return replace(self, **changes)


@dataclass(frozen=True)
class Charge:
    """Rule 27: a one-off amount for a member from `day`, waiting for their next document.

    A catalogue product × quantity (`product` names it; `unit` is the allowance a charge of it
    uses up, rule 27) or a described amount (quantity 1). `document` is the number of the
    document it was billed on, None while it is pending.
    """

    member: int | str
    day: date
    description: str
    unit_amount: int
    quantity: int = 1
    tax_category: str = STANDARD
    kind: str = "charge"
    product: str | None = None
    unit: str | None = None
    id: int | str | None = None
    document: str | None = field(default=None, compare=False)
    covered: int = 0  # of the quantity, what the member's allowances took (rule 27)

    @property
    def billed_quantity(self) -> int:
        return self.quantity - self.covered

    @property
    def amount(self) -> int:
        """What is billed: the excess over the allowances used."""
        return self.unit_amount * self.billed_quantity


@dataclass(frozen=True)
class Account:
    """A member's money held by the space and what they still owe.

    `deposit_held` is the deposit the member's deposit documents stand for: requested (paid or
    not) less returned (rule 15 tops up to the requirement from it). `open` are the member's
    documents still lacking money, oldest first, which credit is offset against (rule 22);
    `reverse_charge` says the member is invoiced under reverse charge (rule 17); `pending`
    are the charges waiting for the member's next document (rule 27).
    """

    member: int | str
    credit_balance: int = 0
    deposit_held: int = 0
    open: tuple[OpenDocument, ...] = ()
    reverse_charge: bool = False
    # Rule 27: the member's charges not billed yet, oldest first.
    pending: tuple[Charge, ...] = ()


@dataclass(frozen=True)
class OpenDocument:
    """A document that still lacks `outstanding` (rule 21); `key` is its database id, or for a
    document made in the same run of the rules and not yet written, "<billing date>:<type>"."""

    key: int | str
    outstanding: int
    deposit: bool = False  # a deposit request (rule 15: a deposit return cancels these first)


@dataclass(frozen=True)
class Allocation:
    """Money put against a document (rules 21, 22): from a payment, or from the credit
    balance (method "credit")."""

    document: int | str
    amount: int
    method: str = "credit"


@dataclass(frozen=True)
class BillingSettings:
    """Site settings the rules need: currency, the standard and reduced tax rates (fractions of
    one), billing day, payment terms in days (rule 18)."""

    currency: str = "EUR"
    tax_rate: Fraction = Fraction(0)
    billing_day: int | None = None
    reduced_rate: Fraction = Fraction(0)
    payment_terms: int = 14
    cancellations_on_boundary: bool = True  # rule 25: the earliest cancellation on a boundary


@dataclass(frozen=True)
class Line:
    """An invoice line; days/period_days say how it was prorated ("12 of 31 days")."""

    kind: str
    description: str
    amount: int
    contract: int | str | None = None
    period_start: date | None = None
    period_end: date | None = None
    days: int | None = None
    period_days: int | None = None
    # The billing core's own wording of the line (rules 6, 15; issue 10), None for a plan's or
    # an add-on's name: shown in the reader's language, while `description` keeps the English.
    wording: Message | None = field(default=None, compare=False)
    # Rule 17: the line's tax category and rate (a fraction of one), set when its document is
    # made; None on a deposit line, which is outside VAT. `credits` is the number of the
    # invoice an unused-time line credits.
    tax_category: str | None = STANDARD
    rate: Fraction | None = None
    credits: str | None = field(default=None, compare=False)

    @property
    def taxable(self) -> bool:
        """Rule 15: deposits and their returns are not supplies; everything else is taxed."""
        return self.kind not in ("deposit", "deposit_refund")


@dataclass(frozen=True)
class TaxGroup:
    """Rule 17: the lines of one (category, rate), their net sum and its tax, rounded once."""

    category: str
    rate: Fraction
    net: int
    tax: int


@dataclass(frozen=True)
class Invoice:
    """A document (rules 15, 17, 18): an invoice, a credit note, a deposit request or return.

    `issue_date` is the day it is made, `billing_date` the date it belongs to (a contract's
    next invoice date), `due_date` the issue date plus the payment terms. `credit_applied` is
    what the credit balance paid of it when it was made (rule 22), `amount_due` what was left.
    """

    member: int | str
    issue_date: date
    lines: tuple[Line, ...]
    subtotal: int
    tax: int
    total: int
    credit_applied: int
    amount_due: int
    number: str | None = None
    type: str = INVOICE
    billing_date: date | None = None
    due_date: date | None = None
    tax_groups: tuple[TaxGroup, ...] = ()
    credits: tuple[str, ...] = ()

    @property
    def billed_on(self) -> date:
        """The billing date (older rows, made before it was kept, belong to their issue date)."""
        return self.issue_date if self.billing_date is None else self.billing_date

    @property
    def key(self) -> str:
        """The document's key while it is not written yet (OpenDocument.key)."""
        return f"{self.billed_on.isoformat()}:{self.type}"


@dataclass(frozen=True)
class Transition:
    """A state change due on a date; (contract, kind, date) is its exactly-once key (rule 19)."""

    contract: int | str | None
    kind: str
    date: date
    description: str = ""
    # What the transition did as a template and raw plan names (issue 10); `description` is
    # the same sentence in English, for the command line and the frontdesk/1 document.
    wording: Message | None = field(default=None, compare=False)

    @property
    def key(self) -> tuple:
        return (self.contract, self.kind, self.date)


@dataclass(frozen=True)
class PlanChange:
    """Rule 20: a plan switch applied to a contract, for the plan-change history."""

    contract: int | str | None
    date: date
    old_plan: str
    new_plan: str
    old_price: int
    new_price: int
    quantity: int
    upgrade: bool


def M_(template: str) -> str:
    """Marks a template for extraction (babel.cfg knows `M_`); the domain does not translate."""
    return template


@dataclass(frozen=True)
class Message:
    """A sentence of the billing core as a template and its raw parameters (issue 10).

    The domain knows no language: the interface translates the template and formats the
    parameters (dates, amounts) in the reader's locale (`desktop.i18n.messages.say`).
    `str()` gives the English sentence, for logs and the command line.
    """

    template: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, template: str, **params: object) -> Message:
        return cls(template, tuple(params.items()))

    def __str__(self) -> str:
        return self.template.format(**{name: f"{value:,}" if type(value) is int else value
                                       for name, value in self.params})


def placeholders(template: str) -> frozenset[str]:
    """The names a template's {placeholders} use."""
    return frozenset(name for _, name, _, _ in Formatter().parse(template) if name)


def worded(template: str, params: Mapping[str, object]) -> Message | None:
    """A stored wording read back: the template with exactly the parameters it names, or None
    when they do not fit (a row written by hand or by a tool is then shown as written)."""
    if not isinstance(params, Mapping) or placeholders(template) != set(params):
        return None
    return Message(template, tuple((name, params[name]) for name in sorted(params)))


def read_wording(template: str, text: str) -> Message | None:
    """The parameters of English text made from the template (plan names in it taken as
    written), or None when the text is not made from it."""
    parts = re.split(r"\{(\w+)\}", template)
    pattern = "".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
                      for index, part in enumerate(parts))
    found = re.fullmatch(pattern, text or "", re.DOTALL)
    return None if found is None else worded(template, found.groupdict())


@dataclass(frozen=True)
class Problem:
    """A validation problem: the field it concerns and a sentence an operator understands
    (a `Message` from the domain, an already translated str from a service)."""

    field: str
    message: Message | str


_FIELDS: dict[type, frozenset[str]] = {}


def evolve(value, **changes):
    """dataclasses.replace for these frozen values (none has __post_init__ or init=False
    fields), at a fraction of its cost: the sweep renews thousands of contracts at once."""
    cls = type(value)
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = frozenset(f.name for f in fields(cls))
    if not changes.keys() <= names:
        raise TypeError(f"{cls.__name__} has no field {sorted(changes.keys() - names)[0]!r}")
    new = object.__new__(cls)
    new.__dict__.update(value.__dict__, **changes)
    return new


def refusal(error: Exception) -> Message | str:
    """An error's sentence (issue 10), for every layer that tells one (the window, the
    services, the ledger): its `wording` (an unreadable plan's, say) or a
    `BadValue`'s template and parameters as a `Message` the interface translates, any other
    error's own words."""
    wording = getattr(error, "wording", None)
    if isinstance(wording, Message):
        return wording
    if isinstance(error, BadValue):
        return Message(error.template, error.params)
    return str(error)
