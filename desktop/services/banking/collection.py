"""A direct-debit collection run (rule 30; `frontdesk sepa collect`, Tools → Direct debit…).

For a day: every open document (an invoice or a deposit request still lacking money) of a
member whose mandate is active and not lapsed, due by that day and never in a collection file
before, becomes one transaction of one pain.008.001.08 file written with `sepaxml` — its
document number as end-to-end id and remittance text, FRST on a mandate's first collection and
RCUR after (every document of a mandate's first run is FRST). The documents are marked
"collection submitted" (not paid: the money is paid when the statement shows it) in the same
transaction that writes the file: the file is written under a temporary name and renamed when
complete, and a failure leaves neither the file nor the marks. A document is collected once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.accounts import PAYABLE
from desktop.domain.direct_debit import mandates as rules
from desktop.domain.direct_debit.mandates import Mandate
from desktop.i18n import _
from desktop.ledger import audit
from desktop.ledger.accounts import outstanding_of_document
from desktop.services.banking.mandates import creditor_of, mandates_of
from desktop.services.changes import Changes
from desktop.services.errors import Refused
from desktop.storage import models as m
from desktop.storage.output_files import check_target, write_bytes

SCHEMA = "pain.008.001.08"
# The SEPA Core rulebook's shortest notice is one interbank day; a run asked without a day
# collects two days on, which every bank accepts.
DEFAULT_NOTICE = timedelta(days=2)


@dataclass(frozen=True)
class Collected:
    """One transaction of a run: a document, what it lacks, the mandate collecting it."""

    document_id: int
    number: str
    member_id: int
    member: str
    amount: int
    mandate: str
    sequence: str
    debtor: str
    iban: str
    signed: date


@dataclass(frozen=True)
class CollectionRun:
    due_by: date
    collect_on: date
    items: tuple[Collected, ...]
    changes: Changes = Changes()

    @property
    def total(self) -> int:
        return sum(item.amount for item in self.items)


def _collectable(session: Session, due_by: date, collect_on: date) -> list[Collected]:
    """What a run would collect, document by document (oldest first per member)."""
    lacking = outstanding_of_document().label("lacking")
    due = func.coalesce(m.InvoiceRow.due_date, m.InvoiceRow.issue_date)
    rows = session.execute(
        select(m.InvoiceRow.id, m.InvoiceRow.number, m.InvoiceRow.member_id, m.MemberRow.name,
               lacking)
        .join(m.MemberRow, m.MemberRow.id == m.InvoiceRow.member_id)
        .join(m.MandateRow, m.MandateRow.member_id == m.InvoiceRow.member_id)
        .where(m.MandateRow.status == rules.ACTIVE, m.InvoiceRow.type.in_(PAYABLE),
               m.InvoiceRow.collection_submitted.is_(None), due <= due_by)
        .order_by(m.MemberRow.name, m.InvoiceRow.member_id,
                  func.coalesce(m.InvoiceRow.billing_date, m.InvoiceRow.issue_date),
                  m.InvoiceRow.id)).all()
    rows = [row for row in rows if row.lacking > 0]
    mandates = mandates_of(session, sorted({row.member_id for row in rows}))
    items = []
    for row in rows:
        mandate: Mandate = mandates[row.member_id]
        if not rules.usable(mandate, collect_on):
            continue
        items.append(Collected(row.id, row.number, row.member_id, row.name, int(row.lacking),
                               mandate.reference, rules.sequence(mandate), mandate.debtor,
                               mandate.iban, mandate.signed))
    return items


def _site_problem(session: Session) -> str:
    """Why the site cannot collect yet, "" when it can: a creditor id, a name, an IBAN, euros."""
    row = session.get(m.SettingsRow, 1)
    creditor = creditor_of(session)
    if not creditor.creditor_id:
        return _("Direct debits need the site's SEPA creditor identifier: enter it in "
                 "Preferences first.")
    if row is None or not (row.site_name or "").strip() or not (row.iban or "").strip():
        return _("Direct debits need the site's name and IBAN: enter them in Preferences "
                 "first.")
    if (row.currency or "EUR") != "EUR":
        return _("SEPA direct debits are in euros; this site bills in {currency}.").format(
            currency=row.currency)
    return ""


def pain_008(session: Session, items: list[Collected], collect_on: date) -> bytes:
    """The pain.008.001.08 file of the transactions, checked against the schema sepaxml
    bundles (a value it refuses is a Refused sentence, never the library's words)."""
    from sepaxml import SepaDD
    from sepaxml.validation import ValidationError as SchemaError

    row = session.get(m.SettingsRow, 1)
    assert row is not None
    config = {"name": (row.site_name or "").strip(), "IBAN": rules.compact_iban(row.iban or ""),
              "batch": True, "creditor_id": creditor_of(session).creditor_id,
              "currency": "EUR"}
    debit = SepaDD(config, schema=SCHEMA, clean=True)
    for item in items:
        debit.add_payment({
            "name": item.debtor, "IBAN": item.iban, "amount": item.amount,
            "type": item.sequence, "collection_date": collect_on,
            "mandate_id": item.mandate, "mandate_date": item.signed,
            "description": item.number, "endtoend_id": item.number})
    try:
        return debit.export(validate=True)
    except SchemaError:
        raise Refused(_("The collection file would not pass the pain.008 schema: check the "
                        "site's name, the debtors' names and the document numbers.")) from None


class CollectionService:
    def __init__(self, db, clock) -> None:
        self.db = db
        self.clock = clock

    def default_collection_day(self, due_by: date) -> date:
        return max(due_by, self.clock.today() + DEFAULT_NOTICE)

    def _checked_day(self, due_by: date, collect_on: date | None) -> date:
        collect_on = collect_on or self.default_collection_day(due_by)
        if collect_on <= self.clock.today():
            raise Refused(_("The collection day must be after today."))
        return collect_on

    def preview(self, due_by: date, collect_on: date | None = None) -> CollectionRun:
        """What a run would collect; nothing is written."""
        collect_on = self._checked_day(due_by, collect_on)
        with self.db.session() as session:
            return CollectionRun(due_by, collect_on, tuple(_collectable(session, due_by,
                                                                        collect_on)))

    def site_problem(self) -> str:
        with self.db.session() as session:
            return _site_problem(session)

    def collect(self, path: Path, due_by: date, collect_on: date | None = None) -> CollectionRun:
        """Write the run's pain.008 file to `path` and mark its documents submitted, together
        or not at all. Refused (nothing written) when the site lacks what a file needs or the
        day is not after today; a run with nothing to collect writes no file."""
        collect_on = self._checked_day(due_by, collect_on)
        path = Path(path)
        check_target(path)
        written = False
        try:
            with self.db.write() as session:
                items, written = self._write(session, path, due_by, collect_on)
        except BaseException:
            if written:  # the marks were not committed: neither is the file
                path.unlink(missing_ok=True)
            raise
        return CollectionRun(due_by, collect_on, tuple(items),
                             Changes.of(members={i.member_id for i in items}, invoices=True)
                             if items else Changes())

    def _write(self, session: Session, path: Path, due_by: date,
               collect_on: date) -> tuple[list[Collected], bool]:
        if problem := _site_problem(session):
            raise Refused(problem)
        items = _collectable(session, due_by, collect_on)
        if not items:
            return [], False
        data = pain_008(session, items, collect_on)
        today, now, who = self.clock.today(), self.clock.now(), audit.operator(session)
        for item in items:
            row = session.get(m.InvoiceRow, item.document_id)
            assert row is not None
            row.collection_submitted, row.collection_date = today, collect_on
            row.collection_mandate = item.mandate
            audit.write_event(session, at=now, who=who, entity="document",
                              entity_id=item.document_id, field="Collection submitted",
                              member_id=item.member_id, old="",
                              new=f"{item.number} {item.amount} {item.sequence} "
                                  f"{collect_on.isoformat()} {item.mandate}")
        session.flush()
        write_bytes(path, data)  # last: a failure rolls the marks back
        return items, True
