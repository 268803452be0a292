"""A member's e-invoice data (rule 28): the address in its parts, the buyer reference
(Leitweg-ID), and what an e-invoice still lacks, for the member page.

Kept apart from members.py: the member dialog's details stay as they are, and this page saves
its own fields with their own audit rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from desktop.domain.addresses import PostalAddress, country_problem
from desktop.domain.model import Problem
from desktop.i18n import _
from desktop.ledger import audit
from desktop.services.changes import Changes
from desktop.services.documents import member_address
from desktop.services.errors import NotFound, ValidationError, text_problems
from desktop.storage import models as m

# MemberEInvoice's field -> the members row's column.
COLUMNS = {"street": "address_street", "line2": "address_line2",
           "postcode": "address_postcode", "city": "address_city",
           "country": "address_country", "buyer_reference": "buyer_reference"}
LABELS = {"street": "Street", "line2": "Address line 2", "postcode": "Postcode",
          "city": "City", "country": "Country", "buyer_reference": "Buyer reference"}


@dataclass(frozen=True)
class MemberEInvoice:
    street: str = ""
    line2: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    buyer_reference: str = ""

    @property
    def postal(self) -> PostalAddress:
        return PostalAddress(self.street, self.line2, self.postcode, self.city, self.country)


def einvoice_gaps(address: PostalAddress, site: m.SettingsRow | None) -> list[str]:
    """What an e-invoice to this member still lacks, as the member page says it (translated):
    the member's address parts, and the site's name, address and VAT id or tax number."""
    gaps = []
    missing = [part for part in address.missing() if part != "street"]
    names = {"postcode": _("postcode"), "city": _("city"), "country": _("country")}
    if missing:
        gaps.append(_("The member's address has no {parts}.").format(
            parts=", ".join(names[part] for part in missing)))
    site_parts = [site and site.address_city, site and site.address_postcode,
                  site and site.address_country, site and site.address_street]
    if site is None or not (site.site_name or "").strip() or not all(site_parts):
        gaps.append(_("The site's name and address are not complete (Preferences)."))
    if site is None or not ((site.vat_id or "").strip() or (site.tax_number or "").strip()):
        gaps.append(_("The site has neither a VAT id nor a tax number (Preferences)."))
    return gaps


class EInvoiceDataService:
    def __init__(self, db, clock) -> None:
        self.db = db
        self.clock = clock

    def get(self, member_id: int) -> MemberEInvoice:
        with self.db.session() as session:
            row = session.get(m.MemberRow, member_id)
            if row is None:
                raise NotFound(_("This member no longer exists."))
            return MemberEInvoice(**{field: getattr(row, column) or ""
                                     for field, column in COLUMNS.items()})

    def gaps(self, member_id: int) -> list[str]:
        """What an e-invoice to the member still lacks; empty when nothing does."""
        with self.db.session() as session:
            row = session.get(m.MemberRow, member_id)
            if row is None:
                raise NotFound(_("This member no longer exists."))
            site = session.scalar(select(m.SettingsRow).where(m.SettingsRow.id == 1))
            return einvoice_gaps(member_address(row), site)

    def save(self, member_id: int, data: MemberEInvoice) -> Changes:
        """Save the member's e-invoice data; ValidationError (nothing written) when a field is
        wrong (a control character, a country that is not an ISO code)."""
        values = {field: (getattr(data, field) or "").strip() for field in COLUMNS}
        values["country"] = values["country"].upper()
        problems = text_problems(values)
        if not any(p.field == "country" for p in problems) and (
                country := country_problem(values["country"])) is not None:
            problems.append(Problem("country", country))
        if problems:
            raise ValidationError(problems)
        with self.db.write() as session:
            row = session.get(m.MemberRow, member_id)
            if row is None:
                raise NotFound(_("This member no longer exists."))
            before = {LABELS[f]: getattr(row, c) or "" for f, c in COLUMNS.items()}
            for field, column in COLUMNS.items():
                setattr(row, column, values[field])
            audit.write_changes(session, at=self.clock.now(), who=audit.operator(session),
                                entity="member", entity_id=row.id, before=before,
                                after={LABELS[f]: values[f] for f in COLUMNS},
                                member_id=row.id)
        return Changes.of(members=[member_id])
