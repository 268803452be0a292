"""The payments section of a frontdesk document, read and checked (docs/design.md#vocabulary,
docs/exchange-format.md).

A payment names its invoice (by number), is more than zero and is not dated before the invoice
was issued; a refund of a credit balance names no invoice, only its member, and is below zero.
The payments of an invoice never add up to more than its amount due, and a refund never pays out
more credit than the member held on its date (`_refund_problems`), as the command line refuses.
"""

from __future__ import annotations

from collections import defaultdict

from desktop.services.exchange.history import read_moment
from desktop.services.exchange.values import BAD, Reader, any_bad, shown


def read_payments(reader: Reader, value, invoices: list[tuple[dict, list[dict]]],
                  members: list[dict]) -> list[dict]:
    """Payment rows read without problems; `invoices` and `members` as read before."""
    issued = {values["number"]: values for values, _lines in invoices}
    emails = {row["email"] for row in members}
    rows: list[dict] = []
    places: list[str] = []
    paid: dict[str, int] = {}  # invoice number -> paid so far in the document
    for i, item in enumerate(reader.items(value, "payments")):
        place = f"payments[{i}]"
        rec = reader.record(item, place, ("date", "amount"),
                            {"invoice": None, "member": None, "method": "", "reference": ""},
                            {"recorded_at": None})
        if rec is None:
            continue
        number, member = rec["invoice"], rec["member"]
        if number is not None and not (isinstance(number, str) and number in issued):
            number = reader.problem(f"{place}.invoice", f"{shown(number)} is not the number of "
                                                        "an invoice.")
        elif number is not None and member is not None and member != issued[number]["member"]:
            member = reader.problem(f"{place}.member", f"{shown(member)} is not the member of "
                                                       f"invoice {number}.")
        elif number is not None:
            member = issued[number]["member"]
        elif not (isinstance(member, str) and member in emails):
            member = reader.problem(f"{place}.member", f"{shown(member)} is not the email of a "
                                                       "member (a refund names its member).")
        amount = reader.money(rec["amount"], f"{place}.amount")
        if isinstance(amount, int) and not any_bad(number):
            if number is not None and amount <= 0:
                amount = reader.problem(f"{place}.amount", f"{amount} is not above 0: a payment "
                                                           "of an invoice is money received.")
            elif number is None and amount >= 0:
                amount = reader.problem(f"{place}.amount", f"{amount} is not below 0: a payment "
                                                           "without an invoice is a refund.")
            elif number is not None:
                due = issued[number]["amount_due"]
                paid[number] = paid.get(number, 0) + amount
                if paid[number] > due:
                    amount = reader.problem(
                        f"{place}.amount", f"brings the payments of {number} to {paid[number]}, "
                                           f"more than its amount due ({due}).")
        day = reader.day(rec["date"], f"{place}.date")
        if number not in (None, BAD) and day is not BAD and day < issued[number]["issue_date"]:
            day = reader.problem(f"{place}.date", f"{day.isoformat()} is before invoice {number} "
                                                  f"was issued ({issued[number]['issue_date']}).")
        values = dict(invoice=number, member=member, date=day, amount=amount,
                      method=reader.text(rec["method"], f"{place}.method"),
                      reference=reader.text(rec["reference"], f"{place}.reference"),
                      recorded_at=None if rec["recorded_at"] is None else read_moment(
                          reader, rec["recorded_at"], f"{place}.recorded_at"))
        if not any_bad(*values.values()) and values["member"] is not BAD:
            rows.append(values)
            places.append(place)
    _refund_problems(reader, rows, places, invoices, members)
    return rows


def _refund_problems(reader: Reader, rows: list[dict], places: list[str],
                     invoices: list[tuple[dict, list[dict]]], members: list[dict]) -> None:
    """A refund pays out credit the member held on its date.

    A member's credit balance moves only with their invoices (a negative total adds to it, the
    credit applied to a positive one takes from it) and refunds, so the balance before the
    first of them is the balance now less those moves, and the document is replayed from there
    in date order (on one day the invoices first, which never refuses what the application
    allowed). A refund that leaves less than nothing was larger than the credit held then.
    """
    refunds = [(row, place) for row, place in zip(rows, places) if row["invoice"] is None]
    if not refunds:
        return
    refunding = {row["member"] for row, _ in refunds}
    moves: dict[str, list[tuple]] = defaultdict(list)
    for values, _lines in invoices:
        if values["member"] in refunding:
            change = -values["total"] if values["total"] < 0 else -values["credit_applied"]
            moves[values["member"]].append((values["issue_date"], 0, change, None))
    for index, (row, place) in enumerate(refunds):
        moves[row["member"]].append((row["date"], 1 + index, row["amount"], place))
    balances = {row["email"]: row["credit_balance"] for row in members}
    for member, events in moves.items():
        held = balances[member] - sum(change for _, _, change, _ in events)
        for day, _order, change, place in sorted(events, key=lambda e: e[:2]):
            if place is not None and held + change < 0:
                reader.problem(f"{place}.amount", f"refunds {-change}, more than the credit "
                                                  f"balance {member} held on {day} ({held}).")
                break
            held += change
