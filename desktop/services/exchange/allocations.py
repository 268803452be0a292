"""Payments and the allocations that pay documents in a frontdesk/2 document, read and checked
(rules 21, 22; docs/exchange-format.md).

A payment names its member and lists the documents it paid: `allocations`, each
`{"document": NUMBER, "amount"}`, dated the payment's date; what it lists adds up to at most
the payment, and the rest went to the member's credit balance. A refund is below zero and pays
nothing. The credit balance paid documents too (rule 22): `credit_allocations`, each
`{"document": NUMBER, "date", "amount"}` — a payment of null, method "credit" in the
database. A document is allocated at most its total, only an invoice or a deposit request of
the payment's member, and never before it was issued.
"""

from __future__ import annotations

from collections import defaultdict

from desktop.domain.accounts import CREDITING, PAYABLE
from desktop.services.exchange.history import read_moment
from desktop.services.exchange.values import BAD, Reader, any_bad, shown


def read_allocated_payments(reader: Reader, value, documents: list[tuple[dict, list[dict]]],
                            emails: set[str], named: set) -> tuple[list[dict], dict[str, int]]:
    """Payments read without problems, each with its `allocations` as (number, amount) and its
    place; and what they allocated to each document. `named`: every number the documents
    section gives (a broken document is reported once, at its place)."""
    issued = {values["number"]: values for values, _lines in documents}
    taken: dict[str, int] = defaultdict(int)
    rows = []
    for i, item in enumerate(reader.items(value, "payments")):
        place = f"payments[{i}]"
        rec = reader.record(item, place, ("member", "date", "amount"),
                            {"method": "", "reference": "", "allocations": [],
                             "recorded_at": None})
        if rec is None:
            continue
        member = rec["member"]
        if not (isinstance(member, str) and member in emails):
            member = reader.problem(f"{place}.member", f"{shown(member)} is not the email of a "
                                                       "member.")
        amount = reader.money(rec["amount"], f"{place}.amount")
        if amount == 0:
            amount = reader.problem(f"{place}.amount", "0 is neither a payment (above 0) nor a "
                                                       "refund (below 0).")
        day = reader.day(rec["date"], f"{place}.date")
        allocations: list = []  # (number, amount) pairs, BAD for one with a problem
        for j, entry in enumerate(reader.items(rec["allocations"], f"{place}.allocations")):
            where = f"{place}.allocations[{j}]"
            got = reader.record(entry, where, ("document", "amount"), {})
            if got is None:
                allocations.append(BAD)
                continue
            number = _document(reader, got["document"], f"{where}.document", issued, named,
                               member, day)
            share = reader.money(got["amount"], f"{where}.amount", minimum=1)
            if not any_bad(number, share):
                share = _within(reader, f"{where}.amount", number, share, issued, taken)
            allocations.append(BAD if any_bad(number, share) else (number, share))
        if isinstance(amount, int) and amount < 0 and allocations:
            amount = reader.problem(f"{place}.allocations", "is not empty: a refund (an amount "
                                                            "below 0) pays no document.")
        elif isinstance(amount, int) and amount > 0 and BAD not in allocations \
                and sum(pair[1] for pair in allocations) > amount:
            amount = reader.problem(f"{place}.allocations", "add up to more than the "
                                                            f"{amount} received.")
        values = dict(member=member, date=day, amount=amount,
                      method=reader.text(rec["method"], f"{place}.method"),
                      reference=reader.text(rec["reference"], f"{place}.reference"),
                      recorded_at=None if rec["recorded_at"] is None else read_moment(
                          reader, rec["recorded_at"], f"{place}.recorded_at"))
        if not any_bad(*values.values(), *allocations):
            rows.append(dict(values, allocations=allocations, place=place))
    return rows, taken


def read_credit_allocations(reader: Reader, value, documents: list[tuple[dict, list[dict]]],
                            taken: dict[str, int], named: set) -> list[dict]:
    """The credit balance's allocations (rule 22) read without problems; `taken` is what the
    payments allocated to each document."""
    issued = {values["number"]: values for values, _lines in documents}
    rows = []
    for i, item in enumerate(reader.items(value, "credit_allocations")):
        place = f"credit_allocations[{i}]"
        rec = reader.record(item, place, ("document", "date", "amount"), {})
        if rec is None:
            continue
        day = reader.day(rec["date"], f"{place}.date")
        number = _document(reader, rec["document"], f"{place}.document", issued, named, None,
                           day)
        share = reader.money(rec["amount"], f"{place}.amount", minimum=1)
        if not any_bad(number, share):
            share = _within(reader, f"{place}.amount", number, share, issued, taken)
        if not any_bad(number, share, day):
            rows.append(dict(document=number, date=day, amount=share,
                             member=issued[number]["member"]))
    return rows


def _document(reader: Reader, number, place: str, issued: dict, named: set, member, day):
    """The number of a document money can be allocated to, of that member, issued by `day`."""
    if isinstance(number, str) and number in named and number not in issued:
        return BAD  # a document with problems of its own, told at its place
    if not (isinstance(number, str) and number in issued):
        return reader.problem(place, f"{shown(number)} is not the number of a document.")
    document = issued[number]
    if document["type"] not in PAYABLE:
        return reader.problem(place, f"{number} is a {document['type']}: it credits the "
                                     "member, nothing is allocated to it.")
    if member not in (None, BAD) and document["member"] != member:
        return reader.problem(place, f"{number} is not a document of {member}.")
    if day is not BAD and day < document["issue_date"]:
        return reader.problem(place, f"{number} was issued on {document['issue_date']}, after "
                                     f"{day}.")
    return number


def _within(reader: Reader, place: str, number: str, share: int, issued: dict,
            taken: dict[str, int]):
    """Rule 21: a document is never allocated more than its total."""
    taken[number] += share
    total = issued[number]["total"]
    if taken[number] > total:
        return reader.problem(place, f"brings what is allocated to {number} to {taken[number]}, "
                                     f"more than its total ({total}).")
    return share


def refund_problems(reader: Reader, payments: list[dict],
                    documents: list[tuple[dict, list[dict]]], credit_allocations: list[dict],
                    members: list[dict]) -> None:
    """A refund pays out credit the member held on its date.

    A member's credit balance moves with what credits them (a credit note, a deposit return),
    what a payment did not allocate, the allocations of credit and the refunds; so the balance
    before the first of them is the balance now less those moves, and the document is replayed
    from there in date order (on one day everything before the refunds, which never refuses
    what the application allowed). A refund that leaves less than nothing was larger than the
    credit held then.
    """
    refunding = {p["member"] for p in payments if p["amount"] < 0}
    if not refunding:
        return
    moves: dict[str, list[tuple]] = defaultdict(list)
    for values, _lines in documents:
        if values["member"] in refunding and values["type"] in CREDITING:
            moves[values["member"]].append((values["issue_date"], 0, -values["total"], None))
    for row in credit_allocations:
        if row["member"] in refunding:
            moves[row["member"]].append((row["date"], 0, -row["amount"], None))
    for index, p in enumerate(payments):
        if p["member"] not in refunding:
            continue
        if p["amount"] < 0:
            moves[p["member"]].append((p["date"], 1 + index, p["amount"], p["place"]))
        else:
            left = p["amount"] - sum(share for _number, share in p["allocations"])
            moves[p["member"]].append((p["date"], 0, left, None))
    balances = {row["email"]: row["credit_balance"] for row in members}
    for member, events in moves.items():
        held = balances[member] - sum(change for _, _, change, _ in events)
        for day, _order, change, place in sorted(events, key=lambda e: e[:2]):
            if place is not None and held + change < 0:
                reader.problem(f"{place}.amount", f"refunds {-change}, more than the credit "
                                                  f"balance {member} held on {day} ({held}).")
                break
            held += change
