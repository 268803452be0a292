"""Rules 8, 9, 10, 13, 14: eligible targets, labels, the custom-price block and "no change"."""

from datetime import date

from desktop.domain.model import ContractAddon
from desktop.domain.periods import Frequency
from desktop.domain.plan_changes import (
    custom_price_blocks,
    eligible_targets,
    is_no_change,
    labelled_targets,
    plan_chosen,
    price_per_year,
)
from domain_builders import contract, plan

HOT = plan("Hot desk", 20000, group="Desks", id=1)
DEDICATED = plan("Dedicated desk", 35000, group="Desks", id=2)
OLD = plan("Old desk", 10000, group="Desks", archived=True, id=3)
OFFICE = plan("Private office", 90000, group="Offices", id=4)
YEARLY = plan("Hot desk yearly", 240000, Frequency("year"), group="Desks", id=5)
FREE = plan("Event pass", 5000, id=6)
LOCKER = plan("Locker", 2000, kind="addon", id=7)
CATALOG = [HOT, DEDICATED, OLD, OFFICE, YEARLY, FREE, LOCKER]


def test_rule_13_a_plan_in_a_group_offers_only_its_group_and_never_archived_plans():
    assert eligible_targets(HOT, CATALOG) == [HOT, DEDICATED, YEARLY]


def test_rule_13_a_plan_in_no_group_offers_every_plan_but_no_addon():
    assert eligible_targets(FREE, CATALOG) == [HOT, DEDICATED, OFFICE, YEARLY, FREE]


def test_rule_13_labels_compare_price_per_year_times_quantity():
    labels = {p.name: label for p, label in labelled_targets(contract(HOT), CATALOG)}
    assert labels == {"Hot desk": "same level", "Dedicated desk": "upgrade",
                      "Hot desk yearly": "same level"}
    assert price_per_year(HOT, 2) == 480000
    from fractions import Fraction
    assert price_per_year(plan("Week", 1000, Frequency("week", 2))) == Fraction(365000, 14)
    labels = {p.name: label for p, label in labelled_targets(contract(DEDICATED), CATALOG)}
    assert labels["Hot desk"] == "downgrade"


def test_rule_9_custom_price_blocks_automated_changes_whatever_the_status():
    c = contract(HOT, start=date(2024, 1, 1), next_invoice=date(2024, 5, 1), custom_price=15000)
    not_started = contract(HOT, start=date(2030, 1, 1), custom_price=15000)
    assert custom_price_blocks(not_started, DEDICATED)  # its first invoice would switch
    assert custom_price_blocks(c, DEDICATED)
    assert not custom_price_blocks(c, HOT)
    assert not custom_price_blocks(c, None)  # blank (ending) is allowed
    assert not custom_price_blocks(c.with_changes(custom_price=None), DEDICATED)


def test_rule_14_same_plan_quantity_and_held_addons_is_no_change():
    c = contract(HOT, addons=(ContractAddon(LOCKER, 1, date(2024, 1, 1)),))
    assert is_no_change(c, HOT)
    assert is_no_change(c, HOT, 1, ["Locker"])
    assert not is_no_change(c, HOT, 2)
    assert not is_no_change(c, DEDICATED)
    assert not is_no_change(c, HOT, 1, ["Mail handling"])


def test_rule_10_choosing_another_plan_before_the_start_clears_the_custom_price():
    """The audit's case: a new term copied 186.30 for a team office; another plan clears it."""
    term = contract(HOT, start=date(2030, 1, 1), custom_price=18630)
    moved = plan_chosen(term, DEDICATED)
    assert (moved.plan, moved.next_plan, moved.custom_price, moved.unit_price) == (
        DEDICATED, DEDICATED, None, 35000)
    assert plan_chosen(term, HOT).custom_price == 18630  # the same plan keeps it
