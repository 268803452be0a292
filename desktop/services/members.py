"""Members and contacts: search, detail page, create and edit (docs/design.md#vocabulary,
docs/design.md#screens).

Search filters, sorts and pages in SQL so the member list stays fast over 100,000 members; a
member's status (member = at least one active contract today) is derived with a correlated
EXISTS, never stored.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import BigInteger, and_, case, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from desktop.domain import contracts as rules
from desktop.domain.charges.allowances import Balance, balances, sources_on
from desktop.domain.limits import email_key
from desktop.domain.model import ACTIVE, Problem
from desktop.domain.payments import due_date, payment_status
from desktop.domain.plan_changes import same_plan
from desktop.domain.vat import compact, vat_id_problem
from desktop.i18n import _
from desktop.ledger import audit
from desktop.ledger.charges import allowance_used
from desktop.ledger.member_states import load_member_state
from desktop.services.changes import Changes
from desktop.services.errors import NotFound, ValidationError, text_problems
from desktop.services.invoices import lacking_of_invoice, paid_of_invoice
from desktop.services.payments import member_outstanding, payment_terms
from desktop.storage import member_search
from desktop.storage import models as m

# Archived members appear only under "archived", and under "outstanding" while they owe money:
# a member who left but still owes is exactly who the desk has to chase.
STATUSES = ("all", "members", "contacts", "outstanding", "archived")
# Deliberately loose: one @, something on both sides, a dot in the domain, no spaces.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
# The member fields that may hold tabs and line breaks; every other one is a single line.
MULTILINE = ("notes", "billing_address")


@dataclass(frozen=True)
class MemberRow:
    id: int
    name: str
    email: str
    company: str
    plans: str
    status: str
    credit_balance: int
    outstanding: int = 0
    archived: bool = False


@dataclass(frozen=True)
class ContractRow:
    id: int
    status: str
    plan: str
    price: int
    next_invoice_date: date | None
    cancellation_date: date | None
    start_date: date
    predecessor: int | None
    # Rule 7: the plan it switches to on its next invoice date, when that is another plan;
    # rule 8: ends_on is set when a blank next plan ends it there.
    switches_to: str | None = None
    ends_on: date | None = None


@dataclass(frozen=True)
class InvoiceRow:
    """A document of the member's account (rules 17, 18, 21): its type, its dates, what it
    still lacks and where it stands ("credited" for a credit note or a deposit return)."""

    id: int
    number: str
    issue_date: date
    total: int
    amount_due: int
    status: str = ""
    paid: int = 0
    type: str = "invoice"
    billing_date: date | None = None
    due_date: date | None = None
    outstanding: int = 0


@dataclass(frozen=True)
class PaidDocument:
    """Part of a payment or of the credit balance put against one document (rule 21)."""

    document_id: int
    number: str
    amount: int


@dataclass(frozen=True)
class AccountEntry:
    """A payment received (amount > 0), a refund paid out (amount < 0), or credit balance put
    against documents on a day (`from_credit`, payment_id None): which documents it paid, and
    what of a payment no document needed and went to the credit balance."""

    date: date
    amount: int
    method: str
    reference: str
    paid: tuple[PaidDocument, ...]
    to_credit: int = 0
    payment_id: int | None = None
    from_credit: bool = False


@dataclass(frozen=True)
class MemberDetail:
    id: int
    name: str
    email: str
    company: str
    phone: str
    notes: str
    credit_balance: int
    deposit_held: int
    archived: bool
    status: str
    allowances: dict[str, int]
    contracts: list[ContractRow]
    invoices: list[InvoiceRow]
    billing_address: str = ""
    vat_id: str = ""
    outstanding: int = 0
    payments: list[AccountEntry] = field(default_factory=list)
    # Rule 27: each allowance today with what it grants, what was used and what is left;
    # `allowances` is what is left of each.
    allowance_balances: tuple[Balance, ...] = ()


def active_on(today: date):
    """SQL for a contracts row that is active on the day (the domain's status() in SQL).

    Active: started, not ended, and before its effective cancellation: the cancellation date,
    or the next invoice date when the next plan is blank (rule 8).
    """
    c = m.ContractRow
    return and_(c.start_date <= today, c.next_invoice_date.is_not(None),
                or_(c.cancellation_date.is_(None), c.cancellation_date > today),
                or_(c.next_plan_id.is_not(None), c.next_invoice_date > today))


def _is_member(today: date):
    return exists().where(m.ContractRow.member_id == m.MemberRow.id, active_on(today))


def _first_plan(today: date):
    """The alphabetically first active plan's name: the member list sorts "plans" by it."""
    return (select(func.min(func.lower(m.PlanRow.name)))
            .join(m.ContractRow, m.ContractRow.plan_id == m.PlanRow.id)
            .where(m.ContractRow.member_id == m.MemberRow.id, active_on(today))
            .correlate(m.MemberRow).scalar_subquery())


def _filtered(query, text: str, status: str, today: date, indexed: bool = False):
    """The query narrowed to the text and status; indexed: the database has member_search."""
    if status not in STATUSES:
        raise ValueError(f'Unknown status filter "{status}": use all, members, contacts, '
                         'outstanding or archived.')
    text = (text or "").strip()
    if text:
        query = query.where(member_search.matching_members(text, indexed))
    if status == "archived":
        query = query.where(m.MemberRow.archived.is_(True))
    elif status != "outstanding":
        query = query.where(m.MemberRow.archived.is_(False))
    if status == "members":
        query = query.where(_is_member(today))
    elif status == "contacts":
        query = query.where(~_is_member(today))
    elif status == "outstanding":
        query = query.where(_outstanding() > 0)
    return query


def _outstanding():
    """SQL: the member row's outstanding amount (what their invoices still lack, summed)."""
    return (select(cast(func.coalesce(func.sum(lacking_of_invoice()), 0), BigInteger))
            .where(m.InvoiceRow.member_id == m.MemberRow.id)
            .correlate(m.MemberRow).scalar_subquery())


# What each sort of the member list orders by, given today (the member list's columns name
# these keys: desktop/ui/members/member_columns.py).
_SORT_KEYS = {
    "name": lambda today: func.lower(m.MemberRow.name),
    "company": lambda today: func.lower(m.MemberRow.company),
    "plans": lambda today: func.coalesce(_first_plan(today), ""),
    "status": lambda today: case((_is_member(today), 1), else_=0),
    "credit_balance": lambda today: m.MemberRow.credit_balance,
    "outstanding": lambda today: _outstanding(),
}
SORTS = tuple(_SORT_KEYS)
# The sorts an index of desktop/storage/models.py serves (lower(name), lower(company)).
_INDEXED_SORTS = ("name", "company")


def _sort_key(sort: str, today: date):
    if sort not in _SORT_KEYS:
        raise ValueError(f'Unknown sort "{sort}": use one of {", ".join(SORTS)}.')
    return _SORT_KEYS[sort](today)


def active_plan_names(session: Session, member_ids: list[int], today: date) -> dict[int, list[str]]:
    """Each member's active plan names, distinct and sorted case-insensitively."""
    if not member_ids:
        return {}
    rows = session.execute(
        select(m.ContractRow.member_id, m.PlanRow.name)
        .join(m.PlanRow, m.ContractRow.plan_id == m.PlanRow.id)
        .where(m.ContractRow.member_id.in_(member_ids), active_on(today)))
    names: dict[int, set[str]] = defaultdict(set)
    for member_id, name in rows:
        names[member_id].add(name)
    return {k: sorted(v, key=lambda n: (n.lower(), n)) for k, v in names.items()}


def member_problems(session: Session, name: str, email: str, member_id: int | None,
                    **details: str | None) -> list[Problem]:
    """Name required; email well-formed and not used by another member (told apart as
    email_key does: Unicode-normalised, case-folded); no field holds a control character
    (`details`: company, phone, notes, billing_address, vat_id as given; issue 19); a VAT id
    given is a valid one."""
    problems = text_problems({"name": name, "email": email, **details}, MULTILINE)
    if not (name or "").strip():
        problems.append(Problem("name", _("Enter the member's name.")))
    vat_id = details.get("vat_id")
    # Rule 17: a VAT id decides reverse charge, so it must be one (python-stdnum: country,
    # format, check digits); "XX12" was kept as typed.
    if vat_id is not None and not any(p.field == "vat_id" for p in problems) and (
            vat := vat_id_problem(vat_id)) is not None:
        problems.append(Problem("vat_id", vat))
    email = (email or "").strip()
    if any(p.field == "email" for p in problems):
        return problems  # a control character said already what is wrong with it
    if not _EMAIL.match(email):
        problems.append(Problem("email", _(
            '"{email}" is not an email address such as "ada@example.org".').format(email=email)
            if email else _("Enter the member's email address.")))
    elif email_in_use(session, email, member_id):
        problems.append(Problem("email", _("Another member already uses {email}.").format(
            email=email)))
    return problems


def email_in_use(session: Session, email: str, member_id: int | None) -> bool:
    """Whether another member's address equals `email` once normalised (email_key).

    SQL's lower() folds ASCII alone, so the addresses are compared here; only their text is
    read, a few megabytes for 100,000 members, once per save.
    """
    key = email_key(email)
    query = select(m.MemberRow.email)
    if member_id is not None:
        query = query.where(m.MemberRow.id != member_id)
    return any(email_key(other) == key for other in session.scalars(query))


def _values(row: m.MemberRow) -> dict[str, str]:
    return {"Name": row.name, "Email": row.email, "Company": row.company or "",
            "Phone": row.phone or "", "Notes": row.notes or "",
            "Billing address": row.billing_address or "", "VAT id": row.vat_id or "",
            "Archived": "yes" if row.archived else "no"}


def _contract_row(c, state: str) -> ContractRow:
    """A contract as the member page lists it, with what is scheduled for its next invoice."""
    switches_to = ends_on = None
    if state == ACTIVE and c.next_invoice_date is not None:
        if c.next_plan is None:
            ends_on = rules.effective_cancellation(c)
        elif not same_plan(c.next_plan, c.plan):
            switches_to = c.next_plan.name
    return ContractRow(c.id, state, c.plan.name, c.price, c.next_invoice_date,
                       c.cancellation_date, c.start_date, c.predecessor, switches_to, ends_on)


class MemberService:
    def __init__(self, db, clock) -> None:
        self.db = db
        self.clock = clock

    def search(self, text: str = "", status: str = "all", sort: str = "name",
               descending: bool = False, offset: int = 0, limit: int = 200) -> list[MemberRow]:
        """One page of members matching the text (name, email, company) and the status."""
        today = self.clock.today()
        member = m.MemberRow
        key = _sort_key(sort, today)

        def ordered(by):
            return (by.desc(), member.id.desc()) if descending else (by.asc(), member.id.asc())

        def page(query, order):
            return session.execute(query.order_by(*order).offset(max(0, offset))
                                   .limit(max(0, limit))).all()

        # Member or contact is read with the page's plans (an active contract has a plan), not
        # per matching row before the sort: a common text matches thousands.
        query = select(member.id, member.name, member.email, member.company,
                       member.credit_balance, member.archived)
        words = (text or "").strip()
        with self.db.session() as session:
            indexed = member_search.has_index(session)
            dialect = session.get_bind().dialect.name
            matching = _filtered(select(member.id), text, status, today, indexed)
            query = _filtered(query, text, status, today, indexed)
            # `|| ''` keeps the order but hides the sort's index from the planner, so the
            # matches are found first (by the table, or the trigram indexes) and then sorted.
            unindexed = ordered(key.concat(""))
            if (sort in _INDEXED_SORTS and dialect == "sqlite"
                    and member_search.reads_columns(words, indexed)):
                # The sort's index walked for WALK members at most (member_search.WALK); a
                # page not filled by then is read from the table once and sorted.
                found = page(query.where(member_search.among_first(ordered(key))), ordered(key))
                if len(found) < limit:
                    found = page(query, unindexed)
            elif (sort in _INDEXED_SORTS and dialect == "postgresql"
                    and len(words) >= member_search.TRIGRAM
                    and member_search.has_trigram_indexes(session)
                    and session.scalar(select(func.count()).select_from(
                        matching.limit(member_search.FEW + 1).subquery()))
                    <= member_search.FEW):
                found = page(query, unindexed)  # a few matches (member_search.FEW), sorted
            else:
                found = page(query, ordered(key))
            plans = active_plan_names(session, [r.id for r in found], today)
            owed = member_outstanding(session, [r.id for r in found])
        return [MemberRow(r.id, r.name, r.email, r.company or "", ", ".join(plans.get(r.id, [])),
                          "member" if plans.get(r.id) else "contact", r.credit_balance,
                          owed.get(r.id, 0), bool(r.archived))
                for r in found]

    def count(self, text: str = "", status: str = "all") -> int:
        with self.db.session() as session:
            query = _filtered(select(func.count(m.MemberRow.id)), text, status,
                              self.clock.today(), member_search.has_index(session))
            return session.scalar(query) or 0

    def get(self, member_id: int) -> MemberDetail:
        """The member page: details, allowances of active contracts, contracts, the account's
        documents of every type (newest first) and its payments, refunds and credit put against
        documents, each with the documents it paid (rule 21)."""
        today = self.clock.today()
        with self.db.session() as session:
            row = session.get(m.MemberRow, member_id)
            if row is None:
                raise NotFound(_("This member no longer exists."))
            contracts = sorted(load_member_state(session, member_id).contracts,
                               key=lambda c: (c.start_date, c.id))
            doc = m.InvoiceRow
            invoices = session.execute(
                select(doc.id, doc.number, doc.issue_date, doc.total, doc.amount_due,
                       paid_of_invoice(), doc.type, doc.billing_date, doc.due_date,
                       lacking_of_invoice())
                .where(doc.member_id == member_id)
                .order_by(doc.issue_date.desc(), doc.id.desc())).all()
            terms = payment_terms(session)
            statuses = {c.id: rules.status(c, today) for c in contracts}
            held = balances(sources_on(contracts, today), allowance_used(session, member_id))
            return MemberDetail(
                row.id, row.name, row.email, row.company or "", row.phone or "", row.notes or "",
                row.credit_balance, row.deposit_held, row.archived,
                "member" if ACTIVE in statuses.values() else "contact",
                {b.unit: b.left for b in held},
                [_contract_row(c, statuses[c.id]) for c in contracts],
                [_document_row(i, terms, today) for i in invoices],
                row.billing_address or "", row.vat_id or "",
                member_outstanding(session, [member_id]).get(member_id, 0),
                account_entries(session, member_id), tuple(held))

    def create(self, name: str, email: str, company: str = "", phone: str = "",
               notes: str = "", billing_address: str = "", vat_id: str = "") -> Changes:
        """A new member; the Changes carry the member's id."""
        with self.db.write() as session:
            problems = member_problems(session, name, email, None, company=company,
                                       phone=phone, notes=notes,
                                       billing_address=billing_address, vat_id=vat_id)
            if problems:
                raise ValidationError(problems)
            row = m.MemberRow(name=name.strip(), email=email.strip(), company=company.strip(),
                              phone=phone.strip(), notes=notes, credit_balance=0,
                              deposit_held=0, archived=False,
                              billing_address=billing_address.strip(), vat_id=compact(vat_id))
            session.add(row)
            session.flush()
            audit.write_changes(session, at=self.clock.now(), who=audit.operator(session),
                                entity="member", entity_id=row.id, before={},
                                after=_values(row), member_id=row.id)
            return Changes.of(members=[row.id], id=row.id)

    def update(self, member_id: int, *, name: str, email: str, company: str, phone: str,
               notes: str, billing_address: str | None = None,
               vat_id: str | None = None) -> Changes:
        """Save the member's details; billing address and VAT id stay as they are when None."""
        with self.db.write() as session:
            row = session.get(m.MemberRow, member_id)
            if row is None:
                raise NotFound(_("This member no longer exists."))
            problems = member_problems(session, name, email, member_id, company=company,
                                       phone=phone, notes=notes,
                                       billing_address=billing_address, vat_id=vat_id)
            if problems:
                raise ValidationError(problems)
            before = _values(row)
            row.name, row.email, row.company = name.strip(), email.strip(), company.strip()
            row.phone, row.notes = phone.strip(), notes
            if billing_address is not None:
                row.billing_address = billing_address.strip()
            if vat_id is not None:
                row.vat_id = compact(vat_id)
            audit.write_changes(session, at=self.clock.now(), who=audit.operator(session),
                                entity="member", entity_id=row.id, before=before,
                                after=_values(row), member_id=row.id)
            return Changes.of(members=[row.id])

    def set_archived(self, member_id: int, archived: bool) -> Changes:
        """Archive (or bring back) a member: the list hides them; contracts and invoices stay."""
        with self.db.write() as session:
            row = session.get(m.MemberRow, member_id)
            if row is None:
                raise NotFound(_("This member no longer exists."))
            before = _values(row)
            row.archived = bool(archived)
            audit.write_changes(session, at=self.clock.now(), who=audit.operator(session),
                                entity="member", entity_id=row.id, before=before,
                                after=_values(row), member_id=row.id)
            return Changes.of(members=[row.id])


def _document_row(i, terms: int, today: date) -> InvoiceRow:
    (doc_id, number, issued, total, amount_due, paid, kind, billed, due, lacking) = i
    due = due or due_date(issued, terms)
    return InvoiceRow(doc_id, number, issued, total, amount_due,
                      payment_status(amount_due, paid, due, today, total), paid, kind,
                      billed or issued, due, int(lacking))


def account_entries(session: Session, member_id: int) -> list[AccountEntry]:
    """The member's payments and refunds, and the credit put against documents (one entry a
    day), newest first, each with the documents it paid."""
    alloc, doc = m.AllocationRow, m.InvoiceRow
    placed = session.execute(
        select(alloc.payment_id, alloc.date, alloc.document_id, doc.number, alloc.amount)
        .join(doc, doc.id == alloc.document_id)
        .where(alloc.member_id == member_id).order_by(alloc.id)).all()
    by_payment: dict[int, list[PaidDocument]] = defaultdict(list)
    by_day: dict[date, list[PaidDocument]] = defaultdict(list)
    for payment_id, day, document_id, number, amount in placed:
        share = PaidDocument(document_id, number, int(amount))
        if payment_id is None:
            by_day[day].append(share)
        else:
            by_payment[payment_id].append(share)
    entries = []
    for p in session.scalars(select(m.PaymentRow).where(m.PaymentRow.member_id == member_id)):
        paid = tuple(by_payment.get(p.id, ()))
        left = p.amount - sum(d.amount for d in paid) if p.amount > 0 else 0
        entries.append(AccountEntry(p.date, p.amount, p.method or "", p.reference or "", paid,
                                    left, p.id))
    entries += [AccountEntry(day, sum(d.amount for d in shares), "", "", tuple(shares),
                             from_credit=True) for day, shares in by_day.items()]
    # Newest first; credit put against documents counts as after the same day's payments.
    return sorted(entries, key=lambda e: (e.date, e.from_credit, e.payment_id or 0),
                  reverse=True)


