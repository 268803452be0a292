"""Payments against invoices and refunds of credit (docs/design.md#vocabulary "Payment", issue 11
item 3): partial, full, over-payment refused, refunds, overdue after the terms, exactly once,
audited."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.domain import payments as rules
from desktop.services.errors import NotFound, ValidationError
from desktop.services.invoices import InvoiceService
from desktop.services.members import MemberService
from desktop.services.payments import PaymentService
from desktop.services.settings import SettingsService
from desktop.storage import models as m
from document_world import APRIL_11, SITE, change_now_world

DUE = 39000  # the change-now invoice's amount due


@pytest.fixture
def scene():
    world, member, number = change_now_world()
    return world, member, number, PaymentService(world.db, world.clock)


def test_a_partial_then_a_full_payment(scene):
    world, member, number, payments = scene
    assert payments.standing(number).status == rules.UNPAID
    payments.record(number, 10000, method="card", reference="R-1")
    standing = payments.standing(number)
    assert (standing.paid, standing.outstanding, standing.status) == (
        10000, 29000, rules.PARTLY_PAID)
    april = world.invoices(member)[0].amount_due  # the 1 April invoice, not paid
    assert MemberService(world.db, world.clock).get(member).outstanding == april + 29000
    (row,) = MemberService(world.db, world.clock).search(status="outstanding")
    assert (row.id, row.outstanding) == (member, april + 29000)
    page = MemberService(world.db, world.clock).get(member).invoices
    assert [(i.number, i.status) for i in page] == [(number, rules.PARTLY_PAID),
                                                   (world.invoices(member)[0].number,
                                                    rules.UNPAID)]
    world.set_today(date(2024, 4, 12))
    payments.record(number, 29000, day=date(2024, 4, 12), method="transfer")
    standing = payments.standing(number)
    assert (standing.paid, standing.outstanding, standing.status) == (DUE, 0, rules.PAID)
    assert [(p.date, p.amount, p.method) for p in standing.payments] == [
        (APRIL_11, 10000, "card"), (date(2024, 4, 12), 29000, "transfer")]
    audit = world.history(entity="payment")
    # Raw values (issue 10): minor units, an ISO date; shown in the reader's language.
    assert [(h.field, h.old_value, json.loads(h.new_value), h.member_id) for h in audit] == [
        ("Payment recorded", "39000", {"amount": 10000, "invoice": number, "date": "2024-04-11",
                                       "method": "card", "reference": "R-1"}, member),
        ("Payment recorded", "29000", {"amount": 29000, "invoice": number, "date": "2024-04-12",
                                       "method": "transfer", "reference": ""}, member)]


@pytest.mark.parametrize(("amount", "day", "message"), [
    (39001, APRIL_11, "€390.01 is more than the €390.00 this invoice still lacks; record at "
                      "most €390.00."),
    (0, APRIL_11, "A payment is an amount greater than zero."),
    (-500, APRIL_11, "A payment is an amount greater than zero."),
    (100, date(2024, 4, 10), "A payment cannot be dated before the invoice was issued."),
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


def test_a_paid_invoice_takes_no_more(scene):
    world, _member, number, payments = scene
    payments.record(number, DUE)
    before = world.dump()
    with pytest.raises(ValidationError, match="paid in full; there is nothing left to pay"):
        payments.record(number, 1)
    assert world.dump() == before


def test_an_unknown_invoice_is_refused_and_nothing_is_written(scene):
    world, _member, _number, payments = scene
    before = world.dump()
    with pytest.raises(NotFound, match="There is no invoice INV-999999."):
        payments.record("INV-999999", 100)
    assert world.dump() == before


def test_the_same_press_twice_writes_one_payment(scene):
    world, _member, number, payments = scene
    first = payments.record(number, 10000, token="press-1")
    again = payments.record(number, 10000, token="press-1")
    assert again == first
    assert payments.standing(number).paid == 10000
    assert len(world.history(entity="payment")) == 1
    payments.record(number, 10000, token="press-2")  # another press is another payment
    assert payments.standing(number).paid == 20000


def test_a_press_token_first_used_by_a_refund_answers_with_that_refund(scene):
    # The refund names no invoice: the payment's answer once looked its number up by None.
    world, member, number, payments = scene
    with world.db.write() as session:
        session.get(m.MemberRow, member).credit_balance = 24000
    refund = payments.refund(member, 20000, token="press-1")
    again = payments.record(number, 10000, token="press-1")
    assert again == refund and again.payment.invoice is None
    assert payments.standing(number).paid == 0


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
    SettingsService(world.db, world.clock).save(replace(SITE, payment_terms=30))
    assert payments.standing(number).status == rules.PARTLY_PAID


def test_a_refund_pays_the_credit_balance_out_and_lowers_it(scene):
    world, member, _number, payments = scene
    with world.db.write() as session:
        session.get(m.MemberRow, member).credit_balance = 24000
    refund = payments.refund(member, 20000, method="transfer", reference="deposit back").payment
    assert refund.amount == -20000 and refund.invoice is None
    assert world.member_balance(member) == 4000
    (audit,) = world.history(entity="payment")
    assert (audit.field, audit.old_value) == ("Credit balance refunded", "24000")
    assert json.loads(audit.new_value) == {"amount": 20000, "invoice": "", "date": "2024-04-11",
                                           "method": "transfer", "reference": "deposit back",
                                           "balance": 4000}


@pytest.mark.parametrize(("balance", "amount", "message"), [
    (4000, 4001, "€40.01 is more than the credit balance of €40.00; refund at most €40.00."),
    (0, 100, "This member has no credit balance to refund."),
    (4000, 0, "A refund is an amount greater than zero."),
])
def test_a_refund_over_the_balance_is_refused_and_nothing_is_written(scene, balance, amount,
                                                                    message):
    world, member, _number, payments = scene
    with world.db.write() as session:
        session.get(m.MemberRow, member).credit_balance = balance
    before = world.dump()
    with pytest.raises(ValidationError) as refused:
        payments.refund(member, amount)
    assert str(refused.value) == message
    assert world.dump() == before


def test_the_invoice_list_filters_by_status_and_period_and_totals_everything(scene):
    world, _member, number, payments = scene
    invoices = InvoiceService(world.db, world.clock)
    first = world.invoices(_member)[0].number  # 1 April: 200.00 + 40.00 tax + deposit
    payments.record(number, 10000)
    rows = {row.number: row for row in invoices.recent()}
    assert rows[number].status == rules.PARTLY_PAID and rows[number].paid == 10000
    assert rows[first].status == rules.UNPAID
    assert [r.number for r in invoices.recent(status=rules.PARTLY_PAID)] == [number]
    # "Unpaid" is everything still lacking, the partly paid one too (newest first).
    assert [r.number for r in invoices.recent(status=rules.UNPAID)] == [number, first]
    assert invoices.recent(status=rules.PAID) == []
    assert [r.number for r in invoices.recent(start=APRIL_11)] == [number]
    assert [r.number for r in invoices.recent(end=APRIL_11)] == [first]
    totals = invoices.totals()
    first_due = world.invoices(_member)[0].amount_due
    assert (totals.count, totals.paid, totals.outstanding, totals.overdue) == (
        2, 10000, first_due + DUE - 10000, 0)
    world.set_today(date(2024, 5, 1))
    late = invoices.totals(status=rules.OVERDUE)
    assert (late.count, late.overdue) == (2, first_due + DUE - 10000)
    # Late, they are overdue, and still unpaid and partly paid: no filter hides what is owed.
    assert [r.number for r in invoices.recent(status=rules.UNPAID)] == [number, first]
    assert [r.number for r in invoices.recent(status=rules.PARTLY_PAID)] == [number]
    assert invoices.totals(status=rules.UNPAID).outstanding == first_due + DUE - 10000


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(min_value=-100, max_value=45000), min_size=1, max_size=6))
def test_payments_never_exceed_the_amount_due(scene, attempts):
    world, _member, number, payments = scene
    with world.db.write() as session:
        session.query(m.PaymentRow).delete()
    accepted = 0
    for amount in attempts:
        try:
            payments.record(number, amount)
            accepted += amount
        except ValidationError:
            assert amount <= 0 or amount > DUE - accepted
    standing = payments.standing(number)
    assert standing.paid == accepted <= DUE
    assert standing.outstanding == DUE - accepted


def test_two_desks_paying_the_same_invoice_at_once_record_it_once(tmp_path):
    """Two connections to one file, each paying the whole amount at the same moment: the
    writes queue, the second sees the first and is refused."""
    import threading
    from datetime import datetime

    from desktop.services.clock import FixedClock
    from desktop.services.demo import load_demo
    from desktop.storage.database import open_database

    path = str(tmp_path / "desk.sqlite3")
    clock = FixedClock(date(2026, 3, 1), datetime(2026, 3, 1, 9))
    first = open_database(path, now=clock.now())
    load_demo(first, clock.today(), members=4, seed=2)
    with first.session() as session:
        number, due = session.execute(
            m.InvoiceRow.__table__.select().with_only_columns(
                m.InvoiceRow.number, m.InvoiceRow.amount_due)
            .where(m.InvoiceRow.amount_due > 0).limit(1)).one()
    second = open_database(path, now=clock.now())
    barrier, results = threading.Barrier(2), []

    def pay(db):
        barrier.wait()
        try:
            PaymentService(db, clock).record(number, due)
            results.append("recorded")
        except ValidationError as exc:
            results.append(str(exc))

    threads = [threading.Thread(target=pay, args=(db,)) for db in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    try:
        assert sorted(results) == sorted(["recorded", "This invoice is paid in full; there is "
                                                      "nothing left to pay."])
        assert PaymentService(first, clock).standing(number).paid == due
    finally:
        first.dispose()
        second.dispose()
