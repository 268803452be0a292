"""The invoices section of a frontdesk/1 document (and of a frontdesk/2 one written before
documents had types), read and checked (rule 17, docs/exchange-format.md); its line and number
checks serve the documents section too (documents.py).

An invoice's number becomes a file name (a PDF each): one that is not safe as a plain name in a
folder (`../x`, `/etc/x`, `a/b`, a NUL, …) is refused with its place (number_problem).
"""

from __future__ import annotations

from datetime import date

from desktop.domain.limits import number_problem
from desktop.domain.model import LINE_KINDS
from desktop.services.exchange.history import read_params
from desktop.services.exchange.values import BAD, Reader, any_bad, shown

# A line's params left out (a frontdesk/1 document): its wording is read from its description.
FROM_DESCRIPTION = object()
MAX_DAYS = 40_000  # of a prorated line's period: more than the accepted dates span


def read_invoices(reader: Reader, value, emails: set[str], member_names: set[str],
                  contract_ids: set[str]) -> list[tuple[dict, list[dict]]]:
    invoices: list[tuple[dict, list[dict]]] = []
    numbers: set = set()
    for i, item in enumerate(reader.items(value, "invoices")):
        place = f"invoices[{i}]"
        rec = reader.record(item, place, ("number", "member", "issue_date", "subtotal", "tax",
                                          "total", "amount_due"),
                            {"credit_applied": 0, "lines": []}, {"language": None})
        if rec is None:
            continue
        number = number_checked(reader, rec["number"], f"{place}.number", numbers, "invoice")
        member = rec["member"]
        if not (isinstance(member, str) and member in emails):
            if not (isinstance(member, str) and member in member_names):
                reader.problem(f"{place}.member", f"{shown(member)} is not the email of a member.")
            member = BAD
        values = dict(number=number, member=member,
                      issue_date=reader.day(rec["issue_date"], f"{place}.issue_date"),
                      language=read_language(reader, rec["language"], f"{place}.language"),
                      **{key: reader.money(rec[key], f"{place}.{key}")
                         for key in ("subtotal", "tax", "total", "credit_applied", "amount_due")})
        lines = [_line(reader, line, f"{place}.lines[{j}]", contract_ids)
                 for j, line in enumerate(reader.items(rec["lines"], f"{place}.lines"))]
        amounts = [None if line is None else line["amount"] for line in lines]
        _total_problems(reader, place, values, amounts)
        if not any_bad(*values.values()) and not any(line is None or any_bad(*line.values())
                                                     for line in lines):
            # every line was read (checked just above): the filter only tells the types so
            invoices.append((values, [line for line in lines if line is not None]))
    return invoices


def number_checked(reader: Reader, value, place: str, numbers: set, what: str):
    """A document's number: text, safe as a file name (number_problem), unique."""
    number = reader.text(value, place, required=True)
    if isinstance(number, str):
        if (bad := number_problem(number)) is not None:
            number = reader.problem(place, str(bad))
        elif number in numbers:
            number = reader.problem(place, f"{shown(number)} is used by another {what}.")
        numbers.add(number)
    return number


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
    return line_values(reader, item, place, contract_ids)


def line_values(reader: Reader, item, place: str, contract_ids: set[str],
                added: dict | None = None) -> dict | None:
    """A line's values; `added` are the fields of a later version (with their defaults), read
    by the caller."""
    rec = reader.record(item, place, ("kind", "amount"),
                        {"description": "", "contract": None, "period_start": None,
                         "period_end": None},
                        {"days": None, "period_days": None, "params": FROM_DESCRIPTION,
                         **(added or {})})
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
                  amount=reader.money(rec["amount"], f"{place}.amount"),
                  **{key: reader.integer(rec[key], f"{place}.{key}", nullable=True, minimum=0,
                                         maximum=MAX_DAYS) for key in ("days", "period_days")},
                  params=(FROM_DESCRIPTION if rec["params"] is FROM_DESCRIPTION
                          else read_params(reader, rec["params"], f"{place}.params")),
                  **{key: rec[key] for key in added or {}})
    start, end = values["period_start"], values["period_end"]
    if isinstance(start, date) and isinstance(end, date) and end < start:
        values["period_end"] = reader.problem(f"{place}.period_end", "is before the period start.")
    return values


def read_language(reader: Reader, value, place: str):
    """The locale an invoice was issued in (its words and formats stay), or null."""
    from desktop.i18n.translations import parse_locale

    text = reader.text(value, place, nullable=True)
    if isinstance(text, str):
        try:
            parse_locale(text)
        except ValueError as exc:
            return reader.problem(place, str(exc))
    return text
