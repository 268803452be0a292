"""The data e-invoices need (rule 28): the site's address in its parts, contact and tax number
saved with the settings; a member's address parts and buyer reference; what an e-invoice still
lacks, as the member page says it; the PDF printing the structured address."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from desktop.documents.paper import write_pdfs
from desktop.domain.addresses import Contact, PostalAddress
from desktop.i18n.formatting import Formatter
from desktop.services.documents import DocumentService
from desktop.services.einvoice_data import EInvoiceDataService, MemberEInvoice
from desktop.services.errors import ValidationError
from desktop.services.settings import SettingsService, SiteSettings
from desktop.storage import models as m
from service_builders import World
from test_invoice_documents import pdf_text

DAY = date(2024, 4, 11)
SITE = SiteSettings(tax_rate="19", site_name="Hafen Coworking", vat_id="DE136695976",
                    locale="de_DE", address="old free text\nline", street=" Hafenstraße 1 ",
                    postcode="20457", city="Hamburg", country=" de ", contact_name="Desk",
                    contact_phone="+49 40 1", contact_email="desk@hafen.example",
                    tax_number="27/123/45678")


def test_the_sites_parts_contact_and_tax_number_are_saved_normalised():
    world = World(DAY)
    SettingsService(world.db, world.clock).save(SITE)
    saved = SettingsService(world.db, world.clock).get()
    assert saved.postal == PostalAddress("Hafenstraße 1", "", "20457", "Hamburg", "DE")
    assert saved.contact == Contact("Desk", "+49 40 1", "desk@hafen.example")
    assert saved.tax_number == "27/123/45678"


def test_a_country_that_is_not_an_iso_code_is_refused():
    world = World(DAY)
    with pytest.raises(ValidationError) as refused:
        SettingsService(world.db, world.clock).save(replace(SITE, country="Germany"))
    assert [p.field for p in refused.value.problems] == ["country"]
    assert str(refused.value) == ('"GERMANY" is not a two-letter ISO country code such as DE, '
                                  'FR or BE.')


def test_a_members_data_is_saved_and_what_is_missing_is_said():
    world = World(DAY)
    SettingsService(world.db, world.clock).save(SITE)
    member = world.member("Ada Lovelace", "ada@example.org")
    service = EInvoiceDataService(world.db, world.clock)
    assert service.gaps(member) == ["The member's address has no postcode, city, country."]
    service.save(member, MemberEInvoice("Am Markt 3", "", "10115", "Berlin", "de", "991-1"))
    assert service.get(member) == MemberEInvoice("Am Markt 3", "", "10115", "Berlin", "DE",
                                                 "991-1")
    assert service.gaps(member) == []
    with pytest.raises(ValidationError):
        service.save(member, MemberEInvoice(country="XX"))
    assert service.get(member).country == "DE"  # nothing written
    with world.db.session() as session:
        labels = {row.field for row in session.query(m.HistoryRow).filter_by(entity="member")}
    assert {"Street", "Postcode", "City", "Country", "Buyer reference"} <= labels


def test_the_site_without_a_vat_id_or_tax_number_is_named():
    world = World(DAY)
    SettingsService(world.db, world.clock).save(replace(SITE, vat_id="", tax_number=""))
    member = world.member("Ada Lovelace", "ada@example.org")
    service = EInvoiceDataService(world.db, world.clock)
    service.save(member, MemberEInvoice("Am Markt 3", "", "10115", "Berlin", "DE"))
    assert service.gaps(member) == [
        "The site has neither a VAT id nor a tax number (Preferences)."]


def test_the_pdf_prints_the_structured_address(qapp, tmp_path):
    world = World(DAY)
    SettingsService(world.db, world.clock).save(SITE)
    member = world.member("Ada Lovelace", "ada@example.org")
    EInvoiceDataService(world.db, world.clock).save(
        member, MemberEInvoice("Am Markt 3", "2. OG", "10115", "Berlin", "DE"))
    world.contract(member, world.plan("Desk", 25000), DAY)
    world.run_until(member, DAY)
    number = world.invoices(member)[-1].number
    document = DocumentService(world.db, world.clock).invoice(number)
    (path,) = write_pdfs([document], tmp_path, Formatter("de_DE", "EUR"))
    text = pdf_text(path)[0]
    assert "Hafenstraße 1 20457 Hamburg Deutschland" in text
    assert "Am Markt 3 2. OG 10115 Berlin Deutschland" in text
    assert "old free text" not in text


def _export(db) -> dict:
    from desktop.services.exchange.export import export_document

    with db.session() as session:
        return export_document(session)


def test_frontdesk_2_carries_the_e_invoice_fields_both_ways():
    import copy
    from datetime import datetime

    from desktop.services.exchange.importer import import_document
    from desktop.storage.database import open_database

    world = World(DAY)
    SettingsService(world.db, world.clock).save(SITE)
    member = world.member("Ada Lovelace", "ada@example.org")
    EInvoiceDataService(world.db, world.clock).save(
        member, MemberEInvoice("Am Markt 3", "", "10115", "Berlin", "DE", "991-1"))
    document = _export(world.db)
    assert document["settings"]["address"] == {"street": "Hafenstraße 1", "line2": "",
                                               "postcode": "20457", "city": "Hamburg",
                                               "country": "DE"}
    assert document["settings"]["contact"] == {"name": "Desk", "phone": "+49 40 1",
                                               "email": "desk@hafen.example"}
    assert document["settings"]["tax_number"] == "27/123/45678"
    (ada,) = document["members"]
    assert ada["address"]["city"] == "Berlin" and ada["buyer_reference"] == "991-1"
    other = open_database("sqlite://", now=datetime(2024, 5, 1))
    import_document(other, copy.deepcopy(document), datetime(2024, 5, 1))
    assert _export(other) == document
    assert EInvoiceDataService(other, world.clock).gaps(1) == []
    other.dispose()


def test_a_bad_country_in_a_document_is_told_at_its_place():
    from datetime import datetime

    from desktop.services.exchange.importer import import_document
    from desktop.services.exchange.values import ImportProblems
    from desktop.storage.database import open_database

    world = World(DAY)
    SettingsService(world.db, world.clock).save(SITE)
    world.member("Ada Lovelace", "ada@example.org")
    document = _export(world.db)
    document["members"][0]["address"] = {"street": "x", "country": "Germany"}
    other = open_database("sqlite://", now=datetime(2024, 5, 1))
    with pytest.raises(ImportProblems) as refused:
        import_document(other, document, datetime(2024, 5, 1))
    assert "members[0].address.country" in str(refused.value)
    other.dispose()
