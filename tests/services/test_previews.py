"""What the editor shows before saving: describe() sentences (rules 5, 7, 8, 9) and preview(),
which must equal what the sweep later issues, to the cent (docs/architecture.md)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.domain.model import ContractAddon
from desktop.services.contracts.editing import ContractService
from desktop.services.errors import NotFound
from desktop.services.invoices import InvoiceService
from desktop.services.settings import SettingsService
from desktop.services.sweep.service import SweepService
from desktop.storage import models as m
from service_builders import World

TODAY = date(2024, 4, 11)


def _active(world, **extra):
    desk = world.plan("Hot desk", 20000, group="Desks")
    world.plan("Dedicated desk", 35000, group="Desks")
    member = world.member()
    contract_id = world.contract(member, desk, date(2024, 3, 1), **extra)
    world.run_until(member, TODAY)
    return contract_id


def _dedicated(world):
    return next(p for p in world.catalog.plans() if p.name == "Dedicated desk")


# describe -------------------------------------------------------------------------------------

def test_a_blank_next_plan_ends_the_contract_on_its_next_invoice_date(service, world):
    """Rule 8."""
    contract = service.load(_active(world)).contract.with_changes(next_plan=None)
    assert service.describe(contract) == [(
        "This contract ends on 1 May 2024, its next invoice date; the last day of access is "
        "30 Apr 2024.")]


def test_a_next_plan_switches_on_the_next_invoice_date(service, world):
    """Rule 7."""
    contract = service.load(_active(world)).contract
    assert service.describe(contract) == []
    assert service.describe(contract.with_changes(next_plan=_dedicated(world))) == [
        "Switches to Dedicated desk on 1 May 2024, the next invoice date."]


def test_a_cancellation_says_the_last_day_of_access(service, world):
    """Rule 5."""
    contract = service.load(_active(world)).contract
    assert service.describe(contract.with_changes(cancellation_date=date(2024, 4, 15))) == [
        "Cancels on 15 Apr 2024; the last day of access is 14 Apr 2024."]
    later = contract.with_changes(cancellation_date=date(2024, 6, 15), next_plan=_dedicated(world))
    assert service.describe(later) == [
        "Cancels on 15 Jun 2024; the last day of access is 14 Jun 2024.",
        "Switches to Dedicated desk on 1 May 2024, the next invoice date."]


def test_a_custom_price_explains_why_the_plan_cannot_switch(service, world):
    """Rule 9: the explanation and the manual way, and no switch announced."""
    contract = service.load(_active(world, custom_price=15000)).contract
    block = ("This contract has a custom price, so it cannot switch plans automatically. To move "
             "it to another plan, cancel it and create a new term.")
    assert service.describe(contract) == [block]
    assert service.describe(contract.with_changes(next_plan=_dedicated(world))) == [block]


def test_a_term_not_started_and_an_ended_contract_are_described(service, world):
    contract = service.load(_active(world)).contract
    june = date(2024, 6, 1)
    future = contract.with_changes(id=None, start_date=june, billing_anchor=june,
                                   next_invoice_date=june)
    assert service.describe(future) == ["Starts on 1 Jun 2024, with its first invoice."]
    ended = contract.with_changes(cancellation_date=date(2024, 4, 1), next_invoice_date=None)
    assert service.describe(ended) == [
        "Cancelled on 1 Apr 2024; the last day of access was 31 Mar 2024."]


def test_dates_follow_the_site_locale(service, world):
    settings_service = SettingsService(world.db, world.clock)
    settings_service.save(replace(settings_service.get(), locale="de_DE"))
    contract = service.load(_active(world)).contract
    contract = contract.with_changes(cancellation_date=date(2024, 4, 15))
    assert service.describe(contract) == [
        "Cancels on 15.04.2024; the last day of access is 14.04.2024."]


# preview equals the sweep ---------------------------------------------------------------------

def _swept(world, member: int, until: date) -> list:
    """Run the sweep day by day up to `until`, as a machine left on does, and read back every
    document it issued: each made on its billing date (rule 18), as the preview shows it."""
    sweep, invoices = SweepService(world.db, world.clock), InvoiceService(world.db, world.clock)
    already = {row.id for row in world.invoices(member)}
    day = world.clock.today()
    while day <= until:
        sweep.apply_due(day)
        day += timedelta(days=1)
    return [invoices.get(row.id) for row in world.invoices(member) if row.id not in already]


def _unnumbered(invoices):
    return [replace(invoice, number=None) for invoice in invoices]


def test_the_preview_of_a_plain_renewal_is_what_the_sweep_issues(service, world):
    contract_id = _active(world)
    contract = service.load(contract_id).contract
    preview = service.preview(contract, count=3)
    assert [(i.issue_date, i.total, i.number) for i in preview] == [
        (date(2024, 5, 1), 20000, None), (date(2024, 6, 1), 20000, None),
        (date(2024, 7, 1), 20000, None)]
    assert _unnumbered(_swept(world, contract.member, date(2024, 7, 1))) == preview


def test_the_preview_of_a_new_draft_is_its_activation_and_renewals(service, world):
    _active(world)
    member = world.member("Grace")
    desk = next(p for p in world.catalog.plans() if p.name == "Hot desk")
    draft = service.new_draft(member, desk.id).with_changes(billing_anchor=date(2024, 4, 1))
    preview = service.preview(draft, count=2)
    # Prorated first invoice (rule 11): 20 of 30 days.
    assert [(i.issue_date, i.total) for i in preview] == [
        (date(2024, 4, 11), 13333), (date(2024, 5, 1), 20000)]
    service.save(draft, None)
    issued = _swept(world, member, date(2024, 5, 1))
    assert _figures(issued) == _figures(preview)


def _figures(invoices):
    """Everything but the contract id, which a draft does not have yet."""
    return [(i.issue_date, [(line.kind, line.amount, line.period_start, line.period_end)
                            for line in i.lines], i.subtotal, i.tax, i.total, i.amount_due)
            for i in invoices]


edits = st.fixed_dictionaries({
    "next_plan": st.sampled_from(["same", "dedicated", "blank"]),
    "cancel_in_days": st.one_of(st.none(), st.integers(1, 120)),
    "prorate_last": st.booleans(),
    "quantity": st.integers(1, 3),
    "custom_price": st.one_of(st.none(), st.integers(0, 50000)),
    "tax_rate": st.sampled_from(["0", "20", "8.5"]),
    "credit": st.integers(0, 30000),
    "deposit": st.sampled_from([0, 10000]),
    "dedicated_deposit": st.sampled_from([0, 10000, 35000]),
    # Rule 16: an add-on held from a start date before, inside or after the next periods.
    "addon_start_in_days": st.one_of(st.none(), st.integers(-40, 120)),
    "addon_frequency": st.sampled_from(["1 month", "1 week", None]),
})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits)
def test_any_valid_edit_previews_exactly_what_the_sweep_then_issues(edit):
    """Rules 7, 15, 16, 17: switches that raise the deposit and add-ons held from any start
    date included."""
    world = World(TODAY)
    service = ContractService(world.db, world.clock)
    settings_service = SettingsService(world.db, world.clock)
    settings_service.save(replace(settings_service.get(), tax_rate=edit["tax_rate"]))
    desk = world.plan("Hot desk", 20000, group="Desks", deposit=edit["deposit"])
    dedicated = world.plan("Dedicated desk", 35000, group="Desks",
                           deposit=edit["dedicated_deposit"])
    locker = world.addon("Locker", 2500, edit["addon_frequency"])
    member = world.member()
    contract_id = world.contract(member, desk, date(2024, 3, 1))
    world.run_until(member, TODAY)
    with world.db.write() as session:
        session.get(m.MemberRow, member).credit_balance = edit["credit"]
    state = service.load(contract_id)
    next_plan = {"same": desk, "dedicated": dedicated, "blank": None}[edit["next_plan"]]
    days = edit["cancel_in_days"]
    cancel = None if days is None else TODAY + timedelta(days=days)
    draft = state.contract.with_changes(
        next_plan=next_plan, cancellation_date=cancel, prorate_last_invoice=edit["prorate_last"],
        quantity=edit["quantity"],
        custom_price=edit["custom_price"] if next_plan in (desk, None) else None)
    if edit["addon_start_in_days"] is not None:
        held = ContractAddon(locker, 2, TODAY + timedelta(days=edit["addon_start_in_days"]))
        draft = draft.with_changes(addons=draft.addons + (held,))
    assert service.validate(draft) == []
    preview = service.preview(draft, count=3)
    service.save(draft, state.version)
    until = preview[-1].issue_date if preview else TODAY + timedelta(days=400)
    issued = _unnumbered(_swept(world, member, until))
    assert issued == preview
    if edit["addon_start_in_days"] is not None:
        starts = [line.period_start for invoice in issued for line in invoice.lines
                  if line.kind == "addon"]
        assert all(start >= held.start_date for start in starts)


def test_an_unknown_invoice_is_not_found(world):
    with pytest.raises(NotFound):
        InvoiceService(world.db, world.clock).get(42)
