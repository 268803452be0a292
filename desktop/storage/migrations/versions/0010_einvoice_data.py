"""E-invoice data (rule 28): structured addresses of the site and members, the site's contact
and tax number, members' buyer reference.

Revision ID: 0010_einvoice_data
Revises: 0009_search_trigrams
Create Date: 2026-12-08

Existing free-text addresses are split into street, second line, postcode and city where that
is safe (`desktop.domain.addresses.split_address`: "Street 1\\n12345 City", the country being
the site's, read from its locale's territory, or a member's EU VAT id's). The rest stay
unsplit: the free text is kept as it was, the parts stay empty and the member page says what
an e-invoice still needs.
"""

import sqlalchemy as sa
from alembic import op

from desktop.domain.addresses import split_address
from desktop.domain.vat import country as vat_country

revision = "0010_einvoice_data"
down_revision = "0012_direct_debit"
branch_labels = None
depends_on = None

ADDRESS = ("address_street", "address_line2", "address_postcode", "address_city",
           "address_country")
SETTINGS = (*ADDRESS, "contact_name", "contact_phone", "contact_email", "tax_number")
MEMBERS = (*ADDRESS, "buyer_reference")


def _territory(locale: str | None) -> str:
    """"de_DE" -> "DE"; "" when the locale names no territory."""
    parts = (locale or "").replace("-", "_").split("_")
    return parts[1].upper() if len(parts) > 1 and len(parts[1]) == 2 else ""


def _parts(text: str | None, country: str) -> dict[str, str] | None:
    found = split_address(text or "", country)
    if found is None:
        return None
    return dict(zip(ADDRESS, (found.street, found.line2, found.postcode, found.city,
                              found.country), strict=True))


def upgrade() -> None:
    for name in SETTINGS:
        op.add_column("settings", sa.Column(name, sa.String(), nullable=True))
    for name in MEMBERS:
        op.add_column("members", sa.Column(name, sa.String(), nullable=True))
    connection = op.get_bind()
    settings = sa.table("settings", sa.column("id"), sa.column("locale"), sa.column("address"),
                        *(sa.column(name) for name in ADDRESS))
    members = sa.table("members", sa.column("id"), sa.column("billing_address"),
                       sa.column("vat_id"),
                       *(sa.column(name) for name in ADDRESS))
    site = connection.execute(sa.select(settings.c.locale, settings.c.address)
                              .where(settings.c.id == 1)).first()
    country = _territory(site.locale) if site is not None else ""
    if site is not None and (parts := _parts(site.address, country)):
        connection.execute(settings.update().where(settings.c.id == 1).values(**parts))
    rows = connection.execute(sa.select(members.c.id, members.c.billing_address,
                                        members.c.vat_id)
                              .where(members.c.billing_address.is_not(None))).all()
    for row in rows:
        # A member with an EU VAT id is in that id's country; one without, the site's.
        if parts := _parts(row.billing_address, vat_country(row.vat_id or "") or country):
            connection.execute(members.update().where(members.c.id == row.id).values(**parts))


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        for name in MEMBERS:
            batch.drop_column(name)
    with op.batch_alter_table("settings") as batch:
        for name in SETTINGS:
            batch.drop_column(name)
