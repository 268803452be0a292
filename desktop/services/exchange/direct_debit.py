"""What rule 30 adds to the frontdesk/2 document (docs/exchange-format.md): `settings.creditor_id`
and `settings.return_fee`; `members[].iban` and `members[].mandate` (`{"reference", "signed",
"debtor", "iban", "status"}` or null); `documents[].collection` (`{"submitted", "on",
"mandate"}` once the document went into a direct-debit file, else null). Export writes them,
the reader checks them with their place, as the window's checks would."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.direct_debit import mandates as rules
from desktop.domain.direct_debit.mandates import Mandate
from desktop.services.exchange.values import BAD, Reader, any_bad
from desktop.storage import models as m

SETTINGS_ADDED = {"creditor_id": "", "return_fee": 0}
MEMBER_ADDED = {"iban": "", "mandate": None}
DOCUMENT_ADDED = {"collection": None}


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def exported_settings(row: m.SettingsRow | None) -> dict:
    return {"creditor_id": (row.creditor_id if row is not None else None) or "",
            "return_fee": (row.return_fee if row is not None else None) or 0}


def exported_members(session: Session) -> dict[int, dict]:
    """Each member's `iban` and `mandate`, by member id."""
    mandates = {row.member_id: {"reference": row.reference, "signed": _iso(row.signed),
                                "debtor": row.debtor, "iban": row.iban, "status": row.status}
                for row in session.scalars(select(m.MandateRow).order_by(m.MandateRow.id))}
    return {mid: {"iban": iban or "", "mandate": mandates.get(mid)}
            for mid, iban in session.execute(select(m.MemberRow.id, m.MemberRow.iban))}


def exported_collection(row) -> dict | None:
    if row.collection_submitted is None:
        return None
    return {"submitted": _iso(row.collection_submitted), "on": _iso(row.collection_date),
            "mandate": row.collection_mandate or ""}


def read_settings(reader: Reader, rec: dict) -> dict:
    creditor = reader.text(rec["creditor_id"], "settings.creditor_id")
    if isinstance(creditor, str) and (problem := rules.creditor_id_problem(creditor)):
        creditor = reader.problem("settings.creditor_id", str(problem))
    fee = reader.money(rec["return_fee"], "settings.return_fee", minimum=0)
    return {"creditor_id": rules.compact_creditor_id(creditor) or None
            if isinstance(creditor, str) else creditor,
            "return_fee": fee or None if isinstance(fee, int) else fee}


def read_member(reader: Reader, rec: dict, place: str, taken: dict[str, str],
                today: date) -> dict:
    """The member's `iban` (compact) and `mandate` (a dict of the mandates table's columns, or
    None); `taken`: mandate references already given -> their place."""
    iban = reader.text(rec["iban"], f"{place}.iban")
    if isinstance(iban, str) and iban and (problem := rules.iban_problem(iban)):
        iban = reader.problem(f"{place}.iban", str(problem))
    value = rec["mandate"]
    mandate = None
    if value is not None:
        mandate = _mandate(reader, value, f"{place}.mandate", taken, today)
    return {"iban": rules.compact_iban(iban) or None if isinstance(iban, str) else iban,
            "mandate": mandate}


def _mandate(reader: Reader, value, place: str, taken: dict[str, str], today: date):
    rec = reader.record(value, place, ("reference", "signed", "debtor", "iban"),
                        {"status": rules.ACTIVE})
    if rec is None:
        return BAD
    values = dict(reference=reader.text(rec["reference"], f"{place}.reference", required=True),
                  signed=reader.day(rec["signed"], f"{place}.signed"),
                  debtor=reader.text(rec["debtor"], f"{place}.debtor", required=True),
                  iban=reader.text(rec["iban"], f"{place}.iban", required=True),
                  status=rec["status"])
    if any_bad(*values.values()):
        return BAD
    values["iban"] = rules.compact_iban(values["iban"])
    reference = values["reference"]
    problems = rules.mandate_problems(Mandate(**values), today, taken=reference in taken)
    for problem in problems:
        text = str(problem.message)
        if problem.field == "reference" and reference in taken:
            text = f"{text.rstrip('.')} ({taken[reference]})."
        reader.problem(f"{place}.{problem.field}", text)
    if problems:
        return BAD
    taken[reference] = place
    return values


def read_collection(reader: Reader, value, place: str) -> dict:
    """A document's collection mark as the documents table's columns."""
    none = {"collection_submitted": None, "collection_date": None, "collection_mandate": None}
    if value is None:
        return none
    rec = reader.record(value, f"{place}.collection", ("submitted", "mandate"), {"on": None})
    if rec is None:
        return {key: BAD for key in none}
    submitted = reader.day(rec["submitted"], f"{place}.collection.submitted")
    return {"collection_submitted": submitted,
            "collection_date": reader.day(rec["on"], f"{place}.collection.on", nullable=True)
            or submitted,
            "collection_mandate": reader.text(rec["mandate"], f"{place}.collection.mandate",
                                              required=True)}


def mandate_rows(members: list[dict], member_ids: dict[str, int]) -> list[dict]:
    """The mandates table's rows of the members read (each member dict keeps its `mandate`)."""
    return [dict(row["mandate"], member_id=member_ids[row["email"]])
            for row in members if row.get("mandate")]
