"""The validation list of docs/billing-rules.md#validation: every problem names its field and says
why."""

from datetime import date

import pytest

from desktop.domain.validation import deletion_problem, validate_contract
from domain_builders import contract, plan

HOT = plan("Hot desk", 20000, group="Desks", id=1)
DEDICATED = plan("Dedicated desk", 35000, group="Desks", id=2)
OLD = plan("Old desk", 10000, group="Desks", archived=True, id=3)
OFFICE = plan("Private office", 90000, group="Offices", id=4)
LOCKER = plan("Locker", 2000, kind="addon", id=7)
CATALOG = [HOT, DEDICATED, OLD, OFFICE, LOCKER]
TODAY = date(2024, 4, 10)
ACTIVE = contract(HOT, start=date(2024, 1, 1), next_invoice=date(2024, 5, 1))


def problems(draft, original=ACTIVE, today=TODAY):
    return [(p.field, str(p.message)) for p in validate_contract(draft, original, CATALOG, today)]


def test_a_valid_contract_has_no_problem():
    assert problems(ACTIVE) == []


@pytest.mark.parametrize("changes,field,message", [
    (dict(cancellation_date=date(2024, 1, 1)), "cancellation_date",
     "The cancellation date must be after the start date."),
    (dict(next_invoice_date=date(2023, 12, 31)), "next_invoice_date",
     "The next invoice date cannot be before the start date."),
    (dict(quantity=0), "quantity", "The quantity must be at least 1."),
    (dict(custom_price=-1), "custom_price", "The custom price cannot be negative."),
    (dict(next_plan=OFFICE), "next_plan",
     "Private office is not in the Desks group of Hot desk, so it cannot be the next plan."),
    (dict(next_plan=OLD), "next_plan", "Old desk is archived and cannot be the next plan."),
    (dict(custom_price=15000, next_plan=DEDICATED), "next_plan",
     "A contract with a custom price cannot switch plans on its own; cancel it and create a new "
     "term on the other plan."),
    (dict(billing_anchor=date(2024, 2, 1)), "billing_anchor",
     "The billing anchor cannot be after the start date."),
    (dict(plan=LOCKER, next_plan=LOCKER), "plan", "Locker is an add-on, not a plan."),
])
def test_each_rule_reports_its_field_and_sentence(changes, field, message):
    assert (field, message) in problems(ACTIVE.with_changes(**changes))


def test_a_new_contract_cannot_be_sold_on_an_archived_plan():
    draft = contract(OLD, start=date(2024, 5, 1))
    assert problems(draft, original=None) == [("plan", "Old desk is archived and cannot be sold.")]


def test_a_contract_that_has_not_started_cannot_have_a_blank_next_plan():
    draft = contract(HOT, start=date(2024, 5, 1), next_plan=None)
    assert ("next_plan", "A contract that has not started renews on its own plan; its next plan "
                         "cannot be blank.") in problems(draft, original=None)


def test_the_plan_and_dates_of_a_cancelled_contract_cannot_be_edited():
    ended = ACTIVE.with_changes(cancellation_date=date(2024, 3, 1), next_invoice_date=None)
    edited = ended.with_changes(plan=DEDICATED, next_plan=DEDICATED, start_date=date(2024, 1, 2))
    got = problems(edited, original=ended)
    assert ("plan", "The plan of a cancelled contract cannot be changed.") in got
    assert ("start_date", "The dates of a cancelled contract cannot be changed.") in got
    assert problems(ended.with_changes(notes="moved abroad"), original=ended) == []


def test_only_cancelled_contracts_without_invoices_may_be_deleted():
    ended = ACTIVE.with_changes(cancellation_date=date(2024, 3, 1), next_invoice_date=None)
    assert str(deletion_problem(ACTIVE, False, TODAY).message) == (
        "Only a cancelled contract can be deleted; cancel it first.")
    assert str(deletion_problem(ended, True, TODAY).message) == (
        "This contract has invoices, so it cannot be deleted.")
    assert deletion_problem(ended, False, TODAY) is None


@pytest.mark.parametrize("changes,field,message", [
    (dict(plan=DEDICATED, next_plan=DEDICATED), "plan",
     "A started contract keeps its plan; choose a next plan or use Change plan."),
    (dict(start_date=date(2024, 1, 2)), "start_date",
     "The start date of a started contract cannot be changed."),
    (dict(billing_anchor=date(2023, 12, 15)), "billing_anchor",
     "The billing anchor of a started contract cannot be changed."),
    (dict(next_invoice_date=date(2024, 4, 20)), "next_invoice_date",
     "The next invoice date cannot move earlier: the time before it has already been invoiced."),
    (dict(cancellation_date=date(2024, 4, 9)), "cancellation_date",
     "The cancellation date cannot be in the past."),
    (dict(quantity=10_001), "quantity", "The quantity can be at most 10,000."),
    (dict(custom_price=10**12 + 1), "custom_price", "The custom price is too large."),
])
def test_a_started_contract_keeps_what_its_invoices_billed(changes, field, message):
    assert (field, message) in problems(ACTIVE.with_changes(**changes))


def test_a_started_contract_may_move_its_next_invoice_later_and_cancel_from_today():
    assert problems(ACTIVE.with_changes(next_invoice_date=date(2024, 5, 15))) == []
    assert problems(ACTIVE.with_changes(cancellation_date=TODAY)) == []


def test_a_next_invoice_date_moved_into_the_past_is_refused():
    overdue = ACTIVE.with_changes(next_invoice_date=date(2024, 4, 1))  # the sweep has not run yet
    assert ("next_invoice_date", "The next invoice date cannot be in the past.") in problems(
        overdue.with_changes(next_invoice_date=date(2024, 4, 5)), original=overdue)


def test_after_a_prorated_last_invoice_the_cancellation_date_stays():
    from domain_builders import paid
    prorated = ACTIVE.with_changes(
        next_invoice_date=date(2024, 6, 1), cancellation_date=date(2024, 5, 15),
        invoiced=(paid("Hot desk", date(2024, 5, 1), date(2024, 5, 15), 9000),))
    today = date(2024, 5, 3)
    message = ("cancellation_date", "The last invoice already billed up to the cancellation "
                                    "date; create a new term to continue.")
    assert message in problems(prorated.with_changes(cancellation_date=None), prorated, today)
    assert message in problems(prorated.with_changes(cancellation_date=date(2024, 5, 25)),
                               prorated, today)


def test_a_cancelled_contract_keeps_everything_but_its_notes():
    ended = ACTIVE.with_changes(cancellation_date=date(2024, 3, 1), next_invoice_date=None)
    got = problems(ended.with_changes(quantity=2, next_plan=DEDICATED), original=ended)
    sentence = "A cancelled contract can no longer be changed; only its notes can."
    assert ("quantity", sentence) in got and ("next_plan", sentence) in got


def test_a_scheduled_next_plan_stays_valid_after_it_is_archived_or_regrouped():
    scheduled = ACTIVE.with_changes(next_plan=OLD)  # scheduled before Old desk was archived
    assert problems(scheduled.with_changes(notes="called"), original=scheduled) == []
    assert problems(scheduled.with_changes(notes="called"), original=ACTIVE) != []


def test_an_anchor_moved_by_a_frequency_switch_does_not_block_later_edits():
    switched = ACTIVE.with_changes(billing_anchor=date(2024, 3, 1))  # rule 7 moved it
    assert problems(switched.with_changes(notes="yearly now"), original=switched) == []


def test_rule_9_a_stored_custom_price_with_another_next_plan_is_refused_as_its_own_original():
    """What import checks (the contract passed as its own original): no exception for a state
    with a custom price and another next plan, active or not started."""
    message = ("A contract with a custom price cannot switch plans on its own; cancel it and "
               "create a new term on the other plan.")
    stored = ACTIVE.with_changes(custom_price=15000, next_plan=DEDICATED)
    assert problems(stored, original=stored) == [("next_plan", message)]
    future = contract(HOT, start=date(2024, 6, 1), custom_price=15000, next_plan=DEDICATED)
    assert problems(future, original=future) == [("next_plan", message)]
    archived_later = ACTIVE.with_changes(next_plan=OLD)
    assert problems(archived_later, original=archived_later) == []
