"""One Save reads each thing once (docs/design.md#targets, walk 1 of docs/architecture.md): the
statements `ContractService.save_for_editor` sends, the reads of the plans table among them, and
the saved state it gives back, equal to what `load(..., for_editor=True)` reads afterwards."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date

import pytest
from sqlalchemy import event

from desktop.domain.model import Contract
from desktop.services.errors import StaleEdit, ValidationError

TODAY = date(2024, 4, 11)
# The statements of one Save of the contract below, in its one write transaction: BEGIN
# IMMEDIATE (on PostgreSQL the writers' lock, and the change notice at the end); the row to
# write, its version checked (2); the catalog (4: allowances, price history (rule 24), plans,
# offered add-ons); the
# contract as stored (3: row, add-ons, invoiced spans) and the term it continues (2); the chain's
# next term, the site's formatter, the operator (3); the update and two history rows (3); then
# the saved state: version, the member's state (8: with the site's VAT id, the member's open
# documents, which the preview offsets credit against, rule 22, and their pending charges,
# which it bills, rule 27), name, next term, successors, history (13).
# Before a Save read each thing once, the same Save (`save`, then `load(..., for_editor=True)`)
# sent 49, 8 of them on the plans table; `save` alone 31, 7 on the plans, now 17 and 1.
# One more since rule 29: the document a Save issues queues its message for members who receive
# by mail, which asks the members table once; one more since rule 24: the plans' price history.
SAVE_STATEMENTS = 32
SAVE_ALONE_STATEMENTS = 18


class Statements:
    """What an engine is sent while the block runs: every statement, and the plans' reads."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.sent: list[str] = []

    def _seen(self, _conn, _cursor, statement, *_args) -> None:
        self.sent.append(" ".join(statement.split()).lower())

    @property
    def plan_reads(self) -> int:
        return sum(s.startswith("select") and " from plans" in s for s in self.sent)

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


@pytest.fixture
def chained(world):
    """Ada's second term of a hot desk with a locker (the first ended in February), invoiced
    for April, beside a virtual office of hers: a member's state of several contracts, a
    chain and add-ons for a Save to read."""
    locker = world.addon("Locker", 2500)
    desk = world.plan("Hot desk", 20000, group="Desks", addons=("Locker",))
    virtual = world.plan("Virtual office", 9000)
    ada = world.member("Ada Lovelace")
    first = world.contract(ada, desk, date(2023, 9, 1), cancellation=date(2024, 3, 1),
                           next_invoice=date(2024, 3, 1))
    second = world.contract(ada, desk, date(2024, 3, 1), predecessor=first, addons=(locker,))
    world.contract(ada, virtual, date(2024, 1, 1))
    world.run_until(ada, TODAY)
    return second


def _same_state(saved, loaded) -> None:
    """The state a Save gave back is the one a load reads afterwards, basis and actions too."""
    assert saved == loaded and saved.unavailable == loaded.unavailable
    for part in fields(loaded.basis):
        if part.name != "fmt":  # a Formatter is compared by what it formats with
            assert getattr(saved.basis, part.name) == getattr(loaded.basis, part.name), part.name
    assert repr(saved.basis.fmt) == repr(loaded.basis.fmt)


def test_one_save_reads_the_plans_once_and_sends_few_statements(service, world, chained):
    state = service.load(chained, for_editor=True)
    draft = replace(state.contract, quantity=2, notes="two desks")
    with Statements(world.db.engine) as statements:
        saved = service.save_for_editor(draft, state.version)
    assert statements.plan_reads == 1, statements.sent
    assert len(statements.sent) <= SAVE_STATEMENTS, statements.sent
    assert saved.changes.id == chained and saved.state.contract.quantity == 2
    assert saved.state.version == state.version + 1
    assert [h.field for h in saved.state.history][-2:] == ["Quantity", "Notes"]
    _same_state(saved.state, service.load(chained, for_editor=True))


def test_a_save_alone_reads_the_plans_once_too(service, world, chained):
    state = service.load(chained)
    with Statements(world.db.engine) as statements:
        service.save(replace(state.contract, quantity=2, notes="two desks"), state.version)
    assert statements.plan_reads == 1, statements.sent
    assert len(statements.sent) <= SAVE_ALONE_STATEMENTS, statements.sent
    assert service.load(chained).contract.notes == "two desks"


def test_a_new_contract_saved_comes_back_as_a_load_reads_it(service, world, chained):
    ada = service.load(chained).contract.member
    draft = service.new_draft(ada, world.plan("Meeting room", 4000).id)
    with Statements(world.db.engine) as statements:
        saved = service.save_for_editor(draft, None)
    assert statements.plan_reads == 1, statements.sent
    assert isinstance(saved.state.contract, Contract)
    assert saved.state.contract.id == saved.changes.id and saved.state.version == 1
    _same_state(saved.state, service.load(saved.changes.id, for_editor=True))


def test_a_stale_or_refused_save_writes_nothing(service, world, chained):
    state = service.load(chained, for_editor=True)
    service.save(replace(state.contract, notes="elsewhere"), state.version)
    before = world.dump()
    with pytest.raises(StaleEdit):  # the version is checked before the draft
        service.save_for_editor(replace(state.contract, quantity=0), state.version)
    fresh = service.load(chained)
    with pytest.raises(ValidationError):
        service.save_for_editor(replace(fresh.contract, quantity=0), fresh.version)
    assert world.dump() == before
