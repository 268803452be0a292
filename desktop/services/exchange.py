"""The frontdesk/1 document (DESIGN.md §4): export the whole database, import into an empty one.

Import is all or nothing: the document is read completely first, every problem collected with
its place (`contracts[3].cancellation_date: "2024-02-30" is not a date.`), and only a document
without problems is written, in one transaction. Export orders everything by database id and
an import keeps document order (and numeric contract ids), so export, import, export gives
back the same document.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from desktop.domain.contracts import next_event_date
from desktop.domain.model import (
    ACTIVE,
    CANCELLED,
    INACTIVE,
    LINE_KINDS,
    Contract,
    ContractAddon,
    Plan,
)
from desktop.domain.money import parse_rate
from desktop.domain.periods import parse_frequency
from desktop.domain.validation import validate_contract
from desktop.services.ledger import SYSTEM, load_plans
from desktop.storage import models as m

FORMAT = "frontdesk/1"
_SECTIONS = ("format", "settings", "plans", "members", "contracts", "invoices")
_BAD = object()  # a value that was reported as a problem


class ImportProblems(Exception):
    """Every problem of a document, each with its place; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(self.problems[0] if self.problems else "The document cannot be imported.")

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return self.problems[0]
        return f"The document has {len(self.problems)} problems; the first: {self.problems[0]}"


@dataclass(frozen=True)
class ImportSummary:
    plans: int
    members: int
    contracts: int
    invoices: int


# Export ---------------------------------------------------------------------------------------

def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _status(row) -> str:
    """The stored state's status: ended, not yet activated, or running (rules 4, 5; §2)."""
    if row.next_invoice_date is None:
        return CANCELLED
    return INACTIVE if row.next_invoice_date == row.start_date else ACTIVE


def export_document(session: Session) -> dict:
    """The whole database as a frontdesk/1 document (plain JSON values), ordered by id."""
    plans = load_plans(session)
    names = {pid: plan.name for pid, plan in plans.items()}
    settings = session.get(m.SettingsRow, 1)
    members = session.execute(select(m.MemberRow.__table__).order_by(m.MemberRow.id)).all()
    emails = {row.id: row.email for row in members}
    contracts = session.execute(select(m.ContractRow.__table__).order_by(m.ContractRow.id)).all()
    addons: dict[int, list[dict]] = {}
    for row in session.execute(select(m.ContractAddonRow.__table__).order_by(
            m.ContractAddonRow.contract_id, m.ContractAddonRow.start_date, m.ContractAddonRow.id)):
        addons.setdefault(row.contract_id, []).append(
            {"name": names[row.addon_id], "quantity": row.quantity,
             "start_date": _iso(row.start_date)})
    lines: dict[int, list[dict]] = {}
    for row in session.execute(select(m.InvoiceLineRow.__table__).order_by(
            m.InvoiceLineRow.invoice_id, m.InvoiceLineRow.position, m.InvoiceLineRow.id)):
        lines.setdefault(row.invoice_id, []).append(
            {"kind": row.kind, "description": row.description,
             "contract": None if row.contract_id is None else str(row.contract_id),
             "period_start": _iso(row.period_start), "period_end": _iso(row.period_end),
             "amount": row.amount})
    invoices = session.execute(select(m.InvoiceRow.__table__).order_by(m.InvoiceRow.id)).all()
    return {
        "format": FORMAT,
        "settings": {
            "currency": settings.currency if settings else "EUR",
            "locale": settings.locale if settings else "en_IE",
            "tax_rate": settings.tax_rate if settings else "0",
            "billing_day": settings.billing_day if settings else None,
        },
        "plans": [
            {"name": p.name, "kind": p.kind, "price": p.price,
             "frequency": None if p.frequency is None else str(p.frequency),
             "deposit": p.deposit, "group": p.group, "archived": p.archived,
             "allowances": dict(sorted(p.allowances.items())), "addons": list(p.addons)}
            for _, p in sorted(plans.items())
        ],
        "members": [
            {"email": r.email, "name": r.name, "company": r.company or "", "phone": r.phone or "",
             "notes": r.notes or "", "credit_balance": r.credit_balance,
             "deposit_held": r.deposit_held}
            for r in members
        ],
        "contracts": [
            {"id": str(r.id), "member": emails[r.member_id], "plan": names[r.plan_id],
             "next_plan": None if r.next_plan_id is None else names[r.next_plan_id],
             "custom_price": r.custom_price, "quantity": r.quantity,
             "start_date": _iso(r.start_date), "billing_anchor": _iso(r.billing_anchor),
             "next_invoice_date": _iso(r.next_invoice_date),
             "cancellation_date": _iso(r.cancellation_date),
             "prorate_last_invoice": bool(r.prorate_last_invoice),
             "prorate_first_invoice": bool(r.prorate_first_invoice),
             "predecessor": None if r.predecessor_id is None else str(r.predecessor_id),
             "status": _status(r), "addons": addons.get(r.id, [])}
            for r in contracts
        ],
        "invoices": [
            {"number": r.number, "member": emails[r.member_id], "issue_date": _iso(r.issue_date),
             "subtotal": r.subtotal, "tax": r.tax, "total": r.total,
             "credit_applied": r.credit_applied, "amount_due": r.amount_due,
             "lines": lines.get(r.id, [])}
            for r in invoices
        ],
    }


# Reading a document ---------------------------------------------------------------------------

def _shown(value) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


class _Reader:
    """Reads values out of the document, collecting every problem with its place."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, place: str, message: str) -> object:
        self.problems.append(f"{place}: {message}" if place else message)
        return _BAD

    def record(self, value, place: str, required: tuple[str, ...], optional: dict) -> dict | None:
        """An object with its required keys and the optional ones (defaults filled in)."""
        if not isinstance(value, dict):
            self.problem(place, f"{_shown(value)} is not an object.")
            return None
        known = set(required) | set(optional)
        for key in value:
            if key not in known:
                self.problem(f"{place}.{key}", "is not a field of this format.")
        for key in required:
            if key not in value:
                self.problem(f"{place}.{key}", "is missing.")
        if any(key not in value for key in required):
            return None
        return {**optional, **value}

    def items(self, value, place: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(place, f"{_shown(value)} is not a list.")
            return []
        return value

    def text(self, value, place: str, *, required: bool = False, nullable: bool = False):
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            return self.problem(place, f"{_shown(value)} is not text.")
        if required and not value.strip():
            return self.problem(place, "cannot be empty.")
        return value

    def integer(self, value, place: str, *, minimum: int | None = None, nullable: bool = False,
                what: str = "a whole number"):
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            return self.problem(place, f"{_shown(value)} is not {what}.")
        if minimum is not None and value < minimum:
            return self.problem(place, f"{value} is below {minimum}.")
        return value

    def money(self, value, place: str, *, minimum: int | None = None, nullable: bool = False):
        return self.integer(value, place, minimum=minimum, nullable=nullable,
                            what="a whole number of minor units")

    def flag(self, value, place: str):
        if not isinstance(value, bool):
            return self.problem(place, f"{_shown(value)} is not true or false.")
        return value

    def day(self, value, place: str, *, nullable: bool = False):
        if value is None and nullable:
            return None
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            return self.problem(place, f"{_shown(value)} is not a date.")

    def frequency(self, value, place: str, *, nullable: bool):
        if value is None and nullable:
            return None
        try:
            return parse_frequency(value if isinstance(value, str) else "")
        except ValueError:
            return self.problem(place, f'{_shown(value)} is not a billing frequency such as '
                                       f'"1 month" or "2 weeks".')


def _bad(*values) -> bool:
    return any(v is _BAD for v in values)


def _settings(reader: _Reader, value) -> dict:
    rec = reader.record({} if value is None else value, "settings", (),
                        {"currency": "EUR", "locale": "en_IE", "tax_rate": "0",
                         "billing_day": None})
    if rec is None:
        return {}
    from desktop.i18n.formatting import Formatter
    from desktop.i18n.translations import parse_locale

    currency = reader.text(rec["currency"], "settings.currency", required=True)
    if currency is not _BAD:
        try:
            Formatter("en_IE", currency)
        except ValueError as exc:
            reader.problem("settings.currency", str(exc))
    locale = reader.text(rec["locale"], "settings.locale", required=True)
    if locale is not _BAD:
        try:
            parse_locale(locale)
        except ValueError as exc:
            reader.problem("settings.locale", str(exc))
    rate = reader.text(rec["tax_rate"], "settings.tax_rate", required=True)
    if rate is not _BAD:
        try:
            parse_rate(rate)
        except ValueError as exc:
            reader.problem("settings.tax_rate", str(exc))
    day = reader.integer(rec["billing_day"], "settings.billing_day", nullable=True, minimum=1)
    if isinstance(day, int) and day > 31:
        reader.problem("settings.billing_day", f"{day} is not a day of the month (1 to 31).")
    return {"currency": currency, "locale": locale, "tax_rate": rate, "billing_day": day}


def _plans(reader: _Reader, value) -> tuple[list[Plan], set[str]]:
    """The plans read without problems (document order) and every name the document gives."""
    read: list[tuple[str, Plan, list]] = []
    named: set[str] = set()
    for i, item in enumerate(reader.items(value, "plans")):
        place = f"plans[{i}]"
        rec = reader.record(item, place, ("name", "price"),
                            {"kind": "plan", "frequency": "1 month", "deposit": 0, "group": None,
                             "archived": False, "allowances": {}, "addons": []})
        if rec is None:
            continue
        name = reader.text(rec["name"], f"{place}.name", required=True)
        if isinstance(name, str):
            if name in named:
                name = reader.problem(f"{place}.name", f"{_shown(name)} is used by another plan.")
            else:
                named.add(name)
        kind = rec["kind"]
        if kind not in ("plan", "addon"):
            kind = reader.problem(f"{place}.kind", f'{_shown(kind)} is not "plan" or "addon".')
        price = reader.money(rec["price"], f"{place}.price", minimum=0)
        frequency = reader.frequency(rec["frequency"], f"{place}.frequency",
                                     nullable=kind == "addon")
        deposit = reader.money(rec["deposit"], f"{place}.deposit", minimum=0)
        group = reader.text(rec["group"], f"{place}.group", nullable=True)
        archived = reader.flag(rec["archived"], f"{place}.archived")
        allowances = rec["allowances"]
        if not isinstance(allowances, dict):
            allowances = reader.problem(f"{place}.allowances",
                                        f"{_shown(allowances)} is not an object.")
        else:
            for key, amount in allowances.items():
                if reader.integer(amount, f"{place}.allowances.{key}", minimum=0) is _BAD:
                    allowances = _BAD
        addons = reader.items(rec["addons"], f"{place}.addons")
        if not _bad(name, kind, price, frequency, deposit, group, archived, allowances):
            read.append((place, Plan(name=name, price=price, frequency=frequency, deposit=deposit,
                                     group=group, archived=archived, kind=kind,
                                     allowances=dict(sorted(allowances.items()))), addons))
    kinds = {plan.name: plan.kind for _, plan, _ in read}
    plans = []
    for place, plan, addons in read:
        offered = []
        for j, name in enumerate(addons):
            if isinstance(name, str) and kinds.get(name) == "addon":
                offered.append(name)
            elif isinstance(name, str) and name in kinds:
                reader.problem(f"{place}.addons[{j}]", f"{_shown(name)} is a plan, not an add-on.")
            elif not (isinstance(name, str) and name in named):  # a broken plan is reported once
                reader.problem(f"{place}.addons[{j}]", f"{_shown(name)} is not an add-on in plans.")
        plans.append(Plan(**{**plan.__dict__, "addons": tuple(sorted(set(offered)))}))
    return plans, named


def _members(reader: _Reader, value) -> tuple[list[dict], set[str]]:
    """Member rows read without problems (document order) and every email the document gives."""
    rows, named, lowered = [], set(), set()
    for i, item in enumerate(reader.items(value, "members")):
        place = f"members[{i}]"
        rec = reader.record(item, place, ("email", "name"),
                            {"company": "", "phone": "", "notes": "", "credit_balance": 0,
                             "deposit_held": 0})
        if rec is None:
            continue
        email = reader.text(rec["email"], f"{place}.email", required=True)
        if isinstance(email, str):
            if "@" not in email:
                email = reader.problem(f"{place}.email",
                                       f"{_shown(email)} is not an email address.")
            elif email.lower() in lowered:
                email = reader.problem(f"{place}.email",
                                       f"{_shown(email)} is used by another member.")
            else:
                named.add(email)
                lowered.add(email.lower())
        values = dict(
            email=email, name=reader.text(rec["name"], f"{place}.name", required=True),
            company=reader.text(rec["company"], f"{place}.company"),
            phone=reader.text(rec["phone"], f"{place}.phone"),
            notes=reader.text(rec["notes"], f"{place}.notes"),
            credit_balance=reader.money(rec["credit_balance"], f"{place}.credit_balance"),
            deposit_held=reader.money(rec["deposit_held"], f"{place}.deposit_held", minimum=0))
        if not _bad(*values.values()):
            rows.append(values)
    return rows, named


_SAME = object()  # next_plan left out: the contract renews on its own plan


def _contract_addons(reader: _Reader, value, place: str, plans: dict[str, Plan],
                     named: set[str]) -> tuple[ContractAddon, ...] | object:
    items, bad = [], False
    for j, item in enumerate(reader.items(value, f"{place}.addons")):
        where = f"{place}.addons[{j}]"
        rec = reader.record(item, where, ("name",), {"quantity": 1, "start_date": None})
        if rec is None:
            bad = True
            continue
        addon = plans.get(rec["name"]) if isinstance(rec["name"], str) else None
        if addon is None or addon.kind != "addon":
            if not (isinstance(rec["name"], str) and rec["name"] in named and addon is None):
                reader.problem(f"{where}.name", f"{_shown(rec['name'])} is not an add-on in plans.")
            bad = True
        quantity = reader.integer(rec["quantity"], f"{where}.quantity", minimum=1)
        start = reader.day(rec["start_date"], f"{where}.start_date", nullable=True)
        if _bad(quantity, start) or addon is None or addon.kind != "addon":
            bad = True
            continue
        items.append(ContractAddon(addon, quantity, start))
    return _BAD if bad else tuple(items)


def _contracts(reader: _Reader, value, plans: dict[str, Plan], plan_names: set[str],
               emails: set[str], member_names: set[str], today: date) -> list[Contract]:
    """Contracts read and checked with validate_contract; member = email, ids = document ids."""
    contracts, ids, links = [], set(), []
    catalog = list(plans.values())
    for i, item in enumerate(reader.items(value, "contracts")):
        place = f"contracts[{i}]"
        rec = reader.record(item, place, ("id", "member", "plan", "start_date"),
                            {"next_plan": _SAME, "custom_price": None, "quantity": 1,
                             "billing_anchor": None, "next_invoice_date": _SAME,
                             "cancellation_date": None, "prorate_last_invoice": True,
                             "prorate_first_invoice": True, "predecessor": None, "status": None,
                             "addons": []})
        if rec is None:
            continue
        cid = reader.text(rec["id"], f"{place}.id", required=True)
        if isinstance(cid, str):
            if cid in ids:
                cid = reader.problem(f"{place}.id", f"{_shown(cid)} is used by another contract.")
            else:
                ids.add(cid)
        member = rec["member"]
        if not (isinstance(member, str) and member in emails):
            if not (isinstance(member, str) and member in member_names):
                reader.problem(f"{place}.member", f"{_shown(member)} is not the email of a member.")
            member = _BAD
        plan, next_plan = (_plan_ref(reader, rec[key], f"{place}.{key}", plans, plan_names)
                           for key in ("plan", "next_plan"))
        if rec["next_plan"] is _SAME:
            next_plan = plan
        start = reader.day(rec["start_date"], f"{place}.start_date")
        anchor = (start if rec["billing_anchor"] is None
                  else reader.day(rec["billing_anchor"], f"{place}.billing_anchor"))
        upcoming = (start if rec["next_invoice_date"] is _SAME
                    else reader.day(rec["next_invoice_date"], f"{place}.next_invoice_date",
                                    nullable=True))
        values = dict(
            member=member, plan=plan, next_plan=next_plan, start_date=start, billing_anchor=anchor,
            next_invoice_date=upcoming,
            cancellation_date=reader.day(rec["cancellation_date"], f"{place}.cancellation_date",
                                         nullable=True),
            custom_price=reader.money(rec["custom_price"], f"{place}.custom_price", nullable=True),
            quantity=reader.integer(rec["quantity"], f"{place}.quantity"),
            prorate_last_invoice=reader.flag(rec["prorate_last_invoice"],
                                             f"{place}.prorate_last_invoice"),
            prorate_first_invoice=reader.flag(rec["prorate_first_invoice"],
                                              f"{place}.prorate_first_invoice"),
            predecessor=reader.text(rec["predecessor"], f"{place}.predecessor", nullable=True),
            addons=_contract_addons(reader, rec["addons"], place, plans, plan_names), id=cid)
        if values["plan"] is None:
            values["plan"] = reader.problem(f"{place}.plan", "cannot be empty.")
        # A bad id or member does not stop the contract's rules from being checked.
        checked = dict(values, member=values["member"] if isinstance(member, str) else "",
                       id=cid if isinstance(cid, str) else place)
        if _bad(*checked.values()):
            continue
        draft = Contract(**checked)
        # Passed as its own original: an imported contract is kept as it was, so selling an
        # archived plan (checked for new contracts) is not a problem here.
        running = draft.next_invoice_date != draft.start_date
        for problem in validate_contract(draft, draft, catalog, today):
            # Rule 7 moves the anchor of a running contract to the day it switched to a plan
            # of another frequency: after its start date, and valid.
            if not (running and problem.field == "billing_anchor"):
                reader.problem(f"{place}.{problem.field}", problem.message)
        links.append((place, draft))
        if not _bad(*values.values()):
            contracts.append(draft)
    for place, draft in links:
        if draft.predecessor is not None and (draft.predecessor not in ids
                                              or draft.predecessor == draft.id):
            reader.problem(f"{place}.predecessor",
                           f"{_shown(draft.predecessor)} is not the id of another contract.")
    return contracts


def _plan_ref(reader: _Reader, name, place: str, plans: dict[str, Plan], named: set[str]):
    if name is None or name is _SAME:
        return None
    if isinstance(name, str) and name in plans:
        return plans[name]
    if not (isinstance(name, str) and name in named):  # a broken plan is reported once
        reader.problem(place, f"{_shown(name)} is not a plan in plans.")
    return _BAD


def _invoices(reader: _Reader, value, emails: set[str], member_names: set[str],
              contract_ids: set[str]) -> list[tuple[dict, list[dict]]]:
    invoices, numbers = [], set()
    for i, item in enumerate(reader.items(value, "invoices")):
        place = f"invoices[{i}]"
        rec = reader.record(item, place, ("number", "member", "issue_date", "subtotal", "tax",
                                          "total", "amount_due"),
                            {"credit_applied": 0, "lines": []})
        if rec is None:
            continue
        number = reader.text(rec["number"], f"{place}.number", required=True)
        if isinstance(number, str):
            if number in numbers:
                number = reader.problem(f"{place}.number", f"{_shown(number)} is used by another "
                                                           "invoice.")
            numbers.add(number)
        member = rec["member"]
        if not (isinstance(member, str) and member in emails):
            if not (isinstance(member, str) and member in member_names):
                reader.problem(f"{place}.member", f"{_shown(member)} is not the email of a member.")
            member = _BAD
        values = dict(number=number, member=member,
                      issue_date=reader.day(rec["issue_date"], f"{place}.issue_date"),
                      **{key: reader.money(rec[key], f"{place}.{key}")
                         for key in ("subtotal", "tax", "total", "credit_applied", "amount_due")})
        lines = [_line(reader, line, f"{place}.lines[{j}]", contract_ids)
                 for j, line in enumerate(reader.items(rec["lines"], f"{place}.lines"))]
        amounts = [None if line is None else line["amount"] for line in lines]
        if not _bad(values["subtotal"], *amounts) and None not in amounts \
                and values["subtotal"] != sum(amounts):
            reader.problem(f"{place}.subtotal", f"{values['subtotal']} is not the sum of its "
                                                f"lines ({sum(amounts)}).")
        if not _bad(values["subtotal"], values["tax"], values["total"]) \
                and values["total"] != values["subtotal"] + values["tax"]:
            reader.problem(f"{place}.total", f"{values['total']} is not the subtotal plus tax "
                                             f"({values['subtotal'] + values['tax']}).")
        if not _bad(*values.values()) and not any(line is None or _bad(*line.values())
                                                  for line in lines):
            invoices.append((values, lines))
    return invoices


def _line(reader: _Reader, item, place: str, contract_ids: set[str]) -> dict | None:
    rec = reader.record(item, place, ("kind", "amount"),
                        {"description": "", "contract": None, "period_start": None,
                         "period_end": None})
    if rec is None:
        return None
    kind = rec["kind"]
    if kind not in LINE_KINDS:
        kind = reader.problem(f"{place}.kind", f"{_shown(kind)} is not one of "
                                               f"{', '.join(LINE_KINDS)}.")
    contract = rec["contract"]
    if contract is not None and not (isinstance(contract, str) and contract in contract_ids):
        contract = reader.problem(f"{place}.contract", f"{_shown(contract)} is not the id of a "
                                                       "contract.")
    values = dict(kind=kind, contract=contract,
                  description=reader.text(rec["description"], f"{place}.description"),
                  period_start=reader.day(rec["period_start"], f"{place}.period_start",
                                          nullable=True),
                  period_end=reader.day(rec["period_end"], f"{place}.period_end", nullable=True),
                  amount=reader.money(rec["amount"], f"{place}.amount"))
    start, end = values["period_start"], values["period_end"]
    if isinstance(start, date) and isinstance(end, date) and end < start:
        values["period_end"] = reader.problem(f"{place}.period_end", "is before the period start.")
    return values


# Import ---------------------------------------------------------------------------------------

def is_empty(session: Session) -> bool:
    """No plans, members, contracts or invoices (settings alone do not count)."""
    return all(session.execute(select(model.id).limit(1)).first() is None
               for model in (m.PlanRow, m.MemberRow, m.ContractRow, m.InvoiceRow))


@dataclass(frozen=True)
class _Document:
    settings: dict
    plans: list[Plan]
    members: list[dict]
    contracts: list[Contract]
    invoices: list[tuple[dict, list[dict]]]


def read_document(doc, today: date) -> _Document:
    """Read and check a whole document; ImportProblems lists every problem with its place."""
    reader = _Reader()
    if not isinstance(doc, dict):
        raise ImportProblems([f"The document is {_shown(doc)[:40]}, not a {FORMAT} object."])
    if doc.get("format") != FORMAT:
        reader.problem("format", f"{_shown(doc.get('format'))} is not {_shown(FORMAT)}.")
    for key in doc:
        if key not in _SECTIONS:
            reader.problem(key, "is not a section of this format.")
    settings = _settings(reader, doc.get("settings"))
    plans, plan_names = _plans(reader, doc.get("plans"))
    by_name = {plan.name: plan for plan in plans}
    members, member_names = _members(reader, doc.get("members"))
    emails = {row["email"] for row in members}
    contracts = _contracts(reader, doc.get("contracts"), by_name, plan_names, emails,
                           member_names, today)
    ids = {item.get("id") for item in doc.get("contracts") or [] if isinstance(item, dict)}
    invoices = _invoices(reader, doc.get("invoices"), emails, member_names,
                         {i for i in ids if isinstance(i, str)})
    if reader.problems:
        raise ImportProblems(reader.problems)
    return _Document(settings, plans, members, contracts, invoices)


def _database_ids(contracts: list[Contract]) -> dict[str, int]:
    """Document ids to database ids: a canonical number keeps its value, others follow on."""
    ids: dict[str, int] = {}
    for contract in contracts:
        text = contract.id
        if text.isascii() and text.isdigit() and str(int(text)) == text and int(text) > 0:
            ids[text] = int(text)
    following = max(ids.values(), default=0)
    for contract in contracts:
        if contract.id not in ids:
            following += 1
            ids[contract.id] = following
    return ids


def import_document(db, doc: dict, now: datetime) -> ImportSummary:
    """Load a frontdesk/1 document into an empty database, all or nothing (ImportProblems)."""
    with db.session() as session:
        if not is_empty(session):
            raise ImportProblems(["The database is not empty; import into a new database."])
    read = read_document(doc, now.date())
    with db.write() as session:
        if not is_empty(session):
            raise ImportProblems(["The database is not empty; import into a new database."])
        _write(session, read, now)
    return ImportSummary(len(read.plans), len(read.members), len(read.contracts),
                         len(read.invoices))


def _write(session: Session, read: _Document, now: datetime) -> None:
    connection = session.connection()
    settings = {k: v for k, v in read.settings.items() if v is not _BAD}
    if session.get(m.SettingsRow, 1) is None:
        session.add(m.SettingsRow(id=1, **settings))
    else:
        connection.execute(update(m.SettingsRow.__table__).where(m.SettingsRow.id == 1)
                           .values(**settings))
    plan_ids = {plan.name: index for index, plan in enumerate(read.plans, start=1)}
    _insert(connection, m.PlanRow, [
        dict(id=plan_ids[p.name], name=p.name, kind=p.kind, price=p.price,
             frequency=None if p.frequency is None else str(p.frequency), deposit=p.deposit,
             group_name=p.group, archived=p.archived) for p in read.plans])
    _insert(connection, m.PlanAllowanceRow, [
        dict(plan_id=plan_ids[p.name], name=name, quantity=quantity)
        for p in read.plans for name, quantity in p.allowances.items()])
    offered = [dict(plan_id=plan_ids[p.name], addon_id=plan_ids[name])
               for p in read.plans for name in p.addons]
    if offered:
        connection.execute(insert(m.plan_addons), offered)
    member_ids = {row["email"]: index for index, row in enumerate(read.members, start=1)}
    _insert(connection, m.MemberRow, [dict(id=member_ids[row["email"]], archived=False, **row)
                                      for row in read.members])
    ids = _database_ids(read.contracts)
    rows, addons, links = [], [], []
    for c in read.contracts:
        cid = ids[c.id]
        rows.append(dict(id=cid, member_id=member_ids[c.member], plan_id=plan_ids[c.plan.name],
                         next_plan_id=None if c.next_plan is None else plan_ids[c.next_plan.name],
                         custom_price=c.custom_price, quantity=c.quantity, start_date=c.start_date,
                         billing_anchor=c.billing_anchor, next_invoice_date=c.next_invoice_date,
                         cancellation_date=c.cancellation_date,
                         prorate_last_invoice=c.prorate_last_invoice,
                         prorate_first_invoice=c.prorate_first_invoice, predecessor_id=None,
                         notes="", next_event_date=next_event_date(c), version=1))
        addons += [dict(contract_id=cid, addon_id=plan_ids[a.addon.name], quantity=a.quantity,
                        start_date=a.start_date) for a in c.addons]
        if c.predecessor is not None:
            links.append(dict(_id=cid, _predecessor=ids[c.predecessor]))
    _insert(connection, m.ContractRow, rows)
    if links:  # after every contract exists, so a predecessor may come later in the document
        table = m.ContractRow.__table__
        connection.execute(update(table).where(table.c.id == bindparam("_id"))
                           .values(predecessor_id=bindparam("_predecessor")), links)
    _insert(connection, m.ContractAddonRow, addons)
    invoices, lines = [], []
    for index, (values, invoice_lines) in enumerate(read.invoices, start=1):
        invoice = {k: v for k, v in values.items() if k != "member"}
        invoices.append(dict(invoice, id=index, member_id=member_ids[values["member"]]))
        # The document does not carry how a line was prorated ("12 of 31 days").
        lines += [dict({k: v for k, v in line.items() if k != "contract"}, invoice_id=index,
                       position=position, days=None, period_days=None,
                       contract_id=None if line["contract"] is None else ids[line["contract"]])
                  for position, line in enumerate(invoice_lines)]
    _insert(connection, m.InvoiceRow, invoices)
    _insert(connection, m.InvoiceLineRow, lines)
    _insert(connection, m.HistoryRow, [dict(
        at=now, who=SYSTEM, entity="database", entity_id=None, member_id=None, contract_id=None,
        field="Imported", old_value="",
        new_value=f"{len(read.plans)} plans, {len(read.members)} members, "
                  f"{len(read.contracts)} contracts, {len(read.invoices)} invoices")])


def _insert(connection, model, rows: list[dict]) -> None:
    if rows:
        connection.execute(insert(model.__table__), rows)
