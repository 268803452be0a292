"""EN 16931 e-invoices of every invoice and credit note (rule 28), validated, not read by eye.

A corpus of documents issued by the billing core — a plan line, unused time credited, an
add-on, a package, standard, reduced, zero, exempt and reverse-charge lines, mixed rates in one
document, a credit applied and a credit note — is written as Factur-X, XRechnung and UBL 2.1;
each XML passes its XSD and the EN 16931 schematron with no failed assertion. Each Factur-X
file is read back: the XML in it is the one written, its totals are the database's, and its
XMP metadata declares PDF/A-3.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from facturx import get_xml_from_pdf
from lxml import etree
from pypdf import PdfReader

from desktop.documents.einvoice import (
    einvoice_bytes,
    einvoice_filename,
    einvoice_problem,
    einvoice_xml,
)
from desktop.documents.einvoice.facts import FACTURX, KINDS, UBL, XRECHNUNG, NotAnEInvoice
from desktop.domain.addresses import Contact, PostalAddress
from desktop.i18n.formatting import Formatter
from desktop.services.banking.mandates import MandateService
from desktop.services.charges import ChargeService
from desktop.services.contracts.editing import ContractService
from desktop.services.documents import DocumentService, InvoiceDocument
from desktop.services.einvoice_data import EInvoiceDataService, MemberEInvoice
from desktop.services.payments import PaymentService
from desktop.services.settings import SettingsService, SiteSettings
from desktop.storage import models as m
from einvoice_checks import failed_assertions, schema_errors
from service_builders import World

APRIL_11 = date(2024, 4, 11)
SITE = SiteSettings(tax_rate="19", reduced_tax_rate="7", site_name="Hafen Coworking GmbH",
                    address="Hafenstraße 1\n20457 Hamburg", vat_id="DE136695976",
                    iban="DE89 3704 0044 0532 0130 00", locale="de_DE", street="Hafenstraße 1",
                    postcode="20457", city="Hamburg", country="de",
                    contact_name="Front desk", contact_phone="+49 40 123456",
                    contact_email="desk@hafen.example")
MEMBER_ADDRESS = PostalAddress("Am Markt 3", "2. OG", "10115", "Berlin", "DE")
FORMATTER = Formatter("de_DE", "EUR")
RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"


def _set(world: World, row_type, key, **values) -> None:
    with world.db.write() as session:
        row = session.get(row_type, key) if not isinstance(key, str) else (
            session.query(row_type).filter_by(name=key).one())
        for name, value in values.items():
            setattr(row, name, value)


def _member(world: World, name: str, **values) -> int:
    """A member with the address and buyer reference e-invoices need, saved as the member page
    saves them."""
    member = world.member(name, f"{name.split()[0].lower()}@example.org", company=f"{name} KG")
    if values:
        _set(world, m.MemberRow, member, **values)
    EInvoiceDataService(world.db, world.clock).save(member, MemberEInvoice(
        *MEMBER_ADDRESS.lines()[:2], "10115", "Berlin", "de", "04011000-12345-34"))
    return member


def _last(world: World, member: int, kind: str = "invoice") -> str:
    return [row.number for row in world.invoices(member) if row.type == kind][-1]


@pytest.fixture(scope="module")
def corpus() -> dict[str, tuple[World, InvoiceDocument]]:
    """Every kind of line and document the product issues, by what each one shows."""
    world = World(APRIL_11)
    SettingsService(world.db, world.clock).save(SITE)
    _set(world, m.SettingsRow, 1, exemption_reason="Vermietung von Räumen, steuerfrei nach "
                                                   "§ 4 Nr. 12 UStG")
    desk = world.plan("Desk", 25000)
    world.plan("Premium", 50000)
    cheap = world.plan("Cheap", 5000)
    locker = world.addon("Locker", 1500)
    package = world.addon("Ten day passes", 9900, None)
    world.plan("Tea", 1999)
    _set(world, m.PlanRow, "Tea", tax_category="reduced")
    world.plan("Books", 1250)
    _set(world, m.PlanRow, "Books", tax_category="zero")
    world.plan("Office", 80000)
    _set(world, m.PlanRow, "Office", tax_category="exempt")
    plans = {p.name: p for p in world.catalog.plans()}
    found: dict[str, str] = {}

    # A plan with a recurring add-on and a package (one-off add-on).
    ada = _member(world, "Ada Lovelace")
    world.contract(ada, desk, APRIL_11, addons=(locker, package))
    world.run_until(ada, APRIL_11)
    found["plan, add-on and package"] = _last(world, ada)

    # Standard, reduced, zero and exempt in one document.
    bob = _member(world, "Bob Builder")
    for name in ("Desk", "Tea", "Books", "Office"):
        world.contract(bob, plans[name], APRIL_11)
    world.run_until(bob, APRIL_11)
    found["mixed rates"] = _last(world, bob)

    # Reverse charge: a valid VAT id of another EU country.
    cid = _member(world, "Cid Campeador", vat_id="ESA12345674")
    world.contract(cid, desk, APRIL_11)
    world.run_until(cid, APRIL_11)
    found["reverse charge"] = _last(world, cid)

    # Credit applied: the member's credit balance pays part of the invoice.
    dee = _member(world, "Dee Credit", credit_balance=10000)
    world.contract(dee, desk, APRIL_11)
    world.run_until(dee, APRIL_11)
    found["credit applied"] = _last(world, dee)

    # Unused time credited on an invoice (change now to a dearer plan), then a credit note
    # (change now to a cheaper one).
    eve = _member(world, "Eve Upgrade")
    contract = world.contract(eve, desk, date(2024, 4, 1))
    world.run_until(eve, APRIL_11)
    PaymentService(world.db, world.clock).record(_last(world, eve), 29750)
    ContractService(world.db, world.clock).change_plan(contract, plans["Premium"].id, "now")
    found["unused time"] = _last(world, eve)
    fay = _member(world, "Fay Downgrade")
    contract = world.contract(fay, desk, date(2024, 4, 1))
    world.run_until(fay, APRIL_11)
    PaymentService(world.db, world.clock).record(_last(world, fay), 29750)
    ContractService(world.db, world.clock).change_plan(contract, cheap.id, "now")
    found["credit note"] = _last(world, fay, "credit_note")

    # A pending charge (rule 27) billed with the plan on the member's next invoice.
    gus = _member(world, "Gus Charged")
    world.contract(gus, desk, APRIL_11)
    ChargeService(world.db, world.clock).add(gus, amount=4500, description="Meeting room, "
                                             "3 hours", day=APRIL_11)
    world.run_until(gus, APRIL_11)
    found["charge"] = _last(world, gus)

    # Paid by SEPA direct debit (rule 30): the mandate, the creditor id, the debited account.
    mandates = MandateService(world.db, world.clock)
    mandates.save_creditor("DE98ZZZ09999999999")
    hal = _member(world, "Hal Debited")
    mandates.save(hal, reference="HAFEN-0001", signed=date(2024, 4, 1), debtor="Hal Debited",
                  iban="DE89 3704 0044 0532 0130 00")
    world.contract(hal, desk, APRIL_11)
    world.run_until(hal, APRIL_11)
    found["direct debit"] = _last(world, hal)

    service = DocumentService(world.db, world.clock)
    return {what: (world, service.invoice(number))
            for what, number in found.items()}


CASES = ["plan, add-on and package", "mixed rates", "reverse charge", "credit applied",
         "unused time", "credit note", "charge", "direct debit"]


def test_the_data_comes_from_the_database(corpus):
    _world, doc = corpus["mixed rates"]
    assert doc.site_address == PostalAddress("Hafenstraße 1", "", "20457", "Hamburg", "DE")
    assert doc.contact == Contact("Front desk", "+49 40 123456", "desk@hafen.example")
    assert doc.bill_to.postal == MEMBER_ADDRESS
    assert doc.bill_to.buyer_reference == "04011000-12345-34"


def test_the_corpus_holds_every_line_and_category(corpus):
    lines = [line for _world, doc in corpus.values() for line in doc.invoice.lines]
    assert {line.kind for line in lines} >= {"plan", "unused", "addon"}
    assert {line.tax_category for line in lines} == {
        "standard", "reduced", "zero", "exempt", "reverse_charge"}
    assert len(corpus["mixed rates"][1].invoice.tax_groups) == 4
    assert corpus["credit applied"][1].invoice.credit_applied == 10000
    assert corpus["credit note"][1].invoice.type == "credit_note"
    assert any(line.amount < 0 for line in corpus["unused time"][1].invoice.lines)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", CASES)
def test_every_e_invoice_passes_the_xsd_and_the_en16931_schematron(corpus, qapp, case, kind):
    _world, doc = corpus[case]
    xml = einvoice_xml(doc, FORMATTER, kind)
    assert schema_errors(xml) == []
    assert failed_assertions(xml) == []


def test_a_schematron_failure_is_counted():
    """The check can fail: a CII invoice whose tax total disagrees with its groups."""
    world = World(APRIL_11)
    SettingsService(world.db, world.clock).save(SITE)
    member = _member(world, "Gil Gross")
    world.contract(member, world.plan("Desk", 25000), APRIL_11)
    world.run_until(member, APRIL_11)
    doc = DocumentService(world.db, world.clock).invoice(_last(world, member))
    wrong = replace(doc, invoice=replace(doc.invoice, tax=doc.invoice.tax + 1))
    failures = failed_assertions(einvoice_xml(wrong, FORMATTER, FACTURX))
    assert any("BR-CO-14" in failure for failure in failures)


def _totals(xml: bytes) -> dict[str, Decimal]:
    summation = etree.fromstring(xml).find(
        f".//{RAM}SpecifiedTradeSettlementHeaderMonetarySummation")
    return {child.tag.removeprefix(RAM): Decimal(child.text) for child in summation}


@pytest.mark.parametrize("case", CASES)
def test_a_factur_x_file_reads_back_as_written(corpus, qapp, case):
    world, doc = corpus[case]
    pdf = einvoice_bytes(doc, FORMATTER, FACTURX)
    written = einvoice_xml(doc, FORMATTER, FACTURX)
    name, extracted = get_xml_from_pdf(pdf, check_xsd=False)
    assert name == "factur-x.xml" and extracted == written
    with world.db.session() as session:
        row = session.query(m.InvoiceRow).filter_by(number=doc.invoice.number).one()
        sign = -1 if row.type == "credit_note" else 1
        # A credit note's whole amount goes to the credit balance (rule 17): the amount it
        # states as due is what it credits (BR-CO-16), though nothing stands open on it.
        stored = {"LineTotalAmount": row.subtotal, "TaxTotalAmount": row.tax,
                  "GrandTotalAmount": row.total,
                  "DuePayableAmount": row.total if sign < 0 else row.amount_due}
        if row.credit_applied:
            stored["TotalPrepaidAmount"] = row.credit_applied
    totals = _totals(extracted)
    assert {key: totals[key] for key in stored} == {
        key: Decimal(sign * value) / 100 for key, value in stored.items()}
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.xmp_metadata
    assert xmp is not None
    part = xmp.rdf_root.getElementsByTagNameNS("http://www.aiim.org/pdfa/ns/id/", "part")
    assert [node.firstChild.data for node in part] == ["3"] or \
        b"<pdfaid:part>3</pdfaid:part>" in reader.trailer["/Root"]["/Metadata"].get_data()
    # The page people see is the one the product prints.
    assert doc.invoice.number in reader.pages[0].extract_text()


def test_a_credit_note_is_type_381_with_positive_amounts_naming_what_it_credits(corpus):
    _world, doc = corpus["credit note"]
    root = etree.fromstring(einvoice_xml(doc, FORMATTER, FACTURX))
    assert root.findtext(f".//{RAM}TypeCode") == "381"
    assert _totals(einvoice_xml(doc, FORMATTER, FACTURX))["GrandTotalAmount"] > 0
    assert [node.text for node in root.iter(f"{RAM}IssuerAssignedID")] == list(
        doc.invoice.credits) != []
    ubl = etree.fromstring(einvoice_xml(doc, FORMATTER, UBL))
    assert etree.QName(ubl).localname == "CreditNote"


def test_a_lines_period_ends_on_its_last_day(corpus):
    _world, doc = corpus["plan, add-on and package"]
    line = doc.invoice.lines[0]
    assert (line.period_start, line.period_end) == (APRIL_11, date(2024, 5, 11))
    root = etree.fromstring(einvoice_xml(doc, FORMATTER, FACTURX))
    period = root.find(f".//{RAM}IncludedSupplyChainTradeLineItem//{RAM}BillingSpecifiedPeriod")
    assert [node.text for node in period.iter() if node.get("format") == "102"] == [
        "20240411", "20240510"]


def test_exempt_and_reverse_charge_carry_their_reasons(corpus):
    mixed = einvoice_xml(corpus["mixed rates"][1], FORMATTER, UBL).decode()
    assert "<cbc:TaxExemptionReason>Vermietung von Räumen" in mixed
    assert re.search(r"<cbc:ID>S</cbc:ID>\s*<cbc:Percent>7</cbc:Percent>", mixed)
    reverse = einvoice_xml(corpus["reverse charge"][1], FORMATTER, FACTURX).decode()
    assert "<ram:CategoryCode>AE</ram:CategoryCode>" in reverse
    assert "VATEX-EU-AE" in reverse


def test_xrechnung_names_the_buyer_reference_and_the_sellers_contact(corpus):
    _world, doc = corpus["mixed rates"]
    xml = einvoice_xml(doc, FORMATTER, XRECHNUNG).decode()
    assert "<ram:BuyerReference>04011000-12345-34</ram:BuyerReference>" in xml
    assert "xrechnung_3.0" in xml and "<ram:PersonName>Front desk</ram:PersonName>" in xml
    missing = replace(doc, bill_to=replace(doc.bill_to, buyer_reference=""),
                      contact=Contact())
    problem = einvoice_problem(missing, FORMATTER, XRECHNUNG)
    assert "buyer reference" in problem and "contact" in problem
    assert einvoice_problem(missing, FORMATTER, FACTURX) == ""


def test_a_document_without_what_an_e_invoice_needs_is_refused_in_one_sentence(corpus):
    _world, doc = corpus["mixed rates"]
    bare = replace(doc, bill_to=replace(doc.bill_to, postal=PostalAddress("Somewhere 1")))
    with pytest.raises(NotAnEInvoice) as refused:
        einvoice_bytes(bare, FORMATTER, UBL)
    assert str(refused.value) == (
        f"{doc.invoice.number} cannot be an e-invoice: the member {doc.bill_to.name} has no "
        "postcode, city, country in their address.")


def test_a_deposit_document_is_never_an_e_invoice(corpus):
    _world, doc = corpus["credit applied"]
    deposit = replace(doc, invoice=replace(doc.invoice, type="deposit_request",
                                           number="DEP-000001"))
    assert einvoice_problem(deposit, FORMATTER, FACTURX) == (
        "DEP-000001 is a deposit document: deposits are not supplies and are never "
        "e-invoices.")


def test_file_names(corpus):
    _world, doc = corpus["credit note"]
    assert einvoice_filename(doc, FACTURX) == f"{doc.invoice.number}.pdf"
    assert einvoice_filename(doc, XRECHNUNG) == f"{doc.invoice.number}.xml"


def test_a_document_paid_by_direct_debit_names_its_mandate_creditor_and_account(corpus, qapp):
    """Rule 28 with rule 30: payment means 59, BT-89 mandate, BT-90 creditor id, BT-91 the
    member's account, in both syntaxes; no transfer to the site's account is asked for."""
    _world, document = corpus["direct debit"]
    cii = einvoice_bytes(document, Formatter("de_DE", "EUR"), XRECHNUNG).decode()
    ubl = einvoice_bytes(document, Formatter("de_DE", "EUR"), UBL).decode()
    assert "<ram:TypeCode>59</ram:TypeCode>" in cii
    assert "<ram:DirectDebitMandateID>HAFEN-0001</ram:DirectDebitMandateID>" in cii
    assert "<ram:CreditorReferenceID>DE98ZZZ09999999999</ram:CreditorReferenceID>" in cii
    assert "PayerPartyDebtorFinancialAccount" in cii and "PayeePartyCreditor" not in cii
    assert "<cbc:PaymentMeansCode>59</cbc:PaymentMeansCode>" in ubl
    assert '<cbc:ID schemeID="SEPA">DE98ZZZ09999999999</cbc:ID>' in ubl
    assert "<cbc:ID>HAFEN-0001</cbc:ID>" in ubl and "DE89370400440532013000" in ubl


def test_a_charge_is_its_own_line(corpus):
    _world, document = corpus["charge"]
    assert "charge" in {line.kind for line in document.invoice.lines}
