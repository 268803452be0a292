"""The payments section of a frontdesk/1 document (and of a frontdesk/2 one written before
payments were allocated), read and checked (docs/design.md#vocabulary,
docs/exchange-format.md); a frontdesk/2 document's payments and allocations are read in
allocations.py.

A payment names its invoice (by number), is more than zero and is not dated before the invoice
was issued; a refund of a credit balance names no invoice, only its member, and is below zero.
The payments of an invoice never add up to more than its amount due; that a refund never pays
out more credit than the member held on its date is checked once the payments are read as
allocations (`allocations.refund_problems`), as the command line refuses.
"""

from __future__ import annotations

from desktop.services.exchange.history import read_moment
from desktop.services.exchange.values import BAD, Reader, any_bad, shown


def read_payments(reader: Reader, value, invoices: list[tuple[dict, list[dict]]],
                  members: list[dict]) -> list[dict]:
    """Payment rows read without problems, each with its place; `invoices` and `members` as
    read before."""
    issued = {values["number"]: values for values, _lines in invoices}
    emails = {row["email"] for row in members}
    rows: list[dict] = []
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
            rows.append(dict(values, place=place))
    return rows

