"""ContractService: create new term (rule 10), add-ons (rule 16), delete (only cancelled, never
invoiced)."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.services.errors import NotFound, Refused, ValidationError
from desktop.storage import models as m

TODAY = date(2024, 4, 11)


@pytest.fixture
def desk(world):
    world.addon("Locker", 3000, allowances={"Lockers": 1})
    world.addon("10 meeting-room hours", 9000, None, allowances={"Meeting room hours": 10})
    return world.plan("Hot desk", 20000, addons=("Locker", "10 meeting-room hours"))


def _addon(world, name):
    return next(p for p in world.catalog.plans() if p.name == name)


def _active(world, plan, **extra):
    member = world.member()
    contract_id = world.contract(member, plan, date(2024, 3, 1), **extra)
    world.run_until(member, TODAY)
    return member, contract_id


# Create new term (rule 10) --------------------------------------------------------------------

def test_a_new_term_starts_on_the_cancellation_date_and_copies_the_contract(service, world, desk):
    _member, contract_id = _active(world, desk, quantity=2, custom_price=18000,
                                   cancellation=date(2024, 6, 15))
    new_id = service.create_new_term(contract_id).id
    new = service.load(new_id)
    assert new.status == "inactive"
    c = new.contract
    assert (c.start_date, c.next_invoice_date, c.billing_anchor) == (
        date(2024, 6, 15), date(2024, 6, 15), date(2024, 3, 1))
    assert (c.plan, c.next_plan, c.quantity, c.custom_price, c.predecessor) == (
        desk, desk, 2, 18000, contract_id)
    assert new.history[0].field == "Created"


def test_a_new_term_continues_on_the_next_plan_that_took_effect_before_it_starts(
        service, world, desk):
    """docs/design.md, decided cases: the plan in force on the term's start day. The next plan
    takes over on 1 May, before the cancellation on 15 June: the term is on it, not on the plan
    stored today."""
    dedicated = world.plan("Dedicated desk", 30000)
    contract_id = world.contract(world.member(), desk, date(2024, 3, 1),
                                 next_invoice=date(2024, 5, 1), next_plan=dedicated,
                                 cancellation=date(2024, 6, 15))
    assert service.load(contract_id).contract.plan.name == "Hot desk"
    c = service.load(service.create_new_term(contract_id).id).contract
    assert (c.plan.name, c.next_plan.name, c.start_date) == (
        "Dedicated desk", "Dedicated desk", date(2024, 6, 15))


def test_a_new_term_keeps_the_plan_when_the_next_plan_would_take_effect_after_it_starts(
        service, world, desk):
    dedicated = world.plan("Dedicated desk", 30000)
    contract_id = world.contract(world.member(), desk, date(2024, 3, 1),
                                 next_invoice=date(2024, 5, 1), next_plan=dedicated,
                                 cancellation=date(2024, 4, 20))
    c = service.load(service.create_new_term(contract_id).id).contract
    assert (c.plan.name, c.start_date) == ("Hot desk", date(2024, 4, 20))


def test_rule_10_a_new_term_copies_recurring_add_ons_but_not_a_package(service, world, desk):
    """The audit's case: a package bought and invoiced on the old term is not copied, so its
    hours are not granted again, and the term's first invoice bills the Locker only."""
    member, contract_id = _active(world, desk, cancellation=date(2024, 6, 1))
    service.add_addon(contract_id, _addon(world, "Locker").id)
    service.add_addon(contract_id, _addon(world, "10 meeting-room hours").id)
    new_id = service.create_new_term(contract_id).id
    held = service.load(new_id).contract.addons
    assert [(a.addon.name, a.start_date) for a in held] == [("Locker", date(2024, 6, 1))]
    june = world.run_until(member, date(2024, 6, 1))[-1]
    assert [(line.kind, line.description, line.amount) for line in june.lines] == [
        ("plan", "Hot desk", 20000), ("addon", "Locker", 3000)]


def test_a_missing_cancellation_date_is_taken_from_the_request(service, world, desk):
    _member, contract_id = _active(world, desk)
    new_id = service.create_new_term(contract_id, date(2024, 7, 1)).id
    assert service.load(contract_id).contract.cancellation_date == date(2024, 7, 1)
    assert service.load(new_id).contract.start_date == date(2024, 7, 1)
    fields = [(h.field, h.new) for h in service.load(contract_id).history]
    assert ("Cancellation date", "2024-07-01") in fields


def test_a_new_term_needs_a_cancellation_date(service, world, desk):
    _member, contract_id = _active(world, desk)
    before = world.dump()
    with pytest.raises(ValidationError) as caught:
        service.create_new_term(contract_id)
    assert caught.value.problems[0].field == "cancellation_date"
    assert str(caught.value) == "Set the cancellation date first: the new term starts on it."
    assert world.dump() == before


def test_a_bad_cancellation_date_for_the_new_term_writes_nothing(service, world, desk):
    _member, contract_id = _active(world, desk)
    before = world.dump()
    with pytest.raises(ValidationError, match="must be after the start date"):
        service.create_new_term(contract_id, date(2024, 2, 1))
    assert world.dump() == before


def test_a_blank_next_plan_starts_the_new_term_on_the_next_invoice_date(service, world, desk):
    _member, contract_id = _active(world, desk)
    state = service.load(contract_id)
    service.save(state.contract.with_changes(next_plan=None), state.version)
    new_id = service.create_new_term(contract_id).id
    assert service.load(new_id).contract.start_date == date(2024, 5, 1)


def test_a_contract_gets_one_next_term(service, world, desk):
    _member, contract_id = _active(world, desk, cancellation=date(2024, 6, 1))
    service.create_new_term(contract_id)
    with pytest.raises(Refused, match="already has a next term"):
        service.create_new_term(contract_id)


@pytest.mark.parametrize("extra", [
    {"cancellation": date(2024, 2, 1)},
    {"next_plan": None, "next_invoice": date(2024, 2, 1)},  # rule 8: ended on N
], ids=["cancelled", "blank next plan"])
def test_a_contract_that_ended_before_today_gets_no_new_term(service, world, desk, extra):
    """Rule 10 + 18: a term starting in the past would be invoiced for the whole gap."""
    member = world.member()
    contract_id = world.contract(member, desk, date(2024, 1, 1), **extra)
    world.run_until(member, TODAY)
    before = world.dump()
    with pytest.raises(Refused) as caught:
        service.create_new_term(contract_id)
    assert str(caught.value) == ("This contract ended on 1 Feb 2024; a new term would start in "
                                 "the past. Start a new contract for this member instead.")
    assert world.dump() == before


def test_a_contract_ending_today_gets_a_new_term_from_today(service, world, desk):
    member, contract_id = _active(world, desk, cancellation=TODAY)
    new_id = service.create_new_term(contract_id).id
    assert service.load(new_id).contract.start_date == TODAY
    (issued,) = world.run_until(member, TODAY)
    assert [(line.contract, line.period_start) for line in issued.lines] == [(new_id, TODAY)]


def test_the_new_term_takes_over_on_its_start_without_a_gap(service, world, desk):
    member, contract_id = _active(world, desk, cancellation=date(2024, 5, 1))
    new_id = service.create_new_term(contract_id).id
    (may,) = world.run_until(member, date(2024, 5, 1))
    assert [(line.kind, line.contract, line.amount) for line in may.lines] == [
        ("plan", new_id, 20000)]
    world.set_today(date(2024, 5, 1))
    assert service.load(contract_id).status == "cancelled"
    assert service.load(new_id).status == "active"


# Add-ons (rule 16) ----------------------------------------------------------------------------

def test_a_recurring_add_on_bought_mid_period_is_invoiced_at_once_prorated(service, world, desk):
    member, contract_id = _active(world, desk)
    locker = _addon(world, "Locker")
    service.add_addon(contract_id, locker.id)
    issued = world.invoices(member)[-1]
    assert issued.issue_date == TODAY
    # 20 of April's 30 days of 3000.
    assert [(line.kind, line.amount, line.days, line.period_days) for line in issued.lines] == [
        ("addon", 2000, 20, 30)]
    assert world.members.get(member).allowances == {"Lockers": 1}  # counts immediately
    (may,) = world.run_until(member, date(2024, 5, 1))
    assert sorted((line.kind, line.amount) for line in may.lines) == [
        ("addon", 3000), ("plan", 20000)]


def test_a_one_off_add_on_is_invoiced_once_at_once(service, world, desk):
    member, contract_id = _active(world, desk)
    hours = _addon(world, "10 meeting-room hours")
    service.add_addon(contract_id, hours.id, quantity=2)
    issued = world.invoices(member)[-1]
    assert [(line.kind, line.amount) for line in issued.lines] == [("addon", 18000)]
    (may,) = world.run_until(member, date(2024, 5, 1))
    assert [(line.kind, line.amount) for line in may.lines] == [("plan", 20000)]


def test_credit_spent_on_an_add_on_is_audited_in_minor_units(service, world, desk):
    """Issue 10: the audit keeps raw values; the History tab words them for its reader."""
    member, contract_id = _active(world, desk)
    with world.db.write() as session:
        session.get(m.MemberRow, member).credit_balance = 5000
    service.add_addon(contract_id, _addon(world, "10 meeting-room hours").id)
    with world.db.session() as session:
        audit = session.query(m.HistoryRow).filter_by(
            entity="member", entity_id=member, field="Credit balance").one()
    assert (audit.old_value, audit.new_value) == ("5000", "0")


def test_a_recurring_add_on_on_a_term_not_started_comes_with_its_first_invoice(
        service, world, desk):
    member = world.member()
    contract_id = world.contract(member, desk, date(2024, 5, 1))
    service.add_addon(contract_id, _addon(world, "Locker").id)
    assert world.invoices(member) == []
    (first,) = world.run_until(member, date(2024, 5, 1))
    assert sorted((line.kind, line.amount) for line in first.lines) == [
        ("addon", 3000), ("plan", 20000)]


def test_an_add_on_uses_the_credit_balance_first(service, world, desk):
    from desktop.services.payments import PaymentService

    member, contract_id = _active(world, desk)
    payments = PaymentService(world.db, world.clock)  # all paid, and 15.00 more: credit
    payments.record_for_member(member, payments.outstanding(member) + 1500)
    assert world.member_balance(member) == 1500
    service.add_addon(contract_id, _addon(world, "Locker").id)
    issued = world.invoices(member)[-1]
    assert (issued.total, issued.credit_applied, issued.amount_due) == (2000, 1500, 500)
    assert world.member_balance(member) == 0


def test_a_removed_add_on_stops_at_the_next_invoice_date(service, world, desk):
    locker = _addon(world, "Locker")
    member, contract_id = _active(world, desk, addons=(locker,))
    service.remove_addon(contract_id, locker.id)
    assert service.load(contract_id).contract.addons == ()
    (may,) = world.run_until(member, date(2024, 5, 1))
    assert [(line.kind, line.amount) for line in may.lines] == [("plan", 20000)]
    with pytest.raises(NotFound):
        service.remove_addon(contract_id, locker.id)


@pytest.mark.parametrize("case, field, message", [
    ("not offered", "addon", "Hot desk does not offer Mail."),
    ("a plan", "addon", "Hot desk is a plan, not an add-on."),
    ("held twice", "addon", "This contract already has Locker."),
    ("quantity", "quantity", "The quantity must be at least 1."),
])
def test_bad_add_ons_are_refused_and_nothing_is_written(service, world, desk, case, field, message):
    mail = world.addon("Mail", 1000)
    locker = _addon(world, "Locker")
    _member, contract_id = _active(world, desk, addons=(locker,))
    addon_id, quantity = {"not offered": (mail.id, 1), "a plan": (desk.id, 1),
                          "held twice": (locker.id, 1),
                          "quantity": (_addon(world, "10 meeting-room hours").id, 0)}[case]
    before = world.dump()
    with pytest.raises(ValidationError) as caught:
        service.add_addon(contract_id, addon_id, quantity)
    assert [(p.field, str(p.message)) for p in caught.value.problems] == [(field, message)]
    assert world.dump() == before


# Delete ---------------------------------------------------------------------------------------

def test_only_a_cancelled_contract_without_invoices_can_be_deleted(service, world, desk):
    member, invoiced = _active(world, desk, cancellation=date(2024, 4, 5))
    active = world.contract(member, desk, date(2024, 4, 1), next_invoice=date(2024, 5, 1))
    before = world.dump()
    with pytest.raises(Refused) as caught:
        service.delete(active)
    assert str(caught.value) == "Only a cancelled contract can be deleted; cancel it first."
    with pytest.raises(Refused) as caught:
        service.delete(invoiced)
    assert str(caught.value) == "This contract has invoices, so it cannot be deleted."
    assert world.dump() == before


def test_a_cancelled_contract_never_invoiced_is_deleted_and_its_successor_relinked(
        service, world, desk):
    member = world.member()
    first = world.contract(member, desk, date(2024, 1, 1), next_invoice=date(2024, 5, 1))
    # A blank next plan ends a term on its first invoice date: cancelled, never invoiced.
    middle = world.contract(member, desk, date(2024, 3, 1), next_plan=None, predecessor=first)
    last = world.contract(member, desk, date(2024, 5, 1), predecessor=middle)
    world.run_until(member, TODAY)
    assert service.load(middle).status == "cancelled" and world.invoices(member) == []
    assert len(world.dump()["applied_transitions"]) == 1
    service.delete(middle)
    with pytest.raises(NotFound):
        service.load(middle)
    assert service.load(last).contract.predecessor == first
    assert [r.field for r in world.history(contract_id=middle)][-1] == "Deleted"
    assert world.dump()["applied_transitions"] == []
