"""Rows <-> domain values: every table round-trips, invoiced spans, no N+1 (DESIGN.md §7)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from storage_helpers import APR1, FEB1, JAN1, MAR1, NOW, StatementCounter, add_catalog, add_member

from desktop.domain.model import (
    Account,
    Contract,
    ContractAddon,
    Invoice,
    InvoicedSpan,
    Line,
    PlanChange,
    Transition,
)
from desktop.domain.periods import Frequency
from desktop.storage.database import open_database
from desktop.storage.mapping import (
    account_to_domain,
    add_applied_transition,
    add_contract,
    add_invoice,
    add_plan_change,
    apply_account,
    apply_contract,
    apply_plan,
    billing_settings,
    contract_to_domain,
    contracts_to_domain,
    current_invoiced_spans,
    invoice_to_domain,
    plan_change_to_domain,
    plan_to_domain,
    settings_row,
    transition_to_domain,
)
from desktop.storage.models import (
    AppliedTransitionRow,
    ContractRow,
    HistoryRow,
    InvoiceRow,
    MemberRow,
    PlanChangeRow,
    PlanRow,
    SweepRunRow,
)


def _contract(member: int, plans, **changes) -> Contract:
    base = Contract(
        member=member, plan=plans["Hot desk"], start_date=JAN1, billing_anchor=JAN1,
        next_invoice_date=FEB1, next_plan=plans["Dedicated desk"],
        cancellation_date=date(2024, 6, 1), custom_price=18000, quantity=2,
        prorate_last_invoice=False, prorate_first_invoice=True,
        addons=(ContractAddon(plans["Locker"], 2, JAN1),
                ContractAddon(plans["Mail handling"], 1, date(2024, 1, 15))),
        notes="Window seat, please.",
    )
    return base.with_changes(**changes)


def test_settings_row_exists_after_migration_and_maps_to_billing_settings(db):
    with db.write() as session:
        row = settings_row(session)
        assert (row.currency, row.tax_rate, row.billing_day) == ("EUR", "0", None)
        row.tax_rate, row.billing_day, row.currency = "8.5", 15, "CHF"
    with db.session() as session:
        settings = billing_settings(settings_row(session))
    assert settings.tax_rate == Fraction(85, 1000)
    assert (settings.currency, settings.billing_day) == ("CHF", 15)


def test_plans_round_trip_with_allowances_addons_and_one_off_frequency(db):
    with db.write() as session:
        plans = add_catalog(session)
    with db.session() as session:
        rows = session.scalars(select(PlanRow)).all()
        loaded = {row.name: plan_to_domain(row) for row in rows}
    for name, plan in plans.items():
        assert loaded[name] == plan
        assert dict(loaded[name].allowances) == dict(plan.allowances)  # not in Plan equality
        assert loaded[name].id == plan.id
    assert loaded["Mail handling"].frequency is None
    assert loaded["Dedicated desk"].frequency == Frequency("month", 3)


def test_plan_update_changes_allowances_and_addons_in_place(db):
    with db.write() as session:
        plans = add_catalog(session)
    changed = replace(plans["Dedicated desk"], price=36000, archived=True, group=None,
                      allowances={"Print pages": 300, "Day passes": 2},
                      addons=("Mail handling", "Locker"))
    with db.write() as session:
        apply_plan(session, session.get(PlanRow, changed.id), changed)
    with db.session() as session:
        loaded = plan_to_domain(session.get(PlanRow, changed.id))
    assert loaded == replace(changed, addons=("Locker", "Mail handling"))  # sorted by name
    assert dict(loaded.allowances) == {"Print pages": 300, "Day passes": 2}


def test_plan_offering_an_unknown_addon_is_refused(db):
    with db.write() as session:
        plans = add_catalog(session)
    with pytest.raises(ValueError, match='no add-on named "Sauna"'), db.write() as session:
        apply_plan(session, session.get(PlanRow, plans["Hot desk"].id),
                   replace(plans["Hot desk"], addons=("Sauna",)))


def test_account_round_trip(db):
    with db.write() as session:
        member = add_member(session)
        apply_account(member, Account(member.id, credit_balance=1234, deposit_held=50000))
        member_id = member.id
    with db.session() as session:
        assert account_to_domain(session.get(MemberRow, member_id)) == \
            Account(member_id, credit_balance=1234, deposit_held=50000)


def test_contract_round_trip_keeps_every_field(db):
    with db.write() as session:
        plans = add_catalog(session)
        member = add_member(session)
        first = add_contract(session, _contract(member.id, plans, cancellation_date=None))
        session.flush()
        contract = _contract(member.id, plans, predecessor=first.id)
        row = add_contract(session, contract)
        row.next_event_date = FEB1
        session.flush()
        contract_id = row.id
    spans = (InvoicedSpan("plan", "Hot desk", JAN1, FEB1, 36000),)
    with db.session() as session:
        loaded = contract_to_domain(session.get(ContractRow, contract_id), spans)
        version = session.get(ContractRow, contract_id).version
    assert loaded == contract.with_changes(id=contract_id, invoiced=spans)
    assert version == 1


def test_contract_update_keeps_held_addon_rows_and_bumps_version(db):
    with db.write() as session:
        plans = add_catalog(session)
        member = add_member(session)
        row = add_contract(session, _contract(member.id, plans))
        session.flush()
        contract_id = row.id
        locker_row_id = row.addons[0].id
    with db.session() as session:
        contract = contract_to_domain(session.get(ContractRow, contract_id))
    edited = contract.with_changes(
        addons=(ContractAddon(plans["Locker"], 3, JAN1),), next_plan=None, custom_price=None,
        quantity=1, next_invoice_date=None, notes="")
    with db.write() as session:
        apply_contract(session, session.get(ContractRow, contract_id), edited)
    with db.session() as session:
        row = session.get(ContractRow, contract_id)
        assert contract_to_domain(row) == edited
        assert [addon.id for addon in row.addons] == [locker_row_id]
        assert row.version == 2


def test_contract_for_an_unsaved_plan_is_refused(db):
    with db.write() as session:
        plans = add_catalog(session)
        member = add_member(session)
    draft = _contract(member.id, plans, plan=replace(plans["Hot desk"], id=None))
    with pytest.raises(ValueError, match="not saved"), db.write() as session:
        add_contract(session, draft)


def test_invoice_round_trip_keeps_line_order_and_number(db):
    with db.write() as session:
        plans = add_catalog(session)
        member = add_member(session)
        contract = add_contract(session, _contract(member.id, plans))
        session.flush()
        invoice = Invoice(
            member=member.id, issue_date=FEB1, subtotal=38000, tax=7600, total=55600,
            credit_applied=600, amount_due=55000,
            lines=(Line("plan", "Hot desk, Feb", 36000, contract.id, FEB1, MAR1),
                   Line("unused", "Unused Jan", -3000, contract.id, date(2024, 1, 20), FEB1,
                        12, 31),
                   Line("deposit", "Deposit", 10000, contract.id),
                   Line("addon", "Locker", 5000, None, FEB1, MAR1)),
        )
        add_invoice(session, invoice, "INV-000007")
    with db.session() as session:
        loaded = invoice_to_domain(session.scalars(select(InvoiceRow)).one())
    assert loaded == replace(invoice, number="INV-000007")


def test_transition_plan_change_history_and_sweep_run_round_trip(db):
    with db.write() as session:
        plans = add_catalog(session)
        member = add_member(session)
        contract = add_contract(session, _contract(member.id, plans))
        session.flush()
        transition = Transition(contract.id, "renewal", FEB1, "Renewed on Dedicated desk")
        change = PlanChange(contract.id, FEB1, "Hot desk", "Dedicated desk", 20000, 35000, 2, True)
        add_applied_transition(session, transition, NOW)
        add_plan_change(session, change, NOW)
        session.add(HistoryRow(at=NOW, who="system", entity="contract", entity_id=contract.id,
                               member_id=member.id, contract_id=contract.id, field="plan",
                               old_value="Hot desk", new_value="Dedicated desk"))
        session.add(SweepRunRow(ran_at=NOW, as_of=NOW.date(), applied=3, invoices_issued=2,
                                failed=1))
    with db.session() as session:
        applied = session.scalars(select(AppliedTransitionRow)).one()
        assert transition_to_domain(applied) == transition
        assert applied.applied_at == NOW
        assert plan_change_to_domain(session.scalars(select(PlanChangeRow)).one()) == change
        history = session.scalars(select(HistoryRow)).one()
        assert (history.at, history.who, history.field, history.old_value, history.new_value) \
            == (NOW, "system", "plan", "Hot desk", "Dedicated desk")
        run = session.scalars(select(SweepRunRow)).one()
        assert (run.ran_at, run.as_of, run.applied, run.invoices_issued, run.failed) == \
            (NOW, NOW.date(), 3, 2, 1)


def _issue(session, member_id, number, issue_date, lines) -> None:
    total = sum(line.amount for line in lines)
    add_invoice(session, Invoice(member_id, issue_date, tuple(lines), total, 0, total, 0,
                                 max(total, 0)), number)


def test_current_invoiced_spans_picks_the_latest_periods_lines_in_one_query(db):
    with db.write() as session:
        plans = add_catalog(session)
        member = add_member(session)
        rows = [add_contract(session, _contract(member.id, plans)) for _ in range(3)]
        session.flush()
        first, second, never = (row.id for row in rows)
        _issue(session, member.id, "INV-000001", JAN1, [
            Line("plan", "Hot desk, Jan", 36000, first, JAN1, FEB1),
            Line("addon", "Locker, Jan", 5000, first, JAN1, FEB1),
            Line("plan", "Other, Jan", 20000, second, JAN1, FEB1)])
        _issue(session, member.id, "INV-000002", FEB1, [
            Line("deposit", "Deposit", 10000, first),
            Line("plan", "Hot desk, Feb", 36000, first, FEB1, MAR1),
            Line("unused", "Credit", -1000, first, date(2024, 2, 20), MAR1)])
        # An add-on added mid-period is invoiced at once for the rest of the same period.
        _issue(session, member.id, "INV-000003", date(2024, 2, 10), [
            Line("addon", "Locker from Feb 10", 3100, first, date(2024, 2, 10), MAR1)])
    with db.session() as session, StatementCounter(db.engine) as counter:
        spans = current_invoiced_spans(session, [first, second, never])
    assert counter.count == 1
    assert spans == {
        first: (InvoicedSpan("plan", "Hot desk, Feb", FEB1, MAR1, 36000),
                InvoicedSpan("addon", "Locker from Feb 10", date(2024, 2, 10), MAR1, 3100)),
        second: (InvoicedSpan("plan", "Other, Jan", JAN1, FEB1, 20000),),
        never: (),
    }


def test_loading_contracts_takes_the_same_number_of_queries_for_5_or_40(db):
    with db.write() as session:
        plans = add_catalog(session)
        members = [add_member(session, f"m{i}@example.org", f"Member {i}") for i in range(40)]
        for member in members:
            add_contract(session, _contract(member.id, plans))

    def statements(limit: int) -> int:
        with db.session() as session, StatementCounter(db.engine) as counter:
            rows = session.scalars(select(ContractRow).order_by(ContractRow.id).limit(limit))
            contracts = contracts_to_domain(session, rows)
        assert len(contracts) == limit
        assert all(len(contract.addons) == 2 for contract in contracts)
        return counter.count

    assert statements(5) == statements(40)


def test_reading_a_contracts_member_without_asking_raises_instead_of_loading(db):
    from sqlalchemy.exc import InvalidRequestError

    with db.write() as session:
        plans = add_catalog(session)
        add_contract(session, _contract(add_member(session).id, plans))
    with db.session() as session:
        row = session.scalars(select(ContractRow)).one()
        with pytest.raises(InvalidRequestError):
            row.member  # noqa: B018 - the access itself is what is tested


# Property: any contract the domain can express comes back equal (hypothesis) -----------------

money = st.integers(min_value=-(2 ** 62), max_value=2 ** 62)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31))


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    database = open_database(str(tmp_path_factory.mktemp("prop") / "p.sqlite3"), now=NOW)
    with database.write() as session:
        plans = add_catalog(session)
        member_id = add_member(session).id
    yield database, plans, member_id
    database.dispose()


@settings(max_examples=40, deadline=None)
@given(
    start=days, anchor=days, next_invoice=st.none() | days, cancel=st.none() | days,
    custom=st.none() | money, quantity=st.integers(1, 10_000), prorate=st.tuples(
        st.booleans(), st.booleans()), notes=st.text(max_size=40),
    next_plan=st.sampled_from([None, "Hot desk", "Dedicated desk"]),
    addons=st.lists(st.tuples(st.sampled_from(["Locker", "Mail handling"]),
                              st.integers(1, 9), st.none() | days), max_size=3),
    lines=st.lists(st.tuples(st.sampled_from(["plan", "unused", "addon", "deposit"]), money,
                             st.none() | days, st.integers(0, 400)), max_size=4),
)
def test_any_contract_and_invoice_round_trip(shared, start, anchor, next_invoice, cancel, custom,
                                             quantity, prorate, notes, next_plan, addons, lines):
    database, plans, member_id = shared
    contract = Contract(
        member=member_id, plan=plans["Hot desk"], start_date=start, billing_anchor=anchor,
        next_invoice_date=next_invoice, cancellation_date=cancel, custom_price=custom,
        quantity=quantity, prorate_last_invoice=prorate[0], prorate_first_invoice=prorate[1],
        notes=notes, next_plan=None if next_plan is None else plans[next_plan],
        addons=tuple(ContractAddon(plans[name], qty, since) for name, qty, since in addons))
    with database.write() as session:
        row = add_contract(session, contract)
        session.flush()
        invoice = Invoice(member_id, start, tuple(
            Line(kind, f"line {i}", amount, row.id, since,
                 None if since is None else since + timedelta(days=length), length or None, 30)
            for i, (kind, amount, since, length) in enumerate(lines)), 1, 2, 3, 4, 5)
        number = f"T-{row.id}"
        add_invoice(session, invoice, number)
        contract_id = row.id
    with database.session() as session:
        assert contract_to_domain(session.get(ContractRow, contract_id)) == \
            contract.with_changes(id=contract_id)
        stored = session.scalars(select(InvoiceRow).where(InvoiceRow.number == number)).one()
        assert invoice_to_domain(stored) == replace(invoice, number=number)


def test_datetimes_are_stored_to_the_microsecond(db):
    at = datetime(2024, 12, 31, 23, 59, 59, 999999)
    with db.write() as session:
        session.add(SweepRunRow(ran_at=at, as_of=APR1))
    with db.session() as session:
        assert session.scalars(select(SweepRunRow.ran_at)).one() == at
