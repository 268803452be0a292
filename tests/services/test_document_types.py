"""Documents of every type as people read them (issue 21; rules 15, 17, 18): the PDF's text
names the type, prints the billing date when the document was made later, each line's rate and
the tax per (category, rate) group, an exempt group's reason and reverse charge's legal note; a
deposit request pays with its own EPC code quoting its own number; a credit note prints what it
credits as credited, names the invoices it credits and has nothing to pay."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import segno.helpers
from pypdf import PdfReader
from PySide6.QtGui import QColor

from desktop.documents.invoice_layout import epc_payload_wanted, epc_qr_image
from desktop.documents.paper import write_pdfs
from desktop.i18n.formatting import Formatter
from desktop.services.contracts.editing import ContractService
from desktop.services.documents import DocumentService
from desktop.services.payments import PaymentService
from desktop.services.settings import SettingsService
from desktop.storage import models as m
from document_world import APRIL_11, IBAN, SITE, change_now_world, last_of_type
from service_builders import World
from test_invoice_documents import pdf_text


def printed(world: World, number: str, tmp_path, locale: str = "en_IE") -> tuple[str, int]:
    """The PDF's text of one document and how many pictures it holds (the QR code)."""
    document = DocumentService(world.db, world.clock).invoice(number)
    (path,) = write_pdfs([document], tmp_path / number, Formatter(locale, "EUR"))
    return pdf_text(path)[0], len(PdfReader(str(path)).pages[0].images)


def test_a_deposit_request_is_titled_outside_vat_and_pays_with_its_own_code(qapp, tmp_path):
    world, member, deposit = change_now_world()
    assert deposit == "DEP-000002"
    text, pictures = printed(world, deposit, tmp_path)
    assert "Deposit request Deposit request number DEP-000002 Issue date 11 Apr 2024 " \
           "Due date 25 Apr 2024 Status Unpaid" in text
    assert "Refundable deposit (Premium) outside VAT €200.00 Total €200.00 " \
           "Amount due €200.00" in text
    assert "Subtotal" not in text and "VAT 20%" not in text  # no tax group: outside VAT
    assert "outside the scope of VAT" in text
    assert f"Please transfer €200.00 to IBAN {IBAN} by 25 Apr 2024, quoting DEP-000002." in text
    assert pictures == 1
    # Its code is its own: its number and its amount, not the invoice's.
    document = DocumentService(world.db, world.clock).invoice(deposit)
    image = epc_qr_image(document)
    code = segno.helpers.make_epc_qr(name=SITE.site_name, iban=IBAN.replace(" ", ""),
                                     amount="200.00", text="DEP-000002")
    black = QColor(0, 0, 0).rgb()
    assert image.width() == (len(code.matrix) + 4) * 4
    assert all((image.pixel((x + 2) * 4 + 1, (y + 2) * 4 + 1) == black) == bool(dark)
               for y, row in enumerate(code.matrix) for x, dark in enumerate(row))


def test_the_invoice_beside_it_holds_no_deposit_and_its_own_code(qapp, tmp_path):
    world, member, _deposit = change_now_world()
    number = last_of_type(world, member)
    text, pictures = printed(world, number, tmp_path)
    assert text.count("Invoice") >= 2 and "Refundable deposit" not in text
    assert "quoting INV-000002." in text and pictures == 1


def test_the_billing_date_is_printed_when_the_document_was_made_later(qapp, tmp_path):
    """Rule 18: April's invoice of a contract that started on 1 April, made on the 11th."""
    world, member, _deposit = change_now_world()
    april = world.invoices(member)[0]
    assert (april.billing_date, april.issue_date) == (date(2024, 4, 1), APRIL_11)
    text, _pictures = printed(world, april.number, tmp_path)
    assert "Invoice number INV-000001 Issue date 11 Apr 2024 Billing date 1 Apr 2024 " \
           "Service period 1–30 Apr 2024 Due date 25 Apr 2024" in text
    # made on its billing date, it prints no billing date of its own
    text, _pictures = printed(world, last_of_type(world, member), tmp_path)
    assert "Billing date" not in text


@pytest.fixture
def credit_world():
    """Paid 500.00 + VAT for April on Standard, changed now on 11 April to Cheap (50.00): the
    unused time credits more than the new plan charges."""
    world = World(APRIL_11)
    SettingsService(world.db, world.clock).save(SITE)
    standard = world.plan("Standard", 50000)
    cheap = world.plan("Cheap", 5000)
    member = world.member("Ada Lovelace", "ada@example.org")
    contract = world.contract(member, standard, date(2024, 4, 1))
    world.run_until(member, APRIL_11)
    PaymentService(world.db, world.clock).record("INV-000001", 60000)
    ContractService(world.db, world.clock).change_plan(contract, cheap.id, "now")
    return world, member


def test_a_credit_note_prints_what_it_credits_and_names_the_invoice(credit_world, tmp_path):
    world, member = credit_world
    number = last_of_type(world, member, "credit_note")
    text, pictures = printed(world, number, tmp_path)
    assert text.startswith(f"{SITE.site_name}")
    assert f"Credit note Credit note number {number} Issue date 11 Apr 2024 " \
           "Service period 11–30 Apr 2024 Status Credited Credited invoices INV-000001" in text
    assert "Description Period Proration VAT rate Credited" in text
    # Amounts as credited: the unused time positive, the new plan's charge taken off.
    assert "Unused time on Standard 11–30 Apr 2024 20 of 30 days 20% €333.33" in text
    assert "Cheap 11–30 Apr 2024 20 of 30 days 20% -€33.33" in text
    assert "Subtotal €300.00 VAT 20% on €300.00 €60.00 Total credited €360.00" in text
    # Nothing to pay: no due date, no transfer, no code.
    assert "Due date" not in text and "Please transfer" not in text and pictures == 0
    assert "-€" not in text.split("Credited invoices")[1].split("Cheap")[0]
    document = DocumentService(world.db, world.clock).invoice(number)
    assert not epc_payload_wanted(replace(document, standing=replace(document.standing,
                                                                     outstanding=100)))


def _set_site(world: World, **values) -> None:
    with world.db.write() as session:
        row = session.get(m.SettingsRow, 1)
        for key, value in values.items():
            setattr(row, key, value)


def _set_plan(world: World, name: str, category: str) -> None:
    with world.db.write() as session:
        row = session.query(m.PlanRow).filter_by(name=name).one()
        row.tax_category = category


def _one_invoice(world: World, vat_id: str = "") -> tuple[int, str]:
    member = world.member("Grace Hopper", "grace@example.org")
    if vat_id:
        with world.db.write() as session:
            session.get(m.MemberRow, member).vat_id = vat_id
    world.contract(member, world.plan_by_name("Desk"), APRIL_11)
    world.contract(member, world.plan_by_name("Tea"), APRIL_11)
    world.run_until(member, APRIL_11)
    return member, last_of_type(world, member)


@pytest.fixture
def tax_world():
    world = World(APRIL_11)
    SettingsService(world.db, world.clock).save(SITE)
    _set_site(world, reduced_tax_rate="9", exemption_reason="Letting of rooms, "
                                                           "exempt under Section 4 No. 12 UStG")
    world.plan("Desk", 100000)
    world.plan("Tea", 2000)
    world.plan_by_name = lambda name: next(  # type: ignore[attr-defined]
        p for p in world.catalog.plans() if p.name == name)
    return world


def test_each_group_prints_its_tax_rounded_once(tax_world, qapp, tmp_path):
    _set_plan(tax_world, "Tea", "reduced")
    _member, number = _one_invoice(tax_world)
    text, _pictures = printed(tax_world, number, tmp_path)
    assert "Desk 11 Apr – 10 May 2024 20% €1,000.00" in text
    assert "Tea 11 Apr – 10 May 2024 9% €20.00" in text
    assert "Subtotal €1,020.00 VAT 20% on €1,000.00 €200.00 VAT 9% on €20.00 €1.80 " \
           "Total €1,221.80" in text


def test_an_exempt_group_prints_the_sites_reason(tax_world, qapp, tmp_path):
    _set_plan(tax_world, "Desk", "exempt")
    _member, number = _one_invoice(tax_world)
    text, _pictures = printed(tax_world, number, tmp_path)
    assert "Desk 11 Apr – 10 May 2024 0% €1,000.00" in text
    assert "Exempt from VAT on €1,000.00 €0.00 VAT 20% on €20.00 €4.00 Total €1,024.00" in text
    assert "Exempt from VAT: Letting of rooms, exempt under Section 4 No. 12 UStG" in text


def test_reverse_charge_prints_its_legal_note_in_the_documents_language(tax_world, qapp,
                                                                       tmp_path):
    """A member with another EU country's VAT id (rule 17); the site is Irish."""
    _member, number = _one_invoice(tax_world, vat_id="DE136695976")
    text, _pictures = printed(tax_world, number, tmp_path)
    assert "Reverse charge on €1,020.00 €0.00 Total €1,020.00" in text
    assert "Reverse charge: VAT to be accounted for by the recipient." in text
    with tax_world.db.write() as session:
        session.query(m.InvoiceRow).filter_by(number=number).one().language = "de_DE"
    german, _pictures = printed(tax_world, number, tmp_path / "de", "de_DE")
    assert "Steuerschuldnerschaft des Leistungsempfängers: Die Umsatzsteuer schuldet der " \
           "Leistungsempfänger." in german
    assert "USt.-Satz" in german and "Reverse charge" not in german


def test_a_deposit_return_prints_what_it_returns_with_nothing_to_pay(qapp, tmp_path):
    from desktop.services.accounts import AccountService

    world = World(APRIL_11)
    SettingsService(world.db, world.clock).save(SITE)
    member = world.member("Ada Lovelace", "ada@example.org")
    world.contract(member, world.plan("Standard", 20000, deposit=10000), date(2024, 4, 1))
    world.run_until(member, APRIL_11)
    PaymentService(world.db, world.clock).record_for_member(member, 34000)
    with world.db.write() as session:  # held from before: more than the plan requires
        session.get(m.MemberRow, member).deposit_held = 50000
    AccountService(world.db, world.clock).return_excess_deposit(member)
    number = last_of_type(world, member, "deposit_return")
    text, pictures = printed(world, number, tmp_path)
    assert f"Deposit return Deposit return number {number} Issue date 11 Apr 2024 " \
           "Status Credited" in text
    assert "Deposit refund outside VAT €400.00 Total credited €400.00" in text
    assert "outside the scope of VAT" in text
    assert "Due date" not in text and "Please transfer" not in text and pictures == 0


def test_the_views_title_names_the_type(credit_world):
    from desktop.ui.invoices.invoice_view import window_title

    world, member = credit_world
    documents = DocumentService(world.db, world.clock)
    assert [window_title(documents.invoice(row.number)) for row in world.invoices(member)] == [
        "Invoice INV-000001", "Credit note CN-000001"]
    deposit = replace(documents.invoice("INV-000001"), invoice=replace(
        documents.invoice("INV-000001").invoice, type="deposit_request", number="DEP-000009"))
    assert window_title(deposit) == "Deposit request DEP-000009"
