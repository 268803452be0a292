"""What an e-invoice says (rule 28), read once from an invoice document for every syntax.

The writers (cii.py, ubl.py) only place these facts; the choices live here: a credit note is
type 381 with its amounts positive (a line that added to it becomes a negative quantity), a
line's period ends on its last day (Frontdesk's periods are half-open), the credit applied is
the prepaid amount, and every tax group has its EN 16931 category (UNCL 5305) and, exempt or
reverse charge, its reason. A document that lacks what a valid e-invoice needs is refused with
one sentence naming what is missing (`NotAnEInvoice`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from desktop.documents.invoice_layout import issued_formatter, line_text
from desktop.domain.addresses import Contact, PostalAddress
from desktop.domain.model import (
    CREDIT_NOTE,
    EXEMPT,
    INVOICE,
    REDUCED,
    REVERSE_CHARGE,
    STANDARD,
    ZERO,
)
from desktop.domain.money import rate_text, to_major
from desktop.i18n import _
from desktop.i18n.formatting import Formatter
from desktop.i18n.translations import load
from desktop.services.documents import InvoiceDocument
from desktop.services.errors import ServiceError

FACTURX, XRECHNUNG, UBL = "facturx", "xrechnung", "ubl"
KINDS = (FACTURX, XRECHNUNG, UBL)
INVOICE_CODE, CREDIT_NOTE_CODE = "380", "381"  # UNCL 1001
# Rule 17's categories as EN 16931 names them (UNCL 5305): both rates of the site are "S".
CATEGORY_CODES = {STANDARD: "S", REDUCED: "S", ZERO: "Z", EXEMPT: "E", REVERSE_CHARGE: "AE"}
REVERSE_CHARGE_CODE = "VATEX-EU-AE"  # the CEF VATEX code of reverse charge
UNIT_CODE = "C62"  # UN/ECE Rec. 20 "one": a line is one supply of its period
# UNCL 4461: SEPA credit transfer to the site's IBAN; a credit note goes to the credit balance
# (rule 17), a clearing between the partners; "not defined" when the site keeps no IBAN.
CREDIT_TRANSFER, CLEARING, UNDEFINED = "58", "97", "1"
DIRECT_DEBIT = "59"  # SEPA direct debit (rule 30): BT-89 mandate, BT-90 creditor, BT-91 account


class NotAnEInvoice(ServiceError):
    """A document that cannot become a valid e-invoice; the sentence names what is missing."""


@dataclass(frozen=True)
class Party:
    name: str
    address: PostalAddress
    vat_id: str = ""
    tax_number: str = ""
    email: str = ""
    contact: Contact = Contact()


@dataclass(frozen=True)
class LineFacts:
    number: int
    name: str
    quantity: int        # 1, or -1 for a line that takes away from the document
    price: Decimal       # never negative (BR-27)
    net: Decimal
    category: str
    rate: str
    start: date | None   # the first day of the line's period
    end: date | None     # its last day (the day before Frontdesk's half-open end)


@dataclass(frozen=True)
class GroupFacts:
    category: str
    rate: str
    net: Decimal
    tax: Decimal
    reason: str = ""
    reason_code: str = ""


@dataclass(frozen=True)
class EInvoiceFacts:
    number: str
    type_code: str
    issue_date: date
    due_date: date | None
    currency: str
    seller: Party
    buyer: Party
    buyer_reference: str
    lines: tuple[LineFacts, ...]
    groups: tuple[GroupFacts, ...]
    line_total: Decimal
    tax_total: Decimal
    grand_total: Decimal
    prepaid: Decimal
    payable: Decimal
    payment_code: str
    iban: str
    preceding: tuple[str, ...]
    notes: tuple[str, ...]
    period: tuple[date, date] | None
    delivery_date: date | None = None  # BT-72: the billing date (rule 18) the supply belongs to
    # Rule 30: a document a direct debit pays names its mandate (BT-89), the site's creditor
    # identifier (BT-90) and the member's account it is debited from (BT-91).
    mandate: str = ""
    creditor_id: str = ""
    debtor_iban: str = ""


def _missing(number: str, what: list[str]) -> NotAnEInvoice:
    return NotAnEInvoice(_("{number} cannot be an e-invoice: {missing}.").format(
        number=number, missing="; ".join(what)))


def _checked(doc: InvoiceDocument, kind: str) -> None:
    """Refuse, naming everything missing at once, what no valid e-invoice can be made of."""
    invoice, site, bill = doc.invoice, doc.site, doc.bill_to
    number = invoice.number or "?"
    if invoice.type not in (INVOICE, CREDIT_NOTE):
        raise NotAnEInvoice(_("{number} is a deposit document: deposits are not supplies and "
                              "are never e-invoices.").format(number=number))
    what = []
    if not site.site_name.strip():
        what.append(_("the site has no name (Preferences)"))
    if doc.site_address.missing():
        what.append(_("the site's address has no {parts} (Preferences)").format(
            parts=", ".join(doc.site_address.missing())))
    if not (site.vat_id.strip() or doc.tax_number.strip()):
        what.append(_("the site has neither a VAT id nor a tax number (Preferences)"))
    buyer_missing = [part for part in bill.postal.missing() if part != "street"]
    if buyer_missing:
        what.append(_("the member {name} has no {parts} in their address").format(
            name=bill.name, parts=", ".join(buyer_missing)))
    categories = {group.category for group in invoice.tax_groups}
    if any(line.rate is None or line.tax_category is None for line in invoice.lines) or (
            invoice.lines and not invoice.tax_groups):
        what.append(_("it was issued before documents kept their tax rates"))
    if EXEMPT in categories and not doc.exemption_reason.strip():
        what.append(_("the site has no VAT exemption reason (Preferences)"))
    if REVERSE_CHARGE in categories and not bill.vat_id.strip():
        what.append(_("the member {name} has no VAT id for the reverse charge").format(
            name=bill.name))
    if kind == XRECHNUNG:
        if not bill.buyer_reference.strip():
            what.append(_("the member {name} has no buyer reference (Leitweg-ID)").format(
                name=bill.name))
        contact = doc.contact
        if not (contact.name.strip() and contact.phone.strip() and contact.email.strip()):
            what.append(_("the site's contact needs a name, a phone number and an e-mail "
                          "address (Preferences)"))
        if invoice.type == INVOICE and not site.iban.strip():
            what.append(_("the site has no IBAN (Preferences)"))
    if what:
        raise _missing(number, what)


def facts_of(doc: InvoiceDocument, formatter: Formatter, kind: str) -> EInvoiceFacts:
    """The e-invoice of an invoice or credit note, or NotAnEInvoice saying what is missing."""
    if kind not in KINDS:
        raise ValueError(f"unknown e-invoice kind {kind!r}")
    _checked(doc, kind)
    invoice, site, bill = doc.invoice, doc.site, doc.bill_to
    currency = formatter.currency
    # A credit note states what it credits as positive amounts (rule 28).
    sign = -1 if invoice.type == CREDIT_NOTE else 1

    def money(amount: int) -> Decimal:
        return to_major(sign * amount, currency)

    words = issued_formatter(doc, formatter)
    gettext = load(str(words.locale)).gettext
    lines = []
    for index, line in enumerate(invoice.lines, start=1):
        net = money(line.amount)
        assert line.tax_category is not None and line.rate is not None  # _checked
        end = line.period_end - timedelta(days=1) if line.period_end is not None else None
        lines.append(LineFacts(index, line_text(line, words, gettext) or line.description,
                               -1 if net < 0 else 1, abs(net), net,
                               CATEGORY_CODES[line.tax_category], rate_text(line.rate),
                               line.period_start, end))
    groups = []
    for group in invoice.tax_groups:
        reason = code = ""
        if group.category == EXEMPT:
            reason = doc.exemption_reason.strip()
        elif group.category == REVERSE_CHARGE:
            reason, code = _("Reverse charge"), REVERSE_CHARGE_CODE
        groups.append(GroupFacts(CATEGORY_CODES[group.category], rate_text(group.rate),
                                 money(group.net), money(group.tax), reason, code))
    notes = tuple(f"{_('Reverse charge')}: {_('the recipient accounts for the VAT')}"
                  for group in groups if group.reason_code == REVERSE_CHARGE_CODE)
    prepaid = money(invoice.credit_applied) if invoice.type == INVOICE else Decimal(0)
    grand = money(invoice.total)
    seller = Party(site.site_name.strip(), doc.site_address, site.vat_id.strip(),
                   doc.tax_number.strip(), doc.contact.email.strip(), doc.contact)
    buyer = Party((bill.company or bill.name).strip(), bill.postal, bill.vat_id.strip(),
                  email=bill.email.strip())
    periods = [(line.start, line.end) for line in lines
               if line.start is not None and line.end is not None]
    period = (min(p[0] for p in periods), max(p[1] for p in periods)) if periods else None
    if period is not None and period[1] < period[0]:
        period = None
    due = invoice.due_date or doc.standing.due_date
    # Only an invoice is collected; a credit note is settled between the parties.
    debit = doc.direct_debit if invoice.type == INVOICE and doc.direct_debit is not None \
        and doc.direct_debit.mandate and doc.direct_debit.creditor_id else None
    return EInvoiceFacts(
        number=invoice.number or "", issue_date=invoice.issue_date,
        type_code=CREDIT_NOTE_CODE if invoice.type == CREDIT_NOTE else INVOICE_CODE,
        due_date=due, currency=currency, seller=seller, buyer=buyer,
        buyer_reference=bill.buyer_reference.strip(), lines=tuple(lines), groups=tuple(groups),
        line_total=money(invoice.subtotal), tax_total=money(invoice.tax), grand_total=grand,
        prepaid=prepaid, payable=grand - prepaid,
        payment_code=(CLEARING if invoice.type == CREDIT_NOTE
                      else DIRECT_DEBIT if debit is not None
                      else CREDIT_TRANSFER if site.iban.strip() else UNDEFINED),
        iban="".join(site.iban.split()) if invoice.type == INVOICE and debit is None else "",
        preceding=tuple(invoice.credits), notes=notes, period=period,
        delivery_date=invoice.billed_on,
        mandate=debit.mandate if debit is not None else "",
        creditor_id=debit.creditor_id if debit is not None else "",
        debtor_iban="".join(debit.iban.split()) if debit is not None else "")
