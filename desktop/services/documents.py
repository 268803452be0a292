"""What a document shows (docs/design.md#vocabulary "Invoice document"; rules 15, 17, 18),
gathered in one read.

The renderer in desktop/documents lays it out; this module only collects the issued document
(an invoice, a credit note, a deposit request or a deposit return), the site's identity and
exemption reason, the member's billing details and where the document stands with its
allocations, so the document view, Print, Save as PDF and `frontdesk invoices pdf` show the
same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.addresses import Contact, PostalAddress
from desktop.domain.model import Invoice
from desktop.i18n import _
from desktop.ledger.mapping import invoice_to_domain
from desktop.services.errors import NotFound
from desktop.services.payments import InvoiceStanding, invoice_row, invoice_standing
from desktop.services.settings import SiteSettings, settings_of_row
from desktop.storage import models as m


@dataclass(frozen=True)
class BillTo:
    """The member as the invoice names them."""

    name: str
    company: str
    email: str
    address: str
    vat_id: str
    # Rule 28: the address in its parts and the buyer reference (Leitweg-ID) of e-invoices.
    postal: PostalAddress = PostalAddress()
    buyer_reference: str = ""


@dataclass(frozen=True)
class DebitNotice:
    """Rule 30's pre-notification: what will be (or was) collected by direct debit, on which
    day, under which mandate and creditor identifier, from which account."""

    amount: int
    day: date
    mandate: str
    creditor_id: str
    iban: str


@dataclass(frozen=True)
class InvoiceDocument:
    """A document of any type (rules 15, 17): an invoice, a credit note, a deposit request or
    a deposit return, as it prints."""

    invoice: Invoice
    site: SiteSettings
    bill_to: BillTo
    standing: InvoiceStanding
    language: str = ""  # the site's locale when it was issued ("" = the site's current one)
    # Rule 17: the site's reason printed under an exempt group (Preferences).
    exemption_reason: str = ""
    # Rule 30: the direct debit that pays it, when its member has a mandate.
    direct_debit: DebitNotice | None = None
    # Rule 28: the site's address in its parts, its contact and tax number (e-invoices).
    site_address: PostalAddress = PostalAddress()
    contact: Contact = Contact()
    tax_number: str = ""


def _document(session: Session, row: m.InvoiceRow, site: SiteSettings,
              today: date) -> InvoiceDocument:
    member = session.get(m.MemberRow, row.member_id)
    assert member is not None  # an invoice's member is never deleted (a foreign key)
    bill_to = BillTo(member.name, member.company or "", member.email,
                     member.billing_address or "", member.vat_id or "", member_address(member),
                     member.buyer_reference or "")
    standing = invoice_standing(session, row, today)
    return InvoiceDocument(invoice_to_domain(row), site, bill_to, standing, row.language or "",
                           _exemption_reason(session), debit_notice(session, row, standing),
                           site.postal, site.contact, site.tax_number)


def member_address(member: m.MemberRow) -> PostalAddress:
    """A member's address in its parts (rule 28; empty parts where 0010 could not split)."""
    return PostalAddress(member.address_street or "", member.address_line2 or "",
                         member.address_postcode or "", member.address_city or "",
                         member.address_country or "")


def debit_notice(session: Session, row: m.InvoiceRow,
                 standing: InvoiceStanding) -> DebitNotice | None:
    """Rule 30: a document in a collection file names its collection (day, mandate); an open
    one of a member whose mandate may collect names the due date it will be collected on.
    None when nothing is left to pay, or on a document nobody pays."""
    from desktop.domain.accounts import PAYABLE
    from desktop.domain.direct_debit.mandates import usable
    from desktop.services.banking.mandates import creditor_of, mandates_of

    if row.type not in PAYABLE or standing.outstanding <= 0:
        return None
    creditor = creditor_of(session).creditor_id
    mandate = mandates_of(session, [row.member_id]).get(row.member_id)
    if row.collection_mandate and row.collection_date is not None:
        iban = mandate.iban if mandate is not None and \
            mandate.reference == row.collection_mandate else ""
        return DebitNotice(standing.outstanding, row.collection_date, row.collection_mandate,
                           creditor, iban)
    if not creditor or mandate is None or not usable(mandate, standing.due_date):
        return None
    return DebitNotice(standing.outstanding, standing.due_date, mandate.reference, creditor,
                       mandate.iban)


def _exemption_reason(session: Session) -> str:
    return session.scalar(select(m.SettingsRow.exemption_reason)
                          .where(m.SettingsRow.id == 1)) or ""


class DocumentService:
    def __init__(self, db, clock) -> None:
        self.db = db
        self.clock = clock

    def invoice(self, invoice: int | str) -> InvoiceDocument:
        """The document of one invoice, by database id or by number (NotFound otherwise)."""
        with self.db.session() as session:
            site = settings_of_row(session.get(m.SettingsRow, 1))
            return _document(session, invoice_row(session, invoice), site, self.clock.today())

    def issued_on(self, day: date) -> list[InvoiceDocument]:
        """The documents of every type issued on the day, in issue order."""
        with self.db.session() as session:
            site = settings_of_row(session.get(m.SettingsRow, 1))
            rows = session.scalars(select(m.InvoiceRow).where(m.InvoiceRow.issue_date == day)
                                   .order_by(m.InvoiceRow.id)).all()
            return [_document(session, row, site, self.clock.today()) for row in rows]

    def numbered(self, number: str) -> InvoiceDocument:
        try:
            return self.invoice(number)
        except NotFound:
            raise NotFound(_("There is no invoice numbered {number}.").format(
                number=number)) from None
