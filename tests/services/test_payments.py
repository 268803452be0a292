"""Payments allocated to documents, credit offset, refunds (rules 21, 22 in
docs/billing-rules.md; docs/design.md#vocabulary "Payment"): partial, full, more than one
document needs, chosen allocations, refunds after offsetting, overdue after the terms, exactly
once, audited."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.domain import payments as rules
from desktop.services.accounts import AccountService
from desktop.services.contracts.editing import ContractService
from desktop.services.errors import NotFound, Refused, ValidationError
from desktop.services.invoices import InvoiceService
from desktop.services.members import MemberService
from desktop.services.payments import PaymentService
from desktop.services.settings import SettingsService
from desktop.storage import models as m
from document_world import APRIL_11, SITE
from service_builders import World


@pytest.fixture
def scene():
    """Ada on 11 April: she paid April's invoice (240.00) and deposit request (100.00) and
    50.00 more, which is credit; then a change now to Premium made its invoice (240.00, the
    credit applied: 190.00 due) and a deposit request for the 200.00 shortfall (rule 15).
    `number` is the change's invoice."""
    world = World(APRIL_11)
    SettingsService(world.db, world.clock).save(SITE)
    standard = world.plan("Standard", 20000, deposit=10000)
    premium = world.plan("Premium", 50000, deposit=30000)
    member = world.member("Ada Lovelace", "ada@example.org")
    contract = world.contract(member, standard, date(2024, 4, 1))
    world.run_until(member, APRIL_11)
    payments = PaymentService(world.db, world.clock)
    payments.record_for_member(member, 24000 + 10000 + 5000, method="transfer")
    ContractService(world.db, world.clock).change_plan(contract, premium.id, "now")
    number = [r.number for r in world.invoices(member) if r.type == "invoice"][-1]
    return world, member, number, payments


def lacking(world, member) -> dict[str, int]:
    """What each of the member's documents still lacks, by number."""
    payments = PaymentService(world.db, world.clock)
    return {row.number: payments.standing(row.number).outstanding
            for row in world.invoices(member)}


def test_the_scene_is_what_rule_22_makes_of_it(scene):
    world, member, number, payments = scene
    rows = {r.number: r for r in world.invoices(member)}
    assert [(r.type, r.total, r.credit_applied, r.amount_due) for r in rows.values()] == [
        ("invoice", 24000, 0, 24000), ("deposit_request", 10000, 0, 10000),
        ("invoice", 24000, 5000, 19000), ("deposit_request", 20000, 0, 20000)]
    # The 50.00 of credit went on the change's invoice when it was made (rule 22); none is
    # left beside what is owed.
    assert world.member_balance(member) == 0
    assert lacking(world, member) == {"INV-000001": 0, "DEP-000001": 0, number: 19000,
                                      "DEP-000002": 20000}


def test_a_partial_then_a_full_payment(scene):
    world, member, number, payments = scene
    assert payments.standing(number).status == rules.UNPAID
    payments.record(number, 10000, method="card", reference="R-1")
    standing = payments.standing(number)
    assert (standing.paid, standing.outstanding, standing.status) == (
        10000, 9000, rules.PARTLY_PAID)
    owed = 9000 + 20000
    assert MemberService(world.db, world.clock).get(member).outstanding == owed
    (row,) = MemberService(world.db, world.clock).search(status="outstanding")
    assert (row.id, row.outstanding) == (member, owed)
    world.set_today(date(2024, 4, 12))
    payments.record(number, 9000, day=date(2024, 4, 12), method="transfer")
    standing = payments.standing(number)
    assert (standing.paid, standing.outstanding, standing.status) == (19000, 0, rules.PAID)
    assert [(p.date, p.amount, p.method) for p in standing.payments] == [
        (APRIL_11, 10000, "card"), (date(2024, 4, 12), 9000, "transfer")]
    audit = world.history(entity="payment")[1:]
    # Raw values (issue 10): minor units, an ISO date; shown in the reader's language.
    assert [(h.field, h.old_value, json.loads(h.new_value), h.member_id) for h in audit] == [
        ("Payment recorded", str(19000 + 20000),
         {"amount": 10000, "invoice": number, "date": "2024-04-11", "method": "card",
          "reference": "R-1"}, member),
        ("Payment recorded", str(owed),
         {"amount": 9000, "invoice": number, "date": "2024-04-12", "method": "transfer",
          "reference": ""}, member)]


def test_more_than_the_document_lacks_pays_the_oldest_others_then_becomes_credit(scene):
    """Rule 21: an overpayment is kept, not refused: the document first, then the oldest open
    documents, and what none needs is credit balance, said by the result."""
    world, member, number, payments = scene
    recorded = payments.record(number, 50000)
    assert [(a.number, a.amount) for a in recorded.allocations] == [
        (number, 19000), ("DEP-000002", 20000)]
    assert recorded.to_credit == 11000
    assert world.member_balance(member) == 11000
    assert set(lacking(world, member).values()) == {0}


def test_chosen_allocations_come_first_and_are_checked(scene):
    world, member, number, payments = scene
    ids = {r.number: r.id for r in world.invoices(member)}
    preview, to_credit = payments.allocation_preview(member, 30000,
                                                     [(ids["DEP-000002"], 20000)])
    assert [(a.number, a.amount) for a in preview] == [("DEP-000002", 20000),
                                                       (number, 10000)]
    assert to_credit == 0
    assert world.member_balance(member) == 0 and lacking(world, member)["DEP-000002"] == 20000
    before = world.dump()
    with pytest.raises(ValidationError) as refused:
        payments.record_for_member(member, 30000, allocations=[(ids["DEP-000002"], 20001)])
    assert str(refused.value) == ("€200.01 is more than the €200.00 DEP-000002 still lacks; "
                                  "put at most €200.00 against it.")
    with pytest.raises(ValidationError) as refused:
        payments.record_for_member(member, 100, allocations=[(ids[number], 200)])
    assert str(refused.value) == ("The amounts put against documents add up to more than the "
                                  "€1.00 received.")
    assert world.dump() == before
    done = payments.record_for_member(member, 30000, allocations=[(ids["DEP-000002"], 20000)])
    assert [(a.number, a.amount) for a in done.allocations] == [("DEP-000002", 20000),
                                                                (number, 10000)]


@pytest.mark.parametrize(("amount", "day", "message"), [
    (0, APRIL_11, "A payment is an amount greater than zero."),
    (-500, APRIL_11, "A payment is an amount greater than zero."),
    (100, date(2024, 4, 10), "A payment cannot be dated before INV-000002 was issued."),
    (100, date(2024, 4, 12), "A payment cannot be dated after today; record it when it "
                             "arrives."),
])
def test_a_payment_the_rules_refuse_says_why_and_writes_nothing(scene, amount, day, message):
    world, _member, number, payments = scene
    before = world.dump()
    with pytest.raises(ValidationError) as refused:
        payments.record(number, amount, day=day)
    assert str(refused.value) == message
    assert world.dump() == before


def test_a_german_desk_reads_the_refusal_in_german(scene):
    from desktop.i18n import translations
    world, _member, number, payments = scene
    translations.install("de")
    try:
        with pytest.raises(ValidationError) as refused:
            payments.record(number, 0)
    finally:
        translations.install("en")
    assert str(refused.value) != "A payment is an amount greater than zero."
    assert "Zahlung" in str(refused.value)


def test_an_unknown_document_is_refused_and_nothing_is_written(scene):
    world, _member, _number, payments = scene
    before = world.dump()
    with pytest.raises(NotFound, match="There is no document INV-999999."):
        payments.record("INV-999999", 100)
    assert world.dump() == before


def test_the_same_press_twice_writes_one_payment(scene):
    world, _member, number, payments = scene
    audited = len(world.history(entity="payment"))
    first = payments.record(number, 10000, token="press-1")
    again = payments.record(number, 10000, token="press-1")
    assert again == first
    assert payments.standing(number).paid == 10000
    assert len(world.history(entity="payment")) == audited + 1
    payments.record(number, 10000, token="press-2")  # another press is another payment
    assert payments.standing(number).paid == 19000  # all it lacked; the rest paid DEP-000002
    assert payments.standing("DEP-000002").paid == 1000


def _all_paid(world, member, payments, extra: int = 0) -> None:
    """Pay everything the member owes, and `extra` more, which becomes credit."""
    payments.record_for_member(member, sum(lacking(world, member).values()) + extra)


def test_a_press_token_first_used_by_a_refund_answers_with_that_refund(scene):
    world, member, number, payments = scene
    _all_paid(world, member, payments, extra=24000)
    refund = payments.refund(member, 20000, token="press-1")
    again = payments.record(number, 10000, token="press-1")
    assert again == refund and again.payment.invoice is None


def test_overdue_after_the_payment_terms(scene):
    world, _member, number, payments = scene
    due = APRIL_11 + timedelta(days=14)
    assert payments.standing(number).due_date == due
    world.set_today(due)
    assert payments.standing(number).status == rules.UNPAID
    world.set_today(due + timedelta(days=1))
    assert payments.standing(number).status == rules.OVERDUE
    payments.record(number, 100, day=due)
    assert payments.standing(number).status == rules.OVERDUE  # partly paid, still late


def test_a_refund_pays_the_credit_balance_out_and_lowers_it(scene):
    world, member, _number, payments = scene
    _all_paid(world, member, payments, extra=24000)
    assert world.member_balance(member) == 24000
    refund = payments.refund(member, 20000, method="transfer", reference="deposit back").payment
    assert refund.amount == -20000 and refund.invoice is None
    assert world.member_balance(member) == 4000
    audit = world.history(entity="payment")[-1]
    assert (audit.field, audit.old_value) == ("Credit balance refunded", "24000")
    assert json.loads(audit.new_value) == {"amount": 20000, "invoice": "", "date": "2024-04-11",
                                           "method": "transfer", "reference": "deposit back",
                                           "balance": 4000}


def test_a_refund_offsets_open_documents_first_and_says_so(scene):
    """The audit's case: credit refunded to a member who owed more. Rule 22: the credit pays
    what is open first; only what is left can be paid out."""
    world, member, _number, payments = scene
    with world.db.write() as session:  # a balance left from before rule 22 held
        session.get(m.MemberRow, member).credit_balance = 80000
    before = world.dump()
    with pytest.raises(ValidationError) as refused:
        payments.refund(member, 50000)
    assert str(refused.value) == ("€500.00 is more than the credit balance of €410.00 left "
                                  "after €390.00 paid the member's open documents; refund at "
                                  "most €410.00.")
    # No refund was written; the offset was (rule 22: at once, refund or not).
    assert world.dump()["payments"] == before["payments"]
    assert world.member_balance(member) == 41000
    payments.refund(member, 41000)
    assert world.member_balance(member) == 0
    assert set(lacking(world, member).values()) == {0}


def test_a_payment_naming_one_document_twice_is_checked_for_both():
    """The review's case: two allocations of 60.00 to a 100.00 document passed one by one."""
    world = World(APRIL_11)
    desk = world.plan("Desk", 10000)
    member = world.member()
    world.contract(member, desk, date(2024, 4, 1))
    world.run_until(member, APRIL_11)
    payments = PaymentService(world.db, world.clock)
    (row,) = world.invoices(member)
    before = world.dump()
    with pytest.raises(ValidationError) as refused:
        payments.record_for_member(member, 12000, allocations=[(row.id, 6000), (row.id, 6000)])
    assert str(refused.value) == ("€120.00 is more than the €100.00 INV-000001 still lacks; "
                                  "put at most €100.00 against it.")
    assert world.dump() == before


@pytest.mark.parametrize(("balance", "amount", "message"), [
    (4000, 4001, "€40.01 is more than the credit balance of €40.00; refund at most €40.00."),
    (0, 100, "This member has no credit balance to refund."),
    (4000, 0, "A refund is an amount greater than zero."),
])
def test_a_refund_over_the_balance_is_refused_and_nothing_is_written(scene, balance, amount,
                                                                    message):
    world, member, _number, payments = scene
    _all_paid(world, member, payments)
    with world.db.write() as session:
        session.get(m.MemberRow, member).credit_balance = balance
    before = world.dump()
    with pytest.raises(ValidationError) as refused:
        payments.refund(member, amount)
    assert str(refused.value) == message
    assert world.dump() == before


def test_the_invoice_list_filters_by_status_type_and_period_and_totals_reconcile(scene):
    world, member, number, payments = scene
    invoices = InvoiceService(world.db, world.clock)
    payments.record(number, 10000)
    rows = {row.number: row for row in invoices.recent()}
    assert rows[number].status == rules.PARTLY_PAID and rows[number].paid == 10000
    assert rows["INV-000001"].status == rules.PAID
    assert rows["DEP-000001"].type == "deposit_request"
    assert [r.number for r in invoices.recent(kind="invoice")] == [number, "INV-000001"]
    assert [r.number for r in invoices.recent(kind="deposit_request",
                                              status=rules.UNPAID)] == ["DEP-000002"]
    assert [r.number for r in invoices.recent(status=rules.PAID)] == ["DEP-000001",
                                                                      "INV-000001"]
    assert [r.number for r in invoices.recent(start=date(2024, 4, 12))] == []
    totals = invoices.totals()
    assert totals.issued == 24000 + 10000 + 24000 + 20000
    assert totals.paid == 24000 + 10000 + 5000 + 10000  # payments and the credit applied
    assert totals.outstanding == 9000 + 20000
    assert totals.issued - totals.paid == totals.outstanding and totals.reconciles
    world.set_today(date(2024, 5, 1))
    late = invoices.totals(status=rules.OVERDUE)
    assert (late.count, late.overdue) == (2, totals.outstanding)


def test_the_account_reconciles_and_deposit_requested_is_not_held(scene):
    world, member, number, payments = scene
    accounts = AccountService(world.db, world.clock)
    summary = accounts.summary(member)
    # Rule 15: 100.00 paid on the first request is held; the unpaid 200.00 is requested.
    assert (summary.deposit_required, summary.deposit_held, summary.deposit_requested) == (
        30000, 10000, 20000)
    assert summary.totals.reconciles and summary.overdue == 0
    assert summary.totals.received == 39000 and summary.totals.outstanding == 39000
    ids = {r.number: r.id for r in world.invoices(member)}
    payments.record_for_member(member, 20000, allocations=[(ids["DEP-000002"], 20000)])
    summary = accounts.summary(member)
    assert (summary.deposit_held, summary.deposit_requested) == (30000, 0)
    assert summary.totals.reconciles
    with pytest.raises(Refused):
        accounts.return_excess_deposit(member)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(min_value=-100, max_value=60000), min_size=1, max_size=6))
def test_payments_are_allocated_and_what_is_left_is_credit(scene, attempts):
    """Rules 21–23 over any sequence of payments: every cent received is on a document or in
    the credit balance, never credit beside an open document, the account reconciles."""
    world, member, _number, payments = scene
    owed = sum(lacking(world, member).values())
    credit_before = world.member_balance(member)  # the scene is shared by the examples
    received = 0
    for amount in attempts:
        try:
            payments.record_for_member(member, amount)
            received += amount
        except ValidationError:
            assert amount <= 0
    credit = world.member_balance(member) - credit_before
    assert received == min(received, owed) + credit
    assert sum(lacking(world, member).values()) == max(owed - received, 0)
    assert not (credit > 0 and sum(lacking(world, member).values()) > 0)
    assert AccountService(world.db, world.clock).summary(member).totals.reconciles


def test_two_desks_paying_the_same_invoice_at_once_pay_it_once(tmp_path):
    """Two connections to one file, each paying the whole amount at the same moment: the
    writes queue; the second sees the document paid and its money goes on (rule 21)."""
    import threading
    from datetime import datetime

    from desktop.services.clock import FixedClock
    from desktop.services.sample.demo import load_demo
    from desktop.storage.database import open_database

    path = str(tmp_path / "desk.sqlite3")
    clock = FixedClock(date(2026, 3, 1), datetime(2026, 3, 1, 9))
    first = open_database(path, now=clock.now())
    load_demo(first, clock.today(), members=4, seed=2)
    with first.session() as session:
        number = session.scalar(m.InvoiceRow.__table__.select().with_only_columns(
            m.InvoiceRow.number).where(m.InvoiceRow.amount_due > 0).limit(1))
    due = PaymentService(first, clock).standing(number).outstanding
    second = open_database(path, now=clock.now())
    barrier, results = threading.Barrier(2), []

    def pay(db):
        barrier.wait()
        results.append(PaymentService(db, clock).record(number, due))

    threads = [threading.Thread(target=pay, args=(db,)) for db in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    try:
        assert len(results) == 2
        on_it = [sum(a.amount for a in r.allocations if a.number == number) for r in results]
        assert sorted(on_it) == [0, due]
        assert PaymentService(first, clock).standing(number).outstanding == 0
    finally:
        first.dispose()
        second.dispose()


def test_site_payment_terms_set_the_due_date_of_documents_made_after(scene):
    world, member, _number, _payments = scene
    SettingsService(world.db, world.clock).save(replace(SITE, payment_terms=30))
    rows = world.invoices(member)
    assert {r.due_date for r in rows} == {APRIL_11 + timedelta(days=14)}  # issued: kept
