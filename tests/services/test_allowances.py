"""Rule 27 (allowances): a charge in an allowance's unit uses the member's allowances of its day
first — plans', recurring add-ons', then packages' oldest first — and only the excess is billed;
what each charge used is recorded, and the member page shows used and left."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from desktop.domain.model import ContractAddon
from desktop.services.charges import ChargeService
from desktop.services.invoices import InvoiceService
from desktop.services.sweep.service import SweepService
from desktop.storage import models as m
from service_builders import World

HOURS = "Meeting room hours"


def _swept(world, member: int, until: date) -> list:
    sweep, invoices = SweepService(world.db, world.clock), InvoiceService(world.db, world.clock)
    already = {row.id for row in world.invoices(member)}
    day = world.clock.today()
    while day <= until:
        sweep.apply_due(day)
        day += timedelta(days=1)
    return [invoices.get(row.id) for row in world.invoices(member) if row.id not in already]


def _desk_with_package(world, bought: date):
    world.addon("Meeting room hour", 1500, None, allowance_unit=HOURS)
    world.addon("Locker", 2000, allowances={HOURS: 1})
    world.addon("10 meeting hours", 9000, None, allowances={HOURS: 10})
    desk = world.plan("Hot desk", 20000, allowances={HOURS: 2},
                      addons=("Locker", "10 meeting hours"))
    package = next(world.plan_by_id(p.id) for p in world.catalog.plans()
                   if p.name == "10 meeting hours")
    member = world.member()
    contract_id = world.contract(member, desk, date(2024, 11, 1),
                                 next_invoice=date(2025, 1, 1),
                                 addons=(ContractAddon(package, 1, bought),))
    return member, contract_id


def _uses(world) -> list[tuple]:
    with world.db.session() as session:
        return [tuple(row) for row in session.execute(
            select(m.AllowanceUseRow.kind, m.AllowanceUseRow.unit, m.AllowanceUseRow.quantity)
            .order_by(m.AllowanceUseRow.id))]


def test_rule_27_the_walks_package_lasts_into_the_next_period_and_its_use_is_recorded():
    """Ten meeting hours bought as a package on 12 December showed as 12 hours that day and
    "None" on 2 January, and nothing recorded their use."""
    world = World(date(2024, 12, 12))
    member, _ = _desk_with_package(world, date(2024, 12, 12))
    charges = ChargeService(world.db, world.clock)
    assert [(b.unit, b.granted, b.used, b.left) for b in charges.allowances(member)] == [
        (HOURS, 12, 0, 12)]
    world.set_today(date(2025, 1, 2))
    assert world.members.get(member).allowances == {HOURS: 12}
    charges.add(member, product="Meeting room hour", quantity=3)
    # The plan's two hours of January first, then one of the package's.
    assert _uses(world) == [("plan", HOURS, 2), ("package", HOURS, 1)]
    detail = world.members.get(member)
    assert detail.allowances == {HOURS: 9}
    assert [(b.granted, b.used, b.left) for b in detail.allowance_balances] == [(12, 3, 9)]
    [record] = charges.of_member(member)
    assert (record.covered, record.amount) == (3, 0)
    # In February the plan grants two hours again; the package keeps what is left of it.
    assert [(b.granted, b.used) for b in charges.allowances(member, date(2025, 2, 3))] == [
        (12, 1)]


def test_rule_27_only_the_excess_is_billed_on_the_next_document():
    world = World(date(2025, 1, 2))
    member, _ = _desk_with_package(world, date(2024, 12, 12))
    charges = ChargeService(world.db, world.clock)
    charges.add(member, product="Meeting room hour", quantity=3)  # taken whole: never billed
    charges.add(member, product="Meeting room hour", quantity=12, day=date(2025, 1, 5))
    january, invoice = _swept(world, member, date(2025, 2, 1))
    assert [line.kind for line in january.lines] == ["plan"]
    charge = [line for line in invoice.lines if line.kind == "charge"]
    # 2 + 10 hours held, 3 used already: 9 from the package, 3 billed.
    assert [(line.description, line.amount) for line in charge] == [
        ("Meeting room hour × 3 (12 used, 9 from allowances)", 4500)]
    assert charge[0].wording is not None


def test_rule_27_plans_first_then_recurring_add_ons_then_packages_oldest_first():
    world = World(date(2025, 1, 10))
    member, contract_id = _desk_with_package(world, date(2024, 12, 12))
    locker = next(world.plan_by_id(p.id) for p in world.catalog.plans() if p.name == "Locker")
    package = next(world.plan_by_id(p.id) for p in world.catalog.plans()
                   if p.name == "10 meeting hours")
    with world.db.write() as session:  # a locker held since January, a newer package
        for addon, start in ((locker, date(2025, 1, 1)), (package, date(2025, 1, 8))):
            session.add(m.ContractAddonRow(contract_id=contract_id, addon_id=addon.id,
                                           quantity=1, start_date=start))
    ChargeService(world.db, world.clock).add(member, product="Meeting room hour", quantity=14)
    with world.db.session() as session:
        rows = session.execute(select(m.AllowanceUseRow.kind, m.AllowanceUseRow.held_from,
                                      m.AllowanceUseRow.quantity)
                               .order_by(m.AllowanceUseRow.id)).all()
    assert [tuple(r) for r in rows] == [
        ("plan", None, 2), ("addon", date(2025, 1, 1), 1), ("package", date(2024, 12, 12), 10),
        ("package", date(2025, 1, 8), 1)]


def test_rule_27_an_expired_package_gives_nothing():
    world = World(date(2025, 12, 15))
    member, _ = _desk_with_package(world, date(2024, 12, 12))
    ChargeService(world.db, world.clock).add(member, product="Meeting room hour", quantity=3)
    assert _uses(world) == [("plan", HOURS, 2)]


def test_rule_27_a_move_keeps_the_products_units_the_packages_and_what_was_used(db):
    from datetime import datetime

    from desktop.services.exchange.export import export_document
    from desktop.services.exchange.importer import import_document

    world = World(date(2025, 1, 2))
    member, _ = _desk_with_package(world, date(2024, 12, 12))
    package = next(p for p in world.catalog.plans() if p.name == "10 meeting hours")
    world.catalog.save_plan(package.__class__(**{**package.__dict__, "expires_months": 6}))
    ChargeService(world.db, world.clock).add(member, product="Meeting room hour", quantity=5)
    with world.db.session() as session:
        first = export_document(session)
    import_document(db, first, datetime(2025, 1, 2, 9))
    with db.session() as session:
        assert export_document(session) == first
    [charge] = first["charges"]
    assert [(u["kind"], u["quantity"]) for u in charge["uses"]] == [("plan", 2), ("package", 3)]
    plans = {p["name"]: p for p in first["plans"]}
    assert plans["Meeting room hour"]["allowance_unit"] == HOURS
    assert plans["10 meeting hours"]["expires_months"] == 6


def test_rule_27_only_a_one_off_add_on_is_sold_by_the_unit_and_a_package_lasts_1_to_120_months():
    import pytest

    from desktop.domain.model import Plan
    from desktop.domain.periods import Frequency
    from desktop.services.errors import ValidationError

    world = World(date(2025, 1, 2))
    for plan, field in (
            (Plan("Locker", 2000, Frequency("month"), kind="addon", allowance_unit=HOURS),
             "allowance_unit"),
            (Plan("Desk", 2000, Frequency("month"), allowance_unit=HOURS), "allowance_unit"),
            (Plan("Ten hours", 9000, None, kind="addon", expires_months=0), "expires_months"),
            (Plan("Ten hours", 9000, None, kind="addon", expires_months=121),
             "expires_months")):
        with pytest.raises(ValidationError) as refused:
            world.catalog.save_plan(plan)
        assert [p.field for p in refused.value.problems] == [field]
    assert world.catalog.plans() == []
