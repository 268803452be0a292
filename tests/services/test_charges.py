"""Rule 27 (charges): recorded as pending through ChargeService.add, billed on the member's
next document by the sweep, shown in the previews to the cent, refused with one sentence."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.services.charges import ChargeService
from desktop.services.contracts.editing import ContractService
from desktop.services.errors import NotFound, ValidationError
from desktop.services.invoices import InvoiceService
from desktop.services.sweep.service import SweepService
from service_builders import World

TODAY = date(2024, 4, 11)


def _swept(world, member: int, until: date) -> list:
    """The sweep day by day up to `until`; every document it issued the member."""
    sweep, invoices = SweepService(world.db, world.clock), InvoiceService(world.db, world.clock)
    already = {row.id for row in world.invoices(member)}
    day = world.clock.today()
    while day <= until:
        sweep.apply_due(day)
        day += timedelta(days=1)
    return [invoices.get(row.id) for row in world.invoices(member) if row.id not in already]


def _member_on_desk(world):
    desk = world.plan("Hot desk", 20000)
    world.addon("Meeting room hour", 1500, None)
    member = world.member()
    contract_id = world.contract(member, desk, date(2024, 3, 1))
    world.run_until(member, TODAY)
    return member, contract_id


def test_rule_27_a_charge_goes_on_the_next_billing_date_of_a_contract(world):
    member, _ = _member_on_desk(world)
    charges = ChargeService(world.db, world.clock)
    changes = charges.add(member, product="Meeting room hour", quantity=3)
    assert changes.touches_member(member) and changes.id is not None
    [pending] = charges.of_member(member)
    assert (pending.description, pending.quantity, pending.amount, pending.document) == (
        "Meeting room hour", 3, 4500, None)
    issued = _swept(world, member, date(2024, 5, 1))
    [invoice] = issued
    assert invoice.billing_date == date(2024, 5, 1)
    assert [(line.kind, line.description, line.amount, line.period_start)
            for line in invoice.lines] == [
        ("plan", "Hot desk", 20000, date(2024, 5, 1)),
        ("charge", "Meeting room hour × 3", 4500, TODAY)]
    assert charges.of_member(member)[0].document == invoice.number
    # Billed once: the next renewal does not bill it again (rule 19).
    assert [line.kind for i in _swept(world, member, date(2024, 6, 1)) for line in i.lines] == [
        "plan"]


def test_rule_27_a_described_amount_keeps_its_text_and_tax_category(world):
    member, _ = _member_on_desk(world)
    ChargeService(world.db, world.clock).add(member, amount=1234, description="Printing",
                                             tax_category="reduced", day=date(2024, 4, 20))
    [invoice] = _swept(world, member, date(2024, 5, 1))
    charge = invoice.lines[-1]
    assert (charge.kind, charge.description, charge.amount, charge.tax_category) == (
        "charge", "Printing", 1234, "reduced")


def test_rule_27_a_member_without_a_contract_gets_an_invoice_of_its_own_that_day(world):
    world.addon("Day pass", 2500, None)
    member = world.member("Walk In")
    ChargeService(world.db, world.clock).add(member, product="Day pass", quantity=2,
                                             day=date(2024, 4, 15))
    issued = _swept(world, member, date(2024, 4, 20))
    assert [(i.billing_date, i.total, [line.kind for line in i.lines]) for i in issued] == [
        (date(2024, 4, 15), 5000, ["charge"])]


def test_rule_27_a_charge_of_a_later_day_waits_for_the_billing_date_after_it(world):
    member, _ = _member_on_desk(world)
    ChargeService(world.db, world.clock).add(member, amount=900, description="Late key",
                                             day=date(2024, 5, 3))
    first, second = _swept(world, member, date(2024, 6, 1))
    assert [line.kind for line in first.lines] == ["plan"]
    assert [line.kind for line in second.lines] == ["plan", "charge"]


def test_rule_27_the_editor_preview_shows_the_pending_charge(world):
    member, contract_id = _member_on_desk(world)
    ChargeService(world.db, world.clock).add(member, product="Meeting room hour", quantity=2)
    service = ContractService(world.db, world.clock)
    [preview] = service.preview(service.load(contract_id).contract, count=1)
    assert preview.total == 23000
    assert [replace(i, number=None) for i in _swept(world, member, date(2024, 5, 1))] == [
        preview]


@pytest.mark.parametrize("options, field, sentence", [
    (dict(product="Nothing such", quantity=1), "product",
     "There is no product named Nothing such in the catalogue."),
    (dict(product="Meeting room hour", quantity=0), "quantity",
     "The quantity must be a whole number from 1 to 10,000."),
    (dict(product="Hot desk", quantity=1), "product",
     "There is no product named Hot desk in the catalogue."),
    (dict(amount=0, description="Nothing"), "amount",
     "The amount of a charge must be above zero."),
    (dict(amount=100, description=" "), "description", "Describe what the charge is for."),
    (dict(amount=100, description="Tea", tax_category="luxury"), "tax_category",
     "The tax category must be standard, reduced, zero or exempt."),
    (dict(), "product", "Choose a product, or give an amount and a description."),
])
def test_rule_27_bad_charges_are_refused_with_one_sentence_and_nothing_written(
        world, options, field, sentence):
    member, _ = _member_on_desk(world)
    before = world.dump()
    with pytest.raises(ValidationError) as refused:
        ChargeService(world.db, world.clock).add(member, **options)
    assert refused.value.problems[0].field == field
    assert str(refused.value) == sentence
    assert world.dump() == before


def test_a_charge_for_a_member_who_is_gone_is_not_found(world):
    with pytest.raises(NotFound):
        ChargeService(world.db, world.clock).add(999, amount=100, description="Tea")


def test_a_product_that_was_charged_can_be_archived_but_not_deleted(world):
    from desktop.services.errors import Refused

    member, _ = _member_on_desk(world)
    hour = next(p for p in world.catalog.plans() if p.name == "Meeting room hour")
    ChargeService(world.db, world.clock).add(member, product=hour.id, quantity=1)
    with pytest.raises(Refused):
        world.catalog.delete_plan(hour.id)


charges = st.lists(st.fixed_dictionaries({
    "in_days": st.integers(-20, 70),
    "amount": st.integers(1, 50000),
    "product": st.booleans(),
    "quantity": st.integers(1, 4),
}), max_size=4)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(charges, st.one_of(st.none(), st.integers(1, 60)), st.integers(0, 30000))
def test_rule_27_any_charges_preview_exactly_what_the_sweep_then_issues(listed, cancel_in,
                                                                        credit):
    """Charges on any days before, between and after billing dates, with a cancellation and a
    credit balance: the editor's preview is what the sweep issues, to the cent."""
    from desktop.storage import models as m

    world = World(TODAY)
    member, contract_id = _member_on_desk(world)
    service, charges_service = ContractService(world.db, world.clock), ChargeService(
        world.db, world.clock)
    with world.db.write() as session:
        session.get(m.MemberRow, member).credit_balance = credit
    for charge in listed:
        day = TODAY + timedelta(days=charge["in_days"])
        if charge["product"]:
            charges_service.add(member, product="Meeting room hour",
                                quantity=charge["quantity"], day=day)
        else:
            charges_service.add(member, amount=charge["amount"], description="Other", day=day)
    state = service.load(contract_id)
    draft = state.contract
    if cancel_in is not None:
        draft = draft.with_changes(cancellation_date=TODAY + timedelta(days=cancel_in))
        service.save(draft, state.version)
    preview = service.preview(service.load(contract_id).contract, count=3)
    until = preview[-1].issue_date if preview else TODAY + timedelta(days=100)
    assert [replace(i, number=None) for i in _swept(world, member, until)] == preview
