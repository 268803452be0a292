"""Rule 24 (price changes from a day): each plan's price history; a line for a period that
starts before the day keeps the price then in force, one from the day on takes the new price;
custom prices are untouched; *Raise prices…* with its preview; previews equal the documents."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.services.contracts.editing import ContractService
from desktop.services.errors import ValidationError
from desktop.services.invoices import InvoiceService
from desktop.services.prices import PriceService
from desktop.services.sweep.service import SweepService
from service_builders import World

TODAY = date(2024, 4, 11)


def _plan_lines(world, member):
    return [(row.billing_date, line.amount) for row in world.invoices(member)
            for line in row.lines if line.kind in ("plan", "addon")]


def test_rule_24_the_audits_case_a_price_edited_today_is_not_applied_to_past_periods():
    """A plan's price edited today was applied to past periods a catch-up billed later."""
    world = World(TODAY)
    desk = world.plan("Hot desk", 20000)
    member = world.member()
    # Invoiced for January; the machine was off since.
    world.contract(member, desk, date(2024, 1, 1), next_invoice=date(2024, 2, 1))
    world.catalog.save_plan(replace(desk, price=25000))
    SweepService(world.db, world.clock).apply_due(TODAY)
    assert _plan_lines(world, member) == [
        (date(2024, 2, 1), 20000), (date(2024, 3, 1), 20000), (date(2024, 4, 1), 20000)]
    SweepService(world.db, world.clock).apply_due(date(2024, 5, 1))
    assert _plan_lines(world, member)[-1] == (date(2024, 5, 1), 25000)
    assert PriceService(world.db, world.clock).history(desk.id) == [
        (date(2000, 1, 1), 20000), (TODAY, 25000)]


def test_rule_24_raise_prices_from_a_day_with_its_preview():
    world = World(TODAY)
    desk = world.plan("Hot desk", 20000)
    office = world.plan("Office", 33333)
    locker = world.addon("Locker", 2500)
    members = [world.member() for _ in range(3)]
    world.contract(members[0], desk, date(2024, 4, 1), next_invoice=date(2024, 5, 1),
                   addons=(locker,))
    world.contract(members[1], desk, date(2024, 4, 1), next_invoice=date(2024, 5, 1),
                   custom_price=15000, next_plan=desk)
    world.contract(members[2], office, date(2024, 4, 1), next_invoice=date(2024, 5, 1))
    prices = PriceService(world.db, world.clock)
    before = world.dump()
    preview = prices.raise_preview([desk.id, office.id, locker.id], "5", date(2024, 6, 1))
    assert world.dump() == before
    assert [(c.name, c.old, c.new, c.contracts) for c in preview] == [
        ("Hot desk", 20000, 21000, 1), ("Locker", 2500, 2625, 1), ("Office", 33333, 35000, 1)]
    prices.raise_prices([desk.id, office.id, locker.id], "5", date(2024, 6, 1))
    SweepService(world.db, world.clock).apply_due(date(2024, 6, 1))
    # May keeps the old prices; June's periods start on the day: the new ones. The custom
    # price is untouched.
    assert _plan_lines(world, members[0]) == [
        (date(2024, 5, 1), 20000), (date(2024, 5, 1), 2500),
        (date(2024, 6, 1), 21000), (date(2024, 6, 1), 2625)]
    assert _plan_lines(world, members[1]) == [(date(2024, 5, 1), 15000),
                                              (date(2024, 6, 1), 15000)]
    assert _plan_lines(world, members[2])[-1] == (date(2024, 6, 1), 35000)
    assert next(p for p in world.catalog.plans() if p.name == "Hot desk").price == 21000


@pytest.mark.parametrize("percent", ["0", "-5", "1001", "five", ""])
def test_rule_24_a_raise_that_is_not_a_percentage_is_refused_and_nothing_written(percent):
    world = World(TODAY)
    desk = world.plan("Hot desk", 20000)
    before = world.dump()
    with pytest.raises(ValidationError) as refused:
        PriceService(world.db, world.clock).raise_prices([desk.id], percent)
    assert str(refused.value) == ("The raise must be a percentage above 0 and at most 1000, "
                                  "such as 5 or 2.5.")
    assert world.dump() == before


def test_rule_24_choosing_no_plan_is_refused():
    world = World(TODAY)
    with pytest.raises(ValidationError, match="Choose the plans to raise"):
        PriceService(world.db, world.clock).raise_prices([], "5")


def test_rule_24_a_move_keeps_the_price_history(db):
    from datetime import datetime

    from desktop.services.exchange.export import export_document
    from desktop.services.exchange.importer import import_document

    world = World(TODAY)
    desk = world.plan("Hot desk", 20000)
    PriceService(world.db, world.clock).raise_prices([desk.id], "2.5", date(2024, 7, 1))
    with world.db.session() as session:
        first = export_document(session)
    assert first["plans"][0]["prices"] == [{"from": "2000-01-01", "price": 20000},
                                           {"from": "2024-07-01", "price": 20500}]
    import_document(db, first, datetime(2024, 4, 11, 9))
    with db.session() as session:
        assert export_document(session) == first


def _swept(world, member: int, until: date) -> list:
    sweep, invoices = SweepService(world.db, world.clock), InvoiceService(world.db, world.clock)
    already = {row.id for row in world.invoices(member)}
    day = world.clock.today()
    while day <= until:
        sweep.apply_due(day)
        day += timedelta(days=1)
    return [invoices.get(row.id) for row in world.invoices(member) if row.id not in already]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(-60, 90), st.sampled_from(["1", "7.5", "30"])),
                max_size=3),
       st.integers(0, 50), st.booleans())
def test_rule_24_any_price_changes_preview_exactly_what_the_sweep_then_issues(raises, behind,
                                                                            with_addon):
    """Raises on days before, inside and after the periods to come, a contract the sweep is
    behind on: the editor's preview is what the sweep issues, to the cent."""
    world = World(TODAY)
    desk = world.plan("Hot desk", 20000)
    locker = world.addon("Locker", 2500, "1 week")
    member = world.member()
    start = TODAY - timedelta(days=behind)
    contract_id = world.contract(member, desk, start, addons=(locker,) if with_addon else ())
    prices = PriceService(world.db, world.clock)
    for offset, percent in raises:
        prices.raise_prices([desk.id, locker.id], percent, TODAY + timedelta(days=offset))
    service = ContractService(world.db, world.clock)
    preview = service.preview(service.load(contract_id).contract, count=3)
    until = preview[-1].billing_date if preview else TODAY
    assert [replace(i, number=None) for i in _swept(world, member, until)] == preview
