"""The invoices section of a frontdesk/1 document, read and checked (rule 17, DESIGN.md §4)."""

from __future__ import annotations

from datetime import date

from desktop.domain.model import LINE_KINDS
from desktop.services.exchange.values import BAD, Reader, any_bad, shown


def read_invoices(reader: Reader, value, emails: set[str], member_names: set[str],
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
                number = reader.problem(f"{place}.number", f"{shown(number)} is used by another "
                                                           "invoice.")
            numbers.add(number)
        member = rec["member"]
        if not (isinstance(member, str) and member in emails):
            if not (isinstance(member, str) and member in member_names):
                reader.problem(f"{place}.member", f"{shown(member)} is not the email of a member.")
            member = BAD
        values = dict(number=number, member=member,
                      issue_date=reader.day(rec["issue_date"], f"{place}.issue_date"),
                      **{key: reader.money(rec[key], f"{place}.{key}")
                         for key in ("subtotal", "tax", "total", "credit_applied", "amount_due")})
        lines = [_line(reader, line, f"{place}.lines[{j}]", contract_ids)
                 for j, line in enumerate(reader.items(rec["lines"], f"{place}.lines"))]
        amounts = [None if line is None else line["amount"] for line in lines]
        _total_problems(reader, place, values, amounts)
        if not any_bad(*values.values()) and not any(line is None or any_bad(*line.values())
                                                     for line in lines):
            invoices.append((values, lines))
    return invoices


def _total_problems(reader: Reader, place: str, values: dict, amounts: list) -> None:
    """Rule 17: subtotal = the lines, total = subtotal + tax, a credit balance pays a positive
    total first, and the amount due is what it leaves (never below zero)."""
    subtotal, tax, total = values["subtotal"], values["tax"], values["total"]
    credit, due = values["credit_applied"], values["amount_due"]
    if not any_bad(subtotal, *amounts) and None not in amounts and subtotal != sum(amounts):
        reader.problem(f"{place}.subtotal", f"{subtotal} is not the sum of its lines "
                                            f"({sum(amounts)}).")
    if not any_bad(subtotal, tax, total) and total != subtotal + tax:
        reader.problem(f"{place}.total", f"{total} is not the subtotal plus tax "
                                         f"({subtotal + tax}).")
    if any_bad(total, credit, due):
        return
    if total > 0 and not 0 <= credit <= total:
        reader.problem(f"{place}.credit_applied", f"{credit} is not between 0 and the total "
                                                  f"({total}).")
    elif total <= 0 and credit != 0:
        reader.problem(f"{place}.credit_applied", f"{credit} is not 0: a total of {total} "
                                                  "uses no credit.")
    elif total > 0 and due != total - credit:
        reader.problem(f"{place}.amount_due", f"{due} is not the total less the credit applied "
                                              f"({total - credit}).")
    elif total <= 0 and due != 0:
        reader.problem(f"{place}.amount_due", f"{due} is not 0: a total of {total} leaves "
                                              "nothing due.")


def _line(reader: Reader, item, place: str, contract_ids: set[str]) -> dict | None:
    rec = reader.record(item, place, ("kind", "amount"),
                        {"description": "", "contract": None, "period_start": None,
                         "period_end": None})
    if rec is None:
        return None
    kind = rec["kind"]
    if kind not in LINE_KINDS:
        kind = reader.problem(f"{place}.kind", f"{shown(kind)} is not one of "
                                               f"{', '.join(LINE_KINDS)}.")
    contract = rec["contract"]
    if contract is not None and not (isinstance(contract, str) and contract in contract_ids):
        contract = reader.problem(f"{place}.contract", f"{shown(contract)} is not the id of a "
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
