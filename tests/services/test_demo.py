"""The sample data: a recognisable space, contracts in every state, a history the sweep made."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from desktop.domain.contracts import effective_cancellation, status
from desktop.domain.validation import validate_contract
from desktop.ledger.member_states import load_member_states, load_plans
from desktop.services.clock import FixedClock
from desktop.services.exchange.export import export_document
from desktop.services.sample.demo import PLANS, is_empty, load_demo
from desktop.services.sweep.service import SweepService
from desktop.storage import models as m
from desktop.storage.database import open_database

TODAY = date(2025, 3, 12)
NOW = datetime(2025, 3, 12, 9)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = open_database(str(tmp_path_factory.mktemp("demo") / "demo.sqlite3"), now=NOW)
    assert is_empty(db)
    summary = load_demo(db, TODAY)
    yield db, summary
    db.dispose()


@pytest.fixture(scope="module")
def contracts(demo):
    db, _ = demo
    with db.session() as session:
        states = load_member_states(session, session.scalars(select(m.MemberRow.id)).all())
    return [c for state in states.values() for c in state.contracts]


def export(db) -> dict:
    """The export without the sweep's own log of runs (a sweep that applies nothing still
    records that it ran)."""
    with db.session() as session:
        document = export_document(session)
    del document["sweep_runs"]
    return document


def test_the_summary_counts_what_was_written(demo):
    db, summary = demo
    assert not is_empty(db)
    with db.session() as session:
        assert summary.members == 120 == session.scalar(select(func.count(m.MemberRow.id)))
        assert summary.contracts == session.scalar(select(func.count(m.ContractRow.id))) > 120
        assert summary.invoices == session.scalar(select(func.count(m.InvoiceRow.id))) > 300


def test_the_catalog_has_groups_frequencies_deposits_add_ons_and_allowances(demo):
    db, _ = demo
    with db.session() as session:
        plans = {p.name: p for p in load_plans(session).values()}
    groups = {p.group for p in plans.values() if p.kind == "plan"}
    assert groups == {"Desks", "Offices", "Virtual"}
    assert {str(p.frequency) for p in plans.values() if p.kind == "plan"} == {
        "1 month", "3 months", "1 year"}
    assert plans["Dedicated desk"].deposit > 0 and plans["Private office 1-person"].deposit > 0
    assert plans["Hot desk"].deposit == 0
    assert {p.name for p in plans.values() if p.kind == "addon"} == {
        "Locker", "Mail handling", "10 meeting-room hours", "Parking"}
    assert plans["10 meeting-room hours"].frequency is None  # one-off
    assert plans["10 meeting-room hours"].allowances == {"Meeting room hours": 10}
    allowances = {name for p in plans.values() for name in p.allowances}
    assert allowances == {"Meeting room hours", "Printing pages", "Day passes"}
    assert "Locker" in plans["Hot desk"].addons
    assert [p.name for p in plans.values() if p.archived] == ["Hot desk (2023 price)"]
    assert set(PLANS) <= set(plans)


def test_contracts_are_in_every_state(contracts):
    statuses = {status(c, TODAY) for c in contracts}
    assert statuses == {"inactive", "active", "cancelled"}
    cancelling = [c for c in contracts if status(c, TODAY) == "active"
                  and c.cancellation_date is not None and c.cancellation_date > TODAY]
    blank = [c for c in contracts if c.next_invoice_date is not None and c.next_plan is None]
    switching = [c for c in contracts if c.next_invoice_date is not None
                 and c.next_plan is not None and c.next_plan.id != c.plan.id]
    custom = [c for c in contracts if c.custom_price is not None]
    by_id = {c.id: c for c in contracts}
    chained = [c for c in contracts if c.predecessor is not None]
    assert cancelling and blank and switching and custom and chained
    assert all(effective_cancellation(c) > TODAY for c in blank)
    assert all(c.custom_price is None for c in switching)  # rule 9
    # New terms continue their predecessor: same member, start on its cancellation date.
    for term in chained:
        before = by_id[term.predecessor]
        assert (term.member, term.start_date) == (before.member, before.cancellation_date)
    assert {status(c, TODAY) for c in chained} == {"inactive", "active"}
    assert any(a.addon.name == "10 meeting-room hours" for c in contracts for a in c.addons)


def test_every_contract_passes_the_editor_rules(demo, contracts):
    db, _ = demo
    with db.session() as session:
        catalog = list(load_plans(session).values())
    for contract in contracts:
        problems = validate_contract(contract, contract, catalog, TODAY)
        # A switch to a plan of another frequency moved the anchor on purpose (rule 7).
        assert [p for p in problems if p.field != "billing_anchor"] == [], contract


def test_the_history_was_made_by_the_sweep_up_to_today(demo):
    db, _ = demo
    with db.session() as session:
        lines = set(session.scalars(select(m.InvoiceLineRow.kind)))
        changes = session.scalar(select(func.count(m.PlanChangeRow.id)))
        latest = session.scalar(select(func.max(m.InvoiceRow.issue_date)))
        due = session.scalar(select(func.count(m.ContractRow.id))
                             .where(m.ContractRow.next_event_date <= TODAY))
    assert lines == {"plan", "addon", "deposit", "deposit_refund", "unused"}
    assert changes > 0 and latest == TODAY
    assert due == 0  # nothing left for today's sweep
    before = export(db)
    report = SweepService(db, FixedClock(TODAY, NOW)).apply_due(TODAY)
    assert (report.applied, report.invoices_issued, report.failed) == ([], 0, [])
    assert export(db) == before


def test_members_look_like_people(demo):
    db, _ = demo
    with db.session() as session:
        rows = session.execute(select(m.MemberRow.name, m.MemberRow.email,
                                      m.MemberRow.company)).all()
    emails = [email for _, email, _ in rows]
    assert len(set(emails)) == len(emails) and all("@" in e and e == e.lower() for e in emails)
    assert all(len(name.split()) >= 2 for name, _, _ in rows)
    companies = [company for _, _, company in rows]
    assert 0 < companies.count("") < len(companies)


def test_the_same_seed_gives_the_same_space_and_another_seed_another(tmp_path, demo):
    db, _ = demo
    same = open_database(str(tmp_path / "same.sqlite3"), now=NOW)
    other = open_database(str(tmp_path / "other.sqlite3"), now=NOW)
    try:
        load_demo(same, TODAY, members=120, seed=1)
        load_demo(other, TODAY, members=20, seed=2)
        assert export(same) == export(db)
        assert export(other)["members"][0] != export(db)["members"][0]
    finally:
        same.dispose()
        other.dispose()
