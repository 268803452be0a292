"""CatalogService: plans and add-ons, validation with nothing written, archive, delete refusal."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from desktop.domain.model import ADDON, Plan
from desktop.domain.periods import Frequency
from desktop.services.errors import NotFound, Refused, ValidationError
from service_builders import World


@pytest.fixture
def world():
    return World()


def test_saved_plans_come_back_with_ids_plans_first_then_add_ons_by_name(world):
    locker = world.addon("Locker", 2000, allowances={"Lockers": 1})
    desk = world.plan("Hot desk", 20000, group="Desks", allowances={"Meeting room hours": 4},
                      addons=("Locker",), deposit=10000)
    office = world.plan("Private office", 90000, "3 months", group="Offices")
    plans = world.catalog.plans()
    assert [p.name for p in plans] == ["Hot desk", "Private office", "Locker"]
    assert all(p.id is not None for p in plans)
    assert plans[0] == desk and plans[0].allowances == {"Meeting room hours": 4}
    assert plans[0].addons == ("Locker",) and plans[0].deposit == 10000
    assert plans[1].frequency == Frequency("month", 3) and plans[1].id == office.id
    assert plans[2].kind == ADDON and plans[2].id == locker.id
    assert world.catalog.groups() == ["Desks", "Offices"]


def test_a_one_off_add_on_has_no_frequency(world):
    hours = world.addon("10 meeting-room hours", 9000, None)
    assert hours.frequency is None and not hours.recurring


def test_updating_a_plan_writes_a_history_row_per_changed_field(world):
    desk = world.plan("Hot desk", 20000, allowances={"Print pages": 100})
    world.catalog.save_plan(replace(desk, price=22000, allowances={"Print pages": 150},
                                    group="Desks"))
    saved = world.plan_by_id(desk.id)
    assert (saved.price, saved.allowances, saved.group) == (22000, {"Print pages": 150}, "Desks")
    rows = [r for r in world.history(entity="plan", entity_id=desk.id) if r.old_value]
    assert {(r.field, r.old_value, r.new_value) for r in rows} == {
        ("Price", "20000", "22000"), ("Allowances", "Print pages: 100", "Print pages: 150")}
    group = [r for r in world.history(entity="plan", entity_id=desk.id) if r.field == "Group"]
    assert [(g.old_value, g.new_value) for g in group] == [("", "Desks")]
    assert {r.who for r in world.history(entity="plan")} == {"system"}


def test_archived_plans_can_be_left_out_and_archiving_is_audited(world):
    desk = world.plan("Hot desk", 20000)
    world.plan("Dedicated desk", 35000)
    world.catalog.set_archived(desk.id, True)
    assert [p.name for p in world.catalog.plans(include_archived=False)] == ["Dedicated desk"]
    assert world.plan_by_id(desk.id).archived
    assert [(r.field, r.old_value, r.new_value) for r in world.history(entity_id=desk.id)][-1] == (
        "Archived", "no", "yes")


def _invalid(world, plan: Plan, field: str, message: str) -> None:
    before = world.dump()
    with pytest.raises(ValidationError) as caught:
        world.catalog.save_plan(plan)
    problem = caught.value.problems[0]
    assert (problem.field, str(problem.message)) == (field, message)
    assert str(caught.value) == message
    assert world.dump() == before


def test_a_plan_needs_a_name(world):
    _invalid(world, Plan("  ", 100), "name", "Enter the name of the plan.")


def test_plan_names_are_unique_regardless_of_case(world):
    world.plan("Hot desk", 20000)
    _invalid(world, Plan("hot DESK", 100), "name",
             "Another plan or add-on is already called hot DESK.")


def test_renaming_a_plan_to_its_own_name_is_not_a_duplicate(world):
    desk = world.plan("Hot desk", 20000)
    assert world.catalog.save_plan(replace(desk, price=1)).id == desk.id


def test_a_price_cannot_be_negative(world):
    _invalid(world, Plan("Hot desk", -1), "price", "The price cannot be negative.")


def test_a_deposit_cannot_be_negative(world):
    _invalid(world, Plan("Hot desk", 100, deposit=-5), "deposit", "The deposit cannot be negative.")


def test_the_frequency_must_parse(world):
    _invalid(world, Plan("Hot desk", 100, frequency="fortnightly"), "frequency",
             '"fortnightly" is not a billing frequency such as "1 month" or "2 weeks".')


def test_a_frequency_written_as_text_is_read(world):
    plan_id = world.catalog.save_plan(Plan("Hot desk", 100, frequency="2 weeks")).id
    assert world.plan_by_id(plan_id).frequency == Frequency("week", 2)


def test_only_add_ons_may_be_one_off(world):
    _invalid(world, Plan("Hot desk", 100, frequency=None), "frequency",
             'A plan needs a billing frequency such as "1 month"; only add-ons can be one-off.')


def test_a_plan_can_only_offer_add_ons(world):
    world.plan("Dedicated desk", 35000)
    _invalid(world, Plan("Hot desk", 100, addons=("Dedicated desk",)), "addons",
             "Dedicated desk is not an add-on, so a plan cannot offer it.")
    _invalid(world, Plan("Hot desk", 100, addons=("Nothing",)), "addons",
             "Nothing is not an add-on, so a plan cannot offer it.")


def test_an_add_on_cannot_offer_add_ons(world):
    world.addon("Locker", 2000)
    _invalid(world, Plan("Mail", 100, kind=ADDON, addons=("Locker",)), "addons",
             "An add-on cannot offer other add-ons.")


def test_allowances_are_whole_numbers_with_names(world):
    _invalid(world, Plan("Hot desk", 100, allowances={"Hours": -1}), "allowances",
             "The allowance Hours must be a whole number, 0 or more.")
    _invalid(world, Plan("Hot desk", 100, allowances={" ": 1}), "allowances",
             "Every allowance needs a name.")


def test_a_sold_plan_cannot_change_between_plan_and_add_on(world):
    desk = world.plan("Hot desk", 20000)
    world.contract(world.member(), desk, date(2024, 4, 1))
    _invalid(world, replace(desk, kind=ADDON), "kind",
             "Hot desk is already in use, so it cannot change between plan and add-on.")


def test_saving_a_plan_that_no_longer_exists_is_not_found(world):
    with pytest.raises(NotFound):
        world.catalog.save_plan(Plan("Ghost", 1, id=999))


def test_an_unsold_plan_is_deleted_with_its_allowances_and_offers(world):
    world.addon("Locker", 2000)
    desk = world.plan("Hot desk", 20000, allowances={"Hours": 4}, addons=("Locker",))
    locker_id = next(p.id for p in world.catalog.plans() if p.name == "Locker")
    world.catalog.delete_plan(locker_id)
    assert world.plan_by_id(desk.id).addons == ()
    world.catalog.delete_plan(desk.id)
    assert world.catalog.plans() == []
    tables = world.dump()
    assert tables["plan_allowances"] == [] and tables["plan_addons"] == []
    assert [r.field for r in world.history(entity="plan", entity_id=desk.id)][-1] == "Deleted"


def _sold(world, sold_as: str) -> Plan:
    """A plan (or add-on) sold the given way: as a contract's plan, next plan or add-on."""
    locker = world.addon("Locker", 2000)
    desk = world.plan("Hot desk", 20000, addons=("Locker",))
    office = world.plan("Private office", 90000)
    member = world.member()
    if sold_as == "plan":
        world.contract(member, office, date(2024, 4, 1))
        return office
    if sold_as == "next_plan":
        world.contract(member, desk, date(2024, 4, 1), next_plan=office)
        return office
    world.contract(member, desk, date(2024, 4, 1), addons=(locker,))
    return locker


@pytest.mark.parametrize("sold_as", ["plan", "next_plan", "addon"])
def test_a_plan_that_was_ever_sold_can_only_be_archived(world, sold_as):
    target = _sold(world, sold_as)
    before = world.dump()
    with pytest.raises(Refused) as caught:
        world.catalog.delete_plan(target.id)
    assert str(caught.value) == f"{target.name} has been sold, so it can only be archived."
    assert world.dump() == before
    world.catalog.set_archived(target.id, True)
    assert world.plan_by_id(target.id).archived


def test_a_price_or_deposit_beyond_any_real_amount_is_refused(world):
    _invalid(world, Plan("Hot desk", 10**12 + 1), "price", "The price is too large.")
    _invalid(world, Plan("Hot desk", 100, deposit=2**70), "deposit", "The deposit is too large.")


def test_a_plan_keeps_its_tax_category_and_a_change_is_audited(world):
    """Rule 17: every plan and add-on has a tax category; it is stored and written in the
    history like the other fields."""
    desk = world.plan("Office letting", 90000)
    assert desk.tax_category == "standard"
    world.catalog.save_plan(replace(desk, tax_category="exempt"))
    assert world.plan_by_id(desk.id).tax_category == "exempt"
    rows = [r for r in world.history(entity="plan", entity_id=desk.id)
            if r.field == "Tax category"]
    assert [(r.old_value, r.new_value) for r in rows] == [("", "standard"),
                                                          ("standard", "exempt")]
    coffee = world.catalog.save_plan(Plan("Coffee card", 2500, None, kind=ADDON,
                                          tax_category="reduced")).id
    assert world.plan_by_id(coffee).tax_category == "reduced"


@pytest.mark.parametrize("category", ["reverse_charge", "", "Standard", None, "zero-rated"])
def test_a_tax_category_outside_the_four_is_refused_and_nothing_written(world, category):
    desk = world.plan("Hot desk", 20000)
    _invalid(world, replace(desk, tax_category=category), "tax_category",
             "Choose the tax category: standard, reduced, zero-rated or exempt.")
    _invalid(world, Plan("Team room", 100, tax_category=category), "tax_category",
             "Choose the tax category: standard, reduced, zero-rated or exempt.")
    assert world.plan_by_id(desk.id).tax_category == "standard"
