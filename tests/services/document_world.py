"""The acceptance scenario of invoice documents: a prorated change-now invoice with tax, a
credit applied, a deposit line and a refund of unused time, issued on 11 April 2024.

Standard (200.00/month, deposit 100.00) paid for April, changed now to Premium (500.00, deposit
300.00) with 50.00 of credit held: unused −133.33, Premium 333.33 (20 of 30 days), deposit
shortfall 200.00; tax 20 % of 200.00 = 40.00; total 440.00, credit applied 50.00, due 390.00.
"""

from __future__ import annotations

from datetime import date

from desktop.services.contracts.editing import ContractService
from desktop.services.settings import SettingsService, SiteSettings
from desktop.storage import models as m
from service_builders import World

APRIL_11 = date(2024, 4, 11)
IBAN = "DE89 3704 0044 0532 0130 00"
SITE = SiteSettings(tax_rate="20", site_name="Harbour Desk Coworking",
                    address="12 Quay Street\nGalway H91 X2Y3", vat_id="IE1234567T", iban=IBAN)


def change_now_world(site: SiteSettings = SITE) -> tuple[World, int, str]:
    """The world, the member's id and the number of the change-now invoice."""
    world = World(APRIL_11)
    SettingsService(world.db, world.clock).save(site)
    standard = world.plan("Standard", 20000, deposit=10000)
    premium = world.plan("Premium", 50000, deposit=30000)
    member = world.member("Ada Lovelace", "ada@example.org", company="Analytical Engines Ltd")
    with world.db.write() as session:
        row = session.get(m.MemberRow, member)
        row.billing_address, row.vat_id = "1 Engine Row\nLondon EC1", "GB123456789"
    contract = world.contract(member, standard, date(2024, 4, 1))
    world.run_until(member, APRIL_11)
    with world.db.write() as session:
        session.get(m.MemberRow, member).credit_balance = 5000
    ContractService(world.db, world.clock).change_plan(contract, premium.id, "now")
    return world, member, world.invoices(member)[-1].number


def last_of_type(world: World, member: int, kind: str = "invoice") -> str:
    """The number of the member's last document of a type: the change-now world issues an
    invoice and, apart, a deposit request for the shortfall (rule 15)."""
    return [row.number for row in world.invoices(member) if row.type == kind][-1]


def invoice_world(site: SiteSettings = SITE) -> tuple[World, int, str]:
    """The change-now world with the number of its change-now invoice: unused −133.33, Premium
    333.33, VAT 20 % 40.00, total 240.00 (the credit held paid the April invoice first, rule
    22); the deposit shortfall of 200.00 stands on DEP-000002 (rule 15)."""
    world, member, _deposit = change_now_world(site)
    return world, member, last_of_type(world, member)
