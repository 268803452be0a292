"""ContractService: load, new draft (rule 11), eligible plans (13), validate, save with its audit
(rule 20) and every validation rule of docs/billing-rules.md#validation (message checked, nothing
written)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from desktop.services.errors import NotFound, StaleEdit, ValidationError
from desktop.services.settings import SettingsService

TODAY = date(2024, 4, 11)


@pytest.fixture
def desk(world):
    return world.plan("Hot desk", 20000, group="Desks")


@pytest.fixture
def dedicated(world):
    return world.plan("Dedicated desk", 35000, group="Desks")


@pytest.fixture
def office(world):
    return world.plan("Private office", 90000, group="Offices")


@pytest.fixture
def active(world, desk):
    """A hot desk since 1 Mar, invoiced for March and April."""
    member = world.member("Ada Lovelace")
    contract_id = world.contract(member, desk, date(2024, 3, 1))
    world.run_until(member, TODAY)
    return contract_id


# Loading and drafting -------------------------------------------------------------------------

def test_load_gives_the_contract_its_member_status_version_and_history(service, active, world):
    state = service.load(active)
    assert state.contract.id == active and state.contract.plan.name == "Hot desk"
    assert state.member_name == "Ada Lovelace" and state.status == "active"
    assert state.version == world.contract_row(active).version
    assert state.contract.next_invoice_date == date(2024, 5, 1)
    # Rule 6 needs what was invoiced for the current period: it comes with the contract.
    assert [(s.start, s.end, s.amount) for s in state.contract.invoiced] == [
        (date(2024, 4, 1), date(2024, 5, 1), 20000)]
    # Raw values (issue 10): the History tab formats them in the reader's locale.
    assert [(h.field, h.new) for h in state.history][-1] == ("Next invoice date", "2024-05-01")
    with pytest.raises(NotFound):
        service.load(999)


def test_a_new_draft_starts_today_and_renews_on_its_plan(service, world, desk):
    member = world.member()
    draft = service.new_draft(member, desk.id)
    assert draft.id is None and draft.member == member
    assert (draft.plan, draft.next_plan) == (desk, desk)
    assert draft.start_date == draft.billing_anchor == draft.next_invoice_date == TODAY


def test_a_site_billing_day_anchors_monthly_and_yearly_drafts_only(service, world, desk):
    """Rule 11: the anchor is the latest billing day on or before the start (month/year only)."""
    settings = SettingsService(world.db, world.clock)
    settings.save(replace(settings.get(), billing_day=15))
    weekly = world.plan("Day pass week", 3000, "1 week")
    yearly = world.plan("Annual desk", 200000, "1 year")
    member = world.member()
    assert service.new_draft(member, desk.id).billing_anchor == date(2024, 3, 15)
    assert service.new_draft(member, yearly.id).billing_anchor == date(2024, 3, 15)
    assert service.new_draft(member, weekly.id).billing_anchor == TODAY
    with pytest.raises(NotFound):
        service.new_draft(member, 999)
    with pytest.raises(NotFound):
        service.new_draft(999, desk.id)


def test_eligible_next_plans_stay_in_the_group_and_are_labelled(service, world, desk, dedicated,
                                                                 office, active):
    world.plan("Old desk", 1000, group="Desks", archived=True)
    contract = service.load(active).contract
    assert [(p.name, label) for p, label in service.eligible_next_plans(contract)] == [
        ("Hot desk", "same level"), ("Dedicated desk", "upgrade")]


def test_a_plan_in_no_group_offers_every_plan(service, world, dedicated, office):
    solo = world.plan("Flex", 25000)
    member = world.member()
    draft = service.new_draft(member, solo.id)
    assert [(p.name, label) for p, label in service.eligible_next_plans(draft)] == [
        ("Flex", "same level"), ("Dedicated desk", "upgrade"), ("Private office", "upgrade")]


# Saving ---------------------------------------------------------------------------------------

def test_saving_a_new_draft_writes_the_contract_and_its_creation_audit(service, world, desk):
    member = world.member()
    draft = service.new_draft(member, desk.id).with_changes(quantity=2, notes="Window seat")
    contract_id = service.save(draft, None).id
    state = service.load(contract_id)
    assert (state.contract.quantity, state.contract.notes, state.status) == (
        2, "Window seat", "active")
    assert world.contract_row(contract_id).next_event_date == TODAY
    fields = {h.field: h.new for h in state.history}
    assert fields["Created"] == "Hot desk" and fields["Start date"] == "2024-04-11"
    assert fields["Quantity"] == "2" and fields["Plan"] == "Hot desk"
    assert all(h.who == "system" for h in state.history)


def test_a_contract_not_yet_invoiced_is_first_invoiced_on_its_start_on_its_own_plan(
        service, world, desk, dedicated):
    """Rule 10: before its first invoice, next invoice date = start and next plan = plan."""
    member = world.member()
    draft = service.new_draft(member, desk.id).with_changes(
        start_date=date(2024, 5, 1), billing_anchor=date(2024, 5, 1), next_plan=dedicated)
    contract = service.load(service.save(draft, None).id).contract
    assert contract.next_invoice_date == date(2024, 5, 1) and contract.next_plan == desk


def test_saving_an_edit_audits_each_changed_field_with_the_operator(service, world, active,
                                                                     dedicated):
    settings = SettingsService(world.db, world.clock)
    settings.save(replace(settings.get(), operator="Grace"))
    state = service.load(active)
    draft = state.contract.with_changes(next_plan=dedicated, cancellation_date=date(2024, 9, 1),
                                        custom_price=None, notes="Moving up")
    assert service.save(draft, state.version).id == active
    after = service.load(active)
    assert after.version == state.version + 1
    new_rows = after.history[len(state.history):]
    assert {(h.field, h.old, h.new) for h in new_rows} == {
        ("Next plan", "Hot desk", "Dedicated desk"), ("Cancellation date", "", "2024-09-01"),
        ("Notes", "", "Moving up")}
    assert {h.who for h in new_rows} == {"Grace"}
    assert world.plan_changes() == []  # the plan itself switches later, with the sweep (rule 7)
    assert world.contract_row(active).next_event_date == date(2024, 5, 1)


def test_changing_the_plan_of_a_term_not_started_records_a_plan_change(service, world, desk,
                                                                       dedicated):
    member = world.member()
    contract_id = world.contract(member, desk, date(2024, 5, 1))
    state = service.load(contract_id)
    service.save(state.contract.with_changes(plan=dedicated, next_plan=dedicated), state.version)
    (change,) = world.plan_changes()
    assert (change.contract_id, change.date, change.old_plan, change.new_plan) == (
        contract_id, TODAY, "Hot desk", "Dedicated desk")
    assert (change.old_price, change.new_price, change.quantity, change.upgrade) == (
        20000, 35000, 1, True)


def test_a_stale_version_is_refused_and_nothing_is_written(service, world, active):
    state = service.load(active)
    service.save(state.contract.with_changes(notes="first"), state.version)
    before = world.dump()
    with pytest.raises(StaleEdit, match="changed since you opened it"):
        service.save(state.contract.with_changes(notes="second"), state.version)
    assert world.dump() == before


def test_the_sweep_applying_a_transition_makes_an_open_editor_stale(service, world, active):
    state = service.load(active)
    world.run_until(state.contract.member, date(2024, 5, 1))
    with pytest.raises(StaleEdit):
        service.save(state.contract.with_changes(notes="late"), state.version)


# Every validation rule (docs/billing-rules.md#validation): the message, the field, nothing
# written -----------------

def _refused(service, world, draft, version, field, message):
    assert [(p.field, str(p.message)) for p in service.validate(draft)] == [(field, message)]
    before = world.dump()
    with pytest.raises(ValidationError) as caught:
        service.save(draft, version)
    assert [(p.field, str(p.message)) for p in caught.value.problems] == [(field, message)]
    assert str(caught.value) == message
    assert world.dump() == before


def test_the_cancellation_date_must_be_after_the_start(service, world, active):
    state = service.load(active)
    _refused(service, world, state.contract.with_changes(cancellation_date=date(2024, 3, 1)),
             state.version, "cancellation_date",
             "The cancellation date must be after the start date.")


def test_the_next_invoice_date_cannot_be_before_the_start(service, world, active):
    state = service.load(active)
    _refused(service, world, state.contract.with_changes(next_invoice_date=date(2024, 2, 1)),
             state.version, "next_invoice_date",
             "The next invoice date cannot be before the start date.")


def test_the_quantity_is_at_least_one(service, world, active):
    state = service.load(active)
    _refused(service, world, state.contract.with_changes(quantity=0), state.version, "quantity",
             "The quantity must be at least 1.")


def test_a_custom_price_cannot_be_negative(service, world, active):
    state = service.load(active)
    _refused(service, world, state.contract.with_changes(custom_price=-100), state.version,
             "custom_price", "The custom price cannot be negative.")


def test_the_billing_anchor_cannot_be_after_the_start(service, world, active):
    state = service.load(active)
    _refused(service, world, state.contract.with_changes(billing_anchor=date(2024, 3, 2)),
             state.version, "billing_anchor", "The billing anchor cannot be after the start date.")


def test_the_next_plan_stays_in_the_plan_group(service, world, active, office):
    state = service.load(active)
    _refused(service, world, state.contract.with_changes(next_plan=office), state.version,
             "next_plan", "Private office is not in the Desks group of Hot desk, so it cannot "
                          "be the next plan.")


def test_an_archived_plan_cannot_be_the_next_plan(service, world, active):
    old = world.plan("Old desk", 1000, group="Desks", archived=True)
    state = service.load(active)
    _refused(service, world, state.contract.with_changes(next_plan=old), state.version,
             "next_plan", "Old desk is archived and cannot be the next plan.")


def test_a_custom_price_blocks_an_automated_plan_change(service, world, desk, dedicated):
    """Rule 9."""
    member = world.member()
    contract_id = world.contract(member, desk, date(2024, 3, 1), custom_price=15000)
    world.run_until(member, TODAY)
    state = service.load(contract_id)
    _refused(service, world, state.contract.with_changes(next_plan=dedicated), state.version,
             "next_plan", "A contract with a custom price cannot switch plans on its own; cancel "
                          "it and create a new term on the other plan.")
    # Blank is allowed (rule 9): the contract simply ends on its next invoice date.
    assert service.validate(state.contract.with_changes(next_plan=None)) == []


NEXT_TERM_MESSAGE = ("This contract has a next term starting 1 Jun 2024; its cancellation date "
                     "cannot be removed or moved past it.")


@pytest.mark.parametrize("cancellation", [None, date(2024, 6, 15)], ids=["removed", "later"])
def test_a_contract_with_a_next_term_keeps_its_end_by_that_term(service, world, active,
                                                                 cancellation):
    """Rule 10: terms of a chain never overlap, else both would be invoiced for the same days."""
    service.create_new_term(active, date(2024, 6, 1))
    state = service.load(active)
    _refused(service, world, state.contract.with_changes(cancellation_date=cancellation),
             state.version, "cancellation_date", NEXT_TERM_MESSAGE)


def test_a_contract_with_a_next_term_may_end_earlier_and_edit_the_rest(service, world, active):
    service.create_new_term(active, date(2024, 6, 1))
    state = service.load(active)
    service.save(state.contract.with_changes(notes="Moving to the new term"), state.version)
    state = service.load(active)
    service.save(state.contract.with_changes(cancellation_date=date(2024, 5, 20)), state.version)
    assert service.load(active).contract.cancellation_date == date(2024, 5, 20)


def test_a_next_term_cannot_start_before_the_term_it_continues_ends(service, world, active):
    """Rule 10, from the next term's side: starting earlier would bill both for the same days."""
    new_id = service.create_new_term(active, date(2024, 6, 1)).id
    state = service.load(new_id)
    _refused(service, world, state.contract.with_changes(start_date=date(2024, 5, 1)),
             state.version, "start_date",
             "This term continues a contract that ends on 1 Jun 2024; it cannot start before "
             "then.")
    service.save(state.contract.with_changes(start_date=date(2024, 6, 3)), state.version)
    assert service.load(new_id).contract.start_date == date(2024, 6, 3)


def test_a_blank_next_plan_cannot_be_filled_when_a_next_term_follows(service, world, desk):
    """Rule 8: the blank next plan ended the contract on 1 Jun, where its next term starts;
    a next plan would renew it alongside that term."""
    member = world.member()
    contract_id = world.contract(member, desk, date(2024, 3, 1), next_plan=None,
                                 next_invoice=date(2024, 6, 1))
    service.create_new_term(contract_id)
    state = service.load(contract_id)
    _refused(service, world, state.contract.with_changes(next_plan=desk), state.version,
             "cancellation_date", NEXT_TERM_MESSAGE)


def test_the_plan_and_dates_of_a_cancelled_contract_cannot_change(service, world, desk, dedicated):
    member = world.member()
    contract_id = world.contract(member, desk, date(2024, 1, 1), cancellation=date(2024, 3, 1))
    world.run_until(member, TODAY)
    state = service.load(contract_id)
    assert state.status == "cancelled"
    _refused(service, world, state.contract.with_changes(plan=dedicated),
             state.version, "plan", "The plan of a cancelled contract cannot be changed.")
    _refused(service, world, state.contract.with_changes(quantity=3), state.version, "quantity",
             "A cancelled contract can no longer be changed; only its notes can.")
    _refused(service, world, state.contract.with_changes(start_date=date(2024, 1, 2)),
             state.version, "start_date", "The dates of a cancelled contract cannot be changed.")
    # Its notes can still be edited.
    service.save(state.contract.with_changes(notes="Left for Paris"), state.version)
    assert service.load(contract_id).contract.notes == "Left for Paris"


def test_a_new_draft_is_validated_too(service, world, desk):
    member = world.member()
    draft = service.new_draft(member, desk.id).with_changes(cancellation_date=TODAY)
    _refused(service, world, draft, None, "cancellation_date",
             "The cancellation date must be after the start date.")
