"""Importing bank statements (rule 30; `frontdesk bank import`, File → Import bank
statement…, a statement dropped on the window) and the entries waiting for the operator.

A statement is imported in one transaction, each entry once: an entry whose reference is
already in the bank entries is left as it is, so the same statement twice changes nothing. A
credit entry matched to a member (desktop/domain/direct_debit/matching.py) becomes their
payment, allocated by rule 21 (the documents it names first, then the oldest, the rest credit)
through the payment service; a returned direct debit takes back the payment allocations of the
document it names (newest first, the payment's amount with them) and records the bank's reason;
anything else waits, unmatched, until the operator assigns it to a member or dismisses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop.domain.direct_debit import matching
from desktop.domain.direct_debit.matching import Entry
from desktop.domain.model import ZERO
from desktop.i18n import _
from desktop.ledger import audit
from desktop.ledger.accounts import open_documents, settle_members
from desktop.ledger.charges import record_charge
from desktop.services.banking.mandates import creditor_of
from desktop.services.changes import Changes
from desktop.services.errors import NotFound, Refused
from desktop.services.payments import PaymentService
from desktop.storage import models as m

MATCHED, RETURNED, UNMATCHED = "matched", "returned", "unmatched"
ASSIGNED, DISMISSED = "assigned", "dismissed"
METHOD = "bank transfer"
RETURN_FEE = "return_fee"  # the kind of charge (rule 27) a return fee is


@dataclass(frozen=True)
class Outcome:
    """What became of one entry: its status, amount, reference, and in words what it paid or
    why it came back."""

    status: str
    amount: int
    reference: str
    detail: str = ""


@dataclass(frozen=True)
class StatementReport:
    outcomes: tuple[Outcome, ...]
    already: int
    changes: Changes

    def _count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def matched(self) -> int:
        return self._count(MATCHED)

    @property
    def returned(self) -> int:
        return self._count(RETURNED)

    @property
    def unmatched(self) -> int:
        return self._count(UNMATCHED)


@dataclass(frozen=True)
class WaitingEntry:
    """An unmatched entry as the operator's list shows it."""

    id: int
    booked: date
    amount: int
    credit: bool
    name: str
    iban: str
    remittance: str
    reference: str


def _numbered(session: Session, entry: Entry) -> dict[str, tuple[int, int]]:
    words = matching.candidate_numbers(entry)
    if not words:
        return {}
    return {number: (doc, member) for doc, number, member in session.execute(
        select(m.InvoiceRow.id, m.InvoiceRow.number, m.InvoiceRow.member_id)
        .where(m.InvoiceRow.number.in_(words[:200])))}


def _members_by_iban(session: Session, iban: str) -> list[int]:
    if not iban:
        return []
    own = session.scalars(select(m.MemberRow.id).where(m.MemberRow.iban == iban)).all()
    mandated = session.scalars(select(m.MandateRow.member_id)
                               .where(m.MandateRow.iban == iban)).all()
    return list(dict.fromkeys([*own, *mandated]))


def _open(session: Session, members: Sequence[int]) -> dict[int, list[matching.OpenDocument]]:
    return {member: [matching.OpenDocument(int(d.key), "", member, d.outstanding) for d in docs]
            for member, docs in open_documents(session, list(members)).items()}


class StatementService:
    def __init__(self, db, clock) -> None:
        self.db = db
        self.clock = clock
        self.payments = PaymentService(db, clock)

    def import_file(self, path: Path) -> StatementReport:
        """Read a camt.053 file and import it; NotAStatement (one sentence, nothing written)
        when it is not one."""
        from desktop.services.banking.camt import read_statement_file

        return self.import_entries(read_statement_file(path))

    def import_entries(self, entries: Sequence[Entry]) -> StatementReport:
        """Import a statement's entries (read by camt.read_statement), all in one transaction;
        entries imported before are left alone."""
        outcomes, already, members = [], 0, set()
        with self.db.write() as session:
            known = set(session.scalars(select(m.BankEntryRow.reference).where(
                m.BankEntryRow.reference.in_([e.reference for e in entries]))))
            for entry in entries:
                if entry.reference in known:
                    already += 1
                    continue
                known.add(entry.reference)
                row = m.BankEntryRow(reference=entry.reference, booked=entry.booked,
                                     amount=entry.amount, credit=entry.credit, name=entry.name,
                                     iban=entry.iban, remittance=_remittance(entry),
                                     status=UNMATCHED, reason="",
                                     imported_at=self.clock.now())
                session.add(row)
                outcome = (self._credit(session, entry, row) if entry.credit
                           else self._return(session, entry, row))
                if row.member_id is not None:
                    members.add(row.member_id)
                outcomes.append(outcome)
                session.flush()
        # A return fee changes the member's next document: the window runs the sweep.
        return StatementReport(tuple(outcomes), already,
                               Changes.of(members=members, payments=True, invoices=True,
                                          transitions=any(o.status == RETURNED
                                                          for o in outcomes))
                               if outcomes else Changes())

    def _credit(self, session: Session, entry: Entry, row: m.BankEntryRow) -> Outcome:
        numbered = _numbered(session, entry)
        candidates = _members_by_iban(session, entry.iban)
        match = matching.match_credit(entry, numbered, {entry.iban: candidates},
                                      _open(session, candidates))
        if match is None:
            return Outcome(UNMATCHED, entry.amount, entry.reference,
                           entry.name or entry.remittance)
        opened = _open(session, [match.member]).get(match.member, [])
        chosen = matching.chosen_allocations(entry.amount, match.documents,
                                             {d.id: d.outstanding for d in opened})
        recorded = self.payments.record_in(session, match.member, entry.amount, chosen,
                                           entry.booked, METHOD, entry.reference)
        row.status, row.member_id, row.payment_id = MATCHED, match.member, recorded.payment.id
        paid = ", ".join(dict.fromkeys(a.number for a in recorded.allocations))
        detail = paid
        if recorded.to_credit:
            detail = f"{paid}; {recorded.to_credit} to credit" if paid else \
                f"{recorded.to_credit} to credit"
        return Outcome(MATCHED, entry.amount, entry.reference, detail)

    def _return(self, session: Session, entry: Entry, row: m.BankEntryRow) -> Outcome:
        doc_id = matching.returned_document(entry, _numbered(session, entry))
        if doc_id is None:
            return Outcome(UNMATCHED, entry.amount, entry.reference,
                           entry.reason or entry.remittance)
        document = session.get(m.InvoiceRow, doc_id)
        assert document is not None
        taken = _take_back(session, doc_id, entry.amount)
        row.status, row.member_id, row.document_id = RETURNED, document.member_id, doc_id
        row.reason = entry.reason
        now, who = self.clock.now(), audit.operator(session)
        audit.write_event(session, at=now, who=who, entity="document", entity_id=doc_id,
                          field="Direct debit returned", member_id=document.member_id,
                          old=str(taken), new=f"{document.number} {entry.amount} "
                                              f"{entry.reason}".strip())
        session.flush()
        # Rule 22: credit the member holds pays the reopened document at once.
        settle_members(session, [document.member_id], entry.booked, now=now, who=who)
        detail = f"{document.number} {entry.reason}".strip()
        fee = creditor_of(session).return_fee
        if fee > 0:
            # Rule 30: the site's return fee, a pending charge (rule 27) billed on the member's
            # next document. Compensation for the bank's cost, not a supply: zero-rated.
            record_charge(session, member_id=document.member_id, day=entry.booked,
                          unit_amount=fee, description=f"Returned direct debit {document.number}",
                          tax_category=ZERO, kind=RETURN_FEE, now=now, who=who)
            detail += f"; return fee {fee}"
        return Outcome(RETURNED, entry.amount, entry.reference, detail)

    def waiting(self) -> list[WaitingEntry]:
        """The unmatched entries, oldest first."""
        with self.db.session() as session:
            rows = session.scalars(select(m.BankEntryRow).where(
                m.BankEntryRow.status == UNMATCHED).order_by(m.BankEntryRow.booked,
                                                             m.BankEntryRow.id))
            return [WaitingEntry(r.id, r.booked, r.amount, r.credit, r.name, r.iban,
                                 r.remittance, r.reference) for r in rows]

    def _waiting_row(self, session: Session, entry_id: int) -> m.BankEntryRow:
        row = session.get(m.BankEntryRow, entry_id, with_for_update=True)
        if row is None:
            raise NotFound(_("This bank entry no longer exists."))
        if row.status != UNMATCHED:
            raise Refused(_("This bank entry was already dealt with."))
        return row

    def assign(self, entry_id: int, member_id: int) -> Changes:
        """The operator's answer for an unmatched credit: the member's payment, allocated
        oldest first (rule 21). Refused for a debit or an entry dealt with already."""
        with self.db.write() as session:
            row = self._waiting_row(session, entry_id)
            if not row.credit:
                raise Refused(_("Only money received can be assigned to a member; dismiss a "
                                "returned debit once it is dealt with."))
            if session.get(m.MemberRow, member_id) is None:
                raise NotFound(_("This member no longer exists."))
            recorded = self.payments.record_in(session, member_id, row.amount, [], row.booked,
                                               METHOD, row.reference)
            row.status, row.member_id, row.payment_id = ASSIGNED, member_id, recorded.payment.id
        return Changes.of(members=[member_id], payments=True)

    def dismiss(self, entry_id: int) -> Changes:
        """The entry is none of the desk's business (a transfer between own accounts, …)."""
        with self.db.write() as session:
            row = self._waiting_row(session, entry_id)
            row.status = DISMISSED
            audit.write_event(session, at=self.clock.now(), who=audit.operator(session),
                              entity="bank entry", entity_id=entry_id, field="Dismissed",
                              new=f"{row.reference} {row.amount}")
        return Changes(payments=True)


def _remittance(entry: Entry) -> str:
    return " ".join(filter(None, [entry.remittance,
                                  entry.end_to_end if entry.end_to_end not in entry.remittance
                                  else ""]))


def _take_back(session: Session, document_id: int, amount: int) -> int:
    """Rule 30: a returned direct debit undoes the payment allocations of the document, newest
    first, up to the amount returned; each payment shrinks by what it gave back (and goes when
    nothing is left of it). Returns what was taken back."""
    left = amount
    allocations = session.scalars(
        select(m.AllocationRow).where(m.AllocationRow.document_id == document_id,
                                      m.AllocationRow.payment_id.is_not(None))
        .order_by(m.AllocationRow.id.desc())).all()
    for allocation in allocations:
        if left <= 0:
            break
        share = min(left, allocation.amount)
        left -= share
        payment = session.get(m.PaymentRow, allocation.payment_id)
        assert payment is not None
        if share == allocation.amount:
            session.delete(allocation)
        else:
            allocation.amount -= share
        session.flush()
        if payment.amount - share == 0:
            session.execute(update(m.BankEntryRow).where(m.BankEntryRow.payment_id == payment.id)
                            .values(payment_id=None))
            session.delete(payment)
        else:
            payment.amount -= share
        session.flush()
    return amount - left
