"""The documents section of a frontdesk/2 document, read and checked (rules 15, 17, 18;
docs/exchange-format.md).

Each document has a type, its three dates, lines with their tax category and rate, and its tax
as groups of (category, rate): the groups are those of its lines, each taxed once (rule 17), and
its total is the subtotal plus their tax. Invoices and deposit requests are never below zero,
credit notes and deposit returns always are; deposits stand outside VAT on documents of their
own (rule 15). Issued documents are imported as they are, never recomputed: these checks only
refuse what Frontdesk could never have issued.
"""

from __future__ import annotations

from desktop.domain.accounts import CREDITING, DEPOSIT_TYPES, tax_groups
from desktop.domain.limits import BadValue, plain_rate
from desktop.domain.model import (
    CREDIT_NOTE,
    DOCUMENT_TYPES,
    REVERSE_CHARGE,
    TAX_CATEGORIES,
    Line,
)
from desktop.domain.money import parse_rate, rate_text
from desktop.services.exchange import direct_debit, mail
from desktop.services.exchange.invoices import line_values, number_checked, read_language
from desktop.services.exchange.values import BAD, Reader, any_bad, shown

CATEGORIES = (*TAX_CATEGORIES, REVERSE_CHARGE)
DEPOSIT_KINDS = ("deposit", "deposit_refund")


def read_documents(reader: Reader, value, emails: set[str], member_names: set[str],
                   contract_ids: set[str]) -> tuple[list[tuple[dict, list[dict]]], set]:
    """The documents read without problems, in document order: (values, lines), the values
    holding what the documents table holds (the tax as the groups' sum); and every number the
    section gives, so that what names a broken document is not reported again."""
    documents: list[tuple[dict, list[dict]]] = []
    numbers: set = set()
    places: dict[str, str] = {}
    for i, item in enumerate(reader.items(value, "documents")):
        place = f"documents[{i}]"
        rec = reader.record(item, place, ("type", "number", "member", "issue_date", "subtotal",
                                          "total", "amount_due"),
                            {"billing_date": None, "due_date": None, "tax": [],
                             "credit_applied": 0, "credits": [], "lines": [],
                             "language": None},
                            {**direct_debit.DOCUMENT_ADDED, **mail.DOCUMENT_ADDED})
        if rec is None:
            continue
        kind = rec["type"]
        if kind not in DOCUMENT_TYPES:
            kind = reader.problem(f"{place}.type", f"{shown(kind)} is not one of "
                                                   f"{', '.join(DOCUMENT_TYPES)}.")
        number = number_checked(reader, rec["number"], f"{place}.number", numbers, "document")
        member = rec["member"]
        if not (isinstance(member, str) and member in emails):
            if not (isinstance(member, str) and member in member_names):
                reader.problem(f"{place}.member", f"{shown(member)} is not the email of a member.")
            member = BAD
        values = dict(
            type=kind, number=number, member=member,
            billing_date=reader.day(rec["billing_date"], f"{place}.billing_date", nullable=True),
            issue_date=reader.day(rec["issue_date"], f"{place}.issue_date"),
            due_date=reader.day(rec["due_date"], f"{place}.due_date", nullable=True),
            language=read_language(reader, rec["language"], f"{place}.language"),
            credits=_credits(reader, rec["credits"], f"{place}.credits"),
            **direct_debit.read_collection(reader, rec["collection"], place),
            sent=mail.read_sent(reader, rec["sent"], place),
            **{key: reader.money(rec[key], f"{place}.{key}")
               for key in ("subtotal", "total", "credit_applied", "amount_due")})
        lines = [_line(reader, line, f"{place}.lines[{j}]", contract_ids)
                 for j, line in enumerate(reader.items(rec["lines"], f"{place}.lines"))]
        given = [_group(reader, group, f"{place}.tax[{j}]")
                 for j, group in enumerate(reader.items(rec["tax"], f"{place}.tax"))]
        groups = [group for group in given if group is not None]
        values["tax"] = sum(group["tax"] for group in groups) if len(groups) == len(given) \
            else BAD
        read = [line for line in lines if line is not None and not any_bad(*line.values())]
        if len(read) == len(lines) and values["tax"] is not BAD:
            _check(reader, place, values, read, groups)
        if not any_bad(*values.values()) and len(read) == len(lines):
            documents.append((values, read))
            places[number] = place
    _check_credits(reader, documents, places)
    return documents, numbers


def _credits(reader: Reader, value, place: str):
    numbers = []
    for j, number in enumerate(reader.items(value, place)):
        text = reader.text(number, f"{place}[{j}]", required=True)
        if text is BAD:
            return BAD
        numbers.append(text)
    return numbers


def _group(reader: Reader, item, place: str) -> dict | None:
    rec = reader.record(item, place, ("category", "rate", "net", "tax"), {})
    if rec is None:
        return None
    category = rec["category"]
    if category not in CATEGORIES:
        category = reader.problem(f"{place}.category", f"{shown(category)} is not one of "
                                                       f"{', '.join(CATEGORIES)}.")
    values = dict(category=category, rate=_rate(reader, rec["rate"], f"{place}.rate"),
                  net=reader.money(rec["net"], f"{place}.net"),
                  tax=reader.money(rec["tax"], f"{place}.tax"))
    return None if any_bad(*values.values()) else values


def _rate(reader: Reader, value, place: str, *, nullable: bool = False):
    """A rate as a percentage written as a decimal string ("19", "5.5"), kept as written."""
    text = reader.text(value, place, nullable=nullable)
    if isinstance(text, str):
        try:
            plain_rate(text)
        except BadValue as exc:
            return reader.problem(place, str(exc))
        if text != text.strip():
            return reader.problem(place, f"{shown(text)} has spaces around it.")
    return text


def _line(reader: Reader, item, place: str, contract_ids: set[str]) -> dict | None:
    values = line_values(reader, item, place, contract_ids,
                         {"tax_category": None, "rate": None})
    if values is None:
        return None
    category = values["tax_category"]
    if category is not None and category not in CATEGORIES:
        values["tax_category"] = reader.problem(
            f"{place}.tax_category", f"{shown(category)} is not one of {', '.join(CATEGORIES)} "
                                     "(or null, outside VAT).")
    values["rate"] = _rate(reader, values["rate"], f"{place}.rate", nullable=True)
    if any_bad(values["tax_category"], values["rate"], values["kind"]):
        return values
    if (values["tax_category"] is None) != (values["rate"] is None):
        values["rate"] = reader.problem(f"{place}.rate", "goes with a tax category: both are "
                                                         "given, or both are null (outside VAT).")
    elif values["kind"] in DEPOSIT_KINDS and values["tax_category"] is not None:
        values["tax_category"] = reader.problem(f"{place}.tax_category", "is not null: a "
                                                "deposit is outside VAT (rule 15).")
    return values


def _check(reader: Reader, place: str, values: dict, lines: list[dict],
           groups: list[dict]) -> None:
    """Rules 15 and 17: the type fits the total and the lines, the groups are the lines'
    groups, the totals add up."""
    kind, total, subtotal = values["type"], values["total"], values["subtotal"]
    if any_bad(kind, total, subtotal):
        return
    if kind in DEPOSIT_TYPES and any(line["kind"] not in DEPOSIT_KINDS for line in lines):
        reader.problem(f"{place}.lines", f"holds a line that is not a deposit: a {kind} "
                                         "holds deposits alone (rule 15).")
    crediting = kind in CREDITING
    if crediting != (total < 0):
        reader.problem(f"{place}.type", f"{shown(kind)} is not the type of a document with a "
                                        f"total of {total}: an invoice or a deposit request is "
                                        "not below zero, a credit note or a deposit return is.")
    if values["credits"] not in (BAD, []) and kind != CREDIT_NOTE:
        reader.problem(f"{place}.credits", "names credited invoices, which only a credit note "
                                           "does.")
    found = tax_groups(Line(line["kind"], "", line["amount"], tax_category=line["tax_category"],
                            rate=None if line["rate"] is None else parse_rate(line["rate"]))
                       for line in lines)
    given = [(g["category"], parse_rate(g["rate"]), g["net"]) for g in groups]
    if given != [(g.category, g.rate, g.net) for g in found]:
        shown_groups = ", ".join(f"{g.category} {rate_text(g.rate)} % of {g.net}"
                                 for g in found) or "none"
        reader.problem(f"{place}.tax", f"is not the groups of its lines ({shown_groups}).")
    elif len(groups) > 1:
        # One group may keep the tax of a document issued before lines kept their rates
        # (migration 0008); several are always each rounded once (rule 17).
        for j, (group, expected) in enumerate(zip(groups, found)):
            if group["tax"] != expected.tax:
                reader.problem(f"{place}.tax[{j}].tax", f"{group['tax']} is not "
                                                        f"{rate_text(expected.rate)} % of "
                                                        f"{expected.net} ({expected.tax}).")
    amounts = sum(line["amount"] for line in lines)
    if subtotal != amounts:
        reader.problem(f"{place}.subtotal", f"{subtotal} is not the sum of its lines "
                                            f"({amounts}).")
    if total != subtotal + values["tax"]:
        reader.problem(f"{place}.total", f"{total} is not the subtotal plus the tax of its "
                                         f"groups ({subtotal + values['tax']}).")
    credit, due = values["credit_applied"], values["amount_due"]
    if any_bad(credit, due):
        return
    if total >= 0 and not 0 <= credit <= total:
        reader.problem(f"{place}.credit_applied", f"{credit} is not between 0 and the total "
                                                  f"({total}).")
    elif total < 0 and credit != 0:
        reader.problem(f"{place}.credit_applied", f"{credit} is not 0: a total of {total} "
                                                  "uses no credit.")
    elif total >= 0 and due != total - credit:
        reader.problem(f"{place}.amount_due", f"{due} is not the total less the credit applied "
                                              f"({total - credit}).")
    elif total < 0 and due != 0:
        reader.problem(f"{place}.amount_due", f"{due} is not 0: a total of {total} leaves "
                                              "nothing due.")


def _check_credits(reader: Reader, documents: list[tuple[dict, list[dict]]],
                   places: dict[str, str]) -> None:
    """Rule 17: a credit note names invoices of the document, of its member."""
    members = {values["number"]: values["member"] for values, _lines in documents}
    for values, _lines in documents:
        for j, number in enumerate(values["credits"]):
            if members.get(number) != values["member"]:
                reader.problem(f"{places[values['number']]}.credits[{j}]",
                               f"{shown(number)} is not the number of a document of "
                               f"{values['member']}.")

