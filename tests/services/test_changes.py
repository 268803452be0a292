"""Every mutating service call says what it changed (desktop/services/changes.py), so the
window's screens refresh from it: members, plans, settings, contracts, payments, the sweep."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from desktop.domain.model import Plan
from desktop.services.changes import OTHER_DESK, TIMER, Changes
from desktop.services.contracts.editing import ContractService
from desktop.services.payments import PaymentService
from desktop.services.settings import SettingsService
from desktop.services.sweep.service import SweepService
from desktop.storage import models as m

TODAY = date(2024, 4, 11)


def test_the_record_holds_stored_ids_only():
    # A document's name or an unsaved term's "new" is no row a screen could read again.
    with pytest.raises(TypeError, match="'new' is not the id of a stored row"):
        Changes.of(contracts=[7, "new"])
    assert Changes.of(members=[3], contracts=[None]).contracts == frozenset()


def test_the_record_answers_whom_it_concerns():
    saved = Changes.of(members=[1], contracts=[7, None], id=7)
    assert saved.touches_member(1) and not saved.touches_member(2)
    assert saved.touches_contract(7) and not saved.touches_contract(8)
    assert not saved.touches_contract(None) and not saved.touches_member(None)
    assert saved.touches_members() and not saved.touches_catalog()
    assert saved.touches_transitions() and not saved.touches_invoices()
    assert not Changes() and saved and saved.id == 7
    anything = Changes.anything(by=OTHER_DESK)
    assert anything.touches_member(99) and anything.touches_contract(5)
    assert anything.touches_catalog() and anything.touches_invoices() and anything.by == OTHER_DESK
    both = saved | Changes(catalog=True, id=3)
    assert both.id == 7 and both.touches_catalog() and both.touches_member(1)


def test_members_say_which_member_changed(world):
    created = world.members.create("Ada Lovelace", "ada@example.org")
    ada = created.id
    assert created == Changes.of(members=[ada], id=ada)
    assert world.members.update(ada, name="Ada King", email="ada@example.org", company="",
                                phone="", notes="") == Changes.of(members=[ada])
    assert world.members.set_archived(ada, True) == Changes.of(members=[ada])


def test_the_catalog_and_the_settings_say_so(world):
    saved = world.catalog.save_plan(Plan("Hot desk", 20000, frequency="1 month"))
    assert saved.touches_catalog() and saved.id is not None and not saved.members
    assert world.catalog.set_archived(saved.id, True) == Changes(catalog=True)
    assert world.catalog.delete_plan(saved.id) == Changes(catalog=True)
    settings = SettingsService(world.db, world.clock)
    changed = settings.save(replace(settings.get(), operator="Mia"))
    assert changed == Changes(settings=True) and settings.get().operator == "Mia"


def test_contract_calls_name_the_member_and_contracts(world):
    locker = world.addon("Locker", 1500, None)
    desk = world.plan("Hot desk", 20000, group="Desks", addons=("Locker",))
    office = world.plan("Private office", 60000, group="Desks")
    ada = world.member()
    contract = world.contract(ada, desk, date(2024, 3, 1))
    world.run_until(ada, TODAY)
    service = ContractService(world.db, world.clock)

    state = service.load(contract)
    saved = service.save(replace(state.contract, quantity=2), state.version)
    assert saved == Changes.of(members=[ada], contracts=[contract], id=contract)

    bought = service.add_addon(contract, locker.id)
    assert bought.touches_contract(contract) and bought.touches_member(ada)
    assert bought.invoices  # a one-off add-on is invoiced at once (rule 16)
    assert service.remove_addon(contract, locker.id) == Changes.of(members=[ada],
                                                                   contracts=[contract])

    later = service.change_plan(contract, office.id, "next_invoice")
    assert later == Changes.of(members=[ada], contracts=[contract], id=contract)
    assert not later.invoices  # nothing is issued before the next invoice date
    changed = service.change_plan(contract, office.id, "now")
    assert changed.id != contract
    assert changed.contracts == {contract, changed.id} and changed.touches_member(ada)
    assert changed.invoices  # rule 12: the change now is invoiced at once

    term = service.create_new_term(changed.id, date(2024, 9, 1))
    assert term.contracts == {changed.id, term.id} and term.touches_member(ada)


def test_a_payment_carries_what_it_changed(world):
    desk = world.plan("Hot desk", 20000)
    ada = world.member()
    world.contract(ada, desk, date(2024, 4, 1))
    world.run_until(ada, TODAY)
    with world.db.session() as session:
        number = session.query(m.InvoiceRow.number).scalar()
    recorded = PaymentService(world.db, world.clock).record(number, 1000)
    assert recorded.payment.amount == 1000
    assert recorded.changes == Changes.of(members=[ada], payments=True)
    assert recorded.changes.touches_invoices()


def test_the_sweep_report_names_what_it_wrote(world):
    desk = world.plan("Hot desk", 20000)
    ada, grace = world.member(), world.member("Grace Hopper")
    contract = world.contract(ada, desk, date(2024, 4, 1))
    world.contract(grace, desk, date(2024, 6, 1))  # not due yet
    changes = SweepService(world.db, world.clock).apply_due(TODAY).changes
    assert changes.by == TIMER and changes.transitions and changes.invoices
    assert changes.touches_member(ada) and not changes.touches_member(grace)
    assert changes.touches_contract(contract)
    idle = SweepService(world.db, world.clock).apply_due(TODAY).changes
    assert not idle and idle.by == TIMER

