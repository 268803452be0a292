"""A sweep never writes a date after the last one Frontdesk accepts (issue 19): refused with
the latest day that is safe, and a sweep up to that day keeps every written date in range,
whatever the frequencies, plan switches and cancellations."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from desktop.domain.limits import LAST_DAY
from desktop.ledger.contracts import save_contract
from desktop.ledger.member_states import load_contract
from desktop.services.sweep.last_day import BeyondLastDay
from desktop.services.sweep.service import SweepService
from desktop.storage import models as m


def _latest(db) -> list[date]:
    with db.session() as session:
        return [session.scalar(select(func.max(column))) for column in (
            m.ContractRow.next_invoice_date, m.ContractRow.next_event_date,
            m.InvoiceLineRow.period_end, m.InvoiceRow.issue_date)]


def _invoices(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(m.InvoiceRow))


def test_a_sweep_up_to_the_day_it_names_keeps_every_date_in_range(db, clock, catalog, add_member,
                                                                  add_contract):
    ada, grace, emmy = (add_member(name) for name in ("Ada", "Grace", "Emmy"))
    add_contract(ada, catalog["Hot desk"], start=date(2099, 1, 1))
    add_contract(ada, catalog["Annual desk"], start=date(2099, 3, 15))
    add_contract(grace, catalog["Team office"], start=date(2099, 2, 28),  # ends before 2101
                 cancellation_date=date(2100, 6, 30), prorate_last_invoice=False)
    add_contract(grace, catalog["Weekly desk"], start=date(2100, 12, 20))
    switching = add_contract(emmy, catalog["Hot desk"], start=date(2100, 1, 1))
    with db.write() as session:  # monthly now, yearly from its first renewal
        contract = load_contract(session, switching)
        save_contract(session, contract.with_changes(next_plan=catalog["Annual desk"]))
    sweep = SweepService(db, clock)
    with pytest.raises(BeyondLastDay) as refused:
        sweep.apply_due(LAST_DAY, catch_up_limit=1000)
    assert _invoices(db) == 0  # nothing issued
    overruns = refused.value.overruns
    assert all(o.reaches > LAST_DAY and o.day <= LAST_DAY for o in overruns)
    latest = min(o.day for o in overruns) - timedelta(days=1)
    assert f"Sweep up to {latest.isoformat()} at the latest." in str(refused.value)
    assert 3 not in {o.contract_id for o in overruns}  # cancelled before it would cross

    report = sweep.apply_due(latest, catch_up_limit=1000)
    assert report.invoices_issued > 0 and not report.failed
    assert all(day <= LAST_DAY for day in _latest(db))
    issued = _invoices(db)
    with pytest.raises(BeyondLastDay):
        sweep.apply_due(latest + timedelta(days=1))
    assert _invoices(db) == issued


def test_without_the_check_the_sweep_would_write_a_2101_date(db, clock, catalog, add_member,
                                                            add_contract, monkeypatch):
    """What the check prevents (the trial's finding), shown on the same contract."""
    from desktop.services.sweep import service

    add_contract(add_member("Ada"), catalog["Hot desk"], start=date(2100, 6, 1))
    monkeypatch.setattr(service, "overruns", lambda session, as_of: [])
    SweepService(db, clock).apply_due(LAST_DAY)
    assert _latest(db)[0] == date(2101, 1, 1)


def test_a_contract_ending_before_the_last_day_sweeps_to_it(db, clock, catalog, add_member,
                                                           add_contract):
    """Cancelled on 2100-12-15 with a prorated last invoice: its dates end there, so a sweep up
    to the last day itself is no overrun."""
    add_contract(add_member("Ada"), catalog["Hot desk"], start=date(2100, 6, 1),
                 cancellation_date=date(2100, 12, 15), prorate_last_invoice=True)
    report = SweepService(db, clock).apply_due(LAST_DAY)
    assert report.invoices_issued > 0 and not report.failed
    assert all(day is None or day <= LAST_DAY for day in _latest(db))
