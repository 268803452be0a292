"""Rule 25 (commitment and notice): the earliest cancellation date shown and enforced, the
waiver recorded with the operator, the early termination fee on the last document (previewed
to the cent), the change-plan assistant carrying the commitment, bad input refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from desktop.domain.periods import Frequency
from desktop.services.contracts.editing import ContractService
from desktop.services.errors import ValidationError
from desktop.services.invoices import InvoiceService
from desktop.services.settings import SettingsService
from desktop.services.sweep.service import SweepService
from service_builders import World

TODAY = date(2024, 4, 11)
MONTH = Frequency("month")


def _committed(world, fee=None, **extra):
    desk = world.plan("Hot desk", 30000, early_termination_fee=fee)
    member = world.member()
    contract_id = world.contract(member, desk, date(2024, 1, 1), next_invoice=date(2024, 5, 1))
    service = ContractService(world.db, world.clock)
    state = service.load(contract_id)
    service.save(state.contract.with_changes(commitment_end=date(2024, 10, 1), notice=MONTH,
                                             **extra), state.version)
    return service, contract_id, member


def test_rule_25_an_earlier_cancellation_is_refused_and_the_editor_says_the_earliest_date():
    world = World(TODAY)
    service, contract_id, _ = _committed(world)
    state = service.load(contract_id)
    assert "The earliest cancellation date is 1 Oct 2024." in service.describe(state.contract)
    early = state.contract.with_changes(cancellation_date=date(2024, 6, 1))
    [problem] = service.validate(early)
    assert problem.field == "cancellation_date"
    assert str(problem.message) == (
        "The earliest cancellation date is 2024-10-01 (commitment and notice); tick “Waive "
        "notice and commitment” to end it earlier.")
    before = world.dump()
    with pytest.raises(ValidationError):
        service.save(early, state.version)
    assert world.dump() == before
    # A blank next plan ends the contract on its next invoice date (rule 8): refused too.
    assert [p.field for p in service.validate(state.contract.with_changes(next_plan=None))] == [
        "cancellation_date"]
    assert service.validate(state.contract.with_changes(
        cancellation_date=date(2024, 10, 1))) == []


def test_rule_25_the_site_may_let_cancellations_fall_between_boundaries():
    world = World(TODAY)
    settings = SettingsService(world.db, world.clock)
    settings.save(replace(settings.get(), cancellations_on_boundary=False))
    desk = world.plan("Hot desk", 30000)
    member = world.member()
    contract_id = world.contract(member, desk, date(2024, 1, 1), next_invoice=date(2024, 5, 1))
    service = ContractService(world.db, world.clock)
    draft = service.load(contract_id).contract.with_changes(notice=MONTH)
    assert service.validate(draft.with_changes(cancellation_date=date(2024, 5, 11))) == []
    assert [p.field for p in service.validate(
        draft.with_changes(cancellation_date=date(2024, 5, 10)))] == ["cancellation_date"]


@pytest.mark.parametrize("fee, charged", [(None, 0), (25000, 25000),
                                          ("remaining", 30000 * 4)])
def test_rule_25_a_waiver_is_recorded_and_the_fee_goes_on_the_last_document(fee, charged):
    world = World(TODAY)
    world.set_today(TODAY)
    with world.db.write() as session:
        from desktop.storage import models as m

        session.get(m.SettingsRow, 1).operator = "Ana"
    service, contract_id, member = _committed(world, fee)
    state = service.load(contract_id)
    waived = state.contract.with_changes(cancellation_date=date(2024, 6, 1), notice_waived=True)
    assert service.validate(waived) == []
    [preview_last] = [i for i in service.preview(waived, count=3)
                      if i.billing_date == date(2024, 6, 1)] or [None]
    service.save(waived, state.version)
    rows = world.history(contract_id=contract_id, field="Notice and commitment waived")
    assert [(r.who, r.old_value, r.new_value) for r in rows] == [("Ana", "off", "on")]
    SweepService(world.db, world.clock).apply_due(date(2024, 6, 1))
    invoices = InvoiceService(world.db, world.clock)
    last = invoices.get(world.invoices(member)[-1].id)
    fees = [line.amount for line in last.lines if line.kind == "termination_fee"]
    assert fees == ([charged] if charged else [])
    if charged:
        # [06-01, 10-01) is four whole months of 30000 for "remaining".
        assert last.billing_date == date(2024, 6, 1)
        assert replace(last, number=None) == preview_last


def test_rule_25_commitment_end_before_the_start_is_refused():
    world = World(TODAY)
    service, contract_id, _ = _committed(world)
    draft = service.load(contract_id).contract.with_changes(commitment_end=date(2023, 12, 1))
    [problem] = service.validate(draft)
    assert (problem.field, str(problem.message)) == (
        "commitment_end", "The commitment end must be after the start date.")


def test_rule_25_a_change_of_plan_carries_the_commitment_and_notice_to_the_new_term():
    world = World(TODAY)
    service, contract_id, _ = _committed(world)
    office = world.plan("Office", 50000)
    changes = service.change_plan(contract_id, office.id, "now")
    term = service.load(changes.id).contract
    assert (term.plan.name, term.commitment_end, term.notice) == (
        "Office", date(2024, 10, 1), MONTH)


def test_rule_25_ends_at_commitment_end_is_its_cancellation_and_needs_no_waiver():
    world = World(TODAY)
    service, contract_id, _ = _committed(world)
    state = service.load(contract_id)
    ends = state.contract.with_changes(ends_at_commitment_end=True,
                                       cancellation_date=date(2024, 10, 1))
    assert service.validate(ends) == []
    assert [p.field for p in service.validate(state.contract.with_changes(
        ends_at_commitment_end=True, commitment_end=None))] == ["commitment_end"]
