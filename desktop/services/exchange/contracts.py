"""The contracts section of a frontdesk document, read and checked (docs/billing-rules.md,
docs/exchange-format.md).

Each contract is checked with validate_contract, passed as its own original: an imported
contract is kept as it was, so only the rules of its own state apply, not those of an edit.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from typing import TypeVar

from desktop.domain.commitment.notice import commitment_problems
from desktop.domain.contracts import default_anchor
from desktop.domain.model import Contract, ContractAddon, Plan
from desktop.domain.validation import validate_contract
from desktop.services.exchange.values import BAD, Reader, any_bad, shown

Id = TypeVar("Id", bound=Hashable)  # a contract's id as the document names it

_SAME = object()  # next_plan left out: the contract renews on its own plan


def _contract_addons(reader: Reader, value, place: str, plans: dict[str, Plan],
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
                reader.problem(f"{where}.name", f"{shown(rec['name'])} is not an add-on in plans.")
            bad = True
        quantity = reader.quantity(rec["quantity"], f"{where}.quantity")
        start = reader.day(rec["start_date"], f"{where}.start_date", nullable=True)
        if any_bad(quantity, start) or addon is None or addon.kind != "addon":
            bad = True
            continue
        items.append(ContractAddon(addon, quantity, start))
    return BAD if bad else tuple(items)


def _iso(value) -> date | None:
    """A date as the document writes it, or None (the reader reports a bad one at its place)."""
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def default_anchors(items: list, plans: dict[str, Plan], billing_day) -> dict[str, date]:
    """Rule 11's default for each contract whose billing_anchor is null or absent, by id.

    A new term takes its predecessor's anchor (given, or itself a default), so the chain is
    followed; a contract whose values are unreadable gets none (its problems are told).
    """
    records = {item["id"]: item for item in items
               if isinstance(item, dict) and isinstance(item.get("id"), str)}
    found: dict[str, date | None] = {}

    def anchor_of(cid: str, seen: frozenset) -> date | None:
        item = records.get(cid)
        if item is None or cid in seen:
            return None  # an unknown id or a loop of terms: told as a predecessor problem
        if item.get("billing_anchor") is not None:
            return _iso(item["billing_anchor"])
        if cid not in found:
            named = item.get("plan")
            start = _iso(item.get("start_date"))
            plan = plans.get(named) if isinstance(named, str) else None
            before = item.get("predecessor")
            inherited = anchor_of(before, seen | {cid}) if isinstance(before, str) else None
            day = billing_day if isinstance(billing_day, int) else None
            found[cid] = None if start is None else default_anchor(
                start, None if plan is None else plan.frequency, day, inherited)
        return found[cid]

    for cid, item in records.items():
        if item.get("billing_anchor") is None:
            anchor_of(cid, frozenset())
    return {cid: day for cid, day in found.items() if day is not None}


def read_contracts(reader: Reader, value, plans: dict[str, Plan], plan_names: set[str],
                   emails: set[str], member_names: set[str], today: date,
                   billing_day: int | None = None) -> list[Contract]:
    """Contracts read and checked with validate_contract; member = email, ids = document ids."""
    contracts, ids, links = [], set(), []
    catalog = list(plans.values())
    defaults = default_anchors(value if isinstance(value, list) else [], plans, billing_day)
    for i, item in enumerate(reader.items(value, "contracts")):
        place = f"contracts[{i}]"
        rec = reader.record(item, place, ("id", "member", "plan", "start_date"),
                            {"next_plan": _SAME, "custom_price": None, "quantity": 1,
                             "billing_anchor": None, "next_invoice_date": _SAME,
                             "cancellation_date": None, "prorate_last_invoice": True,
                             "prorate_first_invoice": True, "predecessor": None, "status": None,
                             "addons": []},
                            {"notes": "", "commitment_end": None, "notice": None,
                             "notice_waived": False, "ends_at_commitment_end": False})
        if rec is None:
            continue
        cid = reader.text(rec["id"], f"{place}.id", required=True)
        if isinstance(cid, str):
            if cid in ids:
                cid = reader.problem(f"{place}.id", f"{shown(cid)} is used by another contract.")
            else:
                ids.add(cid)
        member = rec["member"]
        if not (isinstance(member, str) and member in emails):
            if not (isinstance(member, str) and member in member_names):
                reader.problem(f"{place}.member", f"{shown(member)} is not the email of a member.")
            member = BAD
        plan, next_plan = (_plan_ref(reader, rec[key], f"{place}.{key}", plans, plan_names)
                           for key in ("plan", "next_plan"))
        if rec["next_plan"] is _SAME:
            next_plan = plan
        start = reader.day(rec["start_date"], f"{place}.start_date")
        if rec["billing_anchor"] is not None:
            anchor = reader.day(rec["billing_anchor"], f"{place}.billing_anchor")
        else:
            anchor = defaults.get(cid, start) if isinstance(cid, str) else start
        upcoming = (start if rec["next_invoice_date"] is _SAME
                    else reader.day(rec["next_invoice_date"], f"{place}.next_invoice_date",
                                    nullable=True))
        values = dict(
            member=member, plan=plan, next_plan=next_plan, start_date=start, billing_anchor=anchor,
            next_invoice_date=upcoming,
            cancellation_date=reader.day(rec["cancellation_date"], f"{place}.cancellation_date",
                                         nullable=True),
            custom_price=reader.money(rec["custom_price"], f"{place}.custom_price", nullable=True),
            quantity=reader.quantity(rec["quantity"], f"{place}.quantity"),
            prorate_last_invoice=reader.flag(rec["prorate_last_invoice"],
                                             f"{place}.prorate_last_invoice"),
            prorate_first_invoice=reader.flag(rec["prorate_first_invoice"],
                                              f"{place}.prorate_first_invoice"),
            predecessor=reader.text(rec["predecessor"], f"{place}.predecessor", nullable=True),
            addons=_contract_addons(reader, rec["addons"], place, plans, plan_names), id=cid,
            notes=reader.text(rec["notes"], f"{place}.notes", multiline=True),
            commitment_end=reader.day(rec["commitment_end"], f"{place}.commitment_end",
                                      nullable=True),
            notice=reader.frequency(rec["notice"], f"{place}.notice", nullable=True),
            notice_waived=reader.flag(rec["notice_waived"], f"{place}.notice_waived"),
            ends_at_commitment_end=reader.flag(rec["ends_at_commitment_end"],
                                               f"{place}.ends_at_commitment_end"))
        if values["plan"] is None:
            values["plan"] = reader.problem(f"{place}.plan", "cannot be empty.")
        # A bad id or member does not stop the contract's rules from being checked.
        checked = dict(values, member=values["member"] if isinstance(member, str) else "",
                       id=cid if isinstance(cid, str) else place)
        if any_bad(*checked.values()):
            continue
        draft = Contract(**checked)
        for field, message in _contract_problems(draft, catalog, today):
            reader.problem(f"{place}.{field}", message)
        links.append((place, draft, isinstance(cid, str)))
        if not any_bad(*values.values()):
            contracts.append(draft)
    _predecessor_problems(reader, links, ids)
    return contracts


def _contract_problems(draft: Contract, catalog: list[Plan], today: date) -> list[tuple[str, str]]:
    """(field, sentence) for each problem of a contract as stored.

    validate_contract gets the contract as its own original: an imported contract is kept as it
    was, so the rules of an edit (selling an archived plan, moving invoiced dates) do not apply.
    """
    problems = [(p.field, str(p.message)) for p in validate_contract(draft, draft, catalog, today)
                + commitment_problems(draft, draft, today, True)]
    fields = {field for field, _ in problems}
    if draft.next_invoice_date is None and draft.cancellation_date is None:
        problems.append(("cancellation_date", ("An ended contract (no next invoice date) "
                                               "needs the cancellation date it ended on.")))
    # Rule 7 moves a running contract's anchor to the day it switched frequency; one that has
    # not started keeps the anchor it was made with, on or before its start.
    if draft.next_invoice_date == draft.start_date and draft.billing_anchor > draft.start_date \
            and "billing_anchor" not in fields:
        problems.append(("billing_anchor", "The billing anchor cannot be after the start date."))
    return problems


def _predecessor_problems(reader: Reader, links: list[tuple[str, Contract, bool]],
                          ids: set[str]) -> None:
    """A predecessor is another contract of the same member, and a chain of terms ends (rule 10).

    links: (place, contract, whether its id is its own) for each contract checked.
    """
    by_id = {draft.id: (place, draft) for place, draft, own_id in links if own_id}
    for place, draft, _ in links:
        before = draft.predecessor
        if before is not None and (before not in ids or before == draft.id):
            reader.problem(f"{place}.predecessor",
                           f"{shown(before)} is not the id of another contract.")
        elif before in by_id and draft.member and by_id[before][1].member \
                and by_id[before][1].member != draft.member:
            reader.problem(f"{place}.predecessor",
                           f"{shown(before)} is a contract of another member.")
    order = {cid: index for index, cid in enumerate(by_id)}
    following = {cid: draft.predecessor for cid, (_, draft) in by_id.items()
                 if draft.predecessor in by_id and draft.predecessor != cid}
    for loop in _loops(following):
        first = min(range(len(loop)), key=lambda k: order[loop[k]])
        loop = loop[first:] + loop[:first]  # told at the first of them in the document
        chain = "".join(f", which follows {shown(cid)}" for cid in loop[2:] + loop[:1])
        reader.problem(f"{by_id[loop[0]][0]}.predecessor",
                       f"{shown(loop[1])} makes the chain of terms a loop: {shown(loop[0])} "
                       f"follows {shown(loop[1])}{chain}.")


def _loops(following: dict[Id, Id]) -> list[list[Id]]:
    """The loops of contracts each following at most one other, each loop in its own order."""
    done: set[Id] = set()
    loops = []
    for start in following:
        path: list[Id] = []
        on_path: set[Id] = set()
        cid = start
        while cid in following and cid not in done and cid not in on_path:
            path.append(cid)
            on_path.add(cid)
            cid = following[cid]
        if cid in on_path:  # came back onto this walk: the part from there is a loop
            loops.append(path[path.index(cid):])
        done.update(path)
    return loops


def _plan_ref(reader: Reader, name, place: str, plans: dict[str, Plan], named: set[str]):
    if name is None or name is _SAME:
        return None
    if isinstance(name, str) and name in plans:
        return plans[name]
    if not (isinstance(name, str) and name in named):  # a broken plan is reported once
        reader.problem(place, f"{shown(name)} is not a plan in plans.")
    return BAD
