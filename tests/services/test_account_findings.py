"""The member's account through the services: each finding of the accounts round with the
test that failed before it was fixed (rules 15, 17, 18, 21, 22, 23 in docs/billing-rules.md)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from desktop.services.accounts import AccountService
from desktop.services.contracts.editing import ContractService
from desktop.services.errors import Refused
from desktop.services.invoices import InvoiceService
from desktop.services.payments import PaymentService
from desktop.services.settings import SettingsService
from desktop.services.sweep.service import SweepService
from desktop.storage import models as m
from service_builders import World

DEC_1, DEC_7 = date(2026, 12, 1), date(2026, 12, 7)


def _taxed(world: World, rate: str = "19", vat_id: str = "DE136695976") -> None:
    settings = SettingsService(world.db, world.clock)
    settings.save(replace(settings.get(), tax_rate=rate, vat_id=vat_id))


def _documents(world: World, member: int) -> list[m.InvoiceRow]:
    return world.invoices(member)


def test_a_contract_entered_late_is_invoiced_today_for_its_billing_date():
    """Rule 18, the finding: a contract that started on 1 Dec, entered on 7 Dec, was invoiced
    dated 1 Dec and due 15 Dec: eight days to pay."""
    world = World(DEC_7)
    desk = world.plan("Hot desk", 20000)
    member = world.member()
    world.contract(member, desk, DEC_1)
    SweepService(world.db, world.clock).apply_due(DEC_7)
    (invoice,) = _documents(world, member)
    assert (invoice.billing_date, invoice.issue_date, invoice.due_date) == (
        DEC_1, DEC_7, date(2026, 12, 21))


def test_one_apply_that_changes_now_and_buys_a_package_is_one_document_taxed_once():
    """The audit's case: a change now and a package bought with it made two invoices, each
    taxed and rounded on its own, so pay now was a cent short of what was issued."""
    world = World(date(2024, 4, 11))
    _taxed(world)
    hours = world.addon("10 meeting-room hours", 3333, None)
    standard = world.plan("Standard", 20001, addons=[hours.name])
    premium = world.plan("Premium", 50001, addons=[hours.name])
    member = world.member()
    contract = world.contract(member, standard, date(2024, 4, 1))
    world.run_until(member, date(2024, 4, 11))
    service = ContractService(world.db, world.clock)
    before = {row.id for row in _documents(world, member)}
    quote = service.quote_change(contract, premium.id, "now", addon_ids=(hours.id,))
    service.change_plan(contract, premium.id, "now", addon_ids=(hours.id,))
    made = [row for row in _documents(world, member) if row.id not in before]
    assert [row.type for row in made] == ["invoice"]
    (invoice,) = made
    net = sum(line.amount for line in invoice.lines)
    assert invoice.tax == round(net * 19 / 100)  # one group, rounded once
    assert quote.pay_now == invoice.amount_due


def test_a_quantity_raised_in_the_editor_tops_up_the_deposit_on_the_next_billing_date():
    """Rule 15, the audit's case: raised in the assistant it did; raised in the editor never."""
    world = World(date(2024, 4, 11))
    desk = world.plan("Dedicated desk", 30000, deposit=30000)
    member = world.member()
    contract_id = world.contract(member, desk, date(2024, 4, 1))
    world.run_until(member, date(2024, 4, 11))
    service = ContractService(world.db, world.clock)
    state = service.load(contract_id)
    service.save(state.contract.with_changes(quantity=3), state.version)
    world.set_today(date(2024, 5, 1))
    SweepService(world.db, world.clock).apply_due(date(2024, 5, 1))
    requests = [row for row in _documents(world, member) if row.type == "deposit_request"]
    assert [(row.billing_date, row.total) for row in requests] == [
        (date(2024, 4, 1), 30000), (date(2024, 5, 1), 60000)]


def test_deposit_requested_is_not_held_and_excess_goes_back_to_credit():
    """Rule 15: 'Deposit held' showed 900.00 while the request was unpaid; a downgrade kept
    900.00 against a 300.00 need without a word."""
    world = World(date(2024, 4, 11))
    office = world.plan("Office", 90000, deposit=90000)
    desk = world.plan("Desk", 30000, deposit=30000)
    member = world.member()
    contract_id = world.contract(member, office, date(2024, 4, 1),
                                 cancellation=date(2024, 5, 1), prorate_last=False)
    world.contract(member, desk, date(2024, 5, 1))
    world.run_until(member, date(2024, 4, 11))
    accounts, payments = AccountService(world.db, world.clock), PaymentService(world.db,
                                                                               world.clock)
    summary = accounts.summary(member)
    assert (summary.deposit_held, summary.deposit_requested) == (0, 90000)
    payments.record_for_member(member, 180000)  # April's invoice and the deposit
    assert accounts.summary(member).deposit_held == 90000
    world.set_today(date(2024, 5, 1))
    SweepService(world.db, world.clock).apply_due(date(2024, 5, 1))
    summary = accounts.summary(member)
    assert (summary.deposit_required, summary.deposit_held, summary.deposit_excess) == (
        30000, 90000, 60000)
    accounts.return_excess_deposit(member)
    summary = accounts.summary(member)
    assert (summary.deposit_held, summary.deposit_excess) == (30000, 0)
    back = [row for row in _documents(world, member) if row.type == "deposit_return"]
    assert [(row.number, row.total) for row in back] == [("DEP-000002", -60000)]
    # Rule 22: the 600.00 paid May's open invoice (300.00) at once; 300.00 is credit.
    assert summary.outstanding == 0 and summary.credit_balance == 30000
    assert summary.totals.reconciles
    with pytest.raises(Refused, match="nothing to return"):
        accounts.return_excess_deposit(member)
    assert contract_id


def test_a_credit_note_pays_the_oldest_open_documents_first():
    """Rule 22, the finding: new credit went to the newest invoice and left older ones
    overdue; credit and overdue were shown together."""
    world = World(date(2024, 6, 10))
    desk = world.plan("Desk", 30000)
    member = world.member()
    contract_id = world.contract(member, desk, date(2024, 4, 1))
    sweep = SweepService(world.db, world.clock)
    sweep.apply_due(date(2024, 6, 10))  # April, May and June invoiced, none paid
    service = ContractService(world.db, world.clock)
    state = service.load(contract_id)
    service.save(state.contract.with_changes(cancellation_date=date(2024, 6, 16)),
                 state.version)
    world.set_today(date(2024, 6, 16))
    sweep.apply_due(date(2024, 6, 16))
    rows = _documents(world, member)
    assert [row.type for row in rows] == ["invoice", "invoice", "invoice", "credit_note"]
    credit_note = rows[-1]
    assert credit_note.number.startswith("CN-") and credit_note.total == -15000
    payments = PaymentService(world.db, world.clock)
    lacking = [payments.standing(row.number).outstanding for row in rows[:3]]
    assert lacking == [15000, 30000, 30000]  # the April invoice (the oldest) took the credit
    assert world.member_balance(member) == 0
    assert AccountService(world.db, world.clock).summary(member).totals.reconciles


def test_a_member_of_another_eu_country_is_invoiced_under_reverse_charge():
    world = World(date(2024, 4, 1))
    _taxed(world)
    desk = world.plan("Desk", 30000)
    member = world.member()
    with world.db.write() as session:
        session.get(m.MemberRow, member).vat_id = "FR40303265045"
    world.contract(member, desk, date(2024, 4, 1))
    SweepService(world.db, world.clock).apply_due(date(2024, 4, 1))
    (invoice,) = _documents(world, member)
    assert (invoice.tax, invoice.total) == (0, 30000)
    assert [(ln.tax_category, ln.rate) for ln in invoice.lines] == [("reverse_charge", "0")]


def test_the_invoices_tab_totals_reconcile_over_every_type():
    """Rule 23, the finding: 'issued 378,315.06 · paid 50.00 · outstanding 382,176.58'."""
    from desktop.services.sample.demo import load_demo

    world = World(date(2026, 3, 1))
    load_demo(world.db, world.clock.today(), members=30, seed=5)
    invoices = InvoiceService(world.db, world.clock)
    totals = invoices.totals()
    assert totals.issued - totals.paid == totals.outstanding
    by_type = [invoices.totals(kind=k) for k in ("invoice", "credit_note", "deposit_request",
                                                 "deposit_return")]
    assert sum(t.count for t in by_type) == totals.count
    assert sum(t.credited for t in by_type) == totals.credited


def test_a_catch_up_written_day_by_day_pays_a_document_of_an_earlier_day():
    """The review's case: the deposit return of 15 Feb pays the 1 Feb invoice made in the same
    run; written one member-day at a time (an Apply, the sweep's fallback) it failed."""
    world = World(date(2024, 1, 1))
    desk = world.plan("Desk", 30000, deposit=50000)
    member = world.member()
    world.contract(member, desk, date(2024, 1, 1), cancellation=date(2024, 2, 15))
    world.run_until(member, date(2024, 1, 1))
    PaymentService(world.db, world.clock).record_for_member(member, 80000)
    world.set_today(date(2024, 3, 1))
    made = world.run_until(member, date(2024, 3, 1))  # the ledger's apply_due, day by day
    assert [d.type for d in made] == ["invoice", "deposit_return"]
    summary = AccountService(world.db, world.clock).summary(member)
    # The returned 500.00 paid February's invoice (prorated to the 15th) at once; the rest is
    # credit, and nothing is open.
    assert summary.outstanding == 0 and summary.credit_balance == 50000 - made[0].total
    assert summary.totals.reconciles


def test_a_deposit_return_cancels_an_unpaid_request_before_it_pays_an_invoice():
    """The review's case: a request never paid came back as credit and 'paid' an invoice."""
    world = World(date(2024, 1, 1))
    desk = world.plan("Desk", 30000, deposit=50000)
    member = world.member()
    world.contract(member, desk, date(2024, 1, 1), cancellation=date(2024, 1, 20),
                   prorate_last=False)
    world.set_today(date(2024, 1, 20))
    world.run_until(member, date(2024, 1, 20))
    payments = PaymentService(world.db, world.clock)
    lacking = {row.type: payments.standing(row.number).outstanding
               for row in world.invoices(member)}
    assert lacking == {"invoice": 30000, "deposit_request": 0, "deposit_return": 0}
    summary = AccountService(world.db, world.clock).summary(member)
    assert (summary.deposit_held, summary.deposit_requested, summary.credit_balance) == (0, 0, 0)
    assert summary.totals.reconciles
