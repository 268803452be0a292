"""Reading a whole frontdesk/1 or frontdesk/2 document and checking it (docs/exchange-format.md):
settings, plans, members.

`read_document` reads every section, collecting every problem with its place; the contracts,
invoices, payments and what happened (history) are read in their own modules. Nothing here
writes.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from datetime import date

from desktop.domain.limits import email_key, plain_rate
from desktop.domain.model import STANDARD, TAX_CATEGORIES, Contract, Plan
from desktop.services.exchange import direct_debit, einvoice_fields, legacy, mail
from desktop.services.exchange.allocations import (
    read_allocated_payments,
    read_credit_allocations,
    refund_problems,
)
from desktop.services.exchange.charges import read_charges
from desktop.services.exchange.contracts import read_contracts
from desktop.services.exchange.documents import read_documents
from desktop.services.exchange.export import ACCOUNT_SETTINGS, FORMAT, FORMATS, SETTINGS_KEYS
from desktop.services.exchange.history import History, Named, read_history
from desktop.services.exchange.invoices import read_invoices
from desktop.services.exchange.payments import read_payments
from desktop.services.exchange.values import (
    BAD,
    ImportProblems,
    Reader,
    any_bad,
    shown,
    unwritable_text,
)
from desktop.storage.models import SETTINGS_DEFAULTS

_log = logging.getLogger(__name__)
_SECTIONS = ("format", "settings", "plans", "members", "contracts", "invoices", "payments")
# The sections frontdesk/2 added: what happened, so a move keeps it, and the member's account
# (docs/exchange-format.md): documents of every type in place of invoices, and the allocations
# of credit.
_ADDED_SECTIONS = ("history", "applied_transitions", "plan_changes", "sweep_runs",
                   "documents", "credit_allocations", "charges")


@dataclass(frozen=True)
class Document:
    settings: dict
    plans: list[Plan]
    members: list[dict]
    contracts: list[Contract]
    documents: list[tuple[dict, list[dict]]]
    payments: list[dict]  # each with its allocations: (document number, amount)
    credit_allocations: list[dict]
    history: History
    version: int = 2  # of the format the document was written in
    charges: tuple[dict, ...] = ()  # rule 27: pending and billed (exchange/charges.py)


def read_document(doc, today: date) -> Document:
    """Read and check a whole document; ImportProblems lists every problem with its place."""
    if not isinstance(doc, dict):
        raise ImportProblems([f"The document is {shown(doc)[:40]}, not a {FORMAT} object."])
    if unwritable := unwritable_text(doc):
        raise ImportProblems(unwritable)
    named = doc.get("format")
    reader = Reader(FORMATS.get(named, 2) if isinstance(named, str) else 2)
    try:
        return _read_sections(reader, doc, today)
    except ImportProblems:
        raise
    except Exception:  # a value of a kind no check foresaw: still one sentence, never Python's
        _log.exception("unforeseen value in an imported document")
        raise ImportProblems([*reader.problems, "The document holds a value of a kind Frontdesk "
                              "cannot read; nothing was imported."]) from None


def _read_sections(reader: Reader, doc: dict, today: date) -> Document:
    if doc.get("format") not in FORMATS:
        reader.problem("format", f"{shown(doc.get('format'))} is not {shown(FORMAT)} (or the "
                                 "older \"frontdesk/1\").")
    sections = _SECTIONS + (_ADDED_SECTIONS if reader.version >= 2 else ())
    for key in doc:
        if key not in sections:
            reader.problem(key, "is not a section of this format.")
    settings = read_settings(reader, doc.get("settings"))
    plans, plan_names = read_plans(reader, doc.get("plans"))
    by_name = {plan.name: plan for plan in plans}
    members, member_names = read_members(reader, doc.get("members"), today)
    emails = {row["email"] for row in members}
    contracts = read_contracts(reader, doc.get("contracts"), by_name, plan_names, emails,
                               member_names, today, settings.get("billing_day"))
    ids = {item.get("id") for item in doc.get("contracts") or [] if isinstance(item, dict)}
    contract_ids = {i for i in ids if isinstance(i, str)}
    if "invoices" in doc or reader.version < 2:
        # frontdesk/1 (or a frontdesk/2 written before documents had types): converted as
        # migration 0008 converts a database of its age (legacy.py).
        if reader.version >= 2 and ("documents" in doc or "credit_allocations" in doc):
            reader.problem("invoices", "cannot stand beside documents and credit_allocations: "
                                       "a document holds one or the other.")
        invoices = read_invoices(reader, doc.get("invoices"), emails, member_names,
                                 contract_ids)
        paid = read_payments(reader, doc.get("payments"), invoices, members)
        documents = legacy.as_documents(invoices, _given(settings, "tax_rate"),
                                        _given(settings, "payment_terms"))
        payments = legacy.as_allocated(paid)
        credit = legacy.credit_applied(documents)
    else:
        documents, numbers = read_documents(reader, doc.get("documents"), emails, member_names,
                                            contract_ids)
        payments, taken = read_allocated_payments(reader, doc.get("payments"), documents,
                                                  emails, numbers)
        credit = read_credit_allocations(reader, doc.get("credit_allocations"), documents,
                                         taken, numbers)
    refund_problems(reader, payments, documents, credit, members)
    charges = read_charges(reader, doc.get("charges"), emails, plan_names,
                           {values["number"] for values, _lines in documents}, contract_ids)
    # Named as the document names them, read or not: a broken one is told once, at its place.
    given = doc.get("payments")
    history = read_history(reader, doc, Named(
        member_names, {i for i in ids if isinstance(i, str)}, plan_names,
        len(given) if isinstance(given, list) else 0))
    if reader.problems:
        raise ImportProblems(reader.problems)
    return Document(settings, plans, members, contracts, documents, payments, credit, history,
                    reader.version, tuple(charges))


def _given(settings: dict, key: str):
    """A setting as read, its default when it was refused (the import stops before writing)."""
    value = settings.get(key, SETTINGS_DEFAULTS[key])
    return SETTINGS_DEFAULTS[key] if value is BAD else value


def read_settings(reader: Reader, value) -> dict:
    rec = reader.record({} if value is None else value, "settings", (),
                        {**{key: SETTINGS_DEFAULTS[key] for key in SETTINGS_KEYS}, "logo": None},
                        {"operator": SETTINGS_DEFAULTS["operator"],
                         **{key: SETTINGS_DEFAULTS[key] for key in ACCOUNT_SETTINGS},
                         **direct_debit.SETTINGS_ADDED, **mail.SETTINGS_ADDED,
                         **einvoice_fields.SETTINGS_ADDED, "cancellations_on_boundary": True})
    if rec is None:
        return {}
    address = einvoice_fields.split_settings_address(rec)
    from desktop.i18n.formatting import Formatter
    from desktop.i18n.translations import parse_locale

    def currency_code(code: str) -> None:
        """A currency code Babel knows, in capitals as ISO 4217 writes it ("eur" is refused:
        the code is stored as given and printed on invoices)."""
        Formatter("en_IE", code)
        if code != code.upper():
            raise ValueError(f"{shown(code)} is not a currency code such as \"EUR\" or "
                             "\"GBP\": it is written in capitals.")

    def checked(key: str, check) -> object:
        """The setting's text, with the check's sentence reported at its place when it fails."""
        value = reader.text(rec[key], f"settings.{key}", required=True)
        if isinstance(value, str) and value != value.strip():
            return reader.problem(f"settings.{key}", f"{shown(value)} has spaces around it.")
        if value is not BAD:
            try:
                check(value)
            except ValueError as exc:
                reader.problem(f"settings.{key}", str(exc))
        return value

    currency = checked("currency", currency_code)
    locale = checked("locale", parse_locale)
    rate = checked("tax_rate", plain_rate)  # "1e2" is no tax rate a person writes
    reduced = checked("reduced_tax_rate", plain_rate)
    day = rec["billing_day"]
    if isinstance(day, int) and not isinstance(day, bool) and day > 31:
        day = reader.problem("settings.billing_day",
                             f"{shown(day)} is not a day of the month (1 to 31).")
    else:
        day = reader.integer(day, "settings.billing_day", nullable=True, minimum=1)
    identity = {key: reader.text(rec[key], f"settings.{key}",
                                 multiline=key in ("address", "exemption_reason"))
                for key in ("site_name", "address", "vat_id", "iban", "invoice_prefix",
                            "operator", "exemption_reason", "credit_note_prefix",
                            "deposit_prefix")}
    from desktop.services.settings import iban_problem, prefix_problem

    for key, check in (("iban", iban_problem), ("invoice_prefix", prefix_problem),
                       ("credit_note_prefix", prefix_problem),
                       ("deposit_prefix", prefix_problem)):
        if isinstance(identity[key], str) and (problem := check(identity[key])):
            identity[key] = reader.problem(f"settings.{key}", problem)
    terms = reader.integer(rec["payment_terms"], "settings.payment_terms", minimum=0,
                           maximum=365)
    return {"currency": currency, "locale": locale, "tax_rate": rate, "reduced_tax_rate": reduced,
            "billing_day": day,
            **identity, "payment_terms": terms, "logo": read_logo(reader, rec["logo"]),
            **direct_debit.read_settings(reader, rec),
            **mail.read_settings(reader, rec),
            **einvoice_fields.read_settings(reader, rec, address),
            "cancellations_on_boundary": reader.flag(rec["cancellations_on_boundary"],
                                                     "settings.cancellations_on_boundary")}


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def read_logo(reader: Reader, value) -> bytes | None | object:
    """The logo: base64 text of a PNG picture (as export writes it), or null; BAD (told as a
    problem) when it is neither."""
    text = reader.text(value, "settings.logo", nullable=True)
    if not isinstance(text, str):
        return text
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if not data.startswith(PNG_SIGNATURE):
        return reader.problem("settings.logo", "is not a PNG picture written in base64.")
    return data


def read_plans(reader: Reader, value) -> tuple[list[Plan], set[str]]:
    """The plans read without problems (document order) and every name the document gives."""
    read: list[tuple[str, Plan, list]] = []
    named: set[str] = set()
    folded: dict[str, str] = {}  # lower-case name -> the name as first given
    for i, item in enumerate(reader.items(value, "plans")):
        place = f"plans[{i}]"
        rec = reader.record(item, place, ("name", "price"),
                            {"kind": "plan", "frequency": "1 month", "deposit": 0, "group": None,
                             "archived": False, "allowances": {}, "addons": []},
                            {"tax_category": STANDARD, "allowance_unit": None,
                             "expires_months": None, "prices": [],
                             "early_termination_fee": None})
        if rec is None:
            continue
        name = reader.text(rec["name"], f"{place}.name", required=True)
        if isinstance(name, str):
            if name in named:
                name = reader.problem(f"{place}.name", f"{shown(name)} is used by another plan.")
            elif name.lower() in folded:  # the catalog tells plans apart regardless of case
                named.add(name)
                name = reader.problem(f"{place}.name", f"{shown(name)} is the name of another "
                                      f"plan, {shown(folded[name.lower()])}, in other "
                                      "capitals.")
            else:
                named.add(name)
                folded[name.lower()] = name
        kind = rec["kind"]
        if kind not in ("plan", "addon"):
            kind = reader.problem(f"{place}.kind", f'{shown(kind)} is not "plan" or "addon".')
        price = reader.money(rec["price"], f"{place}.price", minimum=0)
        frequency = reader.frequency(rec["frequency"], f"{place}.frequency",
                                     nullable=kind == "addon")
        deposit = reader.money(rec["deposit"], f"{place}.deposit", minimum=0)
        group = reader.text(rec["group"], f"{place}.group", nullable=True)
        archived = reader.flag(rec["archived"], f"{place}.archived")
        allowances = rec["allowances"]
        if not isinstance(allowances, dict):
            allowances = reader.problem(f"{place}.allowances",
                                        f"{shown(allowances)} is not an object.")
        else:
            for key, amount in allowances.items():
                if reader.text(key, f"{place}.allowances.{key}") is BAD \
                        or reader.integer(amount, f"{place}.allowances.{key}", minimum=0) is BAD:
                    allowances = BAD
        addons = reader.items(rec["addons"], f"{place}.addons")
        category = rec["tax_category"]
        if category not in TAX_CATEGORIES:  # reverse charge is a member's, never a plan's
            category = reader.problem(f"{place}.tax_category", f"{shown(category)} is not one "
                                                               f"of {', '.join(TAX_CATEGORIES)}.")
        unit = reader.text(rec["allowance_unit"], f"{place}.allowance_unit", nullable=True)
        months = reader.integer(rec["expires_months"], f"{place}.expires_months", minimum=1,
                                maximum=120, nullable=True)
        prices = _read_prices(reader, rec["prices"], f"{place}.prices")
        fee = rec["early_termination_fee"]
        if fee != "remaining":
            fee = reader.money(fee, f"{place}.early_termination_fee", minimum=0, nullable=True)
        if not any_bad(name, kind, price, frequency, deposit, group, archived, allowances,
                       category, unit, months, prices, fee):
            read.append((place, Plan(name=name, price=price, frequency=frequency, deposit=deposit,
                                     group=group, archived=archived, kind=kind,
                                     allowances=dict(sorted(allowances.items())),
                                     tax_category=category, allowance_unit=unit or None,
                                     expires_months=months, prices=prices,
                                     early_termination_fee=fee), addons))
    kinds = {plan.name: plan.kind for _, plan, _ in read}
    plans = []
    for place, plan, addons in read:
        offered = []
        for j, name in enumerate(addons):
            if isinstance(name, str) and kinds.get(name) == "addon":
                offered.append(name)
            elif isinstance(name, str) and name in kinds:
                reader.problem(f"{place}.addons[{j}]", f"{shown(name)} is a plan, not an add-on.")
            elif not (isinstance(name, str) and name in named):  # a broken plan is reported once
                reader.problem(f"{place}.addons[{j}]", f"{shown(name)} is not an add-on in plans.")
        plans.append(Plan(**{**plan.__dict__, "addons": tuple(sorted(set(offered)))}))
    return plans, named


def _read_prices(reader: Reader, value, place: str):
    """Rule 24: a plan's price history, each `{"from": DATE, "price"}`, days in order."""
    prices: list[tuple[date, int]] = []
    for j, item in enumerate(reader.items(value, place)):
        rec = reader.record(item, f"{place}[{j}]", ("from", "price"), {})
        if rec is None:
            return BAD
        day = reader.day(rec["from"], f"{place}[{j}].from")
        price = reader.money(rec["price"], f"{place}[{j}].price", minimum=0)
        if any_bad(day, price):
            return BAD
        if prices and day <= prices[-1][0]:
            return reader.problem(f"{place}[{j}].from", "is not after the day before it.")
        prices.append((day, price))
    return tuple(prices)


def read_members(reader: Reader, value, today: date) -> tuple[list[dict], set[str]]:
    """Member rows read without problems (document order) and every email the document gives;
    each row's `mandate` (rule 30) goes to its own table."""
    rows: list[dict] = []
    mandates: dict[str, str] = {}
    named: set[str] = set()
    keys: dict[str, str] = {}  # email_key -> the email that first had it
    for i, item in enumerate(reader.items(value, "members")):
        place = f"members[{i}]"
        rec = reader.record(item, place, ("email", "name"),
                            {"company": "", "phone": "", "notes": "", "credit_balance": 0,
                             "deposit_held": 0, "billing_address": "", "vat_id": ""},
                            {"archived": False, **direct_debit.MEMBER_ADDED,
                             **mail.MEMBER_ADDED, **einvoice_fields.MEMBER_ADDED})
        if rec is None:
            continue
        email = reader.text(rec["email"], f"{place}.email", required=True)
        if isinstance(email, str):
            if "@" not in email:
                email = reader.problem(f"{place}.email",
                                       f"{shown(email)} is not an email address.")
            elif email_key(email) in keys:  # told apart as the window does (members.py)
                email = reader.problem(f"{place}.email", f"{shown(email)} is used by another "
                                       f"member, as {shown(keys[email_key(email)])}.")
            else:
                named.add(email)
                keys[email_key(email)] = email
        values = dict(
            email=email, name=reader.text(rec["name"], f"{place}.name", required=True),
            company=reader.text(rec["company"], f"{place}.company"),
            phone=reader.text(rec["phone"], f"{place}.phone"),
            notes=reader.text(rec["notes"], f"{place}.notes", multiline=True),
            credit_balance=reader.money(rec["credit_balance"], f"{place}.credit_balance"),
            deposit_held=reader.money(rec["deposit_held"], f"{place}.deposit_held", minimum=0),
            billing_address=reader.text(rec["billing_address"], f"{place}.billing_address",
                                        multiline=True),
            vat_id=reader.text(rec["vat_id"], f"{place}.vat_id"),
            archived=reader.flag(rec["archived"], f"{place}.archived"),
            **direct_debit.read_member(reader, rec, place, mandates, today),
            **mail.read_member(reader, rec, place),
            **einvoice_fields.read_member(reader, rec, place))
        if not any_bad(*values.values()):
            rows.append(values)
    return rows, named
