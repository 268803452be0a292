"""What happened, as a frontdesk/2 document carries it (docs/exchange-format.md, rules 19 and 20):
the audit (`history`), the transitions the sweep applied (`applied_transitions`), the plan changes
and the sweep's runs, exported and read back with their places.

The rows keep no database id: what they name is written as the document names it, a member by
e-mail, a contract by its document id, a plan by name, a payment by its position in `payments`.
The audit outlives what it describes (a deleted contract or plan): such a reference is written
as the database number it had, a JSON integer, and the import keeps that number and gives no
imported row of the same kind that id (`Reserved`), so the move changes nothing it refers to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.limits import day_problem
from desktop.domain.model import ACTIVATION, CANCELLATION, RENEWAL
from desktop.ledger.mapping import stored_params
from desktop.services.exchange.values import BAD, Reader, any_bad, shown
from desktop.storage import models as m

TRANSITION_KINDS = (ACTIVATION, RENEWAL, CANCELLATION)
# Integer columns of the references: what a PostgreSQL `integer` holds.
MAX_ID = 2**31 - 1
# The entities whose audit rows name their row by id (`entity_id`): written as a reference.
REFERENCED = ("member", "contract", "plan", "payment")


def moment(value: datetime) -> str:
    """A stored time as the document writes it: ISO 8601 without a zone ("2024-06-10T09:00:00",
    microseconds when there are some)."""
    return value.isoformat()


@dataclass(frozen=True)
class References:
    """Database ids to document references, for export."""

    members: dict[int, str]
    contracts: dict[int, str]
    plans: dict[int, str]
    payments: dict[int, int]

    def of(self, kind: str, row_id: int | None):
        """The reference to a row of `kind`: its document name, its position for a payment, the
        number it had when it is gone (a payment never is), None for none."""
        if row_id is None:
            return None
        if kind == "payment":
            return self.payments.get(row_id)
        return getattr(self, f"{kind}s").get(row_id, row_id)


def export_history(session: Session, refs: References) -> dict:
    """The four sections of what happened, each ordered by database id."""
    h, t, c, s = m.HistoryRow, m.AppliedTransitionRow, m.PlanChangeRow, m.SweepRunRow
    return {
        "history": [
            {"at": moment(r.at), "who": r.who, "entity": r.entity,
             "entity_id": (refs.of(r.entity, r.entity_id) if r.entity in REFERENCED
                           else r.entity_id),
             "member": refs.of("member", r.member_id),
             "contract": refs.of("contract", r.contract_id), "field": r.field,
             "old": r.old_value, "new": r.new_value}
            for r in session.execute(select(h.__table__).order_by(h.id))],
        "applied_transitions": [
            {"contract": refs.of("contract", r.contract_id), "kind": r.kind,
             "date": r.date.isoformat(), "applied_at": moment(r.applied_at),
             "description": r.description or "", "params": stored_params(r.params)}
            for r in session.execute(select(t.__table__).order_by(t.id))],
        "plan_changes": [
            {"contract": refs.of("contract", r.contract_id), "date": r.date.isoformat(),
             "old_plan": r.old_plan, "new_plan": r.new_plan, "old_price": r.old_price,
             "new_price": r.new_price, "quantity": r.quantity, "upgrade": bool(r.upgrade),
             "at": moment(r.at)}
            for r in session.execute(select(c.__table__).order_by(c.id))],
        "sweep_runs": [
            {"ran_at": moment(r.ran_at), "as_of": r.as_of.isoformat(), "applied": r.applied,
             "invoices_issued": r.invoices_issued, "failed": r.failed}
            for r in session.execute(select(s.__table__).order_by(s.id))],
    }


# Reading ------------------------------------------------------------------------------------

@dataclass
class Named:
    """What the rest of the document names, for the references of what happened to resolve to:
    e-mails, contract ids, plan names, the number of payments."""

    emails: set[str]
    contracts: set[str]
    plans: set[str]
    payments: int


@dataclass
class Reserved:
    """The numbers of rows gone from the source database that the document still refers to:
    the import gives no member, contract or plan these ids."""

    member: set[int] = field(default_factory=set)
    contract: set[int] = field(default_factory=set)
    plan: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class History:
    """The four sections read; references still as the document gives them."""

    history: list[dict]
    applied_transitions: list[dict]
    plan_changes: list[dict]
    sweep_runs: list[dict]
    reserved: Reserved


def read_history(reader: Reader, doc: dict, named: Named) -> History:
    reserved = Reserved()
    return History(_audit(reader, doc.get("history"), named, reserved),
                   _transitions(reader, doc.get("applied_transitions"), named),
                   _plan_changes(reader, doc.get("plan_changes"), named, reserved),
                   _sweep_runs(reader, doc.get("sweep_runs")), reserved)


def read_moment(reader: Reader, value, place: str):
    """A time written as export writes it (YYYY-MM-DDTHH:MM:SS, optional fraction, no zone)."""
    parsed = None
    if isinstance(value, str) and len(value) in (19, 26) and value[10:11] == "T":
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is None or parsed.tzinfo is not None:
        return reader.problem(place, f"{shown(value)} is not a time written "
                                     "YYYY-MM-DDTHH:MM:SS.")
    if problem := day_problem(parsed.date()):
        return reader.problem(place, problem)
    return parsed


def read_params(reader: Reader, value, place: str):
    """A wording's raw parameters: an object of texts and whole numbers, or null; stored as the
    application stores them (sorted keys)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        return reader.problem(place, f"{shown(value)} is not an object.")
    for key, item in value.items():
        if reader.text(key, f"{place}.{key}") is BAD:
            return BAD
        if isinstance(item, str):
            if reader.text(item, f"{place}.{key}") is BAD:
                return BAD
        elif reader.integer(item, f"{place}.{key}", minimum=-10**15, maximum=10**15,
                            what="text or a whole number") is BAD:
            return BAD
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _reference(reader: Reader, value, place: str, kind: str, named: Named,
               reserved: Reserved):
    """A reference as the document gives it (a name, a payment's position, a gone row's
    number), checked; None for null. A gone row's number is reserved."""
    if value is None:
        return None
    what = {"member": "the e-mail of a member", "contract": "the id of a contract",
            "plan": "the name of a plan", "payment": "the position of a payment"}[kind]
    if kind == "payment":
        if not named.payments:
            return reader.problem(place, f"{shown(value)} is not {what}: the document has no "
                                         "payments.")
        return reader.integer(value, place, minimum=0, maximum=named.payments - 1, what=what)
    if isinstance(value, str):
        names = {"member": named.emails, "contract": named.contracts, "plan": named.plans}[kind]
        return value if value in names else reader.problem(place,
                                                           f"{shown(value)} is not {what}.")
    number = reader.integer(value, place, minimum=1, maximum=MAX_ID,
                            what=f"{what}, or the number of one since deleted")
    if number is BAD:
        return BAD
    if kind == "contract" and str(number) in named.contracts:
        return reader.problem(place, f"{number} is the number of a contract of the document; "
                                     f'name it "{number}".')
    getattr(reserved, kind).add(number)
    return number


def _audit(reader: Reader, value, named: Named, reserved: Reserved) -> list[dict]:
    rows = []
    for i, item in enumerate(reader.items(value, "history")):
        place = f"history[{i}]"
        rec = reader.record(item, place, ("at", "who", "entity", "field"),
                            {"entity_id": None, "member": None, "contract": None, "old": None,
                             "new": None})
        if rec is None:
            continue
        entity = reader.text(rec["entity"], f"{place}.entity", required=True)
        kind = entity if entity in REFERENCED else None
        if kind is not None:
            entity_id = _reference(reader, rec["entity_id"], f"{place}.entity_id", kind, named,
                                   reserved)
        else:
            entity_id = reader.integer(rec["entity_id"], f"{place}.entity_id", nullable=True,
                                       minimum=1, maximum=MAX_ID)
        values = dict(
            at=read_moment(reader, rec["at"], f"{place}.at"),
            who=reader.text(rec["who"], f"{place}.who"), entity=entity, entity_id=entity_id,
            member=_reference(reader, rec["member"], f"{place}.member", "member", named,
                              reserved),
            contract=_reference(reader, rec["contract"], f"{place}.contract", "contract", named,
                                reserved),
            field=reader.text(rec["field"], f"{place}.field"),
            old_value=reader.text(rec["old"], f"{place}.old", nullable=True, recorded=True),
            new_value=reader.text(rec["new"], f"{place}.new", nullable=True, recorded=True))
        values["entity_kind"] = kind
        if not any_bad(*values.values()):
            rows.append(values)
    return rows


def _transitions(reader: Reader, value, named: Named) -> list[dict]:
    rows: list[dict] = []
    seen: dict[tuple, int] = {}  # (contract, kind, date) -> where it was first read
    for i, item in enumerate(reader.items(value, "applied_transitions")):
        place = f"applied_transitions[{i}]"
        rec = reader.record(item, place, ("contract", "kind", "date", "applied_at"),
                            {"description": "", "params": None})
        if rec is None:
            continue
        contract = rec["contract"]
        if not (isinstance(contract, str) and contract in named.contracts):
            contract = reader.problem(f"{place}.contract",
                                      f"{shown(contract)} is not the id of a contract.")
        kind = rec["kind"]
        if kind not in TRANSITION_KINDS:
            kind = reader.problem(f"{place}.kind", f"{shown(kind)} is not one of "
                                                   f"{', '.join(TRANSITION_KINDS)}.")
        values = dict(contract=contract, kind=kind,
                      date=reader.day(rec["date"], f"{place}.date"),
                      applied_at=read_moment(reader, rec["applied_at"], f"{place}.applied_at"),
                      description=reader.text(rec["description"], f"{place}.description"),
                      params=read_params(reader, rec["params"], f"{place}.params"))
        if any_bad(*values.values()):
            continue
        key = (contract, values["kind"], values["date"])
        if key in seen:  # rule 19: a transition is applied once
            reader.problem(place, f"repeats applied_transitions[{seen[key]}]: the same "
                                  "transition of the same contract on the same date.")
            continue
        seen[key] = i
        rows.append(values)
    return rows


def _plan_changes(reader: Reader, value, named: Named, reserved: Reserved) -> list[dict]:
    rows = []
    for i, item in enumerate(reader.items(value, "plan_changes")):
        place = f"plan_changes[{i}]"
        rec = reader.record(item, place, ("date", "old_plan", "new_plan", "old_price",
                                          "new_price", "quantity", "upgrade", "at"),
                            {"contract": None})
        if rec is None:
            continue
        values = dict(
            contract=_reference(reader, rec["contract"], f"{place}.contract", "contract", named,
                                reserved),
            date=reader.day(rec["date"], f"{place}.date"),
            old_plan=reader.text(rec["old_plan"], f"{place}.old_plan"),
            new_plan=reader.text(rec["new_plan"], f"{place}.new_plan"),
            old_price=reader.money(rec["old_price"], f"{place}.old_price"),
            new_price=reader.money(rec["new_price"], f"{place}.new_price"),
            quantity=reader.quantity(rec["quantity"], f"{place}.quantity"),
            upgrade=reader.flag(rec["upgrade"], f"{place}.upgrade"),
            at=read_moment(reader, rec["at"], f"{place}.at"))
        if not any_bad(*values.values()):
            rows.append(values)
    return rows


def _sweep_runs(reader: Reader, value) -> list[dict]:
    rows = []
    for i, item in enumerate(reader.items(value, "sweep_runs")):
        place = f"sweep_runs[{i}]"
        rec = reader.record(item, place, ("ran_at", "as_of"),
                            {"applied": 0, "invoices_issued": 0, "failed": 0})
        if rec is None:
            continue
        values = dict(ran_at=read_moment(reader, rec["ran_at"], f"{place}.ran_at"),
                      as_of=reader.day(rec["as_of"], f"{place}.as_of"),
                      **{key: reader.integer(rec[key], f"{place}.{key}", minimum=0,
                                             maximum=MAX_ID)
                         for key in ("applied", "invoices_issued", "failed")})
        if not any_bad(*values.values()):
            rows.append(values)
    return rows
