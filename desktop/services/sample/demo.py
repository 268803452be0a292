"""Sample data a manager would recognise: a catalog, members, contracts in every state, invoices.

The history is not invented: contracts are written as they were signed, the sweep engine runs
from their start dates to 40 days ago, the desk's later edits are made then (cancellations, plan
switches, new terms, add-ons bought mid-period), the sweep runs on to today, and today's edits
(scheduled switches, future cancellations and new terms, blank next plans) are made last. So
every invoice follows the rules. Deterministic for a seed; rows are written in bulk so that
`frontdesk demo --members 100000` finishes in about a minute.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, func, insert, select, update

from desktop.domain.accounts import issue, vat_document
from desktop.domain.change_now import successor_term
from desktop.domain.contracts import is_open, status
from desktop.domain.invoicing import buy_addons
from desktop.domain.model import ACTIVE, Contract, ContractAddon, Line, Plan, stored_id
from desktop.domain.plan_changes import eligible_targets
from desktop.domain.transitions import DayResult
from desktop.ledger.audit import Readable, contract_audit_rows
from desktop.ledger.contract_columns import contract_columns
from desktop.ledger.day_writes import write_days
from desktop.ledger.member_states import (
    load_contracts,
    load_member_states,
    load_plans,
)
from desktop.services.changes import Changes
from desktop.services.clock import FixedClock
from desktop.services.sample.site import price_in, sample_iban, territory
from desktop.services.sweep.service import SweepService
from desktop.storage import models as m
from desktop.storage.emptiness import database_is_empty
from desktop.storage.member_search import members_in_bulk
from desktop.storage.server import follow_ids

OPERATOR = "Front desk"
_M, _Q, _Y = "1 month", "3 months", "1 year"
# name: (price, frequency, deposit, group, archived, allowances, add-ons offered)
_DESK_ADDONS = ("Locker", "10 meeting-room hours", "Parking")
_OFFICE_ADDONS = ("Locker", "Mail handling", "10 meeting-room hours", "Parking")
_VIRTUAL_ADDONS = ("Mail handling", "10 meeting-room hours")
PLANS = {
    "Hot desk": (19500, _M, 0, "Desks", False,
                 {"Meeting room hours": 2, "Printing pages": 100}, _DESK_ADDONS),
    "Hot desk, quarterly": (55500, _Q, 0, "Desks", False,
                            {"Meeting room hours": 2, "Printing pages": 100}, _DESK_ADDONS),
    "Hot desk (2023 price)": (17500, _M, 0, "Desks", True, {"Printing pages": 100}, ()),
    "Dedicated desk": (34500, _M, 35000, "Desks", False,
                       {"Meeting room hours": 4, "Printing pages": 250}, _DESK_ADDONS),
    "Dedicated desk, yearly": (372000, _Y, 35000, "Desks", False,
                               {"Meeting room hours": 4, "Printing pages": 250}, _DESK_ADDONS),
    "Private office 1-person": (69000, _M, 69000, "Offices", False,
                                {"Meeting room hours": 8, "Printing pages": 400}, _OFFICE_ADDONS),
    "Private office 1-person, yearly": (745000, _Y, 69000, "Offices", False,
                                        {"Meeting room hours": 8, "Printing pages": 400},
                                        _OFFICE_ADDONS),
    "4-person team office": (240000, _M, 240000, "Offices", False,
                             {"Meeting room hours": 20, "Printing pages": 1500}, _OFFICE_ADDONS),
    "4-person team office, quarterly": (690000, _Q, 240000, "Offices", False,
                                        {"Meeting room hours": 20, "Printing pages": 1500},
                                        _OFFICE_ADDONS),
    "Virtual office": (7900, _M, 0, "Virtual", False, {"Day passes": 2}, _VIRTUAL_ADDONS),
    "Virtual office, yearly": (85000, _Y, 0, "Virtual", False, {"Day passes": 2},
                               _VIRTUAL_ADDONS),
    "Mail address": (3900, _M, 0, "Virtual", False, {}, _VIRTUAL_ADDONS),
}
ADDONS = {  # name: (price, frequency, allowances)
    "Locker": (2500, _M, {}),
    "Mail handling": (3500, _M, {}),
    "10 meeting-room hours": (30000, None, {"Meeting room hours": 10}),
    "Parking": (9500, _M, {}),
}
# Plan choices for new contracts, with weights (the archived price is never sold).
_SOLD = [("Hot desk", 26), ("Hot desk, quarterly", 6), ("Dedicated desk", 18),
         ("Dedicated desk, yearly", 4), ("Private office 1-person", 10),
         ("Private office 1-person, yearly", 2), ("4-person team office", 5),
         ("4-person team office, quarterly", 2), ("Virtual office", 14),
         ("Virtual office, yearly", 3), ("Mail address", 10)]
# What happens to a member's main contract, with weights.
_STORIES = [("contact", 5), ("active", 38), ("inactive", 6), ("custom price", 6),
            ("cancelled", 7), ("switched", 6), ("new term", 6), ("cancelling", 7),
            ("scheduled switch", 7), ("future new term", 4), ("blank next plan", 4),
            ("old price", 4)]

_FIRST = ("Ada Aoife Amara Ana Ben Bronagh Carlos Chiara Ciarán Dara Deepa Eimear Elena Emeka "
          "Fatima Finn Grace Hana Hugo Ines Isaac Jakub Jia Kai Karen Leila Liam Lucia Malik "
          "Maeve Marta Mateo Mei Niamh Nikolai Noor Oisín Olga Omar Pádraig Priya Rafael Rosa "
          "Ruth Saoirse Sean Sofia Tariq Tom Una Valentina Wei Yusuf Zara Zoe").split()
_LAST = ("Adeyemi Ahmed Andersen Barry Bianchi Brennan Byrne Chen Costa Daly Dubois Dunne "
         "Fernández Fitzgerald Gallagher García Hughes Ivanova Kavanagh Kelly Khan Kowalski "
         "Lynch Martin McCarthy Moreau Murphy Nakamura Nguyen Novak O'Brien O'Connor O'Neill "
         "Okafor Patel Quinn Reilly Rossi Ryan Santos Schmidt Silva Singh Sullivan Tanaka "
         "Walsh Wang Weber Yilmaz").split()
_BRANDS = ("Analytical Engines|Blue Harbour|Brightwater|Cedar & Pine|Copperline|Driftwood|"
           "Emerald Loop|Fieldnote|Granite Peak|Halfpenny|Harbourlight|Inkwell|Juniper|Keystone|"
           "Lighthouse|Liffey|Marlin|Northwind|Oakfield|Papercut|Quayside|Redbrick|Saltmarsh|"
           "Silverfern|Tidewater|Umbra|Wildflower|Yellowhammer").split("|")
_KINDS = ("Ltd", "Studio", "Labs", "Consulting", "Design", "Digital", "Architects", "& Co",
          "Analytics", "Media", "Legal", "Translations")
_NOTES = ("", "", "", "", "Prefers invoices by email to accounts.", "Brings a dog on Fridays.",
          "Key card replaced in March.", "Asked about a bigger office.", "Pays by standing order.")


@dataclass(frozen=True)
class DemoSummary:
    members: int
    contracts: int
    invoices: int

    @property
    def changes(self) -> Changes:
        """The demo writes a whole site: anything may have changed."""
        return Changes.anything()


def is_empty(db) -> bool:
    """No plans, members, contracts or invoices yet (the welcome page offers the demo then)."""
    return database_is_empty(db)


def load_demo(db, today: date, members: int = 120, seed: int = 1) -> DemoSummary:
    """Fill an empty database with sample data whose invoices the sweep engine produced."""
    rng = random.Random(seed)
    mid = today - timedelta(days=40)
    with db.write() as session:
        row = session.get(m.SettingsRow, 1)
        # The site's currency and locale stay as set up (English text, the site's money); a
        # site without a bank account gets a made-up one of its country.
        row.tax_rate, row.operator = "23", OPERATOR
        row.iban = row.iban or sample_iban(territory(row.locale), seed)
        plans = _write_catalog(session, row.currency)
    with db.write() as session:
        with members_in_bulk(session.connection()):  # indexed once, not row by row
            _insert(session, m.MemberRow, _people(rng, members))
    depth = min(1.0, (2000 / members) ** 0.25)
    sold = [plans[name] for name, _ in _SOLD]
    weights = [w for _, w in _SOLD]
    contracts: list[Contract] = []
    later: dict[date, list[tuple[str, int]]] = {mid: [], today: []}  # day -> (story, contract)
    for member_id in range(1, members + 1):
        story = _pick(rng, _STORIES)
        if story == "contact":
            continue
        plan = rng.choices(sold, weights)[0]
        start = _start(rng, today, story, depth)
        contract = _signed(rng, len(contracts) + 1, member_id, plan, start, plans)
        if story == "custom price":
            contract = replace(contract, custom_price=plan.price * rng.choice((80, 85, 90)) // 100)
        if story == "old price":
            old = plans["Hot desk (2023 price)"]
            contract = replace(contract, plan=old, next_plan=old)
        contracts.append(contract)
        when = mid if story in ("cancelled", "switched", "new term") else today
        later[when].append((story, stored_id(contract.id)))
        if rng.random() < 0.12:  # a second contract: a mail address beside a desk, say
            extra = _signed(rng, len(contracts) + 1, member_id, plans["Mail address"],
                            _start(rng, today, "active", depth), plans)
            contracts.append(extra)
        if rng.random() < 0.10:
            later[mid].append((rng.choice(("one-off add-on", "add-on mid-period")),
                               stored_id(contract.id)))
    with db.write() as session:
        _insert_contracts(session, contracts)
    SweepService(db, FixedClock(mid, datetime.combine(mid, time(7)))).apply_due(mid)
    with db.write() as session:
        _edit(session, rng, later[mid], mid, plans, today)
    clock = FixedClock(today, datetime.combine(today, time(7)))
    SweepService(db, clock).apply_due(today)
    with db.write() as session:
        _edit(session, rng, later[today], today, plans, today)
        follow_ids(session.connection(), [m.MemberRow.__table__, m.ContractRow.__table__])
    with db.session() as session:
        counts = [session.scalar(select(func.count()).select_from(t))
                  for t in (m.MemberRow, m.ContractRow, m.InvoiceRow)]
    return DemoSummary(*counts)


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


def _write_catalog(session, currency: str) -> dict[str, Plan]:
    """The catalog, its euro-cent prices and deposits written in the site's currency."""
    rows = {}
    for name, (price, frequency, deposit, group, archived, allowances, _) in PLANS.items():
        rows[name] = m.PlanRow(name=name, kind="plan", price=price_in(price, currency),
                               frequency=frequency, deposit=price_in(deposit, currency),
                               group_name=group, archived=archived)
        rows[name].allowances = [m.PlanAllowanceRow(name=k, quantity=v)
                                 for k, v in allowances.items()]
    for name, (price, every, allowances) in ADDONS.items():
        rows[name] = m.PlanRow(name=name, kind="addon", price=price_in(price, currency),
                               frequency=every)
        rows[name].allowances = [m.PlanAllowanceRow(name=k, quantity=v)
                                 for k, v in allowances.items()]
    session.add_all(rows.values())
    session.flush()
    for name, spec in PLANS.items():
        rows[name].addons = [rows[addon] for addon in spec[6]]
    session.flush()
    return {plan.name: plan for plan in load_plans(session).values()}


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _people(rng: random.Random, count: int) -> list[dict]:
    rows, emails = [], set()
    for member_id in range(1, count + 1):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        company = "" if rng.random() < 0.35 else f"{rng.choice(_BRANDS)} {rng.choice(_KINDS)}"
        domain = (_ascii(company.rsplit(" ", 1)[0]) + rng.choice((".ie", ".com", ".eu"))
                  if company
                  else rng.choice(("fastmail.com", "eircom.net", "proton.me", "mail.ie")))
        local = f"{_ascii(first)}.{_ascii(last)}"
        email = f"{local}@{domain}"
        if email in emails:
            email = f"{local}{member_id}@{domain}"
        emails.add(email)
        rows.append(dict(id=member_id, email=email, name=f"{first} {last}", company=company,
                         phone=f"+353 8{rng.randint(3, 9)} {rng.randint(100, 999)} "
                               f"{rng.randint(1000, 9999)}",
                         notes=rng.choice(_NOTES), credit_balance=0, deposit_held=0,
                         archived=rng.random() < 0.01))
    return rows


def _start(rng: random.Random, today: date, story: str, depth: float = 1.0) -> date:
    """Most contracts began in the last few months, a few long ago; some start soon.

    A large demo has a shallower history (depth < 1), so its sweep stays proportionate.
    """
    if story == "inactive":
        return today + timedelta(days=rng.randint(1, 30))
    days = rng.choices((rng.randint(0, 90), rng.randint(91, 240), rng.randint(241, 540),
                        rng.randint(541, 900)), (55, 25, 15, 5))[0]
    days = int(days * depth)
    if story in ("cancelled", "switched", "new term"):
        days = max(days, 45 + rng.randint(5, 60))  # begun before the desk's edits 40 days ago
    elif story in ("cancelling", "scheduled switch", "future new term", "blank next plan"):
        days = max(days, 1)
    return today - timedelta(days=days)


def _signed(rng: random.Random, contract_id: int, member_id: int, plan: Plan, start: date,
            plans: dict[str, Plan]) -> Contract:
    """A contract as signed: inactive until its start date; sometimes anchored on the 1st."""
    monthly = plan.frequency is not None and plan.frequency.unit == "month"
    anchor = start.replace(day=1) if monthly and rng.random() < 0.3 else start
    addons: tuple[ContractAddon, ...] = ()
    offered = [plans[name] for name in plan.addons if plans[name].recurring]
    if offered and rng.random() < 0.25:
        addons = (ContractAddon(rng.choice(offered), 1, start),)
    return Contract(member=member_id, plan=plan, next_plan=plan, start_date=start,
                    billing_anchor=anchor, next_invoice_date=start, quantity=1,
                    prorate_first_invoice=rng.random() < 0.85, addons=addons, id=contract_id)


def _insert_contracts(session, contracts: list[Contract]) -> None:
    rows, addons = [], []
    for c in contracts:
        rows.append(dict(contract_columns(c), id=c.id, member_id=c.member, version=1))
        addons += [dict(contract_id=c.id, addon_id=a.addon.id, quantity=a.quantity,
                        start_date=a.start_date) for a in c.addons]
    links = [r for r in rows if r["predecessor_id"] is not None]
    for row in links:
        row["predecessor_id"] = None
    _insert(session, m.ContractRow, rows)
    _insert(session, m.ContractAddonRow, addons)
    if links:  # predecessors first, then the links to them
        table = m.ContractRow.__table__
        session.connection().execute(
            update(table).where(table.c.id == bindparam("_id"))
            .values(predecessor_id=bindparam("_predecessor")),
            [dict(_id=c.id, _predecessor=c.predecessor) for c in contracts
             if c.predecessor is not None])


def _insert(session, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), 5000):
        session.connection().execute(insert(model.__table__), rows[start:start + 5000])


def _edit(session, rng: random.Random, stories: list[tuple[str, int]], day: date,
          plans: dict[str, Plan], today: date) -> None:
    """The desk's edits on a day, as the contract editor would save them (audited)."""
    by_id = {stored_id(p.id): p for p in plans.values()}
    current = load_contracts(session, [cid for _, cid in stories], by_id)
    catalog = list(plans.values())
    next_id = (session.scalar(select(func.max(m.ContractRow.id))) or 0) + 1
    changed: dict[int, Contract] = {}
    created: list[Contract] = []
    purchases: list[tuple[int, list[Line]]] = []
    for story, cid in stories:
        contract = changed.get(cid) or current.get(cid)
        if contract is None or not is_open(contract) or status(contract, day) != ACTIVE:
            continue
        if contract.cancellation_date is not None:
            continue
        targets = [p for p in eligible_targets(contract.plan, catalog) if p.id != contract.plan.id]
        if story in ("cancelled", "cancelling"):
            ends = (day + timedelta(days=rng.randint(1, 35)) if day < today
                    else today + timedelta(days=rng.randint(5, 60)))
            changed[cid] = replace(contract, cancellation_date=ends,
                                   prorate_last_invoice=rng.random() < 0.7)
        elif (story in ("switched", "scheduled switch") and targets
              and contract.custom_price is None):
            changed[cid] = replace(contract, next_plan=rng.choice(targets))
        elif story == "blank next plan":
            changed[cid] = replace(contract, next_plan=None)
        elif story in ("new term", "future new term"):
            ends = (day + timedelta(days=rng.randint(1, 35)) if day < today
                    else today + timedelta(days=rng.randint(5, 45)))
            changed[cid] = replace(contract, cancellation_date=ends, prorate_last_invoice=True)
            plan = rng.choice(targets) if targets and rng.random() < 0.5 else contract.plan
            created.append(successor_term(changed[cid], ends, plan=plan, new_id=next_id))
            next_id += 1
        elif story in ("one-off add-on", "add-on mid-period"):
            wanted = [plans[n] for n in contract.plan.addons
                      if plans[n].recurring == (story == "add-on mid-period")
                      and n not in {a.addon.name for a in contract.addons}]
            if wanted:
                changed[cid], lines = buy_addons(contract, [(rng.choice(wanted), 1)], day)
                purchases.append((stored_id(contract.member), lines))
    _save_edits(session, current, changed, created, day)
    _invoice_purchases(session, purchases, day)


def _save_edits(session, before: dict[int, Contract], changed: dict[int, Contract],
                created: list[Contract], day: date) -> None:
    now = datetime.combine(day, time(10))
    readable = Readable()
    table = m.ContractRow.__table__
    if changed:
        session.connection().execute(
            update(table).where(table.c.id == bindparam("_id"))
            .values(version=table.c.version + 1,
                    **{k: bindparam(k) for k in contract_columns(next(iter(changed.values())))}),
            [dict(contract_columns(c), _id=cid) for cid, c in changed.items()])
        new_addons = [dict(contract_id=cid, addon_id=a.addon.id, quantity=a.quantity,
                           start_date=a.start_date)
                      for cid, c in changed.items() for a in c.addons[len(before[cid].addons):]]
        _insert(session, m.ContractAddonRow, new_addons)
    _insert_contracts(session, created)
    audit = [row for cid, c in changed.items()
             for row in contract_audit_rows(before[cid], c, readable, now, OPERATOR)]
    audit += [row for c in created
              for row in contract_audit_rows(None, c, readable, now, OPERATOR)]
    _insert(session, m.HistoryRow, audit)


def _invoice_purchases(session, purchases: list[tuple[int, list[Line]]], day: date) -> None:
    """Rule 16: an add-on bought mid-period is invoiced at once (prorated if recurring), on
    the member's one document of the day (rule 17), written as the sweep writes a day."""
    purchases = [(member, lines) for member, lines in purchases if lines]
    if not purchases:
        return
    states = load_member_states(session, {member for member, _ in purchases})
    original = dict(states)
    results = []
    for member, lines in purchases:
        state = states[member]
        made = issue(state.account, [vat_document(member, day, lines, state.settings,
                                                  reverse_charge=state.account.reverse_charge)])
        results.append(DayResult(day, made.account, state.contracts, (), (), made.documents,
                                 (), made.allocations))
        states[member] = replace(state, account=made.account)
    write_days(session, results, now=datetime.combine(day, time(9)), who=OPERATOR,
               before=original)
