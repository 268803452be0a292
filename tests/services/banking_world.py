"""A site that collects by direct debit (rule 30), for the banking tests: Harbour Desk with a
name, an IBAN and a creditor id, and members with mandates whose monthly invoices are issued."""

from __future__ import annotations

from datetime import date

from desktop.services.banking.mandates import MandateService
from desktop.services.settings import SettingsService, SiteSettings
from service_builders import World

SITE_IBAN = "DE89370400440532013000"
CREDITOR = "DE98ZZZ09999999999"
ADA_IBAN = "NL91ABNA0417164300"
BOB_IBAN = "FR1420041010050500013M02606"
SITE = SiteSettings(tax_rate="0", site_name="Harbour Desk", iban=SITE_IBAN, payment_terms=10)


def banking_world(today: date = date(2026, 3, 5)) -> World:
    world = World(today)
    SettingsService(world.db, world.clock).save(SITE)
    MandateService(world.db, world.clock).save_creditor(CREDITOR, 0)
    return world


def member_with_mandate(world: World, name: str, iban: str, reference: str, *,
                        start: date = date(2026, 2, 1), price: int = 20000,
                        signed: date = date(2026, 1, 20)) -> int:
    """A member on a monthly plan from `start`, each month's invoice issued on its first day
    (so due ten days later) up to today, with an active mandate."""
    plan = world.plan(f"Desk {reference}", price)
    member = world.member(name)
    world.contract(member, plan, start)
    today, day = world.clock.today(), start
    while day <= today:
        world.set_today(day)
        world.run_until(member, day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    world.set_today(today)
    MandateService(world.db, world.clock).save(member, reference=reference, signed=signed,
                                               debtor=name, iban=iban)
    return member
