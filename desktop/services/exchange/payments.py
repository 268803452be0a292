"""The payments section of a frontdesk/1 document, read and checked (DESIGN.md §2, §4).

A payment names its invoice (by number) and is more than zero; a refund of a credit balance
names no invoice, only its member, and is below zero. The payments of an invoice never add up
to more than its amount due.
"""

from __future__ import annotations

from desktop.services.exchange.values import BAD, Reader, any_bad, shown


def read_payments(reader: Reader, value, invoices: dict[str, tuple[str, int]],
                  emails: set[str]) -> list[dict]:
    """Payment rows read without problems; `invoices` maps a number to (member, amount due)."""
    rows, paid = [], {}
    for i, item in enumerate(reader.items(value, "payments")):
        place = f"payments[{i}]"
        rec = reader.record(item, place, ("date", "amount"),
                            {"invoice": None, "member": None, "method": "", "reference": ""})
        if rec is None:
            continue
        number, member = rec["invoice"], rec["member"]
        if number is not None and not (isinstance(number, str) and number in invoices):
            number = reader.problem(f"{place}.invoice", f"{shown(number)} is not the number of "
                                                        "an invoice.")
        elif number is not None and member is not None and member != invoices[number][0]:
            member = reader.problem(f"{place}.member", f"{shown(member)} is not the member of "
                                                       f"invoice {number}.")
        elif number is not None:
            member = invoices[number][0]
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
                paid[number] = paid.get(number, 0) + amount
                if paid[number] > invoices[number][1]:
                    amount = reader.problem(
                        f"{place}.amount", f"brings the payments of {number} to {paid[number]}, "
                                           f"more than its amount due ({invoices[number][1]}).")
        values = dict(invoice=number, member=member,
                      date=reader.day(rec["date"], f"{place}.date"), amount=amount,
                      method=reader.text(rec["method"], f"{place}.method"),
                      reference=reader.text(rec["reference"], f"{place}.reference"))
        if not any_bad(*values.values()) and values["member"] is not BAD:
            rows.append(values)
    return rows
