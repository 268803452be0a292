"""A member's account: documents made from lines, tax per group, credit offset, allocations
(rules 15, 17, 18, 21, 22, 23 in docs/billing-rules.md).

Pure: the sweep, the previews, the change-plan assistant and the payment dialog all call these,
so what a preview shows is what is issued, and every allocation follows one order (oldest
first). Nothing here reads the clock: the day a document is made is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache

from desktop.domain.model import (
    CREDIT_NOTE,
    DEPOSIT_REQUEST,
    DEPOSIT_RETURN,
    EXEMPT,
    INVOICE,
    REDUCED,
    REVERSE_CHARGE,
    STANDARD,
    ZERO,
    Account,
    Allocation,
    BillingSettings,
    Invoice,
    Line,
    OpenDocument,
    TaxGroup,
    evolve,
)
from desktop.domain.money import round_minor

# Positive documents are paid; negative ones credit the member (rule 23's two sides).
PAYABLE = (INVOICE, DEPOSIT_REQUEST)
CREDITING = (CREDIT_NOTE, DEPOSIT_RETURN)
DEPOSIT_TYPES = (DEPOSIT_REQUEST, DEPOSIT_RETURN)


def line_rate(category: str | None, settings: BillingSettings) -> Fraction | None:
    """Rule 17: the rate of a tax category at the site (None outside VAT: a deposit)."""
    if category is None:
        return None
    if category in (ZERO, EXEMPT, REVERSE_CHARGE):
        return Fraction(0)
    if category == REDUCED:
        return settings.reduced_rate
    return settings.tax_rate


def taxed_line(line: Line, settings: BillingSettings, reverse_charge: bool) -> Line:
    """The line with its category (reverse charge replacing a taxed one) and rate (rule 17)."""
    category = line.tax_category if line.taxable else None
    if reverse_charge and category in (STANDARD, REDUCED):
        category = REVERSE_CHARGE  # exempt and zero-rated supplies stay what they are
    rate = line_rate(category, settings)
    if category == line.tax_category and rate == line.rate:
        return line
    return evolve(line, tax_category=category, rate=rate)


@lru_cache(maxsize=4096)
def _tax(net: int, rate: Fraction) -> int:
    return round_minor(net * rate)


def tax_groups(lines: Iterable[Line]) -> tuple[TaxGroup, ...]:
    """Rule 17: the net sum of each (category, rate) group and its tax, rounded once per group;
    in the order the groups first appear. Lines outside VAT (deposits) make no group."""
    nets: dict[tuple[str, Fraction], int] = {}
    for line in lines:
        if line.tax_category is None or line.rate is None:
            continue
        key = (line.tax_category, line.rate)
        nets[key] = nets.get(key, 0) + line.amount
    return tuple(TaxGroup(category, rate, net, _tax(net, rate))
                 for (category, rate), net in nets.items())


def due_date(issue_date: date, settings: BillingSettings) -> date:
    """Rule 18: the issue date plus the site's payment terms."""
    return issue_date + timedelta(days=settings.payment_terms)


def issue_day(billing_date: date, today: date | None) -> date:
    """Rule 18: a document is made on its billing date, or today when that has passed (a
    catch-up, a contract entered late); a preview of a future date is made on that date."""
    return billing_date if today is None or today <= billing_date else today


def vat_document(member, billing_date: date, lines: Sequence[Line], settings: BillingSettings,
                 *, reverse_charge: bool = False, today: date | None = None) -> Invoice:
    """Rule 17: one member's lines of one billing date as an invoice or a credit note, before
    any credit is applied (settle does that). Deposit lines do not belong here."""
    taxed = tuple(taxed_line(line, settings, reverse_charge) for line in lines)
    groups = tax_groups(taxed)
    subtotal = sum(line.amount for line in taxed)
    tax = sum(group.tax for group in groups)
    total = subtotal + tax
    kind = CREDIT_NOTE if total < 0 else INVOICE
    credits = tuple(dict.fromkeys(line.credits for line in taxed
                                  if line.credits is not None and line.amount < 0))
    issued = issue_day(billing_date, today)
    return Invoice(member, issued, taxed, subtotal, tax, total, 0, max(total, 0), None, kind,
                   billing_date, due_date(issued, settings), groups,
                   credits if kind == CREDIT_NOTE else ())


def deposit_document(member, billing_date: date, lines: Sequence[Line],
                     settings: BillingSettings, *, today: date | None = None) -> Invoice:
    """Rule 15: a deposit request (a shortfall charged) or a deposit return, outside VAT."""
    plain = tuple(evolve(line, tax_category=None, rate=None) for line in lines)
    total = sum(line.amount for line in plain)
    issued = issue_day(billing_date, today)
    return Invoice(member, issued, plain, total, 0, total, 0, max(total, 0), None,
                   DEPOSIT_RETURN if total < 0 else DEPOSIT_REQUEST, billing_date,
                   due_date(issued, settings))


def allocate(amount: int, documents: Sequence[OpenDocument],
             method: str = "credit") -> tuple[list[Allocation], int]:
    """Rule 21: `amount` put against the documents in the order given (oldest first), each at
    most what it lacks; returns the allocations and what is left over."""
    allocations = []
    left = amount
    for document in documents:
        if left <= 0:
            break
        share = min(left, document.outstanding)
        if share > 0:
            allocations.append(Allocation(document.key, share, method))
            left -= share
    return allocations, left


def less_allocated(documents: Sequence[OpenDocument],
                   allocations: Iterable[Allocation]) -> tuple[OpenDocument, ...]:
    """The documents still open once the allocations are taken off them."""
    taken: dict[int | str, int] = {}
    for allocation in allocations:
        taken[allocation.document] = taken.get(allocation.document, 0) + allocation.amount
    return tuple(evolve(d, outstanding=d.outstanding - taken.get(d.key, 0))
                 for d in documents if d.outstanding - taken.get(d.key, 0) > 0)


@dataclass(frozen=True)
class Issued:
    """The documents of one member on one day, with the account after them (rule 22)."""

    documents: tuple[Invoice, ...]
    account: Account
    allocations: tuple[Allocation, ...]


def issue(account: Account, documents: Sequence[Invoice]) -> Issued:
    """Rules 17 and 22: the new documents join the member's account in order; what they
    credit goes to the credit balance, and the credit balance is offset against every open
    document, oldest first (earlier documents, then the new ones), at once.

    A new document's `credit_applied` is what this offset paid of it, its `amount_due` what it
    still lacks: "pay now" of a preview is the same figure the issued document prints.
    """
    balance = account.credit_balance
    deposit = account.deposit_held
    open_documents = list(account.open)
    allocations: list[Allocation] = []
    for document in documents:
        if document.type == DEPOSIT_RETURN:
            # Rule 15: a return first cancels what is still requested and unpaid (put against
            # those requests); only deposit that was paid becomes credit.
            requested = [d for d in open_documents if d.deposit]
            cancelled, left = allocate(-document.total, requested)
            allocations += cancelled
            open_documents = list(less_allocated(open_documents, cancelled))
            balance += left
        elif document.type in CREDITING:
            balance -= document.total
        elif document.total > 0:
            open_documents.append(OpenDocument(document.key, document.total,
                                               document.type == DEPOSIT_REQUEST))
        if document.type in DEPOSIT_TYPES:
            deposit += document.total
    offset, balance = allocate(balance, open_documents) if balance > 0 else ([], balance)
    allocations += offset
    applied: dict[int | str, int] = {}
    for allocation in allocations:
        applied[allocation.document] = applied.get(allocation.document, 0) + allocation.amount
    made = tuple(evolve(d, credit_applied=applied.get(d.key, 0),
                        amount_due=max(d.total, 0) - applied.get(d.key, 0))
                 if d.type in PAYABLE else d for d in documents)
    after = evolve(account, credit_balance=balance, deposit_held=deposit,
                   open=less_allocated(open_documents, offset))
    return Issued(made, after, tuple(allocations))


def settle(account: Account) -> tuple[Account, tuple[Allocation, ...]]:
    """Rule 22 on its own: a credit balance offset against the open documents, oldest first
    (after a payment left over, a return of excess deposit, a database from before rule 22)."""
    done = issue(account, ())
    return done.account, done.allocations


@dataclass(frozen=True)
class Totals:
    """Rule 23's figures for a member or a set of members, which always reconcile:
    invoiced − credited = received − refunded − credit balance + outstanding."""

    invoiced: int = 0
    credited: int = 0
    received: int = 0
    refunded: int = 0
    credit_balance: int = 0
    outstanding: int = 0

    @property
    def reconciles(self) -> bool:
        return (self.invoiced - self.credited
                == self.received - self.refunded - self.credit_balance + self.outstanding)

    def __add__(self, other: Totals) -> Totals:
        return Totals(*(a + b for a, b in zip(_values(self), _values(other))))


def _values(totals: Totals) -> tuple[int, ...]:
    return (totals.invoiced, totals.credited, totals.received, totals.refunded,
            totals.credit_balance, totals.outstanding)
