"""A sweep contains each member's bad data (rules 18, 19; docs/storage.md).

A transition key already on record for a contract still due on that date, or a plan the billing
core cannot read, is reported in `failed` on every run, while every other member goes through.
The states are written straight into the database, as no service would write them any more.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

import pytest
from sqlalchemy import func, select, text

from desktop.domain.transitions import apply_day
from desktop.ledger import applier as applier_module
from desktop.ledger.day_writes import write_day
from desktop.ledger.member_states import load_member_state
from desktop.services.clock import FixedClock
from desktop.services.errors import ServiceError
from desktop.services.sweep import service as sweep_module
from desktop.services.sweep.failures import Failure
from desktop.services.sweep.service import SweepService
from desktop.storage import models as m

NOW = datetime(2024, 5, 10, 9)


def sweep(db, day: date):
    return SweepService(db, FixedClock(day, NOW)).apply_due(day)


def invoice_dates(db, member: int) -> list[date]:
    """The billing dates of the member's documents (rule 18: each belongs to its own date,
    whenever the sweep made it)."""
    with db.session() as session:
        return list(session.scalars(select(m.InvoiceRow.billing_date)
                                    .where(m.InvoiceRow.member_id == member)
                                    .order_by(m.InvoiceRow.billing_date, m.InvoiceRow.id)))


def applied_count(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(m.AppliedTransitionRow))


@pytest.fixture
def two_members(db, catalog, add_member, add_contract):
    """Ada (contract 1, from 1 April) and Grace (contract 2, from 15 April), swept to 10 May."""
    ada = add_member("Ada Lovelace")
    add_contract(ada, catalog["Hot desk"], start=date(2024, 4, 1))
    grace = add_member("Grace Hopper")
    add_contract(grace, catalog["Virtual office"], start=date(2024, 4, 15))
    assert not sweep(db, date(2024, 5, 10)).failed
    return ada, grace


def test_a_contract_moved_back_onto_an_applied_date_is_reported_every_run(db, two_members):
    ada, grace = two_members
    with db.write() as session:  # moved back onto 1 May, whose renewal is on record
        session.execute(text("UPDATE contracts SET next_invoice_date = '2024-05-01', "
                             "next_event_date = '2024-05-01' WHERE id = 1"))
    expected = Failure((ada, date(2024, 5, 1)), "Contract 1: the renewal of 1 May 2024 was "
                                                "already applied; check its next invoice date.")
    for _ in range(2):
        before = applied_count(db)
        report = sweep(db, date(2024, 5, 10))
        assert (report.failed, report.applied, applied_count(db)) == ([expected], [], before)

    report = sweep(db, date(2024, 6, 20))  # the others still go through

    assert report.failed == [expected]
    assert [(t.contract, t.date) for t in report.applied] == [(2, date(2024, 5, 15)),
                                                              (2, date(2024, 6, 15))]
    assert invoice_dates(db, ada) == [date(2024, 4, 1), date(2024, 5, 1)]
    assert invoice_dates(db, grace) == [date(2024, 4, 15), date(2024, 5, 15), date(2024, 6, 15)]
    with db.session() as session:
        assert session.get(m.SweepRunRow, 3).failed == 1  # the runs count it


def test_a_member_day_another_process_applied_first_is_not_a_failure(
        db, two_members, monkeypatch):
    """Read, then someone else commits the same member-day before this sweep writes it."""
    ada, _ = two_members
    real_load = sweep_module.load_member_states

    def load_then_race(session, members, *args):
        states = real_load(session, members, *args)
        if ada in states:  # the other process's write, after this sweep read the state
            state = states[ada]
            result = apply_day(state.account, state.contracts, date(2024, 6, 1), state.settings)
            write_day(session, result, now=NOW, who="system", before=state)
        return states

    monkeypatch.setattr(sweep_module, "load_member_states", load_then_race)
    report = sweep(db, date(2024, 6, 1))

    assert report.failed == []
    # Ada's member-day was the other process's; Grace's was this sweep's.
    assert [(t.contract, t.date) for t in report.applied] == [(2, date(2024, 5, 15))]
    assert invoice_dates(db, ada) == [date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 1)]


def test_a_transition_that_fails_for_another_reason_keeps_its_own_sentence(
        db, two_members, monkeypatch):
    ada, grace = two_members
    real_day = applier_module.write_day

    def refuse_ada(session, result, **kwargs):
        if result.account.member == ada:
            raise RuntimeError("the disk is full")
        return real_day(session, result, **kwargs)

    def refuse_batch(session, results, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(sweep_module, "write_days", refuse_batch)
    monkeypatch.setattr(applier_module, "write_day", refuse_ada)
    report = sweep(db, date(2024, 6, 1))

    assert report.failed == [Failure((ada, date(2024, 6, 1)), "The transitions of Ada Lovelace "
                                     "due on 1 Jun 2024 could not be applied: the disk is full")]
    assert invoice_dates(db, grace)[-1] == date(2024, 5, 15)


@pytest.fixture
def broken_plan(db, two_members):
    """Grace's plan stored with a frequency the billing core refuses (over ten years)."""
    with db.write() as session:
        session.execute(text("UPDATE plans SET frequency = '9000 years' "
                             "WHERE name = 'Virtual office'"))
    return two_members


def test_a_member_whose_data_cannot_be_read_fails_alone(db, broken_plan):
    ada, grace = broken_plan
    expected = Failure((grace, date(2024, 5, 15)), "The transitions of Grace Hopper due on "
                       "15 May 2024 could not be applied: The plan Virtual office cannot be used "
                       "(a billing frequency can be at most ten years).")
    for _ in range(2):
        report = sweep(db, date(2024, 6, 20))
        assert report.failed == [expected]
    assert invoice_dates(db, ada) == [date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 1)]
    assert invoice_dates(db, grace) == [date(2024, 4, 15)]


def test_a_failure_reads_in_the_window_readers_language_and_english_on_the_command_line(
        db, broken_plan):
    from desktop.i18n import Formatter, install
    from desktop.i18n.messages import say

    _ada, grace = broken_plan
    (failure,) = sweep(db, date(2024, 6, 20)).failed
    assert failure.message.startswith("The transitions of Grace Hopper due on 15 May 2024")
    install("de")
    try:
        german = say(failure.wording, Formatter("de_DE", "EUR"))
    finally:
        install("en_IE")
    assert german == ("Die Vertragsereignisse von Grace Hopper, fällig am 15.05.2024, konnten "
                      "nicht verarbeitet werden: Der Tarif Virtual office kann nicht verwendet "
                      "werden: Ein Abrechnungsrhythmus kann höchstens zehn Jahre betragen.")


def test_the_forecast_leaves_out_a_member_it_cannot_read_with_a_warning(
        db, broken_plan, caplog):
    ada, grace = broken_plan
    with caplog.at_level(logging.WARNING, logger="desktop.services.sweep.service"):
        items = SweepService(db, FixedClock(date(2024, 5, 10), NOW)).forecast(date(2024, 5, 10))
    assert [(i.member_id, i.date, i.kind) for i in items] == [(ada, date(2024, 6, 1), "renewal")]
    assert [r.getMessage() for r in caplog.records] == [
        (f"Forecast: member {grace} left out: The plan Virtual office cannot be used (a billing "
         "frequency can be at most ten years).")]


def test_reading_a_member_on_a_broken_plan_is_a_sentence_and_others_still_read(db, broken_plan):
    ada, grace = broken_plan
    with db.session() as session:
        assert load_member_state(session, ada).contracts[0].plan.name == "Hot desk"
        with pytest.raises(ServiceError, match=r"^The plan Virtual office cannot be used"):
            load_member_state(session, grace)
