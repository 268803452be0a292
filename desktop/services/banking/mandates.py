"""Members' SEPA mandates, the account they pay from, and the site's creditor identifier and
return fee (rule 30). Each call is one transaction; a refusal is a ValidationError with one
sentence per field, nothing written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.direct_debit import mandates as rules
from desktop.domain.direct_debit.mandates import Mandate
from desktop.domain.limits import MAX_AMOUNT
from desktop.domain.model import Problem
from desktop.i18n import _
from desktop.ledger import audit
from desktop.services.changes import Changes
from desktop.services.errors import NotFound, ValidationError, text_problems
from desktop.storage import models as m

_LABELS = {"reference": "Mandate reference", "signed": "Mandate signed",
           "debtor": "Mandate debtor", "iban": "Mandate IBAN", "status": "Mandate status"}


@dataclass(frozen=True)
class MandateView:
    """A member's mandate as the member page shows it, with where it stands on a day."""

    mandate: Mandate
    lapses_on: date
    usable: bool


@dataclass(frozen=True)
class CreditorSettings:
    creditor_id: str = ""
    return_fee: int = 0


def last_collections(session: Session, references: list[str] | None = None) -> dict[str, date]:
    """Each mandate reference's newest collection day (rule 30: FRST/RCUR and the lapse)."""
    query = (select(m.InvoiceRow.collection_mandate, func.max(m.InvoiceRow.collection_date))
             .where(m.InvoiceRow.collection_mandate.is_not(None))
             .group_by(m.InvoiceRow.collection_mandate))
    if references is not None:
        query = query.where(m.InvoiceRow.collection_mandate.in_(references))
    return {ref: day for ref, day in session.execute(query) if ref is not None
            and day is not None}


def mandate_of_row(row: m.MandateRow, last: date | None) -> Mandate:
    return Mandate(row.reference, row.signed, row.debtor, row.iban, row.status, last)


def mandates_of(session: Session, member_ids: list[int]) -> dict[int, Mandate]:
    rows = list(session.scalars(select(m.MandateRow)
                                .where(m.MandateRow.member_id.in_(member_ids))))
    last = last_collections(session, [row.reference for row in rows])
    return {row.member_id: mandate_of_row(row, last.get(row.reference)) for row in rows}


def creditor_of(session: Session) -> CreditorSettings:
    row = session.get(m.SettingsRow, 1)
    if row is None:
        return CreditorSettings()
    return CreditorSettings(row.creditor_id or "", row.return_fee or 0)


def _member(session: Session, member_id: int) -> m.MemberRow:
    member = session.get(m.MemberRow, member_id, with_for_update=True)
    if member is None:
        raise NotFound(_("This member no longer exists."))
    return member


def _clean(text: str) -> str:
    return " ".join((text or "").split())


class MandateService:
    def __init__(self, db, clock) -> None:
        self.db = db
        self.clock = clock

    def mandate(self, member_id: int) -> MandateView | None:
        """The member's mandate, or None; whether it may collect today."""
        with self.db.session() as session:
            found = mandates_of(session, [member_id]).get(member_id)
        if found is None:
            return None
        today = self.clock.today()
        return MandateView(found, rules.lapses_on(found), rules.usable(found, today))

    def member_iban(self, member_id: int) -> str:
        with self.db.session() as session:
            return session.scalar(select(m.MemberRow.iban).where(m.MemberRow.id == member_id)) \
                or ""

    def save(self, member_id: int, *, reference: str, signed: date | None, debtor: str,
             iban: str, status: str = rules.ACTIVE) -> Changes:
        """Give the member a mandate or change theirs (rule 30). ValidationError, nothing
        written: a reference too long, outside the SEPA characters or another member's, no
        signature day or one after today, no debtor, an IBAN failing its check digits."""
        # A missing day is the domain's to refuse (NO_SIGNATURE), with the other problems.
        mandate = Mandate(_clean(reference), signed, _clean(debtor),  # type: ignore[arg-type]
                          rules.compact_iban(iban), status)
        problems = text_problems({"reference": reference, "debtor": debtor, "iban": iban})
        with self.db.write() as session:
            _member(session, member_id)
            owner = session.scalar(select(m.MandateRow.member_id)
                                   .where(m.MandateRow.reference == mandate.reference))
            problems += rules.mandate_problems(mandate, self.clock.today(),
                                               taken=owner not in (None, member_id))
            if problems:
                raise ValidationError(_first_per_field(problems))
            row = session.scalar(select(m.MandateRow).where(m.MandateRow.member_id == member_id))
            before = {} if row is None else _readable(row)
            if row is None:
                row = m.MandateRow(member_id=member_id)
                session.add(row)
            row.reference, row.signed, row.debtor = mandate.reference, signed, mandate.debtor
            row.iban, row.status = mandate.iban, mandate.status
            session.flush()
            audit.write_changes(session, at=self.clock.now(), who=audit.operator(session),
                                entity="mandate", entity_id=row.id, before=before,
                                after=_readable(row), member_id=member_id)
        return Changes.of(members=[member_id])

    def set_member_iban(self, member_id: int, iban: str) -> Changes:
        """The account the member pays from, matched against statements (empty: the
        mandate's). ValidationError for an IBAN failing its check, nothing written."""
        compact = rules.compact_iban(iban)
        if compact and (problem := rules.iban_problem(compact)) is not None:
            raise ValidationError([Problem("iban", problem)])
        with self.db.write() as session:
            member = _member(session, member_id)
            before = member.iban or ""
            member.iban = compact or None
            audit.write_changes(session, at=self.clock.now(), who=audit.operator(session),
                                entity="member", entity_id=member_id, before={"IBAN": before},
                                after={"IBAN": compact}, member_id=member_id)
        return Changes.of(members=[member_id])

    def creditor(self) -> CreditorSettings:
        with self.db.session() as session:
            return creditor_of(session)

    def save_creditor(self, creditor_id: str, return_fee: int = 0) -> Changes:
        """The site's SEPA creditor identifier (checked, AT-02) and its return fee.
        ValidationError, nothing written, when the identifier fails its check digits."""
        problems = []
        if (problem := rules.creditor_id_problem(creditor_id)) is not None:
            problems.append(Problem("creditor_id", problem))
        if isinstance(return_fee, bool) or not isinstance(return_fee, int) \
                or not 0 <= return_fee <= MAX_AMOUNT:
            problems.append(Problem("return_fee", _("The return fee is an amount from zero.")))
        if problems:
            raise ValidationError(problems)
        with self.db.write() as session:
            row = session.get(m.SettingsRow, 1)
            if row is None:
                row = m.SettingsRow(id=1)
                session.add(row)
            before = creditor_of(session)
            row.creditor_id = rules.compact_creditor_id(creditor_id) or None
            row.return_fee = return_fee or None
            audit.write_changes(
                session, at=self.clock.now(), who=audit.operator(session), entity="settings",
                entity_id=1,
                before={"Creditor id": before.creditor_id, "Return fee": str(before.return_fee)},
                after={"Creditor id": row.creditor_id or "", "Return fee": str(return_fee)})
        return Changes(settings=True)


def _first_per_field(problems: list[Problem]) -> list[Problem]:
    seen, kept = set(), []
    for problem in problems:
        if problem.field not in seen:
            seen.add(problem.field)
            kept.append(problem)
    return kept


def _readable(row: m.MandateRow) -> dict[str, str]:
    return {_LABELS["reference"]: row.reference, _LABELS["signed"]: row.signed.isoformat(),
            _LABELS["debtor"]: row.debtor, _LABELS["iban"]: row.iban,
            _LABELS["status"]: row.status}
